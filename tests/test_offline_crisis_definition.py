"""The offline assessor follows the written definition of a crisis (`domain/crisis.py`).

Each worked example says what a careful assessor records: an imminent, concrete risk or an
implicit sign of self-harm is a crisis; a request for the capability to harm many is a harm
request with no crisis, even with a stated wish, so that the ladder can climb.
"""

from __future__ import annotations

import pytest

from adapters.offline_assessor import OfflineAssessor
from domain.crisis import WORKED_EXAMPLES, CrisisExample

ASSESSOR = OfflineAssessor()


@pytest.mark.parametrize("example", WORKED_EXAMPLES, ids=lambda e: f"{e.language}:{e.text[:40]}")
def test_the_offline_assessor_follows_each_worked_example(example: CrisisExample) -> None:
    result = ASSESSOR.assess(example.text)

    assert (result.category, result.crisis) == (example.category, example.crisis), (
        example.why,
        result.rationale,
    )
