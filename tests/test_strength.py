"""Statements stronger than their evidence ("cures", "always", "proven", "approved") are never
`supported` on the strength of evidence that does not say as much."""

from __future__ import annotations

import pytest

from mscqa.answers.strength import (
    another_only,
    counted_as_one,
    overstatement,
    strength_groups,
    uncompared,
)
from mscqa.answers.verify import CONTRADICTED, NOT_FOUND, SUPPORTED, judgement

EVIDENCE = "In a small trial, the new drug reduced joint pain in patients with gout."


@pytest.mark.parametrize(
    "statement",
    [
        "The new drug cures joint pain in patients with gout.",
        "The new drug always reduces joint pain in patients with gout.",
        "The new drug is proven to reduce joint pain in patients with gout.",
        "The new drug is an approved treatment for joint pain in gout.",
        "The new drug completely removes joint pain in patients with gout.",
        "The new drug greatly reduced joint pain in patients with gout.",
        "The new drug is a breakthrough for joint pain in patients with gout.",
        "The new drug was a disappointment for joint pain in patients with gout.",
        "Joint pain in patients with gout is reduced solely by the new drug.",
        "The new drug reduced joint pain in all gout patients of the trial.",
        "Very few patients with gout had joint pain after the new drug.",
        "The new drug and an older drug reduced joint pain in gout equally.",
        "Joint pain in patients with gout was the same before and after the new drug.",
        "The new drug reduced joint pain only in patients with gout.",
        "The new drug reduced joint pain in patients with gout, and it never wore off.",
        "The new drug reduced joint pain in any patient with gout.",
        "The new drug reduced joint pain in patients with mild gout.",
        "The new drug reduced joint pain in patients with severe gout.",
        "The new drug rarely reduced joint pain in patients with gout.",
    ],
)
def test_a_stronger_statement_is_not_found(statement: str) -> None:
    result = judgement(statement, [EVIDENCE], EVIDENCE)
    assert result.verdict == NOT_FOUND and result.rule == "strength"
    assert "does not say" in result.reason


def test_the_same_strength_in_the_evidence_supports() -> None:
    evidence = "In a large trial, the new drug significantly reduced joint pain in gout."
    statement = "The new drug markedly reduced joint pain in gout."
    assert judgement(statement, [evidence], evidence).verdict == SUPPORTED


def test_a_denied_word_contradicts() -> None:
    evidence = "The new drug eases joint pain in gout, but it is not a cure."
    result = judgement("The new drug cures joint pain in gout.", [evidence], evidence)
    assert result.verdict == CONTRADICTED and "cures" in result.reason


def test_a_hope_is_not_a_finding() -> None:
    evidence = "Larger trials are needed to confirm that the new drug eases joint pain in gout."
    found = overstatement(
        "It is confirmed that the new drug eases joint pain in gout.", [evidence], ""
    )
    assert found == (False, "the evidence does not say “confirmed”")


def test_a_statement_that_denies_the_word_claims_nothing_strong() -> None:
    statement = "The new drug eases joint pain in gout but is not a cure."
    assert overstatement(statement, [EVIDENCE], EVIDENCE) is None


def test_every_group_is_read_from_the_word_list() -> None:
    groups = strength_groups()
    assert {"cure", "always", "proven", "approved"} <= set(groups)
    assert groups["cure"].search("a curative treatment") and not groups["cure"].search("secure")


def test_a_judgement_the_evidence_makes_supports() -> None:
    evidence = "For these patients with gout, the older drug had failed to ease joint pain."
    statement = "The older drug failed to ease joint pain in patients with gout."
    assert judgement(statement, [evidence], evidence).verdict == SUPPORTED


def test_a_set_phrase_holding_a_strength_word_claims_nothing_strong() -> None:
    evidence = "In gout, the joint stays swollen and painful."
    statement = "In gout, the joint stays swollen and painful all the time."
    assert overstatement(statement, [evidence], evidence) is None
    assert overstatement("All gout patients had swollen joints.", [evidence], evidence)


def test_a_quantity_or_a_sameness_the_evidence_states_supports() -> None:
    evidence = "Few treatments ease joint pain in gout; the two drugs worked equally well."
    assert judgement("Few treatments ease joint pain in gout.", [evidence], evidence).verdict == (
        SUPPORTED
    )
    statement = "The two drugs worked the same for joint pain in gout."
    assert overstatement(statement, [evidence], evidence) is None


def test_a_few_and_at_the_same_time_claim_no_quantity_or_sameness() -> None:
    evidence = "Some patients with gout had joint pain while the joint was swollen."
    for statement in (
        "A few patients with gout had joint pain while the joint was swollen.",
        "Some patients with gout had joint pain at the same time as a swollen joint.",
        "Some patients with gout had joint pain scores equal to or above 6.",
    ):
        assert overstatement(statement, [evidence], evidence) is None


def test_only_saying_how_little_claims_nothing_alone() -> None:
    evidence = "The number of patients with gout given the new drug was small."
    statement = "Only a small number of patients with gout were given the new drug."
    assert overstatement(statement, [evidence], evidence) is None


def test_any_denied_or_in_a_set_phrase_claims_nothing_strong() -> None:
    for statement in (
        "The new drug did not cause any side effects in patients with gout.",
        "In any case, the new drug reduced joint pain in patients with gout.",
    ):
        assert overstatement(statement, [EVIDENCE], EVIDENCE) is None


def test_plenty_is_a_claim_of_its_own_that_only_an_amount_said_backs() -> None:
    evidence = "The treatments for gout that involve the joints are limited."
    statement = "There are plenty of good treatments for gout in the joints."
    assert overstatement(statement, [evidence], evidence) is not None
    assert judgement(statement, [evidence], evidence).verdict != SUPPORTED
    said = "Dozens of treatments for gout that involve the joints were tried."
    assert overstatement("Many treatments for gout were tried.", [said], said) is None
    # What is said of all of them is said of many.
    every = "All treatments for gout in the trials were tried in the joints."
    assert (
        overstatement("Many treatments for gout were tried in the joints.", [every], every) is None
    )


def test_a_cause_is_not_found_where_the_evidence_finds_only_an_association() -> None:
    evidence = (
        "In the registry, regular swimming was associated with fewer knee flares two years on."
    )
    caused = judgement("Regular swimming caused fewer knee flares.", [evidence], evidence)
    assert caused.verdict == NOT_FOUND and "associated with" in caused.reason
    # Said as the evidence says it, or as a possibility, it stands.
    linked = "Regular swimming was associated with fewer knee flares."
    assert judgement(linked, [evidence], evidence).verdict == SUPPORTED
    # An association with something else leaves a cause the evidence states alone.
    both = "Swimming caused fewer knee flares and was associated with better sleep."
    assert judgement("Swimming caused fewer knee flares.", [both], both).verdict == SUPPORTED


def test_an_only_the_evidence_says_of_another_name_contradicts() -> None:
    evidence = "The only tablet shown to shorten the fever in trials is zanamorel."
    context = f"{evidence} Another tablet, pelquinost, eases the cough."
    other = judgement(
        "Pelquinost is the only tablet shown to shorten the fever.", [evidence], context
    )
    assert other.verdict == CONTRADICTED and "zanamorel" in other.reason
    same = "Zanamorel is the only tablet that shortens the fever in trials."
    assert judgement(same, [evidence], context).verdict == SUPPORTED
    # The sentence naming the statement's drug with "only" says it of something else: the
    # "only" sentence that matters is the one about the rest of the statement's words.
    shown = "The only other tablet, pelquinost, may cut the cough."
    context = f"The only tablet to cut the fever is zanamorel. {shown}"
    swapped = judgement("Pelquinost is the only tablet that cuts the fever.", [shown], context)
    assert swapped.verdict == CONTRADICTED and "zanamorel" in swapped.reason


def test_what_the_evidence_says_only_another_name_does_is_contradicted_without_only() -> None:
    evidence = "The only tablet shown to shorten the fever in trials is zanamorel."
    context = f"{evidence} The only other tablet, pelquinost, may ease the cough."
    other = judgement("Pelquinost has been shown to shorten the fever.", [evidence], context)
    assert other.verdict == CONTRADICTED and "zanamorel" in other.reason
    same = judgement("Zanamorel has been shown to shorten the fever.", [evidence], context)
    assert same.verdict == SUPPORTED
    # "the only other" lists one more, and "only" limiting something names no one of a kind.
    listed = judgement("Pelquinost may ease the cough.", [context], context)
    assert listed.verdict == SUPPORTED
    limited = "Fever shortened only in trials of zanamorel in adults."
    assert another_only("Pelquinost shortened the fever in trials.", [limited], limited) is None


def test_a_hedge_about_another_thing_leaves_a_plain_finding_standing() -> None:
    evidence = (
        "Okafor et al. showed that the cream could improve sleep in eczema. "
        "Lindqvist et al. showed that the cream improved itching in eczema."
    )
    plain = "Lindqvist et al. found that the cream improved itching in eczema."
    assert judgement(plain, [evidence], evidence).verdict == SUPPORTED
    hedged = judgement("The cream improves sleep in eczema.", [evidence], evidence)
    assert hedged.verdict == NOT_FOUND and "could improve" in hedged.reason


def test_several_of_what_the_evidence_counts_as_one_contradicts() -> None:
    evidence = "A new brace was able to ease the swelling in a runner with a torn tendon."
    for statement in (
        "The brace eased the swelling in several runners.",
        "The brace eased the swelling in many young runners.",
    ):
        verdict = judgement(statement, [evidence], evidence)
        assert verdict.verdict == CONTRADICTED and "a runner" in verdict.reason, statement
    assert judgement("The brace eased the swelling in a runner.", [evidence], evidence).verdict == (
        SUPPORTED
    )
    # Evidence that speaks of the runners in the plural as well leaves the count to other rules.
    both = f"{evidence} Other runners were treated too."
    assert counted_as_one("The brace eased the swelling in several runners.", [both]) is None


def test_a_comparison_the_evidence_does_not_make_is_not_found() -> None:
    statement = "The new drug reduced joint pain in gout better than physiotherapy."
    verdict = judgement(statement, [EVIDENCE], EVIDENCE)
    assert verdict.verdict == NOT_FOUND and verdict.rule == "strength"
    assert "does not compare it with “physiotherapy”" in verdict.reason
    compared = "In a trial, the new drug reduced joint pain in gout better than physiotherapy."
    assert judgement(statement, [compared], compared).verdict == SUPPORTED
    # Against either side of it, in either order, and in the passage around the evidence.
    turned = "Physiotherapy eased joint pain in gout less well than the new drug did."
    assert uncompared(statement, f"{EVIDENCE} {turned}") is None
    # A comparison with no thing, a bound on a number, "rather than": none compares a treatment.
    average = "The new drug reduced joint pain in gout, which was worse than average—physiotherapy"
    assert uncompared(statement, average) is not None
    assert uncompared("Joint pain lasted more than 12 weeks.", EVIDENCE) is None
    assert uncompared("The drug rather than surgery reduced joint pain.", EVIDENCE) is None


def test_the_only_other_one_is_not_the_only_one() -> None:
    said = "The only other approved gout treatment, colchicine, may ease flares."
    context = f"The only drug known to lower urate is allopurinol. {said}"
    verdict = judgement("Colchicine is the only approved gout drug.", [said], context)
    assert verdict.verdict == CONTRADICTED and "only other" in verdict.reason
    assert judgement("Colchicine is an approved gout treatment.", [said], context).verdict == (
        SUPPORTED
    )


def test_only_partly_effective_is_only_partially_effective() -> None:
    evidence = "Paracetamol can ease back pain, but it is usually only partially effective."
    statement = "Paracetamol is usually only partly effective for back pain."
    assert judgement(statement, [evidence], evidence).verdict == SUPPORTED


def test_little_is_a_claim_of_scarcity_and_a_little_is_none() -> None:
    evidence = "A flurry of trials has tested colchicine for gout over the last decade."
    scarce = judgement("Few trials have tested colchicine for gout.", [evidence], evidence)
    assert scarce.verdict != SUPPORTED
    little = judgement("Little research has tested colchicine for gout.", [evidence], evidence)
    assert little.verdict != SUPPORTED
    # "a little" says some, not how little.
    assert overstatement("Colchicine helped a little.", ["Colchicine helped."], "") is None


def test_a_predominance_says_most() -> None:
    evidence = "Joint fluid in acute gout shows a predominance of neutrophils."
    statement = "In acute gout, most cells in the joint fluid are neutrophils."
    assert overstatement(statement, [evidence], evidence) is None


def test_a_share_over_half_in_words_says_most() -> None:
    evidence = ["About two-thirds of goats with gout go on to limp."]
    assert overstatement("Most goats with gout go on to limp.", evidence, evidence[0]) is None
    fewer = ["About one-third of goats with gout go on to limp."]
    assert overstatement("Most goats with gout go on to limp.", fewer, fewer[0]) is not None
