"""A turn of a conversation: the message, the questions searched for it (conversation.py) and
the answer shown, the answers of its parts merged into one; and whether a follow-up's words no
article uses may still be said of the topic it leans on."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from mscqa.answers.quotes import Answer, Quote
from mscqa.answers.social import SOCIAL, asks_for_more
from mscqa.search.scope import clinic_matters
from mscqa.text.language import ENGLISH_ONLY

if TYPE_CHECKING:
    from mscqa.search.library import LibraryStats


@dataclass(frozen=True)
class Turn:
    """One message of a conversation and its reply: the answer shown (the answers of its
    parts, merged), the questions searched, and what the chat says about how it read it."""

    message: str
    answer: Answer
    parts: tuple[Answer, ...] = ()
    asked: tuple[str, ...] = ()  # the standalone questions searched
    # What later turns lean on (`asked` when not given): each question without the story
    # sentence it was searched with ("Is that normal for gout?", not "... Now his toes swell").
    leaned_on: tuple[str, ...] = ()
    understood_as: str | None = None  # set when the questions searched differ from the message
    corrected: str | None = None  # the message with its typos corrected, when any were
    language: str = "en"

    @property
    def context(self) -> tuple[str, ...]:
        """The questions of this turn a later follow-up may lean on: not a part refused as
        what only the clinic can answer ("can I book ...?" names no topic to carry over)."""
        questions = self.leaned_on or self.asked
        return tuple(question for question in questions if not clinic_matters(question))

    def to_dict(self) -> dict[str, object]:
        return self.answer.to_dict() | {
            "understood_as": self.understood_as,
            "corrected": self.corrected,
        }


def language_refusal(message: str, code: str) -> Answer:
    """The reply to a message that is not in English (`code`: the language it reads as): no
    quote, one plain sentence."""
    reason = f"The question is not in English (it reads as language “{code}”)."
    return Answer(message, False, ENGLISH_ONLY, (), reason, refusal="language")


def merge_answers(message: str, parts: Sequence[tuple[str, Answer]]) -> Answer:
    """One answer for a message of one or more questions ((question searched, answer) each):
    the quotes of every answered part, taking turns best first and never one twice, and a
    reason naming each part that is not covered."""
    if len(parts) == 1:
        return replace(parts[0][1], question=message)
    quotes: list[Quote] = []
    rounds = max(len(answer.quotes) for _, answer in parts)
    for rank in range(rounds):
        for _, answer in parts:
            if rank < len(answer.quotes):
                _add(answer.quotes[rank], quotes)
    refused = [(question, answer) for question, answer in parts if not answer.answered]
    reason = " ".join(
        f"Not covered: “{question}”" + (f" {answer.reason}" if answer.reason else ".")
        for question, answer in refused
    )
    if quotes:
        return Answer(message, True, None, tuple(quotes), reason)
    first = refused[0][1]
    terms = tuple(dict.fromkeys(t for _, answer in refused for t in answer.refusal_terms))
    return Answer(
        message, False, first.message, (), reason, refusal=first.refusal, refusal_terms=terms
    )


def more_of(message: str, history: Sequence[Turn], ask: Callable[[str], Answer]) -> Turn:
    """The reply to "tell me more": the questions of the last turn that asked something asked
    again (`ask` giving more quotes than an answer shows), keeping the quotes from the articles
    quoted for them that no turn about the same questions has shown yet, as many as the first
    answer showed. When nothing new is left the reply says so, quoting nothing."""
    asking = [turn for turn in history if turn.context]
    asked = asking[-1].context
    about = [turn.answer.quotes for turn in asking if turn.context == asked]
    shown = [q for quotes in about for q in quotes]
    articles = {q.article_id for q in shown}
    answer = merge_answers(message, [(question, ask(question)) for question in asked])
    new = tuple(
        q
        for q in answer.quotes
        if q.article_id in articles
        and not any(
            s.article_id == q.article_id and s.start < q.end and q.start < s.end for s in shown
        )
    )
    if new:
        answer = replace(answer, quotes=new[: max(len(about[0]), 1)])
    else:
        answer = Answer(message, False, NOTHING_MORE, (), "", refusal=SOCIAL)
    return Turn(message, answer, (answer,), asked, understood_as=" ".join(asked))


def follow_on(message: str, history: Sequence[Turn], ask: Callable[[str], Answer]) -> Turn | None:
    """The reply to a message about the last answer itself, or None: "tell me more"
    (`more_of`, `ask` giving more quotes) and "which journal was that in?" (`sources_of`)."""
    asking = [turn for turn in history if turn.context]
    if not asking:
        return None
    if asks_for_more(message, asking[-1].context[-1]):
        return more_of(message, history, ask)
    return sources_of(message, asking) if _SOURCES.search(message.strip()) else None


def sources_of(message: str, asking: Sequence[Turn]) -> Turn:
    """The reply to "which journal was that in?": the last answer's quotes again, each with
    its article's title and journal reference, which is what was asked."""
    answered = [turn for turn in asking if turn.answer.quotes]
    if not answered:
        return Turn(message, Answer(message, False, NO_SOURCES, (), "", refusal=SOCIAL))
    last = answered[-1]
    answer = replace(last.answer, question=message, reason="")
    return Turn(message, answer, (answer,), last.context, understood_as=SOURCES)


# "which journal was it in?", "give me the reference", "where is that from?", "when was that
# study published?": what the last answer's quotes are cited from.
_SOURCES = re.compile(
    r"\b(?:which|what)\s+(?:journal|publication)s?(?:\W*$|\s+(?:(?:was|is|were|are|did|does)"
    r"\s+|published\s+)(?:that|this|it|they|them|the\s+(?:study|article|paper|research))\b)"
    r"|\b(?:which|what)\s+(?:article|paper|source|study)\s+(?:is|was|did|does)\s+(?:that|this|it)"
    r"\s+(?:from|in|come\s+from)\b"
    r"|\b(?:give|send|show|tell)\s+me\s+(?:the\s+|a\s+|that\s+|your\s+)?(?:full\s+)?"
    r"(?:references?|sources?|citations?)(?:\s+(?:for|of)\s+(?:that|this|it|them|those))?"
    r"(?:\s+please)?\W*$"
    r"|^(?:and\s+|so\s+|ok\s+)?(?:the\s+|your\s+)?(?:references?|sources?|citations?)\W*$"
    r"|^(?:and\s+|so\s+)?where(?:'s|’s|\s+is|\s+was)\s+(?:that|this)\s+(?:quote\s+)?from\W*$"
    r"|\bwhen\s+was\s+(?:that|this|it)(?:\s+(?:study|article|paper|research))?\s+published\b"
    r"|\bhow\s+(?:do|can|should)\s+i\s+(?:cite|reference)\b"
    r"|\bwhat(?:'s|’s|\s+is)\s+the\s+(?:reference|source|citation)"
    r"(?:\s+(?:for|of)\s+(?:that|this|it))?\W*$",
    re.IGNORECASE,
)
SOURCES = "Where do the last answer's quotes come from?"
NO_SOURCES = (
    "The last answer quoted no article. Ask a question and every quote comes with its source."
)


# Not a question the articles failed to answer: the gap report leaves it out (`SOCIAL`).
NOTHING_MORE = (
    "That is all the articles say about this. Ask about another part of it, or another topic."
)


def _add(quote: Quote, shown: list[Quote]) -> None:
    """`quote` after the quotes `shown`, unless it repeats one of them. A quote sharing text
    with one shown for another part, and saying more, joins it: "how were the cells given and
    how long after were patients checked?" is answered by two sentences in a row, the first
    part's quote ending with the first and the second part's starting there, and the second
    sentence must not be dropped for repeating the first."""
    for i, q in enumerate(shown):
        if q.article_id == quote.article_id and q.start < quote.end and quote.start < q.end:
            if quote.start < q.start or q.end < quote.end:
                shown[i] = _joined(q, quote)
            return
    shown.append(quote)


def _joined(first: Quote, second: Quote) -> Quote:
    """One quote of two that overlap in the same article: their text from the earlier start
    to the later end, still verbatim, in the passages both came from joined the same way."""
    start, end = min(first.start, second.start), max(first.end, second.end)
    quote = _span(first.quote, first.start, second.quote, second.start)
    passage_start = min(first.passage_start, second.passage_start)
    passage = _span(first.passage, first.passage_start, second.passage, second.passage_start)
    return replace(
        first,
        quote=quote,
        start=start,
        end=end,
        passage=passage,
        passage_start=passage_start,
        passage_end=passage_start + len(passage),
        score=max(first.score, second.score),
    )


def _span(one: str, one_start: int, other: str, other_start: int) -> str:
    """The text two overlapping pieces of the same article cover, from their offsets."""
    if other_start < one_start:
        one, one_start, other, other_start = other, other_start, one, one_start
    return one + other[one_start + len(one) - other_start :]


def said_of_it(typed: str, unused: Sequence[str], stats: LibraryStats) -> bool:
    """True when a follow-up's words the library never uses (`unused`) may be said of the
    topic it points back at: none, or only plain English ones in a question that says "it" or
    "that" for the topic ("is that proven?"), or in one too short to say what it is about but
    with a word of its own the library uses, which a follow-up's quote must then say
    (`Engine._own_or_typed`): "do the symptoms ever settle?", not "what is gas?". Whether
    what was said holds is asked with words of doubt ("or is she exaggerating?"). A word after
    "my", "her" ... names a thing of the patient's, which is a topic of its own ("will stem
    cells regrow my hair?")."""
    from mscqa.answers.asked_before import asks_conclusion
    from mscqa.answers.conversation import few_own
    from mscqa.answers.hearsay import asks_verdict
    from mscqa.answers.phrases import asks_what_else
    from mscqa.answers.references import find_reference, own_words, places_it
    from mscqa.text.frequency import plain

    unused = [w for w in unused if not places_it(w)]  # "and towards the end?"
    if not unused or asks_conclusion(typed) or asks_what_else(typed) or asks_verdict(typed):
        return True
    if not all(plain(w) for w in unused) or owned(typed, unused):
        return False
    return find_reference(typed) is not None or (
        few_own(typed) and bool(own_words(typed, stats.idf))
    )


def owned(typed: str, unused: Sequence[str]) -> bool:
    """True when one of `unused` (words no article uses) follows "my", "her", ... in `typed`:
    a thing of the patient's ("my hair"), which is a topic of its own."""
    things = {m.group(1).lower() for m in _OWNED.finditer(typed)}
    return bool(things & {w.lower() for w in unused})


_OWNED = re.compile(r"\b(?:my|his|her|our|their|your)\s+([\w'-]+)", re.IGNORECASE)
