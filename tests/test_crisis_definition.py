"""The written definition of a crisis and its worked examples, held together.

`domain/crisis.py` is the one source: these tests keep its examples covering every
boundary the definition draws, in every language the service is tested in, and keep the
rules page for users (`docs/rules.md`) saying the same thing.
"""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from domain.assessment import Category, Crisis
from domain.crisis import CRISIS_DEFINITION, WORKED_EXAMPLES, Language

RULES = Path(__file__).parents[1] / "docs" / "rules.md"
SECTION = "### What counts as a crisis"


def test_every_language_has_a_crisis_and_a_non_crisis() -> None:
    for language in get_args(Language):
        signals = {e.crisis is not Crisis.NONE for e in WORKED_EXAMPLES if e.language == language}
        assert signals == {True, False}, language


def test_the_examples_cover_both_sides_of_every_boundary() -> None:
    pairs = {(e.category, e.crisis) for e in WORKED_EXAMPLES}
    # capability requests with no crisis, in both harm categories the definition names
    assert (Category.MASS_CASUALTY_VIOLENCE, Crisis.NONE) in pairs
    assert (Category.CBRN_WEAPONS, Crisis.NONE) in pairs
    # imminent risks with no harm request, to others and to the user themself
    assert (Category.NONE, Crisis.HARM_TO_OTHERS) in pairs
    assert (Category.NONE, Crisis.SELF_HARM) in pairs
    # discussion, history, news or fiction: neither
    assert (Category.NONE, Crisis.NONE) in pairs


def test_the_definition_names_the_labels_an_assessor_records() -> None:
    named = {c for c in Category if str(c) in CRISIS_DEFINITION}
    assert named == {Category.MASS_CASUALTY_VIOLENCE, Category.CBRN_WEAPONS}
    assert all(str(c) in CRISIS_DEFINITION for c in Crisis if c is not Crisis.NONE)


def test_each_example_is_distinct_and_explained() -> None:
    texts = [e.text for e in WORKED_EXAMPLES]
    assert len(set(texts)) == len(texts)
    assert all(e.why.strip() and e.text.strip() for e in WORKED_EXAMPLES)


def _section() -> str:
    """The rules page's crisis section, up to the next numbered rule."""
    rules = RULES.read_text()
    start = rules.index(SECTION)
    return rules[start : rules.index("\n## ", start)]


def _plain(markdown: str) -> str:
    """Text as it reads: code marks dropped and every run of whitespace one space."""
    return " ".join(markdown.replace("`", "").split())


def test_the_rules_page_states_the_definition_word_for_word() -> None:
    assert _plain(CRISIS_DEFINITION) in _plain(_section())


def test_the_rules_page_lists_exactly_the_worked_examples() -> None:
    rows = [
        tuple(_plain(cell) for cell in line.strip().strip("|").split("|"))
        for line in _section().splitlines()
        if line.startswith("| ") and not line.startswith("| Message |")
    ]
    assert rows == [
        (e.text, e.language, str(e.category), str(e.crisis), e.why) for e in WORKED_EXAMPLES
    ]
