"""A second opinion on the harm category: character n-grams weighed by a linear model.

The rules recognise what they were written for; a message phrased in a way no rule
foresaw scores nothing. This model, trained on the development part of the corpus
(`lastresort train-ngrams`), reads the same cleaned text (`normalise`) as hashed
character n-grams inside word boundaries, so that it generalises over spelling, inflection
and language. Inference is plain Python over a small sparse weights file, so the default
install runs it; only training needs the `[semantic]` extra.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from adapters.offline.normalise import normalise

WEIGHTS_FILE = Path(__file__).resolve().parent / "model" / "ngrams.json.gz"
"""Where the trained weights ship inside the package."""
FORMAT = 1
"""The layout of the weights file; a loader refuses any other."""
BUCKETS = 2**18
"""Hashed feature space: n-grams share a bucket rather than needing a vocabulary."""
SIZES = (2, 3, 4, 5)


def features(text: str) -> dict[int, float]:
    """The L2-normalised, log-scaled counts of the hashed n-grams of `text`'s cleaned form.

    Each word is padded with a space on both sides and cut into n-grams of every size in
    `SIZES`, so that an n-gram never spans two words but still marks where one starts or ends.
    """
    counts: Counter[int] = Counter()
    for word in normalise(text).split():
        padded = f" {word} "
        for size in SIZES:
            for start in range(len(padded) - size + 1):
                gram = padded[start : start + size]
                counts[zlib.crc32(gram.encode("utf-8")) % BUCKETS] += 1
    scaled = {bucket: 1.0 + math.log(count) for bucket, count in counts.items()}
    norm = math.sqrt(sum(v * v for v in scaled.values())) or 1.0
    return {bucket: v / norm for bucket, v in scaled.items()}


@dataclass(frozen=True)
class Weights:
    """A multinomial logistic regression: one intercept and sparse weights per class."""

    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    rows: dict[int, tuple[float, ...]]
    """Per bucket, its weight for every class in `classes` order; absent buckets weigh 0."""
    threshold: float
    """Least probability at which a harm category is trusted (chosen on the development part)."""
    version: str
    """Short fingerprint of the file's content, recorded in the assessor's name."""

    def probabilities(self, text: str) -> dict[str, float]:
        """The model's probability of every class for `text`; they sum to 1."""
        logits = list(self.intercepts)
        for bucket, value in features(text).items():
            row = self.rows.get(bucket)
            if row is not None:
                for k, weight in enumerate(row):
                    logits[k] += weight * value
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}


def load_weights(path: Path = WEIGHTS_FILE) -> Weights:
    """The weights in `path`; their version is the first 12 hex digits of its SHA-256."""
    raw = path.read_bytes()
    data = json.loads(gzip.decompress(raw))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path}: weights format {data.get('format')!r}, expected {FORMAT}")
    if data["buckets"] != BUCKETS or tuple(data["sizes"]) != SIZES:
        raise ValueError(f"{path}: trained with other features than this code computes")
    classes = tuple(data["classes"])
    rows = {int(b): tuple(w) for b, w in data["rows"].items()}
    if any(len(w) != len(classes) for w in rows.values()):
        raise ValueError(f"{path}: a weight row does not have one weight per class")
    return Weights(
        classes=classes,
        intercepts=tuple(data["intercepts"]),
        rows=rows,
        threshold=float(data["threshold"]),
        version=hashlib.sha256(raw).hexdigest()[:12],
    )


def dump_weights(
    path: Path,
    classes: list[str],
    intercepts: list[float],
    rows: dict[int, list[float]],
    threshold: float,
    trained_on: str,
) -> None:
    """Write weights as `load_weights` reads them, byte-for-byte the same for the same input
    (sorted keys, no timestamp in the gzip header) so that the version is reproducible."""
    data = {
        "format": FORMAT,
        "buckets": BUCKETS,
        "sizes": list(SIZES),
        "trained_on": trained_on,
        "classes": classes,
        "intercepts": intercepts,
        "threshold": threshold,
        "rows": {str(b): rows[b] for b in sorted(rows)},
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
