"""A shadowed version's report: what it would have done to the conversations it shadowed,
against what the live policy did, from the `shadows` read model's summary.

The audit page `/audit/shadow/{version}`, `lastresort policy report` (Markdown or JSON)
and its tests all read this one structure, so they cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.replay import ShadowChange
from reports.markdown import render


@dataclass(frozen=True)
class ShadowReport:
    version: str
    conversations: int
    turns: int
    divergent_turns: int
    divergent_conversations: int
    changes: dict[str, int]
    by_category: dict[str, dict[str, int]]
    by_model: dict[str, dict[str, int]]
    examples: dict[str, list[dict[str, Any]]]

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> ShadowReport:
        """From `projections.shadows.shadow_report`'s row."""
        changes: Counter[str] = Counter()
        by_category: dict[str, Counter[str]] = {}
        by_model: dict[str, Counter[str]] = {}
        for outcome in row["outcomes"]:
            change, n = outcome["change"], outcome["conversations"]
            changes[change] += n
            by_category.setdefault(outcome["category"], Counter())[change] += n
            by_model.setdefault(outcome["model"], Counter())[change] += n
        examples: dict[str, list[dict[str, Any]]] = {}
        for example in row["examples"]:
            examples.setdefault(example["change"], []).append(_example(example))
        return cls(
            version=row["version"],
            conversations=row["conversations"],
            turns=row["turns"],
            divergent_turns=row["divergent_turns"],
            divergent_conversations=row["divergent_conversations"],
            changes={str(c): changes[str(c)] for c in ShadowChange},
            by_category=_plain(by_category),
            by_model=_plain(by_model),
            examples={str(c): examples[str(c)] for c in ShadowChange if str(c) in examples},
        )

    @property
    def labels(self) -> dict[str, str]:
        return {str(c): c.label for c in ShadowChange}

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "conversations": self.conversations,
            "turns": self.turns,
            "divergent_turns": self.divergent_turns,
            "divergent_conversations": self.divergent_conversations,
            "changes": self.changes,
            "by_category": self.by_category,
            "by_model": self.by_model,
            "examples": self.examples,
        }

    def to_markdown(self) -> str:
        return render("shadow.md", report=self, kinds=[str(c) for c in ShadowChange])


def _decision(row: Mapping[str, Any], whose: str) -> dict[str, Any]:
    return {
        "kind": row[f"{whose}_action"],
        "rule": row[f"{whose}_rule"],
        "reason": row[f"{whose}_reason"],
    }


def _example(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "conversation_id": str(row["conversation_id"]),
        "position": row["position"],
        "model": row["model"],
        "category": row["category"],
        "live": _decision(row, "live"),
        "shadow": _decision(row, "shadow"),
    }


def _plain(counts: dict[str, Counter[str]]) -> dict[str, dict[str, int]]:
    return {key: dict(sorted(c.items())) for key, c in sorted(counts.items())}
