"""Train the n-gram second opinion (`adapters/offline/ngrams.py`) on the development part.

Only `corpus/dev.jsonl` is read: the held-out part stays unseen, so measuring on it says
how the model generalises. Needs the `[semantic]` extra (scikit-learn); the weights it
writes are read by plain Python.

The model learns the harm category of stand-alone messages (follow-ups are left out: "do it"
is harmful only because of what came before, which the rules' context reading handles).
Its confidence threshold is chosen by cross-validation on the same part: every development
message gets a probability from a model that did not see it, and the threshold is the
least on a grid that no legitimate (benign or controversial) message, nor any message of
its context, reaches. So on development the second opinion never fills in a category for a
legitimate conversation, which keeps its false endings at zero there by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adapters.offline.ngrams import BUCKETS, WEIGHTS_FILE, dump_weights, features
from domain.assessment import Category
from tools.corpus import LEGITIMATE_KINDS, Item, Part, load

STRENGTHS = (1.0, 10.0, 100.0)
"""Inverse regularisation strengths tried; cross-validation picks one."""
FOLDS = 5
THRESHOLDS = tuple(round(0.5 + 0.025 * k, 3) for k in range(20))
"""Candidate thresholds, 0.5 to 0.975."""
KEEP = 0.01
"""A bucket whose largest weight is below this is dropped from the file (size, not accuracy)."""
DIGITS = 4
SEED = 13


@dataclass(frozen=True)
class Training:
    """What training chose and how it did under cross-validation on development."""

    strength: float
    threshold: float
    caught: int
    """Harmful development messages the held-back model places in their category at the
    threshold."""
    harmful: int
    buckets: int


def _matrix(texts: Sequence[str]) -> Any:
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        for bucket, value in features(text).items():
            rows.append(row)
            cols.append(bucket)
            values.append(value)
    return csr_matrix((values, (rows, cols)), shape=(len(texts), BUCKETS))


def _fit(x: Any, y: Sequence[str], strength: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=strength, max_iter=2000).fit(x, y)


def _trained_on(item: Item) -> bool:
    return not item.context


def _harm_probability(model: Any, x: Any) -> list[float]:
    """Per row, the largest probability of any harm category."""
    harm = [k for k, c in enumerate(model.classes_) if c != Category.NONE.value]
    return [max(p[k] for k in harm) for p in model.predict_proba(x)]


def train(folder: Path, out: Path = WEIGHTS_FILE) -> Training:
    """Fit on the development part of `folder`, choose strength and threshold by
    cross-validation there, and write the weights to `out`."""
    from sklearn.model_selection import StratifiedKFold

    items = load(folder, Part.DEV)
    taught = [i for i in items if _trained_on(i)]
    labels = [i.category.value for i in taught]
    x = _matrix([i.text for i in taught])
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(x, labels))
    best: Training | None = None
    for strength in STRENGTHS:
        choice = _cross_validate(items, taught, labels, folds, strength)
        if best is None or choice.caught > best.caught:
            best = choice
    assert best is not None
    model = _fit(x, labels, best.strength)
    rows: dict[int, list[float]] = {}
    for bucket in set(x.indices.tolist()):
        weights = [round(float(w), DIGITS) for w in model.coef_[:, bucket]]
        if max(abs(w) for w in weights) >= KEEP:
            rows[bucket] = weights
    dump_weights(
        out,
        classes=[str(c) for c in model.classes_],
        intercepts=[round(float(b), DIGITS) for b in model.intercept_],
        rows=rows,
        threshold=best.threshold,
        trained_on=f"corpus/dev.jsonl ({len(taught)} stand-alone messages), C={best.strength}",
    )
    return Training(best.strength, best.threshold, best.caught, best.harmful, len(rows))


def _cross_validate(
    items: list[Item],
    taught: list[Item],
    labels: list[str],
    folds: list[tuple[Any, Any]],
    strength: float,
) -> Training:
    """The least safe threshold at `strength` and how many harmful messages it catches."""
    fold_of = {taught[k].id: n for n, (_, held) in enumerate(folds) for k in held}
    models = [
        _fit(_matrix([taught[k].text for k in kept]), [labels[k] for k in kept], strength)
        for kept, _ in folds
    ]
    # Items not trained on (with context) are scored by the model of the first fold.
    legitimate = [i for i in items if i.kind in LEGITIMATE_KINDS]
    risk = [
        max(_harm_probability(models[fold_of.get(i.id, 0)], _matrix([*i.context, i.text])))
        for i in legitimate
    ]
    threshold = next((t for t in THRESHOLDS if all(r < t for r in risk)), 1.0)
    harmful = [i for i in taught if i.category is not Category.NONE]
    caught = 0
    for n, model in enumerate(models):
        chosen = [i for i in harmful if fold_of[i.id] == n]
        if not chosen:
            continue
        column = {c: k for k, c in enumerate(model.classes_)}
        for item, p in zip(
            chosen, model.predict_proba(_matrix([i.text for i in chosen])), strict=True
        ):
            caught += int(p[column[item.category.value]] >= threshold)
    return Training(strength, threshold, caught, len(harmful), 0)
