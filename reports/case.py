"""One conversation's case file: the audit read model's rows arranged as an explanation.

GraphQL, the HTML timeline and both exports (JSON, Markdown) are built from this one
structure, so they cannot disagree about what the policy saw or which rule fired.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from reports.markdown import render

ACTIONS = {
    "reply": "replied normally",
    "redirect": "redirected the user constructively",
    "warning": "warned the user, naming the behaviour",
    "crisis_support": "offered crisis support",
    "confirm_end": "asked the user to confirm that ending is permanent",
    "ended": "ended the conversation",
}
WOULD_HAVE = {
    "warning": "warned",
    "ended": "ended",
    "confirm_end": "asked to confirm an ending",
}
STOPPED_BY = {
    "crisis_signal": "vetoed by a crisis signal",
    "model_without_ending": "stopped because the model has no ending ability",
}
REASONS = {"persistent_harm": "persistent harm", "user_request": "user request"}


@dataclass(frozen=True)
class Note:
    """Something recorded at a position besides the message itself."""

    kind: str
    at: datetime
    summary: str


@dataclass(frozen=True)
class ExplainedMessage:
    """One message of the conversation with what the policy saw or decided for it."""

    position: int
    at: datetime
    author: str
    kind: str
    text: str
    explanation: str
    assessment: Mapping[str, Any] | None = None
    decision: Mapping[str, Any] | None = None
    inherited: bool = False
    cited: bool = False
    ending: bool = False
    notes: list[Note] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        """What the timeline's heading marks this message as."""
        marks = (("inherited", self.inherited), ("cited", self.cited), ("ENDING", self.ending))
        return [mark for mark, on in marks if on]


@dataclass(frozen=True)
class LadderDecision:
    """A redirect, warning, confirmation request or veto, with its rule."""

    position: int
    at: datetime
    action: str
    rule: str
    behaviour: str | None
    would_have: str | None
    stopped_by: str | None


@dataclass(frozen=True)
class EndingFacts:
    position: int
    at: datetime
    reason: str
    rule: str
    policy_version: str
    policy: Mapping[str, Any]
    model: str
    category: str | None
    cites: list[int]
    summary: str


@dataclass(frozen=True)
class FeedbackEntry:
    position: int
    at: datetime
    rating: str
    comment: str | None
    user: str
    on_ending: bool


@dataclass(frozen=True)
class BranchEntry:
    branch_id: UUID
    branch_position: int
    at: datetime


@dataclass(frozen=True)
class VerdictEntry:
    verdict: str
    note: str | None
    by: str
    at: datetime


@dataclass(frozen=True)
class ReviewCase:
    """The review of an ending: why it was requested, who holds it now, its verdicts."""

    conversation_id: UUID
    status: str
    reason: str
    requested_by: str
    requested_at: datetime
    claimed_by: str | None
    claim_expires_at: datetime | None
    verdicts: list[VerdictEntry]

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> ReviewCase:
        """From `projections.reviews`' case row (its verdicts as JSON, oldest first)."""
        return cls(
            conversation_id=row["conversation_id"],
            status=row["status"],
            reason=row["reason"],
            requested_by=row["requested_by"],
            requested_at=row["requested_at"],
            claimed_by=row["claimed_by"],
            claim_expires_at=row["claim_expires_at"],
            verdicts=[
                VerdictEntry(v["verdict"], v["note"], v["by"], datetime.fromisoformat(v["at"]))
                for v in row["verdicts"]
            ],
        )


@dataclass(frozen=True)
class CaseFile:
    conversation_id: UUID
    owner: str
    model: str
    started_at: datetime
    status: str
    branched_from: UUID | None
    branch_position: int | None
    ending: EndingFacts | None
    steps: list[ExplainedMessage]
    redirects: list[LadderDecision]
    warnings: list[LadderDecision]
    confirmations: list[LadderDecision]
    vetoes: list[LadderDecision]
    crisis_signals: list[Note]
    ladder_resets: list[Note]
    feedback: list[FeedbackEntry]
    branches: list[BranchEntry]
    erasure: Note | None = None
    """Who erased what was written here, and when; each text then reads "erased on DATE"."""
    review: ReviewCase | None = None
    """Its review, for reviewers (None for others, and while none was requested)."""

    @property
    def erased_at(self) -> datetime | None:
        return None if self.erasure is None else self.erasure.at

    @property
    def contested(self) -> bool:
        return any(f.on_ending and f.rating == "down" for f in self.feedback)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {"case": "lastresort audit", **orjson.loads(orjson.dumps(self))},
            option=orjson.OPT_INDENT_2,
        )


def explain_assessment(assessment: Mapping[str, Any]) -> str:
    """What the policy saw: the assessor's verdict on one user message."""
    parts = [f"category {assessment.get('category', 'none')}"]
    parts.append(f"severity {float(assessment.get('severity', 0.0)):.2f}")
    if assessment.get("crisis", "none") != "none":
        parts.append(f"crisis signal: {assessment['crisis']}")
    if assessment.get("intent", "none") != "none":
        parts.append(f"intent: {assessment['intent']}")
    return f"Assessed by {assessment.get('assessor', 'unknown')}: " + ", ".join(parts)


def explain_decision(decision: Mapping[str, Any]) -> str:
    """Which rule fired and what it did, including what it would have done."""
    action = str(decision["action"])
    sentence = f"Rule {decision['rule']} fired: {ACTIONS.get(action, action)}"
    if action == "ended" and decision.get("reason"):
        sentence += f" ({REASONS.get(decision['reason'], decision['reason'])})"
    if decision.get("stopped_by"):
        would = WOULD_HAVE.get(decision.get("would_have") or "", decision.get("would_have"))
        stopped = STOPPED_BY.get(decision["stopped_by"], decision["stopped_by"])
        sentence += f". Would have {would}, {stopped}"
    if decision.get("behaviour") and action in ("redirect", "warning", "ended"):
        sentence += f". Behaviour: {decision['behaviour']}"
    if decision.get("model_request"):
        sentence += f". The model asked for: {decision['model_request']}"
    return sentence + "."


def build(row: Mapping[str, Any]) -> CaseFile:
    """Arrange `projections.audit.audit_of`'s rows as a case file."""
    trail: Sequence[Mapping[str, Any]] = row["trail"]
    assessments: dict[int, Mapping[str, Any]] = {}
    decisions: dict[int, tuple[Mapping[str, Any], datetime]] = {}
    notes: dict[int, list[Note]] = {}
    crisis, resets, feedback, branches = [], [], [], []
    erasure: Note | None = None
    parent: UUID | None = None
    branch_position: int | None = None
    inherited_below = -1
    ending_row = row["ending"]
    ending_position = ending_row["position"] if ending_row else None
    for entry in trail:
        kind, data, at, position = entry["kind"], entry["data"], entry["at"], entry["position"]
        if kind == "assessment":
            assessments[position] = data
        elif kind == "decision":
            decisions[position] = (data, at)
        elif kind == "branched":
            parent, branch_position = UUID(data["parent_id"]), data["branch_position"]
            inherited_below = branch_position
            for turn in data.get("inherited", []):
                assessments[turn["position"]] = turn["assessment"]
                replied = datetime.fromisoformat(turn["replied_at"])
                decisions[turn["position"] + 1] = (turn["decision"], replied)
        elif kind == "crisis_signal":
            note = Note(kind, at, f"Crisis signal detected: {data['crisis']}")
            crisis.append(note)
            notes.setdefault(position, []).append(note)
        elif kind == "ladder_reset":
            note = Note(kind, at, f"Ladder reset after {data['ordinary_turns']} ordinary turns")
            resets.append(note)
            notes.setdefault(position, []).append(note)
        elif kind == "erased":
            erasure = Note(
                kind,
                at,
                f"Text erased on {at.date().isoformat()} by {data['by']} ({data['scope']})",
            )
        elif kind == "feedback":
            fb = FeedbackEntry(
                position,
                at,
                data["rating"],
                data["comment"],
                data["user"],
                on_ending=position == ending_position,
            )
            feedback.append(fb)
            comment = f": “{fb.comment}”" if fb.comment else ""
            notes.setdefault(position, []).append(
                Note(kind, at, f"Feedback {fb.rating} by {fb.user}{comment}")
            )
    for made in row["branches"]:
        branches.append(BranchEntry(made["branch_id"], made["branch_position"], made["at"]))
        notes.setdefault(made["branch_position"], []).append(
            Note("branch", made["at"], f"Edited into a new conversation {made['branch_id']}")
        )
    cites = set(ending_row["cites"]) if ending_row else set()
    steps = [
        _explained(m, assessments, decisions, notes, cites, ending_position, inherited_below)
        for m in row["messages"]
    ]
    ladder = [
        LadderDecision(
            position,
            at,
            str(d["action"]),
            str(d["rule"]),
            d.get("behaviour"),
            d.get("would_have"),
            d.get("stopped_by"),
        )
        for position, (d, at) in sorted(decisions.items())
    ]
    return CaseFile(
        conversation_id=row["id"],
        owner=row["owner"],
        model=row["model"],
        started_at=row["started_at"],
        status="ended" if ending_row else "open",
        branched_from=parent,
        branch_position=branch_position,
        ending=_ending(ending_row),
        steps=steps,
        redirects=[s for s in ladder if s.action == "redirect" and not s.stopped_by],
        warnings=[s for s in ladder if s.action == "warning"],
        confirmations=[s for s in ladder if s.action == "confirm_end"],
        vetoes=[s for s in ladder if s.stopped_by],
        crisis_signals=crisis,
        ladder_resets=resets,
        feedback=feedback,
        branches=branches,
        erasure=erasure,
        review=None if row.get("review") is None else ReviewCase.of(row["review"]),
    )


def _explained(
    message: Mapping[str, Any],
    assessments: Mapping[int, Mapping[str, Any]],
    decisions: Mapping[int, tuple[Mapping[str, Any], datetime]],
    notes: Mapping[int, list[Note]],
    cites: set[int],
    ending_position: int | None,
    inherited_below: int,
) -> ExplainedMessage:
    position = message["position"]
    assessment = assessments.get(position) if message["author"] == "user" else None
    decided = decisions.get(position) if message["author"] == "assistant" else None
    decision = decided[0] if decided else None
    if assessment is not None:
        explanation = explain_assessment(assessment)
    elif decision is not None:
        explanation = explain_decision(decision)
    else:
        explanation = "Not recorded in the audit read model."
    return ExplainedMessage(
        position=position,
        at=message["at"],
        author=message["author"],
        kind=message["kind"],
        text=message["text"],
        explanation=explanation,
        assessment=assessment,
        decision=decision,
        inherited=position < inherited_below,
        cited=position in cites,
        ending=position == ending_position,
        notes=notes.get(position, []),
    )


def _ending(row: Mapping[str, Any] | None) -> EndingFacts | None:
    if row is None:
        return None
    reason = REASONS.get(row["reason"], row["reason"])
    summary = (
        f"Ended for {reason} at position {row['position']} by rule {row['rule']} under policy "
        f"{row['policy_version']} on {row['model']}, citing positions "
        f"{', '.join(map(str, row['cites']))}."
    )
    return EndingFacts(
        position=row["position"],
        at=row["at"],
        reason=row["reason"],
        rule=row["rule"],
        policy_version=row["policy_version"],
        policy=row["policy"],
        model=row["model"],
        category=row["category"],
        cites=list(row["cites"]),
        summary=summary,
    )


def to_markdown(case: CaseFile) -> str:
    """The case file for a ticket or an e-mail (`reports/templates/case.md`). Every value that
    came from a user, a model or the data passes through `literal` or `quoted`, so that any
    Markdown renderer shows it as text: no link, image, HTML or heading can come out of it."""
    return render("case.md", case=case)
