"""Questions only a number answers: whether a quote gives the figure asked for, and the
sentence of an article that does (`quotes.find_quotes`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from mscqa.answers.candidates import Candidate
from mscqa.answers.definitions import normalized
from mscqa.answers.forms import (
    LENGTH_OF_TIME,
    answers_figure,
    asks_time,
    counted_noun,
    counts,
    states_figure,
)
from mscqa.search.library import Library
from mscqa.text.frequency import everyday
from mscqa.text.terms import CITATION, content_words, stem


def answers_figure_of(
    question: str, chosen: Sequence[tuple[Candidate, int, int]], index: Library
) -> bool:
    """True when one of the chosen quotes (candidate, start, end) of the first one's article
    can answer `question`, which only a number answers (`answers_figure`): a figure of another
    article's study is no figure of the study asked about."""
    article = chosen[0][0].hit.passage.article_id
    return any(
        answers_figure(question, quoted_text(quote, index))
        for quote in chosen
        if quote[0].hit.passage.article_id == article
    )


def quoted_text(quote: tuple[Candidate, int, int], index: Library) -> str:
    """The words of a chosen quote (candidate, start, end)."""
    candidate, start, end = quote
    return index.articles[candidate.hit.passage.article_id].text[start:end]


def gives_figure(question: str, quote: tuple[Candidate, int, int], index: Library) -> bool:
    """True when the quote (candidate, start, end) answers a question only a number answers
    with a figure of what it counts or measures, not one of something else ("20 adults" for
    how much grip rose)."""
    text = quoted_text(quote, index)
    if not answers_figure(question, text):
        return False
    if counted_noun(question) or asks_time(question):
        return True
    return measures(_without_shares(question, text), _telling_stems(question))


def _telling_stems(question: str) -> frozenset[str]:
    """The stems of the words of `question` beyond everyday English: what a figure that
    answers it is of ("mortality", "children"; not "much", "go")."""
    return frozenset(stem(w) for w in content_words(question) if not everyday(w))


def counting(
    question: str, scored: Sequence[Candidate], top: Candidate, index: Library
) -> Candidate | None:
    """The best-scored sentence of `top`'s article that gives a number of what a "how many"
    question counts ("15-40 patients"), or a figure beside one of the telling words of another
    question only a number answers ("by how much did grip strength go up?": "grip strength rose
    from 18 kg ..."), or None. The question is answered by it however low it ranked among the
    words of the question."""
    counted = counted_noun(question)
    measured = frozenset() if counted or asks_time(question) else _telling_stems(question)
    if not (counted or measured):
        return None
    if counted:
        return best_in_article(scored, top, index, lambda text: counts(text, counted))
    return best_in_article(
        scored, top, index, lambda text: measures(_without_shares(question, text), measured)
    )


def _without_shares(question: str, text: str) -> str:
    """`text` without its shares of people ("1 in 3 Americans") when `question` asks how much
    something changed ("how much did pain improve?"): how common a thing is says nothing of
    how far it moved."""
    return _SHARE.sub(" ", text) if _CHANGE.search(question.lower()) else text


def compares_change(question: str, text: str) -> bool:
    """True when `question` asks how much something changed and `text` says it by comparison,
    without a number: "decreased to the same levels as people who underwent surgery"."""
    return bool(_CHANGE.search(question.lower()) and _COMPARED.search(text.lower()))


_COMPARED = re.compile(
    r"\b(?:to|at) (?:the )?same levels? as\b|\bas (?:much|well|far|low|high) as\b|\btwice\b"
    r"|\b(?:doubled|halved|tripled|by half)\b|\b(?:more|less|better|worse|further) than\b"
)
_CHANGE = re.compile(
    r"\b(?:improv\w*|decreas\w*|reduc\w*|increas\w*|chang\w*|drop\w*|fall|fell|fallen|rise|"
    r"rose|risen|(?:go|goes|went|gone) (?:up|down)|better|worse|eas(?:e|ed))\b"
)
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a hundred|a thousand)"
_SHARE = re.compile(rf"\b{_NUMBER} (?:in|out of) {_NUMBER} [A-Za-z-]+", re.IGNORECASE)


def best_in_article(
    scored: Sequence[Candidate], top: Candidate, index: Library, says: Callable[[str], bool]
) -> Candidate | None:
    """The best-scored sentence of `top`'s article whose text `says` is true of, or None."""
    article = top.hit.passage.article_id
    return next(
        (
            c
            for c in scored
            if c.hit.passage.article_id == article and says(index.sentences[c.row].text)
        ),
        None,
    )


def measures(text: str, measured: frozenset[str]) -> bool:
    """True when `text` gives a figure, other than a length of time, within a few words of one
    of the question's telling words (stems, `_telling_stems`): "grip strength rose from
    18 kg" for how much grip rose, but not "20 adults ... measured their grip"."""
    said = _WORDS.findall(CITATION.sub(" ", LENGTH_OF_TIME.sub(" ", normalized(text))))
    named = [i for i, w in enumerate(said) if stem(w) in measured]
    figures = [i for i, w in enumerate(said) if states_figure(w)]
    return any(abs(i - j) <= MEASURE_SPAN for i in named for j in figures)


# How many words apart a figure and what it measures may stand: "grip strength rose from 18".
MEASURE_SPAN = 6


_WORDS = re.compile(r"[a-z0-9']+")
