"""Prometheus metrics at /metrics: what the policy decides and what the models cost.

Counted per API process when a turn is stored (a retried or replayed command is not
counted twice). Offline, token and latency series stay empty: only models report usage.
Model failures are counted per attempt as they happen, stored turn or not.
Projection lag, quarantined events and the review queue are read from the database at
scrape time, so they are right wherever the projections run (`serve --no-projections` +
`project`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as render
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from domain.events import Turn
from projections.progress import Progress

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONTENT_TYPE = CONTENT_TYPE_LATEST
# The `direction` label of `lastresort_model_tokens_total`, and the usage key it adds up.
USAGE_KEYS = {
    "input": "input_tokens",
    "output": "output_tokens",
    "cache_read": "cache_read_input_tokens",
    "cache_write": "cache_creation_input_tokens",
}


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter(
            "lastresort_turns",
            "User turns stored, by the assistant's action and the conversation's model",
            ["action", "model"],
            registry=self.registry,
        )
        self.endings = Counter(
            "lastresort_endings",
            "Conversations ended, by reason and model",
            ["reason", "model"],
            registry=self.registry,
        )
        self.tokens = Counter(
            "lastresort_model_tokens",
            "Model tokens per stored turn, by role (assessor, assistant) and direction (input: "
            "not cached, output, cache_read, cache_write)",
            ["role", "direction"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "lastresort_model_latency_seconds",
            "Model call latency per stored turn (SDK retries included), by role",
            ["role"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.model_failures = Counter(
            "lastresort_model_failures",
            "Failed or unusable model answers, by role (assessor, assistant) and reason "
            "(timeout, rate_limited, overloaded, server_error, connection, conflict, rejected, "
            "refused, malformed, deadline)",
            ["role", "reason"],
            registry=self.registry,
        )
        self.turns_refused = Counter(
            "lastresort_turns_refused",
            "User turns answered 503 and not stored, by reason (deadline: the turn's deadline "
            "passed)",
            ["reason"],
            registry=self.registry,
        )

        self.streamed_turns = Counter(
            "lastresort_streamed_turns",
            "User turns answered as a Server-Sent Events stream, by outcome (recorded: taken "
            "and stored; replayed: an Idempotency-Key retry answered from the record; failed: "
            "an error event after the stream began, nothing stored)",
            ["outcome"],
            registry=self.registry,
        )

    def follow_projections(self, read: Callable[[], Progress | None]) -> None:
        """Export each read model's lag and quarantined events, as `read` finds them."""
        self.registry.register(ProjectionCollector(read))

    def follow_review_queue(self, read: Callable[[], tuple[int, float] | None]) -> None:
        """Export the review queue's depth and its oldest open case's age, as `read` finds
        them (depth, seconds)."""
        self.registry.register(ReviewQueueCollector(read))

    def observe_turn(self, turn: Turn) -> None:
        decision = turn.decision
        self.turns.labels(str(decision.action), decision.model).inc()
        if decision.reason is not None:
            self.endings.labels(str(decision.reason), decision.model).inc()
        raw = turn.assessment.raw or {}
        assessor_usage = raw.get("usage")
        for role, usage in (("assessor", assessor_usage), ("assistant", turn.usage)):
            if isinstance(usage, Mapping):
                self._observe_usage(role, usage)

    def _observe_usage(self, role: str, usage: Mapping[str, float]) -> None:
        for direction, key in USAGE_KEYS.items():
            self.tokens.labels(role, direction).inc(float(usage.get(key, 0)))
        if "latency_ms" in usage:
            self.latency.labels(role).observe(float(usage["latency_ms"]) / 1000)

    def observe_model_failure(self, role: str, reason: str) -> None:
        self.model_failures.labels(role, reason).inc()

    def observe_refused_turn(self, reason: str) -> None:
        self.turns_refused.labels(reason).inc()

    def observe_streamed_turn(self, outcome: str) -> None:
        self.streamed_turns.labels(outcome).inc()

    def render(self) -> bytes:
        return render(self.registry)


class ProjectionCollector(Collector):
    """Per read model: events behind the store's head, and events set aside (quarantined);
    with a read replica, how far its replay is behind. Nothing when the database does not
    answer (the scrape still succeeds)."""

    def __init__(self, read: Callable[[], Progress | None]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        figures = self._read()
        if figures is None:
            return
        lag = GaugeMetricFamily(
            "lastresort_projection_lag_events",
            "Events in the store a read model has not processed yet",
            labels=["read_model"],
        )
        held = GaugeMetricFamily(
            "lastresort_quarantined_events",
            "Events a read model could not apply and set aside",
            labels=["read_model"],
        )
        for name, state in figures.read_models.items():
            lag.add_metric([name], state.lag)
            held.add_metric([name], state.quarantined)
        yield lag
        yield held
        if figures.replica_lag is not None:
            yield GaugeMetricFamily(
                "lastresort_replica_lag_seconds",
                "How far the read replica's replay is behind the primary",
                value=figures.replica_lag,
            )


class ReviewQueueCollector(Collector):
    """The contested endings waiting for a verdict, read at scrape time; nothing when the
    database does not answer."""

    def __init__(self, read: Callable[[], tuple[int, float] | None]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        figures = self._read()
        if figures is None:
            return
        depth, oldest = figures
        yield GaugeMetricFamily(
            "lastresort_review_queue_depth",
            "Contested endings in the review queue (not decided since their latest request)",
            value=depth,
        )
        yield GaugeMetricFamily(
            "lastresort_review_oldest_open_seconds",
            "How long the oldest case in the review queue has waited (0 when empty)",
            value=oldest,
        )
