"""Statement -> the sentences that back it, a verdict, and a check of its numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mscqa.answer import Calibration, find_quotes
from mscqa.index import LoadedIndex
from mscqa.retriever import Hit
from mscqa.terms import STOPWORDS, lexical_tokens, normalize, stem, words

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
NOT_FOUND = "not_found"

_DATA = Path(__file__).parent / "data"
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?:\s?%)?")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "half": "50%",
}  # fmt: skip
_NEGATIONS = frozenset(
    {"not", "no", "never", "none", "neither", "nor", "cannot", "without", "fail", "failed",
     "fails", "lack", "lacks", "unable"}
)  # fmt: skip
# Clauses end at punctuation and at the conjunctions that turn an argument around.
_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]|\s-\s|\b(?:but|however|although|while|whereas)\b")
# A number the evidence states differently contradicts only when the evidence is likely about
# the statement at all (calibrated quote score, see answer.py); otherwise it is not found.
_NUMBER_CONFIDENCE = 0.5


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


def numbers_in(text: str) -> set[str]:
    """Values of the numbers in `text`: "16%" and "16" are the same value, "one" is "1"."""
    return {_number_value(n) for n in extract_numbers(text)}


def check_numbers(statement: str, evidence: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(matched, unmatched): the statement's numbers found, and not found, in the evidence."""
    found = numbers_in(evidence)
    numbers = extract_numbers(statement)
    matched = tuple(n for n in numbers if _number_value(n) in found)
    unmatched = tuple(n for n in numbers if _number_value(n) not in found)
    return matched, unmatched


@lru_cache(maxsize=1)
def _antonyms() -> dict[str, frozenset[str]]:
    pairs: dict[str, set[str]] = {}
    for line in (_DATA / "antonyms.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, b = (stem(w.strip()) for w in line.split("\t"))
        pairs.setdefault(a, set()).add(b)
        pairs.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in pairs.items()}


def clauses(text: str) -> list[str]:
    """`text` cut at commas, semicolons, dashes and turning conjunctions ("but", "however")."""
    plain = normalize(text).replace("n't", " not")
    return [c.strip() for c in _CLAUSE_BREAK.split(plain) if c and c.strip()]


def negated(clause: str) -> bool:
    """True when a negation word governs something: "does not improve function" is negated,
    the elliptical "than those who do not" is not."""
    tokens = words(clause.replace("n't", " not"))
    for i, token in enumerate(tokens):
        if token in _NEGATIONS and any(t not in STOPWORDS for t in tokens[i + 1 : i + 5]):
            return True
    return False


def _content(clause: str) -> set[str]:
    return set(lexical_tokens(clause, expand=False))


def opposed(statement: str, evidence: str) -> bool:
    """True when the evidence says the opposite of the statement: a clause about the same
    thing with the other polarity (one negated, one not), or an antonym in its place."""
    antonyms = _antonyms()
    evidence_clauses = [(c, _content(c)) for c in clauses(evidence)]
    for clause in clauses(statement):
        words_here = _content(clause)
        if not words_here:
            continue
        overlap, best = max(
            ((len(words_here & ws), c) for c, ws in evidence_clauses), default=(0, "")
        )
        if overlap == 0:
            continue
        best_words = _content(best)
        if overlap >= min(2, len(words_here)) and negated(clause) != negated(best):
            return True
        for word in words_here - best_words:
            if antonyms.get(word, frozenset()) & (best_words - words_here):
                return True
    return False


def judge(statement: str, evidence: Sequence[str], context: str) -> tuple[str, tuple, tuple]:
    """Verdict of a statement against its best evidence sentences (best first) and the text
    around them (`context`, for numbers): (verdict, matched numbers, unmatched numbers)."""
    matched, unmatched = check_numbers(statement, context)
    if unmatched:
        # A number the evidence states differently contradicts; one it never states is unshown.
        return (CONTRADICTED if numbers_in(context) else NOT_FOUND), matched, unmatched
    if any(opposed(statement, sentence) for sentence in evidence):
        return CONTRADICTED, matched, unmatched
    return SUPPORTED, matched, unmatched


def check_statement(
    statement: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: LoadedIndex,
    *,
    top_k: int,
    min_score: float,
    min_quote_score: float = 0.0,
    known_similarity: float = 1.0,
    neighbour_ratio: float = 0.5,
    calibration: Calibration | None = None,
) -> Verdict:
    """Verdict `supported`, `contradicted` or `not_found`, with evidence and number check."""
    answer = find_quotes(
        statement,
        query_vector,
        hits,
        index,
        top_k=top_k,
        min_score=min_score,
        min_quote_score=min_quote_score,
        known_similarity=known_similarity,
        neighbour_ratio=neighbour_ratio,
        calibration=calibration,
    )
    numbers = extract_numbers(statement)
    if not answer.answered:
        return Verdict(statement, NOT_FOUND, (), (), tuple(numbers))
    best = answer.quotes[0]
    verdict, matched, unmatched = judge(statement, [best.quote], best.quote + " " + best.passage)
    if verdict == CONTRADICTED and unmatched and best.score < _NUMBER_CONFIDENCE:
        # Other numbers in a passage that may be about something else do not contradict.
        verdict = NOT_FOUND
    evidence = tuple(
        Evidence(q.article_id, q.title, q.reference, q.quote, q.start, q.end, q.score)
        for q in answer.quotes
    )
    return Verdict(statement, verdict, evidence, matched, unmatched)
