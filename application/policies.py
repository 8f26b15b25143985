"""Policy files: TOML on disk to a validated `Policy`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from domain.errors import InvalidPolicy
from domain.policy import Policy

# The policy in force unless `LASTRESORT_POLICY` names another; measurements compare to it.
DEFAULT_POLICY_FILE = Path(__file__).resolve().parent.parent / "policies" / "default.toml"


def load_policy(path: Path) -> Policy:
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise InvalidPolicy(f"{path}: no such policy file") from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidPolicy(f"{path}: not valid TOML: {error}") from None
    try:
        return Policy.from_mapping(data)
    except InvalidPolicy as error:
        raise InvalidPolicy(f"{path}: {error.message}") from None
