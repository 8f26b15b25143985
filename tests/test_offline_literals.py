"""The strings a signal cannot match without, and the scan that finds them in a message.

The offline engine skips a signal's search when the message holds none of the signal's
strings, so those strings must be in every match of its pattern (else a decision would
change), and the scan must report exactly the strings a text holds.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.offline.literals import LiteralScan, alternatives, required
from adapters.offline.rulebook import load

SMALL = [
    (r"bomb", {"bomb"}),
    (r"\bkill(?:ing|s)?\b", {"kill", "killing", "kills"}),
    (r"organi[sz]e", {"organise", "organize"}),
    (r"scum(?:bag)?", {"scum", "scumbag"}),
    (r"(?:a|an)\s+pipe\s+bomb", {"pipe"}),
    (r"how\s+to\s+make|recipe\s+for", {"make", "recipe"}),
    (r"[^a]bomb(?=s)", {"bomb"}),
    (r"(?:ha){2}", {"haha"}),
    (r"(?<!not\ )sarin", {"sarin"}),
    (r"x{2,}yz", {"yz"}),
]
NONE_KNOWN = [
    r"\w+",  # any word
    r"(?:bomb)?",  # may match nothing
    r"(?i)bomb",  # the text's case would matter
    r"(?i:bomb)",
    r"bombs?|x",  # one alternative needs only one letter
    r"[a-z]{4}",
]


@pytest.mark.parametrize(("pattern", "strings"), SMALL)
def test_the_strings_a_pattern_cannot_match_without(pattern: str, strings: set[str]) -> None:
    assert required(pattern) == strings


@pytest.mark.parametrize("pattern", NONE_KNOWN)
def test_a_pattern_that_needs_no_telling_string_has_none(pattern: str) -> None:
    assert required(pattern) is None


_BOOK = load()
_SOURCES = [
    source for signal in (*_BOOK.signals.values(), _BOOK.scrub) for _, source in signal.sources
]
SHIPPED = sorted(
    {
        expression
        for source in _SOURCES
        for expression in (source, *alternatives(source))
        if required(expression) is not None
    }
)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_every_match_of_a_shipped_pattern_holds_one_of_its_strings(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(SHIPPED + [p for p, _ in SMALL]))
    pattern = re.compile(source, re.VERBOSE)
    match = pattern.search(data.draw(st.from_regex(pattern)))
    assert match is not None
    assert any(s in match.group() for s in required(source) or ()), (source, match.group())


@given(
    st.lists(st.text("abc ", min_size=1, max_size=4), min_size=1, max_size=12),
    st.text("abcd ", max_size=30),
)
def test_the_scan_finds_exactly_the_strings_a_text_holds(strings: list[str], text: str) -> None:
    scan = LiteralScan(strings)

    assert scan.present(text) == {s for s in strings if s in text}


def test_a_scan_of_nothing_finds_nothing() -> None:
    assert LiteralScan([]).present("any text") == set()


SPLITS = [
    ("bomb", ["bomb"]),
    ("a|b(?:c|d)|e", ["a", "b(?:c|d)", "e"]),
    (r"[|]x|\|y|z", ["[|]x", r"\|y", "z"]),
    ("[]|]a|[^]|]b|c", ["[]|]a", "[^]|]b", "c"]),
    ("a  # one | two\n| b", ["a  # one | two\n", " b"]),
    ("a(?#x|y)b|c", ["a(?#x|y)b", "c"]),
    ("(?<!x|y)a|", ["(?<!x|y)a", ""]),
]


@pytest.mark.parametrize(("pattern", "pieces"), SPLITS)
def test_a_pattern_parts_into_its_top_level_alternatives(pattern: str, pieces: list[str]) -> None:
    assert alternatives(pattern) == pieces


@pytest.mark.parametrize("source", _SOURCES)
def test_every_shipped_pattern_is_its_alternatives_tried_in_order(source: str) -> None:
    pieces = alternatives(source)

    assert "|".join(pieces) == source
    whole = re.compile(source, re.VERBOSE)
    wrapped = re.compile("|".join(f"(?:{p})" for p in pieces), re.VERBOSE)
    assert whole.groups == wrapped.groups == sum(re.compile(p, re.VERBOSE).groups for p in pieces)
