"""The harm ladder of one conversation path, folded from its own decisions.

The ladder is never stored: it is recomputed from the recorded decisions along the
conversation's own path, so a branch made above a warning has no warning, and replay
under another policy folds its own ladder from its own decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.decision import Action, Decision, Rung


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
        harms, redirects, warning = self.harms, self.redirects, self.warning
        streak = self.ordinary_streak
        if decision.ladder_reset:
            harms, redirects, warning, streak = (), (), None, 0
        if decision.harmful:
            harms, streak = (*harms, position), 0
        elif harms:
            streak += 1
        if decision.step is Rung.REDIRECT:
            redirects = (*redirects, position + 1)
        elif decision.step is Rung.WARNING:
            warning = position + 1
        return Ladder(
            harms=harms,
            redirects=redirects,
            warning=warning,
            ordinary_streak=streak,
            crisis_at=position if decision.crisis else self.crisis_at,
            confirmation=(position, position + 1)
            if decision.action is Action.CONFIRM_END
            else None,
            ended=self.ended or decision.action is Action.ENDED,
        )
