"""What a word or phrase of a follow-up points back to: "it", "they", "that study" and the
like, and what kind of thing each most likely stands for (answers/conversation.py puts the
conversation's topic in its place)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Container, Sequence

from mscqa.answers.asked_before import says_how_much
from mscqa.answers.conditions import conditions, joins_a_clause
from mscqa.answers.messages import content, mentions
from mscqa.answers.phrases import STUDY_PHRASE, STUDY_WORDS
from mscqa.search.scope import topic_words
from mscqa.text.frequency import common, everyday
from mscqa.text.terms import STOPWORDS, expansions, lexical_tokens

# Words and phrases that point back at something named before.
_REFERENCE = re.compile(
    r"\b(?:(?:that|this|these|those|the same)\s+(?:study|studies|trial|trials|research|review|"
    r"paper|article|analysis|meta-analysis|treatment|treatments|therapy|drug|one|ones|cells|"
    r"patients|people|results?|findings?|types?|kinds?|forms?)|the one|the ones|"
    r"(?:the|an?)\s+(?!one\b)[\w'-]+\s+one|"
    r"(?<=which )ones?|(?<=what )ones?|it|its|they|them|their|this|that|"
    r"these|those)\b",
    re.IGNORECASE,
)


def find_reference(body: str) -> re.Match[str] | None:
    """The first word or phrase of `body` that points back; "that" and "this" only where they
    stand for something ("is that safe?"), not where they join a clause to a noun ("a drug
    that slows it"); "the one", "the knee one" or "a good one" only where no noun follows it
    ("the one where ...", not "the one hip score", which says what it is)."""
    for match in _REFERENCE.finditer(body):
        word = match.group().lower()
        if word in ("that", "this", "which") and joins_a_clause(body, match.start()):
            continue
        if _ARTICLE_ONE.fullmatch(word) and _names_a_noun(body[match.end() :]):
            continue
        if says_how_much(body, match):  # "does everyone get that bad?"
            continue
        return match
    return None


# "the one", "the knee one", "a good one" (not "this one", "the same one": those point back
# whatever follows them).
_ARTICLE_ONE = re.compile(r"(?:the|an?)(?:\s+(?!same\b)[\w'-]+)?\s+ones?", re.IGNORECASE)


def one_of(topic: str) -> str:
    """What "the one" or "which one" is one of when `topic` names kinds of something: "the
    types of gout" -> "gout" (a question about one kind asks about that kind, not about the
    list of them); else `topic`."""
    kinds = _KINDS_OF.match(topic.strip())
    return kinds.group("thing") if kinds else topic


def one_done(question: str, topic: Callable[[], str]) -> str:
    """`question` with a "one" that a verb does ("could they run one for gout?", "should I
    get one?") made one of what `topic()` names ("a cohort study" -> "a study"); as typed when
    it has no such "one" or there is no topic."""
    done = _ONE_DONE.search(question)
    noun = head_noun(topic()) if done else ""
    if done is None or not noun:
        return question
    article = "an" if noun[:1].lower() in "aeiou" else "a"
    return f"{question[: done.start(1)]}{article} {noun}{question[done.end(1) :]}"


_ONE_DONE = re.compile(
    r"\b(?:do|did|does|doing|done|run|ran|have|has|had|get|got|need|needs|try|tried|perform|"
    r"performed|conduct|conducted|publish|published|start|started|want)\s+(one)\b"
    r"(?!\s+(?:of|another|more|day|time)\b)",
    re.IGNORECASE,
)


def head_noun(topic: str) -> str:
    """The noun a phrase is about, which "the knee one" is one of: "study" of "a cohort
    study", "drugs" of "drugs for gout", "trial" of "the asthma trial"."""
    words = re.split(r"\s+(?:for|on|in|of|with|by|about)\s+", topic.strip(), maxsplit=1)[0]
    return words.split()[-1] if words.split() else topic


_KINDS_OF = re.compile(
    r"(?:the\s+)?(?:(?:different|main|various|other|two|three|four|five|six|\d+)\s+)?"
    r"(?P<kind>type|kind|form|sort|stage)s\s+(?:of|for)\s+(?P<thing>.+)$",
    re.IGNORECASE,
)


def _names_a_noun(rest: str) -> bool:
    """True when the word after "the one" is no function word: a noun or its modifier."""
    following = re.match(r"\s+([\w'-]+)", rest)
    return following is not None and following.group(1).lower() not in STOPWORDS


def reference_kind(body: str, reference: re.Match[str] | None) -> str:
    """What a reference most likely points at: "study" for "they" doing what researchers do
    ("what did they find?"), "effect" for one that a treatment's effect is asked of ("is it
    safe?", "would it help?"), "treatment" for another lone pronoun ("is it painful?": patients
    ask about the treatment), "things" for "they" or "them" (the treatment named, else what
    the question before named in the plural: "the muscles"), "condition" for what something
    is done for ("what is used for this?"), otherwise "any"."""
    if reference is None:
        return "any"
    word = reference.group().lower()
    after = body[reference.end() :].split()
    if word in ("they", "them", "their") and after and _RESEARCH_VERB.match(" ".join(after)):
        return "study"
    if word == "it" and _SYMPTOM.match(body[reference.end() :]):
        return "part"  # "why does it hurt so much?": the part of the body told of
    if word in ("it", "this", "that") and _TREATED_FOR.search(body[: reference.start()]):
        return "condition"  # "what is normally used for this?": the condition
    if word in ("it", "its", "they", "them", "that", "this", "those", "these"):
        # "is that safe?", "does this work?": "that" as much as "it" is the treatment.
        if _ASKS_EFFECT.match(body[reference.end() :]):
            return "effect"
        if word in ("that", "this"):
            return "any"
        # "do they get stiff as well?" after "what does ALS do to the muscles?": the muscles;
        # "anything newer than those?" after a question on steroids: the steroids.
        return "things" if word in ("they", "them", "those", "these") else "treatment"
    if word == "ones":  # "which ones?": of the conditions or research named
        return "named"
    if word.split()[-1] in KIND_WORDS:  # "that type": the kind of a condition named
        return "kind"
    if word.split()[-1] == "cells":  # "these cells": the treatment named, stem cells
        return "treatment"
    return "any"


# What a part of the body does when it is ill: "it hurts", "it still aches", "it gives way".
_SYMPTOM = re.compile(
    r"\s+(?:(?:still|always|really|only|often|sometimes)\s+)?(?:hurts?|hurting|aches?|aching|"
    r"swells?|swelling|throbs?|throbbing|stiffens|locks?|locking|clicks?|gives way|is sore|"
    r"feels? sore)\b",
    re.IGNORECASE,
)
# What is done for a condition, just before the pronoun that stands for it.
_TREATED_FOR = re.compile(
    r"\b(?:used|use|prescribed|given|done|treatments?|cures?|therap(?:y|ies)|drugs?|"
    r"medications?|medicines?|options?|helps?|anything|something)\s+(?:for|with|against)\s*$",
    re.IGNORECASE,
)
KIND_WORDS = frozenset(["type", "types", "kind", "kinds", "form", "forms"])


# "would it help her?", "has it ever worked?", "is it safe?": what a treatment does, so
# the pronoun is a treatment even when only a condition was named before it.
# ("Can it be cured?", "does it get worse?", "is it painful?" ask about the condition.)
_ASKS_EFFECT = re.compile(
    r"\s*(?:(?!(?:be|been|being|get|gets|got)\b)[\w']+\s+){0,2}?"
    r"(?:help|helps|helped|work|works|worked|cure|cures|heal|heals|fix|fixes|reverse|"
    r"reverses|slow|slows|safe|unsafe|effective|risky|worth|proven|approved)\b",
    re.IGNORECASE,
)
_RESEARCH_VERB = re.compile(
    r"(?:find|found|show|showed|shown|measure|measured|report|reported|use|used|test|tested|"
    r"conclude|concluded|study|studied|inject|injected|give|gave|see|saw|treat|"
    r"treated|compare|compared|look|looked|follow|followed)\b"
    # "how did they get their samples?" (but "do they get stiff?", "did they get better?")
    r"|(?:get|got)\s+(?:the|a|an|their|them|it|these|those|some|any|stem|cells?|results?)\b"
    # "will they need to be repeated?": what is done to research
    r"|(?:(?:need|have|ought)\s+to\s+be|(?:will|would|should|must|could)\s+be|be)\s+"
    r"(?:repeated|replicated|redone|run|published|expanded|extended|confirmed)\b",
    re.IGNORECASE,
)


def stands_for_nothing(body: str, reference: re.Match[str]) -> bool:
    """True when the reference points at nothing said before: "they" doing to the patient
    what doctors do ("why don't they give her steroid shots?": her doctors), "they" after a
    study the question names ("what did the study find when they injected ...": its
    researchers), the "it" of "is it safe to drive after the injection?", and the "that" of
    "is that how it goes?"."""
    word, after = reference.group().lower(), body[reference.end() :]
    return bool(
        (word == "they" and _DOCTORS_DO.match(after))
        or (word in ("they", "them", "their") and STUDY_PHRASE.search(body[: reference.start()]))
        or (word == "it" and _EMPTY_IT.match(after))
        or (word == "that" and bool(_SITUATION.match(after) or _HAPPENING.match(body)))
    )


def of_what_it_is(body: str, named: Sequence[str]) -> bool:
    """True when each of the conditions `body` names (`named`) is "the" one, beside a
    reference: "the pain" of "what happens to the pain as it progresses?" is the pain of what
    "it" stands for, no condition of the question's own."""
    return bool(named) and all(
        re.search(rf"(?i)\bthe {re.escape(c)}\b(?!\s+{_OF_A_CONDITION})", body) for c in named
    )


# A condition naming what is of it ("the MS drug", "the pain clinic") is no condition asked of.
_OF_A_CONDITION = (
    r"(?:drugs?|medications?|medicines?|treatments?|therap(?:y|ies)|patients?|trials?|"
    r"stud(?:y|ies)|research|clinics?|nurses?|doctors?|specialists?|charity|group)\b"
)


# "they" doing to the patient what doctors do ("why don't they just give her ...", "will
# they let me ...") are the doctors, not a topic of the conversation.
_DOCTORS_DO = re.compile(
    r"\s+(?:[\w']+\s+)?(?:give|offer|prescribe|recommend|let|allow|tell|send|refer|put|"
    r"charge|operate on|check)\s+(?:me|him|her|us|my|his|our)\b",
    re.IGNORECASE,
)
# "is that how MS usually goes?", "is that why ...?", "does that happen a lot?": "that" is what
# was told, as a whole, and the question says itself what it asks about ("why does that
# happen?" asks why the condition told of happens).
_SITUATION = re.compile(r"\s+(?:how|why|what|when|where)\b", re.IGNORECASE)
_HAPPENING = re.compile(
    r"^(?!\s*(?:why|how)\b).*?\bthat\s+(?:happens?|happened|happening|occurs?|occurred)\b",
    re.IGNORECASE,
)
# "is it safe to drive ...?", "is it normal for the pain to ...?", "is it true that ...?"
_EMPTY_IT = re.compile(
    r"\s+(?:\w+\s+)?(?:safe|ok|okay|possible|normal|true|wise|advisable|common|usual|"
    r"too late|better|best|necessary)\s+(?:to\b|that\b|for\s+[\w' ]+?\s+to\b)"
    # "is it true there are no drugs?", "is it possible they ...": a clause without "that"
    r"|\s+(?:true|possible|likely|normal|common)\s+(?:there|i|you|we|they|he|she|most|many|"
    r"some|no|doctors|people)\b"
    # "what does it mean that the cells modulate immunity?": what follows is what is meant
    r"|\s+mean\s+(?:that|when|if)\b",
    re.IGNORECASE,
)


def plural_referent(question: str, treatment: str) -> tuple[str, str]:
    """What "they" or "them" after `question` stands for, with the word that joins it to a
    condition ("in", "for"): the last phrase of "the" and a plural noun ("the muscles", "the
    side effects of steroids"), or of a plural noun after "to" or "about" ("what happens to
    muscles in ALS?") or opening it ("exosomes in ALS research?"), unless the `treatment` named
    is outside it; else a drug class
    named when no treatment is ("steroids"); else ("", "")."""
    plural = [
        m.group()
        for m in _DEFINITE_PLURAL.finditer(question)
        if m.group(1).islower()
        and m.group(1) not in STOPWORDS
        and not _RESEARCH_NOUN.match(m.group(1))
        and not conditions(m.group(1))
    ]
    if plural and (not treatment or treatment.lower() in plural[-1].lower()):
        return plural[-1], "in"
    drugs = DRUG_CLASS.findall(question)
    if drugs and not treatment:
        return drugs[-1], "for"
    return "", ""


_DEFINITE_PLURAL = re.compile(
    r"(?:\b(?i:the)\s+|(?<=\b(?i:to) )|(?<=\b(?i:about) )|^)"
    r"(?:[a-z]+\s+)?([a-z]{3,}(?<![su])s)\b(?:\s+of\s+[\w'-]+(?:\s+cells)?)?"
)
_RESEARCH_NOUN = re.compile(r"(?:studies|trials|reviews|papers|experiments|analyses)$")
# Kinds of drug named by their class. Only "they" or "them" is taken for one: in "I'm scared
# of the steroids. Is it safe?" the "it" is the treatment the clinic is asked about.
DRUG_CLASS = re.compile(
    r"\b(?:(?:cortico)?steroids|opioids|painkillers|nsaids|anti-inflammatories|supplements|"
    r"antibiotics)\b",
    re.IGNORECASE,
)


def points_at_what_is_told(typed: str, standalone: str, last: str) -> bool:
    """True when a question about a condition says "this" or "that" for what the story's
    `last` sentence tells, which names none: "Is that normal for gout?" after "Now his toes
    swell up at night." (after "She was told she has gout.", "this" is the condition)."""
    reference = find_reference(typed)
    return (
        reference is not None
        and reference.group().lower() in ("this", "that")
        and not _TREATED_FOR.search(typed[: reference.start()])  # "what is used for this?"
        and bool(conditions(standalone))
        and not conditions(last)
    )


def points_at_story(typed: str, standalone: str, told: Sequence[str]) -> bool:
    """True when the question says "this" or "that" for what the story tells and, as read,
    names none of its conditions: "Does this mean he will get MS?" after a story of a
    clinically isolated syndrome asks about that syndrome."""
    reference = find_reference(typed)
    if reference is None or reference.group().lower() not in ("this", "that"):
        return False
    return not any(mentions(standalone, condition) for condition in told)


def found_by(asked: str, body: str, reference: re.Match[str]) -> str:
    """What the question before (`asked`) found out, for a "that" or "this" that points at its
    answer as what a follow-up judges ("is that good news?" after "What did the researchers
    conclude about stem cells for MS?": "what the researchers concluded about stem cells for
    MS"; "why does that matter?" after "What do stem cells do to T cells?": "what stem cells
    do to T cells"); "" otherwise ("where was that done?" asks about the study)."""
    judged = _JUDGED.match(body)
    asked = " ".join(asked.split())
    finding = _FINDING_ASKED.match(asked)
    doing = _DOING_ASKED.match(asked)
    if not (judged and judged.end() == reference.end()):
        return ""
    if finding:
        verb = finding.group("verb").lower()
        return f"what {finding.group('who')} {_FOUND[verb]}{finding.group('rest').rstrip(' ?.!')}"
    if doing:  # "why does that matter?" after "What do stem cells do to T cells?"
        does = doing.group("aux").lower()
        return f"what {doing.group('who')} {does if does == 'does' else 'do'}{doing.group('rest')}"
    return ""


# "is that good news?", "so is this true?", "does that mean it works?", "why does that matter?"
_JUDGED = re.compile(
    r"^(?:(?:so|and|but|ok|okay),?\s+)?(?:why\s+)?(?:is|isn't|was|does|doesn't|would|could|can)\s+"
    r"(?:that|this)\b(?!\s+(?:done|run|carried|conducted|published|tested|based|study|trial))",
    re.IGNORECASE,
)
_FOUND = {
    "find": "found", "show": "showed", "conclude": "concluded", "report": "reported",
    "discover": "discovered", "say": "said", "suggest": "suggested", "prove": "proved",
}  # fmt: skip
# "What do stem cells do to T cells?": what they do is the answer a follow-up judges.
_DOING_ASKED = re.compile(
    r"^what (?P<aux>do|does) (?P<who>.+?) do(?P<rest>\s+(?:to|for|in|with)\b[^?.!]*)[?.!]*$",
    re.IGNORECASE,
)
_FINDING_ASKED = re.compile(
    rf"^what (?:did|have|has) (?P<who>.+?) (?P<verb>{'|'.join(_FOUND)})(?P<rest>\b.*)$",
    re.IGNORECASE,
)


# "Why do transplanted organs get rejected?": the words after the question's verb that are
# not everyday English name what it asks about, which a later "that" stands for.
_ASKED_SUBJECT = re.compile(
    r"^(?:why|how|when|where|what)\s+(?:(do|does|did|can|could|would|should)|is|are|was|were)"
    r"\s+([\w'-]+(?:\s+[\w'-]+){0,3})",
    re.IGNORECASE,
)


def subject_of(question: str) -> str:
    """The subject of a question asking why, how, when or where, as far as its words are
    beyond everyday English: "transplanted organs" in "Why do transplanted organs get
    rejected?"; "" when it opens with an everyday word ("why do people ..."). After "do" or
    "can" the question's last word is its verb ("why do grafted kidneys fail?")."""
    asked = question.strip().rstrip("?.! ")
    match = _ASKED_SUBJECT.match(asked)
    words = match.group(2).split() if match else []
    if match and match.group(1) and match.end() == len(asked):
        words = words[:-1]
    subject = list(itertools.takewhile(lambda w: not everyday(w), words))
    return " ".join(subject) if len(subject) > 1 or (subject and not common(subject[0])) else ""


def substitute(body: str, reference: re.Match[str], topic: str) -> str:
    """`body` with its reference replaced by `topic`; "those results" keeps its noun ("the
    results on <topic>") unless the topic names research itself ("the riluzole trial"), and
    "those patients" keeps it always: the people of a study are not the study ("the patients
    in the riluzole trial"), nor are its cells ("the cells in the tendon study"); "these
    cells" after stem cells were named are those."""
    word = reference.group().lower()
    words = word.split()
    replacement = one_of(topic) if words[-1] == "one" or words[-1] in KIND_WORDS else topic
    if words[-1] in KIND_WORDS:  # "that type": the kind itself
        return body[: reference.start()] + replacement + body[reference.end() :]
    if len(words) == 3 and words[-1] == "one":  # "the knee one", "a good one", "the worst one"
        kinds = _KINDS_OF.match(topic.strip())
        noun = f"{kinds.group('kind')} of {kinds.group('thing')}" if kinds else head_noun(topic)
        named = " ".join([*reference.group().split()[:2], noun])
        return body[: reference.start()] + named + body[reference.end() :]
    if word == "one" and replacement == topic:  # "which one ...?" of no kinds: of the topic
        return f"{body.rstrip().rstrip('?.!').rstrip()}, in {topic}?"
    research = bool(STUDY_PHRASE.search(topic))
    if len(words) > 1 and (words[-1] in _STUDIED or (words[-1] == "cells" and research)):
        replacement = f"the {words[-1]} {'in' if research else 'with'} {topic}"
    elif words[-1] == "cells" and "cell" in topic.lower():
        replacement = re.sub(r"\bcell\b", "cells", topic)  # "these cells": the stem cells
    elif len(words) > 1 and words[-1] != "one" and not research:
        replacement = f"the {words[-1]} on {topic}"
    if word in ("their", "its"):
        replacement = topic + ("'" if topic.endswith("s") else "'s")
    start = reference.start()
    if start == 0 or body[:start].rstrip().endswith(("?", ".", "!")):
        replacement = replacement[:1].upper() + replacement[1:]
    return body[:start] + replacement + body[reference.end() :]


# The people a study treated, named by a reference ("those patients").
_STUDIED = frozenset(["patients", "people"])


def own_words(typed: str, known: Container[str]) -> frozenset[str]:
    """The stems (with the term table's expansions) of the telling words of a follow-up as
    typed that the library uses (`known`): beyond everyday English, and neither words about
    how research is done or how results compare (`topic_words`) nor the research and the
    people a follow-up points back at ("who did that study?"). "How long do the effects of a
    cortisone shot last?" -> effect, steroid, injection, ..."""
    words = [
        w for w in content(topic_words(typed)) if not everyday(w) and w.lower() not in _NOT_OWN
    ]
    said = {t for w in words for t in lexical_tokens(w)}
    # and what the table's phrases say: "early on" says "first"
    if said:
        said |= {t for e in expansions(typed) for t in lexical_tokens(e, expand=False)}
    return frozenset(t for t in said if t in known)


def places_it(word: str) -> bool:
    """True for a word placing what was talked about in time or space ("and towards the
    end?", "will it fix it eventually?"): it says what about the topic is asked, and no quote
    need say it."""
    return word.lower() in _WHEN_OR_WHERE


_WHEN_OR_WHERE = frozenset(
    ["near", "nearer", "towards", "toward", "around", "during", "until", "eventually",
     "ultimately", "someday", "finally", "soon", "sooner"]
)  # fmt: skip

# Nouns a follow-up uses for what was talked about: the research and its people.
_POINTING_BACK = frozenset(
    [*STUDY_WORDS.split("|"), "patient", "patients", "people", "participants", "volunteers",
     "subjects", "researchers", "scientists", "authors", "doctors"]
)  # fmt: skip
# Words of a follow-up that are none of its own: what it points back at, or when and where.
_NOT_OWN = _POINTING_BACK | _WHEN_OR_WHERE
