"""Ratio measures: which way an odds, hazard or risk ratio says a risk goes."""

from __future__ import annotations

from mscqa.answers.ratios import ratio_conflict, ratios
from mscqa.answers.verify import CONTRADICTED, judgement

EVIDENCE = (
    "We followed 900 adults with gout for two years. The hazard ratio for gout flares among "
    "daily tea drinkers was 1.8 (95% CI 1.2 to 2.6) against those who drank none."
)


def test_a_ratio_and_its_interval_above_one_say_the_risk_is_higher() -> None:
    (found,) = ratios(EVIDENCE)
    assert found.kind == "up" and found.said == "hazard ratio of 1.8 (1.2 to 2.6)"
    (lower,) = ratios("The odds ratio was 0.6 (95% confidence interval 0.4 to 0.9).")
    assert lower.kind == "down"
    # An interval that holds 1 says neither way; a value outside its interval is no pair.
    assert ratios("The odds ratio was 1.3 (95% CI 0.8 to 2.1).") == []
    assert ratios("The odds ratio was 3.1 (95% CI 0.8 to 2.1).") == []


def test_a_statement_that_turns_the_ratio_round_is_contradicted() -> None:
    statement = "Drinking tea daily lowers the risk of gout flares."
    assert ratio_conflict(statement, EVIDENCE) == (
        "the evidence gives hazard ratio of 1.8 (1.2 to 2.6): a higher risk"
    )
    verdict = judgement(statement, [EVIDENCE.split(". ")[1]], EVIDENCE, 0.5)
    assert verdict.verdict == CONTRADICTED and "hazard ratio" in verdict.reason
    assert ratio_conflict("Drinking tea daily raises the risk of gout flares.", EVIDENCE) is None
    # A ratio about other things, or a statement about no risk, is left to the other rules.
    assert ratio_conflict("Coffee lowers the risk of kidney stones.", EVIDENCE) is None
    assert ratio_conflict("Drinking tea daily lowers gout flares.", EVIDENCE) is None


def test_a_link_said_with_its_sign_goes_that_way() -> None:
    negative = "There is a negative correlation between daily tea and gout flares."
    assert ratio_conflict(negative, EVIDENCE) is not None
    positive = "Daily tea drinking is positively associated with gout flares."
    assert ratio_conflict(positive, EVIDENCE) is None
