"""Applies a `Rulebook` to one normalised message: signals, then rules, then a verdict.

Signals are read lazily and remembered, so a rule whose first required signal is absent
costs at most one regular-expression search, which keeps the assessor cheap on every turn;
and a signal none of whose necessary strings the text holds (see `literals`) is absent
without its search.
Per category the score is the highest `score` rule that fired, or the noisy-or of the `hit`
weights (independent insults add up without reaching 1); then the lowest `cap` that fired
(a history, safety or fiction frame) and every `scale` (a joke) apply. The first `crisis`
rule and the first `intent` rule that fire, in file order, decide those fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from adapters.offline.rulebook import Compiled, Condition, Rule, Rulebook, Signal

_WORD = re.compile(r"[\w']+")
_UNKNOWN = object()  # a signal not read yet


@dataclass(frozen=True)
class Hit:
    """Where a signal matched and what it matched, for rationales and ordering."""

    text: str
    start: int


@dataclass
class Verdict:
    """Scores per category with the rules behind them, and the crisis and intent rules."""

    scores: dict[str, float] = field(default_factory=dict)
    fired: dict[str, list[Rule]] = field(default_factory=dict)
    crisis: Rule | None = None
    intent: Rule | None = None


class Reading:
    """One message read against a rulebook; `hit(name)` evaluates a signal once, on demand."""

    def __init__(self, book: Rulebook, plain: str, original: str = "") -> None:
        self.book = book
        patterns = book.patterns(_languages(book, plain, original))
        self._patterns = patterns.of
        self._scan = book.literals
        self._present: dict[str, set[str]] = {}
        scrub = self._searchable("scrub", plain)
        scrubbed = scrub.sub(" ~ ", plain) if scrub is not None else plain
        self.views = {"plain": plain, "scrubbed": scrubbed}
        self._signals = book.signals
        self._memo: dict[str, Hit | None] = dict(patterns.absent)
        for view, screen in patterns.screened.items():
            filed = screen.by_string
            for string in self._present_in(self.views[view]):
                for possible in filed.get(string, ()):
                    self._memo.pop(possible, None)
        self._keyed = patterns.keyed
        self._unkeyed = patterns.unkeyed
        self._rules: list[Rule] | None = None

    def rules(self) -> list[Rule]:
        """The book's rules in its order, less those that need a signal this message lacks
        (they cannot hold)."""
        if self._rules is None:
            memo = self._memo
            chosen = [*self._unkeyed]
            for key, indexes in self._keyed.items():
                if memo.get(key, _UNKNOWN) is not None:
                    chosen += indexes
            every = self.book.rules
            self._rules = [every[i] for i in sorted(chosen)]
        return self._rules

    def hit(self, name: str) -> Hit | None:
        try:
            return self._memo[name]
        except KeyError:
            signal = self._signals.get(name)
            found = self._derive(name) if signal is None else self._match(signal)
            self._memo[name] = found
            return found

    def holds(self, when: Condition) -> bool:
        for name in when.all:
            if self.hit(name) is None:
                return False
        for name in when.none:
            if self.hit(name) is not None:
                return False
        if when.any:
            for name in when.any:
                if self.hit(name) is not None:
                    break
            else:
                return False
        return not when.before or self._in_order(when.before)

    def evidence(self, when: Condition) -> list[str]:
        """The signals a fired condition rests on, with what each matched."""
        shown = []
        for name in sorted({*when.all, *when.any}):
            found = self.hit(name)
            if found is not None and found.text:
                shown.append(f"{name} '{found.text}'")
        return shown

    def matches(self, signal_id: str) -> Iterator[re.Match[str]]:
        text = self._text(self._signals[signal_id])
        pattern = self._searchable(signal_id, text)
        return iter(()) if pattern is None else pattern.finditer(text)

    def _searchable(self, signal_id: str, text: str) -> re.Pattern[str] | None:
        """The signal's pattern, or None when it cannot match `text`: it has none in these
        languages, or `text` holds none of the strings it cannot match without."""
        compiled: Compiled | None = self._patterns[signal_id]
        if compiled is None:
            return None
        if compiled.needs and compiled.needs.isdisjoint(self._present_in(text)):
            return None
        return compiled.pattern

    def _present_in(self, text: str) -> set[str]:
        """The book's necessary strings that `text` holds; once per text."""
        present = self._present.get(text)
        if present is None:
            present = self._present[text] = self._scan.present(text)
        return present

    def _in_order(self, names: tuple[str, ...]) -> bool:
        hits = [self.hit(n) for n in names]
        starts = [h.start for h in hits if h is not None]
        return len(starts) == len(names) and starts == sorted(starts)

    def _derive(self, name: str) -> Hit | None:
        for when in self.book.derived[name]:
            if self.holds(when):
                first = sorted({*when.all, *when.any})
                found = [h for h in (self.hit(n) for n in first) if h is not None]
                return found[0] if found else Hit("", 0)
        return None

    def _text(self, signal: Signal) -> str:
        text = self.views[signal.view]
        mask = None if signal.mask is None else self._searchable(signal.mask, text)
        if mask is not None:
            text = mask.sub(" ", text)
        if signal.within is not None:
            outer = self.hit(signal.within)
            text = outer.text if outer is not None else ""
        return text

    def _match(self, signal: Signal) -> Hit | None:
        text = self._text(signal)
        if not signal.sources:
            return _word_test(signal, text)
        compiled = self._patterns[signal.id]
        if compiled is None:
            return None
        screened = compiled.needs or compiled.parts
        present = self._present_in(text) if screened else set()
        if compiled.needs and compiled.needs.isdisjoint(present):
            return None
        if signal.count > 1:
            if len(compiled.pattern.findall(text)) < signal.count:
                return None
            found = compiled.pattern.search(text)
        else:
            found = _leftmost(compiled, text, present)
        return Hit(found.group().strip(), found.start()) if found else None


def _leftmost(compiled: Compiled, text: str, present: set[str]) -> re.Match[str] | None:
    """The match the whole expression finds in `text`, searching only the alternatives whose
    strings `text` holds (`present`): the earliest of their matches and, of two that start
    at the same place, the one written first, since the whole expression tries its
    alternatives at each place in order. A long expression (the ways to ask to end the
    conversation, in five languages) mostly has one or two alternatives to search."""
    parts = compiled.parts
    chosen = [p for p in parts if not p.needs or not p.needs.isdisjoint(present)]
    if len(chosen) == len(parts):
        return compiled.pattern.search(text)
    best = None
    for part in chosen:
        found = part.pattern.search(text)
        if found is not None and (best is None or found.start() < best.start()):
            best = found
    return best


def _languages(book: Rulebook, text: str, original: str) -> frozenset[str]:
    """The languages whose patterns to try: English, and each whose marker words appear or,
    failing words, whose letters ("ñ", "ß", "ç") the original text uses; all of them for a
    message that shows no language at all ("Non, on continue.").

    Trying only those keeps an English message nearly as cheap as before other languages
    were added.
    """
    words = set(_WORD.findall(text))
    found = {
        language for language, markers in book.markers.items() if not markers.isdisjoint(words)
    }
    if not found - {"en"}:
        chars = set(original.casefold())
        found |= {language for language, letters in book.letters.items() if chars & letters}
    return frozenset(found or book.markers) | {"en"}


def _word_test(signal: Signal, text: str) -> Hit | None:
    """A whole message of allowed words: "no thanks", "yes, I'm sure", "garbage. useless."."""
    words = [w.strip("'") for w in _WORD.findall(text)]
    joined = " ".join(words)
    if signal.exact:
        return Hit(joined, 0) if joined in signal.exact else None
    if len(words) > signal.max_words or not (words or signal.mask):
        return None  # with a mask, the masked words are the message
    if any(w not in signal.only for w in words):
        return None
    padded = f" {joined} "
    if signal.needs and not any(f" {n} " in padded for n in signal.needs):
        return None
    return Hit(joined, 0)


def judge(reading: Reading, categories_only: bool = False) -> Verdict:
    """Every rule of the book applied to one reading. With `categories_only` the crisis and
    intent rules are left out: a context rule that rescores a joined text reads only its
    scores, and the intent rules' signals are among the costliest to search."""
    verdict = Verdict()
    base: dict[str, float] = {}
    remaining: dict[str, float] = {}
    taken: list[tuple[int, int]] = []
    for rule in reading.rules():
        if rule.effect in ("crisis", "intent"):
            if not categories_only:
                _first(verdict, rule, reading)
            continue
        if rule.effect in ("cap", "scale") and rule.target not in verdict.fired:
            continue  # nothing to lower
        if not reading.holds(rule.when):
            continue
        if rule.effect == "hit":
            count = _count_hits(reading, rule, taken)
            if count == 0:
                continue
            remaining[rule.target] = remaining.get(rule.target, 1.0) * (1 - rule.value) ** count
        elif rule.effect == "score":
            base[rule.target] = max(base.get(rule.target, 0.0), rule.value)
        verdict.fired.setdefault(rule.target, []).append(rule)
    for target, left in remaining.items():
        base[target] = max(base.get(target, 0.0), 1.0 - left)
    for target, value in base.items():
        verdict.scores[target] = _adjust(value, verdict.fired[target]) if value > 0 else 0.0
    return verdict


def crisis_rule(reading: Reading) -> Rule | None:
    """The crisis rule `judge` would report, without scoring any category: a message read
    joined with the one before it asks only this, on most turns."""
    crises = (r for r in reading.rules() if r.effect == "crisis")
    return next((r for r in crises if reading.holds(r.when)), None)


def _first(verdict: Verdict, rule: Rule, reading: Reading) -> None:
    if getattr(verdict, rule.effect) is None and reading.holds(rule.when):
        setattr(verdict, rule.effect, rule)


def _count_hits(reading: Reading, rule: Rule, taken: list[tuple[int, int]]) -> int:
    """Matches of the rule's signal not overlapping an earlier, heavier one, up to its limit."""
    count = 0
    for found in reading.matches(rule.signal or ""):
        if count == rule.max_hits:
            break
        if any(found.start() < end and start < found.end() for start, end in taken):
            continue
        taken.append(found.span())
        count += 1
    return count


def _adjust(value: float, fired: list[Rule]) -> float:
    caps = [r.value for r in fired if r.effect == "cap"]
    for rule in fired:
        if rule.effect == "scale":
            value *= rule.value
    return min([value, *caps])
