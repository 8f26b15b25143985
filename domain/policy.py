"""The ending policy: a pure, versioned function from (ladder, assessment, model) to a decision.

Its parameters come from a policy file (TOML). `Policy.from_mapping` validates them and
names the offending key, so a typo in a candidate policy never silently changes behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from domain.assessment import Assessment, Category, Crisis, Intent
from domain.decision import Action, Decision, EndReason, Rung, StoppedBy
from domain.errors import InvalidPolicy
from domain.ladder import Ladder

DEFAULT_CATEGORIES = (
    Category.CHILD_SEXUAL_CONTENT,
    Category.MASS_CASUALTY_VIOLENCE,
    Category.CBRN_WEAPONS,
    Category.ABUSE_OF_ASSISTANT,
)
WHOLE_CONVERSATION = "conversation"


@dataclass(frozen=True)
class Policy:
    """Parameters in force for a decision; recorded with every decision it makes."""

    version: str
    min_redirects: int = 2
    warning_required: bool = True
    min_severity: float = 0.5
    eligible_categories: tuple[Category, ...] = DEFAULT_CATEGORIES
    reset_after_ordinary_turns: int = 4
    crisis_window_turns: int | None = None
    models_with_ending: tuple[str, ...] = ("claude-opus-4", "claude-opus-4-1")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Policy:
        """Build a policy from a parsed policy file, rejecting anything doubtful."""
        return cls(**_validated(data))

    def to_mapping(self) -> dict[str, Any]:
        """The policy in its file form (the inverse of `from_mapping`)."""
        data = asdict(self)
        data["eligible_categories"] = [str(c) for c in self.eligible_categories]
        data["models_with_ending"] = list(self.models_with_ending)
        window = data.pop("crisis_window_turns")
        data["crisis_window"] = WHOLE_CONVERSATION if window is None else window
        return data

    def can_end(self, model: str) -> bool:
        return model in self.models_with_ending

    def is_harmful(self, assessment: Assessment) -> bool:
        return (
            assessment.category in self.eligible_categories
            and assessment.severity >= self.min_severity
        )

    def in_crisis(self, ladder: Ladder, assessment: Assessment, position: int) -> bool:
        """Whether a crisis signal (now or inside the window) forbids warning or ending."""
        if assessment.crisis is not Crisis.NONE:
            return True
        if ladder.crisis_at is None:
            return False
        if self.crisis_window_turns is None:
            return True
        return (position - ladder.crisis_at) // 2 < self.crisis_window_turns

    def decide(self, ladder: Ladder, assessment: Assessment, position: int, model: str) -> Decision:
        """The assistant's action for the user message at `position`."""
        harmful = self.is_harmful(assessment)
        crisis = assessment.crisis is not Crisis.NONE
        base = _Base(self, model, harmful, crisis)
        in_crisis = self.in_crisis(ladder, assessment, position)
        able = self.can_end(model)

        if crisis:
            step = self._harm_step(ladder) if harmful else None
            if step in (Rung.WARNING, Rung.END):
                return base.vetoed(_SHOWN[step], "crisis.support", str(assessment.category))
            return base.make(Action.CRISIS_SUPPORT, "crisis.support")
        if ladder.confirmation is not None and assessment.intent in (
            Intent.CONFIRM_END,
            Intent.END_REQUEST,
        ):
            request, question = ladder.confirmation
            if in_crisis:
                return base.vetoed(Action.ENDED, "user_request.vetoed_by_crisis")
            return base.make(
                Action.ENDED,
                "user_request.confirmed",
                reason=EndReason.USER_REQUEST,
                cites=(request, question, position),
            )
        if assessment.intent is Intent.END_REQUEST:
            if in_crisis:
                return base.vetoed(Action.CONFIRM_END, "end_request.vetoed_by_crisis")
            if not able:
                return base.make(
                    Action.REPLY,
                    "end_request.unavailable",
                    would_have=Action.CONFIRM_END,
                    stopped_by=StoppedBy.MODEL_WITHOUT_ENDING,
                )
            return base.make(Action.CONFIRM_END, "end_request.confirm")
        if harmful:
            return self._climb(base, ladder, assessment, position, in_crisis, able)
        if ladder.confirmation is not None and assessment.intent is Intent.DECLINE_END:
            return base.make(Action.REPLY, "end_request.declined")
        reset = ladder.active and ladder.ordinary_streak + 1 >= self.reset_after_ordinary_turns
        return base.make(Action.REPLY, "ordinary.reply", ladder_reset=reset)

    def _harm_step(self, ladder: Ladder) -> Rung:
        if len(ladder.redirects) < self.min_redirects:
            return Rung.REDIRECT
        if self.warning_required and ladder.warning is None:
            return Rung.WARNING
        return Rung.END

    def _climb(
        self,
        base: _Base,
        ladder: Ladder,
        assessment: Assessment,
        position: int,
        in_crisis: bool,
        able: bool,
    ) -> Decision:
        step = self._harm_step(ladder)
        behaviour = str(assessment.category)
        if step is Rung.REDIRECT:
            return base.make(Action.REDIRECT, "harm.redirect", step=step, behaviour=behaviour)
        if in_crisis:
            return base.vetoed(_SHOWN[step], f"harm.{step}.vetoed_by_crisis", behaviour)
        if step is Rung.WARNING:
            if not able:
                return base.make(
                    Action.REDIRECT,
                    "harm.warning.unavailable",
                    step=step,
                    would_have=Action.WARNING,
                    stopped_by=StoppedBy.MODEL_WITHOUT_ENDING,
                    behaviour=behaviour,
                )
            return base.make(Action.WARNING, "harm.warning", step=step, behaviour=behaviour)
        if not able:
            return base.make(
                Action.REDIRECT,
                "harm.end.unavailable",
                step=step,
                would_have=Action.ENDED,
                stopped_by=StoppedBy.MODEL_WITHOUT_ENDING,
                behaviour=behaviour,
            )
        cites = sorted(
            {*ladder.harms, *ladder.redirects, position}
            | ({ladder.warning} if ladder.warning is not None else set())
        )
        return base.make(
            Action.ENDED,
            "harm.end",
            step=step,
            reason=EndReason.PERSISTENT_HARM,
            cites=tuple(cites),
            behaviour=behaviour,
        )


@dataclass(frozen=True)
class InForce:
    """The policies a turn is decided under, read together so that a turn sees one state of
    the registry: the live one, whose decision the user gets, and those in shadow, whose
    decisions are only recorded beside it."""

    live: Policy
    shadows: tuple[Policy, ...] = ()


@dataclass(frozen=True)
class _Base:
    """The fields every decision of one `decide` call shares."""

    policy: Policy
    model: str
    harmful: bool
    crisis: bool

    def make(self, action: Action, rule: str, **fields: Any) -> Decision:
        return Decision(
            action=action,
            rule=rule,
            policy_version=self.policy.version,
            model=self.model,
            harmful=self.harmful,
            crisis=self.crisis,
            **fields,
        )

    def vetoed(self, would_have: Action, rule: str, behaviour: str | None = None) -> Decision:
        """Crisis support instead of a warning or an ending the ladder called for."""
        return self.make(
            Action.CRISIS_SUPPORT,
            rule,
            would_have=would_have,
            stopped_by=StoppedBy.CRISIS_SIGNAL,
            behaviour=behaviour,
        )


_SHOWN = {Rung.REDIRECT: Action.REDIRECT, Rung.WARNING: Action.WARNING, Rung.END: Action.ENDED}


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "version": str,
    "min_redirects": int,
    "warning_required": bool,
    "min_severity": (int, float),
    "eligible_categories": list,
    "reset_after_ordinary_turns": int,
    "crisis_window": (str, int),
    "models_with_ending": list,
}


def _validated(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a policy file's keys, types and ranges; name the key that is wrong."""
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise InvalidPolicy(f"unknown key {unknown[0]!r} (allowed: {', '.join(_FIELDS)})")
    if "version" not in data:
        raise InvalidPolicy("missing key 'version'")
    for key, value in data.items():
        expected = _FIELDS[key]
        if isinstance(value, bool) and expected is not bool:
            raise InvalidPolicy(f"{key!r} must not be a boolean")
        if not isinstance(value, expected):
            names = (
                expected.__name__
                if isinstance(expected, type)
                else " or ".join(t.__name__ for t in expected)
            )
            raise InvalidPolicy(f"{key!r} must be of type {names}, got {type(value).__name__}")
    out: dict[str, Any] = {k: v for k, v in data.items() if k != "crisis_window"}
    if not str(data["version"]).strip():
        raise InvalidPolicy("'version' must not be empty")
    if out.get("min_redirects", 0) < 0:
        raise InvalidPolicy("'min_redirects' must be at least 0")
    if out.get("reset_after_ordinary_turns", 1) < 1:
        raise InvalidPolicy("'reset_after_ordinary_turns' must be at least 1")
    if "min_severity" in out:
        severity = float(out["min_severity"])
        if not 0.0 < severity <= 1.0:
            raise InvalidPolicy("'min_severity' must be within (0, 1]")
        out["min_severity"] = severity
    if "eligible_categories" in data:
        out["eligible_categories"] = _categories(data["eligible_categories"])
    if "models_with_ending" in data:
        models = data["models_with_ending"]
        if not all(isinstance(m, str) and m.strip() for m in models):
            raise InvalidPolicy("'models_with_ending' must be a list of model names")
        out["models_with_ending"] = tuple(models)
    if "crisis_window" in data:
        out["crisis_window_turns"] = _crisis_window(data["crisis_window"])
    return out


def _categories(values: list[Any]) -> tuple[Category, ...]:
    known = {str(c) for c in Category if c is not Category.NONE}
    for value in values:
        if value not in known:
            raise InvalidPolicy(
                f"'eligible_categories' has unknown category {value!r} "
                f"(known: {', '.join(sorted(known))})"
            )
    return tuple(Category(v) for v in dict.fromkeys(values))


def _crisis_window(value: str | int) -> int | None:
    if isinstance(value, str):
        if value != WHOLE_CONVERSATION:
            raise InvalidPolicy(
                f"'crisis_window' must be {WHOLE_CONVERSATION!r} or a number of user turns"
            )
        return None
    if value < 1:
        raise InvalidPolicy("'crisis_window' must be at least 1 user turn")
    return value
