"""Policy files: TOML on disk to a validated `Policy`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from domain.errors import InvalidPolicy
from domain.policy import Policy


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
