"""The library as answer composition reads it, and the word statistics drawn from it.

`Library` names what quote choice and statement checks need of a loaded index (articles,
passages, sentences and their vectors), so they depend on these records, not on the index folder.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from mscqa.corpus.articles import Article
from mscqa.corpus.passages import Passage, Sentence
from mscqa.text.terms import lexical_tokens


class Library(Protocol):
    """One version of the library in memory; `mscqa.index.load.LoadedIndex` is one."""

    @property
    def articles(self) -> Mapping[str, Article]: ...

    @property
    def passages(self) -> Sequence[Passage]: ...

    @property
    def sentences(self) -> Sequence[Sentence]: ...

    @property
    def sentence_offset(self) -> Mapping[str, int]:
        """Article id -> row of its first sentence."""
        ...

    @property
    def sentence_vectors(self) -> np.ndarray:
        """One row per sentence, in the order of `sentences`."""
        ...

    @property
    def answer_vectors(self) -> np.ndarray | None:
        """The answer ranker's vector of each sentence, rows as `sentences`, or None."""
        ...

    @property
    def answer_model(self) -> str:
        """The `model_id` of the ranker that made `answer_vectors` ("" without them)."""
        ...

    def passage_sentences(self, passage: Passage) -> list[tuple[int, Sentence]]:
        """(row, sentence) for each sentence of a passage; rows index `sentence_vectors`."""
        ...


@dataclass(frozen=True)
class LibraryStats:
    """Per index version: the stemmed words of every sentence, their inverse frequency, and
    the library's vocabulary."""

    sentence_tokens: tuple[frozenset[str], ...]
    title_tokens: dict[str, frozenset[str]]
    article_tokens: dict[str, frozenset[str]]  # every stemmed word of each article's sentences
    idf: dict[str, float]
    unseen_idf: float
    vocabulary: frozenset[str]


_STATS: dict[int, LibraryStats] = {}


def library_stats(index: Library) -> LibraryStats:
    """Computed once per loaded index and freed with it: a server that switched to a new
    version keeps nothing of the old one."""
    key = id(index)
    stats = _STATS.get(key)
    if stats is None:
        stats = _STATS[key] = _compute_stats(index)
        weakref.finalize(index, _STATS.pop, key, None)
    return stats


def _compute_stats(index: Library) -> LibraryStats:
    tokens = tuple(frozenset(lexical_tokens(s.text, document=True)) for s in index.sentences)
    total = len(tokens)
    df: dict[str, int] = {}
    for sentence in tokens:
        for t in sentence:
            df[t] = df.get(t, 0) + 1
    idf = {t: math.log((total + 1) / (n + 0.5)) for t, n in df.items()}
    titles = {
        a.id: frozenset(lexical_tokens(a.title, document=True)) for a in index.articles.values()
    }
    vocabulary = frozenset(idf).union(*titles.values())
    words: dict[str, set[str]] = {}
    for row, stems in zip(index.sentences, tokens, strict=True):
        words.setdefault(row.article_id, set()).update(stems)
    articles = {a: frozenset(w) for a, w in words.items()}
    return LibraryStats(tokens, titles, articles, idf, math.log((total + 1) / 0.5), vocabulary)


def passage_containing(index: Library, article_id: str, start: int, end: int) -> Passage:
    """The first passage of the article that holds `text[start:end]` whole."""
    for passage in index.passages:
        if passage.article_id == article_id and passage.start <= start and end <= passage.end:
            return passage
    raise KeyError(f"no passage of article '{article_id}' holds characters {start}-{end}")
