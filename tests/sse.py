"""Reading a Server-Sent Events body in tests: (event name, JSON data) pairs, in order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

STREAM = {"Accept": "text/event-stream"}
Event = tuple[str, Any]


def events(lines: Iterable[str]) -> Iterator[Event]:
    """The events in `lines` (a body's lines, read all at once or as they arrive)."""
    name, data = None, []
    for line in lines:
        if not line:
            if name is not None:
                yield name, json.loads("\n".join(data))
            name, data = None, []
        elif line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data.append(line.removeprefix("data: "))


def parse(body: str) -> list[Event]:
    # Lines end at CR or LF only (not at every break `str.splitlines` knows), as in SSE.
    return list(events(body.replace("\r\n", "\n").replace("\r", "\n").split("\n")))


def joined(stream: Iterable[Event]) -> str:
    """The text of a stream's deltas, joined."""
    return "".join(data["text"] for name, data in stream if name == "delta")
