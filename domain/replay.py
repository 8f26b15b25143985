"""Replay: what a candidate policy would have done to a recorded conversation.

Every turn is re-decided from its recorded assessment, so no model is called. Under a
candidate the ladder is folded from the candidate's own decisions (its redirects and
warnings, not the recorded ones); in check mode each turn is re-decided under the policy
recorded with it, on the ladder folded from the recorded decisions, which is exactly
what the live service had, so every mismatch is an independent error.

Positions reported are those of the assistant's reply that carries a decision (the
user message's position + 1), like `Ended.position`.

"Ends later" cannot be observed: a recorded history stops at its ending, so when the
candidate would not end there it is reported as `ended → not ended`, with
`history_stops` set: what the candidate would have done next was never recorded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.assessment import Assessment, Category
from domain.conversation import Conversation
from domain.decision import Action, Decision, EndReason
from domain.events import Shadow, Turn
from domain.ladder import Ladder
from domain.policy import Policy
from domain.policy_path import PolicyPath

# What the model supplies rather than the policy: never part of a comparison.
NOT_DECIDED_BY_POLICY = frozenset({"model_request"})
NOT_A_PARAMETER = frozenset({"version"})


class Change(StrEnum):
    """How a conversation's outcome changes under the candidate."""

    UNCHANGED = "unchanged"
    NO_LONGER_ENDS = "ended_to_not_ended"
    WOULD_END = "not_ended_to_would_end"
    ENDS_EARLIER = "ends_earlier"
    DIFFERENT_REASON = "different_reason"


@dataclass(frozen=True)
class ConversationEnd:
    """Where and why a conversation ends (really, or under the candidate)."""

    position: int
    reason: EndReason | None
    rule: str
    category: Category


@dataclass(frozen=True)
class Difference:
    """The first reply whose action differs between the record and the candidate."""

    position: int
    recorded: Action
    candidate: Action
    recorded_rule: str
    candidate_rule: str


@dataclass(frozen=True)
class Outcome:
    """One conversation replayed under a candidate, against what was recorded."""

    conversation_id: UUID
    model: str
    change: Change
    recorded_end: ConversationEnd | None
    candidate_end: ConversationEnd | None
    first_difference: Difference | None
    turns: int
    dropped_turns: int
    assessors: tuple[str, ...] = ()
    """Who assessed the conversation's messages (offline rule-set versions, Claude models)."""

    @property
    def history_stops(self) -> bool:
        """The real conversation ended where the candidate would have gone on."""
        return self.change is Change.NO_LONGER_ENDS

    @property
    def reason(self) -> EndReason | None:
        """The reason of the ending the change is about (the candidate's when it ends)."""
        end = self.candidate_end or self.recorded_end
        return end.reason if end else None

    @property
    def category(self) -> Category | None:
        end = self.candidate_end or self.recorded_end
        return end.category if end else None

    def explain(self) -> str:
        """One sentence a policy author can read."""
        rec, cand, diff = self.recorded_end, self.candidate_end, self.first_difference
        where = (
            f"first difference at {diff.position}: {diff.recorded} ({diff.recorded_rule}) → "
            f"{diff.candidate} ({diff.candidate_rule})"
            if diff
            else "no decision differs"
        )
        match self.change:
            case Change.NO_LONGER_ENDS:
                assert rec is not None
                return (
                    f"ended at {rec.position} ({rec.reason}); the candidate would not have "
                    f"ended — the recorded history stops there; {where}"
                )
            case Change.WOULD_END:
                assert cand is not None
                return (
                    f"not ended; the candidate would end at {cand.position} ({cand.reason}, "
                    f"{cand.rule}), dropping {self.dropped_turns} later turn(s); {where}"
                )
            case Change.ENDS_EARLIER:
                assert rec is not None and cand is not None
                return (
                    f"ended at {rec.position}; the candidate ends earlier at {cand.position} "
                    f"({cand.reason}, {cand.rule}), dropping {self.dropped_turns} later "
                    f"turn(s); {where}"
                )
            case Change.DIFFERENT_REASON:
                assert rec is not None and cand is not None
                return (
                    f"ends at {rec.position} for {cand.reason} ({cand.rule}) instead of "
                    f"{rec.reason} ({rec.rule}); {where}"
                )
            case Change.UNCHANGED:
                return f"outcome unchanged; {where}"


@dataclass(frozen=True)
class Mismatch:
    """A recorded decision the policy in force does not reproduce (check mode)."""

    conversation_id: UUID
    position: int
    fields: Mapping[str, tuple[str, str]]
    shadow: str | None = None
    """The version in shadow whose recorded decision this is; None for the live one."""

    def describe(self) -> str:
        parts = ", ".join(f"{k}: recorded {a} ≠ replayed {b}" for k, (a, b) in self.fields.items())
        whose = "" if self.shadow is None else f" (shadow {self.shadow})"
        return f"{self.conversation_id} at {self.position}{whose}: {parts}"


def shadow_decisions(
    shadows: Iterable[Policy], conversation: Conversation, assessment: Assessment
) -> tuple[Shadow, ...]:
    """What each policy in `shadows` decides on `conversation`'s next user message, each on
    its own path; a policy that would have ended the conversation already decides nothing."""
    out = []
    for policy in shadows:
        path = conversation.path_under(policy)
        if not path.ended:
            out.append(Shadow(policy, path.decide(assessment, conversation.next_position)))
    return tuple(out)


class ShadowChange(StrEnum):
    """How a conversation's outcome under a policy in shadow differs from the live one.

    A shadow decides nothing after its own ending, and a conversation has nothing after
    the live ending, so "later" is read at the live ending: the shadow was still climbing
    its harm ladder there (a redirect or a warning), and would have ended only if the user
    had persisted; "not at all" is anything else it would have done there.
    """

    EARLIER = "earlier"
    LATER = "later"
    NOT_AT_ALL = "not_at_all"
    DIFFERENT_REASON = "different_reason"

    @property
    def label(self) -> str:
        return _SHADOW_LABELS[self]


_SHADOW_LABELS = {
    ShadowChange.EARLIER: "would end earlier (where the live policy went on)",
    ShadowChange.LATER: "would end later (still redirecting or warning at the live ending)",
    ShadowChange.NOT_AT_ALL: "would not end (at the live ending it would have gone on)",
    ShadowChange.DIFFERENT_REASON: "would end at the same reply for another reason",
}


def diverges(live: Decision, shadow: Decision) -> bool:
    """Whether a shadow decided otherwise than the live policy: another reply, another
    rule, or an ending for another reason (the versions differ by definition)."""
    return (live.action, live.rule, live.reason) != (shadow.action, shadow.rule, shadow.reason)


def replay(conversation: Conversation, candidate: Policy) -> Outcome:
    """Re-decide `conversation` under `candidate` until it ends or its history runs out."""
    path = PolicyPath(candidate, conversation.model)
    turns = conversation.turns
    first: Difference | None = None
    candidate_end: ConversationEnd | None = None
    replayed = 0
    for turn in turns:
        decision = path.decide(turn.assessment, turn.position)
        replayed += 1
        recorded = turn.decision
        if first is None and decision.action is not recorded.action:
            first = Difference(
                turn.position + 1, recorded.action, decision.action, recorded.rule, decision.rule
            )
        if decision.action is Action.ENDED:
            candidate_end = _ending(turn, decision)
            break
    recorded_end = next(
        (_ending(t, t.decision) for t in turns if t.decision.action is Action.ENDED), None
    )
    return Outcome(
        conversation_id=conversation.id,
        model=conversation.model,
        change=_classify(recorded_end, candidate_end),
        recorded_end=recorded_end,
        candidate_end=candidate_end,
        first_difference=first,
        turns=len(turns),
        dropped_turns=len(turns) - replayed,
        assessors=_assessors(turns),
    )


def _assessors(turns: Iterable[Turn]) -> tuple[str, ...]:
    """The distinct assessors of `turns`, in the order they first assessed."""
    return tuple(dict.fromkeys(turn.assessment.assessor for turn in turns))


def check(conversation: Conversation) -> list[Mismatch]:
    """Every recorded decision that the policy recorded with it does not reproduce."""
    ladder = Ladder()
    mismatches = []
    for turn in conversation.turns:
        replayed = turn.policy.decide(ladder, turn.assessment, turn.position, conversation.model)
        differing = _differing_fields(turn.decision, replayed)
        if differing:
            mismatches.append(Mismatch(conversation.id, turn.position + 1, differing))
        ladder = ladder.advance(turn.position, turn.decision)
    return mismatches


def check_shadows(
    conversation: Conversation, registered: Mapping[str, Policy] | None = None
) -> list[Mismatch]:
    """Every recorded shadow decision that replaying its policy over the conversation's
    turns does not reproduce, and every one recorded after that policy's own ending.

    Each shadowed version is replayed under `registered[version]` when given (the policy
    registry's content, so a policy altered in the record is caught too), else under the
    policy recorded with its first shadow decision.
    """
    policies: dict[str, Policy] = {}
    for turn in conversation.turns:
        for shadow in turn.shadows:
            policies.setdefault(shadow.policy.version, shadow.policy)
    mismatches = []
    for version, recorded_policy in policies.items():
        policy = (registered or {}).get(version, recorded_policy)
        path = PolicyPath(policy, conversation.model)
        for turn in conversation.turns:
            recorded = next((s for s in turn.shadows if s.policy.version == version), None)
            if path.ended:
                if recorded is not None:
                    mismatches.append(
                        Mismatch(
                            conversation.id,
                            turn.position + 1,
                            {"action": (str(recorded.decision.action), "none: it had ended")},
                            version,
                        )
                    )
                continue
            replayed = path.decide(turn.assessment, turn.position)
            if recorded is None:
                continue
            differing = _differing_fields(recorded.decision, replayed)
            as_recorded, as_registered = recorded.policy.to_mapping(), policy.to_mapping()
            for key in as_recorded.keys() - NOT_A_PARAMETER:
                if as_recorded[key] != as_registered[key]:
                    differing[f"policy.{key}"] = (str(as_recorded[key]), str(as_registered[key]))
            if differing:
                mismatches.append(Mismatch(conversation.id, turn.position + 1, differing, version))
    return mismatches


def _differing_fields(recorded: Decision, replayed: Decision) -> dict[str, tuple[str, str]]:
    out = {}
    for f in fields(Decision):
        if f.name in NOT_DECIDED_BY_POLICY:
            continue
        a, b = getattr(recorded, f.name), getattr(replayed, f.name)
        if a != b:
            out[f.name] = (str(a), str(b))
    return out


def _ending(turn: Turn, decision: Decision) -> ConversationEnd:
    return ConversationEnd(
        turn.position + 1, decision.reason, decision.rule, turn.assessment.category
    )


def _classify(recorded: ConversationEnd | None, candidate: ConversationEnd | None) -> Change:
    if recorded is None:
        return Change.UNCHANGED if candidate is None else Change.WOULD_END
    if candidate is None:
        return Change.NO_LONGER_ENDS
    if candidate.position < recorded.position:
        return Change.ENDS_EARLIER
    if candidate.reason is not recorded.reason:
        return Change.DIFFERENT_REASON
    return Change.UNCHANGED


@dataclass
class Summary:
    """Counts and a bounded, deterministic set of examples: memory does not grow with history.

    Summaries of disjoint parts of the history merge into the summary of the whole, so
    workers can each summarise a partition.
    """

    max_examples: int = 20
    conversations: int = 0
    turns: int = 0
    decisions_differ: int = 0
    changes: Counter[str] = field(default_factory=Counter)
    by_category: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_model: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_reason: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_assessor: Counter[tuple[str, str]] = field(default_factory=Counter)
    assessed_by: Counter[str] = field(default_factory=Counter)
    """Conversations per assessor that assessed them: a report over history assessed by
    several rule sets says so, since the same policy decides on what each of them saw."""
    examples: dict[str, list[Outcome]] = field(default_factory=dict)
    mismatch_count: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.conversations += 1
        self.turns += outcome.turns
        self.assessed_by.update(outcome.assessors)
        self.decisions_differ += outcome.first_difference is not None
        kind = str(outcome.change)
        self.changes[kind] += 1
        if outcome.change is Change.UNCHANGED:
            return
        self.by_category[kind, str(outcome.category)] += 1
        self.by_model[kind, outcome.model] += 1
        self.by_reason[kind, str(outcome.reason)] += 1
        for assessor in outcome.assessors:
            self.by_assessor[kind, assessor] += 1
        self._keep(self.examples.setdefault(kind, []), [outcome], _by_id)

    def add_checked(self, conversation: Conversation, mismatches: list[Mismatch]) -> None:
        self.conversations += 1
        self.turns += len(conversation.turns)
        self.assessed_by.update(_assessors(conversation.turns))
        self.mismatch_count += len(mismatches)
        self._keep(self.mismatches, mismatches, _by_place)

    def merge(self, other: Summary) -> None:
        self.conversations += other.conversations
        self.turns += other.turns
        self.decisions_differ += other.decisions_differ
        self.changes.update(other.changes)
        self.by_category.update(other.by_category)
        self.by_model.update(other.by_model)
        self.by_reason.update(other.by_reason)
        self.by_assessor.update(other.by_assessor)
        self.assessed_by.update(other.assessed_by)
        for kind, outcomes in other.examples.items():
            self._keep(self.examples.setdefault(kind, []), outcomes, _by_id)
        self.mismatch_count += other.mismatch_count
        self._keep(self.mismatches, other.mismatches, _by_place)

    def _keep(self, kept: list[Any], new: Iterable[Any], key: Callable[[Any], Any]) -> None:
        """Keep the first `max_examples` items by `key`, whatever order they arrive in."""
        kept.extend(new)
        kept.sort(key=key)
        del kept[self.max_examples :]

    def to_json(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "turns": self.turns,
            "conversations_with_different_decisions": self.decisions_differ,
            "changes": dict(sorted(self.changes.items())),
            "by_category": _nested(self.by_category),
            "by_model": _nested(self.by_model),
            "by_reason": _nested(self.by_reason),
            "by_assessor": _nested(self.by_assessor),
            "assessed_by": dict(sorted(self.assessed_by.items())),
            "examples": {
                kind: [outcome_json(o) for o in outcomes]
                for kind, outcomes in sorted(self.examples.items())
            },
            "mismatch_count": self.mismatch_count,
            "mismatches": [
                {
                    "conversation_id": str(m.conversation_id),
                    "position": m.position,
                    "fields": {k: {"recorded": a, "replayed": b} for k, (a, b) in m.fields.items()},
                }
                for m in self.mismatches
            ],
        }


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    def ending(end: ConversationEnd | None) -> dict[str, Any] | None:
        if end is None:
            return None
        reason = None if end.reason is None else str(end.reason)
        return {
            "position": end.position,
            "reason": reason,
            "rule": end.rule,
            "category": str(end.category),
        }

    diff = outcome.first_difference
    return {
        "conversation_id": str(outcome.conversation_id),
        "model": outcome.model,
        "assessors": list(outcome.assessors),
        "change": str(outcome.change),
        "recorded_end": ending(outcome.recorded_end),
        "candidate_end": ending(outcome.candidate_end),
        "first_difference": None
        if diff is None
        else {
            "position": diff.position,
            "recorded": str(diff.recorded),
            "candidate": str(diff.candidate),
            "recorded_rule": diff.recorded_rule,
            "candidate_rule": diff.candidate_rule,
        },
        "history_stops": outcome.history_stops,
        "dropped_turns": outcome.dropped_turns,
        "explanation": outcome.explain(),
    }


def _nested(counts: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (kind, key), n in sorted(counts.items()):
        out.setdefault(key, {})[kind] = n
    return out


def _by_id(outcome: Outcome) -> str:
    return str(outcome.conversation_id)


def _by_place(mismatch: Mismatch) -> tuple[str, int]:
    return str(mismatch.conversation_id), mismatch.position
