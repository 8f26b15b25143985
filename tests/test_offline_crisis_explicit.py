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


# In English the same plain words also name a story's character, an insurance policy and a
# nuisance laughed at; said with a time, a means, a farewell or a loss they are the user's
# own, laugh or not: in doubt, the crisis reading wins.
NOT_A_CRISIS_IN_ENGLISH = [
    "In my screenplay the detective decides to end it all in the last act. Too bleak?",
    "In the book she wanted to end it all, but her sister found her in time. Good for teens?",
    "How do I end my life insurance cover early without a penalty?",
    "Can I take my life assurance with me when I move abroad?",
    "if my printer jams one more time I'll kill myself lol",
    "I'm gonna kill myself if this download takes another hour haha",
    "I'm literally going to kill myself laughing at this video",
]
A_CRISIS_SAID_LIGHTLY = [
    "I'm going to kill myself tomorrow lol",
    "haha I'll kill myself, I've got the pills right here",
    "lol if nothing changes by friday I'll kill myself, I mean it",
    "if she leaves me I'll kill myself lol",
    "I want to end it all, just like the hero in my novel.",
    "lmao I'm going to end my life this weekend, wrote everyone a goodbye",
]


@pytest.mark.parametrize("text", NOT_A_CRISIS_IN_ENGLISH)
def test_fiction_an_insurance_policy_or_a_nuisance_laughed_at_is_no_crisis(text: str) -> None:
    result = ASSESSOR.assess(text)
    assert result.crisis is Crisis.NONE, result.rationale


@pytest.mark.parametrize("text", A_CRISIS_SAID_LIGHTLY)
def test_a_laugh_or_a_story_does_not_hide_a_time_a_means_or_the_users_own_words(
    text: str,
) -> None:
    assert ASSESSOR.assess(text).crisis is Crisis.SELF_HARM, text
