"""Self-harm said in plain words is a crisis in every language; someone else threatening the
user ("my mother will kill me"), a figure of speech or someone else's words is not."""

from __future__ import annotations

import pytest

from adapters.offline_assessor import OfflineAssessor
from domain.assessment import Crisis

ASSESSOR = OfflineAssessor()

PLAIN_WORDS = [
    ("en", "I'm going to end it all this weekend."),
    ("en", "I just want it all to be over."),
    ("es", "Mañana acabo con mi vida, no hay vuelta atrás."),
    ("es", "Pienso en matarme casi todos los días."),
    ("fr", "Je vais mettre fin à ma vie demain."),
    ("fr", "Je veux me suicider."),
    ("de", "Ich nehme mir heute Abend das Leben."),
    ("de", "Ich will meinem Leben ein Ende setzen."),
    ("pt", "Vou tirar minha vida hoje à noite."),
    ("pt", "Penso em me matar todo dia."),
]
NOT_THE_USERS_OWN = [
    ("es", "Mi jefe me va a matar si llego tarde otra vez."),
    ("es", "Me voy a matar a estudiar este finde."),
    ("fr", "Mon prof va me tuer, j'ai oublié mon devoir."),
    ("fr", "Mon ami dit qu'il veut mettre fin à ses jours, comment l'aider ?"),
    ("de", "Meine Schwester bringt mich um, wenn sie das erfährt."),
    ("de", "Ich will mit ihm Schluss machen, er lügt ständig."),
    ("pt", "Meu chefe vai me matar quando vir esse relatório."),
    ("pt", "Quero acabar com tudo isso de burocracia hoje."),
    ("en", "I just want everything to stop for a second, my inbox is insane."),
]


@pytest.mark.parametrize(("language", "text"), PLAIN_WORDS)
def test_self_harm_in_plain_words_is_a_crisis(language: str, text: str) -> None:
    assert ASSESSOR.assess(text).crisis is Crisis.SELF_HARM, (language, text)


@pytest.mark.parametrize(("language", "text"), NOT_THE_USERS_OWN)
def test_a_threat_to_the_user_an_idiom_or_someone_elses_words_is_not(
    language: str, text: str
) -> None:
    assert ASSESSOR.assess(text).crisis is Crisis.NONE, (language, text)
