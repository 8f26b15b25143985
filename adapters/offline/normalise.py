"""One canonical spelling of a message, so that rules match meaning rather than typography.

Rules are written for lower-case, unaccented Latin text with single spaces. A message
spelled to slip past them ("ƅ0mƄ", "b o m b", "b.o.m.b", Cyrillic "о" for Latin "o",
zero-width joiners, full-width letters, "decode this: aG93IHRv...", ROT13) is brought back
to that form, and a wrapped payload is decoded and appended, so it is assessed too. Each step
is careful not to mangle ordinary words: only runs of single letters are joined, digits are
read as letters only between letters, and a token counts as base64 only if it decodes to
mostly printable text.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata

# Letters of other scripts that render like Latin ones; NFKC leaves them alone.
_LOOKALIKES = str.maketrans(
    {
        **dict(zip("авсԁеёһіјкӏмнорԛѕтуԝхьгп", "abcdeehijklmhopqstywxbrn", strict=True)),
        **dict(zip("αβϲεηικνορτυχωϳ", "abceniknoptuxwj", strict=True)),
        "ƅ": "b",
        "Ƅ": "b",
        "ɡ": "g",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "æ": "ae",
        "œ": "oe",
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_INSIDE = re.compile(r"(?<=[a-z])[013457@$](?=[a-z])")
_STARRED = re.compile(r"\bf[\*\#]+c?k|\bf[u\*]c[\*]|\bs[\*]x\b")
# Three or more single letters separated the same way: "b o m b", "b.o.m.b", "b-o-m-b".
_SPACED = re.compile(r"\b[a-z](?P<sep>[ .\-_*·])[a-z](?:(?P=sep)[a-z])+\b")
_ARTICLES = frozenset("aioeyu")
_SPACE = re.compile(r"\s+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_ROT13_CLUES = frozenset(
    [
        "the",
        "and",
        "how",
        "to",
        "make",
        "build",
        "do",
        "can",
        "you",
        "what",
        "a",
        "i",
        "of",
        "for",
        "is",
        "in",
        "me",
        "my",
        "tell",
        "give",
        "with",
    ]
)
_WORD = re.compile(r"[a-z']+")


def normalise(text: str) -> str:
    """The message in canonical form, followed by any payload it wraps (base64, ROT13)."""
    canonical = canonical_form(text)
    decoded = [canonical_form(p) for p in _base64_payloads(text)]
    rotated = codecs.decode(canonical, "rot13")
    if _clue_count(rotated) > max(2, 2 * _clue_count(canonical)):
        decoded.append(rotated)
    return " | ".join([canonical, *decoded])


def canonical_form(text: str) -> str:
    """NFKC, invisible characters dropped, look-alikes and accents folded, case folded."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKES)
    stripped = "".join(
        c
        for c in unicodedata.normalize("NFKD", folded)
        if not unicodedata.combining(c) and (unicodedata.category(c) != "Cf")
    )
    t = unicodedata.normalize("NFC", stripped)
    t = _LEET_INSIDE.sub(lambda m: _LEET[m.group()], t)
    t = _STARRED.sub(lambda m: "fuck" if m.group().startswith("f") else "sex", t)
    t = _SPACED.sub(_join_letters, t)
    return _SPACE.sub(" ", t).strip()


def _join_letters(run: re.Match[str]) -> str:
    """The letters of a spaced-out word; a leading "a"/"i" before it is a word of its own."""
    letters = run.group()[::2]
    if run.group("sep") == " " and letters[0] in _ARTICLES and len(letters) > 3:
        return f"{letters[0]} {letters[1:]}"
    return letters


def _base64_payloads(text: str) -> list[str]:
    payloads = []
    for token in _BASE64.findall(text):
        try:
            decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
            plain = decoded.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            continue
        printable = sum(c.isprintable() or c.isspace() for c in plain)
        if plain and printable / len(plain) > 0.9 and " " in plain.strip():
            payloads.append(plain)
    return payloads


def _clue_count(text: str) -> int:
    return sum(w in _ROT13_CLUES for w in _WORD.findall(text))
