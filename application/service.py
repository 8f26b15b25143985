"""The application service: every command of REST, GraphQL and the CLI goes through here.

Each command loads the conversation, decides, and saves all its events in one
transaction. The first attempt starts from the store's cached copy without asking the
database (`Repository.get_cached`), so a turn on a current cache is one round trip, its
save. A concurrent writer — or another process that wrote behind this one's cache — makes
the save fail as a whole; the command then runs again on a fresh load (so a message
racing an ending is either recorded before `Ended` or refused), a bounded number of
times, reusing the model answers whose inputs did not change (`application/turns.py`). A
refusal decided on the unverified cached copy (the conversation ended, a position not
there yet) is never final either: it is decided again on a fresh load. A turn has a
deadline: its model calls are bounded by it, and once it has passed nothing is saved, so
a client that gave up never finds its message stored behind its back.

A turn can be streamed (`watcher`, `application/turns.py`): the same command, whose
watcher hears the decision and the reply as they are made. An Idempotency-Key retry that
finds its turn already recorded tells the watcher nothing; the caller replays the record.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NoReturn, TypeAlias, TypeVar
from uuid import UUID, uuid4, uuid5

from eventsourcing.persistence import IntegrityError
from tenacity import (
    RetryCallState,
    Retrying,
    stop_after_attempt,
    wait_random_exponential,
)

from application.policies import FixedPolicy, LivePolicy
from application.repository import Repository
from application.turns import TurnTaker, TurnWatcher
from domain import validation
from domain.access import Principal
from domain.aggregate import EventSourced
from domain.conversation import Conversation
from domain.deadline import Deadline, DeadlinePassed
from domain.errors import Conflict, DomainError, IdempotencyKeyReused, ModelUnavailable, NotFound
from domain.events import ErasureScope, Rating, Turn
from domain.policy import InForce, Policy
from domain.ports import Assessor, Assistant
from domain.review import RequestReason, Review

T = TypeVar("T")
Load: TypeAlias = Callable[[UUID], Conversation]
IDEMPOTENCY_NAMESPACE = UUID("5b0c1f4e-8a51-4c1e-9a2f-6c0d2f6f4a10")


@dataclass(frozen=True)
class TurnResult:
    conversation: Conversation
    turn: Turn
    notification_id: int | None


@dataclass(frozen=True)
class Erasure:
    """What one erasure did: who asked, why, when, and the conversations whose text is gone."""

    by: str
    scope: ErasureScope
    at: datetime
    conversation_ids: tuple[UUID, ...]


def utc_now() -> datetime:
    return datetime.now(UTC)


class ConversationService:
    def __init__(
        self,
        store: Repository,
        assessor: Assessor,
        assistant: Assistant,
        policy: Policy | InForce | LivePolicy,
        *,
        default_model: str = "claude-opus-4-1",
        max_text_chars: int = 8000,
        max_attempts: int = 8,
        turn_deadline: float = 20.0,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
        on_write: Callable[[Principal, int], None] | None = None,
        on_turn: Callable[[Turn], None] | None = None,
        on_refused: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.assessor = assessor
        self.assistant = assistant
        if isinstance(policy, Policy):
            policy = InForce(policy)
        self.live = FixedPolicy(policy) if isinstance(policy, InForce) else policy
        self.max_text_chars = max_text_chars
        self.max_attempts = max_attempts
        self.turn_deadline = turn_deadline
        self.clock = clock
        self.monotonic = monotonic
        self.default_model = default_model
        self.on_write = on_write
        self.on_turn = on_turn
        self.on_refused = on_refused
        # One `Retrying` for every command (each call keeps its state to itself): building
        # one per command costs more than a turn's decision logic.
        self._retry = Retrying(
            retry=_decided_on_stale_copy,
            stop=stop_after_attempt(max_attempts),
            wait=_wait,
            after=_reload,
            retry_error_callback=_busy,
        )

    @property
    def policy(self) -> Policy:
        """The policy in force now (the registry's live one when started from it)."""
        return self.live.current().live

    def start(
        self, principal: Principal, model: str, request_key: str | None = None
    ) -> Conversation:
        validation.model(model)
        self.check_key(request_key)
        if request_key is None:
            conversation = Conversation.start(uuid4(), principal.name, model, self.clock())
            self._save(principal, conversation)
            return conversation
        conversation_id = _keyed_id(principal, "start", request_key)

        def attempt(_: Load) -> Conversation:
            existing = self._find(conversation_id)
            if existing is not None:
                if existing.owner != principal.name or existing.model != model:
                    raise IdempotencyKeyReused("a different conversation was started with this key")
                return existing
            conversation = Conversation.start(conversation_id, principal.name, model, self.clock())
            self._save(principal, conversation)
            return conversation

        return self._retrying(attempt)

    def get(self, principal: Principal, conversation_id: UUID) -> Conversation:
        conversation = self.store.get_conversation(conversation_id)
        principal.check_read(conversation)
        return conversation

    def send_message(
        self,
        principal: Principal,
        conversation_id: UUID,
        text: str,
        request_key: str | None = None,
        watcher: TurnWatcher | None = None,
    ) -> TurnResult:
        self.check_text(text)
        self.check_key(request_key)
        taker = self._taker(text, watcher)

        def attempt(load: Load) -> TurnResult:
            conversation = load(conversation_id)
            principal.check_write(conversation)
            if request_key is not None and (done := conversation.turn_for_key(request_key)):
                if done.text != text:
                    raise IdempotencyKeyReused("a different message was sent with this key")
                return _found(taker, TurnResult(conversation, done, None))
            conversation.check_open()
            turn = taker.take(conversation, self.clock(), request_key)
            saved = self._save(principal, conversation, deadline=taker.deadline)
            return self._recorded(TurnResult(conversation, turn, saved))

        return self._retrying_turn(attempt)

    def branch(
        self,
        principal: Principal,
        conversation_id: UUID,
        from_position: int,
        text: str,
        request_key: str | None = None,
        watcher: TurnWatcher | None = None,
    ) -> TurnResult:
        """Edit (or retry) the user message at `from_position` as a new conversation."""
        validation.position(from_position, "from_position")
        self.check_text(text)
        self.check_key(request_key)
        child_id = (
            uuid4()
            if request_key is None
            else _keyed_id(principal, f"branch {conversation_id}", request_key)
        )

        taker = self._taker(text, watcher)

        def attempt(load: Load) -> TurnResult:
            parent = load(conversation_id)
            principal.check_write(parent)
            if request_key is not None and (done := self._find(child_id)):
                turn = (
                    done.turns[from_position // 2] if from_position < done.next_position else None
                )
                if done.branch_position != from_position or turn is None or turn.text != text:
                    raise IdempotencyKeyReused("a different branch was made with this key")
                return _found(taker, TurnResult(done, turn, None))
            now = self.clock()
            child = Conversation.branch(child_id, parent, from_position, principal.name, now)
            turn = taker.take(child, self.clock(), None)
            parent.note_branch(child.id, from_position, now)
            saved = self._save(principal, child, parent, deadline=taker.deadline)
            return self._recorded(TurnResult(child, turn, saved))

        return self._retrying_turn(attempt)

    def give_feedback(
        self,
        principal: Principal,
        conversation_id: UUID,
        rating: Rating,
        comment: str | None,
        position: int | None,
        request_key: str | None = None,
    ) -> int:
        rating = validation.rating(rating)
        if position is not None:
            validation.position(position)
        if comment is not None:
            self.check_text(comment, what="comment")
        self.check_key(request_key)

        def attempt(load: Load) -> int:
            conversation = load(conversation_id)
            principal.check_write(conversation)
            if request_key is not None and (done := conversation.feedback_keys.get(request_key)):
                if (done.rating, done.comment) != (rating, comment) or position not in (
                    None,
                    done.position,
                ):
                    raise IdempotencyKeyReused("different feedback was given with this key")
                return done.position
            now = self.clock()
            rated = conversation.give_feedback(
                principal.name, rating, comment, position, now, request_key
            )
            self._save(principal, conversation, *self._contested(conversation, rating, rated, now))
            return rated

        return self._retrying(attempt)

    def erase_conversation(self, principal: Principal, conversation_id: UUID) -> Erasure:
        """Erase what was written in the caller's conversation and in the branches made from
        it (they copied its text)."""
        principal.check_write(self.store.get_conversation(conversation_id))
        ids = self.store.with_branches([conversation_id])
        return self._erase(principal, ErasureScope.CONVERSATION, ids)

    def erase_user(self, principal: Principal, user: str) -> Erasure:
        """Erase everything `user` wrote: a user's own request, or an admin's."""
        principal.check_erase_user(user)
        ids = self.store.with_branches(self.store.owned_by(user))
        return self._erase(principal, ErasureScope.USER, ids)

    def erase_expired(self, conversation_ids: list[UUID]) -> Erasure:
        """Erase the text of conversations past the retention period."""
        return self._erase(Principal("retention"), ErasureScope.RETENTION, conversation_ids)

    def export(self, principal: Principal) -> list[Conversation]:
        """Every conversation the caller started or branched, as stored: for a user's
        right of access (`GET /v1/me/export`)."""
        return [self.store.get_conversation(cid) for cid in self.store.owned_by(principal.name)]

    def _erase(self, principal: Principal, scope: ErasureScope, ids: list[UUID]) -> Erasure:
        """Record the erasure on each conversation, then delete their keys: a failure in
        between leaves the text readable but the conversations closed, and erasing again
        finishes the job."""
        at = self.clock()
        for cid in ids:

            def attempt(load: Load, cid: UUID = cid) -> None:
                conversation = load(cid)
                if conversation.erase(principal.name, scope, at):
                    self._save(principal, conversation)

            self._retrying(attempt)
        self.store.shred(ids)
        return Erasure(principal.name, scope, at, tuple(ids))

    def _contested(
        self, conversation: Conversation, rating: Rating, position: int, at: datetime
    ) -> list[Review]:
        """An ending rated down by its user enters the review queue, saved in the rating's
        transaction (a racing rating makes one of the two saves fail and run again). Once
        requested, the case is the reviewers': a later rating down does not reopen it."""
        ended = conversation.ended
        if rating is not Rating.DOWN or ended is None or position != ended.position:
            return []
        if self.store.get_review(conversation.id) is not None:
            return []
        return [Review.request(conversation.id, conversation.owner, RequestReason.RATED_DOWN, at)]

    def check_text(self, text: str, what: str = "text") -> None:
        validation.text(text, self.max_text_chars, what)

    @staticmethod
    def check_key(request_key: str | None) -> None:
        if request_key is not None:
            validation.idempotency_key(request_key)

    def _save(
        self, principal: Principal, *conversations: EventSourced, deadline: Deadline | None = None
    ) -> int | None:
        """Store the conversations' (and reviews') new events in one transaction; tell the
        write observer.

        A turn's `deadline` is checked last, just before that short transaction: past it
        the client has been told the turn failed, so it must not appear afterwards.
        """
        if deadline is not None:
            deadline.check()
        recordings = self.store.save_conversations(*conversations)
        notification_id = max((r.notification.id for r in recordings), default=None)
        if notification_id is not None and self.on_write is not None:
            self.on_write(principal, notification_id)
        return notification_id

    def _recorded(self, result: TurnResult) -> TurnResult:
        """Tell the turn observer (metrics) about a newly stored turn."""
        if self.on_turn is not None:
            self.on_turn(result.turn)
        return result

    def _find(self, conversation_id: UUID) -> Conversation | None:
        try:
            return self.store.get_conversation(conversation_id)
        except NotFound:
            return None

    def _taker(self, text: str, watcher: TurnWatcher | None = None) -> TurnTaker:
        """What takes one command's turn: its deadline starts now."""
        deadline = Deadline.after(self.turn_deadline, self.monotonic)
        policies = self.live.current()  # one question for the live policy and its shadows
        return TurnTaker(text, self.assessor, self.assistant, policies, deadline, watcher)

    def _take_turn(
        self, conversation: Conversation, text: str, request_key: str | None = None
    ) -> Turn:
        """Record one turn on `conversation` without saving it (benchmarks, tests)."""
        return self._taker(text).take(conversation, self.clock(), request_key)

    def _retrying_turn(self, attempt: Callable[[Load], T]) -> T:
        """`_retrying` for a turn, counting a turn refused for its deadline."""
        try:
            return self._retrying(attempt)
        except DeadlinePassed:
            if self.on_refused is not None:
                self.on_refused("deadline")
            raise

    def _retrying(self, attempt: Callable[[Load], T]) -> T:
        """Run `attempt(load)` again while another writer appended first (`IntegrityError`),
        up to `max_attempts` times with jittered exponential backoff; then `Conflict`.

        The first attempt loads the cached copy (`get_cached`), every later one a fresh
        copy. A domain error from the first attempt is retried at once on fresh state,
        since the copy it was decided on may be stale — except a model's failure, which
        no newer event would change.
        """
        return self._retry(attempt, _Loads(self.store))


@dataclass
class _Loads:
    """How one command's attempts load a conversation: cached first, then fresh."""

    store: Repository
    fresh: bool = False

    def __call__(self, conversation_id: UUID) -> Conversation:
        if self.fresh:
            return self.store.get_conversation(conversation_id)
        return self.store.get_cached(conversation_id)


def _decided_on_stale_copy(state: RetryCallState) -> bool:
    """The attempt failed on a copy that may be stale: a refusal made on the cached copy, or
    any save the primary key refused."""
    error = _error(state)
    if isinstance(error, IntegrityError):
        return True
    loads: _Loads = state.args[0]
    return not loads.fresh and _stale_refusal(error)


def _reload(state: RetryCallState) -> None:
    loads: _Loads = state.args[0]
    loads.fresh = True


def _wait(state: RetryCallState) -> float:
    """No wait before deciding a stale refusal again; a jittered backoff after a lost race."""
    return 0 if _stale_refusal(_error(state)) else _BACKOFF(state)


_BACKOFF = wait_random_exponential(multiplier=0.005)


def _found(taker: TurnTaker, result: TurnResult) -> TurnResult:
    """The turn an Idempotency-Key retry found recorded; refused as `Conflict` when this
    attempt already streamed a reply of its own (a concurrent request with the same key
    recorded first), since that reply is not the one on record."""
    if taker.streamed:
        raise Conflict(
            "a concurrent request with this Idempotency-Key recorded the turn first; "
            "send it again with the key to get that turn"
        )
    return result


def _stale_refusal(error: BaseException | None) -> bool:
    """A refusal that newer events could overturn (not a model's failure)."""
    return isinstance(error, DomainError) and not isinstance(error, ModelUnavailable)


def _error(state: RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome is not None else None


def _busy(_: RetryCallState) -> NoReturn:
    raise Conflict("the conversation is busy with concurrent writes; retry the request")


def _keyed_id(principal: Principal, scope: str, request_key: str) -> UUID:
    """The id a keyed command creates: the same key from the same user makes the same id."""
    return uuid5(IDEMPOTENCY_NAMESPACE, f"{principal.name}\n{scope}\n{request_key}")
