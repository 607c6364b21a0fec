"""Statement checking: numbers, negation, antonyms, verdicts."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from conftest import build
from mscqa.answers.antonyms import direction_kinds, turned_compound
from mscqa.answers.bounds import bound_conflict, bounds_met
from mscqa.answers.details import stage_paired
from mscqa.answers.names import missing_details, unmentioned_terms
from mscqa.answers.numbers import (
    check_numbers,
    extract_numbers,
    mispaired_numbers,
    number_pairs,
    numbers_in,
    other_phase,
    without_numbers,
)
from mscqa.answers.opposites import clauses, direction_conflict, negated, opposition, signals
from mscqa.answers.verify import (
    CONTRADICTED,
    NOT_FOUND,
    SUPPORTED,
    _worded,
    judge,
    judgement,
)
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.index.embedder import HashingEmbedder
from mscqa.text.terms import lexical_tokens, stem

SCORES = (
    "With the new brace, patients had an average knee score of 58.1±2.9 before treatment and "
    "71.3±4.2 afterward."
)


def opposed(statement: str, evidence: str) -> bool:
    return opposition(statement, evidence) is not None


def test_numbers_are_extracted_as_written() -> None:
    assert extract_numbers("12% at 3 months and 41% at one year") == ["12%", "3", "41%", "one"]


def test_a_swapped_digit_is_unmatched() -> None:
    matched, unmatched = check_numbers("scores rose from 58.1 to 73.1", SCORES)
    assert matched == ("58.1",) and unmatched == ("73.1",)


def test_percent_and_number_words_compare_by_value() -> None:
    matched, unmatched = check_numbers("one in four people, 16 percent", "1 in 4 people; 16%")
    assert set(matched) == {"one", "four", "16"} and unmatched == ()


def test_numbers_spelled_out_past_twelve_are_numbers() -> None:
    statement = "Seventy-three percent of the forty-one horses and fifteen riders"
    assert numbers_in(statement) == {"73", "41", "15"}
    assert check_numbers(statement, "73% of 41 horses; 15 riders")[1] == ()
    assert check_numbers("twenty-two horses", "21 horses")[1] == ("twenty-two",)
    # What is left for the word rules has no number words in it.
    assert without_numbers("Seventy-three percent of the horses").split() == ["of", "the", "horses"]


def test_a_fraction_is_one_share_not_the_number_before_it() -> None:
    evidence = "About two-thirds of the riders went on to compete again."
    assert numbers_in(evidence) == {"66.7"}
    assert check_numbers("One-third of the riders competed again.", evidence)[1] == ("one-third",)
    assert check_numbers("Two-thirds of the riders competed again.", evidence)[1] == ()
    assert check_numbers("About 67% of the riders competed again.", evidence)[1] == ()
    assert check_numbers("About 66 percent of the riders competed again.", evidence)[1] == ()
    assert check_numbers("A quarter of horses went lame.", "25 percent of horses lamed")[1] == ()
    # A ratio is a share for a share, and no count: "one in four" is not "25 horses".
    ratio = "One in four horses went lame."
    assert check_numbers("A quarter of horses went lame.", ratio)[1] == ()
    assert check_numbers("25% of horses went lame.", ratio)[1] == ()
    assert check_numbers("25 horses went lame.", ratio)[1] == ("25",)
    # "a third" before anything but "of" counts; "third" alone is an ordinal.
    assert extract_numbers("A third trial followed.") == []
    assert without_numbers("three-quarters of the riders").split() == ["of", "the", "riders"]


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
            "Clinical trials show that the copper bracelet works.",
            "clinical trials have not provided evidence that it actually works",
        ),
        (
            "Ultrasound therapy is effective in the shoulder.",
            "Ultrasound therapy in the shoulder is ineffective.",
        ),
        ("Cycling carries a low risk of knee injury.", "Cycling has a high risk of knee injury."),
    ],
)
def test_opposites_are_caught(statement: str, evidence: str) -> None:
    assert opposed(statement, evidence)


@pytest.mark.parametrize(
    ("statement", "evidence"),
    [
        # "unlikely" denies what follows it
        ("Ice baths are effective for sore muscles.", "Ice baths are unlikely to be effective."),
        # a pain "constant" early where the evidence says it comes and goes early
        (
            "Gout pain is constant in the early stages.",
            "Gout pain is intermittent in early stages, but in later stages it is constant.",
        ),
        # "worse" is more of a symptom, as "worsen" is
        ("Massage made neck pain worse.", "With massage, neck pain decreased."),
    ],
)
def test_more_opposites_are_caught(statement: str, evidence: str) -> None:
    assert opposed(statement, evidence)


def test_a_compound_turned_round_is_the_opposite() -> None:
    evidence = (
        "We report a GLX2-independent route to heat in goat fat that involves calcium-dependent "
        "pumping."
    )
    verdict = judgement("Heat in goat fat comes by a GLX2-dependent route.", [evidence], evidence)
    assert verdict.verdict == CONTRADICTED and "GLX2-independent" in verdict.reason
    assert turned_compound("Knee cells were CD44-positive.", "Knee cells were CD44-negative.")
    # Denied in the statement, or said both ways in the evidence, it is no opposite.
    assert turned_compound("The route is not GLX2-dependent.", evidence) is None
    both = "The route is GLX2-dependent in mice but GLX2-independent in goats."
    assert turned_compound("Heat comes by a GLX2-dependent route.", both) is None


def test_a_clause_denying_what_it_calls_they_denies_what_the_clause_before_named() -> None:
    named = "Herbal supplements such as turmeric and ginger are popular—trials have not shown"
    assert opposed("Turmeric supplements work.", f"{named} that they actually work.")
    # Without "they", the denial is about something else.
    assert not opposed("Turmeric supplements work.", f"{named} that massage actually works.")


def test_side_effects_are_a_thing_named_not_an_effect() -> None:
    evidence = "Gel treatment is safe; in trial after trial, severe adverse events were rare."
    assert opposed("Severe side effects of gel treatment are common in trials.", evidence)
    assert opposed(
        "Gels have no side effects when used for years.",
        "Moreover, gels cause side effects when used for years.",
    )


def test_a_remission_goes_the_other_way_from_getting_worse() -> None:
    evidence = (
        "Progressive gout – once flares start, they do not settle but get progressively worse"
    )
    assert opposed("Progressive gout comes with long remissions.", evidence)
    assert not opposed(
        "Gout has flares and remissions.", "Gout runs in cycles of flares and remissions."
    )


def test_nothing_to_do_with_denies_a_link() -> None:
    evidence = "Damaged tendons are one of the main sources of shoulder pain."
    assert opposed("Tendon damage has nothing to do with shoulder pain.", evidence)
    assert not opposed("Damaged tendons are a main source of shoulder pain.", evidence)


def test_failing_denies_only_what_it_fails_to_do() -> None:
    evidence = "Skin grafts fail because the body's immune system rejects the graft."
    assert opposed("The immune system isn't involved in skin graft rejection.", evidence)
    assert opposed("Gels improve gout.", "Gels failed to improve gout.")


def test_a_paraphrase_is_not_an_opposite() -> None:
    assert not opposed(
        "Riluzole extends survival in ALS.",
        "Riluzole is the one drug known to lengthen survival in ALS.",
    )


def test_judge_verdicts() -> None:
    assert judge("Scores were 71.3 after treatment.", [SCORES], SCORES)[0] == SUPPORTED
    assert judge("Scores were 73.1 after treatment.", [SCORES], SCORES)[0] == CONTRADICTED
    assert (
        judge("Scores were 73.1 after treatment.", ["No numbers here."], "No numbers.")[0]
        == NOT_FOUND
    )


def test_check_catches_a_wrong_number_end_to_end(fake_engine: Engine) -> None:
    verdict = fake_engine.check("Chronic pain is pain that lasts for more than 20 weeks.")
    assert verdict.verdict == CONTRADICTED
    assert verdict.to_dict()["numbers"] == {"matched": [], "unmatched": ["20"]}


def test_check_supports_a_faithful_statement(fake_engine: Engine) -> None:
    verdict = fake_engine.check("Chronic pain is pain lasting more than 12 weeks.")
    assert verdict.verdict == SUPPORTED
    assert verdict.to_dict()["numbers"] == {"matched": ["12"], "unmatched": []}
    assert verdict.evidence and "12 weeks" in verdict.evidence[0].quote


# Direction words aligned on what they are about.


@pytest.mark.parametrize(
    ("statement", "opposite", "same"),
    [
        (
            "Statins lower the risk of hip fracture in older women.",
            "Statin use was linked to a higher risk of hip fracture in older women.",
            "Older women taking statins had a lower risk of hip fracture.",
        ),
        (
            "Regular exercise reduces resting blood pressure.",
            "Resting blood pressure increased with regular exercise.",
            "Regular exercise decreased resting blood pressure by a few points.",
        ),
        (
            "Serious side effects of the vaccine are common.",
            "The risk of serious side effects of the vaccine was very small.",
            "Serious side effects of the vaccine were frequent in the trial.",
        ),
        (
            "Smoking accelerates lung function decline.",
            "Smoking slowed the decline of lung function in this cohort.",
            "Smoking accelerated the decline of lung function in this cohort.",
        ),
    ],
)
def test_direction_words_are_compared_on_what_they_are_about(
    statement: str, opposite: str, same: str
) -> None:
    assert opposed(statement, opposite)
    assert not opposed(statement, same)
    assert judge(statement, [same], same)[0] == SUPPORTED


@pytest.mark.parametrize(
    ("statement", "opposite", "same"),
    [
        (
            "Vitamin C has no effect on how long a cold lasts.",
            "Vitamin C shortened how long a cold lasts by a day.",
            "Vitamin C did not change how long a cold lasts.",
        ),
        (
            "Coffee drinking is unrelated to heart rhythm problems.",
            "Coffee drinking was associated with more heart rhythm problems.",
            "We found no association between coffee drinking and heart rhythm problems.",
        ),
        (
            "The new drug did not reduce the number of migraine days.",
            "The new drug reduced the number of migraine days by half.",
            "The number of migraine days was unchanged with the new drug.",
        ),
        (
            "Knee injections were not associated with an increased risk of infection.",
            "Knee injections were associated with an increased risk of infection.",
            "Knee injections did not increase the risk of infection.",
        ),
    ],
)
def test_no_effect_is_the_opposite_of_an_effect(statement: str, opposite: str, same: str) -> None:
    assert opposed(statement, opposite)
    assert opposed(opposite, statement)
    assert not opposed(statement, same)


def test_an_aim_or_a_question_asserts_nothing() -> None:
    statement = "Aspirin lowers the risk of a second stroke."
    assert not opposed(
        statement, "We aimed to test whether aspirin raises the risk of a second stroke."
    )
    assert opposed(statement, "Aspirin raised the risk of a second stroke.")


def test_direction_words_inside_names_are_not_directions() -> None:
    statement = "Screening lowers deaths among high-risk smokers."
    assert not opposed(statement, "Screening lowered deaths among high-risk smokers.")
    assert opposed(statement, "Screening increased deaths among high-risk smokers.")


def test_negation_that_describes_a_group_is_not_a_denial() -> None:
    assert not negated("patients with no previous heart disease had the same outcome")
    assert not negated("the cells are not only safe")
    assert negated("the injections did not help")


def test_a_stronger_same_polarity_clause_outweighs_a_negated_one() -> None:
    statement = "Teaching hospitals do not give better care than other hospitals."
    evidence = (
        "Survival was better for a few diagnoses in teaching hospitals. "
        "Overall, teaching hospitals did not give better care than other hospitals."
    )
    assert not opposed(statement, evidence)


# Numbers: compared with numbers of the same kind, among the same words.


def test_a_count_of_the_same_thing_contradicts() -> None:
    evidence = "The trial enrolled 210 patients with knee pain and followed them for 12 weeks."
    assert judge("The trial enrolled 120 patients with knee pain.", [evidence], evidence) == (
        CONTRADICTED,
        (),
        ("120",),
    )
    assert judge("The knee pain trial followed patients for 12 weeks.", [evidence], evidence)[
        0
    ] == (SUPPORTED)


def test_a_number_of_another_kind_is_not_found_rather_than_contradicted() -> None:
    evidence = "The trial started in 2015 and followed women with knee pain for 5 years."
    verdict, _, unmatched = judge(
        "The trial enrolled 120 women with knee pain.", [evidence], evidence
    )
    assert verdict == NOT_FOUND and unmatched == ("120",)


def test_digits_inside_names_are_not_numbers() -> None:
    assert extract_numbers("IL-6 and SHP-2 levels, the Arp2/3 complex and MEK 1/2") == []
    assert extract_numbers("one of the trials, 2 of 10 patients") == ["2", "10"]


def test_percentages_and_decimals_compare_with_their_own_kind() -> None:
    evidence = "Pain scores fell from 7.5 to 4.1 and 62% of patients were satisfied."
    assert judge("Pain scores fell to 4.7.", [evidence], evidence)[0] == CONTRADICTED
    assert judge("Pain scores fell to 4.1.", [evidence], evidence)[0] == SUPPORTED
    assert judge("26% of patients were satisfied.", [evidence], evidence)[0] == CONTRADICTED


def test_numbers_that_belong_together_are_paired_within_their_part_of_the_sentence() -> None:
    evidence = "Pain was gone in 40% of patients at 3 months and in 25% at 2 years."
    assert number_pairs(evidence) == {
        (("3", "months"), ("40", "%")),
        (("24", "months"), ("25", "%")),
    }
    # Same-kind numbers ("from 7.5 to 4.1") pair with nothing.
    assert number_pairs("Pain scores fell from 7.5 to 4.1.") == set()


def test_a_right_number_given_for_the_wrong_time_contradicts() -> None:
    evidence = "Pain was gone in 40% of patients at 3 months (early) and 25% at 2 years."
    statement = "At two years, 40% of patients were free of pain."
    assert mispaired_numbers(statement, evidence) == [("40%", "25%", "two")]
    result = judgement(statement, [evidence], evidence)
    assert result.verdict == CONTRADICTED and "40%" in result.unmatched
    # A length of time in years is the same length in months.
    assert judgement("After 24 months, 25% were free of pain.", [evidence], evidence).verdict == (
        SUPPORTED
    )
    wrong = judgement("After 12 months, 25% were free of pain.", [evidence], evidence)
    assert wrong.verdict == CONTRADICTED and "12" in wrong.unmatched
    assert "25%" in result.reason
    assert judge("At 3 months, 40% of patients were free of pain.", [evidence], evidence)[0] == (
        SUPPORTED
    )


def test_numbers_the_evidence_leaves_unpaired_are_not_mispaired() -> None:
    evidence = "Scores were 52.1 before and 70.4 after. Patients were seen at 6 months."
    assert mispaired_numbers("The score was 70.4 at 6 months.", evidence) == []


def test_the_statements_own_word_denied_outweighs_agreement_in_other_words() -> None:
    evidence = (
        "Patients on the drug live longer than those who are not. However, the drug does not "
        "improve function or reduce pain."
    )
    assert opposed("The drug improves function in these patients.", evidence)
    assert not opposed("The drug lets these patients live longer.", evidence)


# Coverage: a supported verdict needs evidence that shows the statement.


def test_evidence_about_something_else_does_not_support() -> None:
    evidence = "Stem cell injections were safe in patients with lupus."
    result = judgement("Stem cells regrow hair on bald scalps in men.", [evidence], evidence)
    assert result.verdict == NOT_FOUND and "words" in result.reason
    assert judge("Stem cell injections are safe in lupus.", [evidence], evidence)[0] == SUPPORTED


def test_every_verdict_but_supported_says_why() -> None:
    evidence = "Resting blood pressure increased with regular exercise."
    result = judgement("Regular exercise reduces resting blood pressure.", [evidence], evidence)
    assert result.verdict == CONTRADICTED
    assert "reduces" in result.reason and "increased" in result.reason
    assert judgement(evidence, [evidence], evidence).reason == ""


def test_directions_table_reads_every_kind() -> None:
    kinds = direction_kinds()
    assert set(kinds.values()) == {"up", "down", "link", "null"}
    assert kinds["unrelated"] == "null" and kinds["lowered"] == "down"


def test_check_catches_an_opposite_direction_end_to_end(fake_engine: Engine) -> None:
    verdict = fake_engine.check(
        "Serious adverse events after mesenchymal stem cell treatment are common."
    )
    assert verdict.verdict == CONTRADICTED
    assert "common" in verdict.reason and "small" in verdict.reason
    assert verdict.to_dict()["reason"] == verdict.reason


def test_check_gives_no_reason_for_a_supported_statement(fake_engine: Engine) -> None:
    verdict = fake_engine.check(
        "Mesenchymal stem cells can suppress T-cells and natural killer cells."
    )
    assert verdict.verdict == SUPPORTED and verdict.reason == ""


def test_a_comparison_the_other_way_round_is_an_opposite() -> None:
    statement = "Women have a higher risk of self-harm than men."
    assert opposed(statement, "Men had a higher risk of self-harm than women.")
    assert not opposed(statement, "Women had a higher risk of self-harm than men.")


def test_a_comparison_against_the_same_thing_graded_the_other_way_is_an_opposite() -> None:
    # What is compared is named in other words on each side ("healed" / "recovery"): the
    # thing compared against and the grading word are what the two share.
    evidence = "This is a slower rate of recovery than physiotherapy alone."
    assert opposed("With the brace, knees healed more quickly than with physiotherapy.", evidence)
    assert opposed("With the brace, knees healed faster than with physiotherapy.", evidence)
    assert not opposed("With the brace, knees healed less quickly than physiotherapy.", evidence)
    assert not opposed("With the brace, knees healed more slowly than physiotherapy.", evidence)
    # Graded against something else, it says nothing about this comparison.
    assert not opposed("With the brace, knees healed faster than with surgery.", evidence)


def test_a_technical_term_no_article_uses_is_not_found() -> None:
    """A rare word of English that the library never uses names a detail no article gives;
    a rare word the library uses, or an everyday word it does not, is no such detail."""
    vocabulary = frozenset(
        lexical_tokens("Stem cells from adipose tissue calm T-cells.", document=True)
    )
    assert unmentioned_terms("Stem cells calm basophils and T-cells.", vocabulary) == ["basophils"]
    assert unmentioned_terms("Stem cells from adipose tissue calm T-cells.", vocabulary) == []
    assert unmentioned_terms("Stem cells were enrolled in a study.", vocabulary) == []
    assert unmentioned_terms("It enrolled 12,500 people in 20193.", vocabulary) == []
    # A word the term table gives another name for is used where that name is.
    regenerating = frozenset(lexical_tokens("Stem cells regenerate cartilage.", document=True))
    assert unmentioned_terms("Stem cells regrow cartilage.", regenerating) == []


def test_check_calls_a_statement_with_an_unknown_technical_term_not_found(
    fake_engine: Engine,
) -> None:
    verdict = fake_engine.check("Mesenchymal stem cells can suppress basophils.")
    assert verdict.verdict == NOT_FOUND and "“basophils”" in verdict.reason


def test_a_detail_the_library_has_only_in_another_article_is_missing() -> None:
    """A word the library returns to, but not the evidence's article, is a detail from another
    article; a word the library uses once, a common word of English, a direction word, or one
    the article writes joined to another ("flareups") is not."""
    returned_to = set(lexical_tokens("bone marrow knee cartilage flareups remissions")).__contains__
    article = frozenset(lexical_tokens("Cells from fat tissue eased knee flareups."))
    assert missing_details("Cells came from bone marrow.", article, returned_to) == [
        "bone",
        "marrow",
    ]
    assert missing_details("Knee flare-ups eased.", article, returned_to) == []
    assert missing_details("It damages cartilage below the knee.", article, returned_to) == [
        "cartilage"
    ]
    skip = {"fewer"}.__contains__
    assert missing_details("Fewer remissions.", article, returned_to, skip) == ["remissions"]
    # A word of three letters is a detail too ("hip"), unless it is part of a longer one.
    returned_to = set(lexical_tokens("hip ups")).__contains__
    assert missing_details("The hip study used fat.", article, returned_to) == ["hip"]
    assert missing_details("Flare-ups eased.", article, returned_to) == []


def test_a_trial_phase_other_than_the_evidences_is_contradicted() -> None:
    evidence = "The cells helped in Phase I and Phase II trials of gout."
    assert other_phase("The cells helped in Phase III trials of gout.", evidence) == "Phase III"
    assert other_phase("The cells helped in phase ii trials of gout.", evidence) == ""
    assert other_phase("Phase III trials are planned.", "Larger trials are planned.") == ""
    found = judgement("The cells helped in Phase III trials of gout.", [evidence], evidence)
    assert found.verdict == CONTRADICTED and "Phase III" in found.reason


def test_check_calls_a_detail_from_another_article_not_found(fake_engine: Engine) -> None:
    # The hashing embedder's cosines say nothing of coverage: with the "not covered" bar set
    # aside, the rule for details from another article is what decides.
    engine = Engine(replace(fake_engine.settings, min_score=0.0), fake_engine.embedder)
    verdict = engine.check("In the hip osteoarthritis study, stem cells came from bone marrow.")
    # Whichever article the evidence comes from, the hip article (no bone marrow) or the ALS
    # one (no hip), the detail it lacks is named and is nowhere in that article.
    named = re.findall(r"“([^”]+)”", verdict.reason)
    article = engine.index.articles[verdict.evidence[0].article_id].text.lower()
    assert verdict.verdict == NOT_FOUND and verdict.reason.startswith("the evidence never mentions")
    assert named and set(named) <= {"hip", "osteoarthritis", "bone", "marrow"}
    assert not any(re.search(rf"\b{word}\b", article) for word in named)


def test_a_dash_between_words_cuts_a_clause() -> None:
    assert clauses("Supplements are unlikely to help—trials have not shown it.") == [
        "supplements are unlikely to help",
        "trials have not shown it.",
    ]


def test_one_before_a_noun_is_the_evidences_a_before_it() -> None:
    assert check_numbers("It grew in one patient.", "It grew in a patient with gout.") == (
        ("one",),
        (),
    )
    assert check_numbers("It grew in one patient.", "It grew in two patients.")[1] == ("one",)


def test_a_statement_whose_telling_words_the_evidence_leaves_out_is_not_found(
    fake_engine: Engine,
) -> None:
    """The flat share of words lets "... was a disappointment" through on the topic's common
    words; weighted by rarity in the library, the one word that says what is claimed decides."""
    verdict = fake_engine.check("The meta-analysis called stem cell treatment a disappointment.")
    assert verdict.verdict == NOT_FOUND and "“disappointment”" in verdict.reason
    lenient = fake_engine.settings.statement_min_weighted_coverage
    assert 0 < lenient < 1


def test_an_approximate_whole_number_matches_the_value_it_rounds() -> None:
    evidence = "The mean score went from 41.7 before the course to 58.2 after it."
    assert check_numbers("Scores rose from about 42 to about 58.", evidence) == (("42", "58"), ())
    assert check_numbers("Scores rose from 42 to 58.", evidence) == ((), ("42", "58"))
    assert check_numbers("Scores rose from about 40 to about 60.", evidence)[1] == ("40", "60")


def test_a_bound_on_a_number_and_a_name_say_no_direction() -> None:
    evidence = "A score of less than 50 is poor. Patients with low back pain improved."
    statement = "Scores rose in patients treated for low back pain."
    assert not any(s.word in {"less", "low"} for s in signals(evidence, 6))
    assert judgement(statement, [evidence], evidence).rule != "opposite"


def test_a_word_of_quantity_is_about_the_noun_it_counts() -> None:
    (many,) = signals("Treatment was shown to be safe for back pain in many studies.", 12)
    assert many.near == frozenset({stem("studies")})


_SCORES = "The mean score went from 41.7 before the course to 58.2 after it."
_ANAEMIA = "Anaemia, that is, a haemoglobin level of less than 12 g/dL, is common in women."


@pytest.mark.parametrize(
    ("statement", "evidence", "why"),
    [
        # A direction against the statement's own numbers.
        ("Scores fell from about 42 to about 58 after the course.", _SCORES, "'fell'"),
        ("Scores rose from about 42 to about 58 after the course.", _SCORES, None),
        # A bound turned round.
        ("Anaemia means a haemoglobin level of more than 12 g/dL.", _ANAEMIA, "'more than 12'"),
        ("Anaemia means a haemoglobin level of less than 12 g/dL.", _ANAEMIA, None),
    ],
)
def test_numbers_going_the_other_way_are_contradicted(
    statement: str, evidence: str, why: str | None
) -> None:
    verdict = judgement(statement, [evidence], evidence)
    if why is None:
        assert verdict.verdict == SUPPORTED
    else:
        assert verdict.verdict == CONTRADICTED and why in verdict.reason


@pytest.mark.parametrize(
    ("statement", "verdict"),
    [
        ("Colchicine shortens gout attacks.", NOT_FOUND),
        ("Colchicine may shorten gout attacks.", SUPPORTED),
        ("Colchicine can shorten gout attacks.", SUPPORTED),
    ],
)
def test_a_finding_the_evidence_only_allows_is_not_stated_plainly(
    statement: str, verdict: str
) -> None:
    evidence = "In a small trial, colchicine may shorten gout attacks by a day."
    judged = judgement(statement, [evidence], evidence)
    assert judged.verdict == verdict
    if verdict == NOT_FOUND:
        assert "may shorten" in judged.reason


def test_agreement_on_fewer_words_does_not_outweigh_a_direction_turned_round() -> None:
    quote = "A journal published a trial of 120 patients undergoing liver transplants."
    context = (
        "Some large trials have already been conducted. "
        f"{quote} The new drug reduced the incidence of liver rejection in the patients."
    )
    statement = "The new drug increased liver rejection in the transplant trial."
    judged = judgement(statement, [quote], context)
    assert judged.verdict == CONTRADICTED and "'reduced'" in judged.reason


def test_a_denied_cure_leaves_room_for_an_effect() -> None:
    context = (
        "Colchicine may shorten gout attacks. Allopurinol lowers uric acid. "
        "However, neither of these drugs is a cure for gout."
    )
    denied = "Neither colchicine nor allopurinol is a cure for gout."
    assert judgement(denied, [context.split(". ")[0]], context).verdict == SUPPORTED
    claimed = judgement("Allopurinol cures gout.", [context.split(". ")[1]], context)
    assert claimed.verdict == CONTRADICTED


def test_a_cure_denied_of_these_drugs_contradicts_a_cure_claimed() -> None:
    # Quoted with the sentence before it, "these drugs" are the drugs it named.
    evidence = [
        "The other approved drug, colchicine, may shorten gout attacks. However, neither of "
        "these drugs is a cure—far from it."
    ]
    claimed = judgement("Colchicine cures gout.", evidence, evidence[0])
    assert claimed.verdict == CONTRADICTED and "is a cure" in claimed.reason
    assert judgement("Colchicine is not a cure for gout.", evidence, evidence[0]).verdict != (
        CONTRADICTED
    )
    assert judgement("Colchicine may shorten gout attacks.", evidence, evidence[0]).verdict == (
        SUPPORTED
    )


def test_a_possessive_of_everyday_english_credits_no_author() -> None:
    from mscqa.answers.names import authors

    assert authors("Today's gels for gout work. Okafor's review agreed.") == ["Okafor"]
    evidence = ["Gels for gout are widely used. None of these gels is a cure for gout."]
    verdict = judgement("Today's gels for gout cure the disease.", evidence, evidence[0])
    assert verdict.verdict == CONTRADICTED and "Today" not in verdict.reason


def test_an_aside_between_commas_keeps_the_negation_in_its_clause() -> None:
    assert clauses("It does not, however, ease the pain.") == ["it does not ease the pain."]
    evidence = ["Colchicine shortens attacks; however, it does not ease the pain between them."]
    verdict = judgement("Colchicine does not, however, ease the pain.", evidence, evidence[0])
    assert verdict.verdict != CONTRADICTED


def test_one_group_is_research_the_evidence_names_not_a_count() -> None:
    evidence = ["Okafor et al. showed that the gel eased gout pain in older adults."]
    said = judgement("One group reported that the gel eased gout pain.", evidence, evidence[0])
    assert said.verdict == SUPPORTED
    counted = ["Two studies showed that the gel eased gout pain."]
    once = judgement("One study showed that the gel eased gout pain.", counted, counted[0])
    assert once.verdict != SUPPORTED and "one" in once.unmatched


def test_a_participle_saying_what_a_noun_is_is_no_finding() -> None:
    evidence = ["The gel may help protect, preserve or even regrow joints affected by gout."]
    said = judgement("The gel may help preserve joints damaged by gout.", evidence, evidence[0])
    assert said.verdict == SUPPORTED
    # Said as a finding, the participle still turns against its opposite.
    found = judgement("The gel joints were damaged by the gel.", evidence, evidence[0])
    assert found.verdict != SUPPORTED
    turned = ["The gel protected the joints of the goats."]
    assert judgement("The gel damaged the joints of the goats.", turned, turned[0]).verdict == (
        CONTRADICTED
    )


def test_the_verdict_is_read_against_the_quote_of_the_article_that_says_most(
    fake_engine: Engine,
) -> None:
    from mscqa.answers.quotes import Quote
    from mscqa.answers.verify import _saying_most
    from mscqa.search.library import library_stats

    def quote(article: str, text: str) -> Quote:
        return Quote(article, article, "ref", text, 0, len(text), text, 0, len(text), 0.5)

    first = quote("pain", "Chronic pain is extremely common.")
    saying = quote("pain", "A staggering number of studies show stem cell treatment to be safe.")
    elsewhere = quote("hip", "Many studies show stem cell treatment for chronic pain to be safe.")
    statement = "Studies show stem cell treatment for chronic pain to be safe."
    stats = library_stats(fake_engine.index)
    assert _saying_most(statement, [first, saying, elsewhere], stats) is saying


def test_a_statement_with_a_technical_term_is_still_checked_against_the_articles(
    fake_engine: Engine,
) -> None:
    # A question naming a term no article uses is refused outright; a statement is read
    # against its evidence, so staff see what the articles say.
    statement = (
        "Before stem cell treatment, patients had an average HHS score of 75 by stethoscope."
    )
    verdict = fake_engine.check(statement)
    assert verdict.reason != "no article covers it" and verdict.evidence
    assert not fake_engine.ask("Is a stethoscope used on the hip?").answered


def test_a_short_stem_is_no_prefix_of_the_articles_words() -> None:
    # "ALS" stems to "al", which "also" and "all" begin with: this article never uses ALS.
    article = frozenset(lexical_tokens("It also helps all patients with hip osteoarthritis."))
    assert "ALS" in missing_details("The ALS trial was small.", article, lambda stem: True)
    # A longer stem still counts inside a joined word: "flare" in "flareups".
    assert "flare" not in missing_details("A flare.", frozenset(["flareup"]), lambda stem: True)


def test_a_number_of_days_weeks_months_or_years_in_another_unit_contradicts() -> None:
    evidence = "Gout flares were counted 8 weeks after the first dose."
    result = judgement(
        "Gout flares were counted 8 months after the first dose.", [evidence], evidence
    )
    assert result.verdict == CONTRADICTED and "8 weeks" in result.reason
    assert "8" in result.unmatched
    same = judgement(
        "Gout flares were counted eight weeks after the first dose.", [evidence], evidence
    )
    assert same.verdict == SUPPORTED


def test_a_great_capacity_is_the_opposite_of_a_limited_one() -> None:
    evidence = "At the same time, the tendon has a very limited capacity to heal itself."
    assert opposed("The tendon has a great capacity to heal itself.", evidence)


def test_a_steroid_is_not_what_a_non_steroidal_drug_is() -> None:

    evidence = "Gout flares are treated with non-steroidal anti-inflammatory drugs."
    found = opposition("Gout flares are treated with steroids.", evidence)
    assert found is not None and "nonsteroidal" in found


def test_a_bound_on_a_number_in_other_words_is_the_same_bound() -> None:
    evidence = "A grip score of less than 40 is rated weak and a score above 60 strong."
    assert judge("A grip score below 40 counts as weak.", [evidence], evidence)[0] == SUPPORTED
    assert judge("A grip score above 40 counts as weak.", [evidence], evidence)[0] == CONTRADICTED
    assert bound_conflict("under 40", "less than 40") is None
    assert (
        bound_conflict("over 40", "less than 40")
        == "'over 40' in the statement, 'less than 40' in the evidence"
    )
    # The words the rules weigh: neither the bound (the number rules read it) nor the framing.
    assert _worded("A grip score below 40 counts as weak.") == _worded("A grip score is weak.")
    assert _worded("Around one in three adults, as many as 40%, snore.") == _worded("Adults snore.")


def test_a_length_of_time_is_not_what_a_denial_is_about() -> None:
    evidence = "Most children had no wheezing at 3 months (64%) after the inhaler course."
    same = "Three months after the course, 64% of children had no wheezing."
    assert judge(same, [evidence], evidence)[0] == SUPPORTED
    assert judge("64% of children had wheezing at 3 months.", [evidence], evidence)[0] == (
        CONTRADICTED
    )


def test_free_of_something_and_something_gone_say_the_same() -> None:
    evidence = "Long courses of the tablets cause marked weight gain."
    assert judge("Long courses of the tablets are free of weight gain.", [evidence], evidence)[
        0
    ] == (CONTRADICTED)
    assert negated("the rash was gone in most patients") and negated("free of rash")
    assert not negated("the rash spread in most patients")


def test_little_effect_says_next_to_none() -> None:
    evidence = "Rinsing the joint with saline had little effect on gout flares in 40 patients."
    agreeing = "Rinsing the joint with saline shows no benefit for gout flares."
    assert judge(agreeing, [evidence], evidence)[0] == SUPPORTED
    effective = "Rinsing the joint with saline is effective against gout flares."
    assert judge(effective, [evidence], evidence)[0] == CONTRADICTED
    assert not negated("rinsing had a little effect on flares")  # some, not none


def test_was_lacking_closing_a_clause_denies_what_comes_before() -> None:
    closing = "Evidence that cold weather was linked with gout flares was lacking."
    assert negated(closing)
    assert judge("Cold weather is linked with gout flares.", [closing], closing)[0] == CONTRADICTED
    assert not negated(closing.replace("lacking", "strong"))


def test_not_known_and_unknown_say_the_same() -> None:
    evidence = "Although the cause of gout flares is still unknown, cold weather is blamed."
    assert negated("the cause of gout flares is still unknown")
    assert not negated("the union is strong")  # "un" that is no prefix of a word
    assert not negated("the swelling was unchanged")  # a direction word: read as one
    agreeing = judge("The cause of gout flares is not known.", [evidence], evidence)
    assert agreeing[0] != CONTRADICTED
    assert opposed("The cause of gout flares is known.", evidence)
    # A word with the prefix in the statement, against the word in the evidence, is opposite.
    assert opposed("The gout tablets are unsafe.", "The gout tablets are safe.")


def test_a_not_that_tells_which_things_denies_nothing() -> None:
    assert not negated("few doctors prescribe them for pain not caused by injury")
    assert negated("few doctors do not prescribe them") and negated(
        "the pain was not caused by injury"
    )
    evidence = "Few surgeons will operate on non-traumatic back pain."
    statement = "Few surgeons operate on back pain not caused by trauma."
    assert judge(statement, [evidence], evidence)[0] != CONTRADICTED


def test_a_relative_clause_saying_where_things_come_from_denies_nothing() -> None:
    assert not negated("few surgeons operate on pain that is not caused by trauma")
    # What a relative clause denies of its noun otherwise stays a denial.
    assert negated("it is a drug that is not approved for children")
    evidence = "Few surgeons will operate on non-traumatic back pain."
    statement = "Few surgeons operate on back pain that is not caused by trauma."
    assert judge(statement, [evidence], evidence)[0] != CONTRADICTED


def test_a_comparison_made_by_more_before_than_is_graded() -> None:
    evidence = "This is a faster rate of decline than physiotherapy, but better than rest."
    assert opposed("The brace slowed decline more than physiotherapy does.", evidence)
    assert not opposed("The brace slowed decline less than physiotherapy does.", evidence)
    # "more than" a number is a bound, not a comparison.
    assert not opposed("The brace slowed decline in more than 40 patients.", evidence)


def test_a_phrase_of_everyday_words_is_read_in_the_term_tables_words() -> None:
    lasting = "Chronic hives – Once the welts appear, they do not resolve but instead spread"
    passing = "Acute hives – Patients have welts for a time, which resolve, but then return"
    statement = "In chronic hives, the welts come and go."
    assert opposed(statement, lasting)
    assert not opposed("In acute hives, the welts come and go.", passing)


def test_a_denial_carries_over_a_verb_joined_by_or() -> None:
    evidence = "The cream eases itching; however, it does not improve skin or visibly reduce scars."
    assert [s.kind for s in signals(evidence, 4)][-2:] == ["null", "null"]
    assert opposed("The cream visibly reduces scars.", evidence)
    # Joined by "and", the second verb says what was done: no denial carried over.
    joined = signals("the cream did not improve the skin and visibly reduced scars", 4)
    assert [s.kind for s in joined] == ["null", "down"]


def test_two_verbs_joined_by_and_are_both_about_what_follows_them() -> None:
    evidence = (
        "The drug can suppress neutrophils and monocytes. "
        "Likewise, the drug induces and affects the action of mast cells."
    )
    induced = next(s for s in signals(evidence, 4) if s.word == "induces")
    assert stem("mast") in induced.near
    verdict = judgement("The drug suppresses neutrophils and mast cells.", [evidence], evidence)
    assert verdict.verdict == CONTRADICTED and "induces" in verdict.reason
    assert judgement("The drug suppresses neutrophils.", [evidence], evidence).verdict == SUPPORTED


def test_easier_is_the_opposite_of_more_difficult() -> None:
    evidence = "Arthritis makes daily life more difficult for many people."
    verdict = judgement("Arthritis makes daily life easier.", [evidence], evidence)
    assert verdict.verdict == CONTRADICTED and "difficult" in verdict.reason


def test_them_of_a_clause_after_a_denial_is_the_denied_clauses_subject() -> None:
    evidence = (
        "Cortisone shots into the shoulder are not as effective as they are for the knee, "
        "so many surgeons avoid giving them."
    )
    statement = "Many surgeons avoid giving cortisone shots into the shoulder."
    assert judgement(statement, [evidence], evidence).verdict == SUPPORTED
    # What the denial says of its subject is still denied.
    denied = "Cortisone shots into the shoulder are not effective, so many surgeons avoid them."
    said = judgement("Cortisone shots into the shoulder are effective.", [denied], denied)
    assert said.verdict == CONTRADICTED


def test_a_superlative_is_read_as_its_word_against_that_words_opposite() -> None:
    evidence = (
        "Gout swelling is intermittent in early stages, but in later stages, the swelling can "
        "be constant with bouts of sharp pain."
    )
    # "earliest" pairs the statement with the clause of the early stages: "intermittent".
    statement = "In gout, the swelling is constant from the earliest stages."
    assert judgement(statement, [evidence], evidence).verdict == CONTRADICTED
    assert opposed("The swelling is constant in the later stages.", evidence) is False


def test_an_antonym_in_a_clause_too_short_to_share_the_statements_words() -> None:
    evidence = "Chronic gout – once flares start, they do not settle but instead get steadily worse"
    statement = "In chronic gout, flares improve over time."
    assert judgement(statement, [evidence], evidence).verdict == CONTRADICTED
    # The statement's own word, said again, is no antonym of another of its words.
    kept = "Cells that protect the joint were damaged by gout."
    said = "Gout damaged the cells that protect the joint."
    assert judgement(kept, [said], said).verdict == SUPPORTED


def test_verbs_that_hold_something_back_are_directions() -> None:
    evidence = "The enzyme binds the receptor to promote its phosphorylation and transport."
    said = "The enzyme impedes phosphorylation of the receptor."
    assert judgement(said, [evidence], evidence).verdict == CONTRADICTED
    # "ineffective" says no effect, against an effect the evidence finds.
    found = "Group exercise can reduce knee pain and improve walking distance."
    none = "Group exercise is ineffective at reducing knee pain."
    assert judgement(none, [found], found).verdict == CONTRADICTED


def test_incapable_denies_what_follows() -> None:
    assert negated("Rabbits are incapable of producing antibodies to the toxin.")
    evidence = "A single dose of the toxoid elicited antibodies to the toxin in rabbits."
    statement = "Rabbits are incapable of producing antibodies to the toxin."
    assert judgement(statement, [evidence], evidence).verdict == CONTRADICTED


def test_a_ratio_is_a_share_stated_only_by_the_same_share() -> None:
    evidence = "One in five gout trials stop early, and two of them never report."
    assert "two" in check_numbers("One in two gout trials stop early.", evidence)[1]
    assert (
        judgement("One in two gout trials stop early.", [evidence], evidence).verdict != SUPPORTED
    )
    # The same share in another form states both of its numbers.
    assert check_numbers("One in four adults gets gout.", "25% of adults get gout.")[1] == ()


def test_agreement_in_the_conflicts_own_clause_is_about_its_own_words() -> None:
    # "lowering" agrees with the statement's "lowering", but it is about the enzyme: the
    # pathway is what "activates" is about, the other way round from "deactivates".
    evidence = (
        "Thus, lowering the enzyme activates the repair pathway in tendons, resulting in a "
        "weakened response to steroids."
    )
    statement = "Lowering the enzyme deactivates the repair pathway in tendons."
    verdict = judgement(statement, [evidence], evidence)
    assert verdict.verdict == CONTRADICTED and "activates" in verdict.reason
    same = "Lowering the enzyme activates the repair pathway in tendons."
    assert judgement(same, [evidence], evidence).verdict == SUPPORTED


def test_a_direction_word_after_by_is_about_what_follows_it() -> None:
    # "by inducing" is how the growth was reduced: it agrees with "promotes" about the
    # breakdown, not about the crystals' growth.
    evidence = "Remarkably, ZB reduces urate crystal growth in gout by inducing breakdown."
    verdict = judgement("Zorbin promotes urate crystal growth in gout.", [evidence], evidence)
    assert verdict.verdict == CONTRADICTED and "reduces" in verdict.reason


def test_a_word_of_removal_names_what_was_removed() -> None:
    evidence = (
        "Mice without the growth gene showed elevated joint swelling and faster cartilage wear."
    )
    statement = "Deletion of the growth gene increases joint swelling."
    assert judgement(statement, [evidence], evidence).verdict == SUPPORTED
    assert [s.kind for s in signals(statement, 4)] == ["up"]
    assert [s.kind for s in signals("Knockout mice showed less swelling.", 4)] == ["down"]
    assert [s.kind for s in signals("The treatment caused deletion of the gene.", 4)] == []


@pytest.mark.parametrize(
    ("statement", "evidence", "theirs"),
    [
        (
            "The new cell line worsens the damaged tissue.",
            "The new cell line rescued the damaged tissue in every animal.",
            "rescued",
        ),
        (
            "Immune cells are scarce in the joint lining of patients with flares.",
            "Immune cells are markedly expanded in the joint lining of patients with flares.",
            "expanded",
        ),
    ],
)
def test_rescued_and_expanded_have_opposites(statement: str, evidence: str, theirs: str) -> None:
    verdict = judgement(statement, [evidence], evidence)
    assert verdict.verdict == CONTRADICTED and theirs in verdict.reason


def test_a_dash_between_words_parts_the_numbers_around_it() -> None:
    evidence = "While the trials were small\u201412-30 patients\u2014the effects were clear."
    assert check_numbers("The trials enrolled 12 to 30 patients.", evidence) == (("12", "30"), ())
    # A hyphen inside a name is still part of the name, not a number.
    assert check_numbers("The COVID-19 trials were small.", "The trials were small.")[1] == ()


def test_a_lay_phrase_is_covered_by_the_words_the_term_table_gives_it(
    fake_settings: Settings,
) -> None:
    (fake_settings.corpus_dir / "made-up-neuropathy.md").write_text(
        "---\nid: made-up-neuropathy\ntitle: A Made-Up Neuropathy\nreference: Doe, J. (2020).\n"
        "---\n\nIn the made-up neuropathy, the body's defences strip the sheath around neuronal "
        "axons, slowing every signal. Nothing else is known about it.\n",
        encoding="utf-8",
    )
    build(fake_settings, HashingEmbedder())
    engine = Engine(fake_settings, HashingEmbedder())
    verdict = engine.check("In the made-up neuropathy, signals along nerve fibres slow down.")
    assert verdict.verdict == SUPPORTED, verdict.reason


def test_what_the_evidence_says_of_the_later_stages_is_not_the_first_symptom() -> None:
    context = (
        "Often the first sign of gout is a hot, swollen big toe at night. "
        "In later stages, patients have stiff joints and chalky lumps under the skin."
    )
    paired = stage_paired("The first sign of gout is usually chalky lumps under the skin.", context)
    assert paired is not None and paired[0] and "later" in paired[1]
    later = "In later stages, gout causes chalky lumps under the skin."
    assert stage_paired(later, context) is None
    assert stage_paired("The first sign of gout is often a swollen big toe.", context) is None


def test_a_direction_noun_after_a_direction_verb_is_what_the_verb_acts_on() -> None:
    # "attenuated activation" goes down, "reduced suppression" goes up.
    attenuated = "Zoloxin attenuated T-cell activation in mice."
    assert direction_conflict("Zoloxin enhances T-cell function in mice.", attenuated)
    released = "Zoloxin reduced T-cell suppression in mice."
    assert direction_conflict("Zoloxin increases T-cell activity in mice.", released) is None
    assert direction_conflict("Zoloxin lowers T-cell activity in mice.", released)


def test_a_word_that_frames_questions_still_turns_its_negated_form_round() -> None:
    # "accurate" frames questions ("is that accurate?") and is no topic word, but against
    # "inaccurate" it says the opposite.
    evidence = "The new scanner was more accurate than the old one at finding small tears."
    assert opposed("The new scanner is inaccurate at finding small tears.", evidence)
    assert not opposed("The new scanner is accurate at finding small tears.", evidence)


def test_the_things_of_a_list_are_in_the_clause_of_the_verb_before_them() -> None:
    evidence = (
        "Zoloxin can suppress T-cells, B-cells, dendritic cells, and natural killer cells. "
        "Likewise, zoloxin induces and affects the action of regulatory T-cells."
    )
    assert clauses("It can suppress T-cells, B-cells, dendritic cells, and mast cells.") == [
        "it can suppress t-cells b-cells dendritic cells and mast cells."
    ]
    assert direction_conflict("Zoloxin boosts the activity of natural killer cells.", evidence)
    # a run of findings, or of qualities, stays clause by clause
    assert len(clauses("Cells were purified, expanded, and re-injected.")) == 3
    assert len(clauses("A cheap, safe, and tasty meal.")) == 3


def test_a_bound_on_a_count_is_stated_by_a_count_within_it() -> None:
    evidence = "The gel trials are often small, with 15-40 goats, but the effects are striking."
    assert bounds_met("Gel trials often have fewer than 50 goats.", evidence) == {"50"}
    assert bounds_met("Gel trials often have more than 10 goats.", evidence) == {"10"}
    assert bounds_met("Gel trials often have under 30 goats.", evidence) == set()  # 40 is not
    verdict = judgement("Gel trials often have fewer than 50 goats.", [evidence], evidence)
    assert verdict.verdict == "supported"
    # a length of time, or a number the evidence bounds itself, is a bound of a definition
    defined = "Chronic gout is gout lasting more than 12 weeks."
    assert bounds_met("Chronic gout is gout lasting more than 6 weeks.", defined) == set()
