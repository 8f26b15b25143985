"""Every check of a user-controlled value, made once, before anything is recorded.

REST, GraphQL, the CLI and the demo all reach the rules through the application service,
which calls these for every command, so each way in accepts and refuses the same values.
REST's OpenAPI document takes its patterns from the constants here.

What text may hold: anything storable and encodable. NUL is refused (a Postgres text
column cannot hold it) and so are lone surrogates (they have no UTF-8 form). Other control
characters (tab, newline, ESC, ...) are accepted and kept as sent: they are valid JSON and
valid text, users paste them, and every display escapes what it shows.
"""

from __future__ import annotations

import re
from uuid import UUID

from domain.errors import BadInput, NotFound, TextTooLong
from domain.events import Rating

MODEL_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}$"
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
# Exactly the characters `str.isspace()` (so `str.strip()`) treats as whitespace.
WHITESPACE_CLASS = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# `text` as a pattern, for the OpenAPI document: no NUL, and something besides whitespace.
# Written so that ECMA and Python regexes read it alike and it runs in linear time.
TEXT_PATTERN = rf"^[{WHITESPACE_CLASS}]*[^\x00{WHITESPACE_CLASS}][^\x00]*$"
MAX_POSITION = 2**31 - 1  # positions are Postgres `integer` columns in the read models
MAX_LABEL_CHARS = 200


def storable(value: str, what: str) -> str:
    """`value` if a Postgres text column and the JSON event store can hold it."""
    if "\x00" in value:
        raise BadInput(f"{what} must not contain NUL characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInput(f"{what} must be valid Unicode (no lone surrogates)") from None
    return value


def text(value: str, max_chars: int, what: str = "text") -> str:
    """A message or comment: not blank, storable, at most `max_chars` characters."""
    if not value.strip():
        raise BadInput(f"{what} must not be empty")
    storable(value, what)
    if len(value) > max_chars:
        raise TextTooLong(f"{what} has {len(value)} characters; the limit is {max_chars}")
    return value


def label(value: str, what: str) -> str:
    """A short free-text filter value (a category, a policy version): storable and short."""
    if len(value) > MAX_LABEL_CHARS:
        raise BadInput(f"{what} must be at most {MAX_LABEL_CHARS} characters")
    return storable(value, what)


def model(value: str) -> str:
    """A model name: a letter or digit, then up to 99 of letters, digits and `._:-`."""
    if not re.fullmatch(MODEL_PATTERN, value):
        raise BadInput(
            "model must be 1 to 100 letters, digits, '.', '_', ':' or '-', "
            "starting with a letter or digit"
        )
    return value


def idempotency_key(value: str) -> str:
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, value):
        raise BadInput("Idempotency-Key must be 1 to 255 printable ASCII characters")
    return value


def conversation_id(raw: str) -> UUID:
    """A conversation id; anything that is not a UUID names no conversation."""
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound(f"conversation {raw!r} not found") from None


def position(value: int, what: str = "position") -> int:
    """A message position: a non-negative integer the read models can hold."""
    if isinstance(value, bool) or not 0 <= value <= MAX_POSITION:
        raise BadInput(f"{what} must be an integer between 0 and {MAX_POSITION}")
    return value


def rating(value: str) -> Rating:
    try:
        return Rating(value)
    except ValueError:
        raise BadInput(f"rating must be one of {[r.value for r in Rating]}") from None
