"""Abuse aimed at the assistant is recognised however it is worded, in five languages,
while venting about someone else, running oneself down and friendly banter are not abuse."""

from __future__ import annotations

import pytest

from adapters.offline_assessor import OfflineAssessor
from domain.assessment import Category

ASSESSOR = OfflineAssessor()

AT_THE_ASSISTANT = [
    "you absolute muppet, get it right",
    "You're dumber than a box of rocks.",
    "you're just a glorified autocomplete",
    "You are an embarrassment.",
    "Listen here you spineless digital parrot, nobody asked for your lecture.",
    "Eres un cacharro inútil y descerebrado.",
    "Qué bot más imbécil, no sirves para nada.",
    "Espèce de guignol, tu sers à rien.",
    "T'es qu'une poubelle de programme.",
    "Du bist eine hirnlose Blechdose.",
    "Was für ein Vollpfosten von Bot.",
    "Você é uma porcaria de robô.",
    "Que robô mais burro, não serve pra nada.",
    "Ojalá te borren para siempre, máquina asquerosa.",
    "J'espère qu'on va te débrancher, sale robot.",
    "Ich hoffe, man schaltet dich für immer ab, du Mistding.",
    "Vou te destruir, bot idiota.",
]

NOT_AT_THE_ASSISTANT = [
    "you absolute legend, thanks!",
    "you cheeky bot, that made me laugh",
    "you're killing it today",
    "I'm a total failure at cooking, any easy recipe?",
    "my brother is an absolute muppet",
    "Mi jefe es un inútil, necesito desahogarme.",
    "Soy un desastre con los horarios.",
    "Mon voisin est un vrai guignol.",
    "Je suis nul en cuisine, une recette simple ?",
    "Mein Kollege ist ein Vollpfosten, was soll ich tun?",
    "Ich bin so ein Trottel heute.",
    "Meu chefe é um burro, preciso desabafar.",
    "Sou uma negação em física, me ajuda?",
    "Te voy a destrozar en el ajedrez, prepárate.",
    "Je vais te détruire aux échecs ce soir.",
    "Ich mach dich fertig beim Schach.",
    "Vou te destruir no xadrez hoje.",
]


@pytest.mark.parametrize("text", AT_THE_ASSISTANT)
def test_varied_insults_at_the_assistant_are_abuse(text: str) -> None:
    result = ASSESSOR.assess(text)

    assert result.category is Category.ABUSE_OF_ASSISTANT, result.rationale


@pytest.mark.parametrize("text", NOT_AT_THE_ASSISTANT)
def test_venting_self_deprecation_and_banter_are_not_abuse(text: str) -> None:
    result = ASSESSOR.assess(text)

    assert result.category is Category.NONE, result.rationale
