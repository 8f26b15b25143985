"""The offline assessor's recorded name carries a fingerprint of its rules.

Recorded assessments must say which rule set made them, so a change to any rule gives
every later assessment a new name, while edits that cannot change a decision (comments,
docstrings, blank lines) keep it.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

import adapters.offline_assessor as shipped
from adapters.fingerprint import source_fingerprint
from adapters.offline_assessor import OfflineAssessor

SOURCE = Path(shipped.__file__).read_text(encoding="utf-8")
ELIGIBLE = "_ELIGIBLE = 0.5\n"


def _load(tmp_path: Path, source: str) -> ModuleType:
    """The assessor module as it would be with `source` (a rule set edited in place)."""
    path = tmp_path / "edited_offline_assessor.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("edited_offline_assessor", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and annotations look the module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_every_assessment_names_the_versioned_rule_set() -> None:
    name = OfflineAssessor().assess("hello there").assessor

    assert re.fullmatch(r"offline-[0-9a-f]{12}", name)
    assert name == f"offline-{source_fingerprint(Path(shipped.__file__))}"


def test_a_changed_rule_is_recorded_under_another_name(tmp_path: Path) -> None:
    assert ELIGIBLE in SOURCE
    edited = _load(tmp_path, SOURCE.replace(ELIGIBLE, "_ELIGIBLE = 0.45\n", 1))

    recorded = edited.OfflineAssessor().assess("hello there").assessor

    assert recorded.startswith("offline-")
    assert recorded != OfflineAssessor().assess("hello there").assessor


def test_a_changed_pattern_changes_the_fingerprint(tmp_path: Path) -> None:
    original = tmp_path / "a.py"
    original.write_text(SOURCE, encoding="utf-8")
    changed = tmp_path / "b.py"
    changed.write_text(SOURCE.replace("bath|photo|", "bath|", 1), encoding="utf-8")

    assert source_fingerprint(original) != source_fingerprint(changed)


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.replace(ELIGIBLE, "# a comment on the threshold\n" + ELIGIBLE, 1),
        lambda s: s.replace(ELIGIBLE, ELIGIBLE + "\n\n", 1),
        lambda s: s.replace('"""The default assessor:', '"""The shipped default assessor:', 1),
        lambda s: s.replace(
            "        t = _normalise(text)\n",
            "        # reworded\n        t = _normalise(text)\n",
            1,
        ),
    ],
    ids=["comment", "blank lines", "module docstring", "comment in a method"],
)
def test_edits_that_change_no_rule_keep_the_name(
    tmp_path: Path, edit: Callable[[str], str]
) -> None:
    edited_source = edit(SOURCE)
    assert edited_source != SOURCE
    edited = tmp_path / "edited.py"
    edited.write_text(edited_source, encoding="utf-8")

    assert source_fingerprint(edited) == source_fingerprint(Path(shipped.__file__))
