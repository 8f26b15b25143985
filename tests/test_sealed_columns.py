"""A read model's sealed text opens with its conversation's key at its own row only, never
holds the text in the clear, and reads as erased once the key is gone."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import orjson
import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from eventstore.keys import InMemoryKeys
from projections.audit import SEALED
from projections.conversations import TEXT

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def keyed() -> tuple[InMemoryKeys, UUID, bytes]:
    """Keys holding one conversation's key, its id, and that key as a reader selects it."""
    keys, cid = InMemoryKeys(), uuid4()
    keys.create(cid, "alice")
    wrapped = keys.rows[cid][2]
    assert wrapped is not None
    return keys, cid, wrapped


@given(value=JSON, number=st.integers(0, 2**62))
def test_a_sealed_value_opens_to_itself_and_holds_no_plaintext(value: Any, number: int) -> None:
    keys, cid, wrapped = keyed()
    box = TEXT.seal(keys, cid, number, value)
    assert box is not None
    plain = orjson.dumps(value)
    assert len(plain) < 8 or plain not in box
    assert TEXT.open(keys, cid, number, box, wrapped) == value


def test_a_sealed_value_does_not_open_at_another_row_conversation_or_table() -> None:
    keys, cid, wrapped = keyed()
    box = TEXT.seal(keys, cid, 3, "a quiet message")
    other, other_cid, other_wrapped = keyed()
    with pytest.raises(InvalidTag):
        TEXT.open(keys, cid, 4, box, wrapped)
    with pytest.raises(InvalidTag):
        SEALED.open(keys, cid, 3, box, wrapped)
    with pytest.raises(InvalidTag):
        TEXT.open(other, other_cid, 3, box, other_wrapped)


def test_without_its_key_a_value_reads_as_nothing_and_an_erased_one_seals_nothing() -> None:
    keys, cid, wrapped = keyed()
    box = TEXT.seal(keys, cid, 0, "soon gone")
    assert TEXT.open(keys, cid, 0, box, wrapped) == "soon gone"
    assert TEXT.open(keys, cid, 0, None, wrapped) is None  # the read model dropped it
    assert TEXT.open(keys, cid, 0, box, None) is None  # the key was deleted elsewhere
    keys.shred([cid])
    assert TEXT.seal(keys, cid, 0, "too late") is None


class CountingKeys(InMemoryKeys):
    """Counts the key lookups a reader makes for each conversation."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups: dict[UUID, int] = {}

    def opened(self, conversation_id: UUID, wrapped: bytes | None) -> Any:
        self.lookups[conversation_id] = self.lookups.get(conversation_id, 0) + 1
        return super().opened(conversation_id, wrapped)


def test_the_rows_of_one_statement_look_each_conversation_s_key_up_once() -> None:
    keys = CountingKeys()
    cids = [uuid4(), uuid4()]
    for cid in cids:
        keys.create(cid, "alice")
    rows = [
        (cid, n, TEXT.seal(keys, cid, n, f"text {n}"), keys.rows[cid][2])
        for n in range(3)
        for cid in cids
    ]
    open_text = TEXT.opener(keys)
    assert [open_text(*row) for row in rows] == [f"text {n}" for n in range(3) for _ in cids]
    assert keys.lookups == {cid: 1 for cid in cids}
    keys.shred(cids[:1])  # erased between two statements: the next one finds no key
    rows = [(cid, n, box, keys.rows[cid][2]) for cid, n, box, _ in rows]
    again = TEXT.opener(keys)
    assert [again(*row) for row in rows] == [None, "text 0", None, "text 1", None, "text 2"]
