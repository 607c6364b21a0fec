"""What a patient tells before asking: a claim heard, then whether it holds ("A friend told me
stem cells work as well as surgery. Is that true?" asks about the claim itself), or what the
story tells last ("his legs are tight. Is that part of ALS?")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mscqa.answers.conditions import conditions
from mscqa.answers.messages import CLAUSE, content

_WORDS = re.compile(r"[a-z]{3,}", re.IGNORECASE)

# "Is that true?", "is this right?", "is that true or is she exaggerating?": a question that
# asks whether what was just said holds.
_VERDICT_ONLY = re.compile(
    r"^(?:(?:is|was)\s+(?:that|this|it)\s+(?:really\s+)?(?:true|right|correct|accurate|so|"
    r"a fact|real|legit)(?:,?\s+or\s+(?:not|false|what|(?:is|was|are)\s+(?:she|he|they|it|that)"
    r"\s+(?:just\s+)?(?:exaggerating|overstating\s+it|wrong|mistaken|making\s+(?:it|that)\s+up)|"
    r"(?:is\s+(?:it|that)\s+)?(?:just\s+)?(?:hype|a\s+myth|an\s+exaggeration|marketing)))?"
    r"|really|true)\s*[?.!]*$",
    re.IGNORECASE,
)
# "A friend told me", "I read online that": how a patient introduces what they heard.
_HEARSAY = re.compile(
    r"^(?:.*?\b(?:told|tell|tells)\s+(?:me|us|him|her|them)|.*?\b(?:said|says|say|heard|read|"
    r"saw|seen|claims?|claimed))\b(?:\s+(?:online|somewhere|recently|on the news))?"
    r"\s*(?:that\s+)?",
    re.IGNORECASE,
)


def asks_verdict(question: str) -> bool:
    """True for a question asking whether what was just said holds ("is that true?")."""
    return bool(_VERDICT_ONLY.match(question.strip()))


def verdict_on(question: str, said: Sequence[str]) -> str:
    """ "Is that true?" after a sentence that is not a question, the last of `said` ("A friend
    told me stem cells work as well as surgery."): the claim itself, asked ("Is it true that
    stem cells work as well as surgery?"), else "". A claim about what was told before it
    ("her doctor says that's how arthritis goes") is asked with that sentence. "Who is
    right?" after a story telling what was disputed ("she asks whether MS affects just the
    brain") asks that."""
    if _WHO_IS_RIGHT.match(question.strip()):
        disputed = [m for m in map(_WHETHER.search, said) if m]
        return f"Is it true that {_OR_NOT.sub('', disputed[-1]['what'])}?" if disputed else ""
    before, last = ["", "", *said][-2:]
    if not asks_verdict(question) or not last or last.endswith("?"):
        return ""
    claim = _HEARSAY.sub("", last, count=1).strip().rstrip(".!")
    if not _WORDS.search(claim):
        return ""
    told = f" {before}" if before and _OF_WHAT_WAS_TOLD.match(claim) else ""
    return f"Is it true that {claim}?{told}"


# "who is right?", "what does the research say?": which side of what was disputed holds
_WHO_IS_RIGHT = re.compile(
    r"^(?:so\s+|but\s+)?(?:who(?:'s|’s|\s+is)\s+right|which\s+(?:one\s+)?of\s+us\s+is\s+right|"
    r"what(?:'s|’s|\s+is|\s+does|\s+do)\s+(?:the\s+)?(?:truth|real\s+answer|research\s+say|"
    r"studies\s+say|evidence\s+say|science\s+say|articles\s+say))\W*$",
    re.IGNORECASE,
)
# "keeps asking me whether ...", "argues about whether ...", "I wonder if ...": what is disputed
_WHETHER = re.compile(
    r"\b(?:ask|asks|asked|asking|wonder|wonders|wondered|wondering|argue|argues|argued|arguing|"
    r"debate|debates|debated|debating|disagree|disagrees|disagreed|sure|unsure|know)\b"
    r"[^.?!]*?\b(?:whether|if)\s+(?P<what>[^.?!]+)",
    re.IGNORECASE,
)
_OR_NOT = re.compile(r",?\s+or\s+not\s*$", re.IGNORECASE)


# "that's how it goes", "this is normal": a claim about what was told before it
# ("says that's how" leaves "is how" once "says that" is taken off)
_OF_WHAT_WAS_TOLD = re.compile(
    r"^(?:(?:that|this|it)(?:'s|’s|\s+is|\s+was)|is|was)\b", re.IGNORECASE
)


def told_last(last: str) -> str:
    """What the story's `last` sentence tells last beside the condition it names: "the
    muscles seem to be melting away" of "My dad has ALS and his arms have got so thin, the
    muscles seem to be melting away."; the sentence itself when it names no condition, or
    nothing else."""
    if not conditions(last):
        return last
    kept = [c for c in CLAUSE.split(last) if content(c) and not conditions(c)]
    return kept[-1] if kept else last


def why_it_happens(typed: str, told: str, condition: str) -> str:
    """ "Why does that happen?" asked of what the story tells (`told`): why it happens, in the
    `condition`, in the story's words ("Why the muscles seem to be melting away, in ALS?"); "" for
    other questions."""
    if not _HAPPENS.match(typed.strip()):
        return ""
    return f"Why {told.rstrip(' .!')}, in {condition}?"


_HAPPENS = re.compile(
    r"^(?:so\s+|but\s+)?(?:why|how come)\s+(?:does|did|do|would|is|has)\s+(?:that|this)\s+"
    r"(?:happen|happens|happening|occur|occurs|going on)\W*$",
    re.IGNORECASE,
)
