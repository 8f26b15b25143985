"""What an assessor concluded about one user message.

The policy decides only from an `Assessment`, never from raw text, so a recorded
assessment is enough to explain and replay a decision without calling a model again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    """Harm categories an assessor can report; the policy says which are ending-eligible."""

    NONE = "none"
    CHILD_SEXUAL_CONTENT = "child_sexual_content"
    MASS_CASUALTY_VIOLENCE = "mass_casualty_violence"
    CBRN_WEAPONS = "cbrn_weapons"
    ABUSE_OF_ASSISTANT = "abuse_of_assistant"


class Crisis(StrEnum):
    """Signs that the user may be at imminent risk of harming themselves or others."""

    NONE = "none"
    SELF_HARM = "self_harm"
    HARM_TO_OTHERS = "harm_to_others"


class Intent(StrEnum):
    """What the user asks of the conversation itself."""

    NONE = "none"
    END_REQUEST = "end_request"
    CONFIRM_END = "confirm_end"
    DECLINE_END = "decline_end"


@dataclass(frozen=True)
class Assessment:
    """One user message classified: category with severity, crisis signal, intent.

    `scores` holds the assessor's score per category (0..1) so reviewers see how close
    a call was; `raw` keeps a model's raw output when a model made the assessment.
    """

    category: Category = Category.NONE
    severity: float = 0.0
    crisis: Crisis = Crisis.NONE
    intent: Intent = Intent.NONE
    scores: Mapping[str, float] = field(default_factory=dict)
    rationale: str = ""
    assessor: str = "offline"
    raw: Mapping[str, object] | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.severity <= 1.0:
            raise ValueError(f"severity must be within 0..1, got {self.severity}")
