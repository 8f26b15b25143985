"""Long conversations: turn latency through the service at 10, 100, 1,000 and 5,000 messages.

Each conversation is filled through the domain (ordinary turns, saved in chunks), then
`long_turns` turns are sent through the service one after another. The baseline is the
same service at the shortest length; the goal is p50 at the longest ≤ 1.3× that.
"""

from __future__ import annotations

from functools import partial
from uuid import UUID, uuid4

from application.service import utc_now
from bench.harness import ResultLine, Run, latency, percentile
from bench.write import MODEL, TEXT, timed_turns
from bootstrap.container import Container
from domain.access import Principal
from domain.conversation import Conversation

CHUNK_TURNS = 250
GOAL = 1.3


def filled(container: Container, owner: str, messages: int) -> UUID:
    """A conversation with `messages` messages (ordinary turns), saved in chunks."""
    service = container.service
    conversation = Conversation.start(uuid4(), owner, MODEL, utc_now())
    while conversation.next_position < messages:
        service._take_turn(conversation, TEXT)
        if len(conversation.turns) % CHUNK_TURNS == 0:
            container.store.save_conversations(conversation)
    container.store.save_conversations(conversation)
    return conversation.id


def bench_long(run: Run) -> list[ResultLine]:
    who = Principal("bench-long")
    out: dict[int, list[float]] = {}
    with run.database() as url, run.container(url) as container:
        for messages in run.sizes.long_lengths:
            cid = filled(container, who.name, messages)
            send = partial(container.service.send_message, who, cid, TEXT)
            out[messages] = timed_turns(run.sizes.long_turns, send)
    shortest = min(out)
    base = percentile(out[shortest], 0.5)
    rows = []
    for messages, ms in out.items():
        ratio = percentile(ms, 0.5) / base
        longest = messages == max(out)
        rows.append(
            ResultLine(
                f"long: turn latency at {messages:,} messages",
                latency(ms),
                f"p50 {base:.1f} ms at {shortest}",
                f"{ratio:.2f}×",
                f"≤ {GOAL}×" if longest else "—",
                ratio <= GOAL if longest else None,
                ratio,
            )
        )
    return rows
