"""What the app says around the quotes: relevance labels, covered topics, citations, context."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mscqa.config import Settings
from mscqa.corpus.articles import Article
from mscqa.index.load import LoadedIndex

STRONG = "Closely matches your question"
GOOD = "Matches your question"
WEAK = "May relate to your question"


def relevance_label(score: float, settings: Settings) -> str:
    """A plain-language reading of an answer score, banded by the thresholds in Settings."""
    if score >= settings.relevance_strong:
        return STRONG
    if score >= settings.relevance_good:
        return GOOD
    return WEAK


@dataclass(frozen=True)
class ArticleSummary:
    id: str
    title: str
    reference: str
    passages: int


def article_summaries(index: LoadedIndex) -> list[ArticleSummary]:
    """Every indexed article with its passage count, in title order."""
    counts = Counter(passage.article_id for passage in index.passages)
    articles = sorted(index.articles.values(), key=lambda a: a.title.casefold())
    return [ArticleSummary(a.id, a.title, a.reference, counts[a.id]) for a in articles]


def covered_topics(index: LoadedIndex) -> list[str]:
    """The topics the articles cover, named by their titles (for the "not covered" reply)."""
    return [summary.title for summary in article_summaries(index)]


def citation(article: Article, quote: str) -> str:
    """A citation to paste into a letter or a note: the quote, the title and the reference."""
    return f"“{quote}” — {article.title}. {article.reference}"
