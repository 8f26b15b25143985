"""The language to answer a user in, told by the offline rules' own marker words.

The offline assistant writes its templates in the user's language, so that someone in crisis
is offered support and resources they can read. No language library is needed: the rule
book already lists, per language, the common words that show a message is written in it
(`markers`) and the letters English lacks that it uses (`letters`). The words are read in
the normalised message, so invisible characters, look-alike letters or spaced-out words do
not hide them; the letters in the original, whose accents normalising folds away.

When unsure the guess says so, and the reply falls back to the language of the user's
earlier messages, then to English.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from adapters.offline.normalise import normalise
from adapters.offline.rulebook import Rulebook
from domain.events import Turn

DEFAULT_LANGUAGE = "en"
EARLIER_MESSAGES = 10
"""How many earlier user messages, newest first, a message without markers looks back on."""

_WORD = re.compile(r"[\w']+")


def message_language(text: str, book: Rulebook) -> str | None:
    """The language with the most distinct marker words in `text`, or None when unsure (a
    tie, or no marker at all).

    Using any of a language's letters ("ñ", "ß", "ã") counts as one marker more: a short
    message shares its few marker words with neighbouring languages ("la", "de", "que"), and
    its accents often tell them apart.
    """
    words = set(_WORD.findall(normalise(text)))
    letters = set(text.casefold())
    scores = {
        language: len(words & markers) + bool(letters & book.letters.get(language, set()))
        for language, markers in book.markers.items()
    }
    best = max(scores.values(), default=0)
    leaders = [language for language, score in scores.items() if score == best]
    return leaders[0] if best and len(leaders) == 1 else None


def reply_language(text: str, history: Sequence[Turn], book: Rulebook) -> str:
    """The language to answer `text` in: its own, else that of the newest earlier user
    message that tells one ("ok" after Spanish messages is answered in Spanish), else
    English."""
    for message in (text, *(turn.text for turn in reversed(history[-EARLIER_MESSAGES:]))):
        language = message_language(message, book)
        if language is not None:
            return language
    return DEFAULT_LANGUAGE
