"""What a person wrote, as the read models keep it: sealed, like the events, until shown.

A read model stores each text (a message, a reply, a rationale, a model's raw output or
request, a feedback comment) encrypted under its conversation's data key with the events'
own functions (`eventstore/sealing.py`), bound to its table, conversation and row: moved to
another row, conversation or table, it no longer opens. So a dump of the database holds a
person's text only sealed, and deleting the key erases it from the read models as from the
events, before the read models even apply the erasure.

A reader selects each row's wrapped key beside it (`key_of`, a join on the keys table), so
showing a page of texts costs no statement more; the key store unwraps each conversation's
key once per process and keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg import sql

from eventstore.keys import ERASED, KEYS_TABLE, DataKeys
from eventstore.sealing import seal_bytes, unseal_bytes

Opener = Callable[[UUID, int, "bytes | None", "bytes | None"], Any]
"""Opens one row's sealed value: conversation, row number, box, wrapped key."""
MISSING: Any = object()


def key_of(column: str) -> sql.Composed:
    """A join of the live key of the conversation in `column` (an SQL expression), as
    `k.wrapped` (null once erased)."""
    return sql.SQL(
        "LEFT JOIN {keys} k ON k.conversation_id = {column} AND k.kek_id <> {erased}"
    ).format(keys=sql.Identifier(KEYS_TABLE), column=sql.SQL(column), erased=sql.Literal(ERASED))


class SealedColumn:
    """The sealed values of one table, each bound to its conversation and a row number that
    is unique in the conversation (a message's position, a trail row's notification id)."""

    def __init__(self, table: str) -> None:
        self.place = table.encode()

    def seal(self, keys: DataKeys, conversation_id: UUID, number: int, value: Any) -> bytes | None:
        """`value` (any JSON value) sealed; None when the conversation has no key (erased:
        its events then hold only placeholders, and so does `value`)."""
        key = keys.for_reading(conversation_id)
        if key is None:
            return None
        return seal_bytes(key, conversation_id, number, value, place=self.place)

    def open(
        self,
        keys: DataKeys,
        conversation_id: UUID,
        number: int,
        box: bytes | None,
        wrapped: bytes | None,
    ) -> Any | None:
        """The value sealed in `box` with the key `wrapped` (as `key_of` selected it); None
        when there is nothing to open or no key to open it with (erased)."""
        return self.opener(keys)(conversation_id, number, box, wrapped)

    def opener(self, keys: DataKeys) -> Opener:
        """`open` for the rows of one statement: every row of a conversation selected the
        same wrapped key beside it, so its key is looked up once, not once per row (a page
        of a hundred messages from fifty conversations costs fifty lookups)."""
        found: dict[UUID, AESGCM | None] = {}

        def open_one(
            conversation_id: UUID, number: int, box: bytes | None, wrapped: bytes | None
        ) -> Any | None:
            if box is None:
                return None
            key = found.get(conversation_id, MISSING)
            if key is MISSING:
                key = found[conversation_id] = keys.opened(conversation_id, wrapped)
            if key is None:
                return None
            return unseal_bytes(key, conversation_id, number, box, place=self.place)

        return open_one
