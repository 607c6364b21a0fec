"""Engine.reply, `mscqa chat` and `mscqa eval` on conversations, with the fake embedder."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mscqa.answers.quotes import Answer, Quote, refused
from mscqa.answers.turns import NO_SOURCES, SOURCES, Turn
from mscqa.cli import main
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.errors import UsageError
from mscqa.evaluate import ConversationItem, read_conversations, score_turn
from mscqa.web.sessions import Conversations

HIP = "Mesenchymal Stem Cells Injection Improves Hip Osteoarthritis"
ALS = "Mesenchymal Stem Cell Treatment for ALS is Safe and Feasible"


def _asks(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | None]]:
    """Every (question, asked) the engine searches from now on, in order."""
    calls: list[tuple[str, str | None]] = []
    ask = engine.ask

    def recording(question: str, asked: str | None = None) -> Answer:
        calls.append((question, asked))
        return ask(question, asked)

    monkeypatch.setattr(engine, "ask", recording)
    return calls


def test_a_plain_question_is_answered_as_ask_answers_it_with_one_search(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "Which surgery do people with hip osteoarthritis end up having?"
    expected = fake_engine.ask(question)
    calls = _asks(fake_engine, monkeypatch)
    turn = fake_engine.reply(question)
    assert turn.answer == expected and [q for q, _ in calls] == [question]
    assert turn.understood_as is None and turn.corrected is None and turn.language == "en"


def test_a_follow_up_leans_on_the_earlier_turn_with_one_search(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fake_engine.reply("Is there a drug for ALS?")
    calls = _asks(fake_engine, monkeypatch)
    turn = fake_engine.reply("does it improve function or reduce symptoms?", [first])
    assert len(calls) == 1 and turn.understood_as == calls[0][0]
    assert "ALS" in turn.understood_as
    assert turn.answer.answered and turn.answer.quotes[0].title == ALS


def test_a_follow_up_never_answers_what_the_articles_do_not_cover(fake_engine: Engine) -> None:
    first = fake_engine.reply("How is hip osteoarthritis treated?")
    for follow_up in ("Does your clinic take my insurance for that?", "and for tinnitus?"):
        turn = fake_engine.reply(follow_up, [first])
        assert not turn.answer.answered and turn.answer.reason


def test_two_questions_cost_one_search_more_and_a_part_not_covered_has_a_reason(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _asks(fake_engine, monkeypatch)
    turn = fake_engine.reply(
        "Where were the stem cells for the hip taken from, and do you offer payment plans?"
    )
    assert len(calls) == 2 and len(turn.parts) == 2
    assert turn.answer.answered and turn.answer.quotes[0].title == HIP
    assert "payment plans" in turn.answer.reason
    assert turn.understood_as is not None


def test_the_question_in_a_story_is_searched_without_the_story(fake_engine: Engine) -> None:
    story = (
        "My father is 81, he was a fisherman, and his right hip has been stiff for years. "
        "He had a cortisone shot last spring that wore off quickly. "
        "Which surgery is the definitive treatment for osteoarthritis of the hip?"
    )
    turn = fake_engine.reply(story)
    assert turn.understood_as and "fisherman" not in turn.understood_as
    assert turn.answer.answered and turn.answer.quotes[0].title == HIP


@pytest.mark.parametrize(
    ("question", "read_as"),
    [
        ("Has anybody tested them on osteoarthritis of the hip?", "stem cell injections"),
        # The "they" of "they're", written out: "... if stem cell injections are tested ...".
        ("Do you know if they’re tested on osteoarthritis of the hip?", "stem cell injections are"),
    ],
)
def test_a_pronoun_in_a_story_question_is_the_treatment_the_story_named(
    fake_engine: Engine, question: str, read_as: str
) -> None:
    story = (
        "I am 66 and my hip has ached for years; the pills help less every winter. "
        f"A friend of mine keeps talking about stem cell injections. {question}"
    )
    turn = fake_engine.reply(story)
    assert turn.understood_as and read_as in turn.understood_as
    assert "'re" not in turn.understood_as and "’re" not in turn.understood_as
    assert turn.answer.answered and turn.answer.quotes[0].title == HIP


@pytest.mark.parametrize(
    "doubt", ["Is that true?", "Is that true or is he exaggerating?", "Is that real or just hype?"]
)
def test_is_that_true_after_a_story_searches_what_the_story_says(
    fake_engine: Engine, doubt: str
) -> None:
    # The words of doubt name no topic of their own: the claim is what is searched.
    story = (
        "My hip has hurt for two years and the pills barely help. My cousin said that hip "
        f"replacement surgery is expensive and takes a long time to recover from. {doubt}"
    )
    turn = fake_engine.reply(story)
    assert turn.understood_as and turn.understood_as.startswith("Is it true that hip replacement")
    assert turn.answer.answered and turn.answer.quotes[0].title == HIP


def test_a_follow_up_is_searched_with_the_patients_own_words_leading(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fake_engine.reply("What happened in the JAMA kidney transplant trial?")
    calls = _asks(fake_engine, monkeypatch)
    turn = fake_engine.reply("so were there fewer infections?", [first])
    assert turn.answer.answered
    ((question, asked),) = calls
    assert "kidney transplant" in question and asked == "so were there fewer infections?"


def test_a_condition_told_in_the_story_counts_as_the_patients_own_words(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The story's condition is searched with the question and, typed in the same message,
    # weighs as the patient's own word; so does the first question's, in a second question
    # leaning on it. Words carried from earlier turns do not (`asked` keeps them from leading).
    calls = _asks(fake_engine, monkeypatch)
    fake_engine.reply("My aunt has had ALS for a year. Have stem cells been tried on it?")
    ((question, asked),) = calls
    assert "ALS" in question and asked is None
    calls.clear()
    first = fake_engine.reply(
        "Why can't the hip heal itself, and which cells did the researchers use?"
    )
    assert calls[1][1] is None and "hip" in calls[1][0]
    calls.clear()
    fake_engine.reply("and which cells did they use?", [first])
    assert calls[0][1] == "and which cells did they use?"


def test_typos_are_corrected_and_shown(fake_engine: Engine) -> None:
    turn = fake_engine.reply("which surgary ends hip osteoartritis?")
    assert turn.corrected == "which surgery ends hip osteoarthritis?"
    assert turn.answer.answered and turn.answer.quotes[0].title == HIP


def test_a_message_whose_words_the_speller_turns_english_keeps_its_language(
    fake_engine: Engine,
) -> None:
    # "Helpen" -> "help", "sclerose" -> "sclerosis": corrected, the message reads as English.
    turn = fake_engine.reply("Helpen stamcellen bij multiple sclerose?")
    assert turn.language == "nl" and turn.answer.refusal == "language"


def test_another_language_gets_the_english_only_reply(fake_engine: Engine) -> None:
    turn = fake_engine.reply("¿Las células madre ayudan a la cadera con artrosis?")
    assert turn.language == "es" and turn.answer.refusal == "language"
    assert not turn.answer.answered and "English" in turn.answer.reason
    assert turn.asked == ()


def test_chat_json_keeps_interleaved_conversations_apart(fake_env: Settings) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["index", "build"]).exit_code == 0
    lines = [
        {"conversation": "a", "question": "Is there a drug for ALS?"},
        {"conversation": "b", "question": "How is hip osteoarthritis treated?"},
        {"conversation": "a", "question": "does it improve function or reduce symptoms?"},
        {"conversation": "b", "question": "what did the researchers inject into it?"},
    ]
    result = runner.invoke(main, ["chat", "--json"], input="\n".join(map(json.dumps, lines)))
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["conversation"] for o in out] == ["a", "b", "a", "b"]
    assert set(out[0]) == {
        "conversation", "question", "answered", "message", "reason", "answers",
        "understood_as", "corrected",
    }  # fmt: skip
    assert out[0]["understood_as"] is None
    assert "ALS" in out[2]["understood_as"] and out[2]["answers"][0]["title"] == ALS
    assert "hip" in out[3]["understood_as"].lower()


def test_chat_text_shows_how_a_message_was_read(fake_env: Settings) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["index", "build"]).exit_code == 0
    text = "Is there a drug for ALS?\nis it a cure?\n"
    result = runner.invoke(main, ["chat"], input=text)
    assert result.exit_code == 0 and "(Answering: is " in result.stdout


def test_chat_json_refuses_a_line_that_is_not_a_chat_line(fake_env: Settings) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["index", "build"]).exit_code == 0
    result = runner.invoke(main, ["chat", "--json"], input="just text\n")
    assert result.exit_code == 0 and '"conversation": ID' in result.stderr
    assert "error" in json.loads(result.stdout)


def _quote(title: str, text: str) -> Quote:
    return Quote("id", title, "ref", text, 0, len(text), text, 0, len(text), 0.8)


def test_score_turn_follows_each_mode() -> None:
    answer = Answer("q", True, None, (_quote("T", "Alpha beta."), _quote("U", "Gamma “delta”.")))
    item = ConversationItem("1", "k", ("q",), "quote1", (("alpha",),), "T")
    assert score_turn(item, answer) == ""
    assert score_turn(ConversationItem("1", "k", ("q",), "quote1", (("alpha",),), "U"), answer)
    anywhere = ConversationItem("1", "k", ("q",), "quote1", (("alpha",),), "*")
    assert score_turn(anywhere, answer) == ""
    hit3 = ConversationItem("1", "k", ("q",), "hit3", (("beta",), ('"delta"',)))
    assert score_turn(hit3, answer) == ""
    uncovered = ConversationItem("1", "k", ("q",), "hit3", (("beta",),), uncovered_part=True)
    assert "reason" in score_turn(uncovered, answer)
    refused = Answer("q", False, "The articles are in English.", (), "")
    assert score_turn(ConversationItem("1", "k", ("q",), "refuse"), refused) == ""
    assert score_turn(ConversationItem("1", "k", ("q",), "english"), refused) == ""
    assert score_turn(ConversationItem("1", "k", ("q",), "refuse"), answer) == "answered"


def test_eval_reads_conversations_and_reports_per_kind(fake_env: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["index", "build"]).exit_code == 0
    rows = [
        {"id": "x1", "kind": "followup", "turns": ["Is there a drug for ALS?",
         "does it improve function or reduce symptoms?"], "mode": "quote1", "title": ALS,
         "groups": [["riluzole"]]},
        {"id": "x2", "kind": "language", "turns": ["¿Qué es la artrosis de cadera?"],
         "mode": "english"},
    ]  # fmt: skip
    path = tmp_path / "talk.jsonl"
    path.write_text("\n".join(map(json.dumps, rows)) + "\n")
    assert [i.id for i in read_conversations(path)] == ["x1", "x2"]
    result = runner.invoke(main, ["eval", "--json", str(path)])
    report = json.loads(result.stdout)
    assert report["kinds"]["language"] == {"right": 1, "total": 1, "share": 1.0}
    assert report["overall"]["total"] == 2
    text = runner.invoke(main, ["eval", str(path)]).stdout
    assert "followup" in text and "overall" in text
    path.write_text(json.dumps({"turns": ["x"], "mode": "sing"}) + "\n")
    bad = runner.invoke(main, ["eval", str(path)])
    assert bad.exit_code == 2 and "modes are: quote1, hit3, refuse, english" in bad.stderr


def test_conversations_are_bounded_and_forget_idle_sessions() -> None:
    store = Conversations(max_sessions=2, idle_seconds=3600, keep_turns=2)
    for session, turn in [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("c", 1)]:
        store.add(session, turn)
    assert store.history("a") == () and store.history("c") == (1,) and len(store) == 2
    store.add("c", 2)
    store.add("c", 3)
    assert store.history("c") == (2, 3)
    store.clear("c")
    assert store.history("c") == ()
    idle = Conversations(max_sessions=5, idle_seconds=0.0)
    idle.add("a", 1)
    assert idle.history("a") == ()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=80)
        | st.sampled_from(["and for it?", "what did they find?", "¿y eso?", "it, and is it?"]),
        min_size=1,
        max_size=3,
    )
)
def test_any_conversation_gets_a_turn_or_one_line(fake_engine: Engine, messages: list[str]) -> None:
    history: list[Turn] = []
    for message in messages:
        try:
            turn = fake_engine.reply(message, history)
        except UsageError as exc:
            assert "\n" not in str(exc)
            continue
        assert len(turn.asked) <= 2
        assert turn.answer.answered or turn.answer.message
        history.append(turn)


def test_the_web_chat_keeps_each_sessions_turns_apart(fake_engine: Engine) -> None:
    from mscqa.web.chat import ChatService

    service = ChatService(fake_engine)
    service.converse("Is there a drug for ALS?", "tab-1")
    leaning = service.converse("does it improve function or reduce symptoms?", "tab-1")
    alone = service.converse("does it improve function or reduce symptoms?", "tab-2")
    assert "Answering: does a drug for ALS" in leaning.markdown
    assert "Answering" not in alone.markdown
    spanish = service.converse("¿La artrosis de cadera tiene cura?", "tab-2").markdown
    assert "The articles are in English" in spanish and "> " not in spanish
    typo = service.converse("which surgary ends hip osteoartritis?", "tab-3").markdown
    assert "Showing results for: which surgery ends hip osteoarthritis" in typo


@pytest.mark.parametrize(
    "follow_up", ["where can I park when I visit?", "are facelifts worth it?", "what about gas?"]
)
def test_a_follow_up_about_something_the_library_never_mentions_is_searched_as_typed(
    fake_engine: Engine, follow_up: str
) -> None:
    first = fake_engine.reply("Is there a drug for ALS?")
    turn = fake_engine.reply(follow_up, [first])
    assert turn.asked == (follow_up,) and turn.understood_as is None
    assert not turn.answer.answered


def test_a_question_that_says_it_for_the_topic_leans_on_it_with_common_words_of_its_own(
    fake_engine: Engine,
) -> None:
    # "hit" and "parts" are words no article uses, but plain English: "it" is still ALS.
    turn = fake_engine.reply("What does ALS destroy, and which parts of the body does it hit?")
    assert turn.asked[1] == "which parts of the body does ALS hit?"
    first = fake_engine.reply("Is there a drug for ALS?")
    assert fake_engine.reply("does it hit the parts first?", [first]).asked == (
        "does a drug for ALS hit the parts first?",
    )


def test_a_short_follow_up_with_plain_words_no_article_uses_leans_on_the_conversation(
    fake_engine: Engine,
) -> None:
    # "relax" is in no article, but plain English said of the muscles: the follow-up is about
    # ALS. "gas" is plain English too, but "what is gas?" names nothing the library uses.
    first = fake_engine.reply("What happens in the later stages of ALS?")
    assert fake_engine.reply("do the muscles ever relax?", [first]).asked == (
        "do the muscles ever relax, in ALS?",
    )
    assert fake_engine.reply("what is gas?", [first]).asked == ("what is gas?",)
    # Nor with a word of its own when it says "that" for the treatment talked about.
    treatment = fake_engine.reply("Can stem cells ease chronic pain?")
    assert fake_engine.reply("is that proven?", [treatment]).asked == (
        "is stem cells for chronic pain proven?",
    )


PAIN = "Treating Chronic Pain with Mesenchymal Stem Cells"


def _canned(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, typed: str, leaned: Quote
) -> list[str]:
    """`engine.ask` refusing `typed` and answering any other question (the one carrying
    words of earlier turns) with the quote `leaned`."""
    searched: list[str] = []

    def ask(question: str, asked: str | None = None) -> Answer:
        searched.append(question)
        if question == typed:
            return refused(question, ())
        return Answer(question, True, None, (leaned,))

    monkeypatch.setattr(engine, "ask", ask)
    return searched


def _follow_up(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, first: Turn, typed: str, leaned: Quote
) -> tuple[list[str], Turn]:
    """`typed` after the turn `first`, with `engine.ask` canned as `_canned` says: the
    questions searched and the turn."""
    searched = _canned(engine, monkeypatch, typed, leaned)
    return searched, engine.reply(typed, [first])


def test_a_follow_up_answered_only_through_the_words_it_carries_is_asked_as_typed(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fake_engine.reply("How do stem cells help chronic pain?")
    question = "How long do the effects of a cortisone shot last?"
    # The first quote says nothing of effects, cortisone (a steroid) or shots (injections).
    definition = _quote(PAIN, "Chronic pain, that is, pain lasting for more than 12 weeks.")
    searched, turn = _follow_up(fake_engine, monkeypatch, first, question, definition)
    assert searched == [f"{question[:-1]}, in chronic pain?", question]
    assert turn.asked == (question,) and not turn.answer.answered
    # A quote that says one of them is kept: "cortisone" reads as "steroid".
    steroid = _quote(PAIN, "Steroid injections help some people with chronic pain.")
    searched, turn = _follow_up(fake_engine, monkeypatch, first, question, steroid)
    assert len(searched) == 1 and turn.answer.answered and turn.asked == tuple(searched)


def test_a_follow_up_keeps_its_answer_on_the_topic_when_as_typed_it_scores_lower(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fake_engine.reply("What is primary progressive MS?")
    question = "can it change into a different kind over time?"
    title = "Mesenchymal Stem Cell Treatment for Multiple Sclerosis"
    # About the topic, the first quote says none of the follow-up's own words ...
    topic = _quote(title, "In primary progressive MS, symptoms worsen from the start.")
    # ... and as typed, a weaker quote of another article says one ("kind") by chance.
    other = replace(_quote(PAIN, "Pain of any kind lowers the quality of life."), score=0.3)
    searched: list[str] = []

    def ask(asked: str, typed: str | None = None) -> Answer:
        searched.append(asked)
        return Answer(asked, True, None, (other if asked == question else topic,))

    monkeypatch.setattr(fake_engine, "ask", ask)
    turn = fake_engine.reply(question, [first])
    assert searched[1:] == [question] and turn.asked == (searched[0],)
    assert turn.answer.quotes[0].quote == topic.quote
    # As typed and scoring higher, the quote that says the follow-up's word is kept.
    other = replace(other, score=0.9)
    assert fake_engine.reply(question, [first]).asked == (question,)


def test_a_question_searched_with_the_story_sentence_it_points_at_falls_back_to_itself(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    told = "Now his hip locks up on the stairs."
    message = f"My dad has hip osteoarthritis. {told} Is that normal for hip osteoarthritis?"
    quote = _quote("Mesenchymal Stem Cells Injection Improves Hip Osteoarthritis", "The hip...")
    searched: list[str] = []
    covers_told = False  # whether the canned search answers a question with the sentence

    def ask(question: str, asked: str | None = None) -> Answer:
        searched.append(question)
        if told in question and not covers_told:
            return refused(question, ())
        return Answer(question, True, None, (quote,))

    monkeypatch.setattr(fake_engine, "ask", ask)
    turn = fake_engine.reply(message)
    plain = "Is that normal for hip osteoarthritis?"
    assert searched == [f"{plain} {told}", plain]
    assert turn.asked == (plain,) and turn.answer.answered
    # Answered with the sentence, the question alone is what later turns lean on.
    covers_told = True
    turn = fake_engine.reply(message)
    assert turn.asked == (f"{plain} Now his hip locks up on the stairs.",)
    assert turn.context == (plain,)


def test_the_condition_a_follow_up_names_may_be_in_the_quotes_title(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fake_engine.reply("Were stem cells safe in the hip study?")
    title = "Mesenchymal Stem Cell Treatment for Multiple Sclerosis"
    safe = _quote(title, "The authors also concluded that the treatment was safe.")
    searched, turn = _follow_up(fake_engine, monkeypatch, first, "what about in MS?", safe)
    assert searched == ["Were stem cells safe in the hip study, for MS?"]
    assert turn.answer.answered
    # Not so for a condition in the title that the follow-up did not type.
    hip = _quote(HIP, "The authors also concluded that the treatment was safe.")
    _, turn = _follow_up(fake_engine, monkeypatch, first, "what about in MS?", hip)
    assert not turn.answer.answered


def test_a_lean_on_the_story_of_the_same_message_is_not_checked(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fake_engine.reply("How do stem cells help chronic pain?")
    # "Is it normal ...?" leans on the story told in the same message, not on the turn before:
    # its quote need not say "normal".
    onset = _quote(ALS, "Weakness is usually more pronounced on one side of the body.")
    question = "Is it normal for it to start on one side?"
    searched = _canned(fake_engine, monkeypatch, question, onset)
    turn = fake_engine.reply(f"My uncle was told he has ALS last spring. {question}", [first])
    assert turn.answer.answered and len(searched) == 1


def test_a_follow_up_that_only_swaps_the_condition_is_the_earlier_question_s_own(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "and for MS?" has no word of its own but the condition: the earlier question's words
    # choose the quote as they would if the patient had typed it whole.
    first = fake_engine.reply("What is usually the first symptom of ALS?")
    calls = _asks(fake_engine, monkeypatch)
    fake_engine.reply("and for multiple sclerosis?", [first])
    ((question, asked),) = calls
    assert "multiple sclerosis" in question and asked is None


def test_a_second_question_not_covered_alone_leans_on_the_first(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Words enough of its own to be searched as typed; not covered so, it is searched again
    # about the first question's topic, and kept because the quote says its focus word.
    first, second = (
        "What are the later stages of ALS like",
        "does breathing get harder near the end?",
    )
    leaned = _quote(ALS, "Near the end, breathing gets harder in ALS.")
    searched = _canned(fake_engine, monkeypatch, second, leaned)
    leaning = fake_engine.reply(f"{first}, and {second}").parts[1]
    assert searched[1] == second
    assert len(searched) == 3 and "ALS" in searched[2]
    assert leaning.answered and leaning.quotes == (leaned,)
    # A quote without it is not kept: the part stays not covered.
    _canned(fake_engine, monkeypatch, second, _quote(ALS, "Swallowing gets harder near the end."))
    assert not fake_engine.reply(f"{first}, and {second}").parts[1].answered


def test_a_question_about_a_thing_of_the_patients_own_does_not_lean_on_the_conversation(
    fake_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "hair" is plain English no article uses; after "my" it is what the question is about,
    # not something said of the hip study talked about.
    first = fake_engine.reply("What did the hip study with stem cells find?")
    leaned = _quote(HIP, "Stem cells grew back in the hip joint.")
    typed = "would stem cells make my hair grow back?"
    searched, turn = _follow_up(fake_engine, monkeypatch, first, typed, leaned)
    assert searched == [typed] and not turn.answer.answered
    searched, turn = _follow_up(fake_engine, monkeypatch, first, typed.replace("my ", ""), leaned)
    assert len(searched) == 2 and turn.answer.answered


def test_a_question_leaning_on_a_story_of_what_the_articles_never_mention_is_not_covered(
    fake_engine: Engine,
) -> None:
    # "recover" is a word no article uses: alone, the question would be searched as typed
    # and answered about stem cells at large, the stroke left out.
    turn = fake_engine.reply("My uncle had a stroke in May. Could stem cells help him recover?")
    assert turn.asked == ("Could stem cells help him recover, for stroke?",)
    assert not turn.answer.answered


@pytest.mark.parametrize(
    "asked", ["which journal was it in?", "can you give me the reference?", "where is that from?"]
)
def test_asking_where_the_last_answer_comes_from_shows_its_sources_again(
    fake_engine: Engine, asked: str
) -> None:
    first = fake_engine.reply("Is hip replacement surgery expensive?")
    assert first.answer.answered
    turn = fake_engine.reply(asked, [first])
    assert turn.understood_as == SOURCES
    assert turn.answer.quotes == first.answer.quotes  # each with its title and reference
    assert turn.context == first.context  # a later follow-up leans on the same topic


def test_sources_asked_before_any_answer_quote_nothing(fake_engine: Engine) -> None:
    refused_first = fake_engine.reply("Can stem cells cure tinnitus?")
    assert not refused_first.answer.answered
    turn = fake_engine.reply("which journal was it in?", [refused_first])
    assert not turn.answer.answered and turn.answer.message == NO_SOURCES


def test_a_question_on_where_something_comes_from_is_no_question_on_sources(
    fake_engine: Engine,
) -> None:
    first = fake_engine.reply("Did the hip study use stem cells?")
    turn = fake_engine.reply("what is the source of the cells?", [first])
    assert turn.understood_as != SOURCES
