"""Statement checking: numbers, negation, antonyms, verdicts."""

from __future__ import annotations

import pytest

from mscqa.engine import Engine
from mscqa.verify import (
    CONTRADICTED,
    NOT_FOUND,
    SUPPORTED,
    check_numbers,
    clauses,
    extract_numbers,
    judge,
    negated,
    opposed,
)

SCORES = (
    "Before stem cell treatment, patients had an average HHS score of 67.2±3.4 and 84.6±6.3 "
    "afterward."
)


def test_numbers_are_extracted_as_written() -> None:
    assert extract_numbers("16% at 6 months and 35% at one year") == ["16%", "6", "35%", "one"]


def test_a_swapped_digit_is_unmatched() -> None:
    matched, unmatched = check_numbers("scores rose from 67.2 to 86.4", SCORES)
    assert matched == ("67.2",) and unmatched == ("86.4",)


def test_percent_and_number_words_compare_by_value() -> None:
    matched, unmatched = check_numbers("one in four people, 16 percent", "1 in 4 people; 16%")
    assert set(matched) == {"one", "four", "16"} and unmatched == ()


def test_negation_needs_something_to_negate() -> None:
    assert negated("the drug does not improve function")
    assert not negated("patients live longer than those who do not")
    assert negated("they aren't a cure")


def test_clauses_split_at_turning_points() -> None:
    assert clauses("These drugs control flareups, but they aren't a cure.") == [
        "these drugs control flareups",
        "they are not a cure.",
    ]


@pytest.mark.parametrize(
    ("statement", "evidence"),
    [
        (
            "Clinical trials show that glucosamine works.",
            "clinical trials have not provided evidence that they actually work",
        ),
        (
            "Steroid injections are effective in the hip.",
            "Steroid injections in the hip are ineffective.",
        ),
        ("Opioids carry a low risk of addiction.", "Opioids have a high risk of addiction."),
    ],
)
def test_opposites_are_caught(statement: str, evidence: str) -> None:
    assert opposed(statement, evidence)


def test_a_paraphrase_is_not_an_opposite() -> None:
    assert not opposed(
        "Riluzole extends survival in ALS.",
        "The only drug to have any known survival benefit in ALS is riluzole.",
    )


def test_judge_verdicts() -> None:
    assert judge("Scores were 84.6 after treatment.", [SCORES], SCORES)[0] == SUPPORTED
    assert judge("Scores were 86.4 after treatment.", [SCORES], SCORES)[0] == CONTRADICTED
    assert (
        judge("Scores were 86.4 after treatment.", ["No numbers here."], "No numbers.")[0]
        == NOT_FOUND
    )


def test_check_catches_a_wrong_number_end_to_end(fake_engine: Engine) -> None:
    verdict = fake_engine.check(
        "Patients had an average Harris Hip Score of 67.2 before and 86.4 after treatment."
    )
    assert verdict.verdict == CONTRADICTED
    assert "86.4" in verdict.unmatched and "67.2" in verdict.matched
    assert verdict.to_dict()["numbers"] == {"matched": ["67.2"], "unmatched": ["86.4"]}


def test_check_supports_a_faithful_statement(fake_engine: Engine) -> None:
    verdict = fake_engine.check(
        "Patients had an average HHS score of 67.2 before and 84.6 afterward."
    )
    assert verdict.verdict == SUPPORTED
    assert verdict.evidence and "84.6" in verdict.evidence[0].quote
