"""The application service: every command of REST, GraphQL and the CLI goes through here.

Each command loads the conversation, decides, and saves all its events in one
transaction. A concurrent writer makes the save fail as a whole; the command then runs
again on fresh state (so a message racing an ending is either recorded before `Ended`
or refused), a bounded number of times.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError, Recording

from api.store import ConversationStore
from domain.access import Principal
from domain.conversation import Conversation
from domain.errors import BadInput, Conflict, TextTooLong
from domain.events import Rating, Turn
from domain.policy import Policy
from domain.ports import Assessor, Assistant

T = TypeVar("T")
CONTEXT_MESSAGES = 6


@dataclass(frozen=True)
class TurnResult:
    conversation: Conversation
    turn: Turn
    notification_id: int | None


def utc_now() -> datetime:
    return datetime.now(UTC)


class ConversationService:
    def __init__(
        self,
        store: ConversationStore,
        assessor: Assessor,
        assistant: Assistant,
        policy: Policy,
        *,
        default_model: str = "claude-opus-4-1",
        max_text_chars: int = 8000,
        max_attempts: int = 8,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = store
        self.assessor = assessor
        self.assistant = assistant
        self.policy = policy
        self.max_text_chars = max_text_chars
        self.max_attempts = max_attempts
        self.clock = clock
        self.default_model = default_model

    def start(self, principal: Principal, model: str) -> Conversation:
        conversation = Conversation.start(uuid4(), principal.name, model, self.clock())
        self.store.save_conversations(conversation)
        return conversation

    def get(self, principal: Principal, conversation_id: UUID) -> Conversation:
        conversation = self.store.get_conversation(conversation_id)
        principal.check_read(conversation)
        return conversation

    def send_message(self, principal: Principal, conversation_id: UUID, text: str) -> TurnResult:
        self.check_text(text)

        def attempt() -> TurnResult:
            conversation = self.store.get_conversation(conversation_id)
            principal.check_write(conversation)
            conversation.check_open()
            turn = self._take_turn(conversation, text)
            recordings = self.store.save_conversations(conversation)
            return TurnResult(conversation, turn, _last_notification(recordings))

        return self._retrying(attempt)

    def branch(
        self, principal: Principal, conversation_id: UUID, from_position: int, text: str
    ) -> TurnResult:
        """Edit (or retry) the user message at `from_position` as a new conversation."""
        self.check_text(text)

        def attempt() -> TurnResult:
            parent = self.store.get_conversation(conversation_id)
            principal.check_write(parent)
            now = self.clock()
            child = Conversation.branch(uuid4(), parent, from_position, principal.name, now)
            turn = self._take_turn(child, text)
            parent.note_branch(child.id, from_position, now)
            recordings = self.store.save_conversations(child, parent)
            return TurnResult(child, turn, _last_notification(recordings))

        return self._retrying(attempt)

    def give_feedback(
        self,
        principal: Principal,
        conversation_id: UUID,
        rating: Rating,
        comment: str | None,
        position: int | None,
    ) -> int:
        if comment is not None:
            self.check_text(comment, what="comment")

        def attempt() -> int:
            conversation = self.store.get_conversation(conversation_id)
            principal.check_write(conversation)
            rated = conversation.give_feedback(
                principal.name, rating, comment, position, self.clock()
            )
            self.store.save_conversations(conversation)
            return rated

        return self._retrying(attempt)

    def check_text(self, text: str, what: str = "text") -> None:
        if not text.strip():
            raise BadInput(f"{what} must not be empty")
        if "\x00" in text:
            raise BadInput(f"{what} must not contain NUL characters")
        if len(text) > self.max_text_chars:
            raise TextTooLong(
                f"{what} has {len(text)} characters; the limit is {self.max_text_chars}"
            )

    def _take_turn(self, conversation: Conversation, text: str) -> Turn:
        position = conversation.next_position
        context = conversation.recent_user_messages(CONTEXT_MESSAGES)
        assessment = self.assessor.assess(text, context)
        decision = self.policy.decide(conversation.ladder, assessment, position, conversation.model)
        reply = self.assistant.write(decision, text, conversation.turns)
        conversation.record_turn(text, assessment, decision, self.policy, reply, self.clock())
        return conversation.turns[-1]

    def _retrying(self, attempt: Callable[[], T]) -> T:
        for n in range(self.max_attempts):
            try:
                return attempt()
            except IntegrityError:
                time.sleep(random.uniform(0, 0.005 * 2**n))
        raise Conflict("the conversation is busy with concurrent writes; retry the request")


def _last_notification(recordings: Sequence[Recording[UUID]]) -> int | None:
    return max((r.notification.id for r in recordings), default=None)
