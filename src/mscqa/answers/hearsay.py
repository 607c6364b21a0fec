"""A patient retelling what they heard, then asking whether it holds: "A friend told me stem
cells work as well as surgery. Is that true?" is a question about the claim itself."""

from __future__ import annotations

import re

_WORDS = re.compile(r"[a-z]{3,}", re.IGNORECASE)

# "Is that true?", "is this right?": a question that asks whether what was just said holds.
_VERDICT_ONLY = re.compile(
    r"^(?:(?:is|was)\s+(?:that|this|it)\s+(?:really\s+)?(?:true|right|correct|accurate|so|"
    r"a fact)|(?:is|was)\s+(?:that|this|it)\s+true or (?:not|false)|really|true)\s*[?.!]*$",
    re.IGNORECASE,
)
# "A friend told me", "I read online that": how a patient introduces what they heard.
_HEARSAY = re.compile(
    r"^(?:.*?\b(?:told|tell|tells)\s+(?:me|us|him|her|them)|.*?\b(?:said|says|say|heard|read|"
    r"saw|seen|claims?|claimed))\b(?:\s+(?:online|somewhere|recently|on the news))?"
    r"\s*(?:that\s+)?",
    re.IGNORECASE,
)


def verdict_on(question: str, said: str) -> str:
    """ "Is that true?" after a sentence `said` that is not a question ("A friend told me
    stem cells work as well as surgery."): the claim itself, asked ("Is it true that stem
    cells work as well as surgery?"), else ""."""
    if not _VERDICT_ONLY.match(question.strip()) or not said or said.endswith("?"):
        return ""
    claim = _HEARSAY.sub("", said, count=1).strip().rstrip(".!")
    return f"Is it true that {claim}?" if _WORDS.search(claim) else ""
