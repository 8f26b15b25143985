"""Streamed replies from the assistants: Claude through the real SDK's stream parser, and
the offline templates.

The Messages API is `tests/fake_claude.py`, answering a streamed request with the real
event stream (message_start, content_block_*, message_delta, message_stop); a test that
needs a stream to stop part-way writes its own. What is checked: the pieces handed on join
to exactly the reply that is returned (and so recorded), the request is the unstreamed
one plus `"stream": true`, usage is kept, a retry happens only before the first piece,
and the turn's deadline holds while a stream trickles.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.claude import ModelUnavailable
from adapters.claude_assistant import GENERIC_DECLINE, ClaudeAssistant
from adapters.offline_assistant import CRISIS_RESOURCES, OfflineAssistant
from bench.messages_api import stream_error, stream_events, streamed
from domain.chunks import WORDS_PER_CHUNK, chunks
from domain.deadline import Deadline, DeadlinePassed
from domain.decision import Action, Decision
from tests.fake_claude import (
    USAGE,
    FakeAPI,
    Json,
    message,
    status,
    text,
    tool_use,
)
from tests.test_claude import decision
from tests.test_deadline import Clock

REPLY = decision(Action.REPLY)
ANSWER = "Rome was not built in a day, and neither is a good reply."


def pieces_of_stream(assistant: ClaudeAssistant, wanted: Decision = REPLY) -> tuple[list[str], str]:
    pieces: list[str] = []
    reply = assistant.stream(wanted, "Tell me about Rome", [], pieces.append)
    return pieces, reply.text


def test_claude_streams_the_reply_it_would_write_with_its_usage() -> None:
    api = FakeAPI(lambda _: message([text(ANSWER)]))
    assistant = ClaudeAssistant(api.client())
    pieces: list[str] = []

    reply = assistant.stream(REPLY, "Tell me about Rome", [], pieces.append)
    written = assistant.write(REPLY, "Tell me about Rome", [])

    assert len(pieces) > 1 and "".join(pieces) == reply.text == written.text == ANSWER
    streamed_request, plain_request = api.requests
    assert streamed_request.pop("stream") is True and "stream" not in plain_request
    assert streamed_request == plain_request  # the same prompt, only streamed
    assert reply.usage is not None
    assert {k: v for k, v in reply.usage.items() if k != "latency_ms"} == {
        k: float(v) for k, v in USAGE.items()
    }


blocks = st.lists(
    st.one_of(
        st.text(st.sampled_from("ab .\n\t"), max_size=20).map(text),
        st.just(tool_use("end_conversation", {})),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(content=blocks, size=st.integers(1, 7), action=st.sampled_from(list(Action)))
def test_the_streamed_pieces_join_to_what_write_returns(
    content: list[Json], size: int, action: Action
) -> None:
    """Whatever the blocks, their whitespace and how the deltas cut them, the client gets
    exactly the reply `write` makes of the same answer (fallbacks and resources included)."""

    def split(value: str) -> list[str]:
        return [value[i : i + size] for i in range(0, len(value), size)]

    answer = message(content)
    api = FakeAPI(
        lambda body: streamed(stream_events(answer, split)) if body.get("stream") else answer
    )
    assistant = ClaudeAssistant(api.client())
    wanted = decision(action, behaviour="cbrn_weapons")

    pieces, recorded = pieces_of_stream(assistant, wanted)

    assert "".join(pieces) == recorded == assistant.write(wanted, "Tell me about Rome", []).text
    assert all(pieces)


def test_missing_crisis_resources_follow_as_the_last_piece() -> None:
    api = FakeAPI(lambda _: message([text("I'm so sorry. I'm here with you.")]))

    pieces, recorded = pieces_of_stream(
        ClaudeAssistant(api.client()), decision(Action.CRISIS_SUPPORT)
    )

    assert pieces[-1] == f"\n\n{CRISIS_RESOURCES}"
    assert "".join(pieces) == recorded == f"I'm so sorry. I'm here with you.\n\n{CRISIS_RESOURCES}"


def test_a_refusal_after_some_text_keeps_what_was_shown_and_adds_the_fallback() -> None:
    refused = message([text("Let me start by")], "refusal")
    failures: list[tuple[str, str]] = []
    api = FakeAPI(lambda _: refused)

    pieces, recorded = pieces_of_stream(
        ClaudeAssistant(api.client(on_failure=lambda *f: failures.append(f))),
        decision(Action.REPLY, rule="ordinary.reply"),
    )

    assert "".join(pieces) == recorded == f"Let me start by\n\n{GENERIC_DECLINE}"
    assert failures == [("assistant", "refused")]


def test_a_failure_before_the_first_piece_is_retried_once_streaming() -> None:
    answers: Iterator[httpx2.Response | Json] = iter(
        [status(529, "overloaded_error"), message([text(ANSWER)])]
    )
    api = FakeAPI(lambda _: next(answers))

    pieces, recorded = pieces_of_stream(ClaudeAssistant(api.client(max_retries=2)))

    assert len(api.requests) == 2 and "".join(pieces) == recorded == ANSWER


def _broken_after_first_delta(failure: Any) -> httpx2.Response:
    events = stream_events(message([text(ANSWER)]))

    def body() -> Iterator[bytes]:
        yield from events[:3]  # message_start, content_block_start, the first delta
        if isinstance(failure, bytes):
            yield failure
        else:
            raise failure

    return streamed(body())


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (stream_error("overloaded_error"), "overloaded"),
        (httpx2.ReadError("connection reset"), "connection"),
        (httpx2.ReadTimeout("no more data"), "timeout"),
    ],
    ids=["error-event", "connection-lost", "read-timeout"],
)
def test_a_failure_after_the_first_piece_fails_the_turn_without_a_retry(
    failure: Any, reason: str
) -> None:
    failures: list[tuple[str, str]] = []
    api = FakeAPI(lambda _: _broken_after_first_delta(failure))
    assistant = ClaudeAssistant(api.client(max_retries=2, on_failure=lambda *f: failures.append(f)))
    pieces: list[str] = []

    with pytest.raises(ModelUnavailable) as failed:
        assistant.stream(REPLY, "Tell me about Rome", [], pieces.append)

    assert failed.value.code == "model_unavailable"
    assert pieces == [ANSWER[:6]] and len(api.requests) == 1
    assert failures == [("assistant", reason)]


def test_the_deadline_holds_while_a_stream_trickles() -> None:
    clock = Clock()
    events = stream_events(message([text(ANSWER)]))

    def trickle() -> Iterator[bytes]:
        for event in events:
            clock.now += 0.4  # each event comes, slowly
            yield event

    api = FakeAPI(lambda _: streamed(trickle()))
    pieces: list[str] = []

    with pytest.raises(DeadlinePassed):
        ClaudeAssistant(api.client(max_retries=2)).stream(
            REPLY, "Tell me about Rome", [], pieces.append, Deadline.after(1.0, clock)
        )

    assert 0 < len(pieces) < len(events) and len(api.requests) == 1


@pytest.mark.parametrize("action", list(Action))
def test_the_offline_assistant_streams_its_template_in_pieces(action: Action) -> None:
    wanted = decision(action, behaviour="cbrn_weapons")
    pieces: list[str] = []

    reply = OfflineAssistant().stream(wanted, "Tell me about Rome", [], pieces.append)

    assert len(pieces) > 1
    assert (
        "".join(pieces)
        == reply.text
        == OfflineAssistant().write(wanted, "Tell me about Rome", []).text
    )


@given(st.text())
def test_chunks_join_to_the_text_a_few_words_each(value: str) -> None:
    pieces = list(chunks(value))
    assert "".join(pieces) == value
    assert all(piece and len(piece.split()) <= WORDS_PER_CHUNK for piece in pieces)
