"""Topics a question names that the library never mentions (data/conditions.txt, treatments.txt,
services.txt, aspects.txt) and questions only the clinic can answer (data/clinic_phrases.txt):
"Can stem cells treat tinnitus?" shares every word but its topic with the articles. A feature of
"not covered"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from mscqa.config import DATA_DIR
from mscqa.text.frequency import TECHNICAL_ZIPF, zipf
from mscqa.text.terms import STOPWORDS, TERMS, lexical_tokens, normalize


def _phrases(name: str) -> list[str]:
    """The phrases of data file `name` (a phrase a line, # comments), normalised."""
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [normalize(line.strip()) for line in lines if line.strip() and not line.startswith("#")]


def _phrase_pattern(*names: str) -> re.Pattern[str]:
    """One pattern for the phrases of the data files `names`, longest first, matched as whole
    words in normalised text."""
    phrases = {phrase for name in names for phrase in _phrases(name)}
    if not phrases:
        return re.compile(r"(?!)()")  # matches nothing, where an empty group would match anywhere
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=lambda p: (-len(p), p)))
    return re.compile(rf"(?<![a-z0-9])({alternatives})(?![a-z0-9])")


# The lists of topics a question may name (data/).
_TOPIC_LISTS = ("conditions.txt", "treatments.txt", "services.txt", "aspects.txt")
# Names of conditions, drugs and tests from MedQuAD (training/topics.py): thousands, some of
# them words the articles use too ("stem cells", "lupus"), so they only ever tell that a
# question names something the library does not; they name no condition of a conversation.
REFERENCE_LISTS = ("medquad_topics.txt",)


@lru_cache(maxsize=1)
def _topic_pattern() -> re.Pattern[str]:
    return _phrase_pattern(*_TOPIC_LISTS)


@lru_cache(maxsize=1)
def _reference_pattern() -> re.Pattern[str]:
    return _phrase_pattern(*REFERENCE_LISTS)


@lru_cache(maxsize=1)
def _clinic_pattern() -> re.Pattern[str]:
    return _phrase_pattern("clinic_phrases.txt")


def clinic_matters(question: str) -> list[str]:
    """Phrases in `question` that only the clinic can answer: its own practice ("do you
    offer", "your doctors") or a patient's own treatment plan ("will I need"). The articles
    never speak for the clinic or to one patient, whatever words they use. So is what having
    the procedure is like ("is the injection painful?", "the recovery after the infusion"),
    which research summaries do not describe: a sentence on painful arthritis or on the
    recovery from hip surgery says nothing of it."""
    text = normalize(question)
    found = [m.group(1) for m in _clinic_pattern().finditer(text)]
    return found + [label for label, pattern in _UNDERGOING if pattern.search(text)]


# A cell procedure (the words before it may say which one) and what having it is like.
_CELL_PROCEDURE = (
    r"(?:the\s+|a\s+|an\s+|this\s+|that\s+|these\s+|those\s+)?(?:[a-z-]+\s+){0,3}?"
    r"(?:procedures?|injections?|infusions?|shots?|jabs?|treatments?|therap(?:y|ies))"
)
# Each named by a fixed label, never by the words typed (the gap report counts the labels).
_UNDERGOING = (
    (
        "pain of the procedure",
        re.compile(
            rf"\b(?:is|are|was|were|will|would)\s+(?:it\s+|having\s+)?{_CELL_PROCEDURE}\s+"
            r"(?:be\s+)?(?:(?:very|really|too|so|at all)\s+)?(?:painful|sore|uncomfortable)\b"
            rf"|\bhow\s+(?:painful|sore|uncomfortable)\s+(?:is|are|was|were|will)\s+"
            rf"{_CELL_PROCEDURE}\b"
            rf"|\b(?:does|do|did|will|would|can)\s+{_CELL_PROCEDURE}\s+(?:\w+\s+)?(?:hurt|sting)\b"
        ),
    ),
    (
        "recovery after the procedure",
        re.compile(
            rf"\brecovery(?:\s+(?:time|period))?\s+(?:after|from|for)\s+{_CELL_PROCEDURE}\b"
        ),
    ),
    ("age limit", re.compile(r"\bage\s+limits?\b|\btoo\s+(?:old|young)\s+(?:for|to)\b")),
)


# After "disease", a word that makes the words before it describe people, not name a
# condition: "patients disease free", "disease activity".
NOT_A_NAME = r"(?![\s-]+(?:free|activity|progression|modifying|course|duration|severity|control)\b)"
# A condition named the way medicine names them, whether or not the lists hold it: one or two
# words before "syndrome", "disease", "cancer" ... ("Liddle syndrome", "colorectal cancer"), or
# one word with a suffix that names a condition ("polychondritis", "retinopathy", "carcinoma").
CONDITION_NOUNS = (
    r"(?:syndrome|disease|disorder|cancer|deficiency|dystrophy|atrophy|palsy|anemia|anaemia|"
    r"tumou?r|carcinoma|sarcoma|lymphoma|leuka?emia)"
)
# Words before "pain" or "disease" that say what is done to it, not which one it is.
ACTION_WORDS = frozenset(
    ["help", "helps", "treat", "treats", "cure", "cures", "ease", "eases", "relieve",
     "relieves", "reduce", "reduces", "cause", "causes", "prevent", "prevents", "stop", "stops",
     "manage", "improve", "improves", "worsen", "worsens", "fight", "fights", "beat", "control",
     "slow", "slows", "halt", "halts", "reverse", "reverses", "affect", "affects",
     # "stem cells reduced pain": a finding's verb is no part of the condition's name
     "helped", "treated", "cured", "eased", "relieved", "reduced", "caused", "prevented",
     "stopped", "improved", "worsened", "slowed", "halted", "reversed"]
)  # fmt: skip
_NAMED_CONDITION = re.compile(
    rf"(?<![a-z0-9])((?:[a-z0-9'-]+ ){{1,2}}{CONDITION_NOUNS})(?![a-z0-9-])"
    + NOT_A_NAME
    + r"|(?<![a-z0-9])([a-z]{4,}(?:itis|oma|a?emia|pathy|plasia|trophy))(?![a-z0-9])"
)


def named_topics(question: str) -> list[str]:
    """Condition, treatment and service names in `question`, longest match first, in order:
    those of the lists, then conditions named by their form (`_NAMED_CONDITION`)."""
    text = normalize(question)
    listed = [
        m.group(1)
        for m in _topic_pattern().finditer(text)
        if not (m.group(1) in _TOLD and _POSSESSIVE.search(text[: m.start()]))
    ]
    named = _named_conditions(text)
    # "help parkinson's disease" is the listed "parkinson's disease", said once.
    return listed + [n for n in named if not any(n.endswith(t) for t in listed)]


# Words of aspects.txt that a possessive turns into the writer's own story: "Can children get
# MS?" asks about children, "... play with my kids again?" and "since my diagnosis" tell.
_TOLD = frozenset(
    ["adolescents", "babies", "blood test", "blood tests", "child", "children", "diagnosis",
     "elderly", "infants", "kids", "newborn", "newborns", "teenager", "teenagers", "toddler",
     "toddlers"]
)  # fmt: skip
_POSSESSIVE = re.compile(r"\b(?:my|our|his|her|their|your)\s+(?:[a-z'-]+\s+)?$")


def _named_conditions(text: str) -> list[str]:
    found = []
    for match in _NAMED_CONDITION.finditer(text):
        words = (match.group(1) or match.group(2)).split()
        # "for liddle syndrome" names "liddle syndrome"; "cure the disease" names none.
        # "help autoimmune disease" names "autoimmune disease".
        small = [i for i, w in enumerate(words[:-1]) if w in STOPWORDS or w in ACTION_WORDS]
        words = words[small[-1] + 1 :] if small else words
        if len(words) > 1 or match.group(2):
            found.append(" ".join(words))
    return found


def known_topic(
    topic: str, vocabulary: frozenset[str], sentences: Sequence[frozenset[str]] = ()
) -> bool:
    """True when the library uses every word of `topic`, or of its term-table expansion; given
    the library's `sentences` (stemmed words), a name of several words must also be named by
    one of them, as a procedure must (`unnamed_procedures`): "low vision" is no topic of a
    library that says "low back pain" in one place and "double vision" in another."""
    for text in (topic, TERMS.get(normalize(topic), "")):
        tokens = set(lexical_tokens(text, expand=False))
        if not tokens or not tokens <= vocabulary:
            continue
        if not sentences or len(tokens) < 2 or any(tokens <= s for s in sentences):
            return True
    return False


def unknown_topics(
    question: str,
    vocabulary: frozenset[str],
    terms: bool = True,
    sentences: Sequence[frozenset[str]] = (),
) -> list[str]:
    """The topics `question` names that the library (its stemmed `vocabulary`) never uses,
    with its technical terms (`unknown_terms`) unless `terms` is false, the procedures no
    sentence of the library (`sentences`, stemmed words) names (`unnamed_procedures`), and the
    phrases of what only the clinic can answer (`clinic_matters`)."""
    unknown = [t for t in named_topics(question) if not known_topic(t, vocabulary, sentences)]
    unknown += [p for p in unnamed_procedures(question, sentences) if p not in " ".join(unknown)]
    named = " ".join(unknown)
    for match in _reference_pattern().finditer(normalize(question)):
        name = match.group(1)
        if name not in named and not known_topic(name, vocabulary, sentences):
            unknown.append(name)
    if terms:
        named = " ".join(unknown)
        unknown += [t for t in unknown_terms(question, vocabulary) if t not in named]
        named = " ".join(unknown)
        unknown += [t for t in unnamed_asked(question, vocabulary) if t not in named]
    return unknown + clinic_matters(question)


def unnamed_asked(question: str, vocabulary: frozenset[str]) -> list[str]:
    """What `question` asks to be named, when the library (its stemmed `vocabulary`) never
    uses the word nor a form of it (`_known_word`): "which vaccines do I need?", "what kind of
    shoes should I wear?", "what should I drink?". However common the word, no quote names a
    thing of that kind or an action the articles never speak of."""
    found = []
    text = normalize(question)
    for pattern in (_ASKED_THING, _ASKED_ACTION):
        for match in pattern.finditer(text):
            word = match.group(1)
            if word in _NOT_ASKED or _adverb(word) or word in found:
                continue
            if not _known_word(word, vocabulary):
                found.append(word)
    return found


# "what/which [kind of] THING" followed by a verb, a pronoun or a preposition, as a noun is:
# "which drinks are ...", "what shoes should ...", "what sport for ...". Not "of": "what
# dose of ...", "what stage of ..." ask about what follows.
_ASKED_THING = re.compile(
    r"\b(?:what|which)\s+(?:(?:kinds?|types?|sorts?)\s+of\s+)?([a-z][a-z-]+)\s+"
    r"(?:should|shall|would|could|can|will|may|might|must|do|does|did|is|are|was|were|has|"
    r"have|had|helps?|works?|i|you|we|they|to|for|in|on|with|after|before)\b"
)
# "what should I DO", "what can my son DO": the action asked about.
_ASKED_ACTION = re.compile(
    r"\b(?:what|which)\s+(?:should|shall|can|could|do|does|did|must|would|will)\s+"
    r"(?:i|we|you|he|she|they|people|patients|my\s+[a-z]+)\s+([a-z][a-z-]+)\b"
)
# Words in the place of what is asked that name nothing asked for: parts and shares of what
# the articles do name ("what part of the nerve", "which ones are", "what fraction of
# patients"), whose following words say what is asked about, adverbs that are not made with
# -ly ("what else should I know?", "what nowadays is offered?"), and "point", which asks when
# ("at what point is pain chronic?") or why ("what point is there in ...?").
_PORTIONS_AND_ADVERBS = frozenset(
    ["part", "parts", "portion", "fraction", "percentage", "percent", "proportion", "share",
     "number", "amount", "kind", "type", "sort", "way", "ways", "else", "nowadays",
     "today", "instead", "otherwise", "anymore", "still", "often", "ever", "even", "again",
     "point"]
)  # fmt: skip


def unnamed_procedures(question: str, sentences: Sequence[frozenset[str]]) -> list[str]:
    """Procedures `question` names by what they are done to ("knee replacement") that no
    library sentence names with that word: a sentence on hip replacement says nothing of the
    knee's, though the library uses both words ("organ transplants" is named in "organ and
    bone marrow transplants fail")."""
    found = []
    for match in _PROCEDURE.finditer(normalize(question)):
        if match.group(1) in STOPWORDS:
            continue  # "after a replacement" says not what of
        stems = lexical_tokens(match.group(), expand=False)
        if sentences and len(stems) == 2 and not any(set(stems) <= s for s in sentences):
            found.append(match.group())
    return found


# A procedure and the word before it that says what it is done to.
_PROCEDURE = re.compile(
    r"\b([a-z][a-z-]+)\s+(?:replacements?|transplants?|transplantation|fusions?"
    r"|reconstructions?|resurfacing)\b"
)


# wordfreq's Zipf band of technical terms ("metformin" 2.6, "tinnitus" 2.8): rarer words are
# mostly misspellings ("steriods" 1.3, "comon" 2.1) and names, which say nothing of the topic.
_TERM_ZIPF = (2.2, TECHNICAL_ZIPF)


def unknown_terms(question: str, vocabulary: frozenset[str]) -> list[str]:
    """The question's technical terms (`_TERM_ZIPF`) that the library never uses, neither they
    nor what the term table makes of them: a drug, a disease or a body part the articles do
    not mention ("What are the side effects of metformin?"). Statements have their own rule
    (`answers.names.unmentioned_terms`)."""
    found = []
    text = re.sub(r"'s?\b", "", normalize(question))
    doing = set(_DOING.findall(text))  # "or is she exaggerating?"
    for word in re.findall(r"[a-z][a-z-]+", text):
        if len(word) < 4 or word in STOPWORDS | _RESEARCH_WORDS | doing or word.endswith(_NOT_NOUN):
            continue
        if not _TERM_ZIPF[0] <= max(zipf(word), zipf(_singular(word))) < _TERM_ZIPF[1]:
            continue  # "downsides" (2.8) is the plural of a plain word, "downside" (3.5)
        if not _known_word(word, vocabulary) and word not in found:
            found.append(word)
    # An abbreviation in capitals ("a torn ACL", "IVF") the library and the term table never
    # use names something the articles do not cover, however short (unless all is capitals).
    if any(c.islower() for c in question):
        for word in _ABBREVIATION.findall(question):
            shouted = zipf(word.lower()) >= _SHOUTED_ZIPF  # "is there ANY treatment": emphasis
            if not (shouted or _known_word(word.lower(), vocabulary)) and word.lower() not in found:
                found.append(word.lower())
    return found


_ABBREVIATION = re.compile(r"\b[A-Z]{3,5}(?=s?\b)")
# A word in capitals this common in English is said loudly, not abbreviated ("ANY", "HELP",
# "REALLY"; "AIDS" 4.3, "USA" 4.8, "IVF" 3.1 stay abbreviations).
_SHOUTED_ZIPF = 5.0


def _singular(word: str) -> str:
    """`word` without a plural ending ("downsides" -> "downside", "therapies" -> "therapy");
    a word ending in "ss", "us" or "is" ("lupus", "arthritis") as it is."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Verb and adverb endings ("pooled", "surgically"): how something was done, not a topic.
_NOT_NOUN = ("ed", "ly")
# What a person is doing ("or is she exaggerating?", "we are struggling") is no named topic.
_DOING = re.compile(
    r"\b(?:i|you|he|she|we|they)\s+(?:(?:am|is|are|was|were)\s+)?(?:just\s+|really\s+)?"
    r"([a-z]+ing)\b"
)
# "untreated", "regrow", "treatable": a word made from one the library uses is no other topic.
_AFFIXES = re.compile(r"^(?:un|re|non|dis|pre|over|under)-?|(?:able|ible)$")


def _known_word(word: str, vocabulary: frozenset[str]) -> bool:
    for form in (word, _AFFIXES.sub("", word), _AFFIXES.sub("", _AFFIXES.sub("", word, 1))):
        if len(form) >= _MIN_UNUSED_LETTERS and any(t in vocabulary for t in lexical_tokens(form)):
            return True
    # "physio" for the library's "physical", "immunology" for "immune": a clipped or derived
    # form of a library word is no other topic.
    return any(t.startswith(word[:_SAME_ROOT]) for t in vocabulary)


# Letters a word shares with the start of a library word to count as the same root.
_SAME_ROOT = 5


@lru_cache(maxsize=4)
def _list_pattern(name: str) -> re.Pattern[str]:
    return _phrase_pattern(name)


def is_clinic_service(topic: str) -> bool:
    """True for a clinic matter such as price, insurance or bookings (data/services.txt), as
    opposed to a condition or a treatment."""
    return _list_pattern("services.txt").fullmatch(normalize(topic)) is not None


def is_listed_treatment(topic: str) -> bool:
    """True for a treatment, procedure or cell source of data/treatments.txt ("massage")."""
    return _list_pattern("treatments.txt").fullmatch(normalize(topic)) is not None


@lru_cache(maxsize=1)
def scope_words() -> frozenset[str]:
    """Every word of the condition, treatment, service and clinic phrase lists: a typo
    corrector must leave them alone, or "not covered" would not see them."""
    names = (*_TOPIC_LISTS, *REFERENCE_LISTS, "clinic_phrases.txt")
    return frozenset(w for name in names for p in _phrases(name) for w in re.findall(r"[a-z]+", p))


# Words about how research is done and reported: "how long were patients followed?", "who
# wrote it?" ask about the research the conversation is about, not another topic; so do
# words comparing its results.
_RESEARCH_WORDS = frozenset(
    ["followed", "wrote", "written", "authored", "published", "funded", "sponsored", "enrolled",
     "enrol", "enroll", "enrolment", "enrollment",
     "recruited", "randomised", "randomized", "blinded", "conducted", "led", "ran", "measured",
     "measure", "measuring", "assessed", "evaluated",
     # and how results compare: "did the patients get fewer infections?"
     "fewer", "less", "more", "lower", "higher", "greater", "smaller", "bigger", "faster",
     "slower", "longer", "shorter", "better", "worse", "improved", "reduced", "increased",
     "decreased"]
)  # fmt: skip


def _own_words(question: str) -> list[str]:
    """The words of `question`, lower case: a possessive as its noun ("dad's" -> "dad"), a
    contraction left out ("won't", "I'm": an auxiliary or a pronoun)."""
    found = []
    for word in re.findall(r"[a-z]+(?:'[a-z]+)?", normalize(question)):
        base, _, ending = word.partition("'")
        if ending in ("", "s"):
            found.append(base)
    return found


def topic_words(question: str) -> str:
    """`question` without its words about how research is done or how results compare
    ("did the stem cells lower the chance of infections?" -> "... the chance of
    infections?"): what is left says what it is about."""
    return re.sub(
        r"[A-Za-z]+", lambda m: "" if m.group().lower() in _RESEARCH_WORDS else m.group(), question
    )


# Verbs that frame a question whatever its topic: "what happens later on?", "what does that
# mean?", "what can I expect?".
_FRAME_WORDS = frozenset(
    ["happen", "happens", "happened", "happening", "mean", "means", "meant", "expect",
     "expected"]
)  # fmt: skip
# Pronouns and determiners that stand for no one in particular ("did anyone test them?", "was
# either of them tried?"): they name no topic, though some are rarer than everyday English.
_INDEFINITE = frozenset(
    ["anyone", "anybody", "anything", "anywhere", "someone", "somebody", "something",
     "somewhere", "everyone", "everybody", "everything", "everywhere", "nobody", "nothing",
     "nowhere", "whatever", "whoever", "whichever", "one", "ones", "either", "neither", "both",
     "each"]
)  # fmt: skip
# Words that are never what `unnamed_asked` finds a question asks to be named.
# "what might they do ...?": a modal verb asks nothing named.
_MODALS = frozenset(["might", "may", "must", "should", "shall", "would", "could", "can", "will"])
_NOT_ASKED = STOPWORDS | _INDEFINITE | _FRAME_WORDS | _PORTIONS_AND_ADVERBS | _MODALS


def _adverb(word: str) -> bool:
    """True for an adverb made from an English word ("exactly", "easily", "surgically"): how
    something is asked, not what about. "belly" and "family" are made from no such word."""
    if not word.endswith("ly") or len(word) < 5:
        return False
    bases = (
        word[:-2],  # exact-ly, surgical-ly
        word[:-3] + "y" if word.endswith("ily") else "",  # eas-ily
        word[:-4] if word.endswith("ally") else "",  # basic-ally
    )
    return any(zipf(base) >= _ADVERB_BASE_ZIPF for base in bases if len(base) >= 4)


# How common the word an adverb is made from must be ("exact" 4.3, "surgical" 3.9).
_ADVERB_BASE_ZIPF = 3.0
# Shortest word `unused_words` looks at ("gas"): shorter ones are abbreviations ("ms", "oa").
_MIN_UNUSED_LETTERS = 3


def unused_words(question: str, vocabulary: frozenset[str]) -> list[str]:
    """The question's words beyond everyday English that the library (its stemmed
    `vocabulary`) never uses, neither they nor what the term table makes of them: "park" in
    "where can I park?", "facelifts". A follow-up made of such words asks about something
    else than the conversation, however its topic would read with them."""
    from mscqa.text.frequency import everyday

    found = []
    for word in _own_words(question):
        if (
            len(word) < _MIN_UNUSED_LETTERS
            or word in STOPWORDS | _RESEARCH_WORDS | _INDEFINITE | _FRAME_WORDS
            or everyday(word)
            or _adverb(word)
        ):
            continue
        if not any(t in vocabulary for t in lexical_tokens(word)):
            found.append(word)
    return found
