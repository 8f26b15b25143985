"""What the domain needs from the world: an assessor and an assistant.

Offline implementations ship with the service; Claude-backed ones plug in the same way.
Both take the turn's `Deadline`: a networked implementation bounds each call, retries
included, by what is left of it; an offline one answers at once and ignores it.

An assistant can also `stream` its reply: the same reply, handed over piece by piece
while it is written, so a client sees text long before the model has finished.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.assessment import Assessment
from domain.deadline import NO_DEADLINE, Deadline
from domain.decision import Decision
from domain.events import Turn

# Told each piece of a reply as it is written, in order.
TextSink = Callable[[str], None]


@dataclass(frozen=True)
class WrittenReply:
    """What an assistant wrote, what (if anything) the model asked for, and its cost."""

    text: str
    model_request: str | None = None
    usage: Mapping[str, float] | None = None


class Assessor(Protocol):
    name: str

    def assess(
        self,
        text: str,
        context: Sequence[tuple[str, Assessment]] = (),
        deadline: Deadline = NO_DEADLINE,
    ) -> Assessment:
        """Classify `text`; `context` holds earlier user messages with their assessments."""
        ...


class Assistant(Protocol):
    name: str

    def write(
        self,
        decision: Decision,
        text: str,
        history: Sequence[Turn],
        deadline: Deadline = NO_DEADLINE,
    ) -> WrittenReply:
        """The reply text for `decision` on the user's `text` after `history`."""
        ...

    def stream(
        self,
        decision: Decision,
        text: str,
        history: Sequence[Turn],
        on_text: TextSink,
        deadline: Deadline = NO_DEADLINE,
    ) -> WrittenReply:
        """`write`, handing each piece of the reply to `on_text` as it is written.

        The pieces joined are exactly the returned `WrittenReply.text`: what the client was shown
        is what is recorded. A failure after the first piece is final (it is not retried).
        """
        ...
