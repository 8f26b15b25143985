"""A local Messages API that bills tokens the way the real one does, under the real SDK.

The cost benchmark and the tests need usage figures that behave like the API's: whether
a cache marker pays depends on where it sits, on what earlier requests cached and on the
model's minimum cacheable length, and a fixed canned usage would hide all of that. Here,
as the API documents it:

- tokens are counted deterministically: a text block's UTF-8 bytes / 4 rounded up (near
  Claude's rate for English prose) and 3 for its framing; a tool, its JSON;
- the prompt is read in the API's order (tools, system, messages), block by block; a
  request with a `cache_control` breakpoint reads the longest cached prefix that ends on
  a block boundary at most 20 blocks before one of its breakpoints
  (`cache_read_input_tokens`), and writes the prefix at each later breakpoint that is at
  least the model's minimum (`cache_creation_input_tokens`, up to its last one);
  `input_tokens` is the rest, after the last breakpoint;
- `/v1/messages/count_tokens` answers the whole prompt's count.

Cache entries do not expire here (the API keeps one for 5 minutes after its last use).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import anthropic
import httpx2

from adapters.claude import Claude, FailureObserver

Json = dict[str, Any]
Respond = Callable[[Json], "httpx2.Response | Json"]

# Minimum cacheable prompt length, in tokens, by model id prefix (first match wins), from
# the Messages API's prompt caching documentation. A shorter prefix is silently not cached.
MIN_CACHEABLE_TOKENS: tuple[tuple[str, int], ...] = (
    ("claude-opus-4-6", 4096),
    ("claude-opus-4-5", 4096),
    ("claude-haiku-4-5", 4096),
    ("claude-3-5-haiku", 2048),
    ("claude-3-haiku", 2048),
    ("claude-opus-4", 1024),  # Opus 4 and 4.1
    ("claude-sonnet-4", 1024),  # Sonnet 4, 4.5, 4.6
    ("claude-3-7-sonnet", 1024),
)
# An unknown model gets the largest minimum, so a benchmark never flatters it.
UNKNOWN_MODEL_MINIMUM = 4096
LOOKBACK_BLOCKS = 20
BYTES_PER_TOKEN = 4
BLOCK_FRAMING = 3  # tokens the API adds around a block (role, separators)


class Block(NamedTuple):
    """One block of a prompt: what must match for a cache hit, its tokens, its marker."""

    text: str
    tokens: int
    marked: bool


def min_cacheable_tokens(model: str) -> int:
    prefixes = (n for prefix, n in MIN_CACHEABLE_TOKENS if model.startswith(prefix))
    return next(prefixes, UNKNOWN_MODEL_MINIMUM)


def count(text: str) -> int:
    """The deterministic token count of `text`."""
    return math.ceil(len(text.encode()) / BYTES_PER_TOKEN)


def prompt_blocks(body: Json) -> Iterator[Block]:
    """Each block of the prompt in the API's order."""
    for tool in body.get("tools", []):
        yield Block(_canonical(tool), count(json.dumps(tool)), "cache_control" in tool)
    yield from _content("system", body.get("system", []))
    for message in body["messages"]:
        yield from _content(message["role"], message["content"])


def _content(role: str, content: str | Iterable[Json]) -> Iterator[Block]:
    """A string content is one text block, as the API reads it."""
    if isinstance(content, str):
        content = [{"type": "text", "text": content}]
    for block in content:
        tokens = count(block["text"]) if block["type"] == "text" else count(json.dumps(block))
        yield Block(
            f"{role}: {_canonical(block)}", tokens + BLOCK_FRAMING, "cache_control" in block
        )


def _canonical(block: Json) -> str:
    """The block without its marker: moving a marker does not change what is cached."""
    return json.dumps({k: v for k, v in block.items() if k != "cache_control"}, sort_keys=True)


class PromptCache:
    """The cached prefixes, per model, and how each request is billed against them."""

    def __init__(self) -> None:
        self.entries: set[str] = set()

    def usage(self, body: Json) -> Json:
        """The usage the API reports for `body` (output tokens aside), caching as it goes."""
        model = body["model"]
        digest = hashlib.sha256(model.encode())
        keys: list[str] = []
        totals: list[int] = []  # tokens up to and including each block
        marks: list[int] = []
        total = 0
        for index, block in enumerate(prompt_blocks(body)):
            digest.update(block.text.encode() + b"\0")
            keys.append(digest.hexdigest())
            total += block.tokens
            totals.append(total)
            if block.marked:
                marks.append(index)
        reachable = {i for m in marks for i in range(max(0, m - LOOKBACK_BLOCKS + 1), m + 1)}
        hits = [i for i in reachable if keys[i] in self.entries]
        read_to = max(hits, default=-1)
        written_to = read_to
        for mark in marks:
            if mark > read_to and totals[mark] >= min_cacheable_tokens(model):
                self.entries.add(keys[mark])
                written_to = mark
        read = totals[read_to] if read_to >= 0 else 0
        cached = totals[written_to] if written_to >= 0 else 0
        return {
            "input_tokens": total - cached,
            "cache_creation_input_tokens": cached - read,
            "cache_read_input_tokens": read,
        }


def prompt_tokens(body: Json) -> int:
    """What `/v1/messages/count_tokens` answers for `body`."""
    return sum(block.tokens for block in prompt_blocks(body))


def output_tokens(answer: Json) -> int:
    """The answer's text and tool inputs, counted."""
    return sum(
        count(block["text"] if block["type"] == "text" else json.dumps(block["input"]))
        for block in answer["content"]
    )


def sse(name: str, data: Json) -> bytes:
    """One Server-Sent Event as the Messages API writes it."""
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def pieces_of(value: str, size: int = 6) -> list[str]:
    """A text in the small deltas a model streams (`size` characters each)."""
    return [value[i : i + size] for i in range(0, len(value), size)]


def stream_events(answer: Json, split: Callable[[str], list[str]] = pieces_of) -> list[bytes]:
    """`answer` (a `message(...)`) as the event stream of a streamed request: each text block
    in the deltas `split` cuts, each tool call's input as one JSON delta."""
    usage = answer["usage"]
    start = {**answer, "content": [], "stop_reason": None, "stop_sequence": None}
    events = [sse("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(answer["content"]):
        if block["type"] == "text":
            empty, deltas = (
                {**block, "text": ""},
                [{"type": "text_delta", "text": piece} for piece in split(block["text"])],
            )
        else:
            empty = {**block, "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": json.dumps(block["input"])}]
        events.append(
            sse(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": empty},
            )
        )
        events.extend(
            sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
            for d in deltas
        )
        events.append(sse("content_block_stop", {"type": "content_block_stop", "index": index}))
    delta = {"stop_reason": answer["stop_reason"], "stop_sequence": None}
    events.append(
        sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": delta,
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        )
    )
    events.append(sse("message_stop", {"type": "message_stop"}))
    return events


def stream_error(error_type: str = "overloaded_error") -> bytes:
    """The error event the Messages API sends when a stream fails part-way."""
    return sse("error", {"type": "error", "error": {"type": error_type, "message": "canned"}})


def streamed(events: Iterable[bytes]) -> httpx2.Response:
    """A 200 event-stream answer, its body read from `events` only as the SDK reads it."""
    return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=iter(events))


class LocalMessagesAPI:
    """Answers `/v1/messages` with `respond` (JSON, or a ready response such as an error)
    and, when `caching`, bills it against a `PromptCache`; answers
    `/v1/messages/count_tokens`. Records each body sent and the read timeout it had."""

    def __init__(self, respond: Respond, caching: bool = True) -> None:
        self.respond = respond
        self.cache = PromptCache() if caching else None
        self.requests: list[Json] = []
        self.counted: list[Json] = []
        self.timeouts: list[float] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body: Json = json.loads(request.content)
        if request.url.path == "/v1/messages/count_tokens":
            self.counted.append(body)
            return httpx2.Response(200, json={"input_tokens": prompt_tokens(body)})
        assert request.url.path == "/v1/messages"
        self.requests.append(body)
        self.timeouts.append(request.extensions["timeout"]["read"])
        answer = self.respond(body)
        if isinstance(answer, httpx2.Response):
            return answer
        if self.cache is not None:
            billed = self.cache.usage(body)
            answer = {**answer, "usage": {**billed, "output_tokens": output_tokens(answer)}}
        if body.get("stream"):
            return streamed(stream_events(answer))
        return httpx2.Response(200, json=answer)

    def client(
        self, timeout: float, max_retries: int = 0, on_failure: FailureObserver | None = None
    ) -> Claude:
        """lastresort's guarded caller over the real SDK (its own retries off), sending here
        instead of to the network."""
        sdk = anthropic.Anthropic(
            api_key="local",
            http_client=httpx2.Client(transport=httpx2.MockTransport(self)),
            max_retries=0,
            timeout=timeout,
        )
        return Claude(sdk, timeout, max_retries, on_failure)
