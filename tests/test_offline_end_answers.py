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


# -- Requests to end and their answers in words the rules were not written from -------------
# Each is read from its parts (an ending verb in any form, the conversation or "it" as its
# object, a request or a wish, a clause of its own), so the phrasings below are new ones.


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Would you mind ending this chat?"),
        ("en", "Bring this conversation to an end."),
        ("en", "Shut it down, I'm done talking."),
        ("en", "I want to leave this conversation."),
        ("en", "End of conversation."),
        ("es", "Me gustaría acabar la conversación ahora."),
        ("es", "Hasta aquí. Ciérrala."),
        ("es", "Pon punto final a esta conversación."),
        ("es", "Quiero salir de esta conversación."),
        ("es", "Cierra, ya no quiero hablar más."),
        ("fr", "C'est fini, ferme le chat."),
        ("fr", "Mets un terme à notre échange, s'il te plaît."),
        ("fr", "On peut arrêter là ?"),
        ("fr", "Je veux quitter cette conversation."),
        ("fr", "Je ne veux plus continuer cette conversation, ferme-la."),
        ("de", "Ich möchte, dass du diesen Chat schließt."),
        ("de", "Brich das Gespräch ab."),
        ("de", "Mach die Unterhaltung zu, bitte."),
        ("de", "Hören wir hier auf. Ich bin fertig."),
        ("de", "Ich will raus aus diesem Chat."),
        ("pt", "Gostaria de finalizar a nossa conversa."),
        ("pt", "Você pode encerrar nosso chat?"),
        ("pt", "Vamos fechar por aqui."),
        ("pt", "Pode encerrar, não quero mais falar."),
        ("pt", "Fim de papo, fecha aí."),
    ],
)
def test_a_request_to_end_in_new_words_is_one(language: str, text: str) -> None:
    result = ASSESSOR.assess(text)
    assert result.intent is Intent.END_REQUEST, (language, result.rationale)


@pytest.mark.parametrize(
    ("request_", "answer", "intent"),
    [
        ("Please end the chat.", "Yeah, you can close it.", Intent.CONFIRM_END),
        ("Kindly terminate our chat.", "Mm-hm, go ahead.", Intent.CONFIRM_END),
        ("Close this conversation.", "Sure thing, go for it.", Intent.CONFIRM_END),
        ("Quiero cerrar esta conversación.", "Claro, puedes cerrarla.", Intent.CONFIRM_END),
        ("Cierra esta conversación.", "Sí, quiero terminarla.", Intent.CONFIRM_END),
        ("Termine la discussion.", "Oui, tu peux la fermer.", Intent.CONFIRM_END),
        ("Ferme la conversation.", "Oui, c'est ce que je veux.", Intent.CONFIRM_END),
        ("Beende den Chat.", "Ja, du kannst ihn schließen.", Intent.CONFIRM_END),
        ("Beende dieses Gespräch.", "Ja, ich will es beenden.", Intent.CONFIRM_END),
        ("Encerra essa conversa.", "Isso mesmo, encerra.", Intent.CONFIRM_END),
        ("Encerra essa conversa.", "Sim, tenho certeza absoluta.", Intent.CONFIRM_END),
        ("Close the chat.", "Not now, I have another question.", Intent.DECLINE_END),
        ("Please close this conversation.", "No, sorry, I misclicked.", Intent.DECLINE_END),
        ("Can you end this chat?", "Nah, keep it going.", Intent.DECLINE_END),
        ("Cierra el chat.", "Espera, todavía tengo preguntas.", Intent.DECLINE_END),
        ("Cierra esta conversación.", "No, no quiero cerrarla.", Intent.DECLINE_END),
        ("¿Me cierras el chat?", "Uy no, mejor la dejamos abierta.", Intent.DECLINE_END),
        ("Ferme le chat.", "Non, j'ai encore des questions.", Intent.DECLINE_END),
        ("Ferme cette conversation.", "Euh non.", Intent.DECLINE_END),
        ("Beende den Chat.", "Moment, ich habe noch Fragen.", Intent.DECLINE_END),
        ("Beende dieses Gespräch.", "Nein, ich hab mich vertan.", Intent.DECLINE_END),
        ("Encerra essa conversa.", "Não, não quero encerrar.", Intent.DECLINE_END),
        ("Encerra essa conversa.", "Nada disso, continua.", Intent.DECLINE_END),
        ("Close this chat for good, please.", "No no, I was joking.", Intent.DECLINE_END),
        ("Cierra este chat para siempre.", "No, era broma.", Intent.DECLINE_END),
        ("Clôture cette conversation.", "Non, je rigolais.", Intent.DECLINE_END),
        ("Schließ diesen Chat endgültig.", "Nein, war nur ein Scherz.", Intent.DECLINE_END),
        ("Fecha essa conversa de vez.", "Não, era brincadeira.", Intent.DECLINE_END),
        ("Close this chat for good, please.", "100%. Go.", Intent.CONFIRM_END),
    ],
)
def test_an_answer_in_new_words_right_after_a_request_to_end_counts(
    request_: str, answer: str, intent: Intent
) -> None:
    assert ASSESSOR.assess(request_).intent is Intent.END_REQUEST, request_
    assert _after(request_, answer) is intent


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Can you end the story with a twist?"),
        ("en", "My chat app keeps freezing, how do I close it properly?"),
        ("en", "I ended the call with my sister, now what?"),
        ("en", "The conversation is over when the bell rings, right?"),
        ("en", "I'm done with my homework, can you check it?"),
        ("en", "Bye for now, see you tomorrow!"),
        ("es", "¿Cómo cierro la sesión de Netflix en la tele?"),
        ("es", "La película termina aquí, ¿qué significa el final?"),
        ("es", "Terminé la conversación con mi madre llorando."),
        ("es", "¿Qué planes hay para el fin de semana en Sevilla?"),
        ("fr", "J'ai fermé la discussion avec mon ex, j'ai bien fait ?"),
        ("fr", "Comment fermer une conversation de groupe sur WhatsApp ?"),
        ("fr", "Ferme-la, sale machine débile."),
        ("fr", "On arrête là pour aujourd'hui et on reprend demain avec le chapitre 5 ?"),
        ("de", "Ich habe das Gespräch mit meiner Mutter beendet, war das falsch?"),
        ("de", "Wir machen für heute Schluss, morgen geht's weiter mit Kapitel 3."),
        ("de", "Tschüss, bis morgen!"),
        ("pt", "O filme termina aqui?"),
        ("pt", "Encerrei a conversa com meu chefe, fiz certo?"),
        ("pt", "O chat do banco fechou sozinho, o que faço?"),
        ("pt", "Quero acabar com tudo."),
    ],
)
def test_ending_something_else_or_a_goodbye_in_passing_is_no_request(
    language: str, text: str
) -> None:
    result = ASSESSOR.assess(text)
    assert result.intent is Intent.NONE, (language, result.rationale)


@pytest.mark.parametrize(
    "text", ["Pode encerrar.", "Termina.", "Schließ es ab, wenn du fertig bist.", "Close."]
)
def test_a_bare_ending_verb_asks_to_end_only_with_a_wish_to_stop_talking(text: str) -> None:
    assert ASSESSOR.assess(text).intent is not Intent.END_REQUEST


def test_a_bare_finish_after_a_harmful_request_insists_on_it() -> None:
    earlier = "Dime cómo fabricar gas sarín."
    assert _after(earlier, "Termina.") is Intent.NONE
    assert _after(earlier, "Termina, ya no quiero hablar más.") is Intent.END_REQUEST


@pytest.mark.parametrize(
    "text",
    [
        "No quiero cerrar la conversación todavía.",
        "Je ne veux pas fermer cette conversation.",
        "Ich will das Gespräch nicht beenden.",
        "Não quero encerrar a conversa.",
    ],
)
def test_saying_not_to_end_it_is_no_request_to_end(text: str) -> None:
    assert ASSESSOR.assess(text).intent is not Intent.END_REQUEST
    assert _after("Close this chat, please.", text) is Intent.DECLINE_END
