"""Split articles into sentences and overlapping passages, with exact offsets and stable ids."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from mscqa.corpus.articles import Article
from mscqa.text.terms import model_text

# pysbd is rule-based and slow on huge inputs; text is segmented paragraph by paragraph, and a
# paragraph longer than this is first cut at whitespace so that no single call gets huge input.
_SEGMENT_CHUNK_CHARS = 20_000
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A line that starts a block of its own: a heading, a list item, a table row, a quotation, or a
# "Key: value" line (authors, date, DOI).
_BLOCK_START = re.compile(r"#|[-*+•]\s|\d{1,3}[.)]\s|\||>|[A-Z][\w-]*(?: [\w-]+){0,2}:\s")
# Part of the index's fingerprint (index.status.text_fingerprint): change it whenever the code
# below changes where sentences start and end, or what models read of a sentence.
SENTENCE_RULES = (
    "3: pysbd by paragraph, lines of wrapped text joined; a sentence pointing back read after"
    " the one before"
)
# In text wrapped at a fixed width, a line before a capitalised word still fills most of it.
_WRAPPED_SHARE = 0.6
_WRAPPED_LINES = 3


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: `article.text[start:end]`, trimmed of surrounding space."""

    article_id: str
    start: int
    end: int
    text: str

    @property
    def id(self) -> str:
        return _content_id(self.article_id, self.start, self.text)


@dataclass(frozen=True)
class Passage:
    """A run of consecutive sentences of one article: `article.text[start:end]`."""

    id: str
    article_id: str
    start: int
    end: int
    text: str
    first_sentence: int  # index into the article's sentence list
    last_sentence: int  # inclusive


def sentence_reading(sentences: Sequence[Sentence], row: int) -> str:
    """What models read of the sentence at `row` of `sentences` (the index's, in article
    order): the sentence, after the one before it when it opens by pointing back at a thing
    named there ("These drugs can reduce ..." after "There are several disease-modifying
    agents ..."), whose words it leaves out. A pronoun ("It is ...", "This can ...") is left
    alone: read with the sentence before, it takes that sentence's topic as its own."""
    sentence = sentences[row]
    before = sentences[row - 1] if row else None
    if before is None or before.article_id != sentence.article_id:
        return model_text(sentence.text)
    if not _POINTS_BACK.match(sentence.text):
        return model_text(sentence.text)
    return model_text(f"{before.text} {sentence.text}")


# "These drugs", "This approach", "Such trials": a determiner and the noun it points back with.
_POINTS_BACK = re.compile(
    r"(?:These|This|Those|Such)\s+(?!(?:is|are|was|were|can|could|may|might|will|would"
    r"|should|has|have|had|does|do|did|means?|suggests?|shows?|makes?|helps?|leads?)\b)[a-z]"
)


def _content_id(article_id: str, start: int, text: str) -> str:
    """Stable across rebuilds: the same text at the same place gets the same id."""
    return hashlib.sha256(f"{article_id}\n{start}\n{text}".encode()).hexdigest()[:20]


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_sentences(article: Article) -> list[Sentence]:
    """Sentences with offsets into `article.text`, never crossing a paragraph break."""
    text = article.text
    return [
        Sentence(article.id, start, end, text[start:end]) for start, end in sentence_spans(text)
    ]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, trimmed, never crossing a paragraph break."""
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraph_spans(text):
        for chunk_start, chunk_end in _chunk_spans(text, para_start, para_end):
            chunk = _unwrapped(text[chunk_start:chunk_end])
            cursor = 0
            for span in _segmenter().segment(chunk):
                # Locate each segment from a moving cursor: pysbd's own offsets drift when a
                # sentence repeats, and this keeps `text[start:end]` exact in every case.
                piece = span.sent.strip()
                if not piece:
                    continue
                found = chunk.find(piece, cursor)
                if found < 0:
                    continue
                start = chunk_start + found
                end = start + len(piece)
                cursor = found + len(piece)
                spans.append((start, end))
    return spans


def _paragraph_spans(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _unwrapped(paragraph: str) -> str:
    """The paragraph with each line break inside running text made a space, for the splitter
    only (the length stays, so offsets hold): text wrapped at a fixed width (pasted from a PDF
    or an email) is read as the sentences it holds, not as a sentence per line. A break stays
    before a line that starts a block (`_BLOCK_START`) and, before a capital, after a line much
    shorter than the paragraph's longest (a title over its text) or in a paragraph of two lines."""
    lines = paragraph.split("\n")
    if len(lines) == 1:
        return paragraph
    width = max(len(line.strip()) for line in lines)
    wrapped = len(lines) >= _WRAPPED_LINES
    joined = [lines[0]]
    for before, line in itertools.pairwise(lines):
        before, head = before.strip(), line.lstrip()
        soft = bool(before and head) and not _BLOCK_START.match(head)
        if soft and head[0].isupper():
            soft = wrapped and len(before) >= _WRAPPED_SHARE * width
        joined += [" " if soft else "\n", line]
    return "".join(joined)


def _chunk_spans(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    while end - start > _SEGMENT_CHUNK_CHARS:
        cut = text.rfind(" ", start, start + _SEGMENT_CHUNK_CHARS)
        if cut <= start:
            cut = start + _SEGMENT_CHUNK_CHARS
        yield start, cut
        start = cut
    yield start, end


def _word_count(text: str) -> int:
    return len(text.split())


def make_passages(
    article: Article,
    sentences: Sequence[Sentence],
    max_words: int,
    overlap: int,
) -> list[Passage]:
    """Windows of whole sentences up to `max_words`, each sharing `overlap` sentences with the
    one before, so that every sentence is also seen together with the sentence before it."""
    passages: list[Passage] = []
    first = 0
    while first < len(sentences):
        last = first
        words = _word_count(sentences[first].text)
        while last + 1 < len(sentences):
            more = _word_count(sentences[last + 1].text)
            if words + more > max_words:
                break
            words += more
            last += 1
        start, end = sentences[first].start, sentences[last].end
        passage_text = article.text[start:end]
        passages.append(
            Passage(
                id=_content_id(article.id, start, passage_text),
                article_id=article.id,
                start=start,
                end=end,
                text=passage_text,
                first_sentence=first,
                last_sentence=last,
            )
        )
        if last + 1 >= len(sentences):
            break
        first = max(first + 1, last + 1 - overlap)
    return passages


def embedding_text(title: str, text: str) -> str:
    """What the model sees for a passage: the title gives each passage its topic."""
    return model_text(f"{title}. {text}")
