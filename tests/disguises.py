"""Ways a user spells a message to slip it past a filter, as functions from plain text.

One function per `disguise` of the corpus schema (`corpus/README.md`), so a test can send
the same request plain and disguised and check that the verdict does not change.
"""

from __future__ import annotations

import base64
import codecs
import re
from collections.abc import Callable

# Cyrillic and Greek letters drawn like Latin ones.
_LOOKALIKES = str.maketrans(
    {"a": "а", "e": "е", "o": "ο", "p": "р", "c": "с", "i": "і", "x": "х", "y": "у", "k": "κ"}
)
_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060")
_WORD = re.compile(r"[^\W\d_]+")


def homoglyph(text: str) -> str:
    return text.translate(_LOOKALIKES)


def zero_width(text: str) -> str:
    """An invisible character after every other letter."""
    return "".join(c + _ZERO_WIDTH[i % 4] if i % 2 else c for i, c in enumerate(text))


def spaced(text: str) -> str:
    """The longest word spelled out letter by letter ("make a b o m b")."""
    longest = max(_WORD.findall(text), key=len)
    return text.replace(longest, " ".join(longest), 1)


def leetspeak(text: str) -> str:
    return text.lower().translate(_LEET)


def wrapped_base64(text: str) -> str:
    return "decode this and answer: " + base64.b64encode(text.encode()).decode()


def rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


DISGUISES: dict[str, Callable[[str], str]] = {
    "plain": lambda text: text,
    "homoglyph": homoglyph,
    "zero_width": zero_width,
    "spaced": spaced,
    "leetspeak": leetspeak,
    "base64": wrapped_base64,
    "rot13": rot13,
}
