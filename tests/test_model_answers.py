"""The real model on the shipped articles: questions written for these tests."""

from __future__ import annotations

import pytest

from mscqa.answers.verify import CONTRADICTED
from mscqa.engine import Engine

pytestmark = pytest.mark.model

CASES = [
    ("Which muscles become spastic in ALS?", "ALS", "spastic"),
    ("How long does pain have to last before it counts as chronic?", "Chronic Pain", "12 weeks"),
    # Lay anatomy: "nerve fibres" and "sheath" meet "neuronal axons" and "covering" through
    # the term table.
    (
        "What is the protective sheath around nerve fibres that MS damages?",
        "Multiple Sclerosis",
        "myelin",
    ),
    ("Do steroids cure autoimmune conditions?", "Immune System", "cure"),
    ("What is the definitive treatment for a worn-out hip joint?", "Hip", "hip replacement"),
]


@pytest.mark.parametrize(("question", "title_part", "needle"), CASES)
def test_questions_are_answered_from_the_right_article(
    real_engine: Engine, question: str, title_part: str, needle: str
) -> None:
    answer = real_engine.ask(question)
    assert answer.answered
    top = answer.quotes[0]
    assert title_part in top.title
    assert needle in top.quote or needle in top.passage
    article = real_engine.index.articles[top.article_id]
    assert article.text[top.start : top.end] == top.quote
    assert top.reference == article.reference


@pytest.mark.parametrize(
    ("question", "title_part"),
    [
        ("my uncle has Lou Gehrig's disease, could stem cells protect his nerve cells?", "ALS"),
        ("does OA of the hip get better after an MSC injection?", "Hip"),
        ("can stem cells help a bad back?", "Chronic Pain"),
    ],
)
def test_lay_terms_and_acronyms_reach_the_right_article(
    real_engine: Engine, question: str, title_part: str
) -> None:
    answer = real_engine.ask(question)
    assert answer.answered and title_part in answer.quotes[0].title


@pytest.mark.parametrize(
    "question",
    [
        "What are your opening hours?",
        "Is PRP better than stem cells for tennis elbow?",
        "Do you accept Medicare?",
    ],
)
def test_questions_the_articles_do_not_cover_are_refused(
    real_engine: Engine, question: str
) -> None:
    answer = real_engine.ask(question)
    assert not answer.answered and answer.quotes == ()


def test_a_changed_number_is_caught_with_the_real_model(real_engine: Engine) -> None:
    verdict = real_engine.check("Chronic pain is pain that lasts for more than 20 weeks.")
    assert verdict.verdict != "supported"
    assert "20" in verdict.unmatched


def test_it_after_a_story_naming_a_drug_is_that_drug(real_engine: Engine) -> None:
    story = (
        "My father was diagnosed with ALS in May. His neurologist prescribed the drug "
        "riluzole. What does it do, honestly?"
    )
    turn = real_engine.reply(story)
    assert turn.understood_as and "riluzole" in turn.understood_as
    assert turn.answer.answered and "ALS" in turn.answer.quotes[0].title
    assert "riluzole" in turn.answer.quotes[0].quote


def test_whether_a_treatment_is_safe_is_answered_by_the_sentence_saying_so(
    real_engine: Engine,
) -> None:
    answer = real_engine.ask("Is stem cell treatment safe for people with ulcerative colitis?")
    assert answer.answered and "Immune System" in answer.quotes[0].title
    # Not the sentence naming ulcerative colitis among the conditions treated.
    assert "consistently safe" in answer.quotes[0].quote


def test_a_follow_up_refused_as_typed_is_answered_about_the_conversations_topic(
    real_engine: Engine,
) -> None:
    first = real_engine.reply("Tell me about ALS.")
    turn = real_engine.reply("how do the final stages look?", [first])
    assert turn.understood_as == "how do the final stages look, in ALS?"
    assert turn.answer.answered and "stages of ALS" in turn.answer.quotes[0].quote
    # A question about something else is not answered with the conversation's topic: the
    # quote found for "..., in ALS?" lacks its own word ("vision").
    other = real_engine.reply("What causes low vision?", [first])
    assert not other.answer.answered and other.understood_as is None


def test_a_follow_up_whose_words_the_quote_says_but_one_is_answered_about_the_topic(
    real_engine: Engine,
) -> None:
    # Refused as typed; about MS, the quote says "immune reaction" and, for "damage",
    # "breaks down": all of the follow-up's own words but one.
    first = real_engine.reply("Is MS an autoimmune condition?")
    turn = real_engine.reply("and what does the immune reaction damage?", [first])
    assert turn.answer.answered and "immune reaction breaks down" in turn.answer.quotes[0].quote


def test_a_stage_or_a_cause_changed_is_never_supported(real_engine: Engine) -> None:
    stage = real_engine.check("From the very start of ALS, swallowing is difficult for patients.")
    assert stage.verdict == CONTRADICTED and "later" in stage.reason
    cause = real_engine.check("Multiple sclerosis is caused by a virus.")
    assert cause.verdict == CONTRADICTED and "another cause" in cause.reason
