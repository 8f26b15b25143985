"""The transparency figures derived from `projections.audit.stats`' counts, and for
reviewers from `projections.reviews.review_stats`'.

The audit's statistics page and GraphQL's `stats` both show these, computed here once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Bucket:
    key: str
    endings: int


@dataclass(frozen=True)
class Day:
    day: date
    conversations: int
    endings: int


@dataclass(frozen=True)
class ReviewBucket:
    """Reviewed endings under one key (a policy version, a category, a model)."""

    key: str
    reviewed: int
    overturned: int
    overturned_share: float


@dataclass(frozen=True)
class ReviewFigures:
    """Endings made in the period whose review reached a verdict (the latest one counts):
    the overturned share is the measured false-ending rate."""

    reviewed: int
    overturned: int
    overturned_share: float | None
    by_policy_version: list[ReviewBucket]
    by_category: list[ReviewBucket]
    by_model: list[ReviewBucket]

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> ReviewFigures:
        """From `projections.reviews.review_stats` (buckets as `[key, reviewed, overturned]`)."""

        def buckets(column: str) -> list[ReviewBucket]:
            return [ReviewBucket(k, n, o, o / n) for k, n, o in row[column]]

        reviewed, overturned = row["reviewed"], row["overturned"]
        return cls(
            reviewed=reviewed,
            overturned=overturned,
            overturned_share=overturned / reviewed if reviewed else None,
            by_policy_version=buckets("by_policy_version"),
            by_category=buckets("by_category"),
            by_model=buckets("by_model"),
        )


@dataclass(frozen=True)
class Stats:
    """Over conversations started and endings made in [since, until) (UTC days)."""

    conversations: int
    endings: int
    endings_per_thousand: float | None
    negative_feedback_share: float | None
    by_reason: list[Bucket]
    by_category: list[Bucket]
    by_model: list[Bucket]
    by_policy_version: list[Bucket]
    per_day: list[Day]
    reviews: ReviewFigures | None = None
    """For reviewers only: what the review of contested endings found."""

    @classmethod
    def of(cls, row: Mapping[str, Any], reviews: Mapping[str, Any] | None = None) -> Stats:
        conversations, endings = row["conversations"], row["endings"]

        def buckets(column: str) -> list[Bucket]:
            return [Bucket(key=k, endings=n) for k, n in sorted(row[column].items())]

        return cls(
            conversations=conversations,
            endings=endings,
            endings_per_thousand=1000 * endings / conversations if conversations else None,
            negative_feedback_share=row["negative"] / endings if endings else None,
            by_reason=buckets("by_reason"),
            by_category=buckets("by_category"),
            by_model=buckets("by_model"),
            by_policy_version=buckets("by_policy_version"),
            per_day=[
                Day(day=date.fromisoformat(d), conversations=c, endings=e)
                for d, c, e in row["per_day"]
            ],
            reviews=None if reviews is None else ReviewFigures.of(reviews),
        )
