"""Data keys: one AES-256 key per conversation, wrapped by the master key.

Every text a person wrote (or that quotes them) is sealed under its conversation's data key
(`eventstore/sealing.py`); erasing deletes the key, so the sealed text in the events table —
and in every backup of it — can no longer be read. The key is per conversation rather than
per user because a user may erase one conversation and keep the others; a key row names its
owner (so erasing a user finds all of theirs) and its parent (so erasing a conversation
finds the branches that copied its text).

A data key is stored wrapped (AES-GCM) by the key-encryption key from `LASTRESORT_MASTER_KEY`,
with the master key's id beside it, so rotating the master key re-wraps each row once and
can stop and resume. Unwrapped keys are kept in memory per process; `forget` drops one (the
mapper calls it when it reads a conversation's erasure, so no process keeps reading it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg import sql

KEYS_TABLE = "lastresort_data_keys"
KEY_BYTES = 32
NONCE_BYTES = 12
CACHE_SIZE = 10_000
ERASED = "erased"
"""The `kek_id` of a row whose key was deleted (its `wrapped` is empty)."""


class KeyRefused(RuntimeError):
    """A master key that is malformed or does not open a stored data key."""


@dataclass(frozen=True)
class MasterKey:
    """The key-encryption key; `id` names it in each row it wrapped (never the key itself)."""

    secret: bytes

    @classmethod
    def parse(cls, text: str) -> MasterKey:
        """A master key from its URL-safe base64 text (32 bytes, as `generate` makes)."""
        try:
            secret = base64.urlsafe_b64decode(text.strip().encode() + b"==")
        except (binascii.Error, ValueError):
            raise KeyRefused("is not URL-safe base64") from None
        if len(secret) != KEY_BYTES:
            raise KeyRefused(f"must decode to {KEY_BYTES} bytes, got {len(secret)}")
        return cls(secret)

    @staticmethod
    def generate() -> str:
        return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode().rstrip("=")

    @property
    def id(self) -> str:
        return hashlib.sha256(b"lastresort master key" + self.secret).hexdigest()[:16]

    def wrap(self, conversation_id: UUID, data_key: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.secret).encrypt(nonce, data_key, conversation_id.bytes)

    def unwrap(self, conversation_id: UUID, wrapped: bytes) -> bytes:
        try:
            return AESGCM(self.secret).decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], conversation_id.bytes
            )
        except InvalidTag:
            raise KeyRefused(
                f"the master key does not open the data key of conversation {conversation_id}"
            ) from None


class DataKeys(ABC):
    """Data keys by conversation, cached in memory; subclasses say where they are kept."""

    def __init__(self) -> None:
        self._cache: OrderedDict[UUID, AESGCM] = OrderedDict()
        self._lock = threading.Lock()

    def create(self, conversation_id: UUID, owner: str) -> AESGCM:
        """A new key for a conversation just started by `owner` (kept, then cached); the
        one kept already if another writer made it first (a retried start). An erased
        conversation gets none: its text could never be read."""
        key = os.urandom(KEY_BYTES)
        if not self._store(conversation_id, owner, key):
            kept = self._load(conversation_id)
            if kept is None:
                raise KeyRefused(f"conversation {conversation_id} was erased")
            key = kept
        return self._remember(conversation_id, AESGCM(key))

    def for_writing(self, conversation_id: UUID) -> AESGCM:
        """The conversation's key; one is made (with no owner known) for a conversation
        recorded before its text was sealed."""
        key = self.for_reading(conversation_id)
        if key is None:
            key = self.create(conversation_id, "")
        return key

    def for_reading(self, conversation_id: UUID) -> AESGCM | None:
        """The conversation's key, or None once erased."""
        cached = self._cached(conversation_id)
        if cached is not None:
            return cached
        raw = self._load(conversation_id)
        return None if raw is None else self._remember(conversation_id, AESGCM(raw))

    def opened(self, conversation_id: UUID, wrapped: bytes | None) -> AESGCM | None:
        """The conversation's key from its `wrapped` form as a reader just read it beside
        the texts (None once erased: then this process forgets it too), unwrapped once and
        cached: a read that shows texts costs no query for their keys."""
        if wrapped is None:
            self.forget(conversation_id)
            return None
        cached = self._cached(conversation_id)
        if cached is not None:
            return cached
        return self._remember(conversation_id, AESGCM(self._unwrap(conversation_id, wrapped)))

    @abstractmethod
    def note_parent(self, conversation_id: UUID, parent_id: UUID) -> None:
        """Remember that `conversation_id` branched from `parent_id` (and copied its text)."""

    @abstractmethod
    def with_descendants(self, conversation_ids: Iterable[UUID]) -> list[UUID]:
        """`conversation_ids` and every branch made from them, at any depth."""

    @abstractmethod
    def owned_by(self, owner: str) -> list[UUID]:
        """The conversations `owner` started (branches included)."""

    @abstractmethod
    def shred(self, conversation_ids: Sequence[UUID]) -> None:
        """Delete the conversations' keys: their sealed text can never be read again."""

    def forget(self, conversation_id: UUID) -> None:
        with self._lock:
            self._cache.pop(conversation_id, None)

    def _cached(self, conversation_id: UUID) -> AESGCM | None:
        """The key this process keeps for the conversation, marked as the latest used."""
        with self._lock:
            cached = self._cache.get(conversation_id)
            if cached is not None:
                self._cache.move_to_end(conversation_id)
            return cached

    def _remember(self, conversation_id: UUID, key: AESGCM) -> AESGCM:
        with self._lock:
            self._cache[conversation_id] = key
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return key

    @abstractmethod
    def _store(self, conversation_id: UUID, owner: str, key: bytes) -> bool:
        """Keep `key` unless the conversation has a row already (then False)."""

    @abstractmethod
    def _load(self, conversation_id: UUID) -> bytes | None: ...

    @abstractmethod
    def _unwrap(self, conversation_id: UUID, wrapped: bytes) -> bytes:
        """The data key from its stored form (the `wrapped` column of its row)."""


class InMemoryKeys(DataKeys):
    """Keys that live as long as the process: for the in-memory event store of unit tests,
    and for a store built without keys (its text is readable by that store only)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[UUID, tuple[str, UUID | None, bytes | None]] = {}

    def _store(self, conversation_id: UUID, owner: str, key: bytes) -> bool:
        return self.rows.setdefault(conversation_id, (owner, None, key))[2] is key

    def _load(self, conversation_id: UUID) -> bytes | None:
        row = self.rows.get(conversation_id)
        return None if row is None else row[2]

    def _unwrap(self, conversation_id: UUID, wrapped: bytes) -> bytes:
        return wrapped  # kept unwrapped: it never leaves the process

    def note_parent(self, conversation_id: UUID, parent_id: UUID) -> None:
        owner, _, key = self.rows[conversation_id]
        self.rows[conversation_id] = (owner, parent_id, key)

    def with_descendants(self, conversation_ids: Iterable[UUID]) -> list[UUID]:
        found = list(dict.fromkeys(conversation_ids))
        for cid in found:  # grows while it is walked: breadth first
            found.extend(c for c, (_, p, _) in self.rows.items() if p == cid and c not in found)
        return found

    def owned_by(self, owner: str) -> list[UUID]:
        return [c for c, (o, _, _) in self.rows.items() if o == owner]

    def shred(self, conversation_ids: Sequence[UUID]) -> None:
        for cid in conversation_ids:
            if cid in self.rows:
                owner, parent, _ = self.rows[cid]
                self.rows[cid] = (owner, parent, None)
            self.forget(cid)


def _keys_sql(text: str) -> sql.Composed:
    return sql.SQL(text).format(keys=sql.Identifier(KEYS_TABLE))


INSERT_KEY = _keys_sql(
    "INSERT INTO {keys} (conversation_id, owner, kek_id, wrapped) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT (conversation_id) DO NOTHING "
    "RETURNING conversation_id"
)
SELECT_KEY = _keys_sql("SELECT wrapped FROM {keys} WHERE conversation_id = %s AND kek_id <> %s")
SET_PARENT = _keys_sql("UPDATE {keys} SET parent_id = %s WHERE conversation_id = %s")
SELECT_DESCENDANTS = _keys_sql(
    "WITH RECURSIVE tree(id) AS (SELECT unnest(%s::uuid[]) "
    "UNION SELECT k.conversation_id FROM {keys} k JOIN tree ON k.parent_id = tree.id) "
    "SELECT id FROM tree"
)
SELECT_OWNED = _keys_sql("SELECT conversation_id FROM {keys} WHERE owner = %s")
SELECT_WRAPPED_BY = _keys_sql(
    "SELECT conversation_id, wrapped FROM {keys} WHERE kek_id = %s LIMIT %s FOR UPDATE"
)
REWRAP_KEY = _keys_sql("UPDATE {keys} SET kek_id = %s, wrapped = %s WHERE conversation_id = %s")
SHRED_KEYS = _keys_sql(
    "UPDATE {keys} SET kek_id = %s, wrapped = ''::bytea WHERE conversation_id = ANY(%s)"
)


class PostgresKeys(DataKeys):
    """Keys in the `lastresort_data_keys` table, wrapped by `master`."""

    def __init__(self, url: str, master: MasterKey) -> None:
        super().__init__()
        self.url = url
        self.master = master
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None
        self._conn_lock = threading.Lock()

    def _execute(self, query: sql.Composed, params: Sequence[object]) -> list[tuple[object, ...]]:
        """Run one autocommitted statement on this process's key connection (made again
        after a failure)."""
        with self._conn_lock:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(self.url, autocommit=True)
            try:
                cursor = self._conn.execute(query, params)
                return cursor.fetchall() if cursor.description else []
            except psycopg.OperationalError:
                self._conn.close()
                raise

    def _store(self, conversation_id: UUID, owner: str, key: bytes) -> bool:
        return bool(
            self._execute(
                INSERT_KEY,
                (conversation_id, owner, self.master.id, self.master.wrap(conversation_id, key)),
            )
        )

    def _load(self, conversation_id: UUID) -> bytes | None:
        rows = self._execute(
            SELECT_KEY,
            (conversation_id, ERASED),
        )
        if not rows:
            return None
        wrapped = rows[0][0]
        assert isinstance(wrapped, bytes)
        return self._unwrap(conversation_id, wrapped)

    def _unwrap(self, conversation_id: UUID, wrapped: bytes) -> bytes:
        return self.master.unwrap(conversation_id, wrapped)

    def note_parent(self, conversation_id: UUID, parent_id: UUID) -> None:
        self._execute(
            SET_PARENT,
            (parent_id, conversation_id),
        )

    def with_descendants(self, conversation_ids: Iterable[UUID]) -> list[UUID]:
        ids = list(conversation_ids)
        rows = self._execute(
            SELECT_DESCENDANTS,
            (ids,),
        )
        found = [UUID(str(r[0])) for r in rows]
        return list(dict.fromkeys([*ids, *found]))

    def owned_by(self, owner: str) -> list[UUID]:
        rows = self._execute(SELECT_OWNED, (owner,))
        return [UUID(str(r[0])) for r in rows]

    def shred(self, conversation_ids: Sequence[UUID]) -> None:
        """Overwrite the keys; each row stays, naming its owner and parent only (so a user's
        export and erasure still find every conversation of theirs)."""
        self._execute(SHRED_KEYS, (ERASED, list(conversation_ids)))
        for cid in conversation_ids:
            self.forget(cid)

    def close(self) -> None:
        with self._conn_lock:
            if self._conn is not None:
                self._conn.close()


def rotate_master_key(url: str, previous: MasterKey, current: MasterKey, batch: int = 500) -> int:
    """Re-wrap every data key wrapped by `previous` with `current`, `batch` rows per
    transaction; rows already re-wrapped are skipped, so an interrupted run resumes. Returns
    how many rows it re-wrapped."""
    done = 0
    with psycopg.connect(url) as conn:
        while True:
            with conn.transaction():
                rows = conn.execute(SELECT_WRAPPED_BY, (previous.id, batch)).fetchall()
                for cid, wrapped in rows:
                    key = previous.unwrap(cid, wrapped)
                    conn.execute(REWRAP_KEY, (current.id, current.wrap(cid, key), cid))
            done += len(rows)
            if len(rows) < batch:
                return done
