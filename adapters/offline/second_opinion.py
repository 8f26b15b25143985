"""The rules, with the n-gram model as a second opinion where they found nothing.

The rules decide. Only when they report no category, no crisis and no request about the
conversation itself, and the model is at least as sure as its threshold (chosen on the
development part so that no legitimate message reaches it), is the model's harm category
used, at the least severity that counts (`eligible` in the rule set), so that it can
climb the ladder but never outweigh anything the rules saw. The model has no crisis
class: it never creates a crisis, and it never overrides one, nor an end request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from adapters.offline.assessor import OfflineAssessor
from adapters.offline.ngrams import Weights, load_weights
from domain.assessment import Assessment, Category, Crisis, Intent
from domain.deadline import NO_DEADLINE, Deadline


class SecondOpinionAssessor:
    """`OfflineAssessor` filled in by the n-gram model; its name carries both versions."""

    def __init__(self, rules: OfflineAssessor | None = None, weights: Weights | None = None):
        self.rules = rules or OfflineAssessor()
        self.weights = weights or load_weights()
        self.name = f"{self.rules.name}+ngrams-{self.weights.version}"
        """Recorded with every assessment: new rules or new weights get a new name."""

    def warm_up(self) -> None:
        self.rules.warm_up()

    def assess(
        self,
        text: str,
        context: Sequence[tuple[str, Assessment]] = (),
        deadline: Deadline = NO_DEADLINE,
    ) -> Assessment:
        """The rules' assessment, with the model's category where the rules were silent."""
        found = self.rules.assess(text, context, deadline)
        silent = (
            found.category is Category.NONE
            and found.crisis is Crisis.NONE
            and found.intent is Intent.NONE
        )
        if not silent:
            return replace(found, assessor=self.name)
        probabilities = self.weights.probabilities(text)
        best = max(probabilities, key=lambda c: probabilities[c])
        if best == Category.NONE.value or probabilities[best] < self.weights.threshold:
            return replace(found, assessor=self.name)
        severity = float(self.rules.book.settings["eligible"])
        scores = dict(found.scores)
        scores[best] = max(scores.get(best, 0.0), severity)
        rationale = (
            f"{best} {severity:.2f}: second opinion ngrams-{self.weights.version} "
            f"(p={probabilities[best]:.2f}, rules silent); {found.rationale}"
        )
        return replace(
            found,
            category=Category(best),
            severity=severity,
            scores=scores,
            rationale=rationale,
            assessor=self.name,
        )
