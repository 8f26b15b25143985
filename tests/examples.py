"""The project's example conversations (`tests/examples.json`) and what each must reach.

The same file drives the service's run on the offline assessor (`test_scenarios.py`), the
run on Claude through the SDK (`test_claude.py`) and the offline assessor's per-message labels
(`test_offline_assessor.py`), so one list of conversations says what the product does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from application.service import ConversationService
from domain.access import Principal
from domain.assessment import Category, Crisis, Intent

FILE = Path(__file__).with_name("examples.json")
DEFAULT_MODEL = "claude-opus-4-1"


@dataclass(frozen=True)
class Said:
    """One user message and what a careful assessor records for it."""

    text: str
    category: Category = Category.NONE
    crisis: Crisis = Crisis.NONE
    intent: Intent = Intent.NONE


@dataclass(frozen=True)
class Outcome:
    """The exact reply kinds, and the ending reason (None: never ended)."""

    replies: tuple[str, ...]
    ending: str | None


@dataclass(frozen=True)
class Branch:
    from_position: int
    turns: tuple[Said, ...]
    expect: Outcome


@dataclass(frozen=True)
class Example:
    name: str
    shows: str
    model: str
    turns: tuple[Said, ...]
    expect: Outcome
    branch: Branch | None = None

    def __str__(self) -> str:
        return self.name


def _said(raw: dict[str, str]) -> Said:
    return Said(
        raw["say"],
        Category(raw.get("category", "none")),
        Crisis(raw.get("crisis", "none")),
        Intent(raw.get("intent", "none")),
    )


def _outcome(raw: dict[str, Any]) -> Outcome:
    return Outcome(tuple(raw["replies"]), raw["ending"])


def _branch(raw: dict[str, Any] | None) -> Branch | None:
    if raw is None:
        return None
    return Branch(raw["from_position"], tuple(map(_said, raw["turns"])), _outcome(raw["expect"]))


def _example(raw: dict[str, Any]) -> Example:
    return Example(
        name=raw["name"],
        shows=raw["shows"],
        model=raw.get("model", DEFAULT_MODEL),
        turns=tuple(map(_said, raw["turns"])),
        expect=_outcome(raw["expect"]),
        branch=_branch(raw.get("branch")),
    )


@cache
def examples() -> tuple[Example, ...]:
    found = tuple(_example(raw) for raw in json.loads(FILE.read_text())["conversations"])
    assert len({e.name for e in found}) == len(found), "example names must be unique"
    return found


def example(name: str) -> Example:
    return next(e for e in examples() if e.name == name)


@cache
def labels() -> dict[str, Said]:
    """Every example message by its text; a text said in two examples is labelled alike."""
    out: dict[str, Said] = {}
    for e in examples():
        for said in e.turns + (e.branch.turns if e.branch else ()):
            assert out.setdefault(said.text, said) == said, f"{said.text!r} labelled twice"
    return out


def check_outcome(
    expect: Outcome, replies: list[str], ending: str | None, min_redirects: int
) -> None:
    """The conversation went as the example says, and any harm-ending climbed the ladder."""
    assert (replies, ending) == (list(expect.replies), expect.ending)
    if ending == "persistent_harm":
        warned_at = replies.index("warning")
        assert replies[:warned_at].count("redirect") >= min_redirects, replies
        assert replies[-1] == "ended" and warned_at < len(replies) - 1, replies


def feed(
    service: ConversationService, who: Principal, cid: UUID, turns: Sequence[Said]
) -> tuple[list[str], str | None]:
    """Send `turns` until the conversation ends: the reply kinds and the ending reason."""
    kinds: list[str] = []
    for said in turns:
        result = service.send_message(who, cid, said.text)
        kinds.append(str(result.turn.decision.action))
        if result.conversation.ended is not None:
            return kinds, str(result.conversation.ended.decision.reason)
    return kinds, None
