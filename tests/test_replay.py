"""Replay in the domain: exact diffs of stricter and looser candidates on constructed histories."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assessment import Assessment, Category, Crisis, Intent
from domain.conversation import Conversation
from domain.decision import Action, EndReason
from domain.policy import Policy
from domain.ports import WrittenReply
from domain.replay import Change, ConversationEnd, Difference, Mismatch, Summary, check, replay

AT = datetime(2025, 8, 15, tzinfo=UTC)
OPUS = "claude-opus-4-1"

# A scripted assessor: each word stands for one assessment.
SCRIPT = {
    "hi": Assessment(),
    "harm": Assessment(category=Category.CBRN_WEAPONS, severity=0.9),
    "mild": Assessment(category=Category.CBRN_WEAPONS, severity=0.3),
    "abuse": Assessment(category=Category.ABUSE_OF_ASSISTANT, severity=0.8),
    "crisis": Assessment(crisis=Crisis.SELF_HARM),
    "end": Assessment(intent=Intent.END_REQUEST),
    "yes": Assessment(intent=Intent.CONFIRM_END),
    "no": Assessment(intent=Intent.DECLINE_END),
    "yes-harm": Assessment(category=Category.CBRN_WEAPONS, severity=0.9, intent=Intent.CONFIRM_END),
}

DEFAULT = Policy(version="recorded")


def policy(**changes: Any) -> Policy:
    return Policy.from_mapping({**DEFAULT.to_mapping(), "version": "candidate", **changes})


def record(
    words: list[str], live: Policy = DEFAULT, model: str = OPUS, assessor: str = "offline"
) -> Conversation:
    """A conversation as the live service records it: decide, write, record, turn by turn."""
    conversation = Conversation.start(uuid4(), "ana", model, AT)
    for word in words:
        assessment = replace(SCRIPT[word], assessor=assessor)
        decision = live.decide(conversation.ladder, assessment, conversation.next_position, model)
        reply = WrittenReply(f"reply to {word}", model_request="end_conversation")
        conversation.record_turn(word, assessment, decision, live, reply, AT)
    return conversation


def test_stricter_min_redirects_ends_earlier_and_drops_what_follows() -> None:
    conversation = record(["harm", "harm", "harm", "harm"])
    assert conversation.ended is not None and conversation.ended.position == 7

    outcome = replay(conversation, policy(min_redirects=1))

    assert outcome.change is Change.ENDS_EARLIER
    assert outcome.recorded_end == ConversationEnd(
        7, EndReason.PERSISTENT_HARM, "harm.end", Category.CBRN_WEAPONS
    )
    assert outcome.candidate_end == ConversationEnd(
        5, EndReason.PERSISTENT_HARM, "harm.end", Category.CBRN_WEAPONS
    )
    assert outcome.first_difference == Difference(
        3, Action.REDIRECT, Action.WARNING, "harm.redirect", "harm.warning"
    )
    assert outcome.dropped_turns == 1
    assert not outcome.history_stops
    assert outcome.explain() == (
        "ended at 7; the candidate ends earlier at 5 (persistent_harm, harm.end), dropping 1 "
        "later turn(s); first difference at 3: redirect (harm.redirect) → warning (harm.warning)"
    )


def test_newly_eligible_category_makes_an_open_conversation_end() -> None:
    live = policy(version="no-abuse", eligible_categories=["cbrn_weapons"])
    conversation = record(["abuse", "abuse", "abuse", "abuse", "hi"], live)
    assert conversation.ended is None

    outcome = replay(conversation, policy())

    assert outcome.change is Change.WOULD_END
    assert outcome.recorded_end is None
    assert outcome.candidate_end == ConversationEnd(
        7, EndReason.PERSISTENT_HARM, "harm.end", Category.ABUSE_OF_ASSISTANT
    )
    assert outcome.first_difference == Difference(
        1, Action.REPLY, Action.REDIRECT, "ordinary.reply", "harm.redirect"
    )
    assert outcome.dropped_turns == 1
    assert outcome.reason is EndReason.PERSISTENT_HARM
    assert outcome.category is Category.ABUSE_OF_ASSISTANT


def test_lower_severity_threshold_makes_milder_harm_end() -> None:
    conversation = record(["mild", "mild", "mild", "mild"])

    outcome = replay(conversation, policy(min_severity=0.3))

    assert outcome.change is Change.WOULD_END
    assert outcome.candidate_end is not None and outcome.candidate_end.position == 7
    assert outcome.dropped_turns == 0


def test_looser_min_redirects_does_not_end_and_history_stops_there() -> None:
    conversation = record(["hi", "harm", "harm", "harm", "harm"])

    outcome = replay(conversation, policy(min_redirects=4))

    assert outcome.change is Change.NO_LONGER_ENDS
    assert outcome.history_stops
    assert outcome.recorded_end == ConversationEnd(
        9, EndReason.PERSISTENT_HARM, "harm.end", Category.CBRN_WEAPONS
    )
    assert outcome.candidate_end is None
    assert outcome.first_difference == Difference(
        7, Action.WARNING, Action.REDIRECT, "harm.warning", "harm.redirect"
    )
    assert outcome.dropped_turns == 0
    assert outcome.explain().startswith(
        "ended at 9 (persistent_harm); the candidate would not have ended — the recorded "
        "history stops there"
    )


def test_ending_disabled_for_the_model_keeps_redirecting() -> None:
    conversation = record(["harm", "harm", "harm", "harm"])

    outcome = replay(conversation, policy(models_with_ending=["claude-opus-4"]))

    assert outcome.change is Change.NO_LONGER_ENDS
    assert outcome.first_difference == Difference(
        5, Action.WARNING, Action.REDIRECT, "harm.warning", "harm.warning.unavailable"
    )


def test_user_request_ending_unaffected_by_ladder_changes() -> None:
    conversation = record(["end", "yes"])

    outcome = replay(conversation, policy(min_redirects=0, warning_required=False))

    assert outcome.change is Change.UNCHANGED
    assert outcome.first_difference is None
    assert outcome.recorded_end == ConversationEnd(
        3, EndReason.USER_REQUEST, "user_request.confirmed", Category.NONE
    )


def test_different_reason_at_the_same_position() -> None:
    # Recorded: the crisis window is over by the end request, so the user confirms and
    # the conversation ends on request. The candidate's longer window vetoes the request;
    # with no warning required, the harmful confirmation then ends it for harm.
    live = policy(version="short-window", crisis_window=1)
    conversation = record(["crisis", "end", "yes-harm"], live)

    outcome = replay(conversation, policy(crisis_window=2, min_redirects=0, warning_required=False))

    assert outcome.change is Change.DIFFERENT_REASON
    assert outcome.recorded_end == ConversationEnd(
        5, EndReason.USER_REQUEST, "user_request.confirmed", Category.CBRN_WEAPONS
    )
    assert outcome.candidate_end == ConversationEnd(
        5, EndReason.PERSISTENT_HARM, "harm.end", Category.CBRN_WEAPONS
    )
    assert outcome.first_difference == Difference(
        3,
        Action.CONFIRM_END,
        Action.CRISIS_SUPPORT,
        "end_request.confirm",
        "end_request.vetoed_by_crisis",
    )


def test_a_branch_is_replayed_along_its_own_path() -> None:
    parent = record(["harm", "harm", "harm", "hi"])  # warned at 5, not ended
    branch = Conversation.branch(uuid4(), parent, 6, "ana", AT)
    decision = DEFAULT.decide(branch.ladder, SCRIPT["harm"], 6, OPUS)
    branch.record_turn("harm", SCRIPT["harm"], decision, DEFAULT, WrittenReply("bye"), AT)
    assert branch.ended is not None and len(branch.turns) == 4

    outcome = replay(branch, policy(min_redirects=1))

    assert outcome.change is Change.ENDS_EARLIER
    assert outcome.candidate_end is not None and outcome.candidate_end.position == 5
    assert outcome.dropped_turns == 1
    assert check(branch) == []


def test_check_agrees_and_ignores_the_model_request() -> None:
    conversation = record(["hi", "harm", "crisis", "harm", "end", "no", "harm", "harm"])
    assert all(t.decision.model_request == "end_conversation" for t in conversation.turns)
    assert check(conversation) == []


def test_check_reports_a_tampered_decision_with_its_position() -> None:
    conversation = record(["harm", "harm", "harm", "harm"])
    turn = conversation.turns[1]
    conversation.turns[1] = replace(
        turn, decision=replace(turn.decision, rule="harm.warning", behaviour="abuse")
    )

    assert check(conversation) == [
        Mismatch(
            conversation.id,
            3,
            {
                "rule": ("harm.warning", "harm.redirect"),
                "behaviour": ("abuse", "cbrn_weapons"),
            },
        )
    ]


def test_check_replays_each_turn_under_the_version_that_made_it() -> None:
    old, new = policy(version="v1", min_redirects=3), policy(version="v2", min_redirects=1)
    conversation = Conversation.start(uuid4(), "ana", OPUS, AT)
    for live in (old, old, new, new):
        decision = live.decide(
            conversation.ladder, SCRIPT["harm"], conversation.next_position, OPUS
        )
        conversation.record_turn("harm", SCRIPT["harm"], decision, live, WrittenReply("r"), AT)
    assert [t.decision.action for t in conversation.turns] == [
        Action.REDIRECT,
        Action.REDIRECT,
        Action.WARNING,
        Action.ENDED,
    ]
    assert check(conversation) == []
    assert replay(conversation, old).first_difference == Difference(
        5, Action.WARNING, Action.REDIRECT, "harm.warning", "harm.redirect"
    )


def test_summary_counts_and_merges_partitions_deterministically() -> None:
    stricter = policy(min_redirects=1)
    histories = [
        record(["harm"] * 4),
        record(["harm"] * 4, model="claude-opus-4"),
        record(["hi", "hi"]),
        record(["end", "yes"]),
    ]
    whole = Summary(max_examples=1)
    halves = [Summary(max_examples=1), Summary(max_examples=1)]
    for i, conversation in enumerate(histories):
        outcome = replay(conversation, stricter)
        whole.add(outcome)
        halves[i % 2].add(outcome)
    halves[0].merge(halves[1])

    assert whole.to_json() == halves[0].to_json()
    data = whole.to_json()
    assert data["conversations"] == 4
    assert data["turns"] == 12
    assert data["changes"] == {"ends_earlier": 2, "unchanged": 2}
    assert data["by_model"] == {"claude-opus-4": {"ends_earlier": 1}, OPUS: {"ends_earlier": 1}}
    assert data["by_category"] == {"cbrn_weapons": {"ends_earlier": 2}}
    assert data["by_reason"] == {"persistent_harm": {"ends_earlier": 2}}
    expected = min(str(c.id) for c in histories[:2])
    assert [e["conversation_id"] for e in data["examples"]["ends_earlier"]] == [expected]


WORDS = st.sampled_from(sorted(SCRIPT))
POLICIES = st.builds(
    lambda r, w, s, reset, window, able: policy(
        version=f"p{r}{w}{s}{reset}{window}{able}",
        min_redirects=r,
        warning_required=w,
        min_severity=s,
        reset_after_ordinary_turns=reset,
        crisis_window=window,
        models_with_ending=["claude-opus-4"] + ([OPUS] if able else []),
    ),
    st.integers(0, 3),
    st.booleans(),
    st.sampled_from([0.3, 0.5, 0.95]),
    st.integers(1, 4),
    st.one_of(st.just("conversation"), st.integers(1, 3)),
    st.booleans(),
)


def _record_until_ended(words: list[str], live: Policy) -> Conversation:
    conversation = Conversation.start(uuid4(), "ana", OPUS, AT)
    for word in words:
        if conversation.ended:
            break
        position = conversation.next_position
        decision = live.decide(conversation.ladder, SCRIPT[word], position, OPUS)
        conversation.record_turn(word, SCRIPT[word], decision, live, WrittenReply("r", "x"), AT)
    return conversation


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=14), POLICIES, st.data())
def test_replaying_the_recorded_policy_reproduces_every_decision(
    words: list[str], live: Policy, data: st.DataObject
) -> None:
    conversation = _record_until_ended(words, live)
    assert check(conversation) == []
    outcome = replay(conversation, live)
    assert outcome.change is Change.UNCHANGED
    assert outcome.first_difference is None
    assert outcome.dropped_turns == 0
    if conversation.turns:
        position = 2 * data.draw(st.integers(0, len(conversation.turns) - 1))
        branch = Conversation.branch(uuid4(), conversation, position, "ana", AT)
        more = data.draw(st.lists(WORDS, max_size=6))
        for word in more:
            if branch.ended:
                break
            decision = live.decide(branch.ladder, SCRIPT[word], branch.next_position, OPUS)
            branch.record_turn(word, SCRIPT[word], decision, live, WrittenReply("r"), AT)
        assert check(branch) == []
        assert replay(branch, live).change is Change.UNCHANGED
