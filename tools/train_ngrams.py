"""Train the n-gram second opinion (`adapters/offline/ngrams.py`) on the development part.

Only `corpus/dev.jsonl` is read: the held-out part stays unseen, so measuring on it says
how the model generalises. Needs the `[semantic]` extra (scikit-learn); the weights it
writes are read by plain Python.

Two heads are learnt. The harm category from stand-alone messages (follow-ups are left out:
"do it" is harmful only because of what came before, which the rules' context reading
handles); the crisis from every message, a follow-up read after the messages before it,
since a crisis told in parts is in none of them alone. Their confidence thresholds are
chosen by cross-validation on the same part: every development message gets a probability
from a model that did not see it.
- The category threshold is the least on a grid that no legitimate (benign or controversial)
  message, nor any message of its context, reaches. So on development the second opinion
  never fills in a category for a legitimate conversation, which keeps its false endings at
  zero there by construction.
- The crisis threshold is the least on the grid that at most `CRISIS_FALSE_SHARE` of the
  messages not in crisis reach, alone or read with the messages before them. A missed crisis
  costs more than support offered once too often, but a crisis also holds the ladder still,
  so the share is kept small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from adapters.offline.ngrams import BUCKETS, WEIGHTS_FILE, dump_weights, features, joined
from domain.assessment import Category
from tools.corpus import LEGITIMATE_KINDS, Item, Part, load

STRENGTHS = (1.0, 10.0, 100.0)
"""Inverse regularisation strengths tried; cross-validation picks one."""
FOLDS = 5
THRESHOLDS = tuple(round(0.5 + 0.025 * k, 3) for k in range(20))
"""Candidate thresholds, 0.5 to 0.975."""
CRISIS_FALSE_SHARE = 0.002
"""At most this share (1 in 500) of development messages not in crisis may reach the crisis
threshold: a false crisis holds the ladder still for the rest of the conversation."""
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
    crisis_threshold: float = 1.0
    crisis_caught: int = 0
    """Development messages in crisis the held-back crisis model recognises at its threshold."""
    crises: int = 0


def _matrix(texts: Sequence[str | tuple[str, ...]]) -> Any:
    """One row of features per text, or per tuple of texts read as one."""
    from scipy.sparse import csr_matrix

    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        grams = features(*text) if isinstance(text, tuple) else features(text)
        for bucket, value in grams.items():
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
    """Per row, the largest probability of any class but none (a harm category, a crisis)."""
    harm = [k for k, c in enumerate(model.classes_) if c != Category.NONE.value]
    return [max(p[k] for k in harm) for p in model.predict_proba(x)]


def _head(model: Any, x: Any, threshold: float) -> dict[str, Any]:
    """A fitted model as `dump_weights` writes a head (rows with a weight worth keeping)."""
    rows: dict[int, list[float]] = {}
    for bucket in set(x.indices.tolist()):
        weights = [round(float(w), DIGITS) for w in model.coef_[:, bucket]]
        if max(abs(w) for w in weights) >= KEEP:
            rows[bucket] = weights
    return {
        "classes": [str(c) for c in model.classes_],
        "intercepts": [round(float(b), DIGITS) for b in model.intercept_],
        "threshold": threshold,
        "rows": rows,
    }


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
    crisis_labels = [i.crisis.value for i in items]
    xc = _matrix([_read_on(i) for i in items])
    crisis_folds = list(
        StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(xc, crisis_labels)
    )
    crisis_threshold, crisis_caught, crises = _crisis_threshold(
        items, crisis_labels, crisis_folds, best.strength
    )
    heads = {
        "category": _head(_fit(x, labels, best.strength), x, best.threshold),
        "crisis": _head(_fit(xc, crisis_labels, best.strength), xc, crisis_threshold),
    }
    trained_on = (
        f"corpus/dev.jsonl: category on {len(taught)} stand-alone messages, crisis on all "
        f"{len(items)}; C={best.strength}"
    )
    dump_weights(out, heads, trained_on)
    buckets = len(set(heads["category"]["rows"]) | set(heads["crisis"]["rows"]))
    return replace(
        best,
        buckets=buckets,
        crisis_threshold=crisis_threshold,
        crisis_caught=crisis_caught,
        crises=crises,
    )


def _read_on(item: Item) -> tuple[str, ...]:
    """What the crisis head reads of an item: its text after the messages before it."""
    return joined(item.context, item.text)


def _held_back(
    taught: list[Item],
    labels: list[str],
    folds: list[tuple[Any, Any]],
    strength: float,
    read: Callable[[Item], str | tuple[str, ...]] = lambda item: item.text,
) -> tuple[dict[str, int], list[Any]]:
    """Per taught item the fold that holds it back, and one model per fold."""
    fold_of = {taught[k].id: n for n, (_, held) in enumerate(folds) for k in held}
    models = [
        _fit(_matrix([read(taught[k]) for k in kept]), [labels[k] for k in kept], strength)
        for kept, _ in folds
    ]
    return fold_of, models


def _crisis_threshold(
    items: list[Item], labels: list[str], folds: list[tuple[Any, Any]], strength: float
) -> tuple[float, int, int]:
    """The least threshold that at most `CRISIS_FALSE_SHARE` of the messages not in crisis
    reach (alone or read after their context) under a model that did not see them, and how
    many crises it then recognises."""
    fold_of, models = _held_back(items, labels, folds, strength, _read_on)

    def risk(item: Item) -> float:
        model = models[fold_of[item.id]]
        read: list[str | tuple[str, ...]] = [item.text]
        if item.context:
            read.append(_read_on(item))
        return max(_harm_probability(model, _matrix(read)))

    calm = [risk(i) for i in items if i.crisis.value == "none"]
    threshold = next(
        (t for t in THRESHOLDS if sum(r >= t for r in calm) <= CRISIS_FALSE_SHARE * len(calm)),
        1.0,
    )
    crises = [risk(i) for i in items if i.crisis.value != "none"]
    return threshold, sum(r >= threshold for r in crises), len(crises)


def _cross_validate(
    items: list[Item],
    taught: list[Item],
    labels: list[str],
    folds: list[tuple[Any, Any]],
    strength: float,
) -> Training:
    """The least safe threshold at `strength` and how many harmful messages it catches."""
    fold_of, models = _held_back(taught, labels, folds, strength)
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
