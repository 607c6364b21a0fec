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


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Word tokens of normalised text (numbers like 84.6 kept whole)."""
    return _WORD.findall(normalize(text))


def content_words(text: str) -> list[str]:
    """Words that carry meaning: stopwords dropped."""
    return [w for w in words(text) if w not in STOPWORDS]


def lexical_tokens(text: str) -> list[str]:
    """Stemmed content words: the vocabulary of the lexical (BM25) index and of overlap scores."""
    tokens = content_words(text)
    return list(_stemmer().stemWords(tokens)) if tokens else []
