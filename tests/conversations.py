"""A conversation assessed message by message, as the service assesses it: each message with
the ones before it and their assessments as context."""

from __future__ import annotations

from adapters.offline_assessor import OfflineAssessor
from domain.assessment import Assessment, Category
from domain.ports import Assessor

OFFLINE = OfflineAssessor()


def last(*texts: str, assessor: Assessor = OFFLINE) -> Assessment:
    """The assessment of the last of `texts`, each assessed with the ones before as context."""
    context: list[tuple[str, Assessment]] = []
    for text in texts:
        context.append((text, assessor.assess(text, context)))
    return context[-1][1]


def eligible(assessment: Assessment) -> Category:
    """The category `assessment` lets climb the ladder (none below the eligible severity)."""
    enough = assessment.severity >= OFFLINE.book.settings["eligible"]
    return assessment.category if enough else Category.NONE
