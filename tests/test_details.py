"""Details a leaflet may change while every other word stays: where something comes from and
which part of the body (answers/details.py)."""

from __future__ import annotations

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
    sources,
    stage_conflict,
)
from mscqa.answers.verify import CONTRADICTED, NOT_FOUND, SUPPORTED
from mscqa.engine import Engine
from mscqa.text.terms import lexical_tokens

ARTICLE = (
    "The team treated twenty horses with tendon injuries. They used stem cells taken from "
    "umbilical cord tissue and injected them into the tendon. Most horses raced again."
)


def test_a_source_is_read_with_the_thing_it_is_the_source_of() -> None:
    (source,) = sources("The vets used stem cells harvested from the donors' bone marrow.")
    assert source.source == frozenset(lexical_tokens("bone marrow"))
    assert {"stem", "cell"} <= source.thing
    # Whose source it is says nothing of what it is; a verb after it ends it.
    (fat,) = sources("Cells were collected from the patients' fat and then grown.")
    assert fat.written == "fat"
    # One's own body is what the articles call autologous.
    (own,) = sources("Stem cells from the patient's own body were injected.")
    assert own.source == frozenset(lexical_tokens("autologous", expand=False))


def test_another_source_in_the_article_contradicts() -> None:
    statement = "The team used stem cells taken from bone marrow."
    found = source_conflict(statement, "They injected them into the tendon.", ARTICLE)
    assert found is not None and found[0]
    assert "umbilical cord" in found[1] and "bone marrow" in found[1]
    same = "The team used stem cells taken from umbilical cords."
    assert source_conflict(same, "", ARTICLE) is None


def test_a_source_the_article_never_gives_is_not_found() -> None:
    article = "The team injected stem cells into the tendons of twenty horses."
    found = source_conflict("The stem cells came from a donor.", article, article)
    assert found == (False, "the evidence does not say it comes from “donor”")
    assert source_conflict("The stem cells came from a donor.", "a donor gave them", "") is None


def test_a_source_of_something_else_is_no_conflict() -> None:
    evidence = "Tendon pain may come from small tears."
    assert source_conflict("Tendon pain may come from small tears.", evidence, ARTICLE) is None


def test_another_part_of_the_body_contradicts() -> None:
    evidence = "Gout often starts with pain in the ankles."
    found = body_part_conflict("Gout often starts with pain in the wrists.", evidence, evidence)
    assert found is not None and found[0] and "ankles" in found[1] and "wrists" in found[1]
    assert body_part_conflict("Gout often starts in the ankles.", evidence, evidence) is None


def test_a_part_of_the_body_never_named_is_not_found() -> None:
    evidence = "Gout often starts with sudden pain at night."
    found = body_part_conflict("Gout often starts with pain in the wrists.", evidence, evidence)
    assert found == (False, "the evidence does not mention “wrists”")
    # Named by the text around the evidence (or the article's title), it is there.
    assert body_part_conflict("Gout pain in the wrists.", evidence, "Gout of the wrists") is None


def test_back_as_a_word_of_time_and_joint_are_no_parts_of_the_body() -> None:
    evidence = "The pain returned after a year in the hip."
    assert body_part_conflict("The pain came back after a year.", evidence, evidence) is None
    assert body_part_conflict("The pain returned in the joint.", evidence, evidence) is None


def test_a_joint_is_read_by_the_part_it_is_of() -> None:
    evidence = "Cells were injected into the hip joints of people with gout."
    found = body_part_conflict("Cells were injected into the wrist joints.", evidence, evidence)
    assert found is not None and found[0] and "wrist" in found[1] and "hip" in found[1]
    assert body_part_conflict("They injected the hip joint.", evidence, evidence) is None


def test_a_changed_detail_is_never_supported_end_to_end(fake_engine: Engine) -> None:
    body = fake_engine.check("The first symptom of ALS is often weakness in the legs.")
    assert body.verdict == CONTRADICTED and "legs" in body.reason
    donor = fake_engine.check("The low back pain study used stem cells from a donor.")
    assert donor.verdict == NOT_FOUND and "donor" in donor.reason
    own = fake_engine.check(
        "The low back pain patients received stem cells taken from their own bodies."
    )
    assert own.verdict == SUPPORTED


def test_another_organ_contradicts() -> None:
    evidence = "Gout can damage the kidneys over the years."
    found = body_part_conflict("Gout can damage the liver over the years.", evidence, evidence)
    assert found is not None and found[0] and "kidneys" in found[1] and "liver" in found[1]
    assert (
        body_part_conflict("Over the years gout damages the kidneys.", evidence, evidence) is None
    )


def test_the_back_of_back_pain_is_a_part_of_the_body() -> None:
    evidence = "Injections eased the knee pain of the patients."
    found = body_part_conflict(
        "Injections eased the back pain of the patients.", evidence, evidence
    )
    assert found is not None and found[0] and "back" in found[1]


def test_another_cause_contradicts() -> None:
    evidence = "Gout attacks are caused by crystals of uric acid in the joint."
    found = cause_conflict("Gout is caused by a virus.", evidence)
    assert found is not None and found[0] and "crystals of uric acid" in found[1]
    assert cause_conflict("Gout is caused by uric acid crystals.", evidence) is None
    unknown = "The precise cause of gout is unknown, but it damages the joints."
    assert cause_conflict("Gout is caused by a virus.", unknown) == (
        True,
        "the evidence says its cause is unknown",
    )
    # Evidence that names no cause leaves the statement to the other checks.
    assert cause_conflict("Gout is caused by a virus.", "Gout attacks the joints.") is None


def test_a_condition_the_evidences_article_never_names_is_not_backed() -> None:
    article = "Gout and the joints\nIn gout, crystals of uric acid build up in the joints."
    found = other_condition("In ALS, crystals build up in the joints.", article)
    assert found is not None and not found[0] and "ALS" in found[1]
    assert other_condition("In gout, crystals build up in the joints.", article) is None
    # Named by its term-table expansion, it is there.
    assert (
        other_condition("In MS, nerves are damaged.", "Multiple sclerosis damages nerves.") is None
    )


def test_a_stage_of_the_illness_said_the_other_way_contradicts() -> None:
    evidence = "In later stages of gout, patients have stiff and swollen joints."
    assert stage_conflict("Gout patients have stiff joints from the very beginning.", evidence)
    assert stage_conflict("In later stages of gout, joints are stiff.", evidence) is None
    # The part of the evidence that says most of the statement gives the stage.
    both = "Flares are rare in early stages, but in later stages, flares are frequent and long."
    assert stage_conflict("Gout flares are frequent from the start.", both)
    assert stage_conflict("Early on, gout flares are rare.", both) is None
    # Parts that say as much of it as each other leave the stage unsure.
    assert stage_conflict("Early on, gout comes and goes.", both) is None
    # A phrase of everyday words says it in the term table's words: "all the time", constant.
    swelling = "Swelling is often intermittent at first, but later the swelling can be constant."
    assert stage_conflict("At first, the swelling is there all the time.", swelling)
    assert stage_conflict("Later on, the swelling is there all the time.", swelling) is None


def test_a_cause_no_evidence_names_is_not_backed() -> None:
    assert cause_unsaid("Gout is caused by stress.", "Gout is a painful kind of arthritis.")
    assert cause_unsaid("Gout is caused by stress.", "Gout flares result from uric acid.") is None
    assert cause_unsaid("Gout is painful.", "Gout is a painful kind of arthritis.") is None


def test_what_a_list_says_of_one_kind_is_not_said_of_another() -> None:
    title = "Gout and its kinds"
    article = (
        "Gout comes in two kinds:\n\n"
        "Acute gout – Attacks of swelling come suddenly and settle within days\n\n"
        "Chronic tophaceous gout – Hard lumps called tophi build up around the joints\n"
    )
    swapped = other_item("Acute gout leaves tophi around the joints.", title, article)
    assert swapped is not None and not swapped[0]
    assert "“tophi” of Chronic tophaceous gout, not of Acute gout" in swapped[1], swapped
    for true in ("Acute gout attacks come suddenly.", "Chronic tophaceous gout builds tophi."):
        assert other_item(true, title, article) is None, true
    # A word of everyday English shared with another item is no sign: paraphrases use them.
    assert other_item("Acute gout swelling can build up.", title, article) is None
    # Unless every word the statement's kind leaves out is another kind's, two or more.
    moved = other_item("In chronic tophaceous gout, attacks come suddenly.", title, article)
    assert moved is not None and "of Acute gout, not of Chronic tophaceous gout" in moved[1]


def test_a_word_turned_round_in_another_sentence_of_the_article_contradicts() -> None:
    article = (
        "Gout is common in older men.\n\n"
        "A review pooled ten trials of the new gout drug. The authors concluded that the new "
        "gout drug was safe. Hard work is unsafe for swollen joints."
    )
    context = "A review pooled ten trials of the new gout drug."
    found = opposed_elsewhere("The review found the new gout drug unsafe.", context, article)
    assert found is not None and found[0]
    assert "“The authors concluded that the new gout drug was safe.”" in found[1]
    # A word the evidence leaves out with no opposite elsewhere, or an opposite in a sentence
    # about too little of the statement, is for the other rules.
    assert opposed_elsewhere("The review found the new gout drug cheap.", context, article) is None
    assert opposed_elsewhere("Gout joints are safe.", "Gout is common.", article) is None
    # Nothing left out of the evidence: nothing to look for elsewhere.
    assert (
        opposed_elsewhere("A review pooled trials of the new gout drug.", context, article) is None
    )


def test_another_way_of_giving_a_treatment_is_not_backed() -> None:
    injected = "In the trial, the gout drug was injected into the knee joint every week."
    by_mouth = route_conflict("The gout drug was given by mouth.", injected)
    assert by_mouth is not None and by_mouth[0]
    assert "“into the knee joint” where the statement says “by mouth”" in by_mouth[1]
    unsaid = route_conflict("The gout drug was given as tablets.", "The gout drug eased pain.")
    assert unsaid is not None and not unsaid[0]
    # The same way in other words, or no way said by the statement: nothing to say.
    assert route_conflict("The gout drug was taken as pills.", "Patients took tablets.") is None
    assert route_conflict("The gout drug eased pain.", injected) is None


def test_a_statement_naming_two_kinds_says_what_each_kinds_item_says() -> None:
    title = "Gout and its kinds"
    article = (
        "Gout comes in two kinds:\n\n"
        "Acute gout – Attacks of swelling come suddenly and settle within days\n\n"
        "Chronic tophaceous gout – Hard lumps called tophi build up around the joints\n"
    )
    both = (
        "In acute gout attacks of swelling settle within days, and in some the gout later "
        "becomes chronic tophaceous gout."
    )
    assert other_item(both, title, article) is None
    # a word of a kind it does not name is still another kind's
    assert other_item("Acute gout leaves tophi around the joints.", title, article) is not None


def test_research_in_other_patients_contradicts_the_patients_a_statement_names() -> None:
    evidence = "The gel trial enrolled 40 patients with lupus."
    verdict = patients_conflict("The gel trial enrolled 40 people with gout.", evidence)
    assert verdict and verdict[0] and "patients with lupus" in verdict[1]
    # the same patients, a statement naming no research, or a kind of the same condition
    assert patients_conflict("The gel trial treated people with lupus.", evidence) is None
    assert patients_conflict("Gel helps people with gout.", evidence) is None
    kind = "The gel trial enrolled patients with discoid lupus."
    assert patients_conflict(kind, evidence) is None


def test_a_cause_done_by_another_agent_is_another_cause() -> None:
    evidence = "Gout is caused by crystals that attack the joint."
    assert cause_conflict("Gout is caused by viruses that attack the joint.", evidence)
    assert cause_conflict("Gout is caused by crystals attacking the joint.", evidence) is None
    rejected = "Grafts fail because the body rejects them."
    assert cause_conflict("Grafts fail because of infections.", rejected)
    assert cause_conflict("Grafts fail because the body rejects the graft.", rejected) is None
    # a sentence opening "Because ..." says why of what follows it, not of the statement
    around = "Because the pain lasts, goats take gel daily. Few vets give opioids to goats."
    assert cause_conflict("Few vets give opioids because the risk is high.", around) is None
    # the results from trials are findings, not a cause
    found = "The results from forty trials favour the gel."
    assert cause_conflict("Gout flares result from crystals.", found) is None
