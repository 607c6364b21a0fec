"""Answer forms: what a question asks for, and which sentences have that form."""

from __future__ import annotations

import pytest

from mscqa.forms import asks_amount, has_form, question_forms


def names(question: str) -> set[str]:
    return {form.name for form in question_forms(question)}


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("How many patients took part?", "amount"),
        ("what was the average pain score at one year", "amount"),
        ("When was the drug approved?", "amount"),
        ("Where do the injected cells come from?", "source"),
        ("Who ran the first trial in stroke patients?", "people"),
        ("Why do knees wear out?", "reason"),
        ("Does the injection help with stiffness?", "finding"),
        ("What did the trial in Japan show?", "finding"),
        ("Which kinds of blood cells are affected?", "list"),
        ("In what kinds of joints do the injections work?", "list"),
        ("What is a cytokine?", "definition"),
        ("what does placebo-controlled mean", "definition"),
        ("What counts as a flare-up?", "definition"),
    ],
)
def test_question_forms(question: str, form: str) -> None:
    assert form in names(question)


def test_a_plain_topic_question_asks_for_no_particular_form() -> None:
    assert names("Tell me about cartilage") == set()
    assert not asks_amount("What is cartilage?")
    # A long "what is ..." question asks about something, not for a definition.
    assert "definition" not in names("What is the gentlest way to look after a sore knee?")
    assert asks_amount("How long does recovery take?")


def test_sentences_with_the_form_asked_for() -> None:
    amount = question_forms("How many patients took part?")
    assert has_form(amount, "The trial enrolled 159 patients.")
    assert has_form(amount, "Nine studies were pooled.")
    assert not has_form(amount, "The trial enrolled many patients.")
    source = question_forms("Where do the injected cells come from?")
    assert has_form(source, "Cells were harvested from bone marrow.")
    people = question_forms("Who showed this first?")
    assert has_form(people, "Smith et al. showed it in 2009.")
    assert not has_form(people, "It was shown in 2009.")
    listing = question_forms("Which symptoms are common?")
    assert has_form(listing, "Fatigue, weakness, and numbness are common.")
    assert has_form(listing, "The disease comes in three types:")
    definition = question_forms("What is a cytokine?")
    assert has_form(definition, "Cytokines, that is, signalling proteins, guide immune cells.")
    assert has_form(definition, "A cohort study (i.e. one that follows a group) was run.")
    assert not has_form(definition, "Cytokines are a source of inflammation.")
    finding = question_forms("Does the drug cure the disease?")
    assert has_form(finding, "No drug is a cure for it yet.")


def test_no_form_asked_means_no_sentence_has_it() -> None:
    assert not has_form((), "The trial enrolled 159 patients.")
