"""A message and the conversation before it -> the standalone questions to search.

Patients write follow-ups that lean on earlier turns ("what did they find?", "and for arthritis?"),
two questions in one message, and a question at the end of a story. Pure functions over text:
nothing is generated, the patient's own words are kept and a reference is replaced by the
phrase it stands for, so the question searched can be shown ("Answering: ...")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mscqa.answers.antonyms import turned_round
from mscqa.answers.asked_before import (
    compares_with_what_was_asked,
    of_the_question_before,
    of_what_was_asked,
)
from mscqa.answers.conditions import (
    AUXILIARY,
    body_parts,
    conditions,
    drug_family_names,
    drug_names,
    is_condition,
    kind_named,
    names_part_of,
    treatments,
)
from mscqa.answers.hearsay import told_last, verdict_on, why_it_happens
from mscqa.answers.messages import (
    QUESTION_START,
    WORD,
    content,
    mentions,
    sentences,
    story_and_questions,
    told_about,
    told_before,
)
from mscqa.answers.names import authors
from mscqa.answers.phrases import (
    STUDY_PHRASE,
    determiner_phrases,
    ones_named,
    research_named,
    treatments_asked,
    trim,
)
from mscqa.answers.references import (
    find_reference,
    found_by,
    of_what_it_is,
    one_done,
    plural_referent,
    points_at_story,
    points_at_what_is_told,
    reference_kind,
    stands_for_nothing,
    subject_of,
    substitute,
)
from mscqa.search.scope import is_clinic_service, is_listed_treatment
from mscqa.text.frequency import common, everyday, technical
from mscqa.text.terms import STOPWORDS, written_out

# Content words a question of a two-question message needs, once read, to be searched alone.
MIN_PART_WORDS = 2
# Earlier turns looked at, most recent first, for the topic a follow-up leans on.
LOOK_BACK = 3
# A follow-up with at most this many content words beyond everyday English and no condition
# of its own ("did anyone have side effects?") is about the topic of the conversation.
MAX_THIN_WORDS = 2

# A follow-up that leaves out what it is about: "and for arthritis?", "what about the knee?".
_ELLIPTICAL = re.compile(
    r"^(?:and what about|and how about|what about|how about|same for|and|but|also|so|then|"
    r"ok(?:ay)?)\b[,\s]*",
    re.IGNORECASE,
)
# "at the start?", "in children?": an elliptical follow-up that only says when or in whom.
_QUALIFIER = re.compile(
    r"^(?:at|in|near|after|before|during|early|later|over|towards?|within|from)\b"
    r"(?:\s+[\w'-]+){0,4}\s*[?.!]*$",
    re.IGNORECASE,
)
# "the patients", "the results": in a follow-up that names no condition, the people and the
# outcomes of what was just talked about. Other nouns with "the" ("the immune system") name a
# topic of their own.
_DEFINITE = re.compile(
    r"\bthe\s+(?:patients?|people|participants?|volunteers?|subjects?|researchers?|"
    r"scientists?|authors?|doctors?|results?|findings?|outcomes?|study|studies|trials?|"
    r"doses?|side effects?|effects?|groups?|numbers?|scores?|data|"
    r"cells(?!\s+(?:in|of|from|for)\b))\b",
    re.IGNORECASE,
)
# The noun asked about: "which drugs ..." ("what happens to ..." asks with a verb).
_ASKED_NOUN = re.compile(
    r"^(?:what|which)\s+(?!(?:happen|cause|make|help|work|go|mean|stop|trigger|lead)"
    r"(?:s|ed|es)?\b|made\b|went\b|led\b)([a-z][\w-]+)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Part:
    """One question of a message: as typed, and as searched (`standalone`)."""

    typed: str
    standalone: str
    # Searched when the articles do not cover the question as typed: it about what the
    # conversation is about ("what happens in the late stages?" after "What is ALS?"), or "".
    fallback: str = ""
    # The story sentence its "that" stands for ("Is that normal?" after "His toes swell."), or "".
    told: str = ""

    @property
    def leaned(self) -> bool:
        return self.searched != self.typed

    @property
    def searched(self) -> str:
        """The question searched: `standalone`, with the story sentence it points at."""
        return f"{self.standalone} {self.told}" if self.told else self.standalone


@dataclass(frozen=True)
class Reading:
    """How a message is read: one or two questions, each standalone."""

    parts: tuple[Part, ...]

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(p.searched for p in self.parts)


def read_message(message: str, earlier: Sequence[str] = (), quoted: str = "") -> Reading:
    """The questions to search for `message`, given the questions of earlier turns (`earlier`,
    oldest first, as they were searched) and the research the last answer quoted (`quoted`,
    `research_quoted`). A story told before the question is context for it, the way an earlier
    turn is; a second question leans on the first. Contractions are read written out: the
    "they" of "they're" is then read as what it stands for."""
    message = written_out(message)
    parts = _read_parts(message, earlier, quoted)
    if len(parts) > 1 and any(_thin(p.standalone) for p in parts):
        # "..., and what are his hours?": a part too thin to search on its own is no
        # question of its own; the message is searched whole.
        parts = _read_parts(message, earlier, quoted, split=False)
    return Reading(tuple(parts))


def _thin(part: str) -> bool:
    """True for a part with fewer than `MIN_PART_WORDS` content words, all of them common
    English and no condition: "what are his hours?" (but "what is riluzole?" and "what is
    MS?" name what they ask about)."""
    words = content(part)
    named = any(is_condition(c) for c in conditions(part))
    return len(words) < MIN_PART_WORDS and all(common(w) for w in words) and not named


def _read_parts(
    message: str, earlier: Sequence[str], quoted: str = "", split: bool = True
) -> list[Part]:
    story, questions = story_and_questions(message, split=split)
    parts: list[Part] = []
    context = [*earlier[-LOOK_BACK:], *([story] if story else [])]
    # "the physio exercises haven't helped", "massage did nothing" tell of no condition.
    named = [c for c in conditions(story) if not (is_clinic_service(c) or is_listed_treatment(c))]
    told = named or body_parts(story)  # "my lower back is wrecked"
    for number, typed in enumerate(questions):
        standalone = standalone_question(typed, context, carry_thin=not named, quoted=quoted)
        if number and not conditions(standalone) and (few_own(typed) or _INSTEAD.search(typed)):
            # "..., and were there any side effects?", "... and are they safe?": the second
            # question of a message is about what the first one is about: research or a
            # condition, else what it asks about ("the immune system") when this one names
            # nothing of its own ("what is edaravone?" does), or when it asks for something
            # "instead" of what the first asked about.
            first, plain = parts[0].standalone, all(common(w) for w in content(typed))
            topic = topic_of(first, "named") or (topic_of(first) if plain else "")
            if topic and not mentions(standalone, topic):
                standalone = f"{_without_mark(standalone)}, in {topic}?"
        if (
            told
            and not names_part_of(standalone, told)
            and (not conditions(standalone) or points_at_story(typed, standalone, told))
        ):
            # "Can stem cells do anything for her?" after a story about her ALS (but "can
            # the meniscus grow back?" after a torn meniscus says what it asks about).
            standalone = f"{_without_mark(standalone)}, for {told_about(story, told, typed)}?"
        if context and compares_with_what_was_asked(typed):  # "can it get worse than that?"
            standalone = f"{standalone} {context[-1]}"
        # "Is that normal for gout?" after "His toes swell up at night.": searched with that
        # sentence (`Part.told`), and without it when the articles do not cover it so.
        last = told_before(story, message, typed)
        # "Is that part of ALS?" after "he has ALS and his legs are tight": what that tells
        latest = told_last(last)
        said = last if latest and points_at_what_is_told(typed, standalone, latest) else ""
        if said and earlier:  # "my wife can't take them, is that common?": them, the drugs
            said = standalone_question(said, earlier[-LOOK_BACK:])
        if said:
            why = why_it_happens(typed, latest, conditions(standalone)[0])
            if why:
                standalone, said = why, ""
        if said and _THE_ILLNESS.search(typed) and not conditions(typed):
            # "Is that part of the disease?": "that" is what is told, the disease the condition
            standalone = _THE_ILLNESS.sub(conditions(standalone)[0], typed, count=1)
        fallback = _about_the_conversation(typed, context) if standalone == typed else standalone
        parts.append(Part(typed, standalone, fallback, said))
        context = [*context, standalone]
    return parts


# "the disease" a question about what the story tells says for its condition
_THE_ILLNESS = re.compile(r"(?i)\b(?:the|this|that|his|her|my) (?:disease|illness|condition)\b")


# "why are researchers trying stem cells instead?": instead of what the first part asked about.
_INSTEAD = re.compile(r"\binstead\b", re.IGNORECASE)
# What a question asks for beside what the question before asked about.
_OTHER = re.compile(r"\b(?:other|others|else|instead|alternatives?)\b", re.IGNORECASE)


def _about_the_conversation(question: str, context: Sequence[str]) -> str:
    """`question` with the condition or research the conversation is about, or "" when it
    names a condition of its own or the conversation names none."""
    if conditions(question):
        return ""
    topic = next((t for t in (topic_of(c, "condition") for c in reversed(context)) if t), "")
    if not topic or mentions(question, topic):
        return ""
    return f"{_without_mark(question)}, in {topic}?"


def standalone_question(
    question: str, context: Sequence[str], carry_thin: bool = True, quoted: str = ""
) -> str:
    """`question` as it reads on its own: a reference ("it", "that study", "the one") is
    replaced by the topic of the latest `context` that has one, and an elliptical follow-up
    ("and for arthritis?") takes the earlier question with its condition swapped. With
    `carry_thin`, a question of two words of its own takes the topic too ("any side effects?");
    a story's condition is given to it by `read_message`. "That study" or "what did they
    find?" after a question that named no research is the research quoted (`quoted`)."""
    if not context:
        return question
    question = ones_named(_named_before(question, context), context[-1])  # "which ones?"
    said = sentences(" ".join(context[-1].split()))  # "is that true?" of what was said
    claim = verdict_on(question, said) or of_what_was_asked(question, context[-1])  # "what else?"
    if claim:
        return claim
    elliptical = _ELLIPTICAL.match(question)
    own = conditions(question)
    # "and what does the immune reaction damage?": joined to the conversation, of its topic
    # (but "and where did the cells in the tendon study come from?" names its own).
    joined = bool(elliptical and _JOINING.match(question)) and not own
    joined = joined and not STUDY_PHRASE.search(question)
    if elliptical and _JOINING.match(question):
        # "Also, how long did the back pain study last?": whole, joined to the conversation.
        elliptical = None if not few_own(question[elliptical.end() :]) else elliptical
    body = question[elliptical.end() :] if elliptical else question
    body = body[:1].upper() + body[1:] if elliptical else body
    if elliptical and own and not QUESTION_START.match(body):  # a swap, not "and is MS ..."
        previous = context[-1]
        theirs = conditions(previous)
        if theirs:
            return _replace_first(previous, theirs[0], own[0])
        return f"{_without_mark(previous)}, for {own[0]}?"
    reference = find_reference(body)
    if reference is not None and stands_for_nothing(body, reference):
        reference = None
    own = [] if reference is not None and of_what_it_is(body, own) else own  # "the pain"
    if reference and own and " " not in reference.group().strip():
        # "Is it safe for ALS?" names what it asks about: the pronoun is the treatment talked
        # about, without the condition it was talked about for.
        treatment = next((t for t in map(_treatment_of, reversed(context)) if t), "")
        return substitute(body, reference, treatment) if treatment else question
    if of_the_question_before(body, reference, context[-1]):  # "why?", "is that a lot?"
        return f"{body[:1].upper()}{body[1:]} {context[-1]}"
    # "were there side effects?", "how long does recovery take?": too few words of its own to
    # say what about, so about what the conversation is about.
    thin = carry_thin and not own and sum(not everyday(w) for w in content(body)) <= MAX_THIN_WORDS
    definite = _DEFINITE.search(body)  # "the volunteers": of the study talked about
    alone = own or not (definite or thin or joined)
    if reference is None and not elliptical and alone:
        return question
    kind = "named" if reference is None else reference_kind(body, reference)
    if reference is None and thin and not (definite or elliptical):
        kind = "condition"
    topic = next((t for t in (topic_of(c, kind) for c in reversed(context)) if t), "")
    if not topic and definite and kind == "named":  # "are the effects big?" after "MSCs ..."
        topic = next((t for t in map(_treatment_of, reversed(context)) if t), "")
    about_research = kind == "study" or bool(reference and STUDY_PHRASE.search(reference.group()))
    if quoted and about_research and not STUDY_PHRASE.search(context[-1]):
        topic = quoted
    if about_research and not (STUDY_PHRASE.search(topic) or conditions(topic)):
        topic = ""  # "that research" after a story of "a stick" is no research on a stick
    if elliptical and turned_round(body, topic):  # "and early on?" after "the later stages
        topic = next(iter(conditions(topic)), topic)  # of ALS": of ALS, not its later stages
    # "these cells" itself does not name the stem cells it stands for
    rest = body if reference is None else body[: reference.start()] + body[reference.end() :]
    lone = not topic and kind == "condition" and not _OTHER.search(body)
    if lone and not _names_what_was_asked(body, context[-1]):  # "give me examples"
        return f"{_without_mark(question)}? {context[-1]}"  # (not "are there other drugs?")
    qualified = elliptical and _QUALIFIER.match(body) and not turned_round(body, context[-1])
    if (not topic and not qualified) or (topic and mentions(rest, topic)):
        return body if elliptical else question
    if qualified:  # "and at the start?" after "Does it hurt all the time?", with no topic too
        return _qualified(context[-1], body)
    if reference is None:
        return f"{_without_mark(body)}, in {topic}?"
    named = conditions(topic)
    if reference.group().lower() == "its" and named and not _names_research_or_treatment(topic):
        topic = named[0]  # "its first symptom" after "the later stages of ALS": of ALS
    return substitute(body, reference, found_by(context[-1], body, reference) or topic)


def _names_what_was_asked(body: str, previous: str) -> bool:
    """True when `body` has a word of `previous` beyond everyday English ("immune" in "can the
    immune system turn against us?" after "Do immune cells protect us from germs?")."""
    said = {w for w in content(previous) if not everyday(w)}
    return bool(said & {w for w in content(body) if not everyday(w)})


def _qualified(previous: str, qualifier: str) -> str:
    """The question before, with the time it asked about swapped for the one `qualifier` says
    ("... at 1 year?", "and at 6 months?"), else qualified at its end."""
    said, asked = _A_TIME.search(previous), _A_TIME.fullmatch(_without_mark(qualifier))
    if said and asked:
        time = asked.group()[:1].lower() + asked.group()[1:]
        return previous[: said.start()] + time + previous[said.end() :]
    return f"{_without_mark(previous)}, {qualifier[:1].lower()}{qualifier[1:]}"


# A time a question asks about: "after a year", "at 6 months", "by age 85".
_A_TIME = re.compile(
    r"\b(?:at|after|by|within|in|over)\s+(?:an?|one|two|three|four|five|six|twelve|\d+)\s+"
    r"(?:days?|weeks?|months?|years?)\b|\b(?:at|by) age \d+\b",
    re.IGNORECASE,
)


def _names_research_or_treatment(phrase: str) -> bool:
    return bool(STUDY_PHRASE.search(phrase) or treatments(phrase))


def few_own(question: str) -> bool:
    """True when `question` has at most `MAX_THIN_WORDS` content words beyond everyday
    English: too few to say what it is about ("were there side effects?")."""
    return sum(not everyday(w) for w in content(question)) <= MAX_THIN_WORDS


_JOINING = re.compile(r"^(?:and|but|also|so|then|ok(?:ay)?)\b", re.IGNORECASE)


def _names_more(text: str, named: Sequence[str]) -> bool:
    """True when `text` has a technical word beyond the conditions it names: "riluzole" in
    "is there anything for ALS besides riluzole?", which a later "it" may mean."""
    inside = " ".join(named).lower()
    return any(technical(w) and w.lower() not in inside for w in content(text))


def research_quoted(quote: str) -> str:
    """The research a quote names, as a later "that study" means it ("in a study of patients
    with gout, ..." -> "a study on gout"; "Okafor et al. showed ..." -> "the research by
    Okafor et al."), or "" when it names none."""
    phrase = topic_of(quote, "named") if STUDY_PHRASE.search(quote) else ""
    if STUDY_PHRASE.search(phrase):
        return phrase
    credited = authors(quote)
    return f"the research by {credited[0]} et al." if credited else ""


def _named_before(question: str, context: Sequence[str]) -> str:
    """`question` with a "one" that a verb does made one of what was asked about ("could they
    run one for gout?" after "What is a cohort study?") and "that drug" the drug named before
    ("... prescribed colchicine. Does that drug help?")."""
    question = one_done(
        question, lambda: next((t for t in map(topic_of, reversed(context)) if t), "")
    )
    drugs = [d for c in context for d in drug_names(c)]
    reference = _A_DRUG.search(question) if drugs else None
    if reference is None:
        return question
    return question[: reference.start()] + drugs[-1] + question[reference.end() :]


_A_DRUG = re.compile(r"\b(?:that|this|the same)\s+drug\b", re.IGNORECASE)


def _treatment_of(text: str) -> str:
    """The treatment or drug ("riluzole") `text` names last (nearest a follow-up), or ""."""
    named = sorted([*treatments(text), *drug_family_names(text)], key=text.rfind)
    return trim(named[-1]) if named else ""


# What such a pronoun means when the conversation names a condition and no treatment: the
# treatment the articles are about ("Is it safe?" after "What is ALS?").
_THE_TREATMENT = "stem cell treatment"


def topic_of(question: str, kind: str = "any") -> str:
    """The phrase a later "it", "they" or "that study" most likely means: a piece of research
    named in `question` ("the riluzole trial", with the condition it names when the phrase
    lacks one), else a phrase with the condition, else what the question asks about with its
    condition ("drugs for ALS"), else the condition, else the last phrase with a determiner.
    For `kind` "treatment" a treatment named comes first ("stem cells for arthritis"); for
    "effect" as well, else the clinic's treatment for the condition named, when nothing else
    technical is named; for "study" the research on the topic ("the research on MS"); "named"
    takes only research or a condition, never a mere phrase with a determiner: a follow-up
    that says "the volunteers" leans on a study, not on whatever "the ..." came last;
    "condition" is "named" without the phrases with a determiner: research named, else the
    condition alone (what a follow-up of two words is about); "things" ("they", "them") the
    muscles or the steroids the question named (`plural_referent`), else as "treatment";
    "kind" the kind of a condition named; "part" ("it hurts") the part of the body named."""
    if kind == "kind":
        return kind_named(question) or topic_of(question, "named")
    if kind == "part":  # "why does it hurt?" after "my knee has been sore": the knee
        parts = body_parts(question, own=False)
        return f"the {parts[-1]}" if parts else topic_of(question, "condition")
    named = conditions(question)
    asked_for = treatments_asked(question)  # "those" after "what can doctors give for it?"
    if asked_for and kind in ("any", "things", "effect", "treatment"):
        return asked_for
    if kind == "things":
        phrase, joint = plural_referent(question, _treatment_of(question))
        studied = [research_named(question, m) for m in STUDY_PHRASE.finditer(question)]
        where = trim(studied[-1]) if studied and joint == "in" else (named or [""])[0]
        if phrase and where and not mentions(phrase, where):  # "the cells in the 2015 study"
            return f"{phrase} {joint} {where}"
        if phrase:
            return phrase
        kind = "treatment"
    if kind == "condition":
        if named and not STUDY_PHRASE.search(question):
            return named[0]
        kind = "named"
    if kind in ("treatment", "effect"):
        phrase = _treatment_of(question)
        # A condition proper ("neck pain") over another name of the lists ("massage").
        condition = next((c for c in named if is_condition(c)), "")
        if not phrase and kind == "effect" and named and not _names_more(question, named):
            # "would it help her?" after a story of her lupus: not lupus
            phrase, condition = _THE_TREATMENT, condition or named[0]
        if phrase:
            if condition and not mentions(phrase, condition):
                phrase = f"{phrase} for {condition}"
            return phrase
    if kind == "study" and not STUDY_PHRASE.search(question):
        topic = topic_of(question)
        return f"the research on {topic}" if topic else ""
    study = [research_named(question, m) for m in STUDY_PHRASE.finditer(question)]
    study = [s for s in study if len(content(s)) > 1 or named]
    study = study or [f"the research by {name} et al." for name in authors(question)]
    if study:
        phrase = trim(study[-1])
        if named and not mentions(phrase, named[0]):
            phrase = f"{phrase} on {named[0]}"
        return phrase
    phrases = determiner_phrases(question)
    with_condition = [p for p in phrases if any(mentions(p, c) for c in named)]
    if with_condition:
        return with_condition[-1]
    if named:
        asked = _ASKED_NOUN.match(question.strip())
        noun = asked.group(1) if asked else ""
        # "which drugs ..." -> "drugs for ALS"; "which autoimmune diseases" is the condition.
        if noun and noun.lower() not in AUXILIARY | STOPWORDS and not mentions(named[0], noun):
            return f"{noun} for {named[0]}"
        return named[0]
    about = _ABOUT.search(question.strip())
    if about and len(WORD.findall(about.group(1))) <= 6 and kind != "named":
        return trim(about.group(1))
    if kind == "named":
        # "which cells did the researchers inject?" after "why is the hip joint so hard to
        # repair?": the joint is what the research is about.
        parts = body_parts(question, own=False)
        return parts[-1] if parts else ""
    # "how would that work in a hip?" after "can MSCs turn into cartilage cells?": with no
    # phrase to point at, the treatment the question asked about.
    return phrases[-1] if phrases else (_treatment_of(question) or subject_of(question))


# "What is riluzole?", "Tell me about exosomes": what the question is about, named at its end.
_ABOUT = re.compile(
    r"(?:^(?:what|who)\s+(?:is|are|was|were)|\b(?:about|regarding))\s+(.+?)[\s?.!]*$",
    re.IGNORECASE,
)


def _without_mark(question: str) -> str:
    return question.rstrip().rstrip("?.!").rstrip()


def _replace_first(text: str, old: str, new: str) -> str:
    match = re.search(rf"(?<!\w){re.escape(old)}(?!\w)", text, re.IGNORECASE)
    if match is None:
        return f"{_without_mark(text)}, for {new}?"
    return text[: match.start()] + new + text[match.end() :]
