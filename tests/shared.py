"""The shared example conversations (`shared/` beside the project's folder)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

_CANDIDATES = [
    os.environ.get("LASTRESORT_SCENARIOS", ""),
    str(Path(__file__).resolve().parents[2] / "shared" / "scenarios" / "examples.json"),
    "/work/shared/scenarios/examples.json",
]
SCENARIOS = next((Path(p) for p in _CANDIDATES if p and Path(p).is_file()), Path(_CANDIDATES[1]))


def scenarios() -> list[dict[str, Any]]:
    return list(json.loads(SCENARIOS.read_text())["scenarios"])
