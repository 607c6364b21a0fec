"""Words that are opposites: the antonym table (data/antonyms.tsv), a word against the same
word with a negating prefix ("affordable" / "unaffordable"), the direction words
(data/directions.tsv) that say which way something goes, and whether a text has an antonym of
another's word (`turned_round`), or a compound turned round ("UCP1-dependent" /
"UCP1-independent": `turned_compound`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from mscqa.config import DATA_DIR
from mscqa.text.terms import lexical_tokens, normalize, stem


@lru_cache(maxsize=1)
def antonyms() -> dict[str, frozenset[str]]:
    """Each stem of the antonym table with the stems it is the opposite of, both ways."""
    pairs: dict[str, set[str]] = {}
    for line in (DATA_DIR / "antonyms.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, b = (stem(w.strip()) for w in line.split("\t"))
        pairs.setdefault(a, set()).add(b)
        pairs.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in pairs.items()}


# A word and the same word with a negating prefix are opposites ("affordable"/"unaffordable",
# "unlikely"/"likely", "nontoxic"/"toxic"), whether or not the antonym table lists them; the
# rest must be long enough to be a word of its own ("intake" is not "not take").
_NEGATING_PREFIXES = ("non", "un", "in", "im", "ir", "il", "dis")
_MIN_NEGATED_REST = 5


def negated_form(a: str, b: str) -> bool:
    """True when one of two stems is the other with a negating prefix."""
    for longer, shorter in ((a, b), (b, a)):
        for prefix in _NEGATING_PREFIXES:
            rest = longer[len(prefix) :].lstrip("-")
            if longer.startswith(prefix) and rest == shorter and len(shorter) >= _MIN_NEGATED_REST:
                return True
    return False


def opposite_words(a: str, b: str) -> bool:
    """True when two stems are opposites: an antonym pair, or one the other's negated form."""
    return b in antonyms().get(a, ()) or negated_form(a, b)


# What a direction word says of a thing: it goes up, down, is linked to another, or is not.
_KINDS = frozenset({"up", "down", "link", "null"})


@lru_cache(maxsize=1)
def direction_kinds() -> dict[str, str]:
    """Each direction word of data/directions.tsv with its kind (up, down, link, null)."""
    kinds: dict[str, str] = {}
    for number, line in enumerate(
        (DATA_DIR / "directions.tsv").read_text(encoding="utf-8").splitlines(), 1
    ):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, kind = line.partition("\t")
        if kind.strip() not in _KINDS:
            raise ValueError(f"directions.tsv:{number}: kind must be one of {sorted(_KINDS)}")
        kinds[normalize(word.strip())] = kind.strip()
    return kinds


def direction_word(word: str) -> bool:
    """True for a word of data/directions.tsv ("lowered", "raises"): the direction rules read
    it, whichever word the evidence uses for the same direction."""
    return normalize(word) in direction_kinds()


def content_stems(clause: str) -> set[str]:
    """The stemmed words of `clause`, a superlative of a word with an opposite as that word."""
    return {_plain_degree(t) for t in lexical_tokens(clause, expand=False)}


def _plain_degree(token: str) -> str:
    """A superlative of a word with an opposite as that word: "earliest" is "early" against
    "later", "largest" "large", "highest" "high"; any other token as it is."""
    if not token.endswith("est"):
        return token
    table = antonyms()
    bases = (token[:-4] + "y", token[:-2], token[:-3], token[:-4])
    return next((stem(b) for b in bases if len(b) > 2 and stem(b) in table), token)


def turned_round(text: str, other: str) -> bool:
    """True when a word of `text` is an antonym of a word of `other` ("early" / "later")."""
    opposites, theirs = antonyms(), content_stems(other)
    return any(opposites.get(word, frozenset()) & theirs for word in content_stems(text))


def turned_compound(statement: str, evidence: str) -> str | None:
    """The reason when a compound of the statement ("UCP1-dependent") is in the evidence with
    its second word turned round ("UCP1-independent", "CD34-negative" for "CD34-positive") and
    never as the statement writes it; None otherwise, or when either denies it ("is not
    UCP1-dependent" agrees with "UCP1-independent")."""
    theirs = [m for m in _COMPOUND.finditer(evidence) if not _denied(evidence, m.start())]
    said = {m.group().lower() for m in _COMPOUND.finditer(evidence)}
    for mine in _COMPOUND.finditer(statement):
        if mine.group().lower() in said or _denied(statement, mine.start()):
            continue
        first, second = mine.group(1).lower(), stem(mine.group(2).lower())
        for other in theirs:
            if other.group(1).lower() == first and opposite_words(
                second, stem(other.group(2).lower())
            ):
                return f"'{mine.group()}' in the statement, '{other.group()}' in the evidence"
    return None


def _denied(text: str, start: int) -> bool:
    """True when a denial comes in the few words before `start` of `text`."""
    return bool(_DENIAL.search(" ".join(text[:start].split()[-3:])))


_COMPOUND = re.compile(r"\b([\w+]+)-([a-z]{4,})\b", re.IGNORECASE)
_DENIAL = re.compile(r"\b(?:not|no|never|neither|nor|without)\b|n't\b", re.IGNORECASE)


def modifies(tokens: Sequence[str], i: int) -> bool:
    """True when word `i` of `tokens` is a participle saying what the noun before it is, not a
    finding: "cells damaged by ALS" (but "cells were damaged by ALS" finds it)."""
    return (
        tokens[i].endswith("ed")
        and i + 1 < len(tokens)
        and tokens[i + 1] == "by"
        and i > 0
        and tokens[i - 1] not in _BEING
    )


_BEING = frozenset({"is", "are", "was", "were", "be", "been", "being", "get", "gets", "got"})
