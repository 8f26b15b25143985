"""The literal strings a regular expression cannot match without, and one scan for them all.

Most signals of a rulebook are absent from most messages, and searching for an absent one
costs a whole regular-expression search. A signal's expression usually cannot match unless
the text contains one of a few fixed strings ("bomb", "poison", "kill"): `required` reads
those from the parsed expression, `LiteralScan` finds every such string a text contains
in one pass, and a signal none of whose strings is present is known absent without its
search. The strings are necessary, never sufficient, so a present one still leads to the
real search and every decision stays what the search alone would make it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

Strings = set[str] | None
"""A set of strings, or None when no finite, small set describes the part."""

_MAX_STRINGS = 64  # beyond this many spellings a part stops being spelled out
_ZERO_WIDTH = frozenset({sre.AT, sre.ASSERT, sre.ASSERT_NOT})
_REPEATS = frozenset({sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT})


@functools.cache  # rule sets reloaded in one process share their expressions
def required(pattern: str, flags: int = re.VERBOSE) -> frozenset[str] | None:
    """Strings of which every match of `pattern` contains at least one; None when there is
    no such set, or only one with a single character (found in nearly every text, it would
    rule out nothing)."""
    parsed = sre_parse.parse(pattern, flags)
    if parsed.state.flags & re.IGNORECASE:
        return None
    needed = _sequence(parsed.data)[1]
    return None if not needed or min(map(len, needed)) < 2 else frozenset(needed)


def alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a verbose `pattern`, as written: joined with "|" they
    are `pattern` again. A "|" inside a group, a character class, a comment or after a
    backslash parts nothing."""
    pieces: list[str] = []
    start = depth = i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1  # the escaped character is never a separator
        elif char == "[":
            i = _class_end(pattern, i)
        elif char == "#":
            end = pattern.find("\n", i)
            i = len(pattern) if end < 0 else end
        elif pattern.startswith("(?#", i):
            i = pattern.index(")", i)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            pieces.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*pieces, pattern[start:]]


def _class_end(pattern: str, start: int) -> int:
    """Where the character class opening at `start` closes. A "]" first in the class (after
    any "^"), an escaped "]" and a "[" inside it are characters of the class, not its end."""
    i = start + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def _product(left: Strings, right: Strings) -> Strings:
    if left is None or right is None or len(left) * len(right) > _MAX_STRINGS:
        return None
    joined = {a + b for a in left for b in right}
    return joined if len(joined) <= _MAX_STRINGS else None


def _most_telling(candidates: Iterable[Strings]) -> Strings:
    """Of several sets each of which is necessary, the one whose shortest string is longest
    (a longer string is rarer), the smaller set on a tie."""
    usable = [c for c in candidates if c and "" not in c]
    return max(usable, key=lambda c: (min(map(len, c)), -len(c)), default=None)


def _sequence(items: Sequence[tuple[Any, Any]]) -> tuple[Strings, Strings]:
    """(every string the sequence matches, if few; strings one of which every match holds).

    Consecutive parts with few spellings are joined into longer strings ("organi[sz]e":
    "organise", "organize"); any part's own necessary strings are necessary for the whole.
    """
    exact: Strings = {""}
    run: set[str] = {""}
    candidates: list[Strings] = []
    for spelled, needed in _parts(items):
        exact = _product(exact, spelled)
        longer = _product(run, spelled)
        if longer is not None:
            run = longer
            continue
        candidates.append(run)
        run = spelled if spelled is not None else {""}
        candidates.append(needed)
    candidates.append(run)
    if exact is not None and "" not in exact:
        return exact, exact
    return exact, _most_telling(candidates)


def _parts(items: Sequence[tuple[Any, Any]]) -> Iterator[tuple[Strings, Strings]]:
    """Each part of a sequence as (its spellings, its necessary strings), a run of plain
    characters as one string."""
    chars: list[str] = []
    for op, value in items:
        if op is sre.LITERAL:
            chars.append(chr(value))
            continue
        if chars:
            yield {"".join(chars)}, {"".join(chars)}
            chars = []
        yield _part(op, value)
    if chars:
        yield {"".join(chars)}, {"".join(chars)}


def _part(op: Any, value: Any) -> tuple[Strings, Strings]:
    if op in _ZERO_WIDTH:
        return {""}, None  # consumes nothing, so the match's strings are the rest's
    if op is sre.IN:
        chars = {chr(v) for o, v in value if o is sre.LITERAL}
        return (chars, chars) if len(chars) == len(value) else (None, None)
    if op is sre.SUBPATTERN:
        _, add_flags, _, inner = value
        return (None, None) if add_flags & re.IGNORECASE else _sequence(inner.data)
    if op is sre.ATOMIC_GROUP:
        return _sequence(value.data)
    if op is sre.BRANCH:
        return _branch([_sequence(alternative.data) for alternative in value[1]])
    if op in _REPEATS:
        return _repeat(*value)
    return None, None  # any character, a class, a back-reference: no strings to tell


def _branch(alternatives: list[tuple[Strings, Strings]]) -> tuple[Strings, Strings]:
    spelled = [s for s, _ in alternatives]
    needed = [n for _, n in alternatives]
    exact = None if None in spelled else set().union(*spelled)  # type: ignore[arg-type]
    if exact is not None and len(exact) > _MAX_STRINGS:
        exact = None
    return exact, None if None in needed else set().union(*needed)  # type: ignore[arg-type]


def _repeat(low: int, high: int, inner: Any) -> tuple[Strings, Strings]:
    spelled, needed = _sequence(inner.data)
    if low == 0:
        optional = None if spelled is None or high != 1 else spelled | {""}
        return optional, None
    if low == high:
        exact: Strings = {""}
        for _ in range(low):
            exact = _product(exact, spelled)
        return exact, exact if exact is not None else needed
    return None, needed


class LiteralScan:
    """Finds, in one pass over a text, which of a fixed collection of strings it contains.

    The strings become one expression shaped as a trie, tried at every position of the
    text; at each position it takes the longest string that starts there, and every shorter
    one of the collection that starts there is a prefix of it.
    """

    def __init__(self, strings: Iterable[str]) -> None:
        ordered = sorted(set(strings))
        known = set(ordered)
        self._prefixes = {
            s: tuple(s[:end] for end in range(1, len(s) + 1) if s[:end] in known) for s in ordered
        }
        self._scan = re.compile(f"(?=({_trie(ordered)}))", re.DOTALL) if ordered else None

    def present(self, text: str) -> set[str]:
        """Every string of the collection that `text` contains. The longest strings found are
        collected by the expression itself and each is looked up once: a text holds the same
        few many times over."""
        if self._scan is None:
            return set()
        prefixes = self._prefixes
        return {s for longest in set(self._scan.findall(text)) for s in prefixes[longest]}


def _trie(strings: Sequence[str]) -> str:
    """An expression matching the longest of `strings` (sorted) that starts at a position."""
    if strings == [""]:
        return ""
    branches = []
    for char in dict.fromkeys(s[0] for s in strings if s):
        rest = [s[1:] for s in strings if s.startswith(char)]
        branches.append(re.escape(char) + _trie(rest))
    if "" in strings:
        branches.append("")  # ending here is the shortest choice, so it is tried last
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
