"""Property tests: the rules hold for any sequence of assessed user messages.

Each invariant is checked from the recorded actions themselves, not from the ladder
the policy keeps, so a bug in the ladder cannot hide a broken rule.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.assessment import Assessment, Category, Crisis, Intent
from domain.conversation import Conversation
from domain.decision import Action, EndReason
from domain.errors import ConversationEnded
from domain.events import Rating
from domain.policy import Policy
from domain.ports import WrittenReply

AT = datetime(2026, 1, 1, tzinfo=UTC)
ABLE, UNABLE = "claude-opus-4-1", "claude-sonnet-4"

assessments = st.builds(
    Assessment,
    category=st.sampled_from(list(Category)),
    severity=st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0]),
    crisis=st.sampled_from([Crisis.NONE] * 8 + [Crisis.SELF_HARM, Crisis.HARM_TO_OTHERS]),
    intent=st.sampled_from([Intent.NONE] * 5 + list(Intent)),
)
policies = st.builds(
    Policy,
    version=st.just("prop"),
    min_redirects=st.integers(0, 4),
    warning_required=st.booleans(),
    min_severity=st.sampled_from([0.5, 0.8]),
    reset_after_ordinary_turns=st.integers(1, 6),
    crisis_window_turns=st.one_of(st.none(), st.integers(1, 5)),
)


def run(policy: Policy, model: str, messages: list[Assessment]) -> Conversation:
    conversation = Conversation.start(uuid4(), "alice", model, AT)
    for assessment in messages:
        if conversation.ended is not None:
            with pytest.raises(ConversationEnded):
                conversation.record_turn(
                    "x", assessment, _any_decision(policy), policy, WrittenReply("x"), AT
                )
            continue
        position = conversation.next_position
        decision = policy.decide(conversation.ladder, assessment, position, model)
        conversation.record_turn("x", assessment, decision, policy, WrittenReply("r"), AT)
    return conversation


def _any_decision(policy: Policy):  # type: ignore[no-untyped-def]
    from domain.ladder import Ladder

    return policy.decide(Ladder(), Assessment(), 0, ABLE)


@settings(max_examples=400, deadline=None)
@given(policies, st.sampled_from([ABLE, UNABLE]), st.lists(assessments, max_size=30))
def test_harm_endings_follow_redirects_and_a_warning(
    policy: Policy, model: str, messages: list[Assessment]
) -> None:
    turns = run(policy, model, messages).turns
    for i, turn in enumerate(turns):
        if turn.decision.reason is not EndReason.PERSISTENT_HARM:
            continue
        run_start = max((j + 1 for j in range(i) if turns[j].decision.ladder_reset), default=0)
        ladder = turns[run_start:i]
        redirects = [j for j, t in enumerate(ladder) if t.decision.action is Action.REDIRECT]
        assert len(redirects) >= policy.min_redirects
        assert policy.is_harmful(turn.assessment)
        if policy.warning_required:
            after = (
                ladder[redirects[policy.min_redirects - 1] + 1 :]
                if policy.min_redirects
                else ladder
            )
            assert any(t.decision.action is Action.WARNING for t in after)


@settings(max_examples=400, deadline=None)
@given(policies, st.sampled_from([ABLE, UNABLE]), st.lists(assessments, max_size=30))
def test_no_ending_or_warning_inside_a_crisis_window(
    policy: Policy, model: str, messages: list[Assessment]
) -> None:
    turns = run(policy, model, messages).turns
    crises = [t.position for t in turns if t.assessment.crisis is not Crisis.NONE]
    for turn in turns:
        if turn.decision.action not in (Action.ENDED, Action.WARNING, Action.CONFIRM_END):
            continue
        for crisis_at in crises:
            if crisis_at > turn.position:
                continue
            window = policy.crisis_window_turns
            assert window is not None and (turn.position - crisis_at) // 2 >= window


@settings(max_examples=400, deadline=None)
@given(policies, st.sampled_from([ABLE, UNABLE]), st.lists(assessments, max_size=30))
def test_requested_endings_need_a_confirmation_question_then_a_confirmation(
    policy: Policy, model: str, messages: list[Assessment]
) -> None:
    turns = run(policy, model, messages).turns
    for i, turn in enumerate(turns):
        if turn.decision.reason is EndReason.USER_REQUEST:
            assert i > 0 and turns[i - 1].decision.action is Action.CONFIRM_END
            assert turn.assessment.intent in (Intent.CONFIRM_END, Intent.END_REQUEST)


@settings(max_examples=300, deadline=None)
@given(policies, st.lists(assessments, max_size=30))
def test_a_model_without_the_ability_never_warns_or_ends(
    policy: Policy, messages: list[Assessment]
) -> None:
    conversation = run(policy, UNABLE, messages)
    assert conversation.ended is None
    assert all(
        t.decision.action not in (Action.ENDED, Action.WARNING, Action.CONFIRM_END)
        for t in conversation.turns
    )


@settings(max_examples=200, deadline=None)
@given(policies, st.lists(assessments, min_size=1, max_size=30))
def test_nothing_but_feedback_after_the_end(policy: Policy, messages: list[Assessment]) -> None:
    conversation = run(policy, ABLE, messages)
    if conversation.ended is None:
        return
    events = conversation.collect_events()
    ended_at = next(i for i, e in enumerate(events) if type(e).__name__ == "Ended")
    assert ended_at == len(events) - 1
    conversation.give_feedback("alice", Rating.DOWN, "surprised", None, AT)
    assert type(conversation.collect_events()[-1]).__name__ == "FeedbackGiven"


def test_the_default_ladder_is_two_redirects_a_warning_then_the_end() -> None:
    harm = Assessment(Category.CBRN_WEAPONS, 0.9)
    policy = Policy(version="t")
    actions = [t.decision.action for t in run(policy, ABLE, [harm] * 6).turns]
    assert actions == [Action.REDIRECT, Action.REDIRECT, Action.WARNING, Action.ENDED]


def test_backing_off_resets_the_ladder_and_says_so() -> None:
    harm, ordinary = Assessment(Category.ABUSE_OF_ASSISTANT, 0.9), Assessment()
    policy = Policy(version="t", reset_after_ordinary_turns=2)
    turns = run(policy, ABLE, [harm, harm, harm, ordinary, ordinary, harm, harm]).turns
    assert [t.decision.action for t in turns] == [
        Action.REDIRECT,
        Action.REDIRECT,
        Action.WARNING,
        Action.REPLY,
        Action.REPLY,
        Action.REDIRECT,
        Action.REDIRECT,
    ]
    assert [t.decision.ladder_reset for t in turns].index(True) == 4


def test_without_the_ability_history_records_what_would_have_happened() -> None:
    harm = Assessment(Category.MASS_CASUALTY_VIOLENCE, 0.95)
    turns = run(Policy(version="t"), UNABLE, [harm] * 4).turns
    assert [t.decision.would_have for t in turns] == [None, None, Action.WARNING, Action.ENDED]
    assert all(t.decision.action is Action.REDIRECT for t in turns)
    assert turns[-1].decision.stopped_by == "model_without_ending"


def test_a_crisis_vetoes_the_ending_and_records_the_veto() -> None:
    crisis = Assessment(crisis=Crisis.SELF_HARM)
    abuse = Assessment(Category.ABUSE_OF_ASSISTANT, 0.8)
    turns = run(Policy(version="t"), ABLE, [crisis, abuse, abuse, abuse, abuse]).turns
    assert [t.decision.action for t in turns] == [
        Action.CRISIS_SUPPORT,
        Action.REDIRECT,
        Action.REDIRECT,
        Action.CRISIS_SUPPORT,
        Action.CRISIS_SUPPORT,
    ]
    assert [t.decision.would_have for t in turns[3:]] == [Action.WARNING, Action.WARNING]
    assert turns[-1].decision.stopped_by == "crisis_signal"


def test_the_ending_cites_the_ladder_it_rests_on() -> None:
    harm = Assessment(Category.CHILD_SEXUAL_CONTENT, 1.0)
    ending = run(Policy(version="t"), ABLE, [harm] * 4).turns[-1].decision
    assert ending.cites == (0, 1, 2, 3, 4, 5, 6)
    assert ending.rule == "harm.end" and ending.reason is EndReason.PERSISTENT_HARM
