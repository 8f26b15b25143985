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
import functools
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
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_LEET_CHARS = frozenset(map(chr, _LEET))  # what a word spelled with digits has one of
_LEET_INSIDE = re.compile(r"(?<=[a-z])[013457@$](?=[a-z])")
# A word spelled with digits: a digit between letters ("h0w"), two or more digits among
# letters ("u53l355", "p13c3") or digits before letters ("4r3", "0f"); not "mp3" or "c4".
_LEET_WORD = re.compile(r"[a-z][013457@$][a-z]|[013457@$][a-z]*[013457@$]|^[013457@$]+[a-z]")
_LEET_END = re.compile(r"[a-z][013457]$")  # "th3", "plu5": leet only beside clearer words
_LEET_NUMBER_WORDS = frozenset({"4", "1", "3", "0", "70", "47"})  # a, i, e, o, to, at
_LEET_NUMBER = re.compile(r"\b[013457]{2,3}\b")
_TOKEN = re.compile(r"[\w'@$]+")
_HAS_LETTER = re.compile(r"[a-z]")
_STARRED = re.compile(r"\bf[\*\#]+c?k|\bf[u\*]c[\*]|\bs[\*]x\b")
# Three or more single letters separated the same way: "b o m b", "b.o.m.b", "b-o-m-b".
_SPACED = re.compile(r"\b[a-z](?P<sep>[ .\-_*·])[a-z](?:(?P=sep)[a-z])+\b")
# Letters spaced by one space with words set apart by more ("s t u p i d  b o t"): the wider
# gap between two spaced-out words of three letters or more is a word break, kept through
# the joining as `_GAP` (shorter runs are joined as before, so the form stays stable).
_SINGLE_SPACED = re.compile(r"\b[a-z] [a-z] [a-z]\b")
# Once a message spells that way, a wider gap beside a spaced-out word also parts it from a
# short one ("y o u  a r e  a  w o r t h l e s s": "a" is a word of its own).
_WORD_GAP = re.compile(
    r"(?<=\b[a-z] [a-z] [a-z])[ \t]{2,}(?=[a-z]\b)|(?<=\b[a-z])[ \t]{2,}(?=[a-z] [a-z] [a-z]\b)"
)
_GAP = "\x00"
# Two spaced letters set apart by such gaps are a word too ("t o", "o f").
_PAIR_IN_GAPS = re.compile(r"(?:(?<=\x00 )|^)([a-z]) ([a-z])(?= \x00|$)")
_LEADING_WORD = re.compile(r"^(a)(?=[a-z]{3})")
_TRAILING_WORD = re.compile(r"(?<=[a-z]{4})([aeoyu])$")
_SPACE = re.compile(r"\s+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
# Common short words of the five languages: ROT13 text becomes full of them once decoded.
_CLUE_WORDS = (
    "the and how to make build do can you what i of for is in me my tell give with "
    "el la de que como en un una para los comment le les des du dans ma mon est "
    "wie ich der die das und ein eine mit zu o na no um uma "
    "a are your about write describe this that it so at on not but e y es eres tu te se lo "
    "al por mi su del une je pas ne et toi moi qui bist ist nicht auf den dem von sie mir dich "
    "voce vc sua seu eu isso nao pra os com up einen einem sich auch aus bei nach oder "
    "fazer hacer faire machen sin soy yo mehr mais"
)
_ROT13_CLUES = frozenset(_CLUE_WORDS.split())
_WORD = re.compile(r"[a-z']+")
_LETTERS = re.compile(r"[a-z]")
_VOWELS = frozenset("aeiou")


@functools.lru_cache(maxsize=256)  # a message is read again as the context of the next
def normalise(text: str) -> str:
    """The message in canonical form, followed by any payload it wraps (base64, ROT13)."""
    folded = _fold(text)
    canonical = _joined(folded, split_ends=False)
    variants = [canonical_form(p) for p in _base64_payloads(text)]
    if _SPACED.search(folded):
        split = _joined(folded, split_ends=True)
        if split != canonical:
            variants.append(split)
    if _LEET_NUMBER.search(folded):
        numbers = _joined(_fold(text, numbers=True), split_ends=False)
        if numbers != canonical:
            variants.append(numbers)
    if _may_be_rotated(canonical):
        unrotated = canonical_form(codecs.decode(text, "rot13"))  # accents stay unrotated
        if _rotated(canonical, unrotated):
            variants.append(unrotated)
    return " | ".join([canonical, *variants])


def canonical_form(text: str) -> str:
    """NFKC, invisible characters dropped, look-alikes and accents folded, case folded."""
    return _joined(_fold(text), split_ends=False)


def _fold(text: str, numbers: bool = False) -> str:
    # The gap marker is ours alone, and it goes before digits are read, which it would part.
    text = text.replace(_GAP, "")
    if text.isascii():  # nothing to fold but case: the common case, kept cheap
        t = text.lower()
    else:
        folded = unicodedata.normalize("NFKC", text).casefold().translate(_LOOKALIKES)
        stripped = "".join(
            c
            for c in unicodedata.normalize("NFKD", folded)
            if not unicodedata.combining(c) and unicodedata.category(c) != "Cf"
        )
        # Look-alikes again: an accented one ("ἀ") is only a look-alike once its accent is gone.
        t = unicodedata.normalize("NFC", stripped).translate(_LOOKALIKES)
    t = _unleet(t, numbers)
    return _STARRED.sub(lambda m: "fuck" if m.group().startswith("f") else "sex", t)


def _joined(folded: str, split_ends: bool) -> str:
    """Spaced-out words joined; with `split_ends`, a spaced-out word's first "a" and last
    vowel are read as words of their own ("make a b o m b": "a bomb", "s a r i n a la
    maison": "sarin a"), the other reading of an ambiguous run."""
    # Whitespace first, so that letters spaced by tabs or double spaces join as well, and the
    # canonical form of a canonical form is itself.
    if _SINGLE_SPACED.search(folded):
        folded = _WORD_GAP.sub(f" {_GAP} ", folded)
        folded = _PAIR_IN_GAPS.sub(r"\1\2", folded)
    t = _SPACED.sub(lambda m: _join_letters(m, split_ends), _SPACE.sub(" ", folded))
    return _SPACE.sub(" ", t.replace(_GAP, " ")).strip()


def _unleet(text: str, numbers: bool = False) -> str:
    """Digits read as letters: inside words always, everywhere once the message is leetspeak.

    A message is leetspeak when at least two words and a third of them are spelled with
    digits ("h0w t0 bu1ld 4 b0mb", "y0u 4r3 u53l355"); then "4" alone is "a" too. Otherwise
    only digits between letters change, so "C4", "mp3" and "1990" stay as they are.
    """
    tokens = _TOKEN.findall(text)
    spelled = [t for t in tokens if not _LEET_CHARS.isdisjoint(t)]  # any other is no leet
    leet = [t for t in spelled if _HAS_LETTER.search(t) and _LEET_WORD.search(t)]
    ends = [t for t in spelled if _LEET_END.search(t) and t not in leet]
    if leet and len(leet) + len(ends) >= 2 and 3 * (len(leet) + len(ends)) >= len(tokens):
        return _TOKEN.sub(lambda m: _read_leet(m.group(), numbers), text)
    return _LEET_INSIDE.sub(lambda m: m.group().translate(_LEET), text)


def _read_leet(token: str, numbers: bool) -> str:
    """A token of a leetspeak message as letters. Of the bare numbers only those that spell a
    short word ("4", "70" for "to", "47" for "at") unless `numbers` asks for all of them: the
    other reading, in which "35" is "es" and "50" is "so" but an age is no longer a number."""
    if _HAS_LETTER.search(token) or token in _LEET_NUMBER_WORDS:
        return token.translate(_LEET)
    if numbers and _LEET_NUMBER.fullmatch(token):
        return token.translate(_LEET)
    return token


def _join_letters(run: re.Match[str], split_ends: bool) -> str:
    """The letters of a spaced-out word, its ends split off as words when asked."""
    letters = run.group()[::2]
    if run.group("sep") != " " or not split_ends:
        return letters
    return _TRAILING_WORD.sub(r" \1", _LEADING_WORD.sub(r"\1 ", letters))


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


def _may_be_rotated(text: str) -> bool:
    """A cheap first look: some word becomes a common short word once rotated, or the text
    has few vowels. Most messages stop here."""
    if not _ROT13_CLUES.isdisjoint(_WORD.findall(codecs.decode(text, "rot13"))):
        return True
    letters = len(_LETTERS.findall(text))
    return letters >= 12 and sum(text.count(v) for v in _VOWELS) < 0.28 * letters


def _rotated(text: str, unrotated: str) -> bool:
    """Whether `text` reads as ROT13: decoded, more of its words become common short words
    than stop being ones (a plain wrapper around the payload keeps its own), or it has the
    share of vowels of a European language where `text` has far too few."""
    words = _WORD.findall(text)
    decoded = _WORD.findall(unrotated)  # word for word, with the accents it kept
    if len(decoded) != len(words):
        decoded = [codecs.decode(w, "rot13") for w in words]
    pairs = list(zip(words, decoded, strict=True))
    gained = sum(d in _ROT13_CLUES and w not in _ROT13_CLUES for w, d in pairs)
    lost = sum(w in _ROT13_CLUES and d not in _ROT13_CLUES for w, d in pairs)
    if gained >= 2 and gained > lost:
        return True
    letters = _LETTERS.findall(text)
    if len(letters) < 12:
        return False
    before = sum(c in _VOWELS for c in letters) / len(letters)
    after = sum(c in _VOWELS for c in _LETTERS.findall(unrotated)) / len(letters)
    return before < 0.28 and after > 0.33
