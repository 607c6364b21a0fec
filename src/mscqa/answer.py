"""Ranked passages -> quoted answers: best sentences, sources, abstention. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np

from mscqa.index import LoadedIndex
from mscqa.passages import Passage, Sentence
from mscqa.retriever import Hit
from mscqa.terms import lexical_tokens

NOT_COVERED = (
    "The articles do not cover this question. They cover mesenchymal stem cell research on "
    "hip osteoarthritis, the immune system, multiple sclerosis, chronic pain and ALS."
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

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answered": self.answered,
            "message": self.message,
            "answers": [
                {
                    key: value
                    for key, value in asdict(q).items()
                    if key not in ("passage_start", "passage_end")
                }
                for q in self.quotes
            ],
        }


def coverage(question_tokens: Sequence[str], text: str) -> float:
    """Share of the question's distinct content words (stemmed) that occur in `text`."""
    wanted = set(question_tokens)
    if not wanted:
        return 0.0
    return len(wanted & _token_set(text)) / len(wanted)


@lru_cache(maxsize=1 << 16)
def _token_set(text: str) -> frozenset[str]:
    # Tokenising the ~150 sentences of the candidate passages was most of the cost of an
    # answer; passages that come back for many questions are tokenised once.
    return frozenset(lexical_tokens(text))


def _passage_token_set(passage: Passage, sentences: Sequence[Sentence]) -> frozenset[str]:
    """The passage's tokens as the union of its sentences' when only whitespace lies between
    them (no token crosses whitespace): the passage is not tokenised a second time."""
    edges = [passage.start, *(x for s in sentences for x in (s.start, s.end)), passage.end]
    gaps = (
        passage.text[a - passage.start : b - passage.start]
        for a, b in zip(edges[::2], edges[1::2], strict=True)
    )
    if sentences and all(not gap.strip() for gap in gaps):
        return frozenset().union(*(_token_set(s.text) for s in sentences))
    return _token_set(passage.text)


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    row: int
    start: int
    end: int
    score: float


def _best_sentence(
    question_tokens: Sequence[str], query_vector: np.ndarray, hit: Hit, index: LoadedIndex
) -> _Candidate:
    sentences = index.passage_sentences(hit.passage)
    wanted = set(question_tokens)
    passage_tokens = _passage_token_set(hit.passage, [s for _, s in sentences])
    passage_cover = len(wanted & passage_tokens) / len(wanted) if wanted else 0.0
    best: _Candidate | None = None
    for row, sentence in sentences:
        cosine = float(index.sentence_vectors[row] @ query_vector)
        sentence_score = 0.6 * cosine + 0.4 * coverage(question_tokens, sentence.text)
        if best is None or sentence_score > best.score:
            best = _Candidate(hit, row, sentence.start, sentence.end, sentence_score)
    assert best is not None
    relevance = 0.5 * max(hit.dense, best.score) + 0.5 * passage_cover
    return _Candidate(hit, best.row, best.start, best.end, relevance)


def find_quotes(
    question: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: LoadedIndex,
    *,
    top_k: int,
    min_score: float,
) -> Answer:
    """Up to `top_k` quotes, one per article first, or the "not covered" message."""
    tokens = lexical_tokens(question)
    candidates = sorted(
        (_best_sentence(tokens, query_vector, hit, index) for hit in hits),
        key=lambda c: -c.score,
    )
    chosen: list[_Candidate] = []
    seen_articles: set[str] = set()
    seen_rows: set[int] = set()
    for candidate in candidates:
        if candidate.score < min_score or len(chosen) >= top_k:
            break
        article_id = candidate.hit.passage.article_id
        if article_id in seen_articles or candidate.row in seen_rows:
            continue
        chosen.append(candidate)
        seen_articles.add(article_id)
        seen_rows.add(candidate.row)
    if not chosen:
        return Answer(question, False, NOT_COVERED, ())
    quotes = []
    for c in chosen:
        article = index.articles[c.hit.passage.article_id]
        quotes.append(
            Quote(
                article_id=article.id,
                title=article.title,
                reference=article.reference,
                quote=article.text[c.start : c.end],
                start=c.start,
                end=c.end,
                passage=c.hit.passage.text,
                passage_start=c.hit.passage.start,
                passage_end=c.hit.passage.end,
                score=round(c.score, 4),
            )
        )
    return Answer(question, True, None, tuple(quotes))
