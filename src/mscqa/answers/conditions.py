"""The conditions a patient's message names ("MS", "low back pain", "Crohn's disease"), and
the treatments, as written: what a follow-up carries over and what a story is about."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from mscqa.answers.messages import content
from mscqa.search.scope import ACTION_WORDS, named_topics
from mscqa.text.frequency import common
from mscqa.text.terms import STOPWORDS, TERMS, normalize

AUXILIARY = frozenset(
    ["is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would", "should",
     "has", "have", "had", "may", "might"]
)  # fmt: skip


def conditions(text: str) -> list[str]:
    """The conditions `text` names, as written, in order: the names of search/scope.py's lists, the
    term table's terms and expansions that name a condition ("MS", "multiple sclerosis"), and a
    condition word with the word before it ("low back pain", "liver transplant")."""
    plain = normalize(text)
    found: list[tuple[int, int]] = []
    for match in _condition_pattern().finditer(plain):
        start, end = match.span(1)
        words = plain[start:end].split()
        # "it's arthritis", "my dad's arthritis" (but "crohn's disease"): a pronoun's
        # contraction or a person's possessive is no part of the name.
        first = words[0].split("'")[0] if words else ""
        if len(words) > 1 and (
            first in STOPWORDS
            or first in _PEOPLE
            or words[0] in AUXILIARY
            or words[0] in ACTION_WORDS
            or words[0] in _TELLING_VERBS
        ):
            start += len(words[0]) + 1
        end = _with_noun(plain, start, end)
        if not _refers(plain[start:end]):
            found.append((start, end))
    for name in named_topics(text):
        if _refers(name):
            continue
        position = plain.find(name)
        if position >= 0 and not any(s <= position < e for s, e in found):
            found.append((position, position + len(name)))
    return [text[s:e] for s, e in sorted(found)]


# Verbs that come before a condition word without being part of its name: "chronic pain
# means pain that lasts", "sciatica brings pain down the leg".
_TELLING_VERBS = frozenset(
    ["mean", "means", "meant", "bring", "brings", "brought", "give", "gives", "gave", "leave",
     "leaves", "feel", "feels", "felt", "involve", "involves", "include", "includes",
     "suffer", "suffers", "suffered", "report", "reports", "reported", "describe", "describes"]
)  # fmt: skip


# "arthritic knees": an adjective that names a condition only through the term table
# describes the noun after it, and the two are what the message is about.
_NEXT_WORD = re.compile(r" ([a-z][a-z-]+)")


def _with_noun(plain: str, start: int, end: int) -> int:
    """`end`, or the end of the noun after an adjective naming a condition ("arthritic")."""
    name = plain[start:end]
    following = _NEXT_WORD.match(plain, end)
    if (
        " " in name
        or not name.endswith("ic")
        or _names_condition(name)
        or following is None
        or following.group(1) in STOPWORDS
        or following.group(1) in AUXILIARY
    ):
        return end
    return following.end()


# "the disease", "this condition": a reference to a condition named before, not a name.
_GENERIC = frozenset(
    ["condition", "conditions", "disease", "diseases", "disorder", "disorders", "illness",
     "illnesses", "syndrome", "syndromes"]
)  # fmt: skip
_REFERRING = frozenset(["full", "whole", "same", "actual", "real", "proper", "other", "entire"])


def _refers(name: str) -> bool:
    """True for "disease" or "the full disease", "the same condition": a reference to a
    condition named before, not a name."""
    words = name.split()
    return words[-1] in _GENERIC and all(w in _REFERRING for w in words[:-1])


# The people patients write about, whose possessive may stand before a condition.
_PEOPLE = frozenset(
    ["dad", "mum", "mom", "mother", "father", "wife", "husband", "son", "daughter", "sister",
     "brother", "friend", "partner", "grandma", "grandpa", "grandmother", "grandfather", "aunt",
     "uncle", "child", "kid", "baby", "boyfriend", "girlfriend", "cousin", "niece", "nephew"]
)  # fmt: skip
# Word endings and words that make a term a condition ("-itis", "-osis", "disease"), so lay
# words of the term table ("safe", "shot") never count as one.
_CONDITION_WORD = re.compile(
    r"(?:itis|osis|pathy|emia|oma|disease|syndrome|disorder|pain|diabetes|injury|"
    r"failure|cancer|transplant|transplantation)$"
)


def is_condition(name: str) -> bool:
    """A condition proper, directly or through the term table ("ALS"), not a treatment or
    service of search/scope.py's lists."""
    plain = normalize(name)
    return _names_condition(plain) or _names_condition(TERMS.get(plain, ""))


def _names_condition(phrase: str) -> bool:
    """True when `phrase` names a condition: a condition word in it, and more than how ill
    or what failed ("ill" -> "severe disease", "stopped working" -> "failed failure")."""
    words = phrase.split()
    return (
        any(_CONDITION_WORD.search(w) for w in words)
        and not _NOT_CONDITION.search(phrase)
        and not set(words) <= _HOW_ILL
    )


_HOW_ILL = frozenset(
    ["severe", "serious", "disease", "illness", "fail", "fails", "failed", "failure"]
)


# Names with a condition word that name what treats or measures it: "disease modifying
# treatment", "analgesic pain medication", "osteoarthritis index".
_NOT_CONDITION = re.compile(r"\b(?:treatments?|drugs?|medications?|index|scale|scores?)$")


@lru_cache(maxsize=1)
def _condition_pattern() -> re.Pattern[str]:
    names = {t for t, e in TERMS.items() if _names_condition(t) or _names_condition(e)}
    names |= {e for e in TERMS.values() if _names_condition(e) and len(e.split()) <= 4}
    names |= _kinds_by_short_name(names)
    alternatives = "|".join(
        re.escape(n).replace(r"\ ", "[ -]") for n in sorted(names, key=lambda n: (-len(n), n))
    )
    # A condition word with the word before it: "low back pain", "kidney disorders", "a
    # chronic illness", "liver transplant", and words ending in -itis or -osis.
    words = r"(?:pain|disease|disorder|illness|syndrome|transplant|itis|osis)(?:es|s)?"
    general = rf"(?:[a-z'-]+ )?[a-z-]*{words}"
    return re.compile(rf"(?<![a-z0-9])({general}|{alternatives})(?![a-z0-9])")


def _kinds_by_short_name(names: set[str]) -> set[str]:
    """A kind of a condition with the condition's short name: "relapsing remitting ms" for
    "relapsing remitting multiple sclerosis", so that the kind, not only "MS", is the
    condition a question names (and what a follow-up's "it" stands for)."""
    kinds = set()
    for short, full in TERMS.items():
        if len(full.split()) < 2 or " " in short:
            continue
        for name in names:
            if name.endswith(" " + full):
                kinds.add(name[: -len(full)] + short)
    return kinds


def kind_named(text: str) -> str:
    """The kind of a condition `text` names (the term table's kinds of a condition with an
    acronym for a name): one named whole, else the words of a kind without the condition's
    name in a text that names the condition ("her MS ... her doctor calls it <the kind's own
    words>"); or ""."""
    kinds = _kinds()
    named = conditions(text)
    whole = [c for c in named if any(normalize(c).replace("-", " ") == k for k in kinds)]
    if whole:
        return whole[-1]
    plain = normalize(text).replace("-", " ")
    for kind, short in kinds.items():
        words = kind[: -len(short)].strip()
        written = [c for c in named if normalize(c) in (short, TERMS.get(short))]
        if written and re.search(rf"\b{re.escape(words)}\b", plain):
            return f"{words} {written[0]}"  # the condition as the text writes it
    return ""


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    """Each kind of a condition with an acronym for a name (from the term table), with the
    acronym: its other words say which kind, and name no condition themselves."""
    names = {e for e in TERMS.values() if _names_condition(e)}
    kinds = {kind: kind.split()[-1] for kind in _kinds_by_short_name(names)}
    return {
        kind: short
        for kind, short in kinds.items()
        if len(short) <= _ACRONYM and not _names_condition(kind[: -len(short)].strip())
    }


_ACRONYM = 4


def names_part_of(question: str, told: Sequence[str]) -> bool:
    """True when `question` names the part of a condition told that says which one it is
    ("cuff" of "rotator cuff"), not only its kind ("pain", "disease")."""
    asked = set(content(question)) - _KINDS
    return any(asked & set(content(condition)) for condition in told)


_KINDS = frozenset(["pain", "disease", "diseases", "syndrome", "disorder", "condition", "injury"])


def treatments(text: str) -> list[str]:
    """The treatments `text` names, as written, in order, each with its name when one follows
    ("the drug edaravone"). A "that" joining a clause is no part of one: "proven that stem
    cells work" names "stem cells" (but "is that stem cell therapy safe?" names that one)."""
    found = []
    for match in _TREATMENT.finditer(text):
        name = match.group()
        if name.lower().startswith("that ") and joins_a_clause(text, match.start()):
            name = name[len("that ") :]
        # "stem cells" is a name already: the word after it is what they do ("ease").
        named = _STEM_CELLS.search(name) is not None
        found.append(name + ("" if named else _name_after(text[match.end() :])))
    return found


def drug_names(text: str) -> list[str]:
    """The drugs `text` names by their own names, in order: a word with the ending of a
    family of drug names ("riluzole", "prednisolone", "adalimumab"), or a word of no everyday
    English after "prescribed", "taking" or "is on" ("they put him on zolbutrin"; not "research
    on tendinopathy")."""
    found = drug_family_names(text)
    found += [m.group(1) for m in _TAKEN.finditer(text) if not common(m.group(1))]
    return sorted(set(found), key=text.find)


def drug_family_names(text: str) -> list[str]:
    """The drugs `text` names with the ending of a family of drug names ("riluzole"), in
    order (`drug_names` without the words after "taking": "taking tablets" names none)."""
    return [m.group() for m in _DRUG_NAME.finditer(text)]


# Endings of drug-name families (the WHO's stems for international nonproprietary names).
_DRUG_NAME = re.compile(
    r"\b[a-z]{3,}(?:azole|uzole|mab|tinib|pril|sartan|olol|statin|cillin|mycin|cycline|vir|"
    r"afil|floxacin|dronate|parin|gliptin|gliflozin|semide|thiazide|caine|azepam|profen|coxib|"
    r"triptan|setron|dipine|trexate|prazole|tidine|lukast|olone|asone|isone|avone)\b",
    re.IGNORECASE,
)
_TAKEN = re.compile(
    r"\b(?:prescribed|prescribes|taking|takes|take|took|started|given|"
    r"(?:is|was|am|are|were|been|put \w+) on)\s+([a-z][a-z-]{4,})\b",
    re.IGNORECASE,
)


_STEM_CELLS = re.compile(r"\b(?:stem cells?|mscs?)$", re.IGNORECASE)


# Prepositions that are no stop words: "the theory behind that", "besides this".
_PLACING = frozenset(
    ["behind", "besides", "beyond", "despite", "without", "against", "like", "beside",
     "regarding", "concerning", "within", "via", "towards", "toward"]
)  # fmt: skip


def joins_a_clause(text: str, start: int) -> bool:
    """True when the "that", "this" or "which" at `start` joins a clause ("proven that stem
    cells work", "a drug that slows it"), not when it points at something ("is that safe?",
    "about that study"): the word before it is no function word or auxiliary."""
    before = text[:start].split()
    return bool(before) and before[-1].lower().strip(",;") not in STOPWORDS | AUXILIARY | _PLACING


# What patients mean by "it" in "is it safe?", "does it hurt?": the treatment talked about.
_TREATMENT = re.compile(
    r"\b(?:(?:the|a|an|this|that)\s+)?(?:(?:stem cells?|mscs?)(?:\s+(?:injections?|"
    r"infusions?|therap(?:y|ies)|treatments?|transplants?))?|(?:[\w-]+\s+)?(?:injections?|"
    r"infusions?|therap(?:y|ies)|treatments?|transplants?|drugs?|medicines?|medications?))\b",
    re.IGNORECASE,
)


def _name_after(text: str) -> str:
    """The rare word right after a treatment, which names it ("the drug | edaravone"), or ""."""
    match = re.match(r"\s+([a-z][\w-]{3,})\b", text, re.IGNORECASE)
    if match is None or match.group(1).lower() in STOPWORDS or common(match.group(1)):
        return ""
    return match.group()


def body_parts(text: str, own: bool = True) -> list[str]:
    """The body parts `text` tells of as someone's own ("my lower back is wrecked", "her
    knees"), as written, in order: what a story is about when it names no condition. With
    `own` False, any it names ("why is the hip joint so hard to repair?")."""
    if own:
        return [m.group(1) for m in _OWN_BODY_PART.finditer(text)]
    # "back" alone is the body part after a determiner ("the back", "your back"), not in
    # "hold back" or "grow back".
    return [
        m.group(1)
        for m in _BODY_PART.finditer(text)
        if m.group(1).lower() != "back" or _DETERMINED.search(text[: m.start()])
    ]


_BODY_PART_NAME = (
    r"(?:(?:left|right|lower|upper)\s+)?(?:back|neck|hips?|knees?|shoulders?|spine|joints?|"
    r"hands?|arms?|legs?|ankles?|wrists?|elbows?|feet|foot)"
)
# "my ears ring": a part of one's own the articles may never name is what a story is about.
_OWN_BODY_PART = re.compile(
    rf"\b(?:my|his|her|our|their)\s+({_BODY_PART_NAME}|fingers?|toes?|ears?|eyes?|teeth|skin|"
    r"hair|head|chest|stomach|throat|jaw)\b",
    re.IGNORECASE,
)
_BODY_PART = re.compile(rf"\b({_BODY_PART_NAME}(?:\s+joints?)?)\b", re.IGNORECASE)
_DETERMINED = re.compile(r"\b(?:the|a|my|your|his|her|our|their|its|whose)\s+$", re.IGNORECASE)


def only_conditions(text: str) -> bool:
    """True when every word of `text` beyond stopwords belongs to a condition it names: "and
    for MS?" says nothing of its own but the condition."""
    named = {w for c in conditions(text) for w in content(c)}
    return bool(named) and all(w in named for w in content(text))
