"""Greetings, thanks and goodbyes get a fixed reply, are not counted as refusals, and do not
push the topic of a conversation out of reach."""

from __future__ import annotations

from pathlib import Path

import pytest

from mscqa.answers.social import SOCIAL, social, social_answer, without_pleasantries
from mscqa.engine import Engine
from mscqa.staff.gaps import GapLog, read_counts

ALS = "Mesenchymal Stem Cell Treatment for ALS is Safe and Feasible"


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("thanks!", "thanks"),
        ("Thank you so much", "thanks"),
        ("ok thanks", "thanks"),
        ("hi", "greeting"),
        ("Good morning doctor", "greeting"),
        ("bye", "goodbye"),
        ("ok ciao", "goodbye"),
        ("ok", "acknowledgement"),
        ("got it, great", "acknowledgement"),
        ("help me please", "help"),
    ],
)
def test_a_message_that_asks_nothing_has_a_kind_and_a_reply(message: str, kind: str) -> None:
    found = social(message)
    assert found is not None and found.kind == kind and found.reply


@pytest.mark.parametrize(
    "message",
    [
        "thanks, and does it hurt?",
        "hi, is it safe for gout",
        "ok so what about the knee",
        "great results for lupus",
        "",
        "thank you " * 10,
    ],
)
def test_a_message_that_says_or_asks_more_is_not_social(message: str) -> None:
    assert social(message) is None


def test_a_greeting_before_a_question_is_left_out_of_the_question() -> None:
    assert without_pleasantries("Thanks so much, does it hurt?") == "does it hurt?"
    assert without_pleasantries("Hi! Is it safe for gout?") == "Is it safe for gout?"
    assert without_pleasantries("Hello") == "Hello"
    assert without_pleasantries("Knee pain, is it common?") == "Knee pain, is it common?"


def test_a_social_reply_is_not_counted_as_a_refused_question(tmp_path: Path) -> None:
    gaps = GapLog(tmp_path)
    found = social("thanks!")
    assert found is not None
    answer = social_answer("thanks!", found)
    assert not answer.answered and answer.refusal == SOCIAL and not answer.quotes
    assert gaps.record(answer) is False and read_counts(gaps.path) == []


def test_thanks_in_a_conversation_gets_the_fixed_reply_and_keeps_the_topic(
    fake_engine: Engine,
) -> None:
    first = fake_engine.reply("Is there a drug for ALS?")
    turns = [first]
    for message in ("thanks!", "ok", "hello"):
        turn = fake_engine.reply(message, turns)
        assert not turn.answer.answered and turn.answer.message and not turn.asked
        turns.append(turn)
    follow_up = fake_engine.reply("does it improve function or reduce symptoms?", turns)
    assert follow_up.understood_as is not None and "ALS" in follow_up.understood_as
    assert follow_up.answer.answered and follow_up.answer.quotes[0].title == ALS


def test_tell_me_more_with_nothing_asked_before_asks_what_about(fake_engine: Engine) -> None:
    for message in ("can you tell me more?", "anything else"):
        turn = fake_engine.reply(message)
        assert turn.answer.refusal == SOCIAL and "what you would like to know" in (
            turn.answer.message or ""
        ), message
    # After a question it asks that question again; with a topic of its own, it is one.
    first = fake_engine.reply("What is ALS?")
    assert fake_engine.reply("tell me more", [first]).asked == first.asked
    assert social("tell me more about ALS", first=True) is None


def test_tell_me_more_shows_what_the_answer_left_out_until_nothing_is_left(
    fake_engine: Engine,
) -> None:
    turns = [fake_engine.reply("What is ALS?")]
    shown = {(q.article_id, q.start) for q in turns[0].answer.quotes}
    for _ in range(8):
        turn = fake_engine.reply("tell me more", turns)
        turns.append(turn)
        assert turn.asked == turns[0].asked
        if not turn.answer.answered:
            break
        new = {(q.article_id, q.start) for q in turn.answer.quotes}
        assert new and not new & shown and all(q.title == ALS for q in turn.answer.quotes)
        shown |= new
    assert len(turns) > 2, "the first 'tell me more' found nothing new"
    last = turns[-1].answer
    assert (
        not last.answered
        and last.refusal == SOCIAL
        and "all the articles say" in (last.message or "")
    )


def test_the_chat_shows_the_fixed_reply_escaped_with_the_topics(fake_engine: Engine) -> None:
    from mscqa.web.markup import NOT_COVERED, format_turn

    turn = fake_engine.reply("thanks!")
    shown = format_turn(turn, fake_engine.settings, ["Gout <b>research</b>"])
    assert shown.startswith("You\\'re welcome\\.") and NOT_COVERED not in shown
    assert "Gout &lt;b&gt;research&lt;\\/b&gt;" in shown and "<b>" not in shown
