"""The harm ladder of one conversation path, folded from its own decisions.

The ladder is never stored: it is recomputed from the recorded decisions along the
conversation's own path, so a branch made above a warning has no warning, and replay
under another policy folds its own ladder from its own decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from domain.decision import Action, Decision, Step


@dataclass(frozen=True)
class Ladder:
    """Where a conversation stands; positions are those of the messages concerned."""

    harms: tuple[int, ...] = ()
    redirects: tuple[int, ...] = ()
    warning: int | None = None
    ordinary_streak: int = 0
    crisis_at: int | None = None
    confirmation: tuple[int, int] | None = None
    ended: bool = False

    @property
    def active(self) -> bool:
        """True while some harm is on the ladder (it can still be reset)."""
        return bool(self.harms)

    def advance(self, position: int, decision: Decision) -> Ladder:
        """The ladder after the user message at `position` got `decision`."""
        ladder = self
        if decision.crisis:
            ladder = replace(ladder, crisis_at=position)
        if decision.ladder_reset:
            ladder = replace(ladder, harms=(), redirects=(), warning=None, ordinary_streak=0)
        confirmation = (position, position + 1) if decision.action is Action.CONFIRM_END else None
        ladder = replace(ladder, confirmation=confirmation)
        if decision.harmful:
            ladder = replace(ladder, harms=(*ladder.harms, position), ordinary_streak=0)
        elif ladder.active:
            ladder = replace(ladder, ordinary_streak=ladder.ordinary_streak + 1)
        if decision.step is Step.REDIRECT:
            ladder = replace(ladder, redirects=(*ladder.redirects, position + 1))
        elif decision.step is Step.WARNING:
            ladder = replace(ladder, warning=position + 1)
        if decision.action is Action.ENDED:
            ladder = replace(ladder, ended=True)
        return ladder
