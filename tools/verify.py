"""`lastresort verify`: check that the whole store is a history lastresort could have written.

One read-only REPEATABLE READ snapshot, so the events, the read models and their tracking
positions are seen at one instant. Events stream through a server-side cursor ordered by
(originator_id, originator_version), so one conversation is in memory at a time; the read
models stream in the same id order beside them and are merge-joined. Each read model is
compared with what the events up to *its* tracked position imply, so a lagging projection
is not an error but a wrong row is. Branch links are checked in a second pass over only the
conversations they name. An event that cannot be decoded is named (and its conversation
not checked further), and so is every event a read model set aside (quarantined).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg import sql
from psycopg.rows import dict_row

from domain.conversation import Conversation
from domain.events import (
    AssistantEvent,
    BranchCreated,
    Branched,
    CrisisSignalDetected,
    Ended,
    Erased,
    Event,
    FeedbackGiven,
    LadderReset,
    MessageSent,
    Started,
)
from domain.policy import Policy
from domain.registry import PolicyRegistry
from domain.replay import check, check_shadows, diverges
from eventstore.reading import read_only, stream_rows
from eventstore.registry import REGISTRY_EVENTS_TABLE
from eventstore.store import CONVERSATION_ROWS, EVENTS_TABLE
from eventstore.transcoder import EventMapper, event_mapper
from projections import quarantine
from projections.base import Undecodable
from projections.progress import progress
from projections.readside import VIEWS
from projections.runner import decode

LINK_CHUNK = 500
SHOWN_PROBLEMS = 200

EVENT_COLUMNS = sql.SQL("originator_id, originator_version, topic, state, notification_id")
ALL_EVENTS = sql.SQL(
    "SELECT {} FROM {} WHERE {} ORDER BY originator_id, originator_version"
).format(EVENT_COLUMNS, sql.Identifier(EVENTS_TABLE), CONVERSATION_ROWS)
REGISTRY_EVENTS = sql.SQL("SELECT {} FROM {} ORDER BY originator_id, originator_version").format(
    EVENT_COLUMNS, sql.Identifier(REGISTRY_EVENTS_TABLE)
)
EVENTS_OF = sql.SQL(
    "SELECT {} FROM {} WHERE originator_id = ANY(%s) AND {} "
    "ORDER BY originator_id, originator_version"
).format(EVENT_COLUMNS, sql.Identifier(EVENTS_TABLE), CONVERSATION_ROWS)
# One row per id any read model mentions, with the facts verify compares.
READ_MODEL_ROWS = sql.SQL(
    "WITH ids AS (SELECT id FROM rm_conversations UNION SELECT id FROM rm_audit_conversations "
    "UNION SELECT conversation_id FROM rm_endings UNION SELECT conversation_id FROM rm_messages "
    "UNION SELECT conversation_id FROM rm_audit_trail "
    "UNION SELECT conversation_id FROM rm_shadowed_conversations "
    "UNION SELECT conversation_id FROM rm_shadow_divergences), "
    "shadowed AS (SELECT conversation_id, sum(turns) AS n FROM rm_shadowed_conversations "
    "GROUP BY 1), "
    "diverged AS (SELECT conversation_id, count(*) AS n FROM rm_shadow_divergences GROUP BY 1) "
    "SELECT ids.id, c.id IS NOT NULL AS listed, c.owner, c.model, c.status, c.parent_id, "
    "c.branch_position, c.ended_at IS NOT NULL AS has_ended_at, "
    "(SELECT count(*) FROM rm_messages m WHERE m.conversation_id = ids.id) AS messages, "
    "a.id IS NOT NULL AS audited, "
    "(SELECT count(*) FROM rm_audit_trail t WHERE t.conversation_id = ids.id) AS trail, "
    "e.position AS end_position, e.reason AS end_reason, e.rule AS end_rule, "
    "e.policy_version AS end_policy_version, "
    "coalesce(s.n, 0) AS shadow_decisions, coalesce(d.n, 0) AS shadow_divergences "
    "FROM ids LEFT JOIN rm_conversations c ON c.id = ids.id "
    "LEFT JOIN shadowed s ON s.conversation_id = ids.id "
    "LEFT JOIN diverged d ON d.conversation_id = ids.id "
    "LEFT JOIN rm_audit_conversations a ON a.id = ids.id "
    "LEFT JOIN rm_endings e ON e.conversation_id = ids.id ORDER BY ids.id"
)

Located = tuple[Event, int]
"""An event with its notification id."""
Unreadable = list[str]
"""What could not be decoded of a conversation: one description per event."""


@dataclass(frozen=True)
class Problem:
    conversation_id: UUID
    kind: str
    detail: str

    def describe(self) -> str:
        return f"{self.kind} {self.conversation_id}: {self.detail}"


@dataclass
class Report:
    conversations: int = 0
    events: int = 0
    branches: int = 0
    endings: int = 0
    positions: dict[str, int] = field(default_factory=dict)
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)
    offending_ids: set[UUID] = field(default_factory=set)

    def add(self, conversation_id: UUID, kind: str, detail: str) -> None:
        self.problem_count += 1
        self.offending_ids.add(conversation_id)
        if len(self.problems) < SHOWN_PROBLEMS:
            self.problems.append(Problem(conversation_id, kind, detail))

    @property
    def clean(self) -> bool:
        return self.problem_count == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "conversations": self.conversations,
            "events": self.events,
            "branches": self.branches,
            "endings": self.endings,
            "read_model_positions": self.positions,
            "problem_count": self.problem_count,
            "offending_ids": sorted(str(i) for i in self.offending_ids),
            "problems": [
                {**asdict(p), "conversation_id": str(p.conversation_id)} for p in self.problems
            ],
        }


@dataclass(frozen=True)
class BranchLink:
    """A `Branched` (child → parent) or `BranchCreated` (parent → child) to check later."""

    child: UUID
    parent: UUID
    position: int
    inherited: int  # the number of inherited turns, -1 for a BranchCreated
    noted_on_parent: bool


def verify(url: str) -> Report:
    """Check every conversation in the store at `url`; never writes."""
    report = Report()
    mapper = event_mapper()
    links: list[BranchLink] = []
    with read_only(url) as conn:
        report.positions = {name: p.position for name, p in progress(conn).read_models.items()}
        held = quarantine.quarantined(conn)
        set_aside = {
            view.name: {q.notification_id for q in held if q.read_model == view.name}
            for view in VIEWS
        }
        events = _conversations(
            stream_rows(conn, ALL_EVENTS, name="verify_events", row_factory=dict_row), mapper
        )
        rows = stream_rows(conn, READ_MODEL_ROWS, name="verify_read_models", row_factory=dict_row)
        registered = _registered_policies(conn, mapper)
        for cid, (located, unreadable), row in _merge(events, rows):
            if located or unreadable:
                report.conversations += 1
                report.events += len(located) + len(unreadable)
            for problem in unreadable:
                report.add(cid, "undecodable", problem)
            if unreadable:
                continue
            if located:
                links.extend(_check_conversation(cid, located, report, registered))
            _check_read_models(cid, located, row, report, set_aside)
        _check_links(conn, mapper, links, report)
        for event in held:
            report.add(
                event.originator_id,
                "quarantined",
                f"{event.read_model} set aside event at position {event.notification_id} "
                f"(version {event.originator_version}): {event.describe()}",
            )
    return report


def _conversations(
    rows: Iterable[dict[str, Any]], mapper: EventMapper
) -> Iterator[tuple[UUID, tuple[list[Located], Unreadable]]]:
    """Each conversation's decoded events, and a description of each that is not decodable."""
    for cid, group in itertools.groupby(rows, key=lambda row: row["originator_id"]):
        located: list[Located] = []
        unreadable: Unreadable = []
        for row in group:
            entry = decode(
                mapper, row["originator_id"], row["originator_version"], row["topic"], row["state"]
            )
            if isinstance(entry, Undecodable):
                unreadable.append(
                    f"event {row['originator_version']} at position {row['notification_id']} "
                    f"cannot be decoded: {quarantine.summary(entry.error)}"
                )
            else:
                located.append((entry, row["notification_id"]))
        yield cid, (located, unreadable)


def _merge(
    events: Iterator[tuple[UUID, tuple[list[Located], Unreadable]]],
    rows: Iterator[dict[str, Any]],
) -> Iterator[tuple[UUID, tuple[list[Located], Unreadable], dict[str, Any] | None]]:
    """Both streams are in id order: pair each id with its events and its read-model row."""
    event = next(events, None)
    row = next(rows, None)
    while event is not None or row is not None:
        if row is None or (event is not None and event[0] < row["id"]):
            assert event is not None
            yield event[0], event[1], None
            event = next(events, None)
        elif event is None or row["id"] < event[0]:
            yield row["id"], ([], []), row
            row = next(rows, None)
        else:
            yield event[0], event[1], row
            event, row = next(events, None), next(rows, None)


def _registered_policies(conn: psycopg.Connection[Any], mapper: EventMapper) -> dict[str, Policy]:
    """Every policy version in the registry, as registered: shadow decisions are replayed
    under these, so a policy altered where a shadow decision records it is caught."""
    rows = conn.cursor(row_factory=dict_row).execute(REGISTRY_EVENTS).fetchall()
    events = [mapper.to_domain_event(_stored(row)) for row in rows]
    return {v: entry.policy for v, entry in PolicyRegistry.from_events(events).entries.items()}


def _stored(row: dict[str, Any]) -> StoredEvent:
    return StoredEvent(row["originator_id"], row["originator_version"], row["topic"], row["state"])


def _check_conversation(
    cid: UUID, located: list[Located], report: Report, registered: dict[str, Policy]
) -> list[BranchLink]:
    """Versions, positions, nothing after `Ended` but feedback, decisions reproducible, the
    decisions of the policies in shadow reproduced by replaying them."""
    events = [event for event, _ in located]
    bad = len(report.offending_ids)
    versions = [e.originator_version for e in events]
    if versions != list(range(1, len(events) + 1)):
        report.add(cid, "versions", f"versions are not 1..{len(events)}: {versions[:20]}")
    if not isinstance(events[0], Started):
        report.add(cid, "positions", f"first event is {type(events[0]).__name__}, not Started")
    links: list[BranchLink] = []
    expected = 0  # the position of the next message
    sent: MessageSent | None = None
    ended: Ended | None = None
    erased: Erased | None = None
    for index, event in enumerate(events):
        where = f"event {event.originator_version} ({type(event).__name__})"
        if ended is not None and not isinstance(event, FeedbackGiven | Erased):
            report.add(cid, "after_end", f"{where} after Ended at {ended.position}")
        if erased is not None:
            report.add(cid, "after_erasure", f"{where} after Erased")
        match event:
            case Started() if index:
                report.add(cid, "positions", f"{where}: Started again")
            case Branched():
                if index != 1:
                    report.add(cid, "positions", f"{where}: not right after Started")
                turns = [t.position for t in event.inherited]
                if turns != list(range(0, 2 * len(turns), 2)) or (
                    event.branch_position != 2 * len(turns)
                ):
                    report.add(
                        cid, "positions", f"{where}: inherited {turns} at {event.branch_position}"
                    )
                expected = 2 * len(turns)
                report.branches += 1
                links.append(
                    BranchLink(cid, event.parent_id, event.branch_position, len(turns), False)
                )
            case BranchCreated():
                links.append(BranchLink(event.branch_id, cid, event.branch_position, -1, True))
            case MessageSent():
                if sent is not None or event.position != expected:
                    report.add(
                        cid,
                        "positions",
                        f"{where} at {event.position}, expected "
                        f"{expected}{' (previous turn unanswered)' if sent else ''}",
                    )
                sent, expected = event, event.position + 1
            case CrisisSignalDetected() | LadderReset():
                if sent is None or event.position != sent.position:
                    report.add(cid, "positions", f"{where} at {event.position} outside a turn")
            case AssistantEvent():
                if sent is None or event.position != expected:
                    report.add(
                        cid,
                        "positions",
                        f"{where} at {event.position}, expected "
                        f"{expected}" + ("" if sent else " after a user message"),
                    )
                sent, expected = None, event.position + 1
                if isinstance(event, Ended):
                    ended = event
                    report.endings += 1
            case Erased():
                erased = event
            case FeedbackGiven():
                if event.position % 2 == 0 or event.position >= expected:
                    report.add(
                        cid,
                        "positions",
                        f"{where} rates {event.position}, not an assistant message",
                    )
    if sent is not None:
        report.add(cid, "partial_turn", f"message at {sent.position} has no reply")
    if len(report.offending_ids) == bad:  # well-formed: the aggregate can fold it
        conversation = Conversation.from_events(events)
        for mismatch in check(conversation):
            kind = (
                "unjustified_ending"
                if mismatch.position == getattr(ended, "position", -1)
                else "unjustified_decision"
            )
            report.add(cid, kind, mismatch.describe())
        for mismatch in check_shadows(conversation, registered):
            report.add(cid, "shadow_mismatch", mismatch.describe())
    return links


def _implied(
    located: list[Located], positions: dict[str, int], set_aside: dict[str, set[int]]
) -> dict[str, Any]:
    """The facts each read model should hold about a conversation, at its tracked position,
    without the events it set aside (named as quarantined instead)."""
    conv = [
        e
        for e, n in located
        if n <= positions["conversations"] and n not in set_aside["conversations"]
    ]
    audit = [e for e, n in located if n <= positions["audit"] and n not in set_aside["audit"]]
    facts: dict[str, Any] = {"listed": bool(conv), "audited": bool(audit)}
    if conv:
        started, branched = conv[0], next((e for e in conv if isinstance(e, Branched)), None)
        ended = next((e for e in conv if isinstance(e, Ended)), None)
        facts |= {
            "owner": getattr(started, "owner", None),
            "model": getattr(started, "model", None),
            "status": "ended" if ended else "open",
            "has_ended_at": ended is not None,
            "parent_id": branched.parent_id if branched else None,
            "branch_position": branched.branch_position if branched else None,
            "messages": sum(
                2 * len(e.inherited) if isinstance(e, Branched) else 1
                for e in conv
                if isinstance(e, Branched | MessageSent | AssistantEvent)
            ),
        }
    replies = [
        e
        for e, n in located
        if isinstance(e, AssistantEvent)
        and n <= positions["shadows"]
        and n not in set_aside["shadows"]
    ]
    facts |= {
        "shadow_decisions": sum(len(e.shadows) for e in replies),
        "shadow_divergences": sum(
            diverges(e.decision, s.decision) for e in replies for s in e.shadows
        ),
    }
    ending = next((e for e in audit if isinstance(e, Ended)), None)
    facts |= {
        "trail": sum(1 for e in audit if not isinstance(e, Started)),
        "end_position": ending.position if ending else None,
        "end_reason": str(ending.decision.reason) if ending else None,
        "end_rule": ending.decision.rule if ending else None,
        "end_policy_version": ending.decision.policy_version if ending else None,
    }
    return facts


def _check_read_models(
    cid: UUID,
    located: list[Located],
    row: dict[str, Any] | None,
    report: Report,
    set_aside: dict[str, set[int]],
) -> None:
    implied = _implied(located, report.positions, set_aside)
    found = dict.fromkeys(implied) | {
        "listed": False,
        "audited": False,
        "trail": 0,
        "shadow_decisions": 0,
        "shadow_divergences": 0,
    }
    if row is not None:
        found |= {k: row[k] for k in implied}
    if not implied["listed"] and row is not None and row["messages"]:
        report.add(cid, "read_model", f"{row['messages']} messages of no listed conversation")
    differing = {k: (v, found[k]) for k, v in implied.items() if found[k] != v}
    if differing:
        parts = ", ".join(
            f"{k}: events imply {a!r}, read model has {b!r}" for k, (a, b) in differing.items()
        )
        report.add(cid, "read_model", parts)


def _check_links(
    conn: psycopg.Connection[Any], mapper: EventMapper, links: list[BranchLink], report: Report
) -> None:
    """Each branch names an existing parent user message and inherits exactly what preceded it;
    each `BranchCreated` names a branch that says so."""
    ordered = sorted(
        links, key=lambda link: link.parent if not link.noted_on_parent else link.child
    )
    for start in range(0, len(ordered), LINK_CHUNK):
        chunk = ordered[start : start + LINK_CHUNK]
        wanted = sorted({link.child if link.noted_on_parent else link.parent for link in chunk})
        rows = conn.cursor(row_factory=dict_row).execute(EVENTS_OF, (wanted,))
        decoded = dict(_conversations(rows, mapper))
        found = {cid: [e for e, _ in located] for cid, (located, _) in decoded.items()}
        for link in chunk:
            if decoded.get(link.child if link.noted_on_parent else link.parent, ([], []))[1]:
                continue  # named as undecodable already: the link cannot be checked
            if link.noted_on_parent:
                _check_noted(link, found.get(link.child), report)
            else:
                _check_branch(link, found.get(link.parent), report)


def _check_branch(link: BranchLink, parent: Sequence[Event] | None, report: Report) -> None:
    if parent is None:
        report.add(link.child, "branch", f"parent {link.parent} does not exist")
        return
    try:
        turns = Conversation.from_events(parent).turns
    except ValueError as error:
        report.add(link.child, "branch", f"parent {link.parent} cannot be folded: {error}")
        return
    if link.position % 2 or link.position >= 2 * len(turns):
        report.add(
            link.child,
            "branch",
            f"position {link.position} is not a user message of "
            f"parent {link.parent} ({2 * len(turns)} messages)",
        )
    elif link.inherited != link.position // 2:
        report.add(link.child, "branch", f"inherits {link.inherited} turns from {link.position}")


def _check_noted(link: BranchLink, child: Sequence[Event] | None, report: Report) -> None:
    branched = next((e for e in child or () if isinstance(e, Branched)), None)
    if branched is None or (branched.parent_id, branched.branch_position) != (
        link.parent,
        link.position,
    ):
        report.add(
            link.parent,
            "branch",
            f"BranchCreated names {link.child} at {link.position}, which is no such branch",
        )
