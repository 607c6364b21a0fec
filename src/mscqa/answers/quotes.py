"""Passages -> best-sentence quotes with exact offsets, or "not covered"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from mscqa.answers.calibration import Calibration, default_calibration, ranker_calibration
from mscqa.answers.candidates import Candidate, score_candidates
from mscqa.answers.definitions import abbreviation, defined_name, defines, what_is
from mscqa.answers.figures import (
    answers_figure_of,
    best_in_article,
    compares_change,
    counting,
    gives_figure,
    quoted_text,
)
from mscqa.answers.forms import (
    FORMS,
    asks_amount,
    asks_figure,
    asks_harm,
    has_form,
    leading_forms,
    question_forms,
)
from mscqa.answers.ranker import SentenceScorer
from mscqa.corpus.passages import Passage, Sentence
from mscqa.search.library import Library, library_stats
from mscqa.search.retriever import Hit
from mscqa.search.scope import clinic_matters, unknown_topics
from mscqa.text.terms import lexical_tokens, words

NOT_COVERED = (
    "The articles do not cover this question. They cover mesenchymal stem cell research on "
    "hip osteoarthritis, the immune system, multiple sclerosis, chronic pain and ALS."
)

_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
# A sentence opening with one of these leans on the sentence before it for its subject.
_ANAPHORA = frozenset(
    {"this", "these", "they", "it", "that", "those", "such", "he", "she", "its", "their"}
)


@dataclass(frozen=True)
class Quote:
    """A verbatim quote: `article text[start:end] == quote`, inside the passage it came from."""

    article_id: str
    title: str
    reference: str
    quote: str
    start: int
    end: int
    passage: str
    passage_start: int
    passage_end: int
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    message: str | None
    quotes: tuple[Quote, ...]
    # For "not covered": why, when the question names what the articles never mention or asks
    # what only the clinic can answer (search/scope.py); otherwise empty.
    reason: str = ""
    # For a refusal, its kind for the report of what patients ask that the articles miss:
    # "topic" (`refusal_terms`: the topics never mentioned), "clinic" (`refusal_terms`: the
    # clinic matters asked about), "language" or "not_covered"; empty when answered.
    refusal: str = ""
    refusal_terms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answered": self.answered,
            "message": self.message,
            "reason": self.reason,
            "answers": [
                {
                    key: value
                    for key, value in asdict(q).items()
                    if key not in ("passage_start", "passage_end")
                }
                for q in self.quotes
            ],
        }


def quote_span(
    question: str,
    candidate: Candidate,
    index: Library,
    probabilities: dict[int, float] | None = None,
    neighbour_ratio: float = 1.0,
) -> tuple[int, int]:
    """Offsets of the quote for a candidate: its sentence, plus a neighbouring sentence of
    the same passage and paragraph when that one carries the number asked for, the subject
    the sentence refers back to ("These cells ..."), the next sentence when it goes on about
    what the sentence named ("... turned to MSCs ... These cells have the ability to ..."),
    or scores at least `neighbour_ratio`
    times the sentence's own probability (`probabilities`: sentence row -> probability).
    A list item comes with the line that introduces the list ("... divided into 4 types:"),
    and such a line with the first item."""
    sentences = index.sentences
    row = candidate.row
    first, last = _passage_rows(candidate, index)
    neighbours = [
        n
        for n in (row + 1, row - 1)
        if first <= n <= last and _same_paragraph(sentences, row, n, index)
    ]
    text = sentences[row].text
    added: list[int] = []
    if asks_amount(question):
        # The neighbour that states more figures than the sentence itself ("They compared
        # the scores before and 6 months after treatment." + the scores); a paragraph may
        # open with the figures, so it may be in the next paragraph of the passage.
        figures = len(_FIGURE.findall(text))
        richer = [
            n
            for n in (row + 1, row - 1)
            if first <= n <= last and len(_FIGURE.findall(sentences[n].text)) > figures
        ]
        added += sorted(richer, key=lambda n: -len(_FIGURE.findall(sentences[n].text)))[:1]
    else:
        # The neighbour in the paragraph that has the form of answer asked for (a source, a
        # reason, a finding, ...) when the sentence itself does not.
        forms = question_forms(question)
        if forms and not has_form(forms, text):
            added += [n for n in neighbours if has_form(forms, sentences[n].text)][:1]
    opening = words(text)[:1]
    if opening and opening[0] in _ANAPHORA and row - 1 in neighbours:
        added.append(row - 1)
    if first <= row - 1 and _introduces(row - 1, row, index):
        added.append(row - 1)
    elif row + 1 <= last and _introduces(row, row + 1, index):
        added.append(row + 1)
    following = words(sentences[row + 1].text)[:2] if row + 1 in neighbours else []
    if not added and following[:1] in (["these"], ["this"]) and following[1:] != ["is"]:
        added.append(row + 1)  # "These cells have ...": what the sentence named, continued
    elif not added and row + 1 in neighbours and _goes_on(question, text, sentences[row + 1].text):
        added.append(row + 1)
    if probabilities and not added:
        own = probabilities.get(row, candidate.probability)
        close = [n for n in neighbours if probabilities.get(n, 0.0) >= neighbour_ratio * own]
        added += sorted(close, key=lambda n: -probabilities[n])[:1]
    rows = [row, *added]
    return min(sentences[r].start for r in rows), max(sentences[r].end for r in rows)


def _goes_on(question: str, text: str, following: str) -> bool:
    """True when `following` goes on about what `text` named ("However, neither of these
    drugs is a cure") and says a word of `question` that `text` does not ("cure")."""
    if not _GOES_ON.match(following):
        return False
    said = set(lexical_tokens(following, document=True)) - set(lexical_tokens(text, document=True))
    return bool(set(lexical_tokens(question)) & said)


_GOES_ON = re.compile(
    r"(?:(?:however|but|yet|still|moreover|indeed|also|and),?\s+)?"
    r"(?:(?:neither|none|both|all|each|one|either) of\s+)?(?:these|this|those)\s+(?!is\b)",
    re.IGNORECASE,
)


def _introduces(row: int, following: int, index: Library) -> bool:
    """True when sentence `row` ends in a colon and opens the list `following` is in."""
    sentences = index.sentences
    return sentences[row].text.rstrip().endswith(":") and (
        sentences[row].article_id == sentences[following].article_id
    )


def _passage_rows(candidate: Candidate, index: Library) -> tuple[int, int]:
    base = index.sentence_offset[candidate.hit.passage.article_id]
    passage = candidate.hit.passage
    return base + passage.first_sentence, base + passage.last_sentence


def _same_paragraph(sentences: Sequence[Sentence], a: int, b: int, index: Library) -> bool:
    first, second = sorted((a, b))
    if sentences[first].article_id != sentences[second].article_id:
        return False
    text = index.articles[sentences[first].article_id].text
    return "\n" not in text[sentences[first].end : sentences[second].start]


def _span(passage: Passage) -> tuple[int, int]:
    return passage.start, passage.end


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def repeats(
    sentence: Sentence,
    start: int,
    end: int,
    chosen: Sequence[tuple[Candidate, int, int]],
    index: Library,
) -> bool:
    """True when a quote (`start`:`end`, around `sentence`) would repeat one of the `chosen`
    quotes: it shares text with one, or its sentence is in the passage shown with one, or an
    article says its sentence word for word in a quote shown (an abstract's sentence again in
    the body). A sentence the reader has not seen yet is quoted even when the sentence it leans
    on for its subject ("They injected ...") closes a passage shown above."""
    said = " ".join(sentence.text.split())
    quoted = " ".join(index.articles[sentence.article_id].text[start:end].split())
    return any(
        (
            c.hit.passage.article_id == sentence.article_id
            and (
                _overlaps(start, end, s, e)
                or _overlaps(sentence.start, sentence.end, *_span(c.hit.passage))
            )
        )
        or said in " ".join(index.articles[c.hit.passage.article_id].text[s:e].split())
        or " ".join(index.sentences[c.row].text.split()) in quoted
        for c, s, e in chosen
    )


def not_covered_reason(question: str, unknown: Sequence[str]) -> str:
    """Why a question is not covered, in plain words, from the topics `unknown_topics` found
    in it; empty when it names none."""
    clinic = clinic_matters(question)
    named = [topic for topic in unknown if topic not in clinic]
    reasons = []
    if named:
        reasons.append(f"The articles never mention {_listed(_as_written(question, named))}.")
    if clinic:
        reasons.append(
            "It asks what only the clinic can answer (its own services, or one patient's "
            "treatment): please ask the clinic's staff."
        )
    return " ".join(reasons)


# Why a question asking for a number is not covered when no quote found for it states one.
NO_FIGURE = "The articles give no number that answers it."
# Why a question whether a treatment did harm is not covered when its quote says nothing of it.
NO_HARM = "The articles do not say whether it did harm."


def refused(question: str, unknown: Sequence[str], why: str = "") -> Answer:
    """The "not covered" answer, with its reason (`why` when the topics give none) and its
    kind (`Answer.refusal`)."""
    clinic = clinic_matters(question)
    named = tuple(topic for topic in unknown if topic not in clinic)
    kind, terms = (
        ("topic", named) if named else ("clinic", tuple(clinic)) if clinic else ("not_covered", ())
    )
    return Answer(
        question,
        False,
        NOT_COVERED,
        (),
        not_covered_reason(question, unknown) or why,
        refusal=kind,
        refusal_terms=terms,
    )


def _as_written(question: str, topics: Sequence[str]) -> list[str]:
    """Each topic as the question writes it ("PRP" for "prp"), where it can be found."""
    written = []
    for topic in topics:
        pattern = re.escape(topic).replace("'", "['’]")
        match = re.search(rf"(?<!\w){pattern}(?!\w)", question, re.IGNORECASE)
        written.append(match.group() if match else topic)
    return written


def _listed(topics: Sequence[str]) -> str:
    quoted = [f"“{t}”" for t in dict.fromkeys(topics)]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _led_by(
    first: Candidate,
    chosen: Sequence[tuple[Candidate, int, int]],
    question: str,
    index: Library,
    probabilities: dict[int, float],
    neighbour_ratio: float,
) -> list[tuple[Candidate, int, int]]:
    """The `chosen` quotes led by the quote of `first`, without those that would repeat it."""
    lead = (first, *quote_span(question, first, index, probabilities, neighbour_ratio))
    return [
        lead,
        *(c for c in chosen if not repeats(index.sentences[c[0].row], *c[1:], [lead], index)),
    ]


def find_quotes(
    question: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: Library,
    *,
    top_k: int,
    min_score: float,
    min_quote_score: float = 0.0,
    known_similarity: float = 1.0,
    neighbour_ratio: float = 0.5,
    calibration: Calibration | None = None,
    ranker: SentenceScorer | None = None,
    ranker_candidates: int = 12,
    ranker_model: Calibration | None = None,
    ranker_weight: float = 0.0,
    asking: bool = True,
    asked: str | None = None,
) -> Answer:
    """The "not covered" message when P(covered) < `min_score`; otherwise the best quote and
    up to `top_k` - 1 more scoring at least `min_quote_score`, best first, never repeating
    one above (`repeats`). Quotes from several articles come out when they score well in each.
    With a `ranker` the sentences are scored as `score_candidates` says, and P(covered) comes
    from `ranker_model` (`min_score` must then be its threshold); with a `ranker_weight` it
    only reorders them (`fuse`) and P(covered) is that of the best sentence without it.
    `asking` (a question, not a statement): one only a number answers ("What five-year survival
    rate for ALS?") is not covered when no quote states a number, and technical terms no article
    uses are unknown topics (`unknown_topics`). `asked`: as `sentence_features`."""
    calibration = calibration or default_calibration()
    ranking = (ranker, ranker_candidates, ranker_model, ranker_weight, asked)
    scored = score_candidates(question, query_vector, hits, index, calibration, *ranking)
    fused = ranker is not None and ranker_weight > 0
    final = calibration
    best = scored[0] if scored else None
    if fused:
        best = max(scored, key=lambda c: (c.probability, -c.row)) if scored else None
    elif ranker is not None:
        final = ranker_model or ranker_calibration()
    stats = library_stats(index)
    unknown = unknown_topics(question, stats.vocabulary, asking, stats.sentence_tokens)
    if best is None or final.covered(best.features, known_similarity, bool(unknown)) < min_score:
        return refused(question, unknown)
    candidates = scored[:1] + [c for c in scored[1:] if c.probability >= min_quote_score]
    probabilities = {c.row: c.probability for c in scored}
    chosen: list[tuple[Candidate, int, int]] = []
    for candidate in candidates:
        if len(chosen) >= top_k:
            break
        start, end = quote_span(question, candidate, index, probabilities, neighbour_ratio)
        if not repeats(index.sentences[candidate.row], start, end, chosen, index):
            chosen.append((candidate, start, end))
    if not chosen:
        return refused(question, unknown)
    figure = asks_figure(question)
    if asking and figure and not gives_figure(question, chosen[0], index):
        counted = counting(question, scored, chosen[0][0], index)
        said = answers_figure_of(question, chosen, index)
        said = said or compares_change(question, quoted_text(chosen[0], index))
        if counted is None and not said:
            return refused(question, unknown, NO_FIGURE)
        if counted is not None:
            chosen = _led_by(counted, chosen, question, index, probabilities, neighbour_ratio)
            chosen = chosen[:top_k]
    # A question only a number answers keeps the lead the figure gave it.
    shaped = _shaped(question, scored, chosen[0], index) if asking and not figure else None
    if shaped is not None:
        chosen = _led_by(shaped, chosen, question, index, probabilities, neighbour_ratio)[:top_k]
    if asking and asks_harm(question) and not _speaks_of_harm(chosen[0], index):
        return refused(question, unknown, NO_HARM)
    return Answer(question, True, None, tuple(_quote(*quote, index) for quote in chosen))


def _speaks_of_harm(quote: tuple[Candidate, int, int], index: Library) -> bool:
    """True when the article of the quote (candidate, start, end) speaks of safety or harm
    anywhere (a sentence the question did not retrieve may answer it): a question whether a
    treatment did harm is not answered by an article that never speaks of it."""
    return has_form(_SAFETY, index.articles[quote[0].hit.passage.article_id].text)


# What a sentence that speaks of safety or harm says ("were safe", "adverse events").
_SAFETY = tuple(form for form in FORMS if form.name == "safety")


def _shaped(
    question: str,
    scored: Sequence[Candidate],
    first: tuple[Candidate, int, int],
    index: Library,
) -> Candidate | None:
    """When the first quote has not got the form of answer `question` must have
    (`leading_forms`: what is still needed, how big the studies were; for "What is X?", a
    sentence saying "X is a ..."), the best-scored sentence of its article that has it;
    otherwise None."""
    said = quoted_text(first, index)
    name = defined_name(question) if what_is(question) else ""
    if name and not defines(name, said):
        # "What is the Harris Hip Score?" of an article saying "HHS is a reliable way ..."
        article = index.articles[first[0].hit.passage.article_id].text
        short = abbreviation(name, article)
        found = best_in_article(
            scored,
            first[0],
            index,
            # the sentence bringing in the abbreviation spells it out; it says not what it is
            lambda text: (
                defines(name, text)
                or bool(short and defines(short, text) and not abbreviation(name, text))
            ),
        )
        if found is not None:
            return found
    forms = leading_forms(question)
    if not forms or has_form(forms, said):
        return None
    return best_in_article(scored, first[0], index, lambda text: has_form(forms, text))


def _quote(candidate: Candidate, start: int, end: int, index: Library) -> Quote:
    """The quote of `candidate` cut at [start, end) of its article, with its passage."""
    passage = candidate.hit.passage
    article = index.articles[passage.article_id]
    return Quote(
        article_id=article.id,
        title=article.title,
        reference=article.reference,
        quote=article.text[start:end],
        start=start,
        end=end,
        passage=passage.text,
        passage_start=passage.start,
        passage_end=passage.end,
        score=round(candidate.probability, 4),
    )
