"""What a quarantined event's error may say: never the event's contents, however hostile."""

from __future__ import annotations

import psycopg
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from projections.quarantine import describe

MARKER = "POISON-7f3a"


@given(
    before=st.text(),
    quote=st.sampled_from("'\"`"),
    value=st.text(min_size=1),
    cls=st.sampled_from([ValueError, TypeError, KeyError, psycopg.DataError]),
)
def test_a_stored_error_keeps_nothing_from_its_first_quote_on(
    before: str, quote: str, value: str, cls: type[Exception]
) -> None:
    assume(MARKER not in before)
    kind, message = describe(cls(f"{before}{quote}{MARKER}{value}{quote}"))
    assert kind == cls.__name__ and 0 < len(message) <= 200
    assert all(" " <= c <= "~" or c == "…" for c in message), message
    assert not set(message) & set("'\"`") and MARKER not in message


def test_a_database_error_names_its_constraint_but_not_the_values_in_its_detail(
    database_url: str,
) -> None:
    with psycopg.connect(database_url) as conn:
        conn.execute("CREATE TEMP TABLE poisoned (k text PRIMARY KEY)")
        conn.execute("INSERT INTO poisoned VALUES (%s)", (MARKER,))
        with pytest.raises(psycopg.errors.UniqueViolation) as caught:
            conn.execute("INSERT INTO poisoned VALUES (%s)", (MARKER,))
    assert MARKER in str(caught.value)  # in its DETAIL line
    assert describe(caught.value) == (
        "UniqueViolation",
        "duplicate key value violates unique constraint … (table poisoned, constraint "
        "poisoned_pkey)",
    )
