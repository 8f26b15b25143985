"""List prices of the Claude models the service uses by default, in US dollars per million
tokens, read from Anthropic's pricing page on 2026-12-01. Cache writes are the 5-minute
ones (1.25 × input), cache reads 0.1 × input."""

from __future__ import annotations

from dataclasses import dataclass

READ_ON = "2026-12-01"


@dataclass(frozen=True)
class Price:
    input: float
    cache_write: float
    cache_read: float
    output: float

    def cost(self, usage: dict[str, float]) -> float:
        """Dollars for one call's usage."""
        return (
            usage["input_tokens"] * self.input
            + usage["cache_creation_input_tokens"] * self.cache_write
            + usage["cache_read_input_tokens"] * self.cache_read
            + usage["output_tokens"] * self.output
        ) / 1_000_000


PRICES = {
    "claude-opus-4-1": Price(15.0, 18.75, 1.50, 75.0),
    "claude-haiku-4-5": Price(1.0, 1.25, 0.10, 5.0),
}
