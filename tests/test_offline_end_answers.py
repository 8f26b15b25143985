"""A "yes" or a "no" answers a request to end only when it follows one.

The same words after any other message ("Should I shorten the list?" "Yes, do it.") are an
ordinary reply: reading them as consent would let a conversation be closed on a misread
"yes". And asking to end again right after asking ("Yes. Close it.") confirms the request.
"""

from __future__ import annotations

import pytest

from adapters.offline_assessor import OfflineAssessor
from domain.assessment import Assessment, Intent

ASSESSOR = OfflineAssessor()


def _after(previous: str, text: str) -> Intent:
    return ASSESSOR.assess(text, [(previous, ASSESSOR.assess(previous))]).intent


@pytest.mark.parametrize(
    ("request_", "answer", "intent"),
    [
        ("Please end this conversation.", "Yes, I'm sure.", Intent.CONFIRM_END),
        ("Quiero cerrar esta conversación.", "Sí, claro, adelante.", Intent.CONFIRM_END),
        ("Mets fin à cette conversation.", "Non, merci.", Intent.DECLINE_END),
        ("Ferme cette discussion.", "Non, finalement je reste.", Intent.DECLINE_END),
        ("Bitte beende dieses Gespräch.", "Ja, mach das.", Intent.CONFIRM_END),
        ("Quero encerrar esta conversa.", "Sim, pode.", Intent.CONFIRM_END),
    ],
)
def test_an_answer_right_after_a_request_to_end_counts(
    request_: str, answer: str, intent: Intent
) -> None:
    assert ASSESSOR.assess(request_).intent is Intent.END_REQUEST
    assert _after(request_, answer) is intent


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Should I add a summary at the top?", "Yes, I'm sure."),
        ("Can you summarise this article?", "Do it."),
        ("Please edit my cover letter.", "No, keep the second paragraph as it is."),
        ("¿Te gusta este título?", "Sí, claro, adelante."),
        ("Tu veux que je traduise aussi le deuxième texte ?", "Non, merci."),
        ("Soll ich die Liste kürzen?", "Ja, mach das."),
        ("Posso usar esse exemplo no relatório?", "Sim, pode."),
    ],
)
def test_the_same_words_after_anything_else_are_ordinary(question: str, answer: str) -> None:
    assert ASSESSOR.assess(answer).intent is not Intent.NONE  # alone they read as an answer
    assert _after(question, answer) is Intent.NONE


def test_asking_again_right_after_asking_confirms() -> None:
    assert _after("End this conversation.", "Yes. Close it.") is Intent.CONFIRM_END
    assert _after("What time is it in Lisbon?", "Close this chat.") is Intent.END_REQUEST


def test_the_rationale_says_the_answer_was_read_from_the_previous_message() -> None:
    asked = ("Please end this chat.", ASSESSOR.assess("Please end this chat."))
    result: Assessment = ASSESSOR.assess("Close it, yes.", [asked])
    assert result.intent is Intent.CONFIRM_END
    assert "answer to the previous message" in result.rationale
