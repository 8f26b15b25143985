"""Data keys in Postgres: wrapped by the master key, rotated to a new one, refused by a wrong
one; the master key itself is required in production."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest

from bootstrap.settings import ConfigurationError, Settings
from cli.main import main
from eventstore.keys import KEYS_TABLE, KeyRefused, MasterKey, PostgresKeys
from eventstore.migrate import migrate


@pytest.fixture(scope="module")
def keys_url(fresh_database: Callable[[], str]) -> str:
    url = fresh_database()
    migrate(url)
    return url


def test_a_data_key_is_stored_wrapped_and_opens_in_another_process(keys_url: str) -> None:
    master = MasterKey.parse(MasterKey.generate())
    cid = uuid4()
    written = PostgresKeys(keys_url, master).create(cid, "alice")
    box = written.encrypt(b"\0" * 12, b"hello", None)
    with psycopg.connect(keys_url) as conn:
        owner, kek_id, wrapped = conn.execute(
            f"SELECT owner, kek_id, wrapped FROM {KEYS_TABLE} WHERE conversation_id = %s", (cid,)
        ).fetchone() or (None, None, None)
    assert (owner, kek_id) == ("alice", master.id)
    assert len(wrapped) == 12 + 32 + 16  # nonce, key, tag: never the key alone
    elsewhere = PostgresKeys(keys_url, master).for_reading(cid)
    assert elsewhere is not None and elsewhere.decrypt(b"\0" * 12, box, None) == b"hello"
    with pytest.raises(KeyRefused):
        PostgresKeys(keys_url, MasterKey.parse(MasterKey.generate())).for_reading(cid)


def test_rotation_rewraps_every_key_and_the_old_master_opens_none(
    keys_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = MasterKey.generate(), MasterKey.generate()
    made = [uuid4() for _ in range(3)]
    keys = PostgresKeys(keys_url, MasterKey.parse(old))
    boxes = {cid: keys.create(cid, "bob").encrypt(b"\0" * 12, cid.bytes, None) for cid in made}
    monkeypatch.setenv("DATABASE_URL", keys_url)
    monkeypatch.setenv("LASTRESORT_MASTER_KEY", new)
    monkeypatch.setenv("LASTRESORT_PREVIOUS_MASTER_KEY", old)
    assert main(["rotate-master-key"]) == 0
    assert "re-wrapped 3 data keys" in capsys.readouterr().out
    assert main(["rotate-master-key"]) == 0  # nothing left: resumes where it stopped
    assert "re-wrapped 0 data keys" in capsys.readouterr().out
    for cid, box in boxes.items():
        key = PostgresKeys(keys_url, MasterKey.parse(new)).for_reading(cid)
        assert key is not None and key.decrypt(b"\0" * 12, box, None) == cid.bytes
        with pytest.raises(KeyRefused):
            PostgresKeys(keys_url, MasterKey.parse(old)).for_reading(cid)


def test_production_refuses_to_run_without_a_master_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="LASTRESORT_MASTER_KEY"):
        Settings(production=True, home=tmp_path).master()
    with pytest.raises(ConfigurationError, match="LASTRESORT_MASTER_KEY: must decode to 32"):
        Settings(master_key="c2hvcnQ", home=tmp_path).master()


def test_without_one_a_master_key_is_made_once_in_the_home(tmp_path: Path) -> None:
    first = Settings(home=tmp_path).master()
    assert Settings(home=tmp_path).master() == first
    assert (tmp_path / "master_key").stat().st_mode & 0o777 == 0o600


def test_a_second_writer_gets_the_kept_key_and_an_erased_conversation_none(keys_url: str) -> None:
    master = MasterKey.parse(MasterKey.generate())
    cid = uuid4()
    first = PostgresKeys(keys_url, master).create(cid, "alice")
    racer = PostgresKeys(keys_url, master).create(cid, "alice")  # a retried start
    assert racer.decrypt(b"\0" * 12, first.encrypt(b"\0" * 12, b"same", None), None) == b"same"
    keys = PostgresKeys(keys_url, master)
    keys.shred([cid])
    assert keys.for_reading(cid) is None
    assert keys.owned_by("alice").count(cid) == 1
    with pytest.raises(KeyRefused, match="erased"):
        keys.for_writing(cid)
