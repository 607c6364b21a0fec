"""Whether a clause denies what it says: "does not improve function" does; "than those who do
not", "not only ... but also" and "patients with no prior disease" do not; and what a denial's
"they" or "it" stands for. Pure functions over text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mscqa.answers.antonyms import content_stems, direction_kinds
from mscqa.text.frequency import common
from mscqa.text.terms import STOPWORDS, stem, words

NEGATIONS = frozenset(
    {"not", "no", "never", "none", "neither", "nor", "cannot", "without", "fail", "failed",
     "fails", "lack", "lacks", "lacking", "lacked", "unable", "incapable", "unlikely", "nothing"}
)  # fmt: skip
_FAILING = frozenset({"fail", "failed", "fails"})
# Closing a clause after "was", they deny all before them: "evidence that it helps was lacking".
_WANTING = frozenset({"lacking", "absent", "missing"})
_ABSENT = frozenset({"gone", "disappeared", "vanished"})
# "patients with no prior disease": a negation that describes a thing rather than denies.
_DESCRIBING = frozenset({"with"})


def negated(clause: str) -> bool:
    """True when a negation word governs what the clause says: "does not improve function" is
    negated; the elliptical "than those who do not", "not only ... but also" and a thing
    described by what it lacks ("patients with no prior disease") are not. "Free of" denies
    what follows it ("free of side effects"), and "gone" what comes before it ("the pain was
    gone"): "free of pain" and "pain was gone" say the same, and "is unknown" says "is not
    known". "Little effect" says next to none, and "was lacking" closing a clause denies all
    before it ("evidence that it helps was lacking")."""
    tokens = words(clause)
    for i, token in enumerate(tokens):
        if token in _ABSENT and any(t not in STOPWORDS for t in tokens[max(0, i - 4) : i]):
            return True
        if token in _BE and _un_said(tokens[i + 1 : i + 3]):
            return True
        if token in _WANTING and i > 0 and tokens[i - 1] in _BE and _ends_clause(tokens, i):
            return True
        if token == "free" and tokens[i + 1 : i + 2] == ["of"]:
            token = "no"
        if token == "little" and _little_of_an_effect(tokens, i):
            return True
        if token not in NEGATIONS or token == "without":
            continue
        if token == "no" and i > 0 and tokens[i - 1] in _DESCRIBING:
            continue
        if token == "not" and tokens[i + 1 : i + 2] == ["only"]:
            continue
        if token == "not" and _describing_not(tokens, i):
            continue
        if token in _FAILING and tokens[i + 1 : i + 2] != ["to"]:
            continue  # "failed to improve" denies; "transplants fail because ..." tells
        if any(t not in STOPWORDS for t in tokens[i + 1 : i + 5]):
            return True
    return False


def _ends_clause(tokens: Sequence[str], i: int) -> bool:
    """True when no word after `i` says anything ("... was lacking in it.")."""
    return all(t in STOPWORDS for t in tokens[i + 1 :])


def _little_of_an_effect(tokens: Sequence[str], i: int) -> bool:
    """True when "little" at `i` says next to none of an effect or a finding ("had little effect
    on", "little or no benefit"), not some of it ("a little benefit")."""
    if i > 0 and tokens[i - 1] == "a":
        return False
    after = [t for t in tokens[i + 1 : i + 4] if t not in {"or", "no", "if", "any"}]
    return bool(after) and after[0] in _AMOUNTS_OF_EFFECT


# What "little" says next to none of.
_AMOUNTS_OF_EFFECT = frozenset(
    {"effect", "effects", "benefit", "benefits", "impact", "evidence", "difference",
     "change", "influence", "improvement", "value", "effectiveness", "efficacy"}
)  # fmt: skip


def _un_said(after: Sequence[str]) -> bool:
    """True when what a "be" says is a word of English with "un" before it ("unknown", "still
    unclear"): the word denied. Direction words ("unchanged", "unrelated") are read as such."""
    said = [t for t in after if t not in _STILL][:1]
    word = said[0] if said else ""
    prefixed = word.startswith("un") and len(word) > 5 and common(word[2:])
    return prefixed and word not in direction_kinds()


_STILL = frozenset({"still", "largely", "currently", "yet", "so", "far", "as"})


def _describing_not(tokens: Sequence[str], i: int) -> bool:
    """True when "not" at `i` tells which things, between a noun and a participle ("pain not
    caused by cancer", "patients not treated"): no auxiliary before it, so no finding denied;
    or in a relative clause saying where they come from ("pain that is not caused by cancer")."""
    after = tokens[i + 1 : i + 3]
    if not after or not after[0].endswith("ed"):
        return False
    relative = tokens[max(i - 2, 0) : i]
    if len(relative) == 2 and relative[0] in _RELATIVE and relative[1] in _BE:
        return after[1:] == ["by"]
    return i > 0 and tokens[i - 1] not in STOPWORDS


_RELATIVE = frozenset({"that", "which", "who"})
_BE = frozenset({"is", "are", "was", "were"})


def denies_a_thing(clause: str, affirmed: frozenset[str]) -> bool:
    """True when `clause` denies by name a thing whose word (a stem) is in `affirmed`: "neither
    of these drugs is a cure", "is not a cure", "there is no cure" against "X cures Y"."""
    if not negated(clause):
        return False
    tokens = words(clause)
    return any(
        stem(t) in affirmed
        and (tokens[i - 1] == "no" or (tokens[i - 1] in ("a", "an") and tokens[i - 2] in _BE))
        for i, t in enumerate(tokens)
        if i >= 2
    )


_BE = frozenset({"is", "are", "was", "were", "be", "not"})


def referred_to(clause: str, before: str) -> set[str]:
    """The words of the clause `before` when `clause`, a denial, speaks of what it named as
    "they" or "it" ("... such as turmeric are popular; trials have not shown that they work")."""
    return content_stems(before) if before and _POINTING.search(clause) else set()


_POINTING = re.compile(r"\b(?:they|them|it|these|those)\b")


def subject_referred(clause: str, before: str) -> set[str]:
    """The words of the subject of the clause `before` when `clause` says "them" or "it" for
    it ("steroid injections ... are not as effective, so many doctors hesitate to perform
    them"): not what `before` says of it, which `clause` does not say again."""
    subject = _SUBJECT.match(before)
    if not subject or not _POINTING.search(clause):
        return set()
    return content_stems(subject.group(1))


_SUBJECT = re.compile(
    r"(.+?)\s(?:is|are|was|were|have|has|had|do|does|did|can|could|may|might|will|would)\b"
)
