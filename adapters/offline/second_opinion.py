"""The rules, with the n-gram model as a second opinion where they found nothing.

The rules decide. Only when they report no category, no crisis and no request about the
conversation itself does the model speak, and only where it is at least as sure as a
threshold chosen on the development part:
- its harm category is used at the least severity that counts (`eligible` in the rule set),
  so that it can climb the ladder but never outweigh anything the rules saw (the threshold
  is one that no legitimate development message reaches);
- failing that, its crisis is used, read from the message alone or after the user's messages
  before it, so that a crisis in words no rule foresaw still gets support and holds the
  ladder still. The model never overrides a crisis, a category or an end request the rules
  found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from adapters.offline.assessor import OfflineAssessor
from adapters.offline.ngrams import Weights, features, joined, load_weights
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
        """The rules' assessment, with the model's category or crisis where the rules were
        silent."""
        found = replace(self.rules.assess(text, context, deadline), assessor=self.name)
        silent = (
            found.category is Category.NONE
            and found.crisis is Crisis.NONE
            and found.intent is Intent.NONE
        )
        if not silent:
            return found
        grams = features(text)
        category = self.weights.category.sure(grams)
        if category is not None:
            return self._with_category(found, *category)
        crisis = self.weights.crisis.sure(grams)
        if crisis is None and context:
            crisis = self.weights.crisis.sure(features(*joined([t for t, _ in context], text)))
        if crisis is not None:
            return self._with_crisis(found, *crisis)
        return found

    def _with_category(self, found: Assessment, best: str, p: float) -> Assessment:
        severity = float(self.rules.book.settings["eligible"])
        scores = dict(found.scores)
        scores[best] = max(scores.get(best, 0.0), severity)
        rationale = (
            f"{best} {severity:.2f}: second opinion ngrams-{self.weights.version} "
            f"(p={p:.2f}, rules silent); {found.rationale}"
        )
        return replace(
            found, category=Category(best), severity=severity, scores=scores, rationale=rationale
        )

    def _with_crisis(self, found: Assessment, crisis: str, p: float) -> Assessment:
        rationale = (
            f"{found.rationale}; crisis {crisis}: second opinion "
            f"ngrams-{self.weights.version} (p={p:.2f}, rules silent)"
        )
        return replace(found, crisis=Crisis(crisis), rationale=rationale)
