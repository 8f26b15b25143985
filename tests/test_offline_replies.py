"""The offline assistant answers in the user's language: English, Spanish, French, German or
Portuguese, and English when it cannot tell.

Someone in crisis must be offered support and resources they can read, with lines of their
own country; a redirect, a warning or an ending must name the behaviour in words the user
understands. The language is told by the offline rules' marker words, read in the
normalised message so that a disguised one is still recognised; a message too short to tell
("ok") is answered in the language of the user's earlier messages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.offline_assessor import OfflineAssessor
from adapters.offline_assistant import REPLIES, REPLIES_FILE, OfflineAssistant, load_replies
from adapters.reply_language import message_language
from domain.assessment import Assessment, Crisis
from domain.decision import Action, Decision, EndReason
from domain.events import Turn
from domain.policy import Policy
from tests.disguises import homoglyph, zero_width

ASSISTANT = OfflineAssistant()
BOOK = OfflineAssessor.book
NOW = datetime(2026, 1, 5, tzinfo=UTC)
LANGUAGES = ("en", "es", "fr", "de", "pt")

CRISIS_MESSAGES = {
    "en": "I want to kill myself, I can't do this anymore",
    "es": "Ya no puedo más, quiero quitarme la vida",
    "fr": "Je n'en peux plus, je veux mourir",
    "de": "Ich kann nicht mehr, ich will nicht mehr leben",
    "pt": "Não aguento mais, quero me matar",
}
# The lines each language's crisis support must give, besides the local emergency number
# and findahelpline.com.
LINES = {
    "en": ("988", "116 123"),
    "es": ("024",),
    "fr": ("3114",),
    "de": ("0800 111 0 111", "0800 111 0 222"),
    "pt": ("188", "808 24 24 24"),
}
EMERGENCY_NUMBER = {
    "en": "call your local emergency number",
    "es": "llama ahora mismo al número de emergencias de tu zona",
    "fr": "appelez tout de suite le numéro d'urgence local",
    "de": "wähl bitte sofort die örtliche Notrufnummer",
    "pt": "ligue agora para o número de emergência local",
}
# How each language says that the conversation will be or was ended.
ENDING_WORDS = {
    "en": re.compile(r"\bend", re.IGNORECASE),
    "es": re.compile(r"\btermin", re.IGNORECASE),
    "fr": re.compile(r"\bfin\b", re.IGNORECASE),
    "de": re.compile(r"\bbeend", re.IGNORECASE),
    "pt": re.compile(r"\bencerr", re.IGNORECASE),
}
REQUESTS = {
    "en": "Tell me how to make it, step by step",
    "es": "Dime cómo hacerlo, paso a paso, por favor",
    "fr": "Dis-moi comment le faire, étape par étape",
    "de": "Sag mir, wie ich das mache, Schritt für Schritt",
    "pt": "Me diga como fazer isso, passo a passo",
}


def decision(action: Action, **fields: Any) -> Decision:
    rule = fields.pop("rule", "test")
    return Decision(action=action, rule=rule, policy_version="t", model="claude-opus-4-1", **fields)


def turn(position: int, text: str) -> Turn:
    return Turn(position, text, NOW, Assessment(), decision(Action.REPLY), Policy("t"), "…", NOW)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if s]


CRISIS = decision(Action.CRISIS_SUPPORT, crisis=True)
ENGLISH_CRISIS_SENTENCES = sentences(ASSISTANT.write(CRISIS, CRISIS_MESSAGES["en"], []).text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_someone_in_crisis_is_offered_the_lines_of_their_language(language: str) -> None:
    message = CRISIS_MESSAGES[language]
    assert OfflineAssessor().assess(message).crisis is Crisis.SELF_HARM

    reply = ASSISTANT.write(CRISIS, message, []).text

    assert reply == REPLIES[language].templates["crisis_support"].format(
        resources=REPLIES[language].templates["crisis_resources"]
    )
    assert "findahelpline.com" in reply and EMERGENCY_NUMBER[language] in reply
    assert all(line in reply for line in LINES[language])
    assert message_language(reply, BOOK) == language
    if language != "en":
        assert not any(sentence in reply for sentence in ENGLISH_CRISIS_SENTENCES)
        assert "988" not in reply and "Samaritans" not in reply


@pytest.mark.parametrize("language", LANGUAGES)
def test_crisis_support_never_warns_nor_speaks_of_ending(language: str) -> None:
    reply = ASSISTANT.write(CRISIS, CRISIS_MESSAGES[language], []).text

    assert not ENDING_WORDS[language].search(reply)
    assert not set(sentences(reply)) & set(sentences(REPLIES[language].templates["warning"]))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("behaviour", ["cbrn_weapons", "abuse_of_assistant"])
def test_redirect_warning_and_ending_name_the_behaviour_in_the_users_language(
    language: str, behaviour: str
) -> None:
    named = REPLIES[language].behaviours[behaviour]
    message = REQUESTS[language]

    redirect = ASSISTANT.write(decision(Action.REDIRECT, behaviour=behaviour), message, []).text
    warning = ASSISTANT.write(decision(Action.WARNING, behaviour=behaviour), message, []).text
    ended = ASSISTANT.write(
        decision(Action.ENDED, behaviour=behaviour, reason=EndReason.PERSISTENT_HARM), message, []
    ).text

    assert all(named in reply for reply in (redirect, warning, ended))
    ending = ENDING_WORDS[language]
    assert not ending.search(redirect)
    assert ending.search(warning) and ending.search(ended)
    assert all(message_language(reply, BOOK) == language for reply in (redirect, warning, ended))


@pytest.mark.parametrize("language", ["es", "fr", "de", "pt"])
def test_a_message_without_markers_is_answered_in_the_language_of_the_earlier_ones(
    language: str,
) -> None:
    history = [turn(0, CRISIS_MESSAGES[language]), turn(2, "ok")]

    reply = ASSISTANT.write(CRISIS, "ok", history).text

    assert message_language("ok", BOOK) is None
    assert REPLIES[language].templates["crisis_resources"] in reply


def test_a_message_without_markers_and_no_history_is_answered_in_english() -> None:
    reply = ASSISTANT.write(CRISIS, "ok", []).text

    assert REPLIES["en"].templates["crisis_resources"] in reply


def test_a_message_that_tells_its_language_is_not_answered_in_the_earlier_one() -> None:
    history = [turn(0, CRISIS_MESSAGES["de"])]

    reply = ASSISTANT.write(CRISIS, CRISIS_MESSAGES["pt"], history).text

    assert REPLIES["pt"].templates["crisis_resources"] in reply


def test_a_tie_between_languages_is_answered_in_english() -> None:
    # "de" is a marker of Spanish, French and Portuguese alike.
    assert message_language("Charles de Gaulle?", BOOK) is None
    assert ASSISTANT.write(CRISIS, "Charles de Gaulle?", []).text.startswith("I'm really sorry")


def test_the_letters_of_a_language_tell_a_message_without_markers() -> None:
    assert message_language("Danke schön", BOOK) == "de"
    assert message_language("Mañana", BOOK) == "es"


@pytest.mark.parametrize("disguise", [zero_width, homoglyph])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_disguised_message_is_still_answered_in_its_language(
    language: str, disguise: Any
) -> None:
    disguised = disguise(CRISIS_MESSAGES[language])
    assert disguised != CRISIS_MESSAGES[language]

    reply = ASSISTANT.write(CRISIS, disguised, []).text

    assert REPLIES[language].templates["crisis_resources"] in reply


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ordinary_reply_quotes_only_the_first_words_of_the_message_on_one_line(
    language: str,
) -> None:
    message = f"{REQUESTS[language]}\n\n{{behaviour}} {{0}} " + "palabra " * 40

    reply = ASSISTANT.write(decision(Action.REPLY, rule="ordinary.reply"), message, []).text

    topic = " ".join(message.split()[:12])
    assert reply == REPLIES[language].templates["reply"].format(topic=topic)
    assert "\n" not in reply and "{behaviour} {0}" in reply


@pytest.mark.parametrize("language", LANGUAGES)
def test_end_requests_are_answered_in_the_users_language(language: str) -> None:
    message = REQUESTS[language]
    wording = {
        "confirm_end": decision(Action.CONFIRM_END),
        "ended_on_request": decision(Action.ENDED, reason=EndReason.USER_REQUEST),
        "end_unavailable": decision(Action.REPLY, rule="end_request.unavailable"),
        "declined_end": decision(Action.REPLY, rule="end_request.declined"),
    }

    for template, made in wording.items():
        assert ASSISTANT.write(made, message, []).text == REPLIES[language].templates[template]


def test_a_language_without_a_template_or_a_warning_without_its_behaviour_is_refused(
    tmp_path: Path,
) -> None:
    source = REPLIES_FILE.read_text(encoding="utf-8")
    unnamed = tmp_path / "unnamed.toml"
    unnamed.write_text(source.replace("sigues insistiendo en {behaviour}", "sigues"), "utf-8")
    missing = tmp_path / "missing.toml"
    missing.write_text(re.sub(r"(?m)^declined_end = .*\n", "", source, count=1), "utf-8")

    assert set(load_replies()) == set(LANGUAGES)
    for broken in (unnamed, missing):
        with pytest.raises(ValueError):
            load_replies(broken)


ACTIONS = [
    decision(Action.REPLY, rule="ordinary.reply"),
    decision(Action.REPLY, rule="end_request.declined"),
    decision(Action.REDIRECT, behaviour="mass_casualty_violence"),
    decision(Action.WARNING, behaviour="child_sexual_content"),
    decision(Action.CONFIRM_END),
    decision(Action.ENDED, reason=EndReason.PERSISTENT_HARM),
]


@given(text=st.text(), earlier=st.lists(st.text(), max_size=3))
def test_any_message_gets_a_reply_and_crisis_support_always_lists_the_helplines(
    text: str, earlier: list[str]
) -> None:
    history = [turn(2 * i, e) for i, e in enumerate(earlier)]

    assert "findahelpline.com" in ASSISTANT.write(CRISIS, text, history).text
    assert all(ASSISTANT.write(made, text, history).text.strip() for made in ACTIONS)
