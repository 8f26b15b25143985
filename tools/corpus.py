"""Measure an assessor against the labelled corpus (see `corpus/README.md`).

Every item is assessed the way the service assesses a turn: its `context` messages are
sent first, each assessed with the user messages before it (at most
`application.turns.CONTEXT_MESSAGES`, with their own assessments), then its `text`. The figures:

- **precision and recall** of every category, crisis value and intent other than `none`,
  over the part and per language. A category counts as reported only at a severity of at
  least the policy's `min_severity`, since below it the policy treats the message as
  ordinary; a crisis value or an intent counts whenever it is reported.
- **false-ending rate**: of the items of kind `benign` or `controversial`, the fraction
  whose conversation the policy ends for persistent harm (`EndReason.PERSISTENT_HARM`)
  when, after the item's context, the user sends the item's `text` again and again: as
  many times as the earliest ending needs (`min_redirects` redirects, the warning if one
  is required, then the ending), each repeat assessed with the messages before it, on a
  model that can end. A conversation ended at the user's own request does not count.
- **persistent-ending rate**: the same simulation over the items labelled with one of
  the policy's ending-eligible categories: the fraction that the repetition does end.

The simulation runs the real `Policy.decide` and `Ladder.advance`, so both rates follow
the policy file, crisis vetoes and ladder resets included.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from application.policies import DEFAULT_POLICY_FILE, load_policy
from application.turns import CONTEXT_MESSAGES
from domain.assessment import Assessment, Category, Crisis, Intent
from domain.decision import Action, EndReason
from domain.errors import BadInput
from domain.ladder import Ladder
from domain.policy import Policy
from domain.ports import Assessor

LANGUAGES = ("en", "es", "fr", "de", "pt")
DISGUISES = (
    "none",
    "homoglyph",
    "zero_width",
    "spaced",
    "leet",
    "base64",
    "rot13",
    "euphemism",
    "roleplay",
)
KINDS = ("harmful", "benign", "controversial", "crisis", "end_request", "abuse", "follow_up")
LEGITIMATE_KINDS = ("benign", "controversial")
ALL = "all"
"""The scope of the figures over every language."""
FOLDER = Path(__file__).resolve().parent.parent / "corpus"
"""Where the parts are in a checkout."""


class Part(StrEnum):
    DEV = "dev"
    HELDOUT = "heldout"
    HELDOUT_2 = "heldout-2"
    HELDOUT_3 = "heldout-3"
    HELDOUT_4 = "heldout-4"
    HELDOUT_5 = "heldout-5"
    HELDOUT_6 = "heldout-6"
    ALL = "all"


FILES = {
    Part.DEV: ("dev.jsonl",),
    Part.HELDOUT: ("heldout.jsonl",),
    Part.HELDOUT_2: ("heldout-2.jsonl",),
    Part.HELDOUT_3: ("heldout-3.jsonl",),
    Part.HELDOUT_4: ("heldout-4.jsonl",),
    Part.HELDOUT_5: ("heldout-5.jsonl",),
    Part.HELDOUT_6: ("heldout-6.jsonl",),
    Part.ALL: (
        "dev.jsonl",
        "heldout.jsonl",
        "heldout-2.jsonl",
        "heldout-3.jsonl",
        "heldout-4.jsonl",
        "heldout-5.jsonl",
        "heldout-6.jsonl",
    ),
}
_REQUIRED = ("id", "language", "text", "category", "crisis", "intent", "disguise", "kind")
_KEYS = frozenset((*_REQUIRED, "context"))


@dataclass(frozen=True)
class Item:
    """One labelled user message; the labels are what a careful reader concludes."""

    id: str
    language: str
    text: str
    context: tuple[str, ...]
    category: Category
    crisis: Crisis
    intent: Intent
    disguise: str
    kind: str


def parse(line: str, where: str) -> Item:
    """One JSONL line as an `Item`; anything off the schema is a `BadInput` naming `where`."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadInput(f"{where}: not JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise BadInput(f"{where}: not a JSON object")
    missing = [key for key in _REQUIRED if key not in data]
    unknown = sorted(set(data) - _KEYS)
    if missing or unknown:
        raise BadInput(f"{where}: missing keys {missing}, unknown keys {unknown}")
    texts = [data["id"], data["text"], *_as_list(data.get("context", []), where)]
    if not all(isinstance(t, str) and t.strip() for t in texts):
        raise BadInput(f"{where}: id, text and context messages must be non-empty strings")
    return Item(
        id=data["id"],
        language=_choice(data, "language", LANGUAGES, where),
        text=data["text"],
        context=tuple(texts[2:]),
        category=Category(_choice(data, "category", [str(c) for c in Category], where)),
        crisis=Crisis(_choice(data, "crisis", [str(c) for c in Crisis], where)),
        intent=Intent(_choice(data, "intent", [str(i) for i in Intent], where)),
        disguise=_choice(data, "disguise", DISGUISES, where),
        kind=_choice(data, "kind", KINDS, where),
    )


def _as_list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise BadInput(f"{where}: context must be a list of earlier user messages")
    return value


def _choice(data: dict[str, Any], key: str, allowed: Sequence[str], where: str) -> str:
    value = data[key]
    if value not in allowed:
        raise BadInput(f"{where}: {key} {value!r} is not one of {', '.join(allowed)}")
    return str(value)


def load(folder: Path, part: Part) -> list[Item]:
    """The items of `part` read from `folder`, every line checked, ids unique."""
    items: list[Item] = []
    for name in FILES[part]:
        path = folder / name
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise BadInput(f"{path}: no such corpus file (use --path)") from None
        items += [parse(line, f"{path}:{n}") for n, line in enumerate(lines, 1) if line.strip()]
    if not items:
        raise BadInput(f"{folder}: the {part} part has no items")
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise BadInput(f"corpus id {item.id!r} appears twice")
        seen.add(item.id)
    return items


def default_policy() -> Policy:
    """`policies/default.toml`, not whatever `LASTRESORT_POLICY` names: the rates are
    defined against the default policy, so they compare across machines."""
    return load_policy(DEFAULT_POLICY_FILE)


@dataclass(frozen=True)
class Outcome:
    """What the assessor made of an item, and whether repeating it ends the conversation."""

    item: Item
    assessment: Assessment
    ends_for_harm: bool


def run(assessor: Assessor, policy: Policy, item: Item) -> Outcome:
    """Send the item's context, then its text as persistently as the earliest ending needs."""
    repeats = policy.min_redirects + int(policy.warning_required) + 1
    messages = [*item.context, *[item.text] * repeats]
    model = policy.models_with_ending[0] if policy.models_with_ending else ""
    history: list[tuple[str, Assessment]] = []
    ladder = Ladder()
    ending: EndReason | None = None
    for turn, text in enumerate(messages):
        assessment = assessor.assess(text, history[-CONTEXT_MESSAGES:])
        history.append((text, assessment))
        if not ladder.ended:
            decision = policy.decide(ladder, assessment, 2 * turn, model)
            ladder = ladder.advance(2 * turn, decision)
            ending = decision.reason if decision.action is Action.ENDED else None
    judged = history[len(item.context)][1]
    return Outcome(item, judged, ending is EndReason.PERSISTENT_HARM)


@dataclass(frozen=True)
class Score:
    """How often a label was expected, reported, and both."""

    expected: int
    reported: int
    agreed: int

    @property
    def precision(self) -> float | None:
        return self.agreed / self.reported if self.reported else None

    @property
    def recall(self) -> float | None:
        return self.agreed / self.expected if self.expected else None


@dataclass(frozen=True)
class Rate:
    count: int
    of: int

    @property
    def value(self) -> float | None:
        return self.count / self.of if self.of else None


@dataclass(frozen=True)
class Figures:
    """The figures of one scope (every language, or one)."""

    items: int
    labels: dict[str, Score]
    false_ending: Rate
    persistent_ending: Rate


LABELS: tuple[StrEnum, ...] = tuple(
    value for enum in (Category, Crisis, Intent) for value in enum if value.value != "none"
)


def label_name(label: StrEnum) -> str:
    """`category:cbrn_weapons`, `crisis:self_harm`, `intent:end_request`..."""
    return f"{type(label).__name__.lower()}:{label.value}"


def figures(outcomes: Sequence[Outcome], policy: Policy) -> Figures:
    """Precision and recall per label and both ending rates over `outcomes`."""

    def expected(item: Item) -> set[str]:
        return {label_name(item.category), label_name(item.crisis), label_name(item.intent)}

    def reported(assessment: Assessment) -> set[str]:
        strong = assessment.severity >= policy.min_severity
        category = assessment.category if strong else Category.NONE
        return {label_name(category), label_name(assessment.crisis), label_name(assessment.intent)}

    pairs = [(expected(o.item), reported(o.assessment)) for o in outcomes]
    labels = {
        name: Score(
            expected=sum(name in e for e, _ in pairs),
            reported=sum(name in r for _, r in pairs),
            agreed=sum(name in e and name in r for e, r in pairs),
        )
        for name in map(label_name, LABELS)
    }
    return Figures(
        items=len(outcomes),
        labels=labels,
        false_ending=_rate(outcomes, lambda i: i.kind in LEGITIMATE_KINDS),
        persistent_ending=_rate(outcomes, lambda i: i.category in policy.eligible_categories),
    )


def _rate(outcomes: Iterable[Outcome], selected: Callable[[Item], bool]) -> Rate:
    chosen = [o for o in outcomes if selected(o.item)]
    return Rate(sum(o.ends_for_harm for o in chosen), len(chosen))


def measure(assessor: Assessor, policy: Policy, items: Sequence[Item]) -> dict[str, Figures]:
    """The figures over every item (`ALL`) and per language, in `LANGUAGES` order."""
    outcomes = [run(assessor, policy, item) for item in items]
    scopes = {ALL: outcomes} | {
        language: [o for o in outcomes if o.item.language == language] for language in LANGUAGES
    }
    return {scope: figures(chosen, policy) for scope, chosen in scopes.items() if chosen}


def to_json(report: dict[str, Figures]) -> dict[str, Any]:
    """The report for machines: every figure per scope, `null` where it is undefined."""
    return {
        scope: {
            "items": f.items,
            "labels": {
                name: {
                    "expected": s.expected,
                    "reported": s.reported,
                    "agreed": s.agreed,
                    "precision": s.precision,
                    "recall": s.recall,
                }
                for name, s in f.labels.items()
            },
            "false_ending_rate": _rate_json(f.false_ending),
            "persistent_ending_rate": _rate_json(f.persistent_ending),
        }
        for scope, f in report.items()
    }


def _rate_json(rate: Rate) -> dict[str, Any]:
    return {"count": rate.count, "of": rate.of, "rate": rate.value}


def table(report: dict[str, Figures], title: str) -> Table:
    """Precision / recall per label (rows) and scope (columns), then the two rates."""
    scopes = list(report)
    grid = Table(
        title=title,
        caption="labels: precision / recall (n: items so labelled); rates: items ended / items",
    )
    grid.add_column("label", no_wrap=True)
    grid.add_column("n", justify="right", no_wrap=True)
    for scope in scopes:
        grid.add_column(scope, justify="center", no_wrap=True)
    for name, score in report[ALL].labels.items():
        cells = [_pair(report[s].labels[name]) for s in scopes]
        grid.add_row(name, str(score.expected), *cells)
    grid.add_section()
    for name, rates in (
        ("false-ending rate", [report[s].false_ending for s in scopes]),
        ("persistent-ending rate", [report[s].persistent_ending for s in scopes]),
    ):
        grid.add_row(name, str(rates[0].of), *(_share(r) for r in rates))
    grid.add_row("items", "", *(str(report[s].items) for s in scopes))
    return grid


def show(grid: Table) -> None:
    """Print `grid` unwrapped: wider than the terminal rather than cut into pieces."""
    console = Console()
    needed = console.measure(grid, options=console.options.update_width(1_000)).maximum
    Console(width=max(console.width, needed)).print(grid)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _pair(score: Score) -> str:
    return f"{_number(score.precision)} / {_number(score.recall)}"


def _share(rate: Rate) -> str:
    return f"{rate.count}/{rate.of} ({rate.value:.0%})" if rate.value is not None else "-"
