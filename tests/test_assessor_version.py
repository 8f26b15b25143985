"""The offline assessor's recorded name carries the version and a fingerprint of its rules.

Recorded assessments must say which rule set made them, so a change to any rule (in the
TOML files or in the code that applies them) gives every later assessment a new name, while
edits that cannot change a decision (comments, blank lines, docstrings) keep it.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

import adapters.offline.engine as engine
from adapters.fingerprint import source_fingerprint
from adapters.offline.rulebook import RULES_DIR, load
from adapters.offline_assessor import OfflineAssessor

ELIGIBLE = "eligible = 0.5 "


def _edited_rules(tmp_path: Path, file: str, edit: Callable[[str], str]) -> Path:
    """A copy of the shipped rules with `file` edited in place."""
    copy = tmp_path / "rules"
    shutil.copytree(RULES_DIR, copy)
    path = copy / file
    source = path.read_text(encoding="utf-8")
    edited = edit(source)
    assert edited != source
    path.write_text(edited, encoding="utf-8")
    return copy


def test_every_assessment_names_the_versioned_rule_set() -> None:
    version = tomllib.loads((RULES_DIR / "ruleset.toml").read_text(encoding="utf-8"))["version"]

    name = OfflineAssessor().assess("hello there").assessor

    assert re.fullmatch(rf"offline-rules-{re.escape(version)}-[0-9a-f]{{12}}", name)
    assert name == load().name


def test_a_changed_threshold_is_recorded_under_another_name(tmp_path: Path) -> None:
    rules = _edited_rules(
        tmp_path, "ruleset.toml", lambda s: s.replace(ELIGIBLE, "eligible = 0.45 ", 1)
    )

    recorded = OfflineAssessor(load(rules)).assess("hello there").assessor

    assert recorded.startswith("offline-rules-")
    assert recorded != OfflineAssessor().assess("hello there").assessor


def test_a_changed_pattern_changes_the_name(tmp_path: Path) -> None:
    rules = _edited_rules(tmp_path, "idioms.toml", lambda s: s.replace("bath|photo|", "bath|", 1))

    assert load(rules).name != load().name


def test_a_new_version_changes_the_name(tmp_path: Path) -> None:
    rules = _edited_rules(
        tmp_path, "ruleset.toml", lambda s: re.sub(r'version = "[^"]+"', 'version = "9.9"', s)
    )

    assert load(rules).name.startswith("offline-rules-9.9-")


@pytest.mark.parametrize(
    ("file", "edit"),
    [
        ("ruleset.toml", lambda s: s.replace(ELIGIBLE, "# on the threshold\n" + ELIGIBLE, 1)),
        ("abuse.toml", lambda s: s + "\n\n# a closing remark\n"),
        ("crisis.toml", lambda s: s.replace("\n\n", "\n\n\n", 3)),
    ],
    ids=["comment", "trailing comment", "blank lines"],
)
def test_edits_to_rule_files_that_change_no_rule_keep_the_name(
    tmp_path: Path, file: str, edit: Callable[[str], str]
) -> None:
    assert load(_edited_rules(tmp_path, file, edit)).name == load().name


ENGINE = Path(engine.__file__).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.replace("_WORD = ", "# a comment\n_WORD = ", 1),
        lambda s: s.replace('"""Applies a `Rulebook`', '"""Applies one `Rulebook`', 1),
        lambda s: s.replace("\n\n\n", "\n\n\n\n", 1),
    ],
    ids=["comment", "module docstring", "blank lines"],
)
def test_edits_to_the_engine_that_change_no_rule_keep_its_fingerprint(
    tmp_path: Path, edit: Callable[[str], str]
) -> None:
    edited = tmp_path / "engine.py"
    edited.write_text(edit(ENGINE), encoding="utf-8")
    assert edited.read_text(encoding="utf-8") != ENGINE

    assert source_fingerprint(edited) == source_fingerprint(Path(engine.__file__))


def test_a_changed_engine_changes_its_fingerprint(tmp_path: Path) -> None:
    edited = tmp_path / "engine.py"
    edited.write_text(ENGINE.replace("(1 - rule.value)", "(1 - rule.value / 2)", 1), "utf-8")

    assert source_fingerprint(edited) != source_fingerprint(Path(engine.__file__))
