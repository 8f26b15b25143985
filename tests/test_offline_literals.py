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

from adapters.offline.literals import LiteralScan, required
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
SHIPPED = sorted(
    {
        source
        for signal in (*_BOOK.signals.values(), _BOOK.scrub)
        for _, source in signal.sources
        if required(source) is not None
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
