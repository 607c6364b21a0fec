"""A patient's message -> the story it tells and the questions it asks: sentences that ask are
questions, the others are story, a clause telling about the writer before a question is story,
and two questions joined by "and" are two. Pure functions over text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mscqa.text.frequency import everyday
from mscqa.text.terms import IRREGULAR_NOT, STOPWORDS, TERMS, normalize

# At most two questions are searched for one message (one search more than a plain question);
# a third and later question stay with the second.
MAX_PARTS = 2
_SENTENCE = re.compile(r"[^.?!\n]+(?:[.?!]+|\n|$)")
# Abbreviations whose dot ends no sentence: "what did Martinez et al. find?". Not pysbd, which
# cuts the articles into sentences (corpus/passages.py): it reads "MS." as the title "Ms." and
# keeps "My wife has MS. Can stem cells help her?" as one sentence, so the story would be
# searched with the question.
_ABBREVIATION = re.compile(
    r"\b(?:et al|e\.g|i\.e|dr|drs|prof|mr|mrs|vs|approx|incl|fig|cf)\.(?=\s|$)", re.IGNORECASE
)
_HELD_DOT = "\u2024"  # ONE DOT LEADER, put back as "." once the sentences are cut
_QUESTION_WORDS = (
    r"what|which|who|whom|whose|when|where|why|how|is|are|was|were|do|does|did|can|could|"
    r"will|would|should|has|have|had|may|might|tell|explain|describe|any"
)
QUESTION_START = re.compile(rf"^(?:{_QUESTION_WORDS}|and|but|also)\b", re.IGNORECASE)
# ", and what was ..." / " and does it ..." / ", and at what point ...": a second question
# joined to the first.
_JOINED = re.compile(
    r"(?:,\s*|;\s*|\s+)(?:and|but|also|plus)\s+(?=(?:(?:from|at|in|for|to|by|on|after|until)\s+"
    r"(?:what|which|whom|how)\b)|(?:what|which|who|when|where|why|how|is|are|"
    r"was|were|do|does|did|can|could|will|would|should|has|have)\b)",
    re.IGNORECASE,
)
# A sentence without a question mark that says what its writer wants to know.
_ASKING = re.compile(
    r"\b(?:(?:want|like|need|wish|love) to (?:know|learn|hear|understand)|wonder(?:ing)?|"
    r"tell me|please (?:explain|advise|help)|any (?:advice|research|studies|evidence|news))\b",
    re.IGNORECASE,
)
# A request asks as a question does: "Explain a meta-analysis to me. Plus, ...?"
_REQUEST = re.compile(
    r"^(?:please\s+)?(?:explain|describe|define|tell (?:me|us) (?:about|what|how|why|more))\b",
    re.IGNORECASE,
)
# The last sentence of a message that asks without a question mark, after one that has it: it
# opens with a verb or a question word that starts no story sentence ("When I asked ..." and
# "What a week ..." do).
_UNMARKED_QUESTION = re.compile(
    r"^(?:(?:and|but|also|so|plus)\s+)?(?:is|are|was|were|do|does|did|can|could|will|would|"
    r"should|has|have|how|why|what(?!\s+an?\b))\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[\w'-]+")


def sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped; an abbreviation's dot ends none, nor a dot inside a
    number or a name ("51.5", "nhs.uk")."""
    held = _ABBREVIATION.sub(
        lambda m: m.group().replace(".", _HELD_DOT), text.replace(_HELD_DOT, " ")
    )
    held = _INNER_DOT.sub(_HELD_DOT, held)
    found = (s.strip().replace(_HELD_DOT, ".") for s in _SENTENCE.findall(held))
    return [s for s in found if s]


def told_before(story: str, message: str, question: str) -> str:
    """The sentence of `story` a "that" in `question` points back at: the last one before it
    in `message` ("Is that part of ALS?" between "his legs are tight." and "The physio used
    a word for it."), else the first one after it; the story's last one when `question` is
    not found as typed."""
    told = sentences(story)
    at = message.find(question.rstrip("?.! "))
    if at < 0 or not told:
        return told[-1] if told else ""
    before = [s for s in told if 0 <= message.find(s) < at]
    return before[-1] if before else told[0]


def _laid_out(message: str) -> str:
    """`message` on lines of sentences: a numbered or bulleted item ("1) ...", "• ...") is a
    sentence of its own, a question when it opens like one; so is a line that starts with a
    capital after a line break ("Hello / My mum has ALS / Can stem cells help her"), while a
    line that goes on in small letters goes on the sentence; web addresses are left out."""
    text = _WEB_ADDRESS.sub(" ", message)
    items = _NUMBERED.findall(text)
    if len(items) >= 2 and items[0].strip("( )").lower() in ("1", "a"):
        text = _NUMBERED.sub("\n" + _ITEM_MARK, text)
    text = _BULLET.sub("\n" + _ITEM_MARK, text)
    joined = ""
    for line in filter(None, (" ".join(line.split()) for line in text.splitlines())):
        if line.startswith(_ITEM_MARK):
            line = line[1:].strip()
            if line and line[-1] not in ".?!" and QUESTION_START.match(line):
                line += "?"
            starts = True
        else:
            starts = line[0].isupper() or line[0].isdigit() or joined[-1:] in (".", "?", "!")
        joined += ("\n" if starts and joined else " " if joined else "") + line
    return joined


# "1) is it safe 2) does it help", "a) ... b) ...": items when they count from 1 or a.
_NUMBERED = re.compile(r"(?:^|(?<=\s))\(?(?:\d{1,2}|[a-e])\)\s+")
# "• ...", "* ...", "- ..." at the start of a line.
_BULLET = re.compile(r"(?:^|(?<=\n))\s*[•▪◦*-]\s+")
_ITEM_MARK = "\u2022"
# "Q: what causes MS?", "2 questions: ...", "One more thing: ...": a label before the question
# is no word of it.
_LABEL = re.compile(
    r"^(?:q|qn|query|my question(?: is)?|(?:\w+ )?questions?|(?:one|another) (?:more |last )?"
    r"thing|ps|p\.s\.)\s*[:\-]\s*",
    re.IGNORECASE,
)
# A web address says where the patient read something, not what they ask: it is left out.
_WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S*[^\s.?!,;:)]", re.IGNORECASE)
_INNER_DOT = re.compile(r"(?<=\w)\.(?=[a-z0-9])")


def story_and_questions(message: str, split: bool = True) -> tuple[str, list[str]]:
    """(the story around the questions, the questions): sentences that ask something are the
    questions; the others are the story. Without a question mark, the last sentence that opens
    like a question or says what the writer wants to know asks, else the last sentence: a story
    ends with what it is told for."""
    text = _laid_out(message)
    said = [_LABEL.sub("", s) for s in sentences(text)]
    said = [part for s in said if s for part in _after_colon(s)]
    text = " ".join(said)
    asking = [s for s in said if s.endswith("?") or _REQUEST.match(s)]
    if asking and said[-1][-1] not in ".?!" and _UNMARKED_QUESTION.match(said[-1]):
        # "Do steroids cure it? and are they bad for you long term": the last question of a
        # message often goes without its mark (one ending in a full stop tells).
        asking.append(said[-1])
    if not asking:
        asking = [s for s in said if QUESTION_START.match(s) or _ASKING.search(s)][-1:]
        asking = asking or said[-1:]
    if not split:
        return (" ".join(s for s in said if s not in asking), [" ".join(asking) or text])
    # "my mum has bad hip arthritis, can stem cells help her?": the clause telling about
    # the writer or their family is story, the rest of the sentence asks.
    told = [_told_clause(s) for s in asking]
    if any(told):
        said = [c for s in said for c in _told_clause(s) or [s]]
        asking = [q for s, t in zip(asking, told, strict=True) for q in (t[1:] if t else [s])]
    if not asking or len(said) == 1:
        return "", _split_joined(text)
    # "Why me? ... Is there a trial for it?": a question with no word of its own is a sigh.
    asking = [s for s in asking if content(s)] or asking
    story = " ".join(s for s in said if s not in asking)
    questions = [q for sentence in asking for q in _split_joined(sentence)]
    if len(questions) > MAX_PARTS:
        questions = [*questions[: MAX_PARTS - 1], " ".join(questions[MAX_PARTS - 1 :])]
    return story, questions


def _after_colon(sentence: str) -> list[str]:
    """A question after a colon that leads into it ("My question is simple: what do the
    cells do?") apart from what leads into it, which tells; else the sentence whole."""
    head, colon, tail = sentence.partition(": ")
    if not colon or not tail.endswith("?") or not QUESTION_START.match(tail):
        return [sentence]
    if QUESTION_START.match(head) or not content(head):
        return [tail]
    return [head.rstrip(" ,") + ".", tail]


# Clauses about the writer or someone close, then a comma and a question: "my dad has MS,
# would stem cells help him?", "my knee is bad, I don't want surgery, is there a study ...":
# the question starts after the last such comma.
_TOLD_CLAUSE = re.compile(
    r"^((?:i|i'm|i've|my|our|we|we're|we've|his|her|he|she|he's|she's)\b[^;?]{8,})[,;]\s+"
    rf"(?=(?:{_QUESTION_WORDS})\b)",
    re.IGNORECASE,
)


def _told_clause(sentence: str) -> list[str] | None:
    """[story, question] when `sentence` opens with a clause telling about the writer or
    their family and goes on to ask, else None."""
    match = _TOLD_CLAUSE.match(sentence)
    if not match or not content(sentence[match.end() :]):
        return None
    told, asked = match.group(1), sentence[match.end() :]
    # "... find out: once symptoms start, do they go away?": what comes after a colon, or a
    # clause saying when or if, belongs to the question it leads to.
    lead = _LEADING_CLAUSE.search(told)
    if lead:
        told, asked = told[: lead.start()], f"{lead.group(1)}, {asked}"
    return [told.strip() + ".", asked] if content(told) else None


# The last clause of a told part that leads into the question: after a colon, or after a
# comma when it opens with a word saying when or if.
_LEADING_CLAUSE = re.compile(
    r"(?::|,(?=\s*(?:once|if|when|whenever|after|before|until|unless)\b))\s*([^,:;]+)$",
    re.IGNORECASE,
)


def _split_joined(sentence: str) -> list[str]:
    """ "How were they scored, and what was the average?" -> the two questions, each with the
    sentence's closing mark. Only a join followed by a question word splits, so "pain and
    swelling" stays whole; the first two questions are kept apart, the rest stay together. A
    question for the difference between two things asks what each of them is."""
    contrasted = _contrasted(sentence)
    if contrasted:
        return contrasted
    match = _JOINED.search(sentence)
    if not match or match.start() < 8:
        return [sentence]
    first = sentence[: match.start()].rstrip(" ,;")
    second = sentence[match.end() :].strip()
    if len(WORD.findall(second)) < 3:
        return [sentence]
    mark = sentence.rstrip()[-1] if sentence.rstrip()[-1:] in "?.!" else ""
    return [first + mark if not first.endswith(("?", ".", "!")) else first, second]


def _contrasted(sentence: str) -> list[str]:
    """ "What's the difference between X and Y?" -> ["What is X?", "What is Y?"], or [] for a
    sentence that asks no difference between two named things."""
    contrast = next((m for m in (p.search(sentence) for p in _CONTRAST) if m), None)
    if not contrast:
        return []
    first, second = (" ".join(contrast.group(g).split()) for g in ("first", "second"))
    # "what is X and how is it different from Y?": X is the first thing.
    first = _ASKED_FIRST.sub("", _IT_AFTER.sub("", first))
    if not (_named_thing(first) and _named_thing(second)):
        return []
    # What follows both names is each one's: "steroids vs stem cells | for lupus",
    # "relapsing remitting and primary progressive | MS".
    tail = _SHARED_TAIL.search(second)
    shared, named = second.split()[-1], first.split()[-1]
    if tail and not _SHARED_TAIL.search(first):
        first += tail.group()
    elif contrast.re is _CONTRAST[0] and (shared.lower() in TERMS or _SHARED_NAME.search(shared)):
        # "between plaque and guttate psoriasis" (but "gout differ from rheumatoid arthritis").
        first = f"{first} {shared}" if len(first.split()) < len(second.split()) else first
    elif _shares(first, second):
        first = f"{first} {shared}"
    elif _shares(second, first):
        # "primary progressive MS ... from relapsing remitting": the name is both's.
        second = f"{second} {named}"
    return [f"What is {first}?", f"What is {second}?"]


# "what's the difference between X and Y?", "how does X differ from Y?", "X vs Y?"
_CONTRAST = (
    re.compile(
        # (also as patients type it: "differnce", "diffrence")
        r"\b(?:dif+[a-z]*n[cs]es?|different)\s+between\s+(?P<first>[^?.!,;]+?)\s+and\s+"
        r"(?P<second>[^?.!,;]+?)\s*[?.!]*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^(?:how\s+(?:does|do|is|are)\s+|(?:is|are)\s+)?(?P<first>[^?.!,;]+?)\s+"
        r"(?:differ(?:ent)?\s+from|"
        r"vs\.?|versus)\s+(?P<second>[^?.!,;]+?)\s*[?.!]*$",
        re.IGNORECASE,
    ),
)


def _shares(bare: str, named: str) -> bool:
    """True when `bare` is a kind of what `named` names last ("relapsing remitting" of
    "primary progressive MS"): shorter, and ending in a describing word, not a name ("gout" is
    no kind of "rheumatoid arthritis")."""
    name = named.split()[-1]
    return (
        (name.lower() in TERMS or _SHARED_NAME.search(name) is not None)
        and len(bare.split()) < len(named.split())
        and _DESCRIBING.search(bare) is not None
    )


_DESCRIBING = re.compile(r"(?:ing|ive|ent|ant|al|ic|ary|oid|ous|ed)$", re.IGNORECASE)
# What a contrast's first thing is said with: "what is | X", "X | and how is it".
_ASKED_FIRST = re.compile(r"^(?:what|who)(?:'s|\s+is|\s+are)\s+", re.IGNORECASE)
_IT_AFTER = re.compile(
    r"\s*,?\s+and\s+(?:how\s+)?(?:is|are|does|do)\s+(?:it|they|this|that)$", re.IGNORECASE
)
# A condition's name that two names before it share ("relapsing and progressive | MS").
_SHARED_NAME = re.compile(
    r"(?:itis|osis|iasis|oma|pathy|emia|algia|plegia|pain|disease|syndrome)$", re.IGNORECASE
)
_SHARED_TAIL = re.compile(r"\s+(?:for|in|with|on|after)\s+[^?]+$", re.IGNORECASE)


def _named_thing(phrase: str) -> bool:
    """True for what a difference can be asked between: a name, not a time, an amount or a
    phrase that starts with a preposition ("the results at 6 months and | at one year")."""
    words = WORD.findall(phrase.lower())
    return (
        bool(words)
        and words[0] not in _PREPOSITIONS
        and not any(c.isdigit() for c in phrase)
        and not all(everyday(w) for w in words)
    )


_PREPOSITIONS = frozenset(["at", "in", "on", "after", "before", "during", "for", "with", "by"])


def content(text: str) -> list[str]:
    """The words of `text` that are not stopwords, normalised; a stopword contracted with
    a verb or "not" is one too ("what's", "isn't", "can't", "they've")."""
    return [w for w in WORD.findall(normalize(text)) if _uncontracted(w) not in STOPWORDS]


def _uncontracted(word: str) -> str:
    return IRREGULAR_NOT.get(word) or _CONTRACTION.sub("", word)


_CONTRACTION = re.compile(r"(?:n't|'(?:s|re|ve|m|ll|d))$")


def mentions(text: str, phrase: str) -> bool:
    """True when `text` has every content word of `phrase`, inside a word of its own ("cell" in
    "cells", "gout" in "pseudogout"), but a short one only as a word of its own or its plural
    ("hip" in "hips"): "ms" is no mention in "symptoms", nor "als" in "trials"."""
    plain = normalize(text)
    wanted = content(phrase)
    return bool(wanted) and all(
        re.search(rf"\b{re.escape(w)}(?:e?s)?\b" if len(w) <= _SHORT else re.escape(w), plain)
        for w in wanted
    )


# Words this short (abbreviations: "ms", "als", "oa") are mentioned only as words of their own.
_SHORT = 3


# A story cut into clauses: at punctuation, "and" and "but".
CLAUSE = re.compile(r"[.;,!?]+\s*|\s+(?:and|but)\s+")


def told_about(story: str, told: Sequence[str], question: str) -> str:
    """The condition of the story the question is about: the first one told in a clause
    sharing a word with the question ("... arthritis in my hip too. Will it help the hip?"),
    else the first one told."""
    asked = {w for w in content(question) if not everyday(w)}
    for clause in CLAUSE.split(story):
        shared = asked & set(content(clause))
        named = [c for c in told if mentions(clause, c)]
        if shared and named:
            return named[0]
    return told[0]
