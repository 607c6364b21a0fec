"""Details a paraphrase keeps and a leaflet may change while every other word stays: where
something comes from ("cells taken from bone marrow" against "from umbilical cord blood"),
which part of the body ("pain in the wrists" against "in the ankles", "nerve cells in the
brain" against "in the spinal cord") and what causes it ("caused by an infection" against
"caused by an immune system that attacks our own tissue"). One such word
changed leaves the rest of the statement as well covered as before, often by another sentence
of the same article."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mscqa.answers.antonyms import opposite_words
from mscqa.answers.conditions import body_parts, conditions
from mscqa.answers.messages import mentions, sentences
from mscqa.answers.opposites import opposition
from mscqa.answers.phrases import STUDY_PHRASE
from mscqa.text.frequency import common
from mscqa.text.terms import (
    STOPWORDS,
    TERMS,
    idiom_words,
    lexical_tokens,
    normalize,
    stem,
    words,
)

# "taken from", "derived from", "came from", "cells from": what follows names a source, what
# comes before names the thing taken. A few words of each, within one clause.
_SOURCE = re.compile(
    r"(?P<thing>(?:[\w'’-]+\s+){0,4})"
    r"(?:(?:taken|collected|derived|harvested|obtained|isolated|extracted|drawn|sourced|"
    r"comes?|came|coming)\s+from\s+|(?<=\bcells\s)from\s+|(?<=\bcell\s)from\s+)"
    r"(?P<source>[\w'’-]+(?:\s+(?!and\b|or\b|to\b|into\b|in\b|for\b|of\b|with\b)[\w'’-]+){0,4})",
    re.IGNORECASE,
)
# Whose a source is says nothing of what it is: "the patients' fat" is fat ("their own fat"
# keeps "own": a patient's own cells are a source of their own kind).
_WHOSE = frozenset(
    {"patient", "patients", "person", "people", "their", "his", "her", "its", "the", "a", "an",
     "same"}
)  # fmt: skip
_POSSESSIVE = re.compile(r"['’]s?$")
_SOURCE_WORDS = 2
# "from the patient's own body / cells": what the articles call autologous.
_AUTOLOGOUS = frozenset(lexical_tokens("autologous", expand=False))
_OF_ONESELF = frozenset(lexical_tokens("body bodies cells tissue", expand=False))


@dataclass(frozen=True)
class Source:
    thing: frozenset[str]  # stemmed content words of what is taken ("stem", "cell")
    source: frozenset[str]  # and of where from ("bone", "marrow")
    written: str  # the source as written


@lru_cache(maxsize=64)
def sources(text: str) -> tuple[Source, ...]:
    """Each source `text` names, with the thing it is the source of (an article's are read once
    for all the statements checked against it)."""
    found = []
    for match in _SOURCE.finditer(text):
        written: list[str] = []
        for word in match.group("source").split():
            bare = _bare(word)
            if not written and (bare in _WHOSE or _POSSESSIVE.search(word)):
                continue  # "the donors' bone marrow" is bone marrow
            stop = bare in STOPWORDS and bare != "own"
            if stop or bare.endswith("ed") or len(written) == _SOURCE_WORDS:
                break  # "from the patient's own body increased the size": a verb ends it
            written.append(word)
        source = _tokens(" ".join(written))
        if any(_bare(w) == "own" for w in written):
            source = (source - _OF_ONESELF) | _AUTOLOGOUS  # "their own body": autologous
        if source:
            found.append(Source(_tokens(match.group("thing")), source, " ".join(written)))
    return tuple(found)


def source_conflict(statement: str, evidence: str, article: str) -> tuple[bool, str] | None:
    """(contradicted, reason) when the statement names a source its evidence does not back:
    contradicted when the article gives the same thing another source ("umbilical cord" where
    the statement says "bone marrow"), not found when it names no source for it and the
    evidence never uses the statement's source words."""
    theirs = sources(article)
    for mine in sources(statement):
        same_thing = [s for s in theirs if s.thing & mine.thing]
        if any(s.source & mine.source for s in same_thing):
            continue
        if same_thing:
            said = same_thing[0].written
            return True, f"the article says it comes from “{said}”, not from “{mine.written}”"
        if not mine.source <= frozenset(lexical_tokens(evidence)):
            return False, f"the evidence does not say it comes from “{mine.written}”"
    return None


def _bare(word: str) -> str:
    return _POSSESSIVE.sub("", normalize(word))


def _tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in lexical_tokens(text) if t not in STOPWORDS)


def body_part_conflict(statement: str, evidence: str, context: str) -> tuple[bool, str] | None:
    """(contradicted, reason) when the statement names a part of the body that neither the
    evidence nor the text around it (`context`) names: contradicted when the evidence names
    another ("in the ankles" where the statement says "in the wrists"), else not found.
    "Back" counts only as "lower back" or "back pain" (it is also a word of time), and a
    joint only by the part it is of ("the knee joints": the knee; every joint is a joint)."""
    around = frozenset(lexical_tokens(f"{evidence} {context}"))
    theirs = _parts(evidence)
    for part in _parts(statement):
        if _tokens(part) <= around:
            continue
        if theirs:
            return (
                True,
                f"the evidence says “{', '.join(theirs)}” where the statement says “{part}”",
            )
        return False, f"the evidence does not mention “{part}”"
    return None


def patients_conflict(statement: str, evidence: str) -> tuple[bool, str] | None:
    """(True: contradicted, reason) when a statement about research says whom it was done in
    ("the trial tested the cells in people with lupus") and its evidence names the patients
    with another condition sharing no word with it ("159 patients undergoing kidney
    transplants"), the statement's nowhere in the evidence."""
    mine, theirs = _PATIENTS.search(statement), _PATIENTS.search(evidence)
    if not (mine and theirs and STUDY_PHRASE.search(statement)):
        return None
    named = [_tokens(c) for c in conditions(mine.group("who"))]
    other = [_tokens(c) for c in conditions(theirs.group("who"))]
    said = _tokens(evidence)
    if not named or not other or any(c <= said for c in named):
        return None
    if any(c & o for c in named for o in other):
        return None  # "type 2 diabetes" of "diabetes": another rule's to judge
    said_of, instead = (" ".join(m.group().split()) for m in (theirs, mine))
    return True, f"the evidence's research is in “{said_of}”, not “{instead}”"


# Whom research was done in: "patients undergoing kidney transplants", "people with lupus".
_PATIENTS = re.compile(
    r"\b(?:patients?|people|persons?|participants?|adults|children|volunteers|subjects|men|"
    r"women)\s+(?:with|undergoing|having|who\s+(?:had|have|underwent|received)|suffering\s+from|"
    r"affected\s+by)\s+(?P<who>[^,.;:()—–]+)",
    re.IGNORECASE,
)


def other_condition(statement: str, article: str) -> tuple[bool, str] | None:
    """(False: not found, reason) when the statement is about a condition its evidence's
    article (`article`: title and text) never names ("In ALS, an immune reaction breaks down
    ..." against the MS article's sentence), else None."""
    for name in conditions(statement):
        expansion = TERMS.get(normalize(name), "")
        if not mentions(article, name) and not (expansion and mentions(article, expansion)):
            return False, f"the evidence's article never mentions “{name}”"
    return None


def cause_conflict(statement: str, evidence: str) -> tuple[bool, str] | None:
    """(True: contradicted, reason) when the statement's cause is not the evidence's: both
    name one ("is caused by", "due to", "because of", "results from") and no word of the
    statement's is in any of the evidence's, or the evidence says the cause is unknown; a
    leaflet that keeps every word but the cause. Else None."""
    if _UNKNOWN_CAUSE.search(evidence) and _CAUSE.search(statement):
        return True, "the evidence says its cause is unknown"
    theirs = [(m.group("cause"), _tokens(m.group("cause"))) for m in _CAUSE.finditer(evidence)]
    for match in _CAUSE.finditer(statement) if theirs else ():
        mine = _tokens(match.group("cause"))
        if mine and not any(mine & words for _, words in theirs):
            return True, f"the evidence gives another cause: “{theirs[0][0].strip()}”"
        # "viruses attacking our tissue" against "an immune system that attacks our own
        # tissue": what does it is another, however many words of what it does are shared
        agent = _agent(match.group("cause"))
        for cause, said in theirs:
            if agent and agent not in said and _agent(cause) not in mine:
                return True, f"the evidence gives another cause: “{cause.strip()}”"
    return None


def _agent(cause: str) -> str:
    """The first content word of a cause, what does it ("viruses" of "viruses attacking
    our tissue"), stemmed; "" for none."""
    return next((t for t in lexical_tokens(cause, expand=False) if t not in STOPWORDS), "")


def cause_unsaid(statement: str, context: str) -> tuple[bool, str] | None:
    """(False: not found, reason) when the statement names a cause and neither the evidence
    nor its passage (`context`) says what causes anything: the cause is the statement's own."""
    if _CAUSE.search(statement) and not _ANY_CAUSE.search(context):
        return False, "the evidence does not say what causes it"
    return None


_ANY_CAUSE = re.compile(
    r"\b(?:caused|causes?|causing|due\s+to|because|results?\s+from|resulting\s+from|"
    r"leads?\s+to|triggers?|triggered)\b",
    re.IGNORECASE,
)


def stage_conflict(statement: str, evidence: str) -> tuple[bool, str] | None:
    """(True: contradicted, reason) when the statement puts at the start what the evidence puts
    in the later stages, or the other way round: the stage said in the part of the evidence
    (cut at "but", "however", ";") that shares most of the statement's words. "Difficulty
    swallowing from the very beginning" against "in later stages, patients have difficulty
    swallowing". Else None."""
    mine = _stage(statement)
    if mine is None:
        return None
    # "the pain is there all the time" is about the part that says "constant".
    unstaged = _STAGE_WORDS.sub(" ", statement)
    wanted = set(lexical_tokens(unstaged, expand=False)) | idiom_words(unstaged)
    parts = sorted(
        ((len(wanted & set(lexical_tokens(p, expand=False))), p) for p in _TURN.split(evidence)),
        reverse=True,
    )
    if not parts or (len(parts) > 1 and parts[1][0] == parts[0][0]):
        return None  # no part says more of the statement than another: which stage is unsure
    best = parts[0][1]
    theirs = _stage(best)
    if theirs is None or theirs == mine:
        return None
    said = _STAGE_WORDS.search(best)
    return True, f"the evidence says “{said.group() if said else theirs}”"


def stage_paired(statement: str, context: str) -> tuple[bool, str] | None:
    """(True, reason) when the statement says at one stage what the text around its evidence
    (`context`) says only at the other: "the first symptom is trouble swallowing" against
    "often the first symptom is weakness in the hands" and "in later stages, patients have
    difficulty swallowing". The sentence of the other stage must share two of the statement's
    words, one of them said in no sentence of the statement's stage. Else None."""
    mine = _stage(statement)
    if mine is None:
        return None
    unstaged = _STAGE_WORDS.sub(" ", statement)
    wanted = set(lexical_tokens(unstaged, expand=False))
    staged = [(s, _stage(s), set(lexical_tokens(s, expand=False))) for s in sentences(context)]
    at_mine = set().union(*(said for _, stage, said in staged if stage == mine))
    for sentence, stage, said in staged:
        shared = wanted & said
        if stage not in (None, mine) and len(shared) >= 2 and shared - at_mine:
            when = "later" if stage == "late" else "early"
            return True, f"the evidence says it of the {when} stages: “{sentence}”"
    return None


def _stage(text: str) -> str | None:
    """ "early" or "late" when `text` names one stage of an illness and not the other."""
    found = {("early" if m.group("early") else "late") for m in _STAGE_WORDS.finditer(text)}
    return found.pop() if len(found) == 1 else None


_STAGE_WORDS = re.compile(
    r"\b(?:(?P<early>early|earlier|beginning|outset|onset|initially|at first|"
    r"(?:from|at) the (?:very )?start|first(?=\s+(?:symptoms?|signs?|stages?)\b))"
    r"|(?P<late>later|late|advanced|eventually|in the end|final))\b",
    re.IGNORECASE,
)
_TURN = re.compile(r"\bbut\b|\bhowever\b|\bwhereas\b|;", re.IGNORECASE)


# "While the precise cause is unknown, ...": no cause named is the evidence's.
_UNKNOWN_CAUSE = re.compile(
    r"\bcauses?\s+(?:of\s+[\w'’ -]{1,40}?\s+)?(?:is|are|remains?)\s+(?:still\s+)?"
    r"(?:unknown|not known|unclear)\b"
    r"|\bunknown\s+causes?\b",
    re.IGNORECASE,
)
# A cause and the words naming it, up to the end of its clause.
_CAUSE = re.compile(
    # (a sentence opening "Because ..." says why of what follows it: left to the other rules)
    # ("the results from dozens of trials" are findings, not a cause)
    r"\b(?:caused\s+by|due\s+to|because\s+of|(?<=\w\s)because|"
    r"(?<!the\s)(?<!these\s)(?<!their\s)(?<!its\s)results?\s+from|resulting\s+from)\s+"
    r"(?P<cause>[^,;:.()\u2014\u2013]+)",
    re.IGNORECASE,
)


def _parts(text: str) -> list[str]:
    found = [m.group() for m in _ORGAN.finditer(text)]
    for part in body_parts(text, own=False):
        words = normalize(part).split()
        if words[-1] in ("joint", "joints"):
            # "the knee joints": the knee; a joint alone is no part of its own.
            part = " ".join(part.split()[:-1])
            words = words[:-1]
        if not words or (words == ["back"] and not _BACK.search(text)):
            continue
        found.append(part)
    return list(dict.fromkeys(found))


_BACK = re.compile(r"\b(?:lower|upper|low)\s+back\b|\bback\s+(?:pain|ache)", re.IGNORECASE)
# Organs, read as details only: a story's "my heart" names no topic of its own.
_ORGAN = re.compile(
    r"\b(?:brain|spinal cord|heart|lungs?|liver|kidneys?|skin|eyes?|bladder|bowels?|stomach|"
    r"pancreas)\b",
    re.IGNORECASE,
)


def other_item(statement: str, title: str, article: str) -> tuple[bool, str] | None:
    """(False, reason) when the article lists kinds of something, an item a line ("Primary
    progressive – Once symptoms start, they do not resolve ..."), and the statement, naming
    one kind, says what only another kind's item says ("Primary progressive MS starts with
    flare-ups", "flare-ups" being the secondary progressive item's word); None otherwise."""
    items = dict(_ITEM.findall(article))
    named = [label for label in items if mentions(statement, label)]
    if len(items) < 2 or not named:
        return None
    label = max(named, key=len)
    # Each kind the statement names says its own words ("in relapsing-remitting MS symptoms
    # come and go, and later it may become secondary progressive").
    own = " ".join(f"{kind} {items[kind]}" for kind in named)
    said = set(lexical_tokens(f"{title} {own}", document=True))
    # The statement's words that the kind's own item leaves out.
    missing = {
        word: tokens
        for word in re.findall(r"[a-z][a-z-]+", normalize(statement))
        if word not in STOPWORDS and (tokens := set(lexical_tokens(word, expand=False)) - said)
    }
    for other, text in items.items():
        theirs = set(lexical_tokens(text, expand=False)) - set(lexical_tokens(other))
        shared = sorted(word for word, tokens in missing.items() if tokens <= theirs)
        # One word beyond common English is the other kind's; of everyday words, it takes
        # all of them, at least two ("in chronic gout, attacks come suddenly" where only
        # the acute gout item says attacks come suddenly).
        telling = [word for word in shared if not common(word)]
        if other not in named and (telling or _ALL_OF_THEM <= len(shared) == len(missing)):
            words = ", ".join(f"“{word}”" for word in telling or shared)
            return False, f"the article says {words} of {other}, not of {label}"
    return None


_ALL_OF_THEM = 2


# An item of a list of kinds, a line of its own: "Relapsing-remitting – Patients have ...".
_ITEM = re.compile(r"^([A-Z][\w' -]{2,40}?)\s+[–—-]\s+(.+)$", re.MULTILINE)


def route_conflict(statement: str, context: str) -> tuple[bool, str] | None:
    """(contradicted, reason) when the statement says how a treatment is given (by mouth, into
    a vein, into the spinal fluid, into a joint, on the skin, inhaled) and the evidence with
    its passage (`context`) says another way and not the statement's (contradicted), or none
    (not found): "given by mouth" against "transplanted via the intrathecal route"."""
    mine, theirs = _routes(statement), _routes(context)
    if not mine or set(mine) & set(theirs):
        return None
    said = next(iter(mine.values()))
    if theirs:
        other = next(iter(theirs.values()))
        return True, f"the evidence says “{other}” where the statement says “{said}”"
    return False, f"the evidence does not say it is given “{said}”"


def _routes(text: str) -> dict[str, str]:
    """Each way of giving a treatment `text` names, with its words as written."""
    plain = normalize(text)
    return {
        route: found.group()
        for route, pattern in _ROUTES.items()
        if (found := re.search(rf"\b(?:{pattern})\b", plain))
    }


# The ways a treatment is given, and the words that say each.
_ROUTES = {
    "mouth": r"by mouth|orally|oral|tablets?|pills?|capsules?|swallowed",
    "vein": r"intravenous(?:ly)?|into (?:a|the) veins?|into the bloodstream|infusions?|infused",
    "spinal fluid": r"intrathecal(?:ly)?|cerebrospinal fluid|spinal fluid|lumbar puncture|"
    r"spinal tap|spinal area|into the spine",
    "joint": r"intra-articular(?:ly)?|into (?:the|a) (?:[a-z]+ )?joints?",
    "skin": r"topical(?:ly)?|creams?|ointments?|on the skin",
    "inhaled": r"inhaled|inhalers?|nasal sprays?",
}


def opposed_elsewhere(statement: str, context: str, article: str) -> tuple[bool, str] | None:
    """(True: contradicted, reason) when a word of the statement that neither the evidence nor
    its passage (`context`) uses has its opposite in another sentence of the article, one
    about at least `_ELSEWHERE_SHARED` more of the statement's words that says the opposite:
    "The review found the new drug unsafe" against "The authors concluded that the new drug
    was safe", a sentence retrieval passes over for want of the statement's word."""
    mine = _stems(statement)
    missing = mine - _stems(context)
    for paragraph in article.splitlines() if missing else ():
        for sentence in sentences(paragraph):
            theirs = _stems(sentence)
            turned = [w for w in missing for t in theirs - mine if opposite_words(w, t)]
            if turned and len(mine & theirs) >= _ELSEWHERE_SHARED:
                why = opposition(statement, sentence)
                if why:
                    return True, f"the article says the opposite (“{sentence}”): {why}"
    return None


def _stems(text: str) -> set[str]:
    return {stem(w) for w in words(normalize(text)) if w not in STOPWORDS}


_ELSEWHERE_SHARED = 3
