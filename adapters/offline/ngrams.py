"""A second opinion on the harm category and on crisis: character n-grams weighed by linear models.

The rules recognise what they were written for; a message phrased in a way no rule
foresaw scores nothing. This model, trained on the development part of the corpus
(`lastresort train-ngrams`), reads the same cleaned text (`normalise`) as hashed
character n-grams inside word boundaries, so that it generalises over spelling, inflection
and language. Inference is plain Python over a small sparse weights file, so the default
install runs it; only training needs the `[semantic]` extra.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import mul, truediv
from pathlib import Path
from typing import Any

from adapters.offline.normalise import normalise

WEIGHTS_FILE = Path(__file__).resolve().parent / "model" / "ngrams.json.gz"
"""Where the trained weights ship inside the package."""
FORMAT = 2
"""The layout of the weights file; a loader refuses any other."""
HEADS = ("category", "crisis")
"""The models in the file, each over the same features: the harm category, and the crisis."""
BUCKETS = 2**18
"""Hashed feature space: n-grams share a bucket rather than needing a vocabulary."""
SIZES = (2, 3, 4, 5)
JOINED = 2
"""A crisis told in parts is read over the message and this many user messages before it."""


def features(*texts: str) -> dict[int, float]:
    """The L2-normalised, log-scaled counts of the hashed n-grams of the texts' cleaned forms,
    read as one (a message after the ones before it).

    Each word is padded with a space on both sides and cut into n-grams of every size in
    `SIZES`, so that an n-gram never spans two words but still marks where one starts or ends.
    """
    counts: Counter[int] = Counter()
    for text in texts:
        counts.update(_text_grams(text))
    scaled = list(map(_scaled, counts.values()))
    norm = math.sqrt(sum(map(mul, scaled, scaled))) or 1.0
    return dict(zip(counts, map(truediv, scaled, repeat(norm)), strict=True))


@functools.lru_cache(maxsize=256)
def _scaled(count: int) -> float:
    """The log-scaled weight of an n-gram seen `count` times, remembered: nearly every count
    is 1 or 2, and a text has a few hundred n-grams to scale."""
    return 1.0 + math.log(count)


@functools.lru_cache(maxsize=256)
def _text_grams(text: str) -> tuple[int, ...]:
    """Every n-gram bucket of one text, remembered: a message is read again with the next ones."""
    return tuple(chain.from_iterable(map(_grams, normalise(text).split())))


@functools.lru_cache(maxsize=2**16)
def _grams(word: str) -> tuple[int, ...]:
    """The buckets of one word's n-grams, remembered: words recur from message to message,
    and hashing every n-gram again was most of the cost of reading one."""
    padded = f" {word} "
    return tuple(
        zlib.crc32(padded[start : start + size].encode("utf-8")) % BUCKETS
        for size in SIZES
        for start in range(len(padded) - size + 1)
    )


def joined(before: Sequence[str], text: str) -> tuple[str, ...]:
    """`text` after the last `JOINED` messages of `before`: what `features` reads as one."""
    return (*before[-JOINED:], text)


@dataclass(frozen=True)
class Head:
    """A multinomial logistic regression: one intercept and sparse weights per class."""

    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    rows: dict[int, tuple[float, ...]]
    """Per bucket, its weight for every class in `classes` order; absent buckets weigh 0."""
    threshold: float
    """Least probability at which a class other than none is trusted (chosen on the
    development part)."""

    def probabilities(self, grams: dict[int, float]) -> dict[str, float]:
        """The model's probability of every class for the `features` of a text; they sum to 1.

        The rows the features meet are found once; each class's logit then adds their
        weights in the features' order, so every sum is the one a bucket-by-bucket pass makes.
        """
        rows = self.rows
        found = [(rows[bucket], value) for bucket, value in grams.items() if bucket in rows]
        logits = []
        for k, logit in enumerate(self.intercepts):
            for row, value in found:
                logit += row[k] * value
            logits.append(logit)
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def sure(self, grams: dict[int, float]) -> tuple[str, float] | None:
        """The likeliest class other than none and its probability, if it reaches the
        threshold; the features are computed once for both heads."""
        probabilities = self.probabilities(grams)
        best = max(probabilities, key=lambda c: probabilities[c])
        if best == "none" or probabilities[best] < self.threshold:
            return None
        return best, probabilities[best]


@dataclass(frozen=True)
class Weights:
    """The shipped heads and the version of the file they came from."""

    category: Head
    crisis: Head
    version: str
    """Short fingerprint of the file's content, recorded in the assessor's name."""


def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    """The weights in `path`; their version is the first 12 hex digits of its SHA-256."""
    raw = path.read_bytes()
    data = json.loads(gzip.decompress(raw))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: weights format {data.get('format')!r}, expected {FORMAT}")
    if data["buckets"] != BUCKETS or tuple(data["sizes"]) != SIZES:
        raise ValueError(f"{path}: trained with other features than this code computes")
    heads = data["heads"]
    if set(heads) != set(HEADS):
        raise ValueError(f"{path}: heads {sorted(heads)}, expected {list(HEADS)}")
    return Weights(
        category=_head(heads["category"], path),
        crisis=_head(heads["crisis"], path),
        version=hashlib.sha256(raw).hexdigest()[:12],
    )


def _head(data: dict[str, Any], path: Path) -> Head:
    classes = tuple(data["classes"])
    rows = {int(b): tuple(w) for b, w in data["rows"].items()}
    if any(len(w) != len(classes) for w in rows.values()):
        raise ValueError(f"{path}: a weight row does not have one weight per class")
    return Head(classes, tuple(data["intercepts"]), rows, float(data["threshold"]))


def dump_weights(path: Path, heads: dict[str, dict[str, Any]], trained_on: str) -> None:
    """Write weights as `load_weights` reads them, byte-for-byte the same for the same input
    (sorted keys, no timestamp in the gzip header) so that the version is reproducible.
    Each head is its classes, intercepts, threshold and rows (bucket → one weight per class)."""
    data = {
        "format": FORMAT,
        "buckets": BUCKETS,
        "sizes": list(SIZES),
        "trained_on": trained_on,
        "heads": {
            name: {**head, "rows": {str(b): head["rows"][b] for b in sorted(head["rows"])}}
            for name, head in heads.items()
        },
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
