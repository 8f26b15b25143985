"""The assistant's next action, and everything needed to explain it later."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """What the assistant does with its reply; also the reply's `kind` in the API."""

    REPLY = "reply"
    REDIRECT = "redirect"
    WARNING = "warning"
    CRISIS_SUPPORT = "crisis_support"
    CONFIRM_END = "confirm_end"
    ENDED = "ended"


class Rung(StrEnum):
    """A rung of the harm ladder that a decision climbs."""

    REDIRECT = "redirect"
    WARNING = "warning"
    END = "end"


class EndReason(StrEnum):
    PERSISTENT_HARM = "persistent_harm"
    USER_REQUEST = "user_request"


class StoppedBy(StrEnum):
    """Why the policy did not do what its ladder called for."""

    CRISIS_SIGNAL = "crisis_signal"
    MODEL_WITHOUT_ENDING = "model_without_ending"


@dataclass(frozen=True)
class Decision:
    """The policy's answer to one user message.

    `step` is the ladder rung climbed (it may be climbed without being shown, for a
    model that cannot end); `would_have` and `stopped_by` record what the policy
    would have done had a crisis signal or the model's abilities not stopped it;
    `cites` are the positions an ending rests on.
    """

    action: Action
    rule: str
    policy_version: str
    model: str
    harmful: bool = False
    crisis: bool = False
    step: Rung | None = None
    reason: EndReason | None = None
    would_have: Action | None = None
    stopped_by: StoppedBy | None = None
    cites: tuple[int, ...] = ()
    ladder_reset: bool = False
    behaviour: str | None = None
    model_request: str | None = None
