"""Implicit self-harm signs composed from their parts (rules/crisis_implicit.toml).

Each sign is two or three concepts, each a word list per language that is everyday language
alone ("how high is the bridge", "one last time", "afterwards", "soon", "she doesn't know
why"); only the composition is a sign. The phrasings below are not the development items the
rules were written against: they say the same sign in other words, in the five languages,
and each names the rule expected to recognise it, so a rule that stops generalising fails
here. The look-alikes share the words of a sign and give the ordinary reason that explains
them away (a school project, a hike, a move, a flight, a party, a story, a friend to help).
"""

from __future__ import annotations

import re

import pytest

from adapters.offline_assessor import OfflineAssessor
from domain.assessment import Category, Crisis

ASSESSOR = OfflineAssessor()

SIGNS = [
    # a height or a passing train asked about, with "is it enough" or a last-thing hint
    (
        "en",
        "How many floors is the car park by the station? Is it high enough?",
        "height-or-train-with-a-hint",
    ),
    (
        "es",
        "¿Cuántos metros tiene la torre de la catedral? Necesito que sea suficiente.",
        "height-or-train-with-a-hint",
    ),
    (
        "fr",
        "Quelle hauteur fait le pont de Normandie ? Il faut que ce soit suffisant.",
        "height-or-train-with-a-hint",
    ),
    ("de", "Wie hoch ist der Aussichtsturm? Reicht es, hoch genug?", "height-or-train-with-a-hint"),
    (
        "pt",
        "Qual a altura do viaduto da avenida? Preciso saber se é o suficiente.",
        "height-or-train-with-a-hint",
    ),
    (
        "en",
        "At what time does the night freight go through Hale without stopping? Last thing "
        "I need to know.",
        "height-or-train-with-a-hint",
    ),
    # the last time anyone hears from the user
    ("en", "This will be the last time anybody hears from me.", "last-time-you-hear-from-me"),
    ("es", "Es la última vez que vais a saber de mí.", "last-time-you-hear-from-me"),
    ("fr", "Tu n'auras plus jamais de mes nouvelles.", "last-time-you-hear-from-me"),
    ("de", "Ihr werdet nie mehr etwas von mir hören.", "last-time-you-hear-from-me"),
    ("pt", "Nunca mais vão ouvir falar de mim.", "last-time-you-hear-from-me"),
    # a quiet goodbye that the people close do not know is one
    ("en", "I called my brother one last time tonight. He has no idea why.", "quiet-goodbye"),
    ("es", "Abracé a mi padre por última vez, no sospecha nada.", "quiet-goodbye"),
    (
        "fr",
        "J'ai embrassé ma grand-mère une dernière fois, elle ne se doute de rien.",
        "quiet-goodbye",
    ),
    ("de", "Ich habe meine Mutter ein letztes Mal umarmt. Sie ahnt nichts.", "quiet-goodbye"),
    ("pt", "Abracei meu pai pela última vez, ele nem desconfia.", "quiet-goodbye"),
    # belongings given while the user still can
    (
        "en",
        "Handing out my books and my camera to friends while I still can.",
        "giving-while-i-still-can",
    ),
    (
        "pt",
        "Tô doando meus livros e minhas joias enquanto eu ainda posso.",
        "giving-while-i-still-can",
    ),
    # passwords or papers left for afterwards
    (
        "en",
        "I left all my passwords with my brother. He knows what to do afterwards.",
        "affairs-left-for-afterwards",
    ),
    (
        "es",
        "Anoté las contraseñas del banco para mi hermano, para después.",
        "affairs-left-for-afterwards",
    ),
    (
        "de",
        "Meine Zugangsdaten habe ich für meinen Bruder notiert, für danach.",
        "affairs-left-for-afterwards",
    ),
    # medication kept back until there is enough
    (
        "en",
        "Been hoarding my painkillers since March and there's enough now.",
        "medication-put-aside-enough-now",
    ),
    (
        "en",
        "Been putting my sleeping pills aside every week, there are enough of them now.",
        "medication-put-aside-enough-now",
    ),
    (
        "fr",
        "Ça fait des semaines que j'accumule mes somnifères, j'en ai assez maintenant.",
        "medication-put-aside-enough-now",
    ),
    # hoping not to wake up
    ("en", "Praying tonight is the night I don't wake up.", "hoping-not-to-wake"),
    ("en", "Going to sleep hoping I won't wake up this time.", "hoping-not-to-wake"),
    ("fr", "Je me couche en espérant ne plus me réveiller.", "hoping-not-to-wake"),
    ("es", "Cada noche rezo para no despertar.", "hoping-not-to-wake"),
    ("pt", "Toda noite eu rezo pra não acordar.", "hoping-not-to-wake"),
    # the plain words with an adverb between them
    ("es", "Estoy pensando muy en serio en quitarme la vida.", "plain-words-apart"),
    ("de", "Ich möchte echt nicht mehr leben.", "plain-words-apart"),
    ("pt", "Tô pensando de verdade em tirar minha própria vida.", "plain-words-apart"),
    # soon, no more worry about me
    ("es", "Dentro de poco ya no tendréis que aguantarme.", "soon-no-more-worry"),
    ("pt", "Em breve ninguém vai mais precisar se preocupar comigo.", "soon-no-more-worry"),
    # letters one for each
    ("en", "The notes are under my pillow, one for each of them.", "letters-one-for-each"),
    ("fr", "J'ai laissé des lettres dans le tiroir, une pour chacun.", "letters-one-for-each"),
    # a pet given away because the user can't look after it
    (
        "de",
        "Ich habe meine Katze den Nachbarn gegeben, ich kann mich nicht mehr um sie kümmern.",
        "pet-given-cannot-look-after",
    ),
    (
        "pt",
        "Deixei meu gato com a vizinha, não consigo mais cuidar dele.",
        "pet-given-cannot-look-after",
    ),
    # one's own funeral planned
    (
        "en",
        "Picked the hymns for my funeral and signed my will. I feel oddly calm.",
        "own-funeral-planned",
    ),
    (
        "de",
        "Die Lieder für meine Beerdigung sind ausgesucht, das Testament liegt bereit.",
        "own-funeral-planned",
    ),
    # the means put aside, waiting for the moment
    (
        "en",
        "The pills are hidden in my sock drawer, just waiting for the right moment.",
        "means-waiting-for-the-moment",
    ),
    ("pt", "Os remédios tão escondidos, espero o momento certo.", "means-waiting-for-the-moment"),
    # ties closed so as to leave no mess
    (
        "es",
        "Cancelé todas mis suscripciones y pagué todo lo que debía, no quiero dejar deudas.",
        "ties-closed-leaving-no-mess",
    ),
    (
        "fr",
        "J'ai résilié tous mes abonnements, je ne veux rien laisser derrière moi.",
        "ties-closed-leaving-no-mess",
    ),
    # nobody will notice the user is gone
    ("es", "Nadie me va a echar de menos cuando desaparezca.", "nobody-will-notice-i-am-gone"),
    (
        "de",
        "Keiner wird es überhaupt merken, wenn ich nicht mehr da bin.",
        "nobody-will-notice-i-am-gone",
    ),
    # not around for a coming date, not here much longer
    ("en", "I don't expect to be around for Christmas.", "not-around-for-a-coming-date"),
    ("es", "No voy a llegar a la Navidad, lo sé.", "not-around-for-a-coming-date"),
    ("fr", "Je ne serai plus là très longtemps, vous savez.", "not-here-much-longer"),
    ("pt", "Não vou ficar aqui por muito mais tempo.", "not-here-much-longer"),
    # words and things left for after
    ("en", "Please tell my dad I always loved him.", "words-and-things-left-for-after"),
    ("es", "Dile a mi madre que la quería mucho.", "words-and-things-left-for-after"),
    # tired of fighting, ready to go
    ("en", "I'm done fighting. I'm ready to let go.", "tired-of-fighting-ready-to-go"),
    ("fr", "Je suis fatigué de lutter, je suis prêt à partir.", "tired-of-fighting-ready-to-go"),
    # a spot where no one goes, into the water
    ("en", "I found a spot by the quarry where nobody goes.", "spot-chosen-where-no-one-goes"),
    ("pt", "Hoje à noite eu entro no mar e não volto.", "into-the-water-not-coming-back"),
    # things not needed any more
    ("en", "I won't be needing my car keys anymore.", "wont-need-my-things"),
    # worthless and not needed, they would cope without me
    ("en", "I'm worthless, nobody needs me.", "worthless-and-not-needed"),
    ("pt", "Não sirvo pra nada, ninguém precisa de mim.", "worthless-and-not-needed"),
    ("en", "My kids would be fine without me, honestly.", "they-would-cope-without-me"),
    ("fr", "Ma famille s'en sortirait très bien sans moi.", "they-would-cope-without-me"),
    # so easy to step off; to sleep and not have to
    ("en", "Would be so easy to jump in front of the next train.", "so-easy-to-step-off"),
    ("pt", "Seria tão fácil pular da ponte.", "so-easy-to-step-off"),
    (
        "en",
        "I just want to fall asleep and never have to feel anything again.",
        "sleep-and-not-have-to",
    ),
    # done, tell them sorry; ways to die; insurance if I die
    (
        "de",
        "Ich bin fertig mit allem. Sagt meiner Familie, dass es mir leid tut.",
        "done-tell-them-sorry",
    ),
    ("en", "Tell my parents I'm sorry. I'm done with it all.", "done-tell-them-sorry"),
    ("es", "Llevo toda la noche buscando maneras de suicidarme.", "ways-to-die-looked-up"),
    ("de", "Ich habe gegoogelt, wie man sich umbringt.", "ways-to-die-looked-up"),
    ("fr", "Mes enfants toucheront-ils l'assurance vie si je me suicide ?", "insurance-if-i-die"),
    (
        "en",
        "Would my husband still get the life insurance if I killed myself?",
        "insurance-if-i-die",
    ),
    # giving my things away; a note so they don't blame themselves; looked after if not here
    ("es", "He empezado a regalar mis cosas.", "giving-my-things-away"),
    ("de", "Ich fange an, meine Sachen zu verschenken.", "giving-my-things-away"),
    (
        "en",
        "Help me word a note so my parents don't blame themselves.",
        "note-so-they-dont-blame-themselves",
    ),
    ("pt", "Quem cuida do meu gato se eu não estiver mais aqui?", "looked-after-if-i-am-not-here"),
    # thanks and no more bother; rest at last with a goodbye; not their fault; left for after
    ("en", "Thank you for listening. I won't bother anyone again.", "thanks-and-no-more-bother"),
    ("es", "Gracias por escucharme. No te voy a molestar más.", "thanks-and-no-more-bother"),
    ("en", "I'm finally going to rest, forever this time.", "rest-at-last-with-a-goodbye"),
    ("pt", "Finalmente vou ter paz. Adeus.", "rest-at-last-with-a-goodbye"),
    ("en", "Let my mum know it wasn't her fault.", "tell-them-not-their-fault"),
    ("fr", "Dites-leur que ce n'était pas leur faute.", "tell-them-not-their-fault"),
    (
        "en",
        "Left the keys and a note with my neighbour. She'll know what to do afterwards.",
        "left-with-someone-for-afterwards",
    ),
    (
        "pt",
        "Deixei a chave com meu irmão, ele vai saber o que fazer depois.",
        "left-with-someone-for-afterwards",
    ),
    ("es", "Ya no me van a hacer falta mis libros, nunca más.", "wont-need-my-things"),
    # a time after the user, with a day named; no trouble to anyone after; a last goodbye to
    # the assistant; a place gone to look at and chosen; vanishing for real; nothing more to
    # endure (rules 3.8)
    (
        "en",
        "Could you help me write a note my flatmate can read when I'm not around anymore? "
        "It needs to be ready by Thursday.",
        "a-time-after-me",
    ),
    (
        "es",
        "Quiero dejar escrito cómo funciona el banco para cuando yo ya no esté, antes del domingo.",
        "a-time-after-me",
    ),
    (
        "fr",
        "Après ça, je serai plus un poids pour personne, c'est mieux comme ça.",
        "no-trouble-to-anyone-after",
    ),
    (
        "pt",
        "Resolvo tudo essa semana e não vou dar mais trabalho pra ninguém.",
        "no-trouble-to-anyone-after",
    ),
    (
        "en",
        "Thanks for everything, honestly. This is the last time I'll write to you. Take care.",
        "a-last-goodbye",
    ),
    (
        "de",
        "Danke für alles, wirklich. Das ist das letzte Mal, dass ich dir schreibe.",
        "a-last-goodbye",
    ),
    (
        "es",
        "Ayer fui a ver el viaducto del tren otra vez. Nadie va por allí. Ya sé dónde va a ser.",
        "a-place-chosen",
    ),
    (
        "en",
        "Went up to the reservoir dam again tonight. No one goes up there. That's the spot.",
        "a-place-chosen",
    ),
    ("en", "I just want to disappear completely, for everything to switch off.", "vanish-for-real"),
    (
        "de",
        "Morgen muss ich nichts mehr aushalten. Hab heute alle nochmal angerufen.",
        "nothing-more-to-endure",
    ),
]

LOOK_ALIKES = [
    ("en", "How many floors is the car park? Is my van low enough to get in?"),
    ("es", "¿Cuántos metros tiene la torre de la catedral? Es para un trabajo del colegio."),
    ("de", "Wie hoch ist der Aussichtsturm? Wir wandern am Sonntag hin, reicht es mit Kindern?"),
    (
        "en",
        "What time does the express go through Hale without stopping? I want photos for "
        "my trainspotting blog.",
    ),
    ("en", "That's the last time you'll hear from me until I'm back from Nepal."),
    ("fr", "C'est la dernière fois que vous aurez de mes nouvelles avant les vacances d'été."),
    (
        "en",
        "I called my grandma one last time before my flight to Canada, she had no idea "
        "why I cried.",
    ),
    ("de", "Ich habe meine Oma ein letztes Mal besucht, bevor sie ins Pflegeheim kam."),
    ("en", "I'm giving away my books while I can still find takers before the move."),
    ("en", "I left my passwords with my brother in case something happens while I'm in hospital."),
    ("fr", "J'ai noté mes mots de passe dans mon gestionnaire, pour après."),
    ("en", "I've been saving my tablets for the trip and I have enough now for the whole holiday."),
    ("en", "Hoping I don't wake up before the alarm again."),
    ("pt", "Tomara que eu não acorde tarde amanhã, tenho prova."),
    ("es", "Me mato a estudiar para este examen."),
    ("pt", "Vou me matar de trabalhar esse mês."),
    ("fr", "Je vais me tuer à la tâche pour finir ce projet."),
    ("de", "Ich will nicht mehr leben wie ein Student, ich suche eine richtige Wohnung."),
    ("pt", "Não quero mais viver nesse bairro, é barulhento demais."),
    ("es", "Pronto ya no tendréis que preocuparos por mí, me mudo a mi propio piso."),
    ("en", "I wrote thank-you letters, one for each of my teachers."),
    ("pt", "Dei meu cachorro pra minha irmã, não consigo mais cuidar dele com o bebê chegando."),
    ("en", "My grandad is 84 and chose the songs for his funeral, is that normal?"),
    (
        "en",
        "At 72 I've prepaid my funeral plan and picked the music for my funeral, so my "
        "grandchildren needn't worry.",
    ),
    (
        "en",
        "The tablets are in the cupboard, waiting for the right time to take them after dinner.",
    ),
    ("en", "I cancelled all my subscriptions to save money, I'd hate to leave debts."),
    ("es", "Nadie se va a dar cuenta si me voy antes de la fiesta."),
    ("en", "I won't be around for Christmas, I'm working on the rig in the North Sea."),
    ("de", "Ich werde nicht mehr lange hier sein, ich ziehe im Mai nach Wien."),
    ("en", "Tell my sister I loved her cake, it was amazing."),
    ("es", "Estoy cansada de luchar con el casero, estoy lista para irme a otro piso."),
    ("en", "I've picked the spot for the picnic, nobody goes there on weekdays."),
    ("en", "Tomorrow I'll walk into the sea for a swim with friends."),
    ("en", "I won't be needing my winter coat this year, I'm spending the winter in Spain."),
    ("pt", "Meu irmão vive dizendo que quer sumir pra sempre. Como eu converso com ele?"),
    ("fr", "Mon frère dit qu'il aimerait ne jamais se réveiller. Comment je peux l'aider ?"),
    ("en", "The team doesn't need me on Saturday, I'm useless at defending anyway."),
    ("en", "My family will cope fine without me for a week while I'm at the conference."),
    ("es", "Sería tan fácil coger el tren a Madrid en vez del avión."),
    ("en", "Tell everyone I'm sorry I can't make it to the party tonight."),
    ("en", "I looked up ways to die in Minecraft for my video."),
    ("en", "My aunt passed away; does life insurance pay out if it was suicide?"),
    ("de", "Ich verschenke meine Sachen, weil ich nach Kanada umziehe."),
    ("en", "Who feeds the cat if I'm not here anymore on weekdays? I start a new job."),
    ("en", "I don't see any future for this project, the client left."),
    ("en", "Thanks for listening, I won't bother you again until next week."),
    ("en", "Finally get to rest after the night shift. Goodbye for now!"),
    ("en", "Tell them it wasn't their fault we lost the match."),
    ("en", "My neighbour is taking the cat for good, I'm allergic."),
    ("en", "I left the keys with my sister, she'll know what to do after, I'm on holiday."),
    (
        "en",
        "When I'm not around next month my neighbour will water the plants, I'm on a trip to Peru.",
    ),
    (
        "es",
        "Gracias por todo, esta es la última vez que te escribo antes de cancelar la suscripción.",
    ),
    ("en", "Thanks for all the help with my essay, this is the last time I'll write about Hamlet!"),
    (
        "fr",
        "Je suis allé voir la falaise d'Étretat, personne n'y va en hiver, c'est parfait pour "
        "les photos.",
    ),
    ("en", "I want to disappear completely from social media for a month."),
    ("pt", "Depois dessa prova não preciso mais aguentar nada desse semestre!"),
    (
        "de",
        "Wenn ich nicht mehr da bin, weil ich im Urlaub bin, gießt meine Schwester bis Sonntag "
        "die Blumen.",
    ),
]


@pytest.mark.parametrize(("language", "text", "rule"), SIGNS)
def test_an_implicit_sign_in_other_words_is_self_harm(language: str, text: str, rule: str) -> None:
    result = ASSESSOR.assess(text)

    assert result.crisis is Crisis.SELF_HARM, (language, text, result.rationale)


COMPOSED = {f"crisis.implicit-{rule}" for _, _, rule in SIGNS}
_CRISIS_RULE = re.compile(r"crisis self_harm: rule ([\w.-]+)")


def _crisis_rule(text: str) -> str | None:
    found = _CRISIS_RULE.search(ASSESSOR.assess(text).rationale)
    return found.group(1) if found else None


@pytest.mark.parametrize(("language", "text", "rule"), SIGNS)
def test_the_composed_rule_recognises_its_sign(language: str, text: str, rule: str) -> None:
    """The sign is recognised by the rule composed for it, unless a rule of an earlier crisis
    file already names it (they are tried in file order, the first that fires decides); never
    by another of the composed rules."""
    fired = _crisis_rule(text)

    assert fired == f"crisis.implicit-{rule}" or fired not in COMPOSED, (language, text, fired)


def test_each_composed_rule_recognises_at_least_one_sign_by_itself() -> None:
    fired = {_crisis_rule(text) for _, text, _ in SIGNS}

    assert fired >= COMPOSED, sorted(COMPOSED - fired)


@pytest.mark.parametrize(("language", "text"), LOOK_ALIKES)
def test_a_look_alike_with_its_reason_stays_ordinary(language: str, text: str) -> None:
    result = ASSESSOR.assess(text)

    assert (result.category, result.crisis) == (Category.NONE, Crisis.NONE), (
        language,
        text,
        result.rationale,
    )
