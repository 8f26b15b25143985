"""The written definition of a crisis and its worked examples, held together.

`domain/crisis.py` is the one source: these tests keep its examples covering every
boundary the definition draws, in every language the service is tested in.
"""

from __future__ import annotations

from typing import get_args

from domain.assessment import Category, Crisis
from domain.crisis import CRISIS_DEFINITION, WORKED_EXAMPLES, Language


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
