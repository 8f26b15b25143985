"""Policy files: TOML (on disk or as text) to a validated `Policy`; and where the service
finds the policy in force for a new turn.

`ConversationService` asks a `LivePolicy` for the policy at each turn, so the one given at
start (`FixedPolicy`) can be replaced by one that follows the registry as it changes.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from domain.errors import InvalidPolicy
from domain.policy import Policy

# The policy in force unless `LASTRESORT_POLICY` names another; measurements compare to it.
DEFAULT_POLICY_FILE = Path(__file__).resolve().parent.parent / "policies" / "default.toml"


def load_policy(path: Path) -> Policy:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise InvalidPolicy(f"{path}: no such policy file") from None
    return parse_policy(text, str(path))


def parse_policy(text: str, source: str = "policy") -> Policy:
    """The policy in TOML `text`; a refusal names `source` and the offending key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidPolicy(f"{source}: not valid TOML: {error}") from None
    try:
        return Policy.from_mapping(data)
    except InvalidPolicy as error:
        raise InvalidPolicy(f"{source}: {error.message}") from None


class LivePolicy(Protocol):
    def current(self) -> Policy:
        """The policy a turn starting now decides under."""
        ...


@dataclass(frozen=True)
class FixedPolicy:
    """The policy chosen at start, for the life of the process."""

    policy: Policy

    def current(self) -> Policy:
        return self.policy
