"""The offline assessor's rules, loaded from the versioned TOML files beside this module.

Rules are data so that a reviewer can read, diff and extend them (a new language is a new
key on a signal, not new code) and so that the recorded assessor name can say exactly which
rule set decided: `offline-rules-<version>-<fingerprint>`, where the fingerprint covers the
parsed rules (comments and layout do not count) and the code that applies them.

Vocabulary of the files:
- `[fragments]`: pieces of regular expression shared by signals, referenced as `{name}`;
- `[signal.<id>]`: a regular expression per language (`en`, `es`, `fr`, `de`, `pt`, ...),
  matched against the normalised text; a language's file adds its key to a signal that a
  concern's file defines; options `view = "plain"` (before idioms are scrubbed),
  `mask` (blank another signal's matches first), `within` (search only inside another
  signal's match), `count` (how many matches it takes);
- `[words.<id>]`: a message made only of lexicon words (`only`), holding one of `needs`,
  of at most `max_words` words, or equal to one of the `exact` phrases;
- `[lexicon.<id>]`: word lists per language;
- `[[derive]]`: a signal that holds when a condition on other signals does;
- `[[rule]]`: a condition with one effect on a category (`score`, `cap`, `scale`, or `hit`:
  a weight per match of `signal`), or naming a `crisis` or an `intent`; each has a stable id
  that the rationale cites.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.fingerprint import source_fingerprint
from adapters.offline.literals import LiteralScan, alternatives, required

RULES_DIR = Path(__file__).with_name("rules")
_REFERENCE = re.compile(r"\{([a-z_]+)\}")
_EFFECTS = ("score", "cap", "scale", "hit")


@dataclass(frozen=True)
class Condition:
    """All of `all`, at least one of `any` (when given), none of `none`, and the signals of
    `before` in that order. Signals are tried in the order written: rarest first is cheapest."""

    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    before: tuple[str, ...] = ()

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> Condition:
        return cls(*(tuple(raw.get(k, ())) for k in ("all", "any", "none", "before")))

    def names(self) -> frozenset[str]:
        return frozenset(self.all + self.any + self.none + self.before)


@dataclass(frozen=True)
class Signal:
    """A regular expression, or a whole-message word test, that marks one feature of a text."""

    id: str
    sources: tuple[tuple[str, str], ...] = ()  # (language, pattern); none for a word test
    view: str = "scrubbed"
    mask: str | None = None
    within: str | None = None
    count: int = 1
    only: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    exact: frozenset[str] = frozenset()
    max_words: int = 1000

    def pattern(self, languages: frozenset[str]) -> Compiled | None:
        """The signal's patterns for `languages` as one expression (None: none of them)."""
        chosen = [p for language, p in self.sources if language in languages]
        if not chosen:
            return None
        needed = [required(p) for p in chosen]
        needs = frozenset() if None in needed else frozenset(s for n in needed for s in n or ())
        expression = "|".join(f"(?:{p})" for p in chosen)
        pieces = [piece for p in chosen for piece in alternatives(p)]
        parts = tuple(Alternative(_checked(p), required(p) or frozenset()) for p in pieces)
        if len(parts) < 2 or not any(part.needs for part in parts):
            parts = ()  # no alternative can be left out
        return Compiled(re.compile(expression, re.VERBOSE), needs, parts)


@dataclass(frozen=True)
class Alternative:
    """One top-level alternative of a signal's expression, and the strings it cannot match
    without (none: no such strings)."""

    pattern: re.Pattern[str]
    needs: frozenset[str]


@dataclass(frozen=True)
class Compiled:
    """A signal's expression for a set of languages, the strings it cannot match without
    (none: no such strings), and its top-level alternatives in order (`parts`; none when
    there is only one, or none of them has such strings): a text that holds the strings of
    only a few of them is searched for those alone."""

    pattern: re.Pattern[str]
    needs: frozenset[str]
    parts: tuple[Alternative, ...]


@dataclass(frozen=True)
class Screen:
    """The signals searched straight in one view (`ids`), each of which has no pattern in
    the languages or strings it cannot match without, filed under each of those strings
    (`by_string`): a text lacks every signal none of its strings files."""

    ids: frozenset[str]
    by_string: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Patterns:
    """Every signal's expression for one set of languages (`of`) and, per view, the signals
    a text can be seen to lack without a search (`screened`). The rules that need a
    screened signal are filed under the first they need (`keyed`, by their place in the
    book), the others (`unkeyed`) are always tried: a message lacking a key skips its rules
    at once."""

    of: Mapping[str, Compiled | None]
    screened: Mapping[str, Screen]
    keyed: Mapping[str, tuple[int, ...]]
    unkeyed: tuple[int, ...]
    absent: Mapping[str, None]
    """Every screened signal of every view, each known absent until a text's strings file
    it: a reading copies this and takes out the few its text may hold, rather than
    building the long rest anew."""


@dataclass(frozen=True)
class Rule:
    """One stable, citable rule: when `when` holds, `effect` applies `value` to `target`."""

    id: str
    effect: str  # score | cap | scale | hit | crisis | intent
    target: str
    when: Condition
    value: float = 0.0
    signal: str | None = None
    max_hits: int = 2


@dataclass(frozen=True)
class Rulebook:
    version: str
    name: str
    signals: Mapping[str, Signal]
    derived: Mapping[str, tuple[Condition, ...]]
    rules: tuple[Rule, ...]
    scrub: Signal
    lexicons: Mapping[str, frozenset[str]]
    markers: Mapping[str, frozenset[str]]
    letters: Mapping[str, frozenset[str]]
    settings: Mapping[str, float] = field(default_factory=dict)
    _compiled: dict[frozenset[str], Patterns] = field(
        default_factory=dict, compare=False, repr=False
    )

    def patterns(self, languages: frozenset[str]) -> Patterns:
        """Every signal's pattern for `languages`, compiled once per set of languages."""
        if languages not in self._compiled:
            of = {s.id: s.pattern(languages) for s in (*self.signals.values(), self.scrub)}
            ids: dict[str, set[str]] = {}
            by_string: dict[str, dict[str, list[str]]] = {}
            for signal in self.signals.values():
                compiled = of[signal.id]
                direct = signal.sources and signal.mask is None and signal.within is None
                if direct and (compiled is None or compiled.needs):
                    ids.setdefault(signal.view, set()).add(signal.id)
                    filed = by_string.setdefault(signal.view, {})
                    for string in () if compiled is None else compiled.needs:
                        filed.setdefault(string, []).append(signal.id)
            screened = {
                view: Screen(
                    frozenset(ids[view]),
                    {string: tuple(s) for string, s in by_string[view].items()},
                )
                for view in ids
            }
            keyed: dict[str, list[int]] = {}
            unkeyed: list[int] = []
            every = {s for screen in screened.values() for s in screen.ids}
            for index, rule in enumerate(self.rules):
                key = next((name for name in rule.when.all if name in every), None)
                (unkeyed if key is None else keyed.setdefault(key, [])).append(index)
            self._compiled[languages] = Patterns(
                of,
                screened,
                {key: tuple(indexes) for key, indexes in keyed.items()},
                tuple(unkeyed),
                dict.fromkeys(every),
            )
        return self._compiled[languages]

    @functools.cached_property
    def literals(self) -> LiteralScan:
        """One scan for the strings any signal's pattern, or any of its alternatives, in any
        language, cannot match without."""
        sources = [p for signal in (*self.signals.values(), self.scrub) for _, p in signal.sources]
        expressions = [*sources, *(piece for p in sources for piece in alternatives(p))]
        return LiteralScan(s for p in expressions for s in required(p) or ())


def load(directory: Path = RULES_DIR) -> Rulebook:
    """Read `ruleset.toml` and the concern files it lists, checking every reference."""
    manifest = _read(directory / "ruleset.toml")
    files = [_read(directory / f"{name}.toml") for name in manifest["files"]]
    fragments = _merge(f.get("fragments", {}) for f in files)
    lexicons = {
        key: frozenset(w for words in by_language.values() for w in words)
        for key, by_language in _merge(f.get("lexicon", {}) for f in files).items()
    }
    signals = [
        _signal(key, raw, fragments)
        for key, raw in _merge(f.get("signal", {}) for f in files).items()
    ]
    signals += [
        _words(key, raw, lexicons) for key, raw in _merge(f.get("words", {}) for f in files).items()
    ]
    derived: dict[str, tuple[Condition, ...]] = {}
    for raw in (d for f in files for d in f.get("derive", ())):
        derived[raw["id"]] = (*derived.get(raw["id"], ()), Condition.parse(raw))
    rules = [_rule(r) for f in files for r in f.get("rule", ())]
    _check(signals, derived, rules)
    scrub = _signal("scrub", _merge(f.get("scrub", {}) for f in files), fragments)
    languages = _merge([manifest.get("language", {})] + [f.get("language", {}) for f in files])
    markers = {lang: frozenset(table["markers"]) for lang, table in languages.items()}
    letters = {lang: frozenset(table.get("letters", "")) for lang, table in languages.items()}
    digest = hashlib.sha256(json.dumps([manifest, files], sort_keys=True).encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source_fingerprint(module).encode())
    version = str(manifest["version"])
    return Rulebook(
        version=version,
        name=f"offline-rules-{version}-{digest.hexdigest()[:12]}",
        signals={s.id: s for s in signals},
        derived=derived,
        rules=tuple(rules),
        scrub=scrub,
        lexicons=lexicons,
        markers=markers,
        letters=letters,
        settings={k: float(v) for k, v in manifest.get("settings", {}).items()},
    )


def _read(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _merge(tables: Any) -> dict[str, Any]:
    """Tables of several files as one; a per-language entry may come from a language's file."""
    merged: dict[str, Any] = {}
    for table in tables:
        for key, value in table.items():
            known = merged.get(key)
            if isinstance(known, dict) and isinstance(value, dict) and not known.keys() & value:
                merged[key] = {**known, **value}
            elif key in merged:
                raise ValueError(f"defined twice: {key}")
            else:
                merged[key] = value
    return merged


def _expand(pattern: str, fragments: Mapping[str, str], depth: int = 0) -> str:
    if depth > 8:
        raise ValueError(f"fragments nest too deeply in {pattern[:40]!r}")
    return _REFERENCE.sub(
        lambda m: f"(?:{_expand(fragments[m.group(1)], fragments, depth + 1)})", pattern
    )


_OPTIONS = frozenset({"view", "mask", "within", "count"})  # every other key names a language


@functools.cache  # a pattern once compiled is known good: reloading a rule set is cheap
def _checked(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.VERBOSE)


def _signal(key: str, raw: Mapping[str, Any], fragments: Mapping[str, str]) -> Signal:
    sources = tuple(
        (language, _expand(pattern, fragments))
        for language, pattern in raw.items()
        if language not in _OPTIONS
    )
    for _, pattern in sources:
        _checked(pattern)  # a broken pattern fails at load
    return Signal(
        id=key,
        sources=sources,
        view=raw.get("view", "scrubbed"),
        mask=raw.get("mask"),
        within=raw.get("within"),
        count=int(raw.get("count", 1)),
    )


def _words(key: str, raw: Mapping[str, Any], lexicons: Mapping[str, frozenset[str]]) -> Signal:
    def union(names: Sequence[str]) -> frozenset[str]:
        return frozenset(w for name in names for w in lexicons[name])

    return Signal(
        id=key,
        view=raw.get("view", "plain"),
        mask=raw.get("mask"),
        only=union(raw.get("only", ())),
        needs=union(raw.get("needs", ())),
        exact=union(raw.get("exact", ())),
        max_words=int(raw.get("max_words", 1000)),
    )


def _rule(raw: Mapping[str, Any]) -> Rule:
    when = Condition.parse(raw)
    if "crisis" in raw or "intent" in raw:
        effect = "crisis" if "crisis" in raw else "intent"
        return Rule(raw["id"], effect, raw[effect], when)
    effect = next(e for e in _EFFECTS if e in raw)
    return Rule(
        raw["id"],
        effect,
        raw["category"],
        when,
        float(raw[effect]),
        raw.get("signal"),
        int(raw.get("max_hits", 2)),
    )


def _check(
    signals: Sequence[Signal],
    derived: Mapping[str, tuple[Condition, ...]],
    rules: Sequence[Rule],
) -> None:
    """Fail at load, not at the first message, on a misspelt or duplicated name."""
    known = {s.id for s in signals} | derived.keys()
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise ValueError("rule ids must be unique")
    used = {n for conditions in derived.values() for c in conditions for n in c.names()} | {
        n for r in rules for n in r.when.names() | ({r.signal} if r.signal else set())
    }
    used |= {s.mask for s in signals if s.mask} | {s.within for s in signals if s.within}
    unknown = used - known
    if unknown:
        raise ValueError(f"unknown signals: {sorted(unknown)}")
