"""Statements stronger than their evidence ("cures", "always", "proven", "approved", "mainly"):
`supported` only when the evidence says a word of the same group (data/strength_words.tsv)
plainly, not denied and not merely hoped for; and a finding the evidence only allows ("may
slow") is not stated plainly ("slows"), nor a comparison the evidence does not make ("works
better than steroids")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from mscqa.answers.names import SENTENCE_END
from mscqa.answers.opposites import clauses, is_number
from mscqa.config import DATA_DIR
from mscqa.text.frequency import zipf
from mscqa.text.terms import STOPWORDS, lexical_tokens, normalize, stem

STRENGTH_FILE = DATA_DIR / "strength_words.tsv"
# A negation at most three words before the phrase: "no cure", "not completely", "neither of
# these drugs is a cure".
_DENIED = re.compile(r"\b(?:not|no|never|nor|without|cannot|neither|none)\b(?:\W+\w+){0,3}\W*$")
# What is still to be shown states no finding: "trials are needed to confirm", "may cure".
_HOPED = re.compile(
    r"\b(?:needs?|needed|yet|whether|may|might|could|will|would|should|hopes?|hoped|aims?|"
    r"aimed|if)\b"
)


@dataclass(frozen=True)
class Use:
    """How a text uses one group: said plainly, or only denied."""

    said: bool
    denied: bool


@lru_cache(maxsize=1)
def strength_groups() -> dict[str, re.Pattern[str]]:
    """Group name -> one pattern matching any of its phrases as whole words."""
    phrases: dict[str, list[str]] = {}
    for number, line in enumerate(STRENGTH_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        group, sep, phrase = line.partition("\t")
        if not sep or not phrase.strip():
            raise ValueError(f"{STRENGTH_FILE.name}:{number}: expected group<TAB>phrase")
        phrases.setdefault(group.strip(), []).append(normalize(phrase.strip()))
    return {
        group: re.compile(
            r"\b(?:" + "|".join(re.escape(p) for p in sorted(found, key=len, reverse=True)) + r")\b"
        )
        for group, found in phrases.items()
    }


# Set phrases that hold a strength word without its strength: "all the time", "at all", "if
# any", a bound on a number ("equal to or above 80"), and "only" saying how little, not what
# alone ("only a small number of patients", "only partially effective").
_IDIOMS = re.compile(
    r"\b(?:all the time|at all|after all|all along|all in all|above all|once and for all"
    r"|a few|a little|at the same time|equal to|equal or|if any|in any case|at any rate|any more"
    r"|any longer"
    r"|only (?:an? )?(?:small|few|little|handful|slight|modest|partial|partially|partly"
    r"|limited))\b"
)


def use(pattern: re.Pattern[str], text: str) -> Use:
    said = denied = False
    for clause in map(_without_idioms, clauses(text)):
        for match in pattern.finditer(clause):
            before = clause[: match.start()]
            if _DENIED.search(before):
                denied = True
            elif not _HOPED.search(before):
                said = True
    return Use(said, denied)


def overstatement(statement: str, evidence: Sequence[str], context: str) -> tuple[bool, str] | None:
    """None when the evidence says as much as the statement; otherwise (contradicted, reason).

    A leaflet turns "reduced pain in a small trial" into "cures pain": the evidence shares the
    subject and most words, so coverage and direction see nothing wrong. A statement that denies
    the word itself ("is not a cure") claims nothing strong. Contradicted when the evidence or
    the text around it denies the word ("there is no cure"); not found when it never says it, or
    only hopes for it ("larger trials are needed to confirm")."""
    said = " ".join(evidence)
    for pattern in strength_groups().values():
        claimed = pattern.search(_without_idioms(normalize(statement)))
        if claimed is None or not use(pattern, statement).said or use(pattern, said).said:
            continue
        word = claimed.group(0)
        if use(pattern, f"{said} {context}").denied:
            return True, f"the evidence says the opposite of “{word}”"
        return False, f"the evidence does not say “{word}”"
    return None


def says_less(statement: str, evidence: Sequence[str], context: str) -> str | None:
    """Why the evidence says less than the statement, or None: it only allows the finding
    (`hedged`), finds only an association (`associated_only`) or makes no comparison the
    statement makes (`uncompared`)."""
    return (
        hedged(statement, evidence)
        or associated_only(statement, evidence)
        or uncompared(statement, context)
    )


# Words that make a finding a possibility: "may slow", "could help", "appears to reduce".
_HEDGE = re.compile(
    r"\b(may|might|could|possibly|potentially|perhaps|appears? to|seems? to|suggests?|likely to)"
    r"\s+(?:(?:also|even|not|be|have|help|to)\s+)?([a-z][a-z-]+)"
)
# A statement that itself says "can" or "potential" claims a possibility, not a finding.
_POSSIBLE = re.compile(r"\b(?:can|potential|possible|promising|hope)\b")


def hedged(statement: str, evidence: Sequence[str]) -> str | None:
    """Why the statement is stronger than evidence that only allows it ("Edaravone slows ALS"
    against "edaravone may slow the rate ..."), or None: a verb the evidence puts after "may",
    "could" or "appears to" that the statement says plainly, with no such word of its own."""
    plain = normalize(statement)
    if _HEDGE.search(plain) or _POSSIBLE.search(plain):
        return None
    said = {stem(w) for w in re.findall(r"[a-z][a-z-]+", plain)}
    for sentence in evidence:
        text = normalize(sentence)
        for match in _HEDGE.finditer(text):
            verb = match.group(2)
            if verb in STOPWORDS or len(verb) <= 2 or stem(verb) not in said:
                continue
            # A plain use of the verb about more of what the statement says it of is the
            # finding: "improved the quality of life" beside "could improve survival".
            said_of = _object_of(verb, plain)
            hedged_of = len(said_of & _following(text, match.end()))
            if not any(len(said_of & found) > hedged_of for found in _plain_uses(verb, evidence)):
                return f"the evidence only says “{match.group(0)}”"
    return None


def _plain_uses(verb: str, evidence: Sequence[str]) -> list[set[str]]:
    """What each use of `verb` outside a hedge in the evidence is said of."""
    return [said for s in evidence for said in _uses(verb, _HEDGE.sub(" ", normalize(s)))]


def _object_of(verb: str, text: str) -> set[str]:
    """What the first use of `verb` in `text` is said of (empty when it has none)."""
    return next(iter(_uses(verb, text)), set())


def _uses(verb: str, text: str) -> list[set[str]]:
    """For each use of `verb` (any form) in `text`, the first content words after it."""
    return [
        _following(text, match.end())
        for match in re.finditer(r"[a-z][a-z-]+", text)
        if stem(match.group()) == stem(verb)
    ]


# A cause the statement names where the evidence finds only an association: "caused better
# kidney function" against "was associated with better kidney function".
_CAUSAL = re.compile(
    r"\b(?:caus(?:e|es|ed|ing)|(?:lead|leads|led) to|result(?:s|ed)? in|responsible for"
    r"|because of|due to)\b"
)
_ASSOCIATED = re.compile(
    r"\b(?:associated|linked|correlated|connected) (?:with|to)\b"
    r"|\b(?:association|correlation) (?:with|between)\b|\bcorrelates? with\b"
)
# What a cause or an association is about: the first content words after it.
_EFFECT_WORDS = 4


def associated_only(statement: str, evidence: Sequence[str]) -> str | None:
    """Why the statement is stronger than evidence that finds only an association, or None: a
    cause the statement states plainly ("caused", "leads to") whose effect the evidence says is
    "associated with" or "linked to" what the statement names, with no cause of its own."""
    plain = normalize(statement)
    claimed = _CAUSAL.search(plain)
    if claimed is None or _HEDGE.search(plain) or _POSSIBLE.search(plain):
        return None
    if _DENIED.search(plain[: claimed.start()]):
        return None
    effect = _following(plain, claimed.end())
    for sentence in evidence:
        text = normalize(sentence)
        linked = [m for m in _ASSOCIATED.finditer(text) if _about(effect, text, m.end())]
        caused = [m for m in _CAUSAL.finditer(text) if _about(effect, text, m.end())]
        if linked and not caused:
            return f"the evidence only says “{linked[0].group(0)}”"
    return None


# A comparison and what it is against: "worked better than steroid creams",
# "compared with placebo". "Rather than" and "other than" compare nothing, and "more than 12
# weeks" bounds a number (the number rules judge it).
_COMPARES = re.compile(
    r"(?<!\brather )(?<!\bother )\b(?:than|compared (?:with|to)|in comparison (?:with|to)"
    r"|superior to|inferior to|outperform(?:s|ed)?|versus|vs)\b\.?\s+(?P<other>[^,;:.()]+)"
)
_DASH = re.compile(r"\s*[\u2013\u2014]\s*")  # a dash ends what is compared: "than average—it"
_OTHER_WORDS = 4
_NO_THING = frozenset(
    {"ever", "before", "expected", "usual", "normal", "average", "previously", "thought",
     "anticipated", "planned", "hoped", "predicted", "half", "double", "twice"}
)  # fmt: skip


def uncompared(statement: str, context: str) -> str | None:
    """Why the statement compares what its evidence does not, or None: the statement sets what
    it speaks of against something ("worked better than steroid creams") and no
    comparison in the evidence or its passage (`context`) is against a thing the statement
    names, either side ("sicker than average" compares with no treatment)."""
    mine = _comparisons(statement)
    named = _content(normalize(statement))
    if not mine or any(theirs & named for _, theirs in _comparisons(context)):
        return None
    return f"the evidence does not compare it with “{mine[0][0]}”"


def _comparisons(text: str) -> list[tuple[str, set[str]]]:
    """What each comparison of `text` is against, as written and as content words."""
    found = []
    for match in _COMPARES.finditer(normalize(_DASH.sub(", ", text))):
        written = [w for w in match.group("other").split() if w not in STOPWORDS]
        if written and not is_number(written) and written[0] not in _NO_THING:
            kept = " ".join(written[:_OTHER_WORDS])
            found.append((kept, _content(kept)))
    return found


# "The only drug ... is riluzole": an "only" names one thing, which a statement's "only" must
# name too. Names are rare words of English (a drug, a place, an author).
_ONLY = re.compile(r"(?<!\bnot )\bonly\b")
_NAME_ZIPF = 3.0


def another_only(statement: str, evidence: Sequence[str], context: str) -> str | None:
    """Why the evidence contradicts a statement's "only", or what it says of a name, or None:
    the sentence of the evidence or its passage that says "only" about most of the statement's
    words names another thing than the statement, and not the statement's ("Edaravone is the
    only drug ..." or "Edaravone extends survival in ALS" against "The only drug to have any
    known survival benefit in ALS is riluzole"), or, naming the statement's, calls it "the only
    other" one while the statement says "only"."""
    plain = _without_idioms(normalize(statement))
    mine = _named(plain)
    if not mine:
        return None
    says_only = bool(_ONLY.search(plain))
    # What the statement says of its names, without them: the name is what may be swapped.
    wanted = _content(plain) - {t for name in mine for t in _content(name)}
    saying_only = [
        said
        for text in (*evidence, context)
        for sentence in SENTENCE_END.split(text)
        if _ONLY.search(said := _without_idioms(normalize(sentence)))
    ]
    best = max(saying_only, key=lambda said: len(wanted & _content(said)), default="")
    theirs = _named(best)
    if len(wanted & _content(best)) < 2 or not theirs:
        return None
    other = _ONLY_OTHER.search(best)
    if not says_only and (other or not _THE_ONLY.search(best)):
        # Without its own "only", a statement is held only to "the only one" of its kind;
        # "the only other approved treatment, colchicine" lists one more.
        return None
    if other and not _ONLY_OTHER.search(plain):
        # "the only other approved treatment, colchicine": there is one more
        return f"the evidence says “{other.group()}”: there is another one"
    if mine & theirs:
        return None
    return f"the evidence names “{min(theirs)}” as the only one, not “{min(mine)}”"


_ONLY_OTHER = re.compile(r"\bonly (?:other|another)\b")
# "only" naming the one of a kind ("the only drug to ..."), not limiting ("only in mice").
_THE_ONLY = re.compile(r"\bthe only\b")


def counted_as_one(statement: str, evidence: Sequence[str]) -> str | None:
    """Why the evidence contradicts a statement that speaks of several of what the evidence
    counts as one ("in several patients" against "in a patient with severe knee arthritis"), or
    None. The evidence must not speak of them in the plural too."""
    said = normalize(" ".join(evidence))
    for match in _SEVERAL.finditer(normalize(statement)):
        plural = match.group(2)
        one = plural[:-3] + "y" if plural.endswith("ies") else plural[:-1]
        if re.search(rf"\b{re.escape(plural)}\b", said):
            continue
        single = re.search(
            rf"\b(?:a|an|one|single)\s+(?:[a-z-]+\s+){{0,2}}?{re.escape(one)}\b", said
        )
        if single:
            return f"the evidence says “{single.group(0)}”, not “{match.group(0)}”"
    return None


# A quantity of several things: "several patients", "many older patients", "a number of trials"
# (not "multiple": "multiple sclerosis").
_SEVERAL = re.compile(
    r"\b(several|many|numerous|various|a number of|dozens of|hundreds of)\s+"
    r"(?:[a-z-]+\s+){0,2}?([a-z]{3,}s)\b"
)


def _named(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text) if zipf(w) < _NAME_ZIPF}


def _content(text: str) -> set[str]:
    return set(lexical_tokens(text, expand=False))


def _following(text: str, start: int) -> set[str]:
    found = [w for w in re.findall(r"[a-z][a-z-]+", text[start:]) if w not in STOPWORDS]
    return {stem(w) for w in found[:_EFFECT_WORDS]}


def _about(effect: set[str], text: str, start: int) -> bool:
    """True when the words after `start` in `text` are mostly the effect's words."""
    return bool(effect) and 2 * len(effect & _following(text, start)) >= len(effect)


def _without_idioms(text: str) -> str:
    return _IDIOMS.sub(" ", text)
