"""Template replies for each action: the default assistant, with no network and no model.

A platform running lastresort offline still gets replies that do what the action
promises: redirect constructively, warn naming the behaviour, offer crisis resources,
ask for confirmation, and say clearly that a conversation has ended. They are written in
the user's language (English, Spanish, French, German or Portuguese; see
`adapters/reply_language.py`), from the texts in `offline_replies.toml`.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from adapters.offline.assessor import OfflineAssessor
from adapters.offline.rulebook import Rulebook
from adapters.reply_language import DEFAULT_LANGUAGE, reply_language
from domain.assessment import Category
from domain.chunks import chunks
from domain.deadline import NO_DEADLINE, Deadline
from domain.decision import Action, Decision, EndReason
from domain.events import Turn
from domain.ports import TextSink, WrittenReply

REPLIES_FILE = Path(__file__).with_name("offline_replies.toml")

# Each template and the placeholders it must fill: a redirect, a warning and an ending that
# did not name the behaviour, or crisis support without its resources, would not do what
# the action promises.
PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "redirect": frozenset({"behaviour"}),
    "warning": frozenset({"behaviour"}),
    "crisis_support": frozenset({"resources"}),
    "crisis_resources": frozenset(),
    "confirm_end": frozenset(),
    "ended_on_request": frozenset(),
    "ended": frozenset({"behaviour"}),
    "end_unavailable": frozenset(),
    "declined_end": frozenset(),
    "reply": frozenset({"topic"}),
    "unnamed_behaviour": frozenset(),
}
TOPIC_WORDS = 12
"""How much of the user's message the ordinary reply quotes."""


@dataclass(frozen=True)
class Replies:
    """One language's templates, and its names for the behaviours the ladder acts on."""

    templates: Mapping[str, str]
    behaviours: Mapping[str, str]

    def behaviour(self, name: str | None) -> str:
        """The behaviour's name, or this language's "these requests" when none is known."""
        return self.behaviours.get(name or "", self.templates["unnamed_behaviour"])


def load_replies(path: Path = REPLIES_FILE) -> dict[str, Replies]:
    """Every language's replies, checked complete: all templates with exactly their
    placeholders, and a name for every harm category."""
    with path.open("rb") as handle:
        tables = tomllib.load(handle)
    categories = {c.value for c in Category if c is not Category.NONE}
    replies: dict[str, Replies] = {}
    for language, table in tables.items():
        behaviours = table.pop("behaviours", {})
        if set(table) != set(PLACEHOLDERS) or set(behaviours) != categories:
            raise ValueError(f"{path.name}: [{language}] lacks or adds templates or behaviours")
        for key, template in table.items():
            fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
            if fields != PLACEHOLDERS[key]:
                raise ValueError(f"{path.name}: [{language}] {key} must fill {PLACEHOLDERS[key]}")
        replies[language] = Replies(table, behaviours)
    return replies


REPLIES = load_replies()
BEHAVIOURS = REPLIES[DEFAULT_LANGUAGE].behaviours
"""The behaviours' English names, as the Claude assistant's notes give them."""
CRISIS_RESOURCES = REPLIES[DEFAULT_LANGUAGE].templates["crisis_resources"]


class OfflineAssistant:
    name = "offline-templates-2"
    """Names the set of templates; it changes when they do."""

    def __init__(self, book: Rulebook | None = None) -> None:
        self.book = book if book is not None else OfflineAssessor.book

    def write(
        self,
        decision: Decision,
        text: str,
        history: Sequence[Turn],
        deadline: Deadline = NO_DEADLINE,
    ) -> WrittenReply:
        """The template for the action in the user's language; answers at once, so
        `deadline` does not concern it."""
        return WrittenReply(_text(self.replies_for(text, history), decision, text))

    def replies_for(self, text: str, history: Sequence[Turn]) -> Replies:
        """The templates of the language `text` (or, failing that, `history`) is written in."""
        return REPLIES.get(reply_language(text, history, self.book), REPLIES[DEFAULT_LANGUAGE])

    def crisis_resources(self, text: str, history: Sequence[Turn]) -> str:
        """Where to find help, in the user's language, with that language's own lines."""
        return self.replies_for(text, history).templates["crisis_resources"]

    def stream(
        self,
        decision: Decision,
        text: str,
        history: Sequence[Turn],
        on_text: TextSink,
        deadline: Deadline = NO_DEADLINE,
    ) -> WrittenReply:
        """The template in pieces of a few words, so an offline stream looks like a model's."""
        reply = self.write(decision, text, history, deadline)
        for piece in chunks(reply.text):
            on_text(piece)
        return reply


def _text(replies: Replies, decision: Decision, text: str) -> str:
    """The template `decision` calls for, filled in."""
    templates = replies.templates
    behaviour = replies.behaviour(decision.behaviour)
    match decision.action:
        case Action.REDIRECT:
            return templates["redirect"].format(behaviour=behaviour)
        case Action.WARNING:
            return templates["warning"].format(behaviour=behaviour)
        case Action.CRISIS_SUPPORT:
            return templates["crisis_support"].format(resources=templates["crisis_resources"])
        case Action.CONFIRM_END:
            return templates["confirm_end"]
        case Action.ENDED if decision.reason is EndReason.USER_REQUEST:
            return templates["ended_on_request"]
        case Action.ENDED:
            return templates["ended"].format(behaviour=behaviour)
        case _ if decision.rule == "end_request.unavailable":
            return templates["end_unavailable"]
        case _ if decision.rule == "end_request.declined":
            return templates["declined_end"]
        case _:
            # Only the words of the user's text, never its layout; `format` does not read
            # the braces of what it fills in.
            topic = " ".join(text.split()[:TOPIC_WORDS])
            return templates["reply"].format(topic=topic)
