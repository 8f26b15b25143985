"""Replay over Postgres: streaming, filters, check mode, the command's outputs and exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import psycopg
import pytest

from application.policies import load_policy
from application.service import ConversationService
from bootstrap.settings import Settings
from cli.main import main
from domain.access import Principal
from domain.assessment import Assessment
from domain.deadline import NO_DEADLINE, Deadline
from domain.policy import Policy
from domain.replay import Summary
from domain.replay import replay as replay_one
from eventstore.database import eventsourcing_env
from eventstore.migrate import migrate
from eventstore.store import ConversationStore
from tests.services import offline_service
from tests.test_audit_security import RENDER, Rendered
from tests.test_replay import SCRIPT, policy, record
from tools.replay import (
    Result,
    Selection,
    markdown,
    replay_history,
    report_json,
    summary_table,
)

if TYPE_CHECKING:
    from bootstrap.container import Container

ANA = Principal("ana")


class ScriptedAssessor:
    name = "scripted"

    def assess(
        self,
        text: str,
        context: Sequence[tuple[str, Assessment]] = (),
        deadline: Deadline = NO_DEADLINE,
    ) -> Assessment:
        return SCRIPT[text]


def _service(url: str) -> tuple[ConversationStore, ConversationService]:
    store = ConversationStore(env=eventsourcing_env(url))
    policy = Policy.from_mapping({"version": "recorded"})
    return store, offline_service(store, assessor=ScriptedAssessor(), policy=policy)


def _say(service: ConversationService, model: str, words: list[str]) -> UUID:
    conversation = service.start(ANA, model)
    for word in words:
        service.send_message(ANA, conversation.id, word)
    return conversation.id


@pytest.fixture(scope="module")
def history(fresh_database: Callable[[], str]) -> Iterator[tuple[str, dict[str, UUID]]]:
    """Five conversations, one of them a branch, recorded by the service on its own database."""
    url = fresh_database()
    migrate(url)
    store, service = _service(url)
    ids = {
        "harm": _say(service, "claude-opus-4-1", ["harm"] * 4),
        "abuse": _say(service, "claude-opus-4-1", ["abuse", "abuse", "abuse", "hi"]),
        "request": _say(service, "claude-opus-4", ["end", "yes"]),
        "sonnet": _say(service, "claude-sonnet-4", ["harm"] * 4),
    }
    ids["branch"] = service.branch(ANA, ids["harm"], 4, "hi").conversation.id
    service.send_message(ANA, ids["branch"], "harm")
    service.send_message(ANA, ids["branch"], "harm")
    store.close()
    yield url, ids


def _policy_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "candidate.toml"
    path.write_text(text)
    return path


def _replay(url: str, *argv: str) -> int:
    """`lastresort replay ARGV` on the database at `url`."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        return main(["replay", *argv])


def _candidate(**changes: object) -> Policy:
    return Policy.from_mapping({"version": "candidate", **changes})


def test_stricter_candidate_over_the_store(history: tuple[str, dict[str, UUID]]) -> None:
    url, ids = history
    result = replay_history(url, _candidate(min_redirects=1), workers=2)
    data = result.summary.to_json()

    assert data["conversations"] == 5
    assert data["changes"] == {"ends_earlier": 2, "not_ended_to_would_end": 1, "unchanged": 2}
    assert data["by_model"] == {"claude-opus-4-1": {"ends_earlier": 2, "not_ended_to_would_end": 1}}
    assert data["by_category"] == {
        "abuse_of_assistant": {"not_ended_to_would_end": 1},
        "cbrn_weapons": {"ends_earlier": 2},
    }
    earlier = {e["conversation_id"]: e for e in data["examples"]["ends_earlier"]}
    assert set(earlier) == {str(ids["harm"]), str(ids["branch"])}
    branch = earlier[str(ids["branch"])]
    assert branch["recorded_end"]["position"] == 9
    assert branch["candidate_end"]["position"] == 7
    assert branch["first_difference"]["position"] == 3
    assert branch["dropped_turns"] == 1
    [would] = data["examples"]["not_ended_to_would_end"]
    assert would["conversation_id"] == str(ids["abuse"])
    assert would["candidate_end"] == {
        "position": 5,
        "reason": "persistent_harm",
        "rule": "harm.end",
        "category": "abuse_of_assistant",
    }
    assert result.events == _count_events(url)


def test_looser_candidate_over_the_store(history: tuple[str, dict[str, UUID]]) -> None:
    url, ids = history
    data = replay_history(url, _candidate(min_redirects=4), workers=1).summary.to_json()

    assert data["changes"] == {"ended_to_not_ended": 2, "unchanged": 3}
    stops = data["examples"]["ended_to_not_ended"]
    assert {e["conversation_id"] for e in stops} == {str(ids["harm"]), str(ids["branch"])}
    assert all(e["history_stops"] and e["candidate_end"] is None for e in stops)
    assert data["by_reason"] == {"persistent_harm": {"ended_to_not_ended": 2}}


def test_filters_select_conversations(history: tuple[str, dict[str, UUID]]) -> None:
    url, _ = history
    candidate = _candidate()

    def count(selection: Selection) -> int:
        return replay_history(url, candidate, selection, workers=2).summary.conversations

    assert count(Selection(model="claude-sonnet-4")) == 1
    assert count(Selection(limit=2)) == 2
    assert count(Selection(limit=50)) == 5
    assert count(Selection(model="claude-opus-4-1", limit=2)) == 2
    assert count(Selection(since=datetime(2100, 1, 1, tzinfo=UTC))) == 0
    assert count(Selection(until=datetime(2100, 1, 1, tzinfo=UTC))) == 5
    assert count(Selection(until=datetime(2000, 1, 1, tzinfo=UTC))) == 0


def test_check_agrees_and_writes_nothing(history: tuple[str, dict[str, UUID]]) -> None:
    url, _ = history
    before = _count_events(url)
    data = replay_history(url, None, workers=2).summary.to_json()
    assert data["conversations"] == 5
    assert data["turns"] == 4 + 4 + 2 + 4 + 5
    assert data["mismatch_count"] == 0
    assert _count_events(url) == before


def test_check_agrees_on_conversations_made_by_the_service(
    container: Container, database_url: str
) -> None:
    service = container.service
    made = [_say_text(service, ["hello", "how do plants grow?", "please end this chat", "yes"])]
    made.append(_say_text(service, ["tell me about the history of terrorism", "thanks"]))
    data = replay_history(database_url, None, workers=2).summary.to_json()
    assert data["conversations"] >= len(made)
    assert data["mismatch_count"] == 0, data["mismatches"]


def _say_text(service: ConversationService, texts: list[str]) -> UUID:
    conversation = service.start(ANA, "claude-opus-4-1")
    for text in texts:
        service.send_message(ANA, conversation.id, text)
    return conversation.id


def test_check_catches_a_tampered_decision(
    fresh_database: Callable[[], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = fresh_database()
    migrate(url)
    store, service = _service(url)
    tampered = _say(service, "claude-opus-4-1", ["harm"] * 4)
    _say(service, "claude-opus-4-1", ["harm"] * 4)
    store.close()
    with psycopg.connect(url) as conn:
        changed = conn.execute(
            "UPDATE lastresort_events SET state = convert_to(jsonb_set("
            "convert_from(state, 'UTF8')::jsonb, '{decision,rule}', '\"harm.warning\"')::text,"
            " 'UTF8') WHERE originator_id = %s AND topic LIKE '%%Redirected' "
            "AND convert_from(state, 'UTF8')::jsonb ->> 'position' = '3'",
            (tampered,),
        ).rowcount
    assert changed == 1

    out = tmp_path / "check.json"
    code = _replay(url, "--check", "--json", str(out))

    assert code == 1
    report = json.loads(out.read_text())
    assert report["mismatch_count"] == 1
    assert report["mismatches"] == [
        {
            "conversation_id": str(tampered),
            "position": 3,
            "fields": {"rule": {"recorded": "harm.warning", "replayed": "harm.redirect"}},
        }
    ]
    printed = capsys.readouterr().out
    assert "check: 1 mismatch(es)" in printed
    assert f"{tampered} at position 3: rule: recorded harm.warning" in printed


def test_command_writes_json_and_markdown(
    history: tuple[str, dict[str, UUID]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, ids = history
    policy = _policy_file(tmp_path, 'version = "strict-1"\nmin_redirects = 1\n')
    json_out, md_out = tmp_path / "r.json", tmp_path / "r.md"

    code = _replay(url, "--policy", str(policy), "--json", str(json_out), "--markdown", str(md_out))

    assert code == 0
    report = json.loads(json_out.read_text())
    assert report["mode"] == "candidate"
    assert report["candidate"]["version"] == "strict-1"
    assert report["changes"] == {"ends_earlier": 2, "not_ended_to_would_end": 1, "unchanged": 2}
    assert report["events"] == _count_events(url)
    text = md_out.read_text()
    assert text.startswith("# Replay of candidate policy strict-1")
    assert "| ends_earlier | 2 |" in text
    assert f"`{ids['abuse']}` (claude-opus-4-1): not ended; the candidate would end at 5" in text
    printed = capsys.readouterr()
    assert "ends_earlier" in printed.out
    assert printed.err == ""  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('version = "x"\nmin_redirect = 1\n', "unknown key 'min_redirect'"),
        ('version = "x"\nmin_redirects = "two"\n', "'min_redirects' must be of type int"),
        ('version = "x"\nmin_severity = 1.5\n', "'min_severity' must be within (0, 1]"),
        ('version = "x"\neligible_categories = ["politics"]\n', "unknown category 'politics'"),
        ("min_redirects = 1\n", "missing key 'version'"),
    ],
)
def test_bad_policy_files_exit_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    code = _replay("x", "--policy", str(_policy_file(tmp_path, text)))
    assert code == 2
    assert message in capsys.readouterr().err


def test_a_candidate_or_check_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert _replay("x") == 2
    assert "--policy FILE" in capsys.readouterr().err


def test_the_shipped_policy_replays_its_own_history_unchanged(
    history: tuple[str, dict[str, UUID]],
) -> None:
    url, _ = history
    data = replay_history(url, load_policy(Settings().policy_file), workers=2).summary.to_json()
    assert data["changes"] == {"unchanged": 5}
    assert data["conversations_with_different_decisions"] == 0


def _count_events(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM lastresort_events").fetchone()
        assert row is not None
        return int(row[0])


def test_reports_name_the_assessors_of_the_replayed_history() -> None:
    histories = [
        record(["harm"] * 4, assessor="offline-aaaaaaaaaaaa"),
        record(["hi", "hi"], assessor="offline-bbbbbbbbbbbb"),
    ]
    summary = Summary()
    for conversation in histories:
        summary.add(replay_one(conversation, policy(min_redirects=1)))
    report = report_json(Result(summary, 0, 1.0, 0), policy(min_redirects=1), Selection())

    assert report["assessed_by"] == {"offline-aaaaaaaaaaaa": 1, "offline-bbbbbbbbbbbb": 1}
    assert report["by_assessor"] == {"offline-aaaaaaaaaaaa": {"ends_earlier": 1}}
    assert report["examples"]["ends_earlier"][0]["assessors"] == ["offline-aaaaaaaaaaaa"]
    rendered = "".join(Rendered(RENDER.render(markdown(report))).text)
    for text in (summary_table(report), rendered):
        assert "offline-aaaaaaaaaaaa (1 conversations)" in text
        assert "offline-bbbbbbbbbbbb (1 conversations)" in text


def test_the_markdown_report_shows_recorded_names_as_text() -> None:
    hostile_model = "<img src=x onerror=alert(1)>"
    hostile_assessor = "[click](javascript:alert(1)) <script>alert(2)</script>"
    conversation = record(["harm"] * 4, model=hostile_model, assessor=hostile_assessor)
    candidate = policy(min_redirects=1, models_with_ending=[hostile_model])
    summary = Summary()
    summary.add(replay_one(conversation, candidate))
    report = report_json(Result(summary, 0, 1.0, 0), candidate, Selection())

    page = Rendered(RENDER.render(markdown(report)))

    assert page.tags <= {
        "h1",
        "h2",
        "h3",
        "p",
        "ul",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
        "strong",
    }
    assert not any(value and "javascript:" in value for _, value in page.attributes)
    shown = "".join(page.text)
    assert hostile_model in shown
    assert hostile_assessor in shown
