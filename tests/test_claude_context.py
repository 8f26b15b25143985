"""What Claude is sent, and what it costs: the context budget and prompt caching.

Through the real SDK against the local Messages API (`bench.messages_api`), which bills
tokens as the API does: cache markers pay only at or above the model's minimum prefix
length, and only a prefix that is exactly the same is read back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.claude_assessor import ClaudeAssessor
from adapters.claude_assistant import NOTE_PREFIX, ClaudeAssistant
from adapters.claude_context import DEFAULT_CONTEXT_TOKENS, estimate_tokens
from api.metrics import Metrics
from bench.messages_api import min_cacheable_tokens, prompt_blocks, prompt_tokens
from bootstrap.container import model_adapters
from bootstrap.settings import ConfigurationError, Settings
from domain.assessment import Assessment
from domain.decision import Action, Decision, Rung
from domain.errors import ModelUnavailable
from domain.events import Turn
from domain.policy import Policy
from tests.fake_claude import FakeAPI, Json, is_assessment, ordinary, status
from tests.test_metrics import value

NOW = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = Policy(version="test-1")
MODEL = "claude-opus-4-1"
BUDGET = 20_000
REPLY = Decision(Action.REPLY, "ordinary.reply", "t", MODEL)
REDIRECT = Decision(Action.REDIRECT, "harm.redirect", "t", MODEL, harmful=True, step=Rung.REDIRECT)
DECISIONS = [REPLY, REDIRECT, Decision(Action.CONFIRM_END, "end_request.confirm", "t", MODEL)]


def said(n: int, length: int = 300) -> str:
    return (f"message {n}: " + "the quick brown fox jumps over the lazy dog " * 40)[:length]


def history_of(turns: int, harmful_from: int | None = None) -> list[Turn]:
    """`turns` turns (twice as many messages); from `harmful_from` on, each is redirected."""
    return [
        Turn(
            2 * n,
            said(n),
            NOW,
            Assessment(),
            REDIRECT if harmful_from is not None and n >= harmful_from else REPLY,
            POLICY,
            f"reply {n}: " + "a considered answer " * 20,
            NOW,
        )
        for n in range(turns)
    ]


def note_of(request: Json) -> str:
    note: str = request["messages"][-1]["content"][0]["text"]
    return note


def marked_prefix(request: Json) -> list[str]:
    """The prompt's blocks up to and including its last cache marker."""
    blocks = list(prompt_blocks(request))
    last = max(i for i, block in enumerate(blocks) if block.marked)
    return [block.text for block in blocks[: last + 1]]


# -- the context budget ----------------------------------------------------------------------


@pytest.mark.parametrize("count_with_api", [True, False], ids=["key", "offline"])
def test_a_5000_message_conversation_keeps_working_within_the_budget(
    count_with_api: bool,
) -> None:
    api = FakeAPI(ordinary, caching=True)
    assistant = ClaudeAssistant(api.client(), context_tokens=BUDGET, count_with_api=count_with_api)
    history = history_of(2500, harmful_from=2497)
    for n in range(3):
        reply = assistant.write(REDIRECT, said(2500 + n), history)
        history.append(
            Turn(2 * len(history), said(2500 + n), NOW, Assessment(), REDIRECT, POLICY, "ok", NOW)
        )
        assert reply.text == "Happy to help."

    for request, sent in zip(api.requests, (2500, 2501, 2502), strict=True):
        assert prompt_tokens(request) <= BUDGET
        messages = request["messages"]
        kept = (len(messages) - 1) // 2
        assert 0 < kept < sent
        # the newest turns, in order, ending with the one just before this message
        first = messages[0]["content"]
        assert first == said(sent - kept)
        assert messages[-2]["content"][0]["text"] == history[sent - 1].reply
        note = note_of(request)
        assert f"The first {sent - kept} turns of this conversation are left out" in note
        assert "harmful requests since the last reset" in note
        assert note.index("left out") < note.index("This turn:")
    if count_with_api:
        assert len(api.counted) == len(api.requests)
        assert all(
            c["messages"] == r["messages"] for c, r in zip(api.counted, api.requests, strict=True)
        )
    else:
        assert api.counted == []


def test_a_short_conversation_is_sent_whole_without_counting() -> None:
    api = FakeAPI(ordinary, caching=True)
    ClaudeAssistant(api.client(), context_tokens=BUDGET, count_with_api=True).write(
        REPLY, "hi", history_of(3)
    )
    (request,) = api.requests
    assert len(request["messages"]) == 7
    assert "left out" not in note_of(request)
    assert api.counted == []


class OverCountingAPI(FakeAPI):
    """Counts the first request it is asked about as one token over the budget."""

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        answer = super().__call__(request)
        if request.url.path.endswith("/count_tokens") and len(self.counted) == 1:
            return httpx2.Response(200, json={"input_tokens": BUDGET + 1})
        return answer


def test_when_the_api_counts_more_than_estimated_the_cut_moves_on() -> None:
    sent = []
    for api in (FakeAPI(ordinary), OverCountingAPI(ordinary)):
        assistant = ClaudeAssistant(api.client(), context_tokens=BUDGET, count_with_api=True)
        assistant.write(REPLY, "next", history_of(400))
        sent.append(len(api.requests[0]["messages"]))
        assert len(api.counted) == 1 + isinstance(api, OverCountingAPI)
    assert sent[1] < sent[0]


@given(st.text(min_size=0, max_size=400))
def test_the_offline_estimate_never_undercounts_the_local_api(text: str) -> None:
    body = {"model": MODEL, "messages": [{"role": "user", "content": text or "x"}]}
    assert estimate_tokens(text or "x") >= prompt_tokens(body)


# -- caching ---------------------------------------------------------------------------------


def test_every_assessment_after_the_first_reads_the_prefix_from_the_cache() -> None:
    api = FakeAPI(ordinary, caching=True)
    assessor = ClaudeAssessor(api.client())
    usages = [assessor.assess(f"question {n}").raw["usage"] for n in range(3)]  # type: ignore[index]

    written = usages[0]["cache_creation_input_tokens"]
    assert written >= min_cacheable_tokens("claude-haiku-4-5")
    assert usages[0]["cache_read_input_tokens"] == 0
    for usage in usages[1:]:
        assert usage["cache_read_input_tokens"] == written
        assert usage["cache_creation_input_tokens"] == 0


def test_the_assistant_reads_the_last_turns_history_back_from_the_cache() -> None:
    api = FakeAPI(ordinary, caching=True)
    assistant = ClaudeAssistant(api.client())
    history = history_of(12)
    first = assistant.write(REDIRECT, "a harmful request", history)
    history.append(Turn(24, "a harmful request", NOW, Assessment(), REDIRECT, POLICY, "no", NOW))
    second = assistant.write(REPLY, "something ordinary", history)

    assert first.usage is not None and second.usage is not None
    cached = first.usage["cache_creation_input_tokens"] + first.usage["cache_read_input_tokens"]
    assert cached >= min_cacheable_tokens(MODEL)
    assert second.usage["cache_read_input_tokens"] == cached
    prefix = marked_prefix(api.requests[0])
    assert marked_prefix(api.requests[1])[: len(prefix)] == prefix


def test_this_turns_instruction_comes_after_the_last_cache_marker() -> None:
    api = FakeAPI(ordinary, caching=True)
    ClaudeAssistant(api.client()).write(REDIRECT, "x", history_of(4))
    (request,) = api.requests
    blocks = list(prompt_blocks(request))
    last_marker = max(i for i, block in enumerate(blocks) if block.marked)
    holding = [i for i, block in enumerate(blocks) if "This turn:" in block.text]
    assert holding and min(holding) > last_marker
    assert "This turn:" not in "".join(marked_prefix(request))
    note, message = request["messages"][-1]["content"]
    assert note["text"].startswith(NOTE_PREFIX) and "cache_control" not in note
    assert message == {"type": "text", "text": "x"}


@settings(max_examples=40, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 3000), min_size=2, max_size=60),
    decisions=st.lists(st.sampled_from(DECISIONS), min_size=60, max_size=60),
    budget=st.sampled_from([8_000, 20_000, 200_000]),
)
def test_the_cached_prefix_of_the_next_turn_extends_this_ones(
    lengths: list[int], decisions: list[Decision], budget: int
) -> None:
    api = FakeAPI(ordinary)
    assistant = ClaudeAssistant(api.client(), context_tokens=budget)
    history: list[Turn] = []
    for n, length in enumerate(lengths):
        text = said(n, length)
        assistant.write(decisions[n], text, history)
        history.append(Turn(2 * n, text, NOW, Assessment(), decisions[n], POLICY, said(n), NOW))
    moved = 0
    for before, after in zip(api.requests, api.requests[1:], strict=False):
        assert prompt_tokens(after) <= budget
        same_start = before["messages"][0] == after["messages"][0] or len(before["messages"]) == 1
        if same_start:
            prefix = marked_prefix(before)
            assert marked_prefix(after)[: len(prefix)] == prefix
        else:
            moved += 1
    assert moved <= len(lengths) // 2


# -- metrics ---------------------------------------------------------------------------------


def test_tokens_by_direction_and_failures_by_reason_reach_the_metrics() -> None:
    metrics = Metrics()
    down = False

    def respond(body: Json) -> Any:
        failing = down and not is_assessment(body)
        return status(529, "overloaded_error") if failing else ordinary(body)

    api = FakeAPI(respond, caching=True)
    client = api.client(on_failure=metrics.observe_model_failure)
    assessor, assistant = ClaudeAssessor(client), ClaudeAssistant(client)
    history: list[Turn] = []
    for n in range(3):
        assessment = assessor.assess(f"question {n}")
        reply = assistant.write(REPLY, f"question {n}", history)
        turn = Turn(
            2 * n, f"question {n}", NOW, assessment, REPLY, POLICY, reply.text, NOW, reply.usage
        )
        history.append(turn)
        metrics.observe_turn(turn)
    down = True
    with pytest.raises(ModelUnavailable):
        assistant.write(REPLY, "again", history)

    text = metrics.render().decode()
    usages = {
        "assessor": [t.assessment.raw["usage"] for t in history],  # type: ignore[index]
        "assistant": [t.usage for t in history],
    }
    for role, recorded in usages.items():
        for direction, key in (
            ("input", "input_tokens"),
            ("output", "output_tokens"),
            ("cache_read", "cache_read_input_tokens"),
            ("cache_write", "cache_creation_input_tokens"),
        ):
            expected = sum(u[key] for u in recorded)  # type: ignore[index]
            counted = value(text, "lastresort_model_tokens_total", role=role, direction=direction)
            assert counted == expected, (role, direction)
    assert value(text, "lastresort_model_tokens_total", role="assessor", direction="cache_read") > 0
    failures = "lastresort_model_failures_total"
    assert value(text, failures, role="assistant", reason="overloaded") == 1
    assert value(text, failures, role="assessor", reason="overloaded") == 0


# -- the setting -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "7999", "1000001", "lots", "-5"])
def test_a_nonsense_context_budget_is_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("LASTRESORT_CONTEXT_TOKENS", value)
    with pytest.raises(ConfigurationError, match=r"^LASTRESORT_CONTEXT_TOKENS: "):
        Settings.from_env()


def test_the_budget_setting_reaches_the_claude_assistant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LASTRESORT_CONTEXT_TOKENS", "12000")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    _, assistant = model_adapters(Settings.from_env())
    assert isinstance(assistant, ClaudeAssistant)
    assert (assistant.context_tokens, assistant.count_with_api) == (12_000, True)
    assert Settings().context_tokens == DEFAULT_CONTEXT_TOKENS
