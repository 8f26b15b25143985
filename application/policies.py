"""Policy files: TOML (on disk or as text) to a validated `Policy`; and where the service
finds the policy in force for a new turn.

`ConversationService` asks a `LivePolicy` for the policies in force at each turn (the live
one and those in shadow, in one answer): `FixedPolicy` for those chosen at start,
`PolledPolicy` to follow the registry as it changes, without restart.
"""

from __future__ import annotations

import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from domain.errors import InvalidPolicy
from domain.policy import InForce, Policy

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
    def current(self) -> InForce:
        """The policies a turn starting now decides under (live and in shadow)."""
        ...


@dataclass(frozen=True)
class FixedPolicy:
    """The policies chosen at start, for the life of the process."""

    policies: InForce

    def current(self) -> InForce:
        return self.policies


class PolledPolicy:
    """The registry's live and shadowed policies, asked again when a turn starts at least `interval`
    seconds after the last question: every process follows a promotion within that
    interval, at the cost of one small read per interval, and a turn still decides wholly
    under the one live policy it was handed, shadowed by those in shadow with it. While the
    registry is empty, `initial` stays."""

    def __init__(
        self,
        read: Callable[[], InForce | None],
        initial: InForce,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read, self._policy, self._interval, self._clock = read, initial, interval, clock
        self._asked = clock()
        self._asking = threading.Lock()  # one question at a time; the others keep the last

    def current(self) -> InForce:
        if self._clock() - self._asked >= self._interval and self._asking.acquire(False):
            try:
                self._policy = self._read() or self._policy
                self._asked = self._clock()
            finally:
                self._asking.release()
        return self._policy
