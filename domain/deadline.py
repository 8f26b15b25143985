"""How long one user turn may take, all model calls and retries included.

A client gives up after some seconds; a turn stored after that is a turn the user never
saw, and resends, so it is stored twice. Each command therefore carries a `Deadline`:
every model call is bounded by what is left of it, and nothing is saved once it passed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from domain.errors import ModelUnavailable


class DeadlinePassed(ModelUnavailable):
    """The turn ran out of time; nothing was recorded, even if a model answers later."""


@dataclass(frozen=True)
class Deadline:
    """A point in time on a monotonic `clock`; `math.inf` never passes."""

    at: float = math.inf
    clock: Callable[[], float] = field(default=time.monotonic, compare=False)

    @classmethod
    def after(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(clock() + seconds, clock)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - self.clock())

    def check(self) -> None:
        """Raise `DeadlinePassed` once no time is left."""
        if self.remaining() <= 0.0:
            raise DeadlinePassed(
                "the turn did not finish within its deadline; nothing was recorded, retry shortly"
            )


NO_DEADLINE = Deadline()
