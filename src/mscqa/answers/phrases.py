"""Phrases of a question that a later "it", "they" or "that study" may stand for: pieces of
research named ("the riluzole trial"), and phrases with a determiner ("the hip joint"), cut
before the verb that follows their subject. Pure functions over text."""

from __future__ import annotations

import re

from mscqa.answers.messages import QUESTION_START
from mscqa.text.terms import STOPWORDS

# Nouns that name a piece of research: the likeliest thing "it", "they" or "that study" means.
STUDY_WORDS = (
    r"study|studies|trial|trials|review|reviews|analysis|meta-analysis|research|paper|"
    r"experiment|experiments"
)
# "did anyone study ...", "they trial ...": the same words as verbs name no research.
_AS_VERB = "".join(
    rf"(?<!\b{w} )" for w in ("anyone", "someone", "anybody", "somebody", "they", "we", "you", "to")
)
STUDY_PHRASE = re.compile(
    rf"\b(?:(?:the|a|an|this|that|these|those)\s+)?(?:[\w'-]+\s+){{0,3}}?{_AS_VERB}"
    rf"(?:{STUDY_WORDS})\b",
    re.IGNORECASE,
)
# Verbs a question's subject comes before ("can the knee meniscus | grow back?", "why can't
# the hip joint | heal itself?"): a phrase pointed back at ends there.
_PLAIN_VERBS = (
    r"grow|regrow|heal|repair|recover|rebuild|work|help|get|go|come|become|cause|make|take|"
    r"need|stop|start|change|turn|spread|affect|improve|happen|last|fix|feel"
)
# "I read that MS comes in types", "he told me that it helps": after a verb of saying or
# knowing, "that" begins what was said, unless what follows is a thing read or heard ("I read
# that article").
_SAID = "".join(
    rf"(?<!\b{w} )"
    for w in ("read", "said", "say", "says", "heard", "hear", "told me", "tells me", "know",
              "knew", "think", "thought", "believe", "mentioned", "claims", "claimed",
              "learned", "learnt", "noticed", "hope", "worried", "realised", "realized")
)  # fmt: skip
_READ_OR_HEARD = rf"(?:{STUDY_WORDS}|article|articles|post|video|podcast|book|story|news)"
_DETERMINER_PHRASE = re.compile(
    rf"\b(?:the|a|an|this|that(?=\s+{_READ_OR_HEARD}\b)|{_SAID}that|these|those)\s+[\w'-]+"
    rf"(?:\s+(?!(?:{_PLAIN_VERBS})\b)[\w'-]+){{0,7}}?"
    r"(?=\s*(?:[?.!,;:\u2013\u2014]|$)|\s+-\s"
    r"|\s+(?:is|are|was|were|do|does|did|has|have|had|and|or|but|to|"
    r"when|if|because|while|once|unless|until|which|who|showed|shows|found|revealed|said|says|"
    rf"in|on|at|for|after|before|with|from|{_PLAIN_VERBS})\b)",
    re.IGNORECASE,
)


def determiner_phrases(question: str) -> list[str]:
    """The phrases with a determiner in `question`, in order, each up to its verb and trimmed:
    "the immune system" in "what does the immune system protect us from?"."""
    return [trim(_before_verb(m, question)) for m in _DETERMINER_PHRASE.finditer(question)]


def _before_verb(match: re.Match[str], question: str) -> str:
    """A phrase with a determiner up to the word that takes an object, a verb: "the immune
    system" of "the immune system protect us from"."""
    words = match.group().split()
    if (
        len(words) > 2
        and _INVERTED.match(question[: match.start()])
        and _ENDS.match(question[match.end() :])
    ):
        # "why is the immune system important?", "is the drug a cure?", "why are the drugs
        # so limited?": the subject ends before what is said of it.
        lower = [w.lower() for w in words]
        said = (i for i in range(2, len(words)) if lower[i] in _DETERMINERS | _DEGREE)
        return " ".join(words[: next(said, len(words) - 1)])
    if (
        len(words) > 2
        and _DOES.match(question[: match.start()])
        and _ENDS.match(question[match.end() :])
    ):
        # "why does the hip joint wear out?", "what does the immune system attack?": after
        # "does" or "can" the question ends with the verb its subject comes before.
        verb = 2 if words[-1].lower() in _PARTICLES and len(words) > 3 else 1
        return " ".join(words[:-verb])
    # The word after each word of the phrase, and after its last the question's next word.
    following = [w.lower() for w in [*words[1:], *question[match.end() :].split()[:1]]]
    for i in range(2, min(len(words), len(following))):
        if words[i].lower() not in STOPWORDS and following[i] in _OBJECTS:
            return " ".join(words[:i])
    return match.group()


# A question whose verb "to be" comes before its subject, and the end of a question.
_INVERTED = re.compile(
    r"^\s*(?:(?:why|how|when|where)\s+)?(?:is|are|was|were|isn't|aren't|wasn't|weren't)\s+$",
    re.IGNORECASE,
)
_ENDS = re.compile(r"^\W*$")
# A question whose "do" or "can" comes before its subject: "why does | the joint wear out?"
_DOES = re.compile(
    r"^\s*(?:(?:why|how|when|where|what|which)(?:\s+(?:long|much|often|soon|well))?\s+)?"
    r"(?:do|does|did|can|could|will|would|should|don't|doesn't|didn't|can't|won't)\s+$",
    re.IGNORECASE,
)
_PARTICLES = frozenset(["out", "down", "up", "off", "away", "back", "over"])
_DEGREE = frozenset(["so", "very", "too", "really", "quite", "more", "less", "still", "ever"])
# Pronouns a verb takes as its object ("protect us", "heal itself"). Not determiners: "is a
# gout flare a big deal?" has a noun before "a".
_OBJECTS = frozenset(
    ["us", "them", "him", "me", "you", "itself", "themselves", "himself", "herself", "ourselves",
     "myself", "yourself"]
)  # fmt: skip


def research_named(question: str, match: re.Match[str]) -> str:
    """The research a `STUDY_PHRASE` match names (`research_phrase`), with the year the
    question dates it by: "the gout trial in 2015"."""
    year = _DATED.match(question, match.end())
    return research_phrase(match.group()) + (year.group() if year else "")


_DATED = re.compile(r"\s+(?:in|from|of|published in)\s+(?:19|20)\d\d\b", re.IGNORECASE)


def research_phrase(phrase: str) -> str:
    """The words that name the research, from the last determiner ("who ran | the eczema
    trial") or after the last other small word ("we heard about | spine trials")."""
    words = phrase.split()
    for i in range(len(words) - 2, -1, -1):
        word = words[i].lower()
        if word in _DETERMINERS:
            return " ".join(words[i:])
        if word in STOPWORDS:
            return " ".join(words[i + 1 :])
    return phrase


_DETERMINERS = frozenset(["the", "a", "an", "this", "that", "these", "those"])


def trim(phrase: str) -> str:
    """A phrase without the question word, auxiliary or preposition it starts with ("about
    research trials") and without the verb it ends with ("the knee patients treated")."""
    words = phrase.split()
    while (
        len(words) > 1
        and words[0].lower() not in _DETERMINERS
        and (words[0].lower() in STOPWORDS or QUESTION_START.match(words[0]))
    ):
        words = words[1:]
    while len(words) > 2 and words[-1].lower().endswith("ed"):
        words = words[:-1]
    return " ".join(words)


def ones_named(question: str, previous: str) -> str:
    """`question` with its "ones" as the things the question before asked which of ("which
    ones do they switch on?" after "Which cells of the immune system do they hold back?" ->
    "which cells do they switch on?"); as it was when that asked for no such things."""
    ones = _ONES.search(question)
    asked = _WHICH_THINGS.match(" ".join(previous.split()))
    if not ones or not asked:
        return question
    return question[: ones.start()] + asked.group(1) + question[ones.end() :]


_ONES = re.compile(r"(?<=\bwhich )ones\b|(?<=\bwhat )ones\b", re.IGNORECASE)
# "Which cells ...", "What kinds of drugs ...": the plural noun a question asks which of.
_WHICH_THINGS = re.compile(
    r"^(?:and\s+)?(?:which|what)\s+((?:kinds?\s+of\s+|types?\s+of\s+)?[a-z][\w-]*[^s\W]s)\b"
    r"(?!\s+(?:is|was|has|does|did)\b)",
    re.IGNORECASE,
)


def what_else_is(typed: str, previous: str) -> str | None:
    """ "What else is?" after "Is MS an autoimmune disease?": "What else is an autoimmune
    disease, besides MS?"; None for other follow-ups, or after a question of another shape."""
    if not asks_what_else(typed):
        return None
    asked = _IS_A.match(" ".join(previous.split()))
    return f"What else is {asked.group(2)}, besides {asked.group(1)}?" if asked else None


def asks_what_else(typed: str) -> bool:
    """True for "what else is?", "which others are?": asked of the question before, in words
    no article need use."""
    return bool(_ELSE_IS.match(typed.strip()))


_ELSE_IS = re.compile(
    r"^(?:and\s+|so\s+)?(?:what|which|who)\s+(?:else|others?)\s+(?:is|are|has|does)\W*$",
    re.IGNORECASE,
)
# "Is MS an autoimmune disease?": what is said to be one (1) and what it is said to be (2).
_IS_A = re.compile(
    r"^(?:is|are|was|were)\s+(.+?)\s+((?:an?|one of the)\s+[^?]+?)\s*\?*$", re.IGNORECASE
)


def treatments_asked(question: str) -> str:
    """What a question asking what is done for something asked for: "treatments for an
    overactive immune system" of "What can doctors give for an overactive immune system?",
    which a later "those" or "do they work?" means; "" for other questions."""
    asked = _DONE_FOR.match(" ".join(question.split()))
    if not asked:
        return ""
    return f"{asked.group(2) or 'treatments'} for {asked.group(1) or asked.group(3)}"


_DONE_FOR = re.compile(
    r"^what\s+(?:else\s+)?(?:can|could|do|does|did|would|should|will)\s+(?:doctors?|they|you|gps?|"
    r"surgeons?|physicians?|specialists?|people|patients|i|we)\s+(?:give|prescribe|offer|"
    r"use|try|recommend|suggest|take|do)(?:\s+(?:me|him|her|them|us|you|patients|people))?"
    r"\s+(?:for|about|against)\s+(.+?)[\s?.!]*$"
    # "What treatments are there for a worn hip?", "what drugs exist for it?", "which drugs
    # are used for autoimmune diseases?"
    r"|^(?:what|which)\s+(?:other\s+)?(treatments?|options|drugs|medicines|medications|"
    r"therapies)\s+(?:are\s+there|exist|are\s+(?:available|used|given|prescribed|offered))"
    r"\s+(?:for|against)\s+(.+?)[\s?.!]*$",
    re.IGNORECASE,
)
