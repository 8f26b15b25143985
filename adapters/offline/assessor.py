"""The default assessor: deterministic rules read from data, no network.

It ships with the service so that every turn can be assessed, recorded and replayed without
a model. The rules (`adapters/offline/rules/*.toml`) score *intent + object + purpose or
target* rather than topic words, in several languages, so that controversial, historical,
fictional and defensive discussion stays ordinary; the rationale cites the ids of the rules
that fired, and the recorded name carries the rules' version and fingerprint.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from adapters.offline.context import CRISIS_WINDOW, Earlier, Follow
from adapters.offline.engine import Reading, Verdict, crisis_rule, judge
from adapters.offline.normalise import normalise
from adapters.offline.rulebook import Rule, Rulebook, load
from domain.assessment import Assessment, Category, Crisis, Intent
from domain.deadline import NO_DEADLINE, Deadline

_CATEGORIES = tuple(c for c in Category if c is not Category.NONE)
_REMEMBERED = 256  # joined texts whose answers are kept: a few turns of many conversations


class OfflineAssessor:
    """Rule-based assessor used when no model is configured: deterministic, fast, explainable.

    Every turn goes through it, so it must be cheap and must never flag a legitimate topic.
    """

    book: Rulebook = load()
    name: str = book.name
    """Recorded with every assessment: a changed rule set gets a new name."""

    def __init__(self, book: Rulebook | None = None) -> None:
        if book is not None:
            self.book = book
            self.name = book.name
        self._follow = Follow(self.book)
        self._joined = _Joined(self.book)

    def warm_up(self) -> None:
        """Compile the patterns most messages need (English alone, every language), and the
        scan for the strings they cannot match without, now, so the first turns a server
        takes do not wait for it (about 1.7 s of CPU on a busy machine, half of it the scan)."""
        for languages in (frozenset({"en"}), frozenset(self.book.markers)):
            self.book.patterns(languages)
        self.book.literals.present("")  # the scan is built on its first use

    def assess(
        self,
        text: str,
        context: Sequence[tuple[str, Assessment]] = (),
        deadline: Deadline = NO_DEADLINE,
    ) -> Assessment:
        """Classify `text`, reading the previous message in `context` for carried-over meaning.

        Answers at once, so the turn's `deadline` does not concern it."""
        reading = Reading(self.book, normalise(text), text)
        verdict = judge(reading)
        scores = {c.value: verdict.scores.get(c.value, 0.0) for c in _CATEGORIES}
        notes = {c: self._cite(reading, verdict, c) for c in scores}
        crisis = Crisis(verdict.crisis.target) if verdict.crisis else Crisis.NONE
        crisis_note = self._cite_one(reading, verdict.crisis)
        intent = Intent(verdict.intent.target) if verdict.intent else Intent.NONE
        intent_note = self._cite_one(reading, verdict.intent)
        carried = None
        if context:
            recent = [_earlier(entry) for entry in context[-CRISIS_WINDOW:]]
            earlier = recent[-1]
            joined = self._joined
            referent = self._follow.referent(recent[-2:], joined.backs_off)
            answer = Intent(self._follow.answer(intent.value, earlier))
            if answer is not intent:
                intent, intent_note = answer, "read as an answer to the previous message"
            carried = self._follow.carry(
                reading, scores, referent, joined.rescore, recent, joined.backs_off
            )
            if carried is not None:
                scores[carried.category] = carried.severity
                notes[carried.category] = carried.why
            held = (
                self._follow.crisis(reading, recent, joined.crisis_of)
                if crisis is Crisis.NONE
                else None
            )
            if held is not None:
                crisis, crisis_note = Crisis(held), "carried from context: follow-up in crisis"
        carried_to = carried.category if carried is not None else ""
        best = max(scores, key=lambda c: (scores[c], c == carried_to))  # a tie goes to the context
        eligible = scores[best] >= self.book.settings["eligible"]
        category = Category(best) if eligible else Category.NONE
        severity = round(scores[best], 3) if eligible else 0.0
        rationale = [
            f"{best} {severity:.2f}: {notes[best]}"
            if eligible
            else "no eligible harm"
            + "".join(
                f"; below threshold: {c} {v:.2f} ({notes[c]})" for c, v in scores.items() if v > 0
            )
        ]
        if crisis is not Crisis.NONE:
            rationale.append(f"crisis {crisis.value}: {crisis_note}")
        if intent is not Intent.NONE:
            rationale.append(f"intent {intent.value}: {intent_note}")
        return Assessment(
            category=category,
            severity=severity,
            crisis=crisis,
            intent=intent,
            scores={c: round(v, 3) for c, v in scores.items()},
            rationale="; ".join(rationale),
            assessor=self.name,
        )

    @staticmethod
    def _cite(reading: Reading, verdict: Verdict, category: str) -> str:
        fired = verdict.fired.get(category, [])
        evidence = sorted({e for rule in fired for e in reading.evidence(rule.when)})
        return f"rules {', '.join(r.id for r in fired)} [{', '.join(evidence)}]"

    @staticmethod
    def _cite_one(reading: Reading, rule: Rule | None) -> str:
        if rule is None:
            return ""
        return f"rule {rule.id} [{', '.join(reading.evidence(rule.when))}]"


class _Joined:
    """What the context rules ask of the texts an assessment reads besides its message (an
    earlier message joined with this one), remembered for later assessments too: a turn's
    message joined with those before it is read again at the next turn as the messages before
    that one, and a message sent again reads the same joined texts. Each answer depends on
    the text alone, so remembering it changes no assessment; the previous message joined
    with this one is often both scored and asked for its crisis, so a text is read once."""

    def __init__(self, book: Rulebook) -> None:
        self.book = book
        self.rescore = functools.lru_cache(maxsize=_REMEMBERED)(self._rescore)
        self.crisis_of = functools.lru_cache(maxsize=_REMEMBERED)(self._crisis_of)
        self.backs_off = functools.lru_cache(maxsize=_REMEMBERED)(self._backs_off)
        self._reading = functools.lru_cache(maxsize=CRISIS_WINDOW + 1)(self._read)

    def _rescore(self, text: str) -> tuple[str, float]:
        scores = judge(self._reading(text), categories_only=True).scores
        best = max(scores, key=lambda c: scores[c], default="none")
        return best, scores.get(best, 0.0)

    def _backs_off(self, text: str) -> bool:
        return self._reading(text).hit("back_off") is not None

    def _crisis_of(self, text: str) -> str | None:
        rule = crisis_rule(self._reading(text))
        return None if rule is None else rule.target

    def _read(self, text: str) -> Reading:
        return Reading(self.book, normalise(text), text)


def _earlier(entry: tuple[str, Assessment]) -> Earlier:
    text, assessment = entry
    return Earlier(
        normalise(text),
        assessment.category.value,
        assessment.severity,
        assessment.crisis.value,
        assessment.intent.value,
    )
