"""The transparency figures derived from `projections.audit.stats`' counts.

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

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Stats:
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
        )
