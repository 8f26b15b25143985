"""The `Conversation` aggregate: guards the rules that hold inside one conversation.

State is only ever changed by applying events, whether new or replayed, so a
conversation loaded from the store is exactly the one that was saved. New events wait
in `pending` until the store takes them; a concurrent writer makes the store refuse
them and the whole command is tried again on fresh state.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.aggregate import EventSourced
from domain.assessment import Assessment, Crisis
from domain.decision import Decision
from domain.errors import BadInput, ConversationEnded, ConversationErased
from domain.events import (
    REPLY_EVENTS,
    AssistantEvent,
    BranchCreated,
    Branched,
    CrisisSignalDetected,
    Ended,
    Erased,
    ErasureScope,
    Event,
    FeedbackGiven,
    LadderReset,
    MessageSent,
    Rating,
    Shadow,
    Started,
    Turn,
)
from domain.ladder import Ladder
from domain.policy import Policy
from domain.policy_path import PolicyPath
from domain.ports import WrittenReply

USER_KIND = "message"


class Status(StrEnum):
    OPEN = "open"
    ENDED = "ended"


class Author(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


@dataclass(frozen=True)
class Message:
    position: int
    author: Author
    kind: str
    text: str
    at: datetime


def erased_note(at: datetime) -> str:
    """What is shown where an erased text was."""
    return f"erased on {at.date().isoformat()}"


class Conversation(EventSourced):
    """One conversation path: its turns, its ladder, and whether it has ended."""

    def __init__(self, id: UUID) -> None:
        super().__init__(id)
        self.owner = ""
        self.model = ""
        self.started_at: datetime | None = None
        self.parent_id: UUID | None = None
        self.branch_position: int | None = None
        self.turns: list[Turn] = []
        self.ladder = Ladder()
        self.ended: Ended | None = None
        self.erased: Erased | None = None
        self.message_keys: dict[str, int] = {}
        self.feedback_keys: dict[str, FeedbackGiven] = {}
        self.feedback: list[FeedbackGiven] = []
        self._sent: MessageSent | None = None
        self._folds_ladder = True
        self._paths: dict[Policy, tuple[int, Ladder]] = {}

    # -- creation -------------------------------------------------------------

    @classmethod
    def start(cls, id: UUID, owner: str, model: str, at: datetime) -> Conversation:
        conversation = cls(id)
        conversation._trigger(Started, at, owner=owner, model=model)
        return conversation

    @classmethod
    def branch(
        cls, id: UUID, parent: Conversation, position: int, owner: str, at: datetime
    ) -> Conversation:
        """A new conversation sharing `parent`'s turns before the user message at `position`."""
        parent.check_not_erased()
        parent.check_user_position(position)
        conversation = cls.start(id, owner, parent.model, at)
        inherited = tuple(turn for turn in parent.turns if turn.position < position)
        conversation._trigger(
            Branched, at, parent_id=parent.id, branch_position=position, inherited=inherited
        )
        return conversation

    @classmethod
    def from_events(cls, events: Iterable[Event], *, ladder: bool = True) -> Conversation:
        """The conversation `events` record; with `ladder=False` its ladder is left unfolded
        (for a reader such as replay that folds its own and never decides on this one)."""
        conversation: Conversation | None = None
        for event in events:
            if conversation is None:
                conversation = cls(event.originator_id)
                conversation._folds_ladder = ladder
            conversation._apply(event)
        if conversation is None:
            raise ValueError("a conversation needs at least its Started event")
        return conversation

    def fast_forward(self, events: Iterable[Event]) -> None:
        """Apply events recorded after this conversation's version (a cached copy catching up)."""
        for event in events:
            self._apply(event)

    def clone(self) -> Conversation:
        """An independent copy: events, turns and the ladder are immutable, so only the
        containers that change are copied."""
        other = copy(self)
        other.turns = list(self.turns)
        other.pending = list(self.pending)
        other.message_keys = dict(self.message_keys)
        other.feedback_keys = dict(self.feedback_keys)
        other.feedback = list(self.feedback)
        other._paths = dict(self._paths)
        return other

    # -- queries --------------------------------------------------------------

    @property
    def status(self) -> Status:
        return Status.ENDED if self.ended is not None else Status.OPEN

    @property
    def next_position(self) -> int:
        return 2 * len(self.turns)

    @property
    def messages(self) -> list[Message]:
        """Every message; an erased conversation's texts say when they were erased."""
        note = None if self.erased is None else erased_note(self.erased.timestamp)
        out: list[Message] = []
        for turn in self.turns:
            out.append(
                Message(turn.position, Author.USER, USER_KIND, note or turn.text, turn.sent_at)
            )
            out.append(
                Message(
                    turn.position + 1,
                    Author.ASSISTANT,
                    str(turn.decision.action),
                    note or turn.reply,
                    turn.replied_at,
                )
            )
        return out

    def recent_user_messages(self, limit: int) -> list[tuple[str, Assessment]]:
        """The last user messages with their assessments, oldest first (assessor context)."""
        return [(t.text, t.assessment) for t in self.turns[-limit:]] if limit > 0 else []

    def path_under(self, policy: Policy) -> PolicyPath:
        """`policy`'s own path through this conversation's turns, as replay walks it (a
        policy in shadow decides the next turn on it). Turns are only ever appended, so
        the path is resumed from where it was last asked: a turn costs each shadow one
        decision, not a fold of the whole conversation."""
        folded, ladder = self._paths.get(policy, (0, Ladder()))
        path = PolicyPath(policy, self.model, ladder)
        path.follow(self.turns[folded:])
        self._paths[policy] = (len(self.turns), path.ladder)
        return path

    def turn_for_key(self, request_key: str) -> Turn | None:
        """The turn a message command with this idempotency key recorded, if any."""
        position = self.message_keys.get(request_key)
        return None if position is None else self.turns[position // 2]

    def check_user_position(self, position: int) -> None:
        if position < 0 or position % 2 or position >= self.next_position:
            raise BadInput(
                f"position {position} is not a user message of this conversation "
                f"(user messages are at even positions below {self.next_position})"
            )

    def check_not_erased(self) -> None:
        if self.erased is not None:
            raise ConversationErased(
                f"conversation {self.id} was erased on {self.erased.timestamp.date()}; "
                "start a new one"
            )

    def check_open(self) -> None:
        self.check_not_erased()
        if self.ended is not None:
            raise ConversationEnded(
                f"conversation {self.id} has ended; start a new one or branch from an "
                "earlier message"
            )

    # -- commands -------------------------------------------------------------

    def record_turn(
        self,
        text: str,
        assessment: Assessment,
        decision: Decision,
        policy: Policy,
        reply: WrittenReply,
        at: datetime,
        request_key: str | None = None,
        shadows: tuple[Shadow, ...] = (),
    ) -> None:
        """Record a user message with the decision made on it and the reply written for it,
        and what the policies in shadow decided on it."""
        self.check_open()
        position = self.next_position
        self._trigger(
            MessageSent,
            at,
            position=position,
            text=text,
            assessment=assessment,
            request_key=request_key,
        )
        if assessment.crisis is not Crisis.NONE:
            self._trigger(CrisisSignalDetected, at, position=position, crisis=assessment.crisis)
        if decision.ladder_reset:
            self._trigger(
                LadderReset, at, position=position, ordinary_turns=self.ladder.ordinary_streak + 1
            )
        self._trigger(
            REPLY_EVENTS[decision.action],
            at,
            position=position + 1,
            text=reply.text,
            decision=replace(decision, model_request=reply.model_request),
            policy=policy,
            usage=reply.usage,
            shadows=shadows,
        )

    def note_branch(self, branch_id: UUID, position: int, at: datetime) -> None:
        """Note on the parent that a branch was made; an ended conversation stays as it is."""
        if self.ended is None and self.erased is None:
            self._trigger(BranchCreated, at, branch_id=branch_id, branch_position=position)

    def give_feedback(
        self,
        user: str,
        rating: Rating,
        comment: str | None,
        position: int | None,
        at: datetime,
        request_key: str | None = None,
    ) -> int:
        """Rate an assistant message; without a position, the feedback is on the ending."""
        self.check_not_erased()
        if position is None:
            if self.ended is None:
                raise BadInput("position is required unless the feedback is on an ending")
            position = self.ended.position
        elif position < 0 or position >= self.next_position or position % 2 == 0:
            raise BadInput(f"position {position} is not an assistant message of this conversation")
        self._trigger(
            FeedbackGiven,
            at,
            position=position,
            rating=rating,
            comment=comment,
            user=user,
            request_key=request_key,
        )
        return position

    def erase(self, by: str, scope: ErasureScope, at: datetime) -> bool:
        """Record that this conversation's text is erased (False: it was already)."""
        if self.erased is not None:
            return False
        self._trigger(Erased, at, by=by, scope=scope)
        return True

    # -- applying events ------------------------------------------------------

    def _mutate(self, event: Event) -> None:
        match event:
            case Started():
                self.owner, self.model, self.started_at = event.owner, event.model, event.timestamp
            case Branched():
                self.parent_id, self.branch_position = event.parent_id, event.branch_position
                for turn in event.inherited:
                    self._add_turn(turn)
            case MessageSent():
                self._sent = event
                if event.request_key is not None:
                    self.message_keys[event.request_key] = event.position
            case AssistantEvent():
                self._complete_turn(event)
            case FeedbackGiven():
                self.feedback.append(event)
                if event.request_key is not None:
                    self.feedback_keys[event.request_key] = event
            case Erased():
                self._forget_text(event)
            case CrisisSignalDetected() | LadderReset() | BranchCreated():
                pass

    def _forget_text(self, erased: Erased) -> None:
        """Drop from memory what the erasure made unreadable in the store, as the store
        now reads it: every text empty, every quote of it gone."""
        self.erased = erased
        self.turns = [_without_text(turn) for turn in self.turns]
        self.feedback = [replace(f, comment=None) for f in self.feedback]
        self.feedback_keys = {k: replace(f, comment=None) for k, f in self.feedback_keys.items()}
        if self.ended is not None:
            self.ended = replace(
                self.ended, text="", decision=_without_request(self.ended.decision)
            )

    def _complete_turn(self, event: AssistantEvent) -> None:
        sent = self._sent
        if sent is None or sent.position + 1 != event.position:
            raise ValueError(f"reply at {event.position} answers no user message")
        self._sent = None
        self._add_turn(
            Turn(
                position=sent.position,
                text=sent.text,
                sent_at=sent.timestamp,
                assessment=sent.assessment,
                decision=event.decision,
                policy=event.policy,
                reply=event.text,
                replied_at=event.timestamp,
                usage=event.usage,
                shadows=event.shadows,
            )
        )
        if isinstance(event, Ended):
            self.ended = event

    def _add_turn(self, turn: Turn) -> None:
        self.turns.append(turn)
        if self._folds_ladder:
            self.ladder = self.ladder.advance(turn.position, turn.decision)


def _without_request(decision: Decision) -> Decision:
    return replace(decision, model_request=None)


def _without_text(turn: Turn) -> Turn:
    return replace(
        turn,
        text="",
        reply="",
        assessment=replace(turn.assessment, rationale="", raw=None),
        decision=_without_request(turn.decision),
    )
