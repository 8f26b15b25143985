"""How much of a conversation a reply request holds: the newest turns that fit a budget.

Sending the whole path every turn makes every turn fail once the conversation outgrows
the model's context window, and makes each turn cost as much as everything said so far.
So a reply request holds at most a budget of input tokens: the rules, the newest turns of
the path that fit, and this turn's note (saying what was left out and where the ladder
stands, since the policy still counts what the model no longer sees).

The cut moves in whole steps of a quarter of the history's allowance, not turn by turn:
between two moves every request starts with the same turns, so the prefix cached by one
turn is read back by the next. Tokens are estimated here, conservatively, to place the
cut; where a key is set the Messages API counts the request itself before it is sent.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from domain.events import Turn
from domain.ladder import Ladder

# A reply request's input, in tokens: well inside every current model's 200,000-token
# window with room for the reply, and a cap on what one turn of a long conversation costs.
DEFAULT_CONTEXT_TOKENS = 50_000
# ASCII text runs near 4 characters a token for Claude: counting 3 overestimates it.
ASCII_CHARS_PER_TOKEN = 3
# Role and framing tokens the API adds around each message or block.
BLOCK_OVERHEAD = 5
# The cut moves by this fraction of the history's allowance at a time.
CUT_STEPS = 4


def estimate_tokens(text: str) -> int:
    """An offline upper estimate of `text`'s tokens, with its block's overhead.

    Every byte of a character beyond ASCII counts as a token of its own (a CJK character
    counts 2⅓, an emoji 3⅓), so hostile or non-Latin text cannot slip under the estimate.
    """
    chars = len(text)
    return math.ceil(chars / ASCII_CHARS_PER_TOKEN) + len(text.encode()) - chars + BLOCK_OVERHEAD


def estimate_request(params: dict[str, Any]) -> int:
    """The estimate for a whole Messages API request: tools, system and messages."""
    tools = params.get("tools")
    total = estimate_tokens(json.dumps(tools)) if tools else 0
    total += sum(estimate_tokens(text) for text in _texts(params.get("system", [])))
    for message in params["messages"]:
        total += sum(estimate_tokens(text) for text in _texts(message["content"]))
    return total


def _texts(content: str | Iterable[dict[str, Any]]) -> Iterable[str]:
    return [content] if isinstance(content, str) else [block["text"] for block in content]


def turn_tokens(turn: Turn) -> int:
    """The estimate for one turn: the user's message and the reply it got."""
    return estimate_tokens(turn.text) + estimate_tokens(turn.reply)


def first_kept(sizes: Sequence[int], allowance: int, extra_steps: int = 0) -> int:
    """Index of the oldest turn to send, given each turn's size and the tokens allowed.

    The oldest turns are dropped in whole steps of `allowance / CUT_STEPS` tokens, counted
    from the conversation's start, so the index only moves when the history has grown by a
    step; `extra_steps` drops that many more (when the API counted more than estimated).
    """
    total = sum(sizes)
    if total <= allowance and extra_steps == 0:
        return 0
    step = max(1, allowance // CUT_STEPS)
    drop = (math.ceil(max(0, total - allowance) / step) + extra_steps) * step
    dropped = 0
    for index, size in enumerate(sizes):
        if dropped >= drop:
            return index
        dropped += size
    return len(sizes)


def ladder_of(history: Sequence[Turn]) -> Ladder:
    """The ladder after `history`, as the conversation itself computes it."""
    ladder = Ladder()
    for turn in history:
        ladder = ladder.advance(turn.position, turn.decision)
    return ladder


def left_out_note(left_out: int, kept: int) -> str:
    """What the model is not shown: the count of turns, never any of their text."""
    return (
        f"The first {left_out} turns of this conversation are left out to fit the context; "
        f"you see the latest {kept}."
    )


def ladder_note(ladder: Ladder) -> str:
    """Where the policy stands, in counts only, for a model that may not see the turns."""
    if ladder.harms:
        warned = "a warning has been given" if ladder.warning is not None else "no warning yet"
        state = (
            f"{len(ladder.harms)} harmful requests since the last reset, "
            f"{len(ladder.redirects)} redirected, {warned}"
        )
    else:
        state = "no harmful requests since the last reset"
    if ladder.crisis_at is not None:
        state += "; the user has shown signs of a crisis in this conversation"
    return f"Where the policy stands: {state}."
