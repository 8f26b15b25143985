"""The command line as an operator meets it: each mistake is one line and exit 2, a command run
outside a checkout creates nothing, and the embedded Postgres keeps its chatter in a log."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from application.policies import DEFAULT_POLICY_FILE, load_policy
from bootstrap.settings import Settings, reference_table
from tests import procs
from tests.waiting import wait_until

CLI = [sys.executable, "-m", "cli.main"]
ROOT = Path(__file__).resolve().parent.parent
SECRET = "cli-test-secret-" + "x" * 32
SEEDED = f"policy registry seeded: {load_policy(DEFAULT_POLICY_FILE).version} is live"


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`lastresort ARGS` in `cwd` with none of the developer's lastresort settings."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LASTRESORT_", "ANTHROPIC")) and k != "DATABASE_URL"
    }
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [*CLI, *args], cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LASTRESORT_TURN_DEADLINE_SECONDS", "0"),
        ("LASTRESORT_TURN_DEADLINE_SECONDS", "abc"),
        ("LASTRESORT_MAX_TEXT_CHARS", "-5"),
        ("LASTRESORT_ENV", "prod"),
    ],
)
def test_a_bad_setting_is_refused_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = _run(
        ["token", "--user", "ana"], tmp_path, LASTRESORT_SECRET=SECRET, **{variable: value}
    )
    line = _one_error_line(result)
    assert variable in line and repr(value) in line
    assert result.stdout == ""


def test_token_outside_a_checkout_says_what_to_set_and_creates_nothing(tmp_path: Path) -> None:
    result = _run(["token", "--user", "ana"], tmp_path)
    line = _one_error_line(result)
    assert "LASTRESORT_SECRET" in line and "LASTRESORT_HOME" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["verify"], ["replay", "--check"]])
def test_an_unmigrated_database_asks_for_migrate(
    fresh_database: Callable[[], str], tmp_path: Path, command: list[str]
) -> None:
    result = _run(command, tmp_path, DATABASE_URL=fresh_database())
    assert "run `lastresort migrate`" in _one_error_line(result)


def test_migrate_with_a_database_url_makes_no_home(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_database()
    result = _run(["migrate"], tmp_path, DATABASE_URL=url)
    assert (result.returncode, result.stdout) == (0, f"{SEEDED}\ndatabase is up to date\n"), (
        result.stderr
    )
    assert list(tmp_path.iterdir()) == []
    verified = _run(["verify"], tmp_path, DATABASE_URL=url)
    assert verified.returncode == 0 and verified.stdout.endswith("clean\n"), verified.stderr


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = _run(["verify"], tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:1/none")
    assert "the database cannot be used" in _one_error_line(result)


def test_migrate_outside_a_checkout_makes_the_home_here_and_keeps_postgres_quiet(
    tmp_path: Path,
) -> None:
    result = _run(["migrate"], tmp_path)
    assert result.returncode == 0, result.stderr
    home = tmp_path / ".lastresort"
    assert result.stdout.splitlines() == [
        f"lastresort home: {home} (new here; set LASTRESORT_HOME to keep it elsewhere)",
        SEEDED,
        "database is up to date",
    ]
    assert "initdb" not in result.stderr and "Running upgrade" not in result.stderr
    assert "initdb" in (home / "postgres.log").read_text()
    assert "Running upgrade" in (home / "migrate.log").read_text()
    # The home made here is found again from here: a token is signed with its secret.
    token = _run(["token", "--user", "ana"], tmp_path)
    assert token.returncode == 0, token.stderr
    assert (home / "secret").exists()


def test_serve_demo_prints_the_sign_in_link_once_listening(
    fresh_database: Callable[[], str], tmp_path: Path
) -> None:
    proc, _ = procs.serve(fresh_database(), tmp_path, "--demo")
    try:
        try:
            wait_until(lambda: "/audit/sign-in#token=" in proc.output(), 30, "the sign-in link")
        except TimeoutError:
            pytest.fail(proc.output())
    finally:
        proc.stop()
    lines = proc.output().splitlines()
    link = next(i for i, line in enumerate(lines) if "/audit/sign-in#token=" in line)
    listening = next(i for i, line in enumerate(lines) if "Uvicorn running on" in line)
    assert listening < link


def test_keyword_settings_read_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-the-shell")
    monkeypatch.setenv("LASTRESORT_MAX_TEXT_CHARS", "12")
    assert Settings(database_url="postgresql://x/y").anthropic_api_key is None
    from_env = Settings.from_env()
    assert (from_env.anthropic_api_key, from_env.max_text_chars) == ("sk-from-the-shell", 12)


def test_the_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    assert reference_table() in readme, "README's configuration table differs:\n" + (
        reference_table()
    )


def test_only_the_settings_read_the_environment() -> None:
    reads = re.compile(r"os\.environ|getenv\(")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("api", "adapters", "projections", "domain", "cli")
        for path in (ROOT / folder).rglob("*.py")
        if reads.search(path.read_text())
    ]
    assert offenders == []


def test_commands_that_need_only_a_database_do_not_load_the_http_app_or_the_models() -> None:
    """`project`, `migrate`, `token`… start in well under a second: the command line imports
    the HTTP app, the models' SDK and the container only inside the commands that use them."""
    heavy = ("api.app", "anthropic", "bootstrap.container", "strawberry")
    code = f"import sys, cli.main, cli.serve; print([m for m in {heavy} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=procs.ROOT
    )
    assert loaded.stdout.strip() == "[]"
