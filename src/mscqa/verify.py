"""Statement -> the sentences that back it, a verdict, and a check of its numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from mscqa.answer import find_quotes
from mscqa.index import LoadedIndex
from mscqa.retriever import Hit
from mscqa.terms import normalize, words

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
NOT_FOUND = "not_found"

_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?:\s?%)?")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "half": "50%",
}  # fmt: skip
_NEGATIONS = frozenset(
    {
        "not",
        "no",
        "never",
        "none",
        "neither",
        "nor",
        "cannot",
        "without",
        "unlikely",
        "fail",
        "failed",
    }
)


@dataclass(frozen=True)
class Evidence:
    article_id: str
    title: str
    reference: str
    quote: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Verdict:
    statement: str
    verdict: str
    evidence: tuple[Evidence, ...]
    matched: tuple[str, ...]
    unmatched: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "statement": self.statement,
            "verdict": self.verdict,
            "evidence": [asdict(e) for e in self.evidence],
            "numbers": {"matched": list(self.matched), "unmatched": list(self.unmatched)},
        }


def extract_numbers(text: str) -> list[str]:
    """Numbers as written ("84.6", "16%", "one"), in order, without repeats."""
    found: list[str] = []
    for match in _NUMBER.finditer(normalize(text)):
        value = match.group().replace(" ", "")
        if value not in found:
            found.append(value)
    for word in words(text):
        if word in _NUMBER_WORDS and word not in found:
            found.append(word)
    return found


def _number_value(number: str) -> str:
    number = _NUMBER_WORDS.get(number, number)
    return number.rstrip("%").replace(",", "")


def _numbers_in(text: str) -> set[str]:
    return {_number_value(n) for n in extract_numbers(text)}


def _negated(text: str) -> bool:
    tokens = words(text.replace("n't", " not").replace("n’t", " not"))
    return any(t in _NEGATIONS for t in tokens)


def check_statement(
    statement: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: LoadedIndex,
    *,
    top_k: int,
    min_score: float,
) -> Verdict:
    """Verdict `supported`, `contradicted` or `not_found`, with evidence and number check."""
    answer = find_quotes(statement, query_vector, hits, index, top_k=top_k, min_score=min_score)
    numbers = extract_numbers(statement)
    if not answer.answered:
        return Verdict(statement, NOT_FOUND, (), (), tuple(numbers))
    evidence = tuple(
        Evidence(q.article_id, q.title, q.reference, q.quote, q.start, q.end, q.score)
        for q in answer.quotes
    )
    best = answer.quotes[0]
    evidence_numbers = _numbers_in(best.quote) | _numbers_in(best.passage)
    matched = tuple(n for n in numbers if _number_value(n) in evidence_numbers)
    unmatched = tuple(n for n in numbers if _number_value(n) not in evidence_numbers)
    if unmatched or _negated(statement) != _negated(best.quote):
        verdict = CONTRADICTED
    else:
        verdict = SUPPORTED
    return Verdict(statement, verdict, evidence, matched, unmatched)
