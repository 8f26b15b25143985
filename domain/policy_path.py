"""One policy's own way through a conversation: the fold that replay, the policies in
shadow and `verify` share, so that they agree."""

from __future__ import annotations

from collections.abc import Iterable

from domain.assessment import Assessment
from domain.decision import Decision
from domain.events import Turn
from domain.ladder import Ladder
from domain.policy import Policy


class PolicyPath:
    """One policy's own way through a conversation's recorded assessments: its ladder is
    folded from its own decisions (not the recorded ones) until it ends the conversation.

    Replay, the decisions of policies in shadow and `verify`'s check of them all walk
    this one path, so a shadow decision recorded on a turn is exactly what replaying its
    policy over the same turns gives.
    """

    def __init__(self, policy: Policy, model: str, ladder: Ladder | None = None) -> None:
        self.policy = policy
        self.model = model
        self.ladder = Ladder() if ladder is None else ladder

    def follow(self, turns: Iterable[Turn]) -> None:
        """Decide `turns` in order, stopping where the policy ends the conversation."""
        for turn in turns:
            if self.ended:
                break
            self.decide(turn.assessment, turn.position)

    @property
    def ended(self) -> bool:
        """Whether this policy has ended the conversation: it decides nothing more in it."""
        return self.ladder.ended

    def decide(self, assessment: Assessment, position: int) -> Decision:
        """The policy's decision on the user message at `position`; its ladder moves on."""
        decision = self.policy.decide(self.ladder, assessment, position, self.model)
        self.ladder = self.ladder.advance(position, decision)
        return decision
