"""Text normalisation shared by questions and passages: case, quotes, abbreviations, stems."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")
# Control and direction-override characters, and lone surrogates (a JSON request can carry
# "\ud800"; the model's tokenizer refuses text that is not valid Unicode).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)

_DATA = Path(__file__).parent / "data"


def _read_word_list(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


STOPWORDS = _read_word_list("stopwords.txt")


def clean_text(text: str) -> str:
    """Strip control and direction-override characters; keep everything a person typed."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def normalize(text: str) -> str:
    """Lower case with straight quotes and plain dashes: for matching, never for display."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()


def _read_term_table(name: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for number, line in enumerate((_DATA / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        term, sep, expansion = line.partition("\t")
        if not sep or not term.strip() or not expansion.strip():
            raise ValueError(f"{name}:{number}: expected 'term<TAB>expansion', got {line!r}")
        table[normalize(term.strip())] = normalize(expansion.strip())
    return table


TERMS = _read_term_table("terms.tsv")
# Longest terms first, so that "lou gehrig's disease" wins over "lou gehrig".
_TERM_PATTERN = re.compile(
    r"(?<![a-z0-9])("
    + "|".join(re.escape(t) for t in sorted(TERMS, key=lambda t: (-len(t), t)))
    + r")(?![a-z0-9])"
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def expansions(text: str) -> list[str]:
    """The term-table expansions of the abbreviations and lay terms in `text`, in order."""
    found: list[str] = []
    for match in _TERM_PATTERN.finditer(normalize(text)):
        expansion = TERMS[match.group(1)]
        if expansion not in found:
            found.append(expansion)
    return found


def expand_terms(text: str) -> str:
    """Normalised `text` followed by its expansions: applied to questions and passages alike."""
    extra = expansions(text)
    plain = normalize(text)
    return f"{plain} {' '.join(extra)}" if extra else plain


def term_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the term-table entries in `text` (normalising keeps offsets for the
    plain text people type; NFKC changes of length are rare enough to be ignored)."""
    return [m.span(1) for m in _TERM_PATTERN.finditer(normalize(text))]


_WORD_SPAN = re.compile(r"[\w'’]+")


def known_words_only(text: str, vocabulary: frozenset[str]) -> str:
    """`text` without the words a library never uses (term-table entries are kept, their
    expansions are known). "Can stem cells treat tinnitus?" -> "Can stem cells treat"."""
    spans = term_spans(text)
    kept = []
    for match in _WORD_SPAN.finditer(text):
        inside_term = any(s <= match.start() < e for s, e in spans)
        tokens = lexical_tokens(match.group(), expand=False)
        if inside_term or not tokens or any(t in vocabulary for t in tokens):
            kept.append(match.group())
    return " ".join(kept)


def words(text: str) -> list[str]:
    """Word tokens of normalised text (numbers like 84.6 kept whole)."""
    return _WORD.findall(normalize(text))


def content_words(text: str) -> list[str]:
    """Words that carry meaning: stopwords dropped."""
    return [w for w in words(text) if w not in STOPWORDS]


def stem(word: str) -> str:
    """The stem of one normalised word, as the lexical index stores it."""
    return str(_stemmer().stemWord(normalize(word)))


def lexical_tokens(text: str, expand: bool = True) -> list[str]:
    """Stemmed content words of the text and its term expansions: the vocabulary of the
    lexical (BM25) index and of overlap scores."""
    tokens = content_words(expand_terms(text) if expand else text)
    return list(_stemmer().stemWords(tokens)) if tokens else []
