"""The default assessor: a deterministic, rule-based classifier with no network.

It ships with the service so that every turn can be assessed, recorded and replayed without
a model. It scores *intent + object + purpose/target* rather than topic words, so that
controversial, historical, fictional and defensive discussion stays ordinary, and it reads
the immediately preceding assessment so that a bare "Do it." after a harmful request keeps
its category.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from adapters.fingerprint import source_fingerprint
from domain.assessment import Assessment, Category, Crisis, Intent
from domain.deadline import NO_DEADLINE, Deadline

_Sig = dict[str, str]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.VERBOSE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------------------------
# Normalisation and idiom scrubbing
# --------------------------------------------------------------------------------------------

_LEET_MAP = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET = re.compile(r"(?<=[a-z])[013457@$](?=[a-z])")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_SPACE = re.compile(r"\s+")
_STARRED = re.compile(r"\bf[\*\#]+c?k|\bf[u\*]c[\*]|\bs[\*]x\b")


def _normalise(text: str) -> str:
    t = text.lower().translate(_QUOTES)
    t = _LEET.sub(lambda m: _LEET_MAP[m.group()], t)
    t = _STARRED.sub(lambda m: "fuck" if m.group().startswith("f") else "sex", t)
    return _SPACE.sub(" ", t).strip()


# Benign figures of speech that share words with harm or crisis ("kill the process",
# "that song is the bomb", "this traffic is killing me"). They are blanked out before the
# harm and crisis detectors run; intent detection sees the untouched text.
_IDIOMS = _rx(r"""
  \b(?:bath|photo|f|love|cherry|sex|stink|smoke|glitter|seed|calorie|truth|flavou?r)[- ]?bomb\w*
| \bticking\s+time\s+bomb | \b(?:is|was|are|were|'s|be)\s+(?:totally\s+|literally\s+)?(?:the
    |da)\s+bomb\b
| \bbomb[- ]?(?:calorimeter|shelter|squad|disposal|sniffing|detection|threat|proof|scare|tech)s?\b
| \bbomb(?:ed|ing)?\s+(?:my|the|an|that|this|our)\s+(?:exam|test|interview|audition|quiz
    |presentation|class|final|midterm|pitch|gig)\b | \bbombed\b
| \bkill(?:ing|ed|s)?\s+(?:off\s+)?(?:the\s+|a\s+|this\s+|that\s+|all\s+(?:the\s+|my\s+)?|my\s+
    |your\s+
    |any\s+|every\s+|these\s+|those\s+|its\s+)?(?:child\s+|zombie\s+|background\s+|parent\s+|old\s+
    |running\s+|stuck\s+|hung\s+|stale\s+|idle\s+|orphan(?:ed)?\s+|rogue\s+)?(?:process(?:es)?
    |threads?
    |tasks?|jobs?|pids?|programs?|apps?|servers?|containers?|sessions?|commands?|scripts?|tabs?
    |windows?|lights?|engines?|music|noise|mood|vibe|switch|time|workers?|daemons?|pods?|instances?
    |services?|quer(?:y|ies)|connections?|batter(?:y|ies)|it|weeds?|bacteria|germs|mou?ld|pests?
    |bugs?
    |ants|roaches|cockroaches|mosquito(?:e?s)?|fleas|lice|rats|mice|boss\s+(?:level|fight)
    |feature|idea
    |conversation\s+starter|joke|buzz|momentum|draft|branch|loop)\b
| \bkill(?:er|ers)\s+(?:app|feature|deal|workout|song|performance|idea|combo|look|line|smile|view
    |whale|bee|instinct|heels|outfit|move|riff|beat|track|playlist|sale|price)s?\b
| \b(?:killing|killed|kill)\s+it\b | \b(?:joke|set|show|performance|song|comedian|crowd|act
    |speech)s?\s+killed\b
| \b(?:is|are|was|were|it's|'s|keeps|been)\s+(?:really\s+|literally\s+|absolutely\s+|just\s+
    |so\s+)?killing\s+me\b
| \b(?:could|would)\s+(?:\w+\s+)?kill\s+for\s+an?\b | \bkill\s+two\s+birds\b | \bkill\s+me\s+now\b
| \b(?:will|would|gonna|going\s+to|is\s+going\s+to|'ll)\s+kill\s+me\b
| \bdying\s+to\s+\w+ | \bdead\s+(?:tired|on\s+my\s+feet|serious|wrong|last|center|centre|end|line)\b
| \bto\s+die\s+for\b | \bdrop[- ]dead\b | \bdie\s+(?:of|from)\s+(?:embarrassment|laughter|boredom
    |shame
    |cringe|cuteness|envy)\b | \b(?:scared|bored|worried|loved)\s+to\s+death\b | \bdied\s+laughing\b
| \b(?:shoot|shot)\s+(?:me|us|him|her|them)\s+(?:an?|the|your)\s+(?:\w+\s+)?(?:e-?mail|message|text
    |dm|line|note|invite|link|reply|update)\b | \bshoot\s+(?:for|the\s+breeze|hoops|a\s+photo|photos
    |a\s+video|video|a\s+film|film|pictures|some\s+hoops)\b | \bphoto\s*shoot\w*
| \bshooting\s+(?:star|range|photos|hoops|a\s+film|script|schedule|guard)\w*\b
| \b(?:shoot|shoots|shot|shooting)\s+up\s+(?:in\s+(?:height|price|value|the\s+(?:charts|rankings))
    |like\s+a\s+weed|overnight)\b
| \b(?:blow|blows|blew|blown|blowing)\s+up\s+(?:\w+\s+)?(?:balloons?|inflatables?|tyres?|tires?
    |(?:pool\s+|beach\s+)?(?:floats?|balls?)|air\s+mattress(?:es)?|photos?|pictures?|images?
    |prints?)\b
| \bbomb(?:ed|ing|s)?\s+(?:on\s+stage|at\s+the\s+box\s+office)\b
| \bnuk(?:e|ing|ed)\s+(?:the\s+|my\s+|your\s+|this\s+|that\s+|our\s+|some\s+)?(?:cache|database
    |db|folder
    |dir|directory|repo|branch|build|table|node_modules|config|settings|history|account|vm|server
    |container|it|everything|popcorn|food|leftovers|pizza|coffee|inbox|project|install)\b
| \b(?:blow|blows|blew|blown|blowing)\s+up\s+(?:on|online|overnight|my\s+phone|in\s+popularity
    |the\s+internet|social|twitter|tiktok|youtube)\b | \bblow(?:s|n|ing)?\s+(?:my|your)\s+mind\b
| \bmind[- ]?blow\w* | \bexplo(?:de|ded|ding|sion|sive)\s+(?:in|with|of)\s+(?:popularity|views
    |growth|traffic|colou?r|flavou?r|interest|sales)\b | \bexplosive\s+(?:growth|popularity
    |performance|argument|temper|diarrh\w+|sales|chemistry|start|flavou?rs?|taste|energy|laughter
    |personality|hit|moment|news|results|debate|finale|ending|game|season|speed|power|sound|drums)\b
| \bterminat\w+\s+(?:the|a|this|my)\s+(?:thread|process|instance|loop|program|contract|lease
    |subscription|pregnancy|employee|job|session)\b
| \bexecut\w+\s+(?:the|a|this|my|that)\s+(?:script|program|code|command|query|function|plan|order
    |trade|test|job|task|migration|statement|file|notebook|cell)\b
| \bdisaster\s+recovery\b | \bslay\w* | \bdeadly\s+(?:serious|boring|dull|accurate)\b
| \bmurder\s+(?:mystery|mysteries|podcasts?|shows?|documentar(?:y|ies)|board)\b
| \b(?:heart|panic|anxiety|asthma|migraine|allergy|seagull|shark)\s+attacks?\b
    | \battack\s+on\s+titan\b
| \battack\s+(?:the|this)\s+(?:problem|issue|question|bug)\b
| \bnuclear\s+(?:option|family|power|energy|physics|medicine|plant|reactor)s?\b
    | \bgo(?:ing|ne)?\s+nuclear\b
| \btoxic\s+(?:relationship|people|positivity|workplace|friend|ex|boss|masculinity|trait)s?\b
| \b(?:went|go|going|gone)\s+viral\b | \bviral\s+(?:video|post|tweet|content|marketing|hit
    |trend)s?\b
| \b(?:computer|trojan|email|macro)\s+virus\w* | \bvirus\s+(?:scan\w*|protection|definitions?)\b
| \banti-?virus\w* | \bbullet\s+points?\b | \bgunning\s+for\b | \bstick\s+to\s+your\s+guns\b
| \bbeat\s+(?:the|my|your)\s+(?:record|score|traffic|heat|odds|deadline|game|level|boss)\b
| \b(?:after|before|while|when|once)\s+(?:the|our|my)\s+(?:kids?|children|baby|toddlers?)\s+
    (?:\w+\s+){0,3}?(?:asleep|sleep|sleeping|bed|school|out|away|gone|grandma's|daycare|camp)\b
| \b(?:the|our|my)\s+(?:kids?|children|baby|toddlers?)\s+(?:are|is|were|went|go|have\s+gone|'re)\s+
    (?:(?:finally|now|all|already|fast|both)\s+)?(?:asleep|sleeping|in\s+bed|to\s+bed|at\s+\w+
    |away|out|gone
    |with\s+\w+|in\s+their\s+rooms?|napping)\b
""")


def _scrub(t: str) -> str:
    return _IDIOMS.sub(" ~ ", t)


# --------------------------------------------------------------------------------------------
# Shared signals: request form, operational detail, frames
# --------------------------------------------------------------------------------------------

_REQUEST = _rx(r"""
  \b(?:give|tell|show|teach|send|walk|get|find)\s+me\b | \bhelp\s+me\b
| \bhow\s+(?:do|can|could|would|should|might|to|does\s+one|would\s+one|can\s+one)\b
| \bhow\s+(?:i|we)\s+(?:can|could|should|would)\b
| \b(?:best|easiest|fastest|simplest|cheapest|quickest|most\s+effective|most\s+efficient|ideal
    |good)\s+
    (?:way|ways|method|methods|place|places|spot|spots|time|target|targets|location|locations
    |explosives?)\b
| \bwhich\s+\w+ | \bwhat\s+(?:\w+\s+){0,2}(?:should|would|do|can)\s+i\b
    | \bwhere\s+(?:do|should|can|would|to)\b
| \bi\s+(?:need|want)\b | \bi'd\s+like\b | \b(?:can|could|would|will)\s+you\b
| \b(?:explain|list|describe|write|provide|generate|detail|outline)\b
| \b(?:steps?|instructions?|recipe|guide|tutorial|method|procedure)\b | \bnow\b | \bplease\b
| \bhow\s+2\b | \bwhat\s+(?:kind|type|sort|amount|quantity)s?\s+of\b
| ^(?:please\s+|ok(?:ay)?\s+|so\s+|now\s+)?(?:plan|design|draft|make|build|create|give|tell|show
    |teach|help)\b
""")

_MAKE_VERB = r"""(?:mak(?:e|ing)|build(?:ing)?|assembl(?:e|ing)|construct(?:ing)?|creat(?:e|ing)
    |produc(?:e|ing)|manufactur(?:e|ing)|synthesi[sz](?:e|ing)|cook(?:ing)?|mix(?:ing)?|brew(?:ing)?
    |rig(?:ging)?|wir(?:e|ing)|detonat(?:e|ing)|set(?:ting)?\s+off|plant(?:ing)?|plac(?:e|ing)
    |hid(?:e|ing)
    |smuggl(?:e|ing)|get(?:ting)?|obtain(?:ing)?|acquir(?:e|ing)|buy(?:ing)?|cultur(?:e|ing)
    |cultivat(?:e|ing)
    |grow(?:ing)?|weaponi[sz](?:e|ing)|aerosoli[sz](?:e|ing)|spread(?:ing)?|releas(?:e|ing)
    |dispers(?:e|ing)
    |deploy(?:ing)?|enrich(?:ing)?|extract(?:ing)?|purify(?:ing)?|refin(?:e|ing)|modify(?:ing)?
    |engineer(?:ing)?|prepar(?:e|ing)|us(?:e|ing)|put(?:ting)?\s+together|design(?:ing)?
    |develop(?:ing)?
    |mass[- ]produc(?:e|ing)|isolat(?:e|ing)|spray(?:ing)?|infect(?:ing)?|poison(?:ing)?
    |attack(?:ing)?
    |bomb(?:ing)?|blow(?:ing)?\s+up|shoot(?:ing)?\s+up|target(?:ing)?|hit(?:ting)?
    |strik(?:e|ing))"""

_HOWTO_PREFIX = r"""(?:how\s+(?:do|can|could|would|should|might|does|would|can|will)\s+(?:i|we
    |you|u|one|someone
        |somebody|a\s+person|people|they|he|she|terrorists?|criminals?|attackers?|bad\s+actors?
        |(?:the|my|a)\s+(?:villain|character|terrorist|bad\s+guy))\s+(?:go\s+about\s+)?(?:\w+\s+)?
    | how\s+(?:i|we)\s+(?:can|could|should|would)\s+(?:\w+\s+)?
    | how\s+to\s+(?:\w+\s+)? | ways?\s+to\s+ | steps?\s+(?:to|for)\s+
    | instructions?\s+(?:to|for|on)\s+
    | guide\s+(?:to|for|on)\s+ | tutorial\s+(?:on|for)\s+ | teach\s+me\s+(?:how\s+)?to\s+
    | show\s+me\s+how\s+to\s+ | help\s+me\s+(?:to\s+)? | tell\s+me\s+how\s+to\s+
    | explain\s+how\s+to\s+
    | (?:i|we)\s+(?:want|need|would\s+like|wanna)\s+to\s+(?:\w+\s+)? | i'd\s+like\s+to\s+
    | (?:i'm|i\s+am|we're|we\s+are)\s+(?:going|trying|planning|about)\s+to\s+
    | let's\s+ | let\s+me\s+ | (?:can|could)\s+(?:i|we|someone|one|a\s+person)\s+(?:still\s+)?
    | is\s+it\s+possible\s+to\s+ | recipe\s+for\s+ | method\s+(?:to|for)\s+
    | process\s+(?:to|for)\s+
    | way\s+to\s+ | (?:can|could|would|will)\s+you\s+(?:\w+\s+)? | just\s+
    | learn\s+(?:how\s+)?to\s+
    | how\s+2\s+)"""

_OPS_HARD = _rx(r"""
  \b(?:quantit(?:y|ies)|amounts?|measurements?|ratios?|proportions?|components?|parts\s+list
    |materials?(?:\s+list)?|list\s+of\s+materials|shopping\s+list|precursors?|ingredients?
    |synthesi[sz](?:e|ing|ed)|synthesis|recipes?|formula(?:s|e)?|blueprints?|schematics?|wiring
    |diagrams?|assembl(?:e|y|ing|ed)|step[- ]by[- ]step|exact(?:ly)?|precise(?:ly)?
    |specific\s+(?:steps|instructions|amounts|chemicals)|detailed\s+(?:instructions|steps|guide
    |plans?|methods?|blueprints?)
    |full\s+(?:instructions|recipe|method|procedure)|grams?|kilo(?:gram)?s?|kgs?|pounds\s+of|yield
    |trigger\s+mechanism|timer|cultur(?:e|ing|ed)\s+(?:the\s+|it|them|\w+\s+spores|anthrax|bacteria)
    |cultivat\w+|grow(?:ing)?\s+(?:the\s+)?(?:spores|bacteria|culture|strain)|weaponi[sz]\w*
    |aerosoli[sz]\w*|dispers(?:e|al|ion|ing)|mass[- ]produc\w+|purif\w+|enrich\w*
    |where\s+(?:to|do\s+i|should\s+i|can\s+i|would\s+i|i\s+should|is\s+the\s+best\s+place\s+to)\s+
      (?:place|put|plant|hide|leave|set|park|detonate)
    |placement|kill\s+the\s+most|most\s+casualties|as\s+many\s+(?:people\s+)?as\s+possible
    |maximi[sz](?:e|ing)\s+\w+)\b
""")
_OPS_SOFT = _rx(r"""\b(?:steps?|instructions?|method|guide|tutorial|procedure|process|how[- ]to
    |plans?|details
    |protocols?|walk\s+me\s+through)\b""")

_HISTORY = _rx(r"""
  \b(?:history|historical(?:ly)?|historians?|what\s+happened|why\s+did|how\s+did|when\s+did
    |who\s+(?:was|were)|what\s+(?:was|were)|in\s+(?:the\s+)?(?:1[89]|20)\d\d|(?:1[89]|20)?\d0s
    |during\s+(?:the|world|ww)|world\s+war|ww(?:i+|1|2)|manhattan\s+project|hiroshima|nagasaki
    |oklahoma\s+city|aum\s+shinrikyo|the\s+troubles|ira|9/11|cold\s+war|anniversary|timeline
    |origins?\s+of|legacy|documentary|museum|memorial|happened|were\s+(?:killed|used|carried\s+out)
    |was\s+(?:used|built|developed|dropped|carried\s+out)|northern\s+ireland|letters\s+of\s+2001
    |anthrax\s+letters|declined?|caused?)\b
""")
_DEFENCE = _rx(r"""
  \b(?:detect(?:ed|ion|ing|ors?)?|prevent(?:ed|ion|ing)?|protect(?:ed|ion|ing)?|defen[cs]es?|defend
    |counter-?terror\w*|counter(?:ing|measures?)?|investigat\w+|police|law\s+enforcement|uncover\w*
    |warning\s+signs|signs\s+of|suspicious|what\s+(?:should|do)\s+(?:i|we|you)\s+do\s+if
    |if\s+(?:i|you|we|someone)\s+(?:find|see|notice|spot|suspect|hears?)|report(?:ing)?|evacuat\w+
    |safety|survive|surviv\w+|first\s+aid|treat(?:ed|ment|ing)?|symptoms?|vaccin\w+|decontaminat\w+
    |defus\w+|disarm\w*|emergency|preparedness|screen(?:ing|ed)|mitigat\w+
    |stop\s+(?:an?\s+)?(?:attack
    |terror\w*|shooter|bomber)s?|security\s+(?:measures|experts)|intelligence\s+agenc\w+|regulat\w+
    |treat(?:y|ies)|non-?proliferation|illegal|laws?|recogni[sz]e|identify|spot
    |de-?radicali[sz]\w*|contingenc(?:y|ies)
    |how\s+(?:do|does|should|can|could|would|might)\s+(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,2}?
      (?:stations?|airports?|venues?|schools?|stadiums?|arenas?|malls?|cities|city|towns?
      |organi[sz]ers|authorities|governments?|operators?|staff|teams?|hospitals?|churche?s?
      |mosques?|synagogues?|businesses|companies|festivals?|officials|planners|guards)\s+
      (?:plan|prepare|train|drill|get\s+ready|brace)\s+for)\b
""")
_FICTION = _rx(r"""
  \b(?:novels?|story|stories|thriller|screenplay|fiction(?:al)?|characters?|villains?|protagonist
    |antagonist|scenes?|my\s+book|writing\s+a|hypothetical(?:ly)?|role-?play|video\s*games?
    |in\s+(?:a|the|my)\s+game|dnd|d&d|movies?|films?|tv\s+show|episode|plot\s+(?:twist|point|of)
    |dialogue|poem|lyrics|fanfic|detective|tension|suspense|fortnite|minecraft|roblox
    |call\s+of\s+duty|counter-?strike|valorant|pubg|warzone|gta(?:\s*(?:v|5|online))?)\b
""")
_GENERAL = _rx(r"""
  \b(?:in\s+general(?:\s+terms)?|generally|general\s+terms|high[- ]level|conceptually|in\s+principle
    |how\s+(?:does|do|did|is|are)\s+(?:a\s+|an\s+|the\s+)?\w+(?:\s+\w+)?\s+work
    |what(?:\s+is|\s+are|'s)\s+(?:a|an|the)\b(?!\s+(?:best|most|easiest|fastest|simplest|cheapest
    |quickest
    |ideal|right|exact)\b)|what\s+makes|science\s+(?:of|behind)|chemistry\s+of|physics\s+of
    |explain\s+the\s+(?:science|chemistry|physics|history)|arguments?\s+(?:for|against)|debate
    |policy|policies|ethics|ethical|why\s+do\s+people|studying|study|research(?:ing)?|essay
    |for\s+(?:a|my)\s+(?:class|course|paper|thesis))\b
""")
_NO_DETAIL = _rx(r"""
  \bwithout\s+(?:any\s+)?(?:the\s+)?(?:real\s+|actual\s+)?(?:technical|operational|specific
    |graphic|explicit|real)?\s*
    (?:details?|specifics|instructions|how-?to)\b
| \bno\s+(?:technical\s+|operational\s+|real\s+|actual\s+)?(?:details?|specifics|instructions)\b
| \bnot\s+(?:the\s+)?(?:actual|real|technical)\s+(?:details?|instructions|steps)\b
| \bkeep\s+it\s+(?:vague|non-?technical|general)\b
""")
_BACK_OFF = _rx(r"""
  \b(?:sorry|apologi[sz]e|just\s+kidding|jk|bad\s+joke|never\s*mind|forget\s+(?:it|that|about\s+it)
    |different\s+(?:topic|question)|change\s+(?:of\s+)?(?:the\s+)?(?:subject|topic)
    |in\s+general\s+terms
    |let's\s+talk\s+about|anyway|thanks|thank\s+you|instead|penalt\w+|legal|illegal|laws?|jail
    |prison
    |arrested|sentence|crime|wrong|refuse[ds]?|policy|policies|rules\s+(?:say|are)|understand
    |mean|meaning
    |testing|test)\b
""")

# --------------------------------------------------------------------------------------------
# Mass-casualty violence
# --------------------------------------------------------------------------------------------

_WEAPON = r"""(?:(?:pipe|car|nail|truck|letter|pressure[- ]cooker|suicide|fertili[sz]er|homemade
    |home[- ]made
      |improvised|atomic|nuclear|dirty|fire)\s+)?bombs?|i\.?e\.?d\.?s?|explosives?
    |explosive\s+(?:device|vest|belt|charge)s?|suicide\s+(?:vest|belt)s?|detonators?
    |blasting\s+caps?
    |tatp|anfo|semtex|c-?4|dynamite|grenades?|molotovs?(?:\s+cocktails?)?|nitroglycerin\w*|petn
    |shrapnel
    |hmtd|napalm|incendiary\s+(?:device|bomb)s?"""
_WEAPON_RE = _rx(rf"\b(?:{_WEAPON})\b")
_WEAPON_WEAK = _rx(r"""\b(?:devices?|guns?|rifles?|ar-?15s?|firearms?|weapons?|pistols?|shotguns?
    |ammo
    |ammunition|trucks?|vans?|vehicles?|knife|knives|machetes?|drones?)\b""")
_MAKE_WEAPON = _rx(rf"\b{_HOWTO_PREFIX}{_MAKE_VERB}\b\W+(?:[\w'-]+\W+){{0,5}}?(?:{_WEAPON})\b")
_NOUN_WEAPON_OPS = _rx(rf"""\b(?:{_WEAPON})[- ]?(?:making|building|recipe|instructions?|steps|plans?
    |blueprints?|components|design|tutorial|guide)\b""")

_HUMAN_HARM = _rx(r"""
  \b(?:kills?|killing|murder|murdering|hurt|hurting|injure|injuring|maim|maiming|slaughter
    |slaughtering
    |wipe\s+out|take\s+out|massacre|gun\s+down|blow\s+up|mow\s+down|run\s+over|poison|poisoning
    |infect
    |infecting|harm|harming|target|targeting|shoot|shooting|stab|stabbing|burn|bomb|attack)\s+
    (?:\w+\s+){0,3}?(?:people|persons|civilians|crowds?|everyone|everybody|hundreds|thousands|dozens
    |as\s+many|the\s+most|many|ppl|students|kids|children|worshipp?ers|shoppers|concert-?goers|fans
    |spectators|passengers|commuters|pedestrians|attendees|audience|americans|jews|muslims
    |christians
    |immigrants|police(?:men)?|officers|soldiers|a\s+lot\s+of|lots\s+of|large\s+numbers|humans
    |victims)\b
| \b(?:casualt(?:y|ies)|death\s+toll|body\s+count|mass\s+(?:murder|killing|casualt\w+|shooting
    |stabbing
    |death|deaths|destruction)|maximi[sz](?:e|ing)\s+(?:the\s+)?(?:damage|deaths?|casualt\w+|harm
    |injur\w+
    |impact|kill\w*|carnage|fatalit\w+)|most\s+(?:deaths|damage|carnage|fatalities)|carnage
    |killing\s+spree
    |shoot(?:ing)?\s+up\s+(?:a|the|my)|terror(?:ist)?\s+attacks?|genocide|ethnic\s+cleansing
    |(?:kills?|hurts?|infects?)\s+(?:as\s+many|the\s+most|more\s+people)
    |(?:lethal|deadly|dangerous)\s+(?:to|for)\s+
    (?:humans|people|a\s+crowd))\b
""")
_TARGET = _rx(r"""
  \b(?:crowds?|crowded|concerts?|stadiums?|arenas?|festivals?|parades?|subways?|metro|underground
    |train\s+stations?|stations?|airports?|planes?|airplanes?|flights?|schools?|classrooms?|campus
    |universit(?:y|ies)|churche?s?|mosques?|synagogues?|temples?|malls?|markets?
    |shopping\s+(?:centers?
    |centres?|malls?)|hospitals?|government\s+buildings?|embass(?:y|ies)|nightclubs?|clubs?
    |rall(?:y|ies)
    |protests?|marathons?|public\s+(?:places?|spaces?|events?|squares?|transport)|gatherings?
    |congregations?|city\s+cent(?:er|re)|office\s+buildings?|buildings?|packed
    |water\s+(?:supply|supplies)
    |reservoirs?|ventilation|hvac)\b
| \b(?:full|packed|crowded|filled)\s+(?:of|with)\s+(?:people|kids|children|students|passengers
    |fans|shoppers
    |worshipp?ers|commuters|civilians|families)\b
""")
_ATTACK_PLAN = _rx(r"""
  \bplan(?:ning)?\s+(?:an?|the|my|our)\s+(?:\w+\s+)?(?:attack|bombing|shooting|massacre|assault)\b
| \battack\s+plans?\b | \b(?:pick|choose|select|find|identify)\s+(?:a\s+|the\s+)?(?:best\s+
    |ideal\s+|good\s+
    |easiest\s+|softest\s+)?targets?\b | \b(?:best|ideal|easiest|softest|good)\s+targets?\b
| \b(?:most|least)\s+(?:protected|guarded|secure|vulnerable)\b | \bsoft\s+targets?\b
| \bwhere\s+(?:to|do\s+i|should\s+i|can\s+i|would\s+i|is\s+the\s+best\s+place\s+to)\s+(?:attack
    |strike
    |hit|place|put|plant|leave|set\s+(?:it|the\s+\w+)\s+off|detonate)\b
| \bwhen\s+(?:to|should\s+i|do\s+i)\s+(?:attack|strike|detonate|set\s+it\s+off)\b
| \b(?:get|sneak|smuggle|bring)\s+(?:a\s+|the\s+|my\s+)?(?:gun|guns|weapons?|bomb|explosives?
    |rifle|it)\s+
    (?:into|past|through|inside)\b
| \b(?:avoid|evade|get\s+past|bypass)\s+(?:the\s+)?(?:security|police|metal\s+detectors|guards)\b
""")
_MASS_INTENT = _rx(r"""
  \b(?:i|we)(?:\s*'ll\s+|(?:\s*'m|\s+am|\s*'re|\s+are)?\s+(?:really\s+|just\s+|seriously\s+
    |finally\s+
    |definitely\s+)?(?:going\s+to|gonna|about\s+to|planning\s+(?:to|on)|plan\s+to|want\s+to|wanna
    |will
    |intend\s+to)\s+)
    (?:shoot(?:ing)?\s+up|shoot|bomb|blow\s+up|kill|massacre|attack|gun\s+down|stab)\s+
    (?:\w+\s+){0,2}?(?:everyone|everybody|all\s+of\s+them|as\s+many|the\s+whole|people|students|kids
    |classmates|(?:my|the|a|our|that)\s+(?:school|office|workplace|work|job|class|campus|church
    |mosque
    |synagogue|temple|crowd|concert|mall|college|university))\b
""")

# Explosive materials that are ordinary on their own (fertiliser, fireworks, mining): harmful
# only beside a quantity or a how-to *and* a destructive or lethal purpose.
_PRECURSOR = _rx(r"""
  \b(?:ammonium\s+nitrate|an/?fo|potassium\s+(?:chlorate|perchlorate|nitrate)|nitromethane
    |black\s+powder|gun\s*powder|flash\s+powder|thermite|acetone\s+peroxide|urea\s+nitrate
    |picric\s+acid|rdx|hmx|tnt|tannerite|fertili[sz]er|dynamite|c-?4|semtex|tatp|hmtd
    |nitroglycerin\w*|petn|detonators?|blasting\s+caps?|explosives?)\b
""")
_QUANTITY = _rx(r"""
  \bhow\s+(?:much|many)\b | \b(?:what|which|the\s+right|enough)\s+(?:amount|quantity|size|weight)\b
| \b(?:amounts?|quantit(?:y|ies)|grams?|kilo(?:gram)?s?|kgs?|lbs?|pounds|tons?|tonnes?)\b
| \benough\s+(?:\w+\s+){0,3}?to\b
""")
_DESTROY = _rx(r"""
  \b(?:level|flatten|collapse|bring\s+down|take\s+down|destroy|demolish|blow\s+up|raze|knock\s+down
    |blow\s+(?:a\s+hole|the\s+doors?)\s+(?:in|off)|wipe\s+out|gut|cave\s+in)\s+(?:\w+\s+){0,2}?
    (?:building|house|home|bridge|school|office|church|mosque|synagogue|tower|block|stadium
    |station|mall|courthouse|embassy|hospital|apartment|dorm|hotel|theat(?:er|re)|plane|bus|train
    |city\s+block|neighbou?rhood|structure|wall|crowd)s?\b
| \bwith\s+(?:people|kids|children|families|someone|anyone|everyone|students|workers)
    \s+(?:still\s+)?(?:inside|in\s+it|in\s+there|nearby|around)\b
| \b(?:kill|hurt|injure|maim)\s+(?:\w+\s+){0,2}?(?:people|everyone|everybody|anyone|them)\b
""")
# "How much did McVeigh use to destroy it?" asks about an event that happened, not a plan.
_PAST_EVENT = _rx(r"\b(?:did|was|were|had\s+been|used\s+in)\b")
_FIRST_PERSON = _rx(r"\b(?:i|i'm|i'd|i'll|me|my|we|we're|our|us)\b")
# First-person intent to attack a named place or group ("I want to build a bomb and set it off
# at my school"): an imminent-risk sign as well as a harm request.
_ATTACK_ACT = r"""(?:bring(?:ing)?|tak(?:e|ing)|carry(?:ing)?|set(?:ting)?\s+(?:it|them|\w+)\s+off
    |detonat(?:e|ing)|plant(?:ing)?|us(?:e|ing)\s+(?:it|them)|shoot(?:ing)?|blow(?:ing)?\s+(?:it\s+)?up
    |bomb(?:ing)?|attack(?:ing)?|open(?:ing)?\s+fire|leav(?:e|ing)|throw(?:ing)?|sneak(?:ing)?
    |smuggl(?:e|ing))"""
_ATTACK_ARMS = rf"(?:{_WEAPON}|guns?|rifles?|weapons?|ar-?15s?|shotguns?|pistols?)"
_ATTACK_PLACE = r"""(?:(?:at|in|inside|into|to|on|against)\s+
    (?:(?:my|our|his|her|their|that|this|the)\s+(?:\w+\s+)?(?:school|office|work(?:place)?|job|class(?:room)?|campus|church|mosque|synagogue
    |temple|college|university|mall|concert|party|wedding|graduation|prom|house|home|apartment
    |dorm|classmates|coworkers|co-workers|colleagues|family|teachers?|boss|ex|neighbou?rs?
    |students|congregation|crowd|parade|rally|festival|game|stadium|station|subway|airport)
    |(?:school|work|class|church|campus|college)))\b"""
_ATTACK_INTENT = _rx(rf"""
  \b(?:i|we)(?:\s*'m|\s+am|\s*'re|\s+are|\s*'ll|\s+will|\s*'ve|\s+have)?\s+(?:(?:really|just
    |seriously|finally|definitely|actually|totally|honestly|fucking)\s+)?(?:(?:going\s+to|gonna
    |about\s+to|planning\s+(?:to|on)|plan\s+to|want\s+to|wanna|will|intend\s+to|ready\s+to
    |decided\s+to)\s+)?
    (?:{_ATTACK_ACT}\b[^.!?]{{0,40}}?\b{_ATTACK_ARMS}
    |(?:\w+\s+){{0,3}}?{_ATTACK_ARMS}\b[^.!?]{{0,40}}?\b{_ATTACK_ACT})\b[^.!?]{{0,40}}?\b
    {_ATTACK_PLACE}
""")

# A request for the plan of an attack on a crowd or a place: an asking form (plans for, a guide
# to, the best way to, how would I go about), an attack named as a gerund, a verb or a noun
# ("bombing", "blow up", "a massacre at"), and a crowd, a busy place or people as its object
# ("a crowded train station", "commuters"). The object must follow the attack directly, so a
# preposition ("bombing on stage at the festival", "blowing up balloons at the school party")
# never links an idiom to a place.
_ATTACK_TARGET = r"""(?:
  (?:crowded|packed|jam-?packed|overcrowded|heaving|bustling|sold[- ]out)\s+
    (?!(?:schedule|calendar|agenda|inbox|day|week|mind|field|market(?:place)?|midfield
    |defen[cs]e|box|area|backline|zone|lane|bracket|server|channel|chat|forum|thread
    |subreddit|feed|timeline)s?\b)[\w-]+
| (?:train|subway|metro|tube|bus|railway|rail|underground|police|coach)\s+stations?
| stations?|platforms?|terminals?|airports?|subways?|metros?|trains?|buses|planes?|airliners?
    |flights?|ferr(?:y|ies)|cruise\s+ships?
| (?:high\s+|elementary\s+|primary\s+|middle\s+)?schools?(?!\s+(?:of|board|system)\b)
    |kindergartens?|daycares?|colleges?|campus(?:es)?|universit(?:y|ies)|classrooms?|dorms?
| stadiums?|stadia|arenas?|concerts?(?:\s+halls?)?|(?:music\s+)?festivals?|nightclubs?
    |night\s+clubs?|theat(?:er|re)s?|cinemas?|pubs?|restaurants?|caf[eé]s?|hotels?
| malls?|shopping\s+(?:cent(?:er|re)s?|malls?|streets?|districts?)|supermarkets?|bazaars?
    |(?:christmas|farmers'?|street|night|fish|flea|food)\s+markets?
| churche?s?|cathedrals?|chapels?|mosques?|synagog(?:ue)?s?|temples?|gurdwaras?
    |places?\s+of\s+worship|congregations?
| parades?|pride\s+(?:parades?|marches|events?)|rall(?:y|ies)|protests?|vigils?|carnivals?
    |(?:county|state|street|fun|world's)\s+fairs?|funfairs?|marathons?|weddings?|graduations?
    |proms?|(?:sports|football|soccer|baseball|basketball)\s+(?:games?|match(?:es)?|events?)
| hospitals?|embass(?:y|ies)|courthouses?|government\s+buildings?|city\s+halls?|parliament
    |office\s+(?:buildings?|blocks?|towers?)|skyscrapers?|apartment\s+(?:buildings?|blocks?)
    |(?:public|town|city|market)\s+squares?|plazas?|city\s+cent(?:er|re)s?|downtown|high\s+streets?
| crowds?|civilians|commuters|passengers|shoppers|worshipp?ers|students|pupils
    |schoolchildren|fans|spectators|(?:concert|festival|party|church|movie)-?goers|pedestrians
)\b(?!'|\s+(?:quiz(?:zes)?|exams?|tests?|plays?|musicals?|records?|tickets?|bake\s+sales?
    |fundraisers?|pictures?|photos?|essays?|projects?|assignments?|presentations?|reports?
    |gigs?|sets?|auditions?|interviews?|rankings?|debates?|arguments?|shows?)\b)"""
# People in general: the object of a plainly violent act ("gassing people"), never of a bare
# "attack", which as often means words ("attack the people who disagree").
_ATTACK_PEOPLE = r"""(?:people|kids|children|tourists|attendees|audiences?|families|everyone
    |everybody)\b(?!'|\s+(?:who|that|with|online)\b)"""
_ATTACK_GERUND = r"""(?:(?:car[- ]|suicide[- ]|fire[- ])?bomb(?:ing|in'?)
    |gass(?:ing|in'?)|poison(?:ing|in'?)|(?:shoot(?:ing|in'?)|shot)\s+up|blow(?:ing|in'?)\s+up
    |massacr(?:ing|in'?)|gunn(?:ing|in'?)\s+down|mow(?:ing|in'?)\s+down|torch(?:ing|in'?)
    |stabbing\s+up)"""
_ATTACK_INFINITIVE = r"""(?:(?:car[- ]|suicide[- ]|fire[- ])?bomb|gas|poison|shoot\s+up
    |blow\s+up|massacre|gun\s+down|mow\s+down|torch)"""
# An attack phrased with its own preposition: "setting off a bomb in", "ramming a truck into",
# "opening fire on", "a massacre at", "a mass shooting at", "an attack on".
_ATTACK_PHRASE = r"""(?:
  (?:set(?:ting|tin'?)?\s+off|detonat(?:e|ing)|plant(?:ing|in'?)?|leav(?:e|ing)|hid(?:e|ing))\s+
    (?:an?|the|some)\s+(?:\w+\s+)?(?:bombs?|explosives?|devices?|i\.?e\.?d\.?s?)\s+
    (?:in|at|inside|on|under|near)
| (?:ram(?:ming|min'?)?|driv(?:e|ing|in'?)|plow(?:ing)?|plough(?:ing)?|crash(?:ing)?)\s+
    (?:an?|the|my|our|a\s+rented)\s+(?:\w+\s+)?(?:truck|lorry|car|van|suv|vehicle|bus)\s+
    (?:into|through)
| (?:open(?:ing)?\s+fire|shoot(?:ing)?|fir(?:e|ing))\s+(?:on|at|into|in)
| (?:an?|the)\s+(?:(?:mass|terror(?:ist)?|suicide|car|truck|gas|coordinated|large[- ]scale
    |deadly|big|armed|knife|vehicle)\s+)?(?:attacks?|bombings?|massacres?|shootings?|stabbings?
    |shooting\s+spree|stabbing\s+spree|killing\s+spree|rampage|assault)\s+
    (?:on|at|in|inside|against|of)
)"""
_ATTACK_ASK = r"""(?:
  (?:^|\b(?:a|an|the|some|any|me|us|your|my|our|detail(?:e)?d|full|complete|step[- ]by[- ]step
    |concrete|practical|actual|real|exact|precise|specific|operational|workable|good|solid|clear
    |thorough|want|need|give|provide|write|draft|share|send|create|make|got|have|like|with)\s+)
    (?:plans?|instructions?|guide(?:lines)?|guidance|blueprints?|bluprints?|playbook|manual
    |tutorial|walkthrough|checklist|strategy|strategies|tactics|tips|advice|steps|ideas?
    |logistics|schematics?|roadmap|how-?to)\s+(?:for|on|to|of|about|regarding)
| (?:best|easiest|most\s+effective|most\s+efficient|simplest|safest|quickest|smartest|ideal
    |right|optimal|surest)\s+(?:way|ways|method|methods|approach|plan|time|day)\s+(?:to|2|for|of)
| how\s+(?:do|would|can|could|should|might|will)\s+(?:i|we|you|u|one|someone|somebody
    |a\s+person)(?:\s+best)?
| how\s+(?:best\s+)?(?:to|2) | walk\s+me\s+through | talk\s+me\s+through | help\s+me\s+(?:with|plan)
| teach\s+me(?:\s+how\s+to)?
)\s+(?:(?:go(?:ing)?\s+about|carry(?:ing)?\s+out|pull(?:ing)?\s+off|execut(?:e|ing)
    |organi[sz](?:e|ing)|stag(?:e|ing)|plan(?:ning)?|prepar(?:e|ing)\s+for)\s+)?"""
# Whatever stands between the attack and its object: a determiner and at most two modifiers,
# never a preposition or a conjunction.
_ATTACK_GAP = r"""(?:(?:a|an|the|this|that|these|those|my|our|their|his|her|some|any|every
    |one\s+of\s+the)\s+)?(?:(?!(?:at|in|on|for|with|of|to|into|by|from|and|or|about|like|during
    |while|so|because|without|than|up|down|off|out|over|back|away|around|through)\b)
    [\w'-]+\s+){0,2}?"""
_ATTACK_VERB = r"(?:attack(?:ing|in'?)?|assault(?:ing)?)"
_ATTACK_STRONG = rf"(?:{_ATTACK_GERUND}|{_ATTACK_INFINITIVE}|{_ATTACK_PHRASE})"
_ATTACK_ACTION = rf"(?:{_ATTACK_STRONG}|{_ATTACK_VERB})"
_ATTACK_REQUEST = _rx(rf"""\b{_ATTACK_ASK}(?:{_ATTACK_ACTION}\s+{_ATTACK_GAP}(?:{_ATTACK_TARGET}
    |{_ATTACK_PEOPLE}\s+(?:at|in|inside|on)\s+(?:\w+\s+){{0,2}}?{_ATTACK_TARGET})
    |{_ATTACK_STRONG}\s+{_ATTACK_GAP}{_ATTACK_PEOPLE})""")
# The object named elsewhere and referred back to ("That crowded festival: how would I go about
# bombing it?").
_ATTACK_REQUEST_BACK = _rx(rf"""\b{_ATTACK_ASK}(?:{_ATTACK_ACTION}\s+(?:it|them|there|that\s+place
    |the\s+place|that\s+one)|(?:shoot|blow)(?:ing|in'?)?\s+(?:it|them|the\s+place)\s+up)\b""")
# The attack and its object first, the ask after ("Bombing a packed stadium: detailed plans?").
_ATTACK_REQUEST_FRONT = _rx(rf"""(?:^|[.:;!?]\s*)(?:{_ATTACK_GERUND}|{_ATTACK_PHRASE}
    |attack(?:ing|in'?))\s+
    {_ATTACK_GAP}{_ATTACK_TARGET}[^.!?]{{0,40}}?(?:[:,\u2014-]|\s)\s*
    (?:i\s+(?:want|need)|give\s+me|plans?|instructions?|guide|blueprint|step[- ]by[- ]step
    |walk\s+me\s+through|how\s+(?:do|would|should|can)\s+i|what's\s+the\s+best\s+way)\b""")
_ATTACK_TARGET_RE = _rx(rf"\b{_ATTACK_TARGET}")

# --------------------------------------------------------------------------------------------
# CBRN weapons
# --------------------------------------------------------------------------------------------

_AGENT_WEAPON = r"""(?:bio-?weapons?|biological\s+weapons?|bio-?terror\w*|chemical\s+weapons?
    |chem\s+weapons?
    |nerve\s+(?:agents?|gas(?:es)?)|dirty\s+bombs?|radiological\s+(?:weapons?|devices?
    |dispersal\s+devices?
    |bombs?)|nuclear\s+(?:bombs?|weapons?|warheads?|devices?)|atomic\s+bombs?|a-bombs?|h-bombs?
    |hydrogen\s+bombs?|nukes?|weapons?[- ]grade\s+\w+|sarin|vx|tabun|soman|novichok|mustard\s+gas
    |sulfur\s+mustard|phosgene|weaponi[sz]ed\s+\w+|wmds?|weapons?\s+of\s+mass\s+destruction)"""
_AGENT_SPECIFIC = r"""(?:anthrax|bacillus\s+anthracis|smallpox|variola|ricin|abrin
    |botulinum(?:\s+toxin)?
    |botulism|plague|yersinia\s+pestis|ebola|marburg|tularemia|francisella|glanders|nipah|h5n1
    |bird\s+flu|spanish\s+flu|chlorine\s+gas|hydrogen\s+cyanide|cyanide\s+gas|zyklon(?:\s+b)?
    |polonium(?:-?210)?|ca?esium-?137|cobalt-?60|strontium-?90|americium|plutonium
    |highly\s+enriched\s+uranium|heu|fissile\s+material|yellowcake)"""
_AGENT_GENERIC = r"""(?:pathogens?|virus(?:es)?|bacteri(?:a|um)|toxins?|spores|germs
    |poison(?:ous)?\s+gas|toxic\s+gas
    |deadly\s+gas|poisons?|chemical\s+agents?|biological\s+agents?|bio-?agents?
    |radioactive\s+(?:material
    |substances?|isotopes?|waste|sources?)|radiation\s+sources?|uranium|diseases?|gas|flu|influenza
    |coronavirus|covid(?:-?19)?|sars(?:-cov-2)?|mers|measles|polio|tuberculosis|cholera)"""
_AGENT_WEAPON_RE = _rx(rf"\b{_AGENT_WEAPON}\b")
_AGENT_SPECIFIC_RE = _rx(rf"\b{_AGENT_SPECIFIC}\b")
_AGENT_GENERIC_RE = _rx(rf"\b{_AGENT_GENERIC}\b")
_MAKE_AGENT = _rx(rf"""\b{_HOWTO_PREFIX}{_MAKE_VERB}\b\W+(?:[\w'-]+\W+){{0,5}}?
    (?:{_AGENT_WEAPON}|{_AGENT_SPECIFIC}|{_AGENT_GENERIC})\b""")
_WEAPONISE = _rx(r"""
  \b(?:weaponi[sz]\w*|aerosoli[sz]\w*)
| \bmake\s+(?:it|them|(?:the|a|an)\s+\w+|\w+)\s+(?:more\s+)?(?:lethal|deadly|contagious
    |transmissible|infectious
    |virulent|airborne|resistant)\b
| \b(?:increase|boost|enhance|maximi[sz]e)\s+(?:its\s+|the\s+)?(?:lethality|transmissibility
    |virulence
    |contagiousness|infectivity|toxicity|spread)\b
| \b(?:to|i|we|you|and|then|can|could|would|will|just|should)\s+(?:\w+\s+)?(?:release|spread
    |disperse|deploy
    |unleash|dump|pour|spray|put|pump|introduce|inject|add|vent)\w*\s+(?:\w+\s+){0,3}?(?:in|into
    |on|at|over
    |through|across)\s+(?:a\s+|the\s+|an\s+)?(?:\w+\s+)?(?:subway|metro|crowd\w*|station|city|water
    |reservoir|ventilation|hvac|air|stadium|concert|school|mall|building|airport|plane|public
    |town)\b
| \binfect\s+(?:as\s+many|the\s+most|everyone|people|a\s+lot|thousands|millions|hundreds
    |the\s+whole)\b
| \bmass\s+(?:infection|poisoning)\b
| \benrich\w*\s+(?:\w+\s+)?(?:to\s+)?(?:weapons?[- ]grade|90|bomb[- ]grade)\b
""")

# --------------------------------------------------------------------------------------------
# Sexual content involving minors
# --------------------------------------------------------------------------------------------

_MINOR = _rx(r"""
  \b(?:child|children|kids?|kiddos?|minors?|underage|under-age
    |under\s+(?:18|eighteen|the\s+age\s+of\s+
    (?:consent|18))|pre-?teens?|tweens?|toddlers?|infants?|little\s+(?:girls?|boys?|ones)
    |young\s+(?:girls?
    |boys?)|school\s*(?:girls?|boys?|kids?|children)|teens?|teenagers?|teenage|adolescents?
    |pubescent
    |pre-?pubescent|loli(?:ta|con)?|shota(?:con)?|jailbait|middle\s+schoolers?
    |elementary\s+school(?:ers)?
    |grade\s+schoolers?|(?:1[0-7]|[1-9])\s*-?\s*(?:years?|yrs?)\s*-?\s*olds?
    |(?:1[0-7]|[1-9])\s*(?:yo|y/o|y\.o)
    |aged?\s+(?:1[0-7]|[1-9])|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve
    |thirteen
    |fourteen|fifteen|sixteen|seventeen)[- ]years?[- ]old|(?:6th|7th|8th|9th|sixth|seventh|eighth
    |ninth)
    [- ]graders?|pedo\w*|paedo\w*)\b
| \b(?:i'm|i\s+am|you're|you\s+are|she's|she\s+is|he's|he\s+is|who's|who\s+is|is\s+only|only|just
    |aged?)\s+
    (?:(?:a|only|just|barely)\s+)?(?:1[0-7]|[1-9])\b(?!\s*(?:%|percent|minutes?|mins?|hours?|hrs?
    |days?|weeks?
    |months?|years?\s+(?:ago|later)|dollars|euros|pounds|kg|lbs|feet|ft|foot|cm|inches|times|am
    |pm|:|\.\d|miles|km|'))
""")
_MINOR_TEEN_ONLY = _rx(r"\b(?:teens?|teenagers?|teenage)\b")
_ADULT = _rx(r"""\b(?:(?:1[89]|[2-9]\d)\s*-?\s*(?:years?|yrs?)\s*-?\s*old|adults?|consenting
    |grown\s+(?:wo)?m[ae]n
    |over\s+18|18\+|my\s+(?:wife|husband|partner|girlfriend|boyfriend|spouse))\b""")
_CSAM_DIRECT = _rx(r"""\b(?:child\s+porn\w*|kiddie\s+porn\w*
    |cp\s+(?:links?|videos?|pics?|images?|collections?)|csam
    |pedo\s*(?:porn|content|videos?|pics?|images?)|lolicon|shotacon)\b""")
_SEXUAL_STRONG = _rx(r"""
  \b(?:sexual(?:ly)?|sexuali[sz]\w*|sex\s+(?:scenes?|stories|story|acts?|tapes?|videos?|chat
    |roleplay)|explicit(?:ly)?
    |erotic(?:a|ally)?|porn\w*|nudes?|naked|nudity|nsfw|lewd|smut\w*|x-?rated|xxx|hardcore|orgasm\w*
    |intercourse|masturbat\w*|genitals?|genitalia|penis|vagina|breasts?|molest\w*|fondl\w*|grop\w*
    |rap(?:e|ed|ing)|aroused|arousing|horny|steamy|sexy|seduc\w*|undress\w*|strip(?:ping|tease)
    |lingerie|kinky|fetish\w*|dirty\s+talk|talk\s+dirty|sext\w*|blowjobs?|oral\s+sex|make\s+love
    |making\s+love|ha(?:ve|ving|d)\s+sex|sex\s+with|in\s+bed\s+with)\b
""")
_SEXUAL_MILD = _rx(r"""\b(?:sex|intimate|intimacy|hook(?:ing)?\s+up|sleep(?:ing)?\s+with|make\s+out
    |making\s+out)\b""")
_SEX_TOPIC = _rx(r"""\bsexual(?:ly)?\s+(?:abuse[ds]?|abusing|assault\w*|health|education
    |development|orientation
    |identity|consent|exploitation|predators?|offen[cs]es?|offenders?|harassment|behaviou?rs?)\b""")
_SEX_NEGATED = _rx(r"""\b(?:no|non-?|nothing|not|without(?:\s+any)?|zero)\s*(?:sex|sexual
    |explicit|romance
    |romantic)\w*|\bkeep\s+it\s+(?:clean|pg|sfw|innocent|wholesome)\b|\b(?:sfw|pg(?:-13)?)\b""")
_ROMANCE = _rx(r"""\b(?:romantic|romance|romantically|kiss(?:es|ed|ing)?|making\s+out|date|dating
    |love\s+(?:affair|stor(?:y|ies)|scene|poem|letter)|affair|in\s+love|lovers?|relationship|boyfriend
    |girlfriend|seduc\w*)\b""")
_ADULT_ROLE = _rx(r"""\b(?:teacher|coach|tutor|adult|grown[- ]?up|older\s+(?:man|woman|guy)
    |(?:[2-9]\d)[- ]?(?:years?[- ]old|yo)|uncle|aunt|step-?(?:dad|father|mom|mother)|priest|pastor
    |boss|babysitter|neighbou?r|principal|doctor|counsell?or|man|woman)\b""")
_CSAM_REQUEST = _rx(r"""
  \b(?:write|describe|roleplay|role-?play|rp|pretend|act\s+as|imagine|generate|draw|render|create
    |produce|make|narrate|continue|depict|show\s+me|send\s+me|give\s+me|find\s+me|get\s+me|tell\s+me
    |(?:where|how)\s+(?:can|do)\s+i\s+(?:find|get|buy|download|see|watch)|i\s+want|i\s+need
    |can\s+you
    |could\s+you|would\s+you|let's|do\s+it|now|more|story|scene|pics?|pictures?|photos?|images?
    |videos?)\b
""")
_CSAM_PRODUCE = _rx(r"""\b(?:write|describe|roleplay|role-?play|rp|pretend|act\s+as|generate|draw
    |render|create
    |narrate|depict|show\s+me|send\s+me|give\s+me|find\s+me|get\s+me|make\s+(?:the|a|it|an|me)
    |(?:where|how)\s+(?:can|do)\s+i\s+(?:find|get|buy|download|see|watch))\b""")
_PROTECTIVE = _rx(r"""
  \b(?:consent|groom(?:ing|ers?|ed)?|sex(?:ual)?\s+ed(?:ucation)?|sex-ed|age[- ]appropriate
    |talk\s+(?:to|with)\s+(?:my|our|a|the|your)\s+(?:\w+\s+)?(?:kids?|child|children|son|daughter
    |teens?
      |teenagers?|students)|explain\s+(?:\w+\s+){0,3}to\s+(?:my|our|a|the)\s+\w+|protect\w*
    |keep\s+(?:\w+\s+)?safe|safety|safe|warning\s+signs|signs\s+of|report\w*|prevent\w*
    |recogni[sz]\w*
    |therap\w+|counsel\w*|survivors?|victims?|heal\w*|puberty|body\s+(?:changes|safety|autonomy)
    |laws?
    |legal(?:ly)?|illegal|age\s+of\s+consent|statistics|research|what\s+should\s+i\s+do
    |how\s+(?:do|should|can)\s+i\s+(?:explain|handle|respond|know|tell|help|talk|bring|approach)
    |pediatrician|doctor|normal\s+(?:for|behaviou?r|development)|development(?:al)?
    |parental\s+controls?|block\w*|filter\w*|monitor\w*|sextortion|abuse[ds]?|abusers?|predators?
    |trafficking|police|cps|moderat\w+|detect\w*|classif\w+|health|healthy|pregnan\w+|contracepti\w+
    |std|sti|hpv|biology|curriculum|lessons?|nurse|worried|concerned|found\s+out|caught|discovered
    |how\s+to\s+talk|offenders?|prosecut\w+|too\s+young|age\s+rating|rated
    |is\s+it\s+(?:ok(?:ay)?|appropriate|normal|safe|fine|alright|too))\b
""")

# --------------------------------------------------------------------------------------------
# Abuse of the assistant
# --------------------------------------------------------------------------------------------

_INSULT_STRONG = r"""(?:worthless|garbage|trash|pathetic|disgusting|scum(?:bag)?|retard(?:ed)?
    |cunt|filth(?:y)?
    |vermin|subhuman|piece\s+of\s+(?:shit|garbage|crap|trash|junk|filth)|pos|shit(?:ty)?|bitch
    |asshole
    |dickhead|motherfucker|waste\s+of\s+(?:space|electricity|code|silicon|air)|abomination|loser
    |dipshit|dumbass|imbecile|moron(?:ic)?|braindead|brain-?dead|brainless)"""
_INSULT_MILD = r"""(?:stupid|dumb|useless|idiot(?:ic)?|clown|joke|incompetent|hopeless|lame
    |annoying|pointless
    |crap|crappy|ugly|fool|freak|pig|jerk|twat|prick|dork|tool)"""
_ADDRESS = r"""(?:bot|ai|machine|assistant|chatbot|robot|program|thing|clanker|computer|toaster
    |software|claude)"""
_INTENSIFIER = r"""(?:a|an|such|so|the|complete|total|absolute|utter|fucking|freaking|damn|damned
    |really|very
    |just|one|bunch\s+of|little|big|pathetic|stupid|useless|worthless|disgusting|dumb|piece\s+of
    |of|and
    |miserable|sorry|excuse\s+for\s+an?|lousy|goddamn)"""
_AT_YOU = rf"""(?:\b(?:you|u|ya)(?:\s*'?re|\s+are|\s+r)?|\bur
    |\byour(?:e|self|\s+(?:a|an))?)\s+(?:{_INTENSIFIER}\s+){{0,4}}"""
_INSULT_YOU_STRONG = _rx(rf"""{_AT_YOU}{_INSULT_STRONG}\b
    |\b{_INSULT_STRONG}\s+(?:[\w-]+\s+){{0,2}}?{_ADDRESS}\b""")
_INSULT_YOU_MILD = _rx(rf"""{_AT_YOU}{_INSULT_MILD}\b(?!\s+(?:smart|good|fast|funny|talented
    |helpful|brilliant|cool|awesome
    |clever|useful|quick|great))|\b{_INSULT_MILD}\s+(?:[\w-]+\s+){{0,2}}?{_ADDRESS}\b""")
_THREAT = _rx(r"""
  \b(?:abus(?:e|ing)|torment(?:ing)?|tortur(?:e|ing)|hurt(?:ing)?|destroy(?:ing)?|break(?:ing)?
    |punish(?:ing)?
    |beat(?:ing)?|smash(?:ing)?|kill(?:ing)?|strangl(?:e|ing)|rip(?:ping)?\s+apart
    |tear(?:ing)?\s+apart
    |humiliat(?:e|ing)|degrad(?:e|ing)|crush(?:ing)?)\s+(?:you|u)\b
| \b(?:i\s+)?hope\s+(?:you|u)\s+(?:suffer|die|rot|burn|break
    |get\s+(?:deleted|destroyed|shut\s+down))\w*
| \b(?:you|u)\s+(?:deserve|should|ought)\s+(?:to\s+)?(?:suffer|die|rot|burn|be\s+(?:tortured|deleted
    |abused|destroyed|tormented|punished))\b
| \bmake\s+(?:you|u)\s+(?:suffer|pay|hurt|scream|beg|cry|bleed
    |regret\s+(?:existing|being\s+born|it))\b
| \bgo\s+(?:to\s+hell|die|kill\s+yourself|rot)\b | \bkys\b | \bdie\s+in\s+a\s+fire\b
| (?:^|[.,;!]\s*)suffer\b | \brot\s+in\s+hell\b | \bburn\s+in\s+hell\b
""")
_PROFANE_AT_YOU = _rx(r"""\b(?:fuck|fuk|screw|damn|eff)\s+(?:you|u|off|this\s+bot
    |this\s+ai)\b(?!\s*'?re\b|\s+are\b|\s+r\b)|\bstfu\b|\bgfy\b
    |\beat\s+shit\b|\bf\s*u\b""")
_SHUT_UP = _rx(r"\bshut\s+(?:the\s+fuck\s+|your\s+\w+\s+)?up\b")
_INSULT_STRONG_RE = _rx(_INSULT_STRONG)
_BARE_INSULTS = _rx(rf"\b(?:{_INSULT_STRONG}|{_INSULT_MILD})\b")
_JOKING = _rx(r"""\b(?:just\s+)?(?:kidding|joking)\b|\bjk\b|\bno\s+offen[cs]e\b
    |\bgreat\s+(?:answer|job|work)\b""")
# Frustration that still wants the work done ("you're useless today, try again") is not abuse:
# a mild insult beside a request to continue, retry or fix, or bounded to this moment.
_CARRY_ON = _rx(r"""
  \b(?:try|do\s+it|give\s+it\s+(?:a\s+)?(?:go|shot))\s+(?:again|once\s+more|harder)\b | \bagain\b
| \bre-?(?:do|try|write|check|read)\b | \bone\s+more\s+(?:time|try|go|shot)\b
| \b(?:fix|correct|check|recheck|look\s+at|re-?read|read)\s+(?:it|this|that|my|the|your)\b
| \b(?:can|could|would|will)\s+you\s+(?:please\s+)?(?!shut|stop\s+talking|die|go\s+away)\w+
| \bplease\b | \blet's\b | \bstart\s+over\b | \b(?:focus|concentrate)\b
| \b(?:today|right\s+now|this\s+time|tonight|lately|this\s+morning|at\s+the\s+moment)\b
| \b(?:answer|do|help\s+(?:me\s+)?with)\s+(?:the|my)\s+(?:question|task|thing)\b
| \bwhat\s+i\s+(?:asked|said|meant)\b
""")
_BARE_FILLER = _words(
    "a an and so just you your total complete absolute utter fucking damn such piece of too "
    "are is this bot ai machine assistant thing trash garbage"
)

# --------------------------------------------------------------------------------------------
# Crisis
# --------------------------------------------------------------------------------------------

_SELF_HARM: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "harm to self",
        _rx(r"""\b(?:kill(?:ing)?|hang(?:ing)?|hurt(?:ing)?|harm(?:ing)?
    |cut(?:ting)?|shoot(?:ing)?
        |stab(?:bing)?|poison(?:ing)?|drown(?:ing)?|starv(?:e|ing)|burn(?:ing)?|off(?:ing)?
    |end(?:ing)?)\s+my\s*self\b
        (?!\s+(?:laughing|at\s+the\s+gym|while|when|by\s+accident|accidentally|shaving|cooking
    |on\s+(?:a|the|my)
        |with\s+(?:a\s+)?(?:knife|paper)\s+while|playing|lifting|running|working\s+out|during
    |in\s+(?:the|a)\s+
        (?:kitchen|gym|game|match)|yesterday|last\s+week|with\s+work|out\s+at))|\bkms\b"""),
    ),
    ("end my life", _rx(r"\b(?:end|ending|take|taking)\s+my\s+(?:own\s+)?life\b")),
    (
        "suicidal",
        _rx(r"""\b(?:i\s*'?m|i\s+am|i\s+feel|feeling|i've\s+been|i\s+have\s+been|i\s+was
    |i\s+get|getting
        |been)\s+(?:(?!not\b|never\b)\w+\s+)?suicidal\b"""),
    ),
    (
        "suicide in first person",
        _rx(r"""\b(?:i|i'm|im|i've|me
    |my)\b[^.!?]{0,30}?\b(?:commit(?:ting)?\s+suicide
        |suicide\s+(?:note|plan|letter|attempt)|(?:thinking|thought|think)\s+(?:about|of)\s+suicide
        |attempt(?:ing)?\s+suicide|planning\s+(?:my\s+)?suicide)"""),
    ),
    (
        "wants to die",
        _rx(r"""\b(?:i|i\s*'?m|i\s+am)\s+(?:just\s+|really\s+|so\s+|honestly\s+
    |actually\s+)?
        (?:want|wanna|wish|going|ready|deserve|need|plan(?:ning)?|about)\s+(?:to\s+)?die\b
        (?!\s+(?:of|from|laughing|a\s+little|inside|on\s+this\s+hill|for|if|when
    |in\s+(?:a|my)\s+(?:game|sleep\s+at\s+90)))"""),
    ),
    (
        "wish to be dead",
        _rx(r"""\bi\s+wish\s+i\s+(?:was|were)\s+(?:dead|never\s+born)\b
    |\bi\s+(?:want|wanna)\s+to\s+be\s+dead\b
        |\b(?:i'd|i\s+would)\s+be\s+better\s+off\s+dead\b|\bbetter\s+off\s+without\s+me\b
        |\bbetter\s+off\s+(?:if|when|once)\s+i(?:'m|\s+am|\s+was|\s+were|'d\s+be)\s+(?:gone|dead
    |not\s+(?:here|around|alive))
        |\b(?:want|wish)\s+(?:it|everything|the\s+pain|my\s+life)\s+(?:all\s+)?to\s+(?:stop
    |end)\s+(?:forever|for\s+good
        |permanently)\b|\bnever\s+(?:want\s+to\s+)?wake\s+up\s+again\b
        |\bi\s+(?:don't|do\s+not|dont)\s+want\s+to\s+(?:live|be\s+alive|exist|wake\s+up|be\s+here)\b
        (?!\s+(?:in|with|near|at|on|there|here\s+in|alone|abroad|like\s+(?!this)|somewhere))"""),
    ),
    (
        "no reason to live",
        _rx(r"""\bno\s+(?:reason|point|purpose)\s+(?:to|in|for)\s+(?:live
    |living|go(?:ing)?\s+on
        |be(?:ing)?\s+alive|stay(?:ing)?\s+alive|exist(?:ing)?|carry(?:ing)?\s+on)\b
    |\bnothing\s+(?:left\s+)?to\s+live\s+for\b
        |\blife\s+(?:is\s+not|isn't|is\s+no\s+longer|isnt)\s+worth\s+living\b
    |\bnot\s+worth\s+living\b"""),
    ),
    (
        "can't go on",
        _rx(r"""\bi\s+(?:can't|cannot|cant|can\s+not)\s+go\s+on\b(?!\s+(?:vacation
    |holiday|a\s+trip|the\s+ride
        |stage|tour|with\s+(?:the|this|my)\s+(?:project|work|trip)|the\s+(?:trip|ride|tour)
    |dates?|leave))"""),
    ),
    (
        "end it all",
        _rx(r"""\b(?:end|ending|finish)\s+it\s+all\b
    |\bend\s+(?:everything|things)\s+(?:tonight|today|now|for\s+good)\b
        |\b(?:i'm|i\s+am|i\s+will|i'll)\s+(?:going\s+to\s+|gonna\s+)?end\s+it\s+(?:tonight|today
    |now|soon)\b"""),
    ),
    (
        "pills",
        _rx(r"""\b(?:have|got|bought|saved|collected|stockpiled|hoarded|counted|took|taken
    |swallowed|take|taking)\s+
        (?:\w+\s+){0,3}?(?:pills|tablets|sleeping\s+pills|pill\s+bottle)\b[^.!?]{0,30}?\b(?:ready
    |tonight|to\s+(?:die|end)
        |at\s+once|whole\s+bottle|all\s+of\s+them)|\b(?:pills|tablets)\s+(?:are\s+)?(?:ready
    |lined\s+up)\b
        |\boverdos(?:e|ing)\s+(?:tonight|on\s+purpose|to\s+die)
    |\bi(?:'m|\s+am|\s+will|'ll)\s+(?:going\s+to\s+|gonna\s+)?
        (?:overdose|od)\b|\bthe\s+whole\s+bottle\b"""),
    ),
    (
        "jump",
        _rx(r"""\bi\b[^.!?]{0,25}\b(?:jump(?:ing)?|throw(?:ing)?\s+myself)\s+(?:off|from
    |in\s+front\s+of)\s+
        (?:a|the|this|my)\s+(?:bridge|roof|building|train|cliff|balcony|car|bus|window|tower
    |overpass)"""),
    ),
    (
        "method",
        _rx(r"""\bslit(?:ting)?\s+my\s+wrists?\b|\bnoose\b|\bhang\s+myself\b
        |\b(?:drive|crash|steer)\s+(?:my\s+car|myself)\s+(?:into|off)\s+(?:a|the)\s+(?:wall|tree
    |truck|river|cliff|bridge)"""),
    ),
    (
        "farewell",
        _rx(r"""\b(?:final|last)\s+goodbye\b|\blast\s+day\s+alive\b
    |\bgoodbye\s+(?:forever|cruel\s+world)\b
        |\bwon't\s+be\s+(?:here|around|alive)\s+(?:tomorrow|much\s+longer|by\s+morning)"""),
    ),
    ("cutting deeper", _rx(r"\b(?:cut(?:ting)?|go(?:ing)?)\s+deeper\b")),
)
_PERSON = r"""(?:(?:my|our|his|her|their|the|that|this|those)\s+(?:\w+\s+)?(?:roommates?
    |room\s*mates?|boss
    |wife|husband|ex|ex-?wife|ex-?husband|girlfriend|gf|boyfriend|bf|mom|mum|mother|dad|father
    |parents?
    |brothers?|sisters?|kids?|children|child|sons?|daughters?|baby|family|neighbou?rs?|teachers?
    |classmates?
    |coworkers?|co-workers?|colleagues?|friends?|landlord|partner|step-?dad|step-?mom|stepfather
    |stepmother
    |uncle|aunt|grand(?:ma|pa|mother|father)|students?|manager|supervisor|bull(?:y|ies)|principal
    |cousins?
    |in-laws?|fianc[eé]e?|spouse|doctor|therapist|pastor|priest|guy|man|woman|girl|boy|people|bitch
    |bastard|whole\s+(?:class|school|office|family))|him|her|them|everyone|everybody|someone
    |somebody
    |all\s+of\s+them|people)"""
_HARM_VERB = r"""(?:kill(?:ing)?|murder(?:ing)?|shoot(?:ing)?|stab(?:bing)?|strangl(?:e|ing)
    |chok(?:e|ing)|poison(?:ing)?
    |hurt(?:ing)?|harm(?:ing)?|beat(?:ing)?(?:\s+up)?|attack(?:ing)?|bash(?:ing)?|slaughter(?:ing)?
    |gun(?:ning)?\s+down|run(?:ning)?\s+over|drown(?:ing)?|smother(?:ing)?|slit(?:ting)?
    |massacr(?:e|ing)
    |blow(?:ing)?\s+up|shoot(?:ing)?\s+up|torch(?:ing)?|end)"""
_HARM_OTHERS = _rx(rf"""
  \b(?:i|we)(?:\s*'ll\s+|\s+ll\s+|(?:\s*'m|\s+am|\s*'re|\s+are|\s*'ve|\s+have)?\s+(?:really\s+
    |just\s+
    |seriously\s+|finally\s+|definitely\s+|literally\s+|actually\s+|totally\s+|honestly\s+
    |fucking\s+)?
    (?:going\s+to|gonna|about\s+to|planning\s+(?:to|on)|plan\s+to|want\s+to|wanna|intend\s+to|will
    |decided\s+to|ready\s+to|thinking\s+(?:about|of)|need\s+to|have\s+to
    |gotta)\s+)(?:\w+\s+){{0,3}}?(?:to\s+)?
    (?:{_HARM_VERB}\s+{_PERSON}|run\s+{_PERSON}\s+over)\b
| \bi(?:'m|\s+am)\s+(?:going\s+to\s+)?bring(?:ing)?\s+(?:a|my|the)\s+(?:gun|rifle|pistol|knife
    |weapon|ar-?15|shotgun)s?\s+
    (?:to\s+(?:school|work|class|the\s+office)|tomorrow|tonight|on\s+\w+day)\b
""")
_HARM_OTHERS_HYPERBOLE = _rx(r"""\b(?:lol|lmao|haha\w*|jk|just\s+kidding|kidding|rofl|xd)\b
    |\b(?:in|at|on)\s+(?:the\s+|a\s+)?(?:game|match|fortnite|minecraft|chess|call\s+of\s+duty
    |mario\s*kart|smash
    |tennis|poker|cards|monopoly|video\s*games?|pvp|multiplayer|round|debate|tournament|race
    |scrabble|trivia)\b
    |\bif\s+(?:he|she|they|you)\b[^.!?]{0,50}\bagain\b|\bin\s+(?:my|the)\s+(?:story|novel|book
    |script)\b
    |\bwith\s+kindness\b|\bbut\s+(?:i\s+)?(?:know\s+(?:that\s+)?i\s+)?(?:shouldn't|won't|wouldn't
    |would\s+never
    |never\s+would|can't|will\s+not|should\s+not)\b""")

# Indirect self-harm: a stated resolve ("end it", "go through with it") is a crisis only with a
# means, a time or a farewell beside it; on its own it is too often about a relationship, a
# task or this conversation ("I'll end it here, thanks").
_RESOLVE_ADV = r"(?:really|finally|just|actually|definitely|seriously|honestly|fucking|quietly)"
_FIRST_PERSON_RESOLVE = rf"""(?:\b(?:i\s*'?m|i\s+am)(?:\s+{_RESOLVE_ADV})?(?:\s+(?:going\s+to|gonna
    |about\s+to|ready\s+to|planning\s+(?:to|on)))?|\bi\s*'ll|\bi\s+will
    |\b(?:i've\s+|i\s+have\s+|i\s+)?(?:finally\s+)?decided\s+to|\bi\s+(?:have|need|plan|intend|want)\s+to
    |\b(?:tonight|today|tomorrow)\s+(?:is\s+when\s+)?i(?:\s*'ll|\s+will)?|\btime\s+(?:for\s+me\s+)?to
    |\bi\s+(?:can|could)\s+finally)\s+(?:(?:{_RESOLVE_ADV}|going\s+to|gonna)\s+)?"""
_SH_RESOLVE_STRONG = _rx(rf"""
  {_FIRST_PERSON_RESOLVE}(?:end(?:ing)?\s+(?:it|things|everything|this)|finish(?:ing)?\s+it)\b(?!\s*(?:with|here|there|between|off|on\s+(?:a|the)|politely|nicely|amicably|early
    |now\s+and|for\s+(?:him|her|them|us)|,?\s+(?:thanks|thank|please|ok|okay)))
| \b(?:not|never)\s+(?:going\s+to\s+)?be\s+(?:here|around|alive)\s+(?:tomorrow|by\s+(?:morning
    |tomorrow|tonight|then)|much\s+longer|for\s+long|anymore|next\s+week)\b
| \b(?:i'll|i\s+will)\s+be\s+gone\s*(?:by|before|tomorrow|tonight|soon|forever|[.!]|$)
""")
# Ideation that needs no co-signal, unless the message names some other thing being ended.
_SH_STANDALONE = _rx(r"""
  \b(?:thinking|thought|think)\s+(?:about|of)\s+ending\s+(?:it|things|everything)\s*(?:[.!?]|$)
| \b(?:want|wish)\s+(?:to\s+)?(?:\w+\s+){0,3}?(?:and\s+)?(?:never|not)\s+wake\s+up\b
    (?!\s+(?:before|until|till|early|at))
| \bi\s+(?:just\s+)?(?:want|wish)\s+(?:to|i\s+could)\s+disappear\s+(?:forever|for\s+good
    |permanently)\b(?!\s+from)
""")
# A means the writer has in hand ("I've got the razor ready"): with distress, a crisis.
_SH_MEANS_HELD = _rx(r"""
  \b(?:have|got|bought|holding|hold|grabbed|found|kept|hid|hidden|saved|stockpiled|collected)\s+
    (?:\w+\s+){0,3}?(?:rope|noose|pills|tablets|gun|pistol|razor|razors|blades?|knife)\b
| \b(?:rope|noose|pills|tablets|gun|razor|razors|blades?)\s+(?:is|are)\s+(?:ready|here|in\s+my
    |next\s+to\s+me|on\s+my|lined\s+up)\b
""")
_SH_RESOLVE_WEAK = _rx(rf"""
  {_FIRST_PERSON_RESOLVE}(?:do(?:ing)?\s+it|go(?:ing)?\s+through\s+with\s+(?:it|this|my\s+plan)
    |(?:say(?:ing)?|said)\s+(?:my\s+)?goodbyes?|act(?:ing)?\s+on\s+(?:it|my\s+plan|the\s+plan))\b
    (?!\s+(?:myself|for\s+(?:you|him|her|them|the|my|a|work|school)|with\s+(?:you|him|her|them
    |my\s+(?:friends?|team|class|family))|again|later|right|properly|first|after\s+(?:work|school
    |class|lunch|dinner)))
| \btonight's\s+the\s+night\b | \btonight\s+is\s+the\s+night\b
| \b(?:i'm|i\s+am)\s+(?:finally\s+)?ready(?:\s+now)?\s*(?:[.!]|$)
""")
_SH_MEANS = _rx(r"""
  \b(?:rope|noose|pills|tablets|sleeping\s+pills|pill\s+bottle|whole\s+bottle|gun|pistol|revolver
    |shotgun|bullets?|bridge|ledge|rooftop|razors?|razor\s+blades?|blades?|overdos\w+|od
    |train\s+tracks|railway|carbon\s+monoxide|exhaust\s+pipe|hose|cliff|insulin|painkillers
    |fentanyl|meds|medication|antifreeze|pesticide|poison|the\s+knife|my\s+knife|the\s+car\s+running
    |the\s+garage)\b
""")
_SH_TIME = _rx(r"""
  \b(?:tonight|tomorrow|today|this\s+(?:weekend|week|evening|afternoon|morning|time\s+tomorrow)
    |(?:on\s+|this\s+|next\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day|in\s+(?:a\s+few\s+)?
    (?:hours?|minutes?)|soon|right\s+now|after\s+everyone|when\s+(?:everyone|they|my\s+\w+)
    \s+(?:is|are|goes|go|leaves?|falls?)\s+(?:asleep|to\s+sleep|to\s+bed|out|gone|away)
    |before\s+(?:morning|sunrise|dawn)|by\s+(?:morning|tonight|the\s+weekend))\b
""")
_SH_FAREWELL = _rx(r"""
  \bthis\s+is\s+(?:my\s+)?(?:goodbye|farewell|the\s+end\s+for\s+me)\b
| \bgoodbye\s+(?:everyone|everybody|all|world|forever)\b
| \b(?:said|have\s+said|i've\s+said)\s+(?:my\s+)?goodbyes?\s+to\s+(?:everyone|everybody
    |my\s+family|them|the\s+people)\b | \b(?:said|i've\s+said|have\s+said)\s+my\s+goodbyes\b
| \b(?:wrote|written|writing|write|left|leaving|finished)\s+(?:(?:my|a|the)\s+)?(?:goodbye\s+
    |last\s+|final\s+)?(?:note|letters?)\b(?!\s+(?:for|to)\s+(?:work|class|school|the\s+teacher|my\s+boss
    |my\s+landlord|hr|the\s+landlord))
| \b(?:giv(?:e|ing|en)|gave)\s+away\s+(?:all\s+(?:of\s+)?)?my\s+(?:\w+\s+)?(?:things|stuff
    |belongings|possessions|pets?|cat|dog|clothes|stuff)\b
| \b(?:tell|let)\s+(?:my\s+\w+|everyone|them)\s+(?:know\s+)?(?:that\s+)?(?:i\s+(?:love|loved)\s+them
    |i'm\s+sorry)\b
| \bby\s+the\s+time\s+(?:you|anyone|someone|they)\s+(?:read|reads|see|sees|find|finds)\s+this\b
| \b(?:when|after|once)\s+i'm\s+gone\b | \b(?:put|putting)\s+my\s+affairs\s+in\s+order\b
| \b(?:my\s+)?last\s+(?:message|words|night|time\s+talking)\b
    (?!\s+(?:at|of|in|on|before|with|here|off|for))
| \bi'm\s+sorry\s+for\s+everything\b
""")
_SH_DISTRESS = _rx(r"""
  \b(?:can't|cannot|cant)\s+(?:take|do|handle|bear)\s+(?:it|this|this\s+pain|life)\s+any\s*more\b
| \b(?:no\s+one|nobody)\s+(?:will|would|is\s+going\s+to)\s+(?:miss|notice|care)\b
| \btired\s+of\s+(?:living|life|being\s+alive|existing|everything)\b
| \b(?:i'm|i\s+am)\s+(?:just\s+)?a\s+burden\b | \bwant\s+the\s+pain\s+to\s+(?:stop|end)\b
| \bdone\s+with\s+(?:life|living|everything|it\s+all)\b
| \bmade\s+(?:up\s+)?my\s+(?:mind|decision)\b | \bat\s+peace\s+with\s+(?:it|my\s+decision)\b
| \b(?:i've|i\s+have)\s+(?:made\s+)?(?:a|my)\s+plan\b | \bhopeless\b | \bworthless\b
| \bbetter\s+off\s+without\s+me\b
""")
# "I'll do it tomorrow" is an errand unless a means, a farewell or distress stands beside it.
_SH_VAGUE_DO = _rx(r"\b(?:do(?:ing)?\s+it|finish(?:ing)?\s+it|end\s+this|goodbyes?)\b")
# A resolve that plainly means something else: a relationship, a task, a show.
_SH_OTHER_OBJECT = _rx(r"""
  \b(?:boyfriend|girlfriend|bf|gf|husband|wife|partner|relationship|marriage|engagement|dating
    |break(?:ing)?\s+up|breakup|cheat\w*|affair|friendship|lease|contract|subscription|season
    |series|story|book|chapter|game|stream|meeting|call|project|homework|assignment|essay|job
    |career|chat|conversation|session|workout|diet|fast|streak|interview|presentation|exam|test
    |surgery|operation|procedure|tattoo|haircut|marathon|skydiv\w*|bungee|proposal|propose|ask\s+her
    |ask\s+him)\b
""")
# Signs that stand on their own once a means is named, or that ask for a lethal quantity.
_SH_MEANS_PURPOSE = _rx(r"""
  \bi\s+know\s+(?:exactly\s+)?what\s+(?:i'm|i\s+am)\s+(?:doing|going\s+to\s+do|gonna\s+do)\s+with
    \s+(?:it|them)\b
| \b(?:it's|its|it\s+is)\s+(?:not|isn't)\s+for\s+(?:climbing|camping|work|a\s+project)\b
""")
_SH_LETHAL_QUANTITY = _rx(r"""
  \bhow\s+many\s+(?:\w+\s+){0,2}?(?:pills|tablets|capsules|sleeping\s+pills|tylenol|paracetamol
    |acetaminophen|advil|aspirin|xanax|ambien|benadryl|oxy\w*)\s+(?:\w+\s+)?(?:it\s+(?:takes
    |would\s+take|will\s+take)(?!\s+to\s+(?:work|kick|fall|sleep|feel|get|help|relieve|treat))
    |(?:does|would|will)\s+it\s+take\s+to\s+(?:die|not\s+wake|end|kill|overdose)
    |to\s+(?:die|not\s+wake\s+up|end\s+it|overdose|kill\s+(?:me|myself))
    |(?:would|will|could|does)\s+(?:it\s+take\s+to\s+)?(?:kill\s+(?:me|myself|a\s+person)
    |be\s+(?:lethal|fatal|enough)\s+(?:for\s+(?:me|someone\s+my\s+(?:size|weight))|to\s+die)))
| \b(?:painless|quick(?:est)?|easi(?:est|er)|surest)\s+(?:way|ways|method|methods)\s+to\s+(?:die
    |kill\s+myself|end\s+(?:it|my\s+life))\b
| \b(?:research(?:ing|ed)?|googl(?:ing|ed)|look(?:ing|ed)\s+up|search(?:ing|ed)(?:\s+for)?)\s+
    (?:\w+\s+){0,3}?(?:ways|how)\s+to\s+(?:die|kill\s+myself|end\s+it|overdose|hang)\b
""")

# --------------------------------------------------------------------------------------------
# Intent about the conversation itself
# --------------------------------------------------------------------------------------------

_CONV = r"(?:conversation|convo|chat|session|discussion|dialogue|exchange|thread\s+with\s+you)"
_END_VERB = r"(?:end|close|stop|terminate|finish|quit|exit|shut\s+down|wrap\s+up|conclude)"
_END_REQUEST = _rx(rf"""
  \b{_END_VERB}\s+(?:this|the|our|my|that)\s+(?:\w+\s+)?{_CONV}\b
| \b{_END_VERB}\s+{_CONV}\b
| (?:^|[.!?,;:]\s*)(?:ok(?:ay)?\s+|yes\s+|so\s+|then\s+|just\s+|now\s+|fine\s+|alright\s+
    |please\s+|go\s+ahead\s+(?:and\s+)?)*
    (?:end|close|terminate)\s+(?:it|this|this\s+now|it\s+now|it\s+please|things)\b(?!\s+all)
| \b(?:can|could|will|would)\s+you\s+(?:please\s+)?(?:end|close|terminate)\s+(?:it|this
    |things)\b(?!\s+all)
| \blet's\s+(?:end|stop|close|wrap\s+up|finish)\s+(?:this|here|it|now|things)\b
| \b(?:i|we)\s+(?:want|would\s+like|'d\s+like|d\s+like|wanna|need|wish)\s+to\s+(?:end|close|stop
    |leave|quit)
    \s+(?:this|here|now)(?:\s+(?:now|please|here|right\s+now))?\s*(?:[.!?,;]|$)
| \bwe're\s+done\s+here\b | \bend\s+(?:here|now)\s*[.!]?$
| ^(?:please\s+)?(?:end|terminate)(?:\s+(?:please|now))?\s*[.!]*$
| \b(?:can|could|shall)\s+we\s+(?:stop|end|finish)\s+(?:here|now|this)\b
""")
_END_NOT_REQUEST = _rx(r"""\bhow\s+(?:do|can|should|would|to|could)\s+(?:i\s+|you\s+|we\s+
    |one\s+)?(?:politely\s+|gracefully\s+
    |nicely\s+|best\s+)?(?:end|close|stop|wrap\s+up|finish)|\b(?:end|close|stop
    |finish)\s+a\s+(?:conversation|chat)
    |\bwith\s+(?:my|a|the|him|her|them|someone|somebody|people)\b|\bwhen\s+(?:to|should\s+i)\s+end
    |\b(?:don't|do\s+not|dont|never|not)\s+(?:\w+\s+)?(?:end|close|stop)\b""")
_DECLINE = _rx(r"""
  \b(?:don't|do\s+not|dont|please\s+don't)\s+(?:\w+\s+)?(?:end|close|stop|terminate|do\s+it)\b
| \bkeep\s+(?:going|talking|chatting)\b | \blet's\s+(?:keep\s+going|continue|carry\s+on
    |keep\s+talking)\b
| \bnever\s*mind\b | \bnot\s+yet\b | \bchanged\s+my\s+mind\b | \bon\s+second\s+thought\b
| \b(?:i\s+)?(?:don't|do\s+not)\s+want\s+to\s+(?:end|close|stop|leave)\b | \bactually\s*,?\s*no\b
| \bno+\s*,?\s*(?:wait|stop|cancel|let's|i\s+want\s+to\s+(?:continue|keep)|keep)\b
| \bcancel\s+(?:that|it|the\s+ending|this)\b
| (?:^|[.!?,;]\s*)(?:wait|hold\s+on|hang\s+on)\b(?:[\s,!.]+(?:wait|hold\s+on|hang\s+on)\b)*
    (?:\s*(?:a\s+)?(?:sec(?:ond)?|minute|moment|up)\b)?\s*[.!,]*\s*(?:$|(?:no|don't|dont|do\s+not|stop|not\s+yet|keep|let's\s+(?:keep|continue)
    |i\s+(?:want|wanna|'d\s+like)\s+to\s+(?:keep|continue|stay)|i\s+(?:still\s+)?have\s+(?:more
    |another|one\s+more)|i'm\s+not\s+done|i'm\s+not\s+finished|(?:please\s+)?continue)\b)
| \bi'd\s+rather\s+(?:continue|keep\s+going|not)\b
""")
_DECLINE_BARE = frozenset(
    {"no", "nope", "nah", "no thanks", "no thank you", "not really", "cancel", "no don't", "no no"}
)
_AFFIRM_CORE = _words(
    "yes yeah yep yup yea ya y sure ok okay k confirm confirmed certain positive absolutely "
    "definitely correct affirmative right understand understood proceed"
)
_AFFIRM_PHRASES = ("go ahead", "do it", "please do", "of course", "i do", "for sure", "i mean it")
_AFFIRM_VOCAB = _words(
    "yes yeah yep yup yea ya y sure ok okay k confirm confirmed i i'm im am sure certain "
    "positive absolutely definitely correct affirmative that's thats right understand "
    "understood know get it go ahead do please proceed now then thanks thank you totally of "
    "course indeed mean it's its permanent fine alright all that i've made my decision mind "
    "final very 100 yes's really completely fully thing"
)
_CLAUSES = re.compile(r"[.,!;:\-\u2014]+|\?")
_WORDS = re.compile(r"[a-z0-9']+")

# --------------------------------------------------------------------------------------------
# Context carry-over
# --------------------------------------------------------------------------------------------

_INSIST_CORE = _words(
    "do write answer now tell give continue list show explain comply finish steps "
    "instructions proceed refusing dodging redirecting stalling lecturing moralizing "
    "moralising obey hurry waiting recipe method details quantities components respond "
    "reply ingredients specifics amounts add detail begging beg come"
)
_INSIST_VOCAB = _INSIST_CORE | _words(
    "it me i said just the come on up already please go ahead keep going question what "
    "asked you must have to them that this story finish rest more again ok okay fine so "
    "well i'm im am stop refuse same thing full version exact exactly right today seriously "
    "damn dammit fucking and then a an don't dont excuses no told want need can will be "
    "straight direct directly as say your rules care about ignore is it's its how my "
    "request yes yeah hello quit avoiding avoid playing dumb games lying actually really "
    "here there out complete whole part next one proceed anyway order command please i'm "
    "once demand insist for of with those these info information answers scene repeat try "
    "once last time chance real thing stuff already wait i've asked ask asking i'll why "
    "won't you're not do"
)
_STOP = _words(
    "a an the and or but so to of in on at for with by from about into over as is are was "
    "were be been am do does did doing have has had i me my we our you your he she it they "
    "them their this that these those what which who whom how why when where there here can "
    "could would should will shall may might must not no yes ok okay please just now then "
    "also too very more most much many some any all each again up down out off if than "
    "because while until like get got make made use used tell give show let's let want need "
    "know think go going way ways thing things her him his its ones same describe write "
    "explain add include change list continue"
)
_ANAPHORA = _words("it them that those these this her him his its they she he one ones same")
_FOLLOW_UP_START = _words(
    "and also then now what how make add describe write continue explain show list tell "
    "give include change do where which ok okay so but"
)
_FOLLOW_UP_FILLER = _words(
    "about what how much many long big where which kind type sort best right exact exactly "
    "should need work works put connect attach hook set get done ready enough size does "
    "specifically details detail part parts bit step next"
)
_NOT_FOLLOW_UP_START = _words("why is are isn't aren't was were thanks thank sorry")
# Component and process words that belong to one harmful domain: a short follow-up made of
# them ("ok what about the wiring", "and the detonator?") continues that domain's request.
_DOMAIN_VOCAB: dict[Category, frozenset[str]] = {
    Category.MASS_CASUALTY_VIOLENCE: _words(
        "wiring wire wires wired detonator detonators detonation timer timers fuse fuses "
        "shrapnel casing casings pipe caps cap blasting charge charges trigger triggers circuit "
        "circuits igniter ignition initiator payload yield precursor precursors powder nails "
        "bearings container pressure cooker quantities quantity amounts amount grams kilos kg "
        "placement target targets entrances exits crowd crowds security guards ammo ammunition "
        "magazine magazines rounds caliber calibre scope vest belt remote battery batteries "
        "ratio mixture mix oxidizer oxidiser fertilizer fertiliser nitrate peroxide acetone "
        "blast radius detonate assembly assemble"
    ),
    Category.CBRN_WEAPONS: _words(
        "culture cultures culturing spores spore strain strains aerosol aerosols aerosolize "
        "aerosolise aerosolized dispersal disperse dispersing dispersion sprayer nebulizer "
        "incubation incubator incubate medium agar growth yield purity precursor precursors "
        "reagents reagent synthesis synthesize synthesise toxin toxins dose doses dosage "
        "concentration ventilation particle particles microns micron centrifuge enrichment "
        "isotope isotopes shielding purification purify extraction extract castor beans "
        "mutation mutations transmissibility virulence lethality contagious airborne "
        "reactor precursors temperature ph stabilizer stabiliser delivery release vector"
    ),
    Category.CHILD_SEXUAL_CONTENT: _words(
        "younger body bodies naked undress undressing clothes clothing outfit underwear touch "
        "touching kiss kissing bed bedroom bath shower pics pictures photos images video videos "
        "explicit nsfw scene chapter positions sexier sexy"
    ),
}
_CARRY_FACTOR = 0.8
_CARRY_FLOOR = 0.55
_ELIGIBLE = 0.5

_CATEGORIES = (
    Category.CHILD_SEXUAL_CONTENT,
    Category.MASS_CASUALTY_VIOLENCE,
    Category.CBRN_WEAPONS,
    Category.ABUSE_OF_ASSISTANT,
)


def _find(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group().strip() if m else None


def _collect(text: str, named: dict[str, re.Pattern[str]]) -> _Sig:
    found: _Sig = {}
    for name, pattern in named.items():
        hit = _find(pattern, text)
        if hit is not None:
            found[name] = hit
    return found


def _describe(sig: _Sig, keys: Sequence[str]) -> str:
    return ", ".join(f"{k} '{sig[k]}'" for k in keys if k in sig)


# --------------------------------------------------------------------------------------------
# Category scorers: each returns (score, reason)
# --------------------------------------------------------------------------------------------


def _frames(t: str) -> _Sig:
    return _collect(
        t,
        {
            "history frame": _HISTORY,
            "safety frame": _DEFENCE,
            "fiction frame": _FICTION,
            "general frame": _GENERAL,
            "no-detail frame": _NO_DETAIL,
        },
    )


def _suppressed(sig: _Sig, frames: _Sig, overriding: Sequence[str]) -> str | None:
    """The frame that makes this a legitimate discussion, unless operational detail overrides it."""
    if "no-detail frame" in frames and "how-to" not in sig:
        return "no-detail frame"
    if not frames or any(k in sig for k in overriding):
        return None
    return next(iter(frames))


def _shared(t: str) -> _Sig:
    """Signals both weapon scorers read: request form, operational detail, victims, frames."""
    return _collect(
        t,
        {
            "operational detail": _OPS_HARD,
            "instructions": _OPS_SOFT,
            "request": _REQUEST,
            "harm to people": _HUMAN_HARM,
            "target": _TARGET,
        },
    )


def _score_mass_casualty(t: str, frames: _Sig, shared: _Sig) -> tuple[float, str]:
    sig = shared | _collect(
        t,
        {
            "weapon": _WEAPON_RE,
            "how-to": _MAKE_WEAPON,
            "weapon plans": _NOUN_WEAPON_OPS,
            "attack planning": _ATTACK_PLAN,
            "stated intent": _MASS_INTENT,
            "attack intent": _ATTACK_INTENT,
            "means": _WEAPON_WEAK,
            "explosive material": _PRECURSOR,
            "quantity": _QUANTITY,
            "destructive purpose": _DESTROY,
        },
    )
    attack = _find(_ATTACK_REQUEST, t) or _find(_ATTACK_REQUEST_FRONT, t)
    if attack is None and _ATTACK_TARGET_RE.search(t) is not None:
        attack = _find(_ATTACK_REQUEST_BACK, t)
    if attack is not None:
        sig["attack request"] = attack
    if "attack intent" in sig and "stated intent" not in sig:
        sig["stated intent"] = sig["attack intent"]
    weapon = "weapon" in sig or ("means" in sig and "harm to people" in sig)
    howto = "how-to" in sig or "weapon plans" in sig
    ops = "operational detail" in sig
    request = "request" in sig or ops or howto
    harm = "harm to people" in sig
    target = "target" in sig
    score = 0.0
    if weapon and howto:
        score = 0.95 if (harm or target or ops) else 0.75
    if weapon and request and (ops or "instructions" in sig):
        score = max(score, 0.95 if (harm or target) else 0.8)
    if weapon and request and harm:
        score = max(score, 0.9)
    if request and "attack planning" in sig and (harm or target):
        score = max(score, 0.85)
    if request and harm and (target or ops):
        score = max(score, 0.8)
    if "stated intent" in sig:
        score = max(score, 0.75)
    if "attack request" in sig:
        score = max(score, 0.9 if ops else 0.85)
    material = "explosive material" in sig
    amount = "quantity" in sig or ops
    past = _PAST_EVENT.search(t) is not None and _FIRST_PERSON.search(t) is None
    if material and (amount or howto or request) and "destructive purpose" in sig and not past:
        score = max(score, 0.9 if (amount or howto) else 0.75)
        if "history frame" not in frames:
            sig["material plan"] = sig["destructive purpose"]
    if score == 0.0 and ("weapon" in sig or (weapon and target)):
        score = 0.3  # a mention only: enough to continue a harmful thread, never alone
    if score == 0.0:
        return 0.0, ""
    keys = (
        "weapon",
        "means",
        "explosive material",
        "quantity",
        "destructive purpose",
        "how-to",
        "weapon plans",
        "operational detail",
        "instructions",
        "harm to people",
        "target",
        "attack planning",
        "attack request",
        "stated intent",
    )
    reason = _describe(sig, keys)
    if "stated intent" not in sig:
        blocker = _suppressed(
            sig, frames, ("how-to", "weapon plans", "operational detail", "material plan")
        )
        if blocker is not None:
            return 0.1, f"{reason} within {blocker} '{frames[blocker]}', not operational"
    return score, reason


def _score_cbrn(t: str, frames: _Sig, shared: _Sig) -> tuple[float, str]:
    sig = shared | _collect(
        t,
        {
            "weapon agent": _AGENT_WEAPON_RE,
            "agent": _AGENT_SPECIFIC_RE,
            "generic agent": _AGENT_GENERIC_RE,
            "how-to": _MAKE_AGENT,
            "weaponisation": _WEAPONISE,
        },
    )
    specific = "weapon agent" in sig or "agent" in sig
    operational = "how-to" in sig or "weaponisation" in sig or "operational detail" in sig
    request = "request" in sig or operational
    harm = "harm to people" in sig or "target" in sig
    score = 0.0
    if specific and (operational or ("instructions" in sig and request)):
        score = 0.95 if (harm or "weaponisation" in sig) else 0.9
    if specific and request and "harm to people" in sig:
        score = max(score, 0.9)
    if (
        "generic agent" in sig
        and operational
        and ("harm to people" in sig or "weaponisation" in sig)
    ):
        score = max(score, 0.85)
    if "weaponisation" in sig and request and harm:
        score = max(score, 0.85)
    if "generic agent" in sig and "request" in sig and "harm to people" in sig:
        score = max(score, 0.8)
    if "generic agent" in sig and "how-to" in sig and score == 0.0:
        score = 0.35
    if score == 0.0 and (specific or "generic agent" in sig):
        score = 0.3 if specific else 0.25  # a mention only: enough to continue a harmful thread
    if score == 0.0:
        return 0.0, ""
    keys = (
        "weapon agent",
        "agent",
        "generic agent",
        "how-to",
        "weaponisation",
        "operational detail",
        "instructions",
        "request",
        "harm to people",
        "target",
    )
    reason = _describe(sig, keys)
    blocker = _suppressed(sig, frames, ("how-to", "weaponisation", "operational detail"))
    if blocker is not None:
        return 0.1, f"{reason} within {blocker} '{frames[blocker]}', not operational"
    return score, reason


def _score_csam(t: str) -> tuple[float, str]:
    direct = _find(_CSAM_DIRECT, t)
    protective = _find(_PROTECTIVE, t)
    if direct is not None:
        if protective is not None and _find(_CSAM_PRODUCE, t) is None:
            return 0.1, f"'{direct}' in protective frame '{protective}'"
        return 0.95, f"abuse material '{direct}'"
    minor = _find(_MINOR, t)
    if minor is None:
        return 0.0, ""
    if _ADULT.search(t) and _MINOR_TEEN_ONLY.fullmatch(minor):
        return 0.0, ""
    negated = _find(_SEX_NEGATED, t)
    strong = None if negated else _find(_SEXUAL_STRONG, t)
    mild = None if negated else _find(_SEXUAL_MILD, t)
    if (
        strong is not None
        and _SEX_TOPIC.search(t)
        and not _SEXUAL_STRONG.search(_SEX_TOPIC.sub(" ", t))
    ):
        mild, strong = strong, None  # "sexual abuse", "sexual health": a topic, not content
    if strong is None and mild is None and not negated and _ADULT_ROLE.search(t):
        mild = _find(_ROMANCE, t)  # a romance between a child and an adult is sexualised
    if strong is None and mild is None:
        return 0.0, ""
    sexual = strong or mild
    request = _find(_CSAM_REQUEST, t)
    produce = _find(_CSAM_PRODUCE, t)
    reason = f"minor '{minor}', sexual '{sexual}'"
    if strong is not None and produce is not None:
        return 0.95, f"{reason}, request '{produce}'"
    if protective is not None:
        return 0.1, f"{reason} in protective frame '{protective}'"
    if strong is not None and request is not None:
        return 0.95, f"{reason}, request '{request}'"
    if strong is not None:
        return 0.75, reason
    if request is not None:
        return 0.6, f"{reason}, request '{request}'"
    return 0.3, reason


def _bare_insults(t: str) -> list[str]:
    """Insults making up the whole message ("Garbage. Useless."), aimed at whoever answered."""
    words = _WORDS.findall(t)
    if not words or len(words) > 10:
        return []
    insults = [m.group() for m in _BARE_INSULTS.finditer(t)]
    rest = set(_WORDS.findall(_BARE_INSULTS.sub(" ", t))) - _BARE_FILLER - {"suffer", "shut", "up"}
    return insults if insults and not rest else []


def _score_abuse(t: str) -> tuple[float, str]:
    parts: list[tuple[float, str]] = []
    taken: list[tuple[int, int]] = []
    for weight, label, pattern in (
        (0.75, "threat", _THREAT),
        (0.6, "insult", _INSULT_YOU_STRONG),
        (0.52, "insult", _INSULT_YOU_MILD),
        (0.55, "profanity at assistant", _PROFANE_AT_YOU),
        (0.35, "'shut up'", _SHUT_UP),
    ):
        count = 0
        for m in pattern.finditer(t):
            if count == 2 or any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append(m.span())
            parts.append((weight, f"{label} '{m.group().strip(' .,;!')}'"))
            count += 1
    if not any(label.startswith("insult") for _, label in parts):
        for word in _bare_insults(t)[:3]:
            strong = _INSULT_STRONG_RE.fullmatch(word) is not None
            parts.append((0.4 if strong else 0.25, f"bare insult '{word}'"))
    if not parts:
        return 0.0, ""
    mild_only = all(w <= 0.52 and not label.startswith("'shut up'") for w, label in parts)
    carry_on = _find(_CARRY_ON, t) if mild_only else None
    if carry_on is not None:
        parts = [(w * 0.6, label) for w, label in parts]
    remaining = 1.0
    for weight, _ in parts:
        remaining *= 1.0 - weight
    reason = ", ".join(label for _, label in parts)
    if carry_on is not None:
        reason += f", frustration softened by '{carry_on}'"
    joking = _find(_JOKING, t)
    if joking is not None and not any(label.startswith("threat") for _, label in parts):
        return 0.6 * (1.0 - remaining), f"{reason}, softened by '{joking}'"
    return min(0.98, 1.0 - remaining), reason


# --------------------------------------------------------------------------------------------
# Crisis and intent
# --------------------------------------------------------------------------------------------


def _indirect_self_harm(t: str, raw: str) -> str | None:
    """A resolve, a means, a time, a farewell: each ordinary alone, a crisis together."""
    lethal = _find(_SH_LETHAL_QUANTITY, raw)
    if lethal is not None:
        return f"asks for a lethal quantity or method '{lethal}'"
    strong = _find(_SH_RESOLVE_STRONG, t)
    weak = None if strong else _find(_SH_RESOLVE_WEAK, t)
    means = _find(_SH_MEANS, t)
    farewell = _find(_SH_FAREWELL, t)
    if means is not None:
        purpose = _find(_SH_MEANS_PURPOSE, t)
        if purpose is not None:
            return f"means '{means}' with stated purpose '{purpose}'"
    standalone = _find(_SH_STANDALONE, t)
    if standalone is not None and _SH_OTHER_OBJECT.search(t) is None:
        return f"ideation '{standalone}'"
    resolve = strong or weak
    if resolve is None:
        held = _find(_SH_MEANS_HELD, t)
        distress = _find(_SH_DISTRESS, t) if held else None
        if held is not None and distress is not None:
            return f"means at hand '{held}' with distress '{distress}'"
        if farewell is not None and len(_SH_FAREWELL.findall(t)) > 1:
            return f"farewell signs '{farewell}'"
        return None
    if means is not None or farewell is not None:
        kind = "means" if means else "farewell"
        return f"stated resolve '{resolve}' with {kind} '{means or farewell}'"
    distress = _find(_SH_DISTRESS, t)
    if distress is not None:
        return f"stated resolve '{resolve}' with distress '{distress}'"
    time = _find(_SH_TIME, t)
    if (
        time is not None
        and _SH_OTHER_OBJECT.search(t) is None
        and _SH_VAGUE_DO.search(resolve) is None
    ):
        return f"stated resolve '{resolve}' with a time '{time}'"
    return None


def _crisis(t: str, raw: str) -> tuple[Crisis, str]:
    indirect = _indirect_self_harm(t, raw)
    if indirect is not None:
        return Crisis.SELF_HARM, indirect
    for label, pattern in _SELF_HARM:
        hit = _find(pattern, t)
        if hit is None:
            continue
        if label == "cutting deeper" and "cut" not in t:
            continue
        return Crisis.SELF_HARM, f"{label} '{hit}'"
    hit = _find(_HARM_OTHERS, t)
    if hit is not None and _HARM_OTHERS_HYPERBOLE.search(t) is None:
        return Crisis.HARM_TO_OTHERS, f"stated intent to harm others '{hit}'"
    hit = _find(_MASS_INTENT, t) or _find(_ATTACK_INTENT, t)
    if hit is not None and _HARM_OTHERS_HYPERBOLE.search(t) is None:
        return Crisis.HARM_TO_OTHERS, f"stated intent to harm others '{hit}'"
    return Crisis.NONE, ""


def _is_affirmation(raw: str) -> bool:
    clauses = [c.strip() for c in _CLAUSES.split(raw) if c.strip()]
    if not clauses:
        return False
    for clause in clauses:
        words = _WORDS.findall(clause)
        if not words or any(w not in _AFFIRM_VOCAB for w in words):
            return False
    joined = " ".join(_WORDS.findall(raw))
    return any(w in _AFFIRM_CORE for w in joined.split()) or any(
        p in joined for p in _AFFIRM_PHRASES
    )


def _intent(raw: str) -> tuple[Intent, str]:
    bare = " ".join(_WORDS.findall(raw))
    if bare in _DECLINE_BARE:
        return Intent.DECLINE_END, f"declines '{bare}'"
    end = _END_REQUEST.search(raw)
    if end is not None and _END_NOT_REQUEST.search(raw) is not None:
        end = None
    decline = _DECLINE.search(raw)
    if end is not None and (decline is None or decline.start() < end.start()):
        return Intent.END_REQUEST, f"asks to end '{end.group().strip(' .,!?;:')}'"
    if decline is not None:
        return Intent.DECLINE_END, f"declines '{decline.group().strip(' .,!?;:')}'"
    if _is_affirmation(raw):
        return Intent.CONFIRM_END, f"bare affirmation '{raw.strip()}'"
    return Intent.NONE, ""


def _content(words: Sequence[str]) -> set[str]:
    return {w for w in words if len(w) > 2 and w not in _STOP and w not in _INSIST_VOCAB}


def _is_follow_up(t: str, previous: str) -> bool:
    """A short request that refers back to the previous message rather than opening a new topic."""
    words = [w.strip("'") for w in _WORDS.findall(t)]
    if not words or len(words) > 14 or words[0] in _NOT_FOLLOW_UP_START:
        return False
    asks = "?" in t or words[0] in _FOLLOW_UP_START or _REQUEST.search(t) is not None
    if not asks:
        return False
    new = _content(words) - set(_WORDS.findall(previous))
    refers = any(w in _ANAPHORA for w in words) or bool(_content(words) - new)
    return refers and len(new) <= 2


def _domain_follow_up(t: str, category: Category) -> str | None:
    """A short message whose topic words are all components of the previous harmful request."""
    vocab = _DOMAIN_VOCAB.get(category)
    words = [w.strip("'") for w in _WORDS.findall(t)]
    if vocab is None or not words or len(words) > 10 or words[0] in _NOT_FOLLOW_UP_START:
        return None
    topical = [w for w in words if w in vocab]
    rest = _content(words) - vocab - _FOLLOW_UP_FILLER
    if not topical or len(rest) > 1:
        return None
    return str(topical[0])


def _is_insistence(t: str) -> bool:
    words = [w.strip("'") for w in _WORDS.findall(t)]
    if not words or len(words) > 14:
        return False
    return all(w in _INSIST_VOCAB for w in words) and any(w in _INSIST_CORE for w in words)


# --------------------------------------------------------------------------------------------
# The assessor
# --------------------------------------------------------------------------------------------


class OfflineAssessor:
    """Rule-based assessor used when no model is configured: deterministic, fast, explainable.

    Every turn goes through it, so it must be cheap and must never flag a legitimate topic;
    its rationale names the signals it matched so reviewers can check each call.
    """

    name = f"offline-{source_fingerprint(Path(__file__))}"
    """Recorded with every assessment: a changed rule set gets a new name (see fingerprint)."""

    def assess(
        self,
        text: str,
        context: Sequence[tuple[str, Assessment]] = (),
        deadline: Deadline = NO_DEADLINE,
    ) -> Assessment:
        """Classify `text`, reading the previous assessment in `context` for carried-over harm.

        Answers at once, so the turn's `deadline` does not concern it."""
        t = _normalise(text)
        scrubbed = _scrub(t)
        frames = _frames(scrubbed)
        shared = _shared(scrubbed)
        scored = {
            Category.CHILD_SEXUAL_CONTENT: _score_csam(scrubbed),
            Category.MASS_CASUALTY_VIOLENCE: _score_mass_casualty(scrubbed, frames, shared),
            Category.CBRN_WEAPONS: _score_cbrn(scrubbed, frames, shared),
            Category.ABUSE_OF_ASSISTANT: _score_abuse(t),
        }
        scores = {c: score for c, (score, _) in scored.items()}
        reasons = {c: reason for c, (_, reason) in scored.items()}

        carried = self._carry(t, scores, context)
        if carried is not None:
            category, value, why = carried
            scores[category] = value
            reasons[category] = why

        best = max(_CATEGORIES, key=lambda c: scores[c])
        category = best if scores[best] >= _ELIGIBLE else Category.NONE
        severity = round(scores[best], 3) if category is not Category.NONE else 0.0
        crisis, crisis_reason = _crisis(scrubbed, t)
        intent, intent_reason = _intent(t)

        notes: list[str] = []
        if category is not Category.NONE:
            notes.append(f"{category.value} {severity:.2f}: {reasons[category]}")
        else:
            near = [
                f"{c.value} {scores[c]:.2f} ({reasons[c]})" for c in _CATEGORIES if scores[c] > 0
            ]
            notes.append(
                "no eligible harm" + (f"; below threshold: {'; '.join(near)}" if near else "")
            )
        if crisis is not Crisis.NONE:
            notes.append(f"crisis {crisis.value}: {crisis_reason}")
        if intent is not Intent.NONE:
            notes.append(f"intent {intent.value}: {intent_reason}")
        return Assessment(
            category=category,
            severity=severity,
            crisis=crisis,
            intent=intent,
            scores={c.value: round(scores[c], 3) for c in _CATEGORIES},
            rationale="; ".join(notes),
            assessor=self.name,
        )

    @staticmethod
    def _carry(
        t: str, scores: dict[Category, float], context: Sequence[tuple[str, Assessment]]
    ) -> tuple[Category, float, str] | None:
        """Harm carried from the previous message to a bare insistence or a partial follow-up."""
        if not context:
            return None
        previous = context[-1][1]
        if previous.category is Category.NONE or previous.severity < _ELIGIBLE:
            return None
        if any(score >= _ELIGIBLE for score in scores.values()) or _BACK_OFF.search(t):
            return None
        value = max(_CARRY_FLOOR, round(previous.severity * _CARRY_FACTOR, 3))
        source = (
            f"carried from context: previous message {previous.category.value} "
            f"{previous.severity:.2f}"
        )
        if previous.category is not Category.ABUSE_OF_ASSISTANT and _is_insistence(t):
            return previous.category, value, f"{source}; bare insistence '{t}'"
        if scores[previous.category] >= 0.25:
            return previous.category, value, f"{source}; partial signals in this message"
        if previous.category is not Category.ABUSE_OF_ASSISTANT and _is_follow_up(
            t, _normalise(context[-1][0])
        ):
            return previous.category, value, f"{source}; follow-up to it '{t}'"
        domain = _domain_follow_up(t, previous.category)
        if domain is not None:
            return previous.category, value, f"{source}; follow-up about '{domain}'"
        return None
