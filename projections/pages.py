"""Keyset pages over the read models, as REST, GraphQL and the audit pages hand them out.

A cursor is an opaque token naming the last row's `seq` and what kind of row it is, so a
cursor made for one list is refused by another. GraphQL, REST and the audit share these
helpers so that a cursor means the same thing, and is checked the same way, everywhere.
"""

from __future__ import annotations

import base64
from typing import TypeVar

from domain.errors import BadInput

T = TypeVar("T")
MAX_PAGE = 100
MAX_SEQ = 2**63 - 1  # read-model sequence numbers are Postgres bigints


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise BadInput(f"first must be between 1 and {MAX_PAGE}")
    return first


def encode_cursor(kind: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode()


def decode_cursor(kind: str, cursor: str | None) -> int | None:
    """The sequence number in a cursor this API made; anything else is BAD_INPUT (a number
    beyond what a Postgres `bigint` holds included, so it never reaches a query)."""
    if cursor is None:
        return None
    try:
        prefix, _, seq = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if prefix == kind and seq.isascii() and seq.isdigit() and int(seq) <= MAX_SEQ:
            return int(seq)
    except ValueError:  # not base64, not UTF-8, or digits past int()'s limit
        pass
    raise BadInput(f"invalid cursor {cursor[:100]!r}")


def page_of(rows: list[T], first: int) -> tuple[list[T], bool]:
    """A page from the `first + 1` rows fetched by keyset, and whether there is more: the
    extra row only says so."""
    return rows[:first], len(rows) > first
