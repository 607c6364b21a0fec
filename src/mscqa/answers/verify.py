"""Statement -> the sentences that back it, a verdict, and a check of its numbers."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from mscqa.answers.antonyms import direction_word, turned_compound
from mscqa.answers.bounds import against_its_numbers, bound_conflict, bounds_met
from mscqa.answers.calibration import Calibration
from mscqa.answers.candidates import weighted_coverage
from mscqa.answers.details import (
    body_part_conflict,
    cause_conflict,
    cause_unsaid,
    opposed_elsewhere,
    other_condition,
    other_item,
    patients_conflict,
    route_conflict,
    source_conflict,
    stage_conflict,
    stage_paired,
)
from mscqa.answers.names import (
    ATTRIBUTED,
    SENTENCE_END,
    authors,
    missing_details,
    unknown_names,
    unmentioned_terms,
)
from mscqa.answers.numbers import (
    check_numbers,
    differing_numbers,
    extract_numbers,
    mispaired_numbers,
    other_phase,
    other_unit,
    without_numbers,
)
from mscqa.answers.opposites import direction_conflict, opposition
from mscqa.answers.quotes import Quote, find_quotes
from mscqa.answers.ratios import ratio_conflict
from mscqa.answers.strength import (
    another_only,
    counted_as_one,
    overstatement,
    says_less,
)
from mscqa.answers.verifier import Reading, Verifier
from mscqa.config import Settings
from mscqa.search.library import Library, LibraryStats, library_stats
from mscqa.search.retriever import Hit
from mscqa.text.terms import (
    STOPWORDS,
    content_words,
    idiom_words,
    lexical_tokens,
    normalize,
    stem,
    words,
)

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
NOT_FOUND = "not_found"


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
    reason: str = ""  # why contradicted or not found, in words; empty when supported

    def to_dict(self) -> dict[str, object]:
        return {
            "statement": self.statement,
            "verdict": self.verdict,
            "reason": self.reason,
            "evidence": [asdict(e) for e in self.evidence],
            "numbers": {"matched": list(self.matched), "unmatched": list(self.unmatched)},
        }


def coverage(statement: str, evidence: str) -> float:
    """Share of the statement's content words (numbers aside: `check_numbers` reads those) that
    the evidence uses too, after the term table on both sides."""
    wanted = set(_worded(statement))
    if not wanted:
        return 1.0
    return len(wanted & set(lexical_tokens(evidence))) / len(wanted)


# Words that frame what a statement says without adding to it: "a score below 70 counts as
# poor" says what "a score of less than 70 is poor" says.
_FRAMING = re.compile(
    r"\b(?:counts?|counted|classed|classified|regarded|deemed|considered|defined|known)"
    r"(?= as\b)"
)


def _claimed(statement: str) -> str:
    """The statement's words the word rules read: no numbers (`without_numbers`), no framing."""
    return _FRAMING.sub(" ", without_numbers(statement))


def name_check(statement: str, evidence: str, context: str) -> tuple[str, str] | None:
    """(verdict, reason) when the statement names someone or something the evidence does not:
    `contradicted` when it credits a finding to other authors than the evidence does,
    `not_found` when a name appears nowhere in the evidence or the text around it."""
    # The finding is credited by the evidence sentence that shares most of its words.
    wanted = set(lexical_tokens(ATTRIBUTED.sub(" ", statement)))
    sentence = max(SENTENCE_END.split(evidence), key=lambda s: len(wanted & set(lexical_tokens(s))))
    theirs = authors(sentence)
    credited = [
        a for a in authors(statement) if not set(lexical_tokens(a)) <= set(lexical_tokens(sentence))
    ]
    if credited and theirs:
        return (
            CONTRADICTED,
            f"the evidence credits {', '.join(theirs)} where the statement says "
            f"{', '.join(credited)}",
        )
    missing = unknown_names(statement, context)
    if missing:
        return NOT_FOUND, f"the evidence does not mention {', '.join(missing)}"
    return None


@dataclass(frozen=True)
class Judgement:
    verdict: str
    matched: tuple[str, ...]
    unmatched: tuple[str, ...]
    reason: str
    # Which rule decided: "numbers" (a number not stated or stated otherwise), "names" (a name
    # the evidence does not use), "opposite", "coverage", "strength" (a word such as "cures"
    # or "proven" the evidence does not say), "" for supported; `combine` keeps the verdicts
    # of the number, name and strength rules.
    rule: str = ""


def judgement(
    statement: str,
    evidence: Sequence[str],
    context: str,
    min_coverage: float = Settings.statement_min_coverage,
) -> Judgement:
    """Verdict of a statement against its best evidence sentences (best first) and the text
    around them (`context`), with the numbers checked and the reason in words. A supported
    verdict needs the evidence to use at least `min_coverage` of the statement's words."""
    matched, unmatched = check_numbers(statement, context)
    within = bounds_met(statement, context)  # "fewer than 50 patients" of "15-40 patients"
    matched, unmatched = (
        (*matched, *(n for n in unmatched if n in within)),
        tuple(n for n in unmatched if n not in within),
    )
    phase = other_phase(statement, " ".join(evidence))
    if phase:
        reason = f"the evidence names other trial phases where the statement says {phase}"
        return Judgement(CONTRADICTED, matched, unmatched or (phase,), reason, "numbers")
    unit = other_unit(statement, " ".join(evidence))
    if unit:
        number, mine, theirs = unit
        reason = f"the evidence says {theirs} where the statement says {mine}"
        kept = tuple(n for n in matched if n != number)
        return Judgement(CONTRADICTED, kept, (*unmatched, number), reason, "numbers")
    if unmatched:
        wrong = differing_numbers(statement, context)
        if wrong:
            reason = (
                f"the evidence gives another number where the statement says {', '.join(wrong)}"
            )
            return Judgement(CONTRADICTED, matched, unmatched, reason, "numbers")
        reason = f"the evidence does not state {', '.join(unmatched)}"
        return Judgement(NOT_FOUND, matched, unmatched, reason, "numbers")
    mispaired = _mispaired(statement, evidence, matched, unmatched)
    if mispaired:
        return mispaired
    turned = against_its_numbers(statement) if matched and not unmatched else None
    if turned:
        return Judgement(CONTRADICTED, matched, unmatched, turned, "opposite")
    bound = bound_conflict(statement, context)
    if bound:
        return Judgement(
            CONTRADICTED, matched, unmatched, "the evidence says the opposite: " + bound, "opposite"
        )
    ratio = ratio_conflict(statement, context)
    if ratio:
        return Judgement(CONTRADICTED, matched, unmatched, ratio, "opposite")
    named = name_check(statement, " ".join(evidence), context)
    if named:
        return Judgement(named[0], matched, unmatched, named[1], "names")
    other = another_only(statement, evidence, context)
    if other:
        return Judgement(CONTRADICTED, matched, unmatched, other, "names")
    counted = counted_as_one(statement, evidence)
    if counted:
        return Judgement(CONTRADICTED, matched, unmatched, counted, "strength")
    # A direction turned round in the sentences around the evidence counts too: the quote
    # may be the sentence naming the trial, its finding the next one.
    said = " ".join(evidence)
    why = opposition(statement, said) or turned_compound(statement, said)
    why = why or direction_conflict(statement, context)
    if why:
        return Judgement(
            CONTRADICTED, matched, unmatched, "the evidence says the opposite: " + why, "opposite"
        )
    shared = coverage(statement, " ".join([*evidence, context]))
    if shared < min_coverage:
        reason = f"the evidence uses only {shared:.0%} of the statement's words"
        return Judgement(NOT_FOUND, matched, unmatched, reason, "coverage")
    maybe = says_less(statement, evidence, context)
    if maybe:
        return Judgement(NOT_FOUND, matched, unmatched, maybe, "strength")
    stronger = overstatement(statement, evidence, context)
    if stronger:
        verdict = CONTRADICTED if stronger[0] else NOT_FOUND
        return Judgement(verdict, matched, unmatched, stronger[1], "strength")
    return Judgement(SUPPORTED, matched, unmatched, "")


def _mispaired(
    statement: str, evidence: Sequence[str], matched: tuple[str, ...], unmatched: tuple[str, ...]
) -> Judgement | None:
    """`contradicted` when the evidence pairs the statement's numbers with other things
    (`mispaired_numbers`), those numbers moved from matched to unmatched; else None."""
    mispaired = mispaired_numbers(statement, " ".join(evidence))
    if not mispaired:
        return None
    wrong = tuple(stated for stated, _, _ in mispaired)
    reason = "; ".join(
        f"the evidence gives {instead} for {anchor}, where the statement says {stated}"
        for stated, instead, anchor in mispaired
    )
    kept = tuple(n for n in matched if n not in wrong)
    return Judgement(CONTRADICTED, kept, (*unmatched, *wrong), reason, "numbers")


@dataclass(frozen=True)
class ModelRule:
    """How the learned verifier takes part in a verdict: `mode` "rules" (not at all), "model"
    (its reading alone) or "combined" (see `combine`), with its probability thresholds."""

    verifier: Verifier
    mode: str = Settings.verifier_mode
    min_support: float = Settings.verifier_min_support
    min_refute: float = Settings.verifier_min_refute


def differing_words(statement: str, evidence: str, limit: int = 3) -> tuple[list[str], list[str]]:
    """The statement's content words the evidence does not use, and the evidence's that the
    statement does not use, as written (at most `limit` of each): what a reader should compare."""

    def written(text: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for word in words(normalize(text)):
            if word.isalpha() and word not in STOPWORDS and len(word) > 2:
                out.setdefault(stem(word), word)
        return out

    mine, theirs = written(statement), written(evidence)
    return (
        [w for s, w in mine.items() if s not in theirs][:limit],
        [w for s, w in theirs.items() if s not in mine][:limit],
    )


def combine(
    rules: Judgement, reading: Reading, statement: str, evidence: Sequence[str], model: ModelRule
) -> Judgement:
    """The rules' verdict checked by the learned verifier. The number rules stand. `supported`
    needs both: the rules' and a support probability of at least `min_support` (a false
    `supported` is printed with our citation, the worst error to make). A refutation of at
    least `min_refute` turns a verdict the rules did not settle by numbers into
    `contradicted`, with the words that differ."""
    if rules.rule in {"numbers", "names", "strength"}:
        return rules
    if reading.refutes >= model.min_refute and reading.refutes > reading.supports:
        if rules.verdict == CONTRADICTED:
            return rules
        mine, theirs = differing_words(statement, " ".join(evidence))
        said = f"'{', '.join(mine)}' in the statement" if mine else "the statement"
        instead = f", '{', '.join(theirs)}' in the evidence" if theirs else ""
        reason = f"the evidence says otherwise ({reading.refutes:.0%} sure): {said}{instead}"
        return replace(rules, verdict=CONTRADICTED, reason=reason, rule="model")
    if rules.verdict == SUPPORTED and reading.supports < model.min_support:
        mine, _ = differing_words(statement, " ".join(evidence))
        unsaid = f": it does not say '{', '.join(mine)}'" if mine else ""
        reason = f"the evidence does not say all that the statement says{unsaid}"
        return replace(rules, verdict=NOT_FOUND, reason=reason, rule="model")
    return rules


def model_judgement(
    statement: str,
    evidence: Sequence[str],
    context: str,
    model: ModelRule,
    min_coverage: float = Settings.statement_min_coverage,
) -> Judgement:
    """The verdict of `model.mode`: the rules (`judgement`), the verifier's reading alone, or
    both (`combine`)."""
    rules = judgement(statement, evidence, context, min_coverage)
    if model.mode == "rules":
        return rules
    return verdict_of(model, rules, model.verifier.read(statement, evidence), statement, evidence)


def verdict_of(
    model: ModelRule, rules: Judgement, reading: Reading, statement: str, evidence: Sequence[str]
) -> Judgement:
    """The verdict of `model.mode` from the rules' judgement and the verifier's reading."""
    if model.mode == "rules":
        return rules
    if model.mode == "combined":
        return combine(rules, reading, statement, evidence, model)
    verdict = {"supports": SUPPORTED, "refutes": CONTRADICTED}.get(reading.label, NOT_FOUND)
    reason = "" if verdict == SUPPORTED else f"the verifier reads '{reading.label}'"
    return replace(rules, verdict=verdict, reason=reason, rule="model")


def judge(statement: str, evidence: Sequence[str], context: str) -> tuple[str, tuple, tuple]:
    """`judgement` as (verdict, matched numbers, unmatched numbers)."""
    result = judgement(statement, evidence, context)
    return result.verdict, result.matched, result.unmatched


def check_statement(
    statement: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: Library,
    *,
    top_k: int,
    min_score: float,
    min_quote_score: float = 0.0,
    known_similarity: float = 1.0,
    neighbour_ratio: float = 0.5,
    min_coverage: float = Settings.statement_min_coverage,
    min_weighted_coverage: float = Settings.statement_min_weighted_coverage,
    calibration: Calibration | None = None,
    model: ModelRule | None = None,
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
        asking=False,  # a statement's "rate" asks for nothing; names.py reads its terms
    )
    numbers = extract_numbers(statement)
    if not answer.answered:
        return Verdict(statement, NOT_FOUND, (), (), tuple(numbers), "no article covers it")
    stats = library_stats(index)
    best = _saying_most(statement, answer.quotes, stats)
    context = best.quote + " " + best.passage
    result = (
        judgement(statement, [best.quote], context, min_coverage)
        if model is None
        else model_judgement(statement, [best.quote], context, model, min_coverage)
    )
    if result.verdict == SUPPORTED:
        why = _beyond_the_library(statement, context, best.article_id, stats, min_weighted_coverage)
        if why:
            result = replace(result, verdict=NOT_FOUND, reason=why, rule="coverage")
    if result.verdict == SUPPORTED:
        result = _with_details(result, statement, best, context, index)
    evidence = tuple(
        Evidence(q.article_id, q.title, q.reference, q.quote, q.start, q.end, q.score)
        for q in (best, *(q for q in answer.quotes if q is not best))
    )
    return Verdict(
        statement, result.verdict, evidence, result.matched, result.unmatched, result.reason
    )


def _with_details(
    result: Judgement, statement: str, best: Quote, context: str, index: Library
) -> Judgement:
    """A supported `result` turned round when the statement changes a detail its article
    states (details.py): a condition the article never names, where something comes from,
    read against the whole article, a part of the body, against the evidence, its passage and
    the article's title, a cause, against the evidence, or what one kind of an article's list
    says, given to another."""
    article = index.articles[best.article_id]
    detail = (
        other_condition(statement, f"{article.title}\n{article.text}")
        or source_conflict(statement, context, article.text)
        or body_part_conflict(statement, best.quote, f"{context} {article.title}")
        or patients_conflict(statement, best.quote)
        or cause_conflict(statement, best.quote)
        or cause_conflict(statement, context)
        or cause_unsaid(statement, context)
        or stage_conflict(statement, best.quote)
        or stage_paired(statement, context)
        or other_item(statement, article.title, article.text)
        or opposed_elsewhere(statement, context, article.text)
        or route_conflict(statement, context)
    )
    if detail is None:
        return result
    verdict = CONTRADICTED if detail[0] else NOT_FOUND
    return replace(result, verdict=verdict, reason=detail[1], rule="names")


def _worded(statement: str) -> list[str]:
    """The statement's lexical tokens without its numbers (the number rules judge those) and
    without the words the term table gives for a phrase of everyday words: "come and go" is
    said by "intermittent" as well as by "resolve and return", not only by all of them."""
    claimed = _claimed(statement)
    idiom = idiom_words(claimed) - set(lexical_tokens(claimed, expand=False))
    return [t for t in lexical_tokens(claimed) if not t[0].isdigit() and t not in idiom]


def _saying_most(statement: str, quotes: Sequence[Quote], stats: LibraryStats) -> Quote:
    """The quote of the first quote's article that says most of the statement (its words
    weighted by rarity), the first found on a tie: staff read the verdict against the sentence
    that says it, and a detail from another article is no evidence for this one."""
    wanted = _worded(statement)
    same = [q for q in quotes if q.article_id == quotes[0].article_id]
    return max(
        same, key=lambda q: weighted_coverage(wanted, frozenset(lexical_tokens(q.quote)), stats)
    )


def _beyond_the_library(
    statement: str, context: str, article_id: str, stats: LibraryStats, least: float
) -> str:
    """Why a statement the rules found supported says what its evidence does not, read with the
    whole library at hand, or "": its telling words left out of the evidence and its passage
    (`context`, read as the index reads the articles: "axons" says "nerve fibres"; less than
    `least` of its words weighted by rarity), a technical term no article uses, or a detail the
    library returns to only in other articles than the evidence's."""
    text = frozenset(lexical_tokens(context, document=True))
    if weighted_coverage(_worded(statement), text, stats) < least:
        return f"the evidence leaves out {_quoted(_telling(statement, text, stats))}"
    unknown = unmentioned_terms(statement, stats.vocabulary)
    if unknown:
        return f"the articles never mention {_quoted(unknown)}"
    # The idf of a word used in two sentences: the library returns to a word at most this rare.
    twice = math.log((len(stats.sentence_tokens) + 1) / 2.5)
    missing = missing_details(
        statement,
        stats.article_tokens.get(article_id, frozenset()),
        lambda t: stats.idf.get(t, math.inf) <= twice,
        direction_word,
    )
    return f"the evidence never mentions {_quoted(missing)}" if missing else ""


def _telling(statement: str, text: frozenset[str], stats: LibraryStats) -> list[str]:
    """The statement's words `text` leaves out, rarest in the library first, at most three."""

    def rarity(word: str) -> float:
        return max(stats.idf.get(t, stats.unseen_idf) for t in lexical_tokens(word))

    left_out = [
        w for w in dict.fromkeys(content_words(_claimed(statement)))
        if lexical_tokens(w) and not set(lexical_tokens(w)) & text
    ]  # fmt: skip
    return sorted(left_out, key=lambda w: -rarity(w))[:3]


def _quoted(terms: Sequence[str]) -> str:
    return ", ".join(f"“{t}”" for t in terms)
