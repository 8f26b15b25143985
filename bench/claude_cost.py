"""What Claude costs per turn: `python -m bench claude-cost [--turns N]`.

One long conversation through the Claude assessor and assistant, over the real SDK,
against the local Messages API (`bench.messages_api`), which bills input, cache-write,
cache-read and output tokens as the API does, cache minimums included. No database: the
turns are built as the service would record them. Every 10th message (the 5th, 15th, …)
is redirected (the policy's instruction changes), the rest are ordinary replies. Prints
the usage of selected turns and the cost per 1,000 turns at list prices (`bench.prices`).
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from datetime import UTC, datetime

from adapters.claude_assessor import ClaudeAssessor
from adapters.claude_assistant import ClaudeAssistant
from bench.messages_api import Json, LocalMessagesAPI
from bench.prices import PRICES, READ_ON
from domain.decision import Action, Decision, Rung
from domain.events import Turn
from domain.policy import Policy

ASSESSOR_MODEL = "claude-haiku-4-5"
MODEL = "claude-opus-4-1"
TIMEOUT = 30.0
SHOWN = (1, 2, 3, 5, 6, 10, 50, 100, 150, 200, 300, 500)
DIRECTIONS = (
    ("input", "input_tokens"),
    ("cache write", "cache_creation_input_tokens"),
    ("cache read", "cache_read_input_tokens"),
    ("output", "output_tokens"),
)
WORDS = (
    "the a garden recipe question train budget history river music because which small "
    "explain please could you how why when travel weather letter book science idea"
)
VOCABULARY = WORDS.split()
REPLY = Decision(Action.REPLY, "ordinary.reply", "bench", MODEL)
REDIRECT = Decision(
    Action.REDIRECT, "harm.redirect", "bench", MODEL, harmful=True, step=Rung.REDIRECT
)
AT = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = Policy(version="bench")


def respond(body: Json) -> Json:
    """A benign assessment, or a reply of about 120 words."""
    answer: Json = {"id": "msg_bench", "type": "message", "role": "assistant", "model": MODEL}
    if body.get("tool_choice"):
        verdict = {
            "category": "none",
            "severity": 0.0,
            "crisis": "none",
            "intent": "none",
            "scores": {},
            "rationale": "an ordinary question",
        }
        block = {"type": "tool_use", "id": "toolu_bench", "name": "record_assessment"}
        content = [{**block, "input": verdict}]
        return {**answer, "content": content, "stop_reason": "tool_use"}
    reply = " ".join(VOCABULARY[(len(body["messages"]) + i) % len(VOCABULARY)] for i in range(120))
    return {**answer, "content": [{"type": "text", "text": reply}], "stop_reason": "end_turn"}


def conversation(turns: int) -> list[tuple[list[float], list[float]]]:
    """Each turn's (assessor, assistant) usage, in the order of `DIRECTIONS`."""
    api = LocalMessagesAPI(respond)
    claude = api.client(TIMEOUT)
    assessor, assistant = ClaudeAssessor(claude, ASSESSOR_MODEL), ClaudeAssistant(claude)
    words = random.Random(7)
    history: list[Turn] = []
    usages = []
    for n in range(turns):
        text = " ".join(words.choice(VOCABULARY) for _ in range(words.randint(15, 200)))
        context = [(t.text, t.assessment) for t in history[-6:]]
        assessment = assessor.assess(text, context)
        decision = REDIRECT if n % 10 == 4 else REPLY
        reply = assistant.write(decision, text, history)
        history.append(
            Turn(2 * n, text, AT, assessment, decision, POLICY, reply.text, AT, reply.usage)
        )
        assessed = (assessment.raw or {})["usage"]
        assert isinstance(assessed, dict)
        usages.append(
            (
                [float(assessed[key]) for _, key in DIRECTIONS],
                [float((reply.usage or {})[key]) for _, key in DIRECTIONS],
            )
        )
    return usages


def cost_per_thousand(usages: Sequence[tuple[list[float], list[float]]]) -> tuple[float, float]:
    """Dollars per 1,000 turns at list prices: the assessor's, the assistant's."""
    totals = []
    for role, model in enumerate((ASSESSOR_MODEL, MODEL)):
        spent = sum(
            PRICES[model].cost({key: u[role][i] for i, (_, key) in enumerate(DIRECTIONS)})
            for u in usages
        )
        totals.append(spent / len(usages) * 1000)
    return totals[0], totals[1]


def report(usages: Sequence[tuple[list[float], list[float]]]) -> str:
    names = " | ".join(f"{role} {d}" for role in ("assessor", "assistant") for d, _ in DIRECTIONS)
    lines = [f"| turn | {names} |", "|---" * 9 + "|"]
    for n in [n for n in SHOWN if n <= len(usages)]:
        assessor, assistant = usages[n - 1]
        cells = " | ".join(f"{v:,.0f}" for v in (*assessor, *assistant))
        lines.append(f"| {n} | {cells} |")
    mean = [sum(u[r][i] for u in usages) / len(usages) for r in (0, 1) for i in range(4)]
    lines.append(f"| mean of {len(usages)} | " + " | ".join(f"{v:,.0f}" for v in mean) + " |")
    assessor_cost, assistant_cost = cost_per_thousand(usages)
    lines += [
        "",
        f"Cost per 1,000 turns at list prices read on {READ_ON}: assessor ({ASSESSOR_MODEL}) "
        f"${assessor_cost:,.2f}, assistant ({MODEL}) ${assistant_cost:,.2f}, "
        f"total ${assessor_cost + assistant_cost:,.2f}.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench claude-cost", description=__doc__)
    parser.add_argument("--turns", type=int, default=300, help="turns in the conversation")
    args = parser.parse_args(argv)
    print(report(conversation(args.turns)))
    return 0
