"""A text cut into the pieces a stream hands over: a few words each, whitespace kept.

The offline assistant streams its templates this way, and a stream replayed from the
record (an idempotent retry) cuts the stored reply the same way, so the pieces of either
always join back to the exact text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

WORDS_PER_CHUNK = 4
_WORD = re.compile(r"\s*\S+\s*")


def chunks(text: str, words: int = WORDS_PER_CHUNK) -> Iterator[str]:
    """`text` in pieces of `words` words (leading and trailing whitespace ride along)."""
    found = _WORD.findall(text)
    if not found:
        if text:
            yield text
        return
    for start in range(0, len(found), words):
        yield "".join(found[start : start + words])
