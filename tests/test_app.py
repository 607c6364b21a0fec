"""The web app's library side on the fake embedder: escaping, replies, emergencies, feedback."""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import build
from mscqa.answers.quotes import Answer
from mscqa.config import Settings
from mscqa.corpus.articles import Article
from mscqa.corpus.writing import write_articles
from mscqa.engine import Engine
from mscqa.errors import UsageError
from mscqa.index.embedder import HashingEmbedder
from mscqa.search.library import passage_containing
from mscqa.staff.feedback import FeedbackStore
from mscqa.web.app import build_app
from mscqa.web.chat import ChatService
from mscqa.web.index_tab import password_ok
from mscqa.web.markup import (
    article_html,
    citations_text,
    format_answer,
    highlight,
    literal_markdown,
    status_html,
    verdict_html,
)
from mscqa.web.replies import GOOD, STRONG, WEAK, article_summaries, covered_topics, relevance_label
from mscqa.web.safety import URGENT_CARE_MESSAGE, detect_emergency, emergency_terms
from mscqa.web.serve import exposure_warning

MARKUP = "<img src=x onerror=alert(1)> <script>alert(2)</script>"
_ESCAPED_CHAR = re.compile(r"\\(.)")


def shown(markdown: str) -> str:
    """What a CommonMark renderer displays for text made only of escapes and entities."""
    return html.unescape(_ESCAPED_CHAR.sub(r"\1", markdown))


def untagged(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


# literal text


@given(st.text())
def test_literal_markdown_displays_exactly_the_text(text: str) -> None:
    markdown = literal_markdown(text)
    assert "<" not in markdown and ">" not in markdown
    assert shown(markdown) == text


def test_literal_markdown_stops_markup_formatting_and_links() -> None:
    markdown = literal_markdown(f"{MARKUP} *b* [l](http://x) www.x.org a@b.io\n1. item\n# head")
    assert "<" not in markdown
    for plain in ("*b*", "](", "http://", "www.x", "a@b", "\n1.", "\n# "):
        assert plain not in markdown


@given(st.text(), st.data())
def test_highlight_escapes_then_marks_the_exact_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    fragment = highlight(text, start, end)
    assert fragment.count("<mark>") == 1 and fragment.count("</mark>") == 1
    inside = fragment.split("<mark>")[1].split("</mark>")[0]
    assert html.unescape(inside) == text[start:end]
    assert untagged(fragment) == text


def test_highlight_of_markup() -> None:
    assert highlight("a <b> c", 2, 5) == "a <mark>&lt;b&gt;</mark> c"


# replies


def test_relevance_label_follows_the_thresholds_in_settings() -> None:
    settings = Settings(relevance_strong=0.9, relevance_good=0.7)
    assert relevance_label(0.95, settings) == STRONG
    assert relevance_label(0.9, settings) == STRONG
    assert relevance_label(0.8, settings) == GOOD
    assert relevance_label(0.69, settings) == WEAK
    assert relevance_label(0.8, replace(settings, relevance_strong=0.8)) == STRONG


def test_answer_shows_quote_title_reference_and_label(fake_engine: Engine) -> None:
    answer = fake_engine.ask("stem cells becoming cartilage cells in the hip joint")
    assert answer.answered
    text = format_answer(answer, fake_engine.settings, covered_topics(fake_engine.index))
    for quote in answer.quotes:
        assert f"> {literal_markdown(quote.quote)}" in text
        assert f"**{literal_markdown(quote.title)}**" in text
        assert literal_markdown(quote.reference) in text
    assert relevance_label(answer.quotes[0].score, fake_engine.settings) in text
    if len(answer.quotes) > 1:
        assert f"Source 1 of {len(answer.quotes)}" in text


def test_not_covered_reply_lists_the_topics_from_the_titles(fake_engine: Engine) -> None:
    answer = fake_engine.ask("zebra quantum saxophone")
    assert not answer.answered
    topics = covered_topics(fake_engine.index)
    assert topics == sorted((a.title for a in fake_engine.index.articles.values()), key=str.lower)
    text = format_answer(answer, fake_engine.settings, topics)
    assert "do not cover" in text
    for topic in topics:
        assert f"- {literal_markdown(topic)}" in text


def test_not_covered_reply_says_why_with_the_text_made_literal(fake_engine: Engine) -> None:
    answer = Answer(
        "Do you treat <b>pets</b>?", False, "x", (), "It asks what only the clinic *can* answer."
    )
    text = format_answer(answer, fake_engine.settings, [])
    assert "<b>" not in text and literal_markdown(answer.reason) in text
    assert "do not cover" in format_answer(replace(answer, reason=""), fake_engine.settings, [])


@pytest.fixture
def markup_engine(fake_settings: Settings) -> Engine:
    """The shipped corpus plus one article whose title, reference and text carry markup."""
    article = Article(
        id="markup-article",
        title=f"Zebrafish fins {MARKUP}",
        reference=f"Doe J. (2020). Zebrafish {MARKUP}. Fin Journal 1:1.",
        text=f"Zebrafish regrow their fins quickly. The fin {MARKUP} regrows in 14 days.\n",
        source="test",
    )
    write_articles([article], fake_settings.corpus_dir)
    build(fake_settings, HashingEmbedder())
    return Engine(fake_settings, HashingEmbedder())


def test_article_markup_is_shown_as_text_everywhere(markup_engine: Engine) -> None:
    settings = markup_engine.settings
    index = markup_engine.index
    answer = markup_engine.ask("How quickly do zebrafish regrow their fins?")
    assert answer.quotes[0].article_id == "markup-article"
    reply = format_answer(answer, settings, covered_topics(index))
    assert "<" not in reply and MARKUP in shown(reply)

    verdict = markup_engine.check("The zebrafish fin regrows in 14 days.")
    page = verdict_html(verdict, index, settings)
    assert "<img" not in page and "<script" not in page
    assert MARKUP in untagged(page)
    assert MARKUP in citations_text(verdict, index)

    opened = article_html(index.articles["markup-article"])
    assert "<img" not in opened and "<script" not in opened
    assert MARKUP in untagged(opened)


def test_check_page_highlights_each_evidence_sentence_in_its_passage(fake_engine: Engine) -> None:
    verdict = fake_engine.check("Chronic pain lasts for more than 20 weeks")
    page = verdict_html(verdict, fake_engine.index, fake_engine.settings)
    assert f"verdict-{verdict.verdict}" in page
    marks = re.findall(r"<mark>(.*?)</mark>", page, re.DOTALL)
    assert [html.unescape(m) for m in marks] == [e.quote for e in verdict.evidence]
    assert "20" in verdict.unmatched and "<strong>20</strong>" in page
    for evidence in verdict.evidence:
        passage = passage_containing(
            fake_engine.index, evidence.article_id, evidence.start, evidence.end
        )
        assert evidence.quote in passage.text
        assert html.escape(evidence.reference) in page
    citations = citations_text(verdict, fake_engine.index)
    first = verdict.evidence[0]
    assert citations.startswith(f"“{first.quote}” — {first.title}. {first.reference}")


def test_article_opens_with_the_quoted_sentence_highlighted(fake_engine: Engine) -> None:
    quote = fake_engine.ask("riluzole survival ALS").quotes[0]
    article = fake_engine.index.articles[quote.article_id]
    page = article_html(article, quote.start, quote.end)
    assert re.findall(r"<mark>(.*?)</mark>", page, re.DOTALL) == [html.escape(quote.quote)]
    assert untagged(page).endswith(article.text)


def test_article_summaries_count_passages(fake_engine: Engine) -> None:
    summaries = article_summaries(fake_engine.index)
    assert sum(s.passages for s in summaries) == len(fake_engine.index.passages)
    assert all(s.passages > 0 for s in summaries)
    assert {s.id for s in summaries} == set(fake_engine.index.articles)


def test_passage_containing_refuses_a_span_outside_the_article(fake_engine: Engine) -> None:
    article_id = next(iter(fake_engine.index.articles))
    with pytest.raises(KeyError):
        passage_containing(fake_engine.index, article_id, 10**9, 10**9 + 1)


# emergencies


@pytest.mark.parametrize(
    "question",
    [
        "I have bad chest pain right now, should I try stem cells?",
        "my dad can’t breathe properly",
        "I CANNOT BREATHE",
        "help i cant breathe",
        "her face is drooping and her speech is slurred, is it a stroke?",
        "I keep having suicidal thoughts",
        "I think I took too many pills",
        "he overdosed on his pain medication",
        "the cut won't stop bleeding",
        "my knee is red and swollen since Tuesday and I have a high fever",
        "there is pus where the needle went in",
        "my mum took too many of her sleeping tablets",
        "she collapsed in the kitchen and isn't responding",
        "my son fell, hit his head and keeps being sick",
        "I suddenly can't feel my legs",
        "thinking of ending it all",
        "after the injection my leg is hot swollen and red",
    ],
)
def test_emergencies_are_detected(question: str) -> None:
    assert detect_emergency(question) is not None


@pytest.mark.parametrize(
    "question",
    [
        "Can stem cells help with chronic back pain?",
        "Is the treatment painful for the hip?",
        "Do mesenchymal cells calm the immune system?",
        "How long do the benefits for multiple sclerosis last?",
        "Does the injection cause swelling or fever?",
        "",
    ],
)
def test_ordinary_questions_are_not_emergencies(question: str) -> None:
    assert detect_emergency(question) is None


def test_emergency_terms_are_normalised_and_unique() -> None:
    terms = emergency_terms()
    assert len(terms) == len(set(terms)) > 20
    assert all(term == term.lower().strip() and "'" not in term for term in terms)


def test_emergency_question_gets_the_urgent_message_first(fake_engine: Engine) -> None:
    reply = ChatService(fake_engine).ask("crushing chest pain, do stem cells help the heart?")
    assert URGENT_CARE_MESSAGE in reply.messages[0]
    assert len(reply.messages) == 2


# the chat service


def test_bad_input_gets_a_message_not_an_error(fake_engine: Engine) -> None:
    service = ChatService(fake_engine)
    assert "empty" in service.ask("   ").markdown
    long = service.ask("x" * (fake_engine.settings.max_question_chars + 1)).markdown
    assert "limit" in long
    refused = service.check("")
    assert isinstance(refused, str) and "empty" in refused


def test_logs_carry_counts_and_timings_never_text(
    fake_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    service = ChatService(fake_engine)
    marker = "quokka7391"
    with caplog.at_level(logging.DEBUG):
        service.ask(f"does {marker} help hip osteoarthritis?")
        service.ask(f"{marker} chest pain")
        service.check(f"{marker} cells suppress T-cells")
        service.ask(" ")
    assert caplog.records
    assert all(marker not in record.getMessage() for record in caplog.records)


# feedback


def test_feedback_stores_no_question_text_by_default(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "var" / "feedback.jsonl")
    store.record("like", "“quote” — Title", ["a1", "a2"], question="my private question")
    store.record("dislike", "The articles do not cover this question.", [])
    lines = [json.loads(line) for line in store.path.read_text().splitlines()]
    assert [line["rating"] for line in lines] == ["like", "dislike"]
    assert lines[0]["article_ids"] == ["a1", "a2"] and lines[0]["answer"] == "“quote” — Title"
    assert all("question" not in line and line["time"] for line in lines)
    assert "private" not in store.path.read_text()


def test_feedback_keeps_question_text_when_allowed(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.jsonl", keep_text=True)
    store.record("like", "answer", ["a1"], question="my question")
    assert store.read()[0].question == "my question"


def test_feedback_refuses_an_unknown_rating(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="like, dislike"):
        FeedbackStore(tmp_path / "feedback.jsonl").record("meh", "answer", [])


def test_feedback_from_many_threads_stays_one_line_each(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    answer = "x" * 5000
    threads = [
        threading.Thread(target=lambda: [store.record("like", answer, ["a"]) for _ in range(20)])
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.read()) == 160


def test_feedback_setting_comes_from_the_environment() -> None:
    settings = Settings.from_env({"MSCQA_FEEDBACK_KEEP_TEXT": "1"})
    assert settings.feedback_keep_text
    assert not Settings.from_env({}).feedback_keep_text


# the page


def test_admin_password_check() -> None:
    assert password_ok("s3cret", "s3cret")
    assert not password_ok("s3cret ", "s3cret")
    assert not password_ok("", "s3cret")
    assert not password_ok(None, "s3cret")
    assert not password_ok("", "")  # no password set: rebuilding is off


def test_only_loopback_hosts_serve_without_a_warning() -> None:
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    warning = exposure_warning("0.0.0.0")
    assert warning is not None and "0.0.0.0" in warning and "--host 127.0.0.1" in warning


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300) | st.sampled_from([MARKUP, "   ", "\u202e\x00", "1" * 2500]))
def test_any_question_gets_a_reply_with_no_markup(fake_engine: Engine, question: str) -> None:
    reply = ChatService(fake_engine).ask(question)
    assert reply.messages
    assert "<" not in reply.markdown


def test_app_exposes_chat_and_check_endpoints(fake_engine: Engine) -> None:
    demo = build_app(fake_engine)
    info = demo.get_api_info()
    assert {"/chat", "/check"} <= set(info["named_endpoints"])
    assert Settings().host == "127.0.0.1"


# rebuilding while serving


def test_chat_keeps_answering_while_the_index_is_rebuilt(fake_settings: Settings) -> None:
    build(fake_settings, HashingEmbedder())
    engine = Engine(replace(fake_settings, reload_check_seconds=0), HashingEmbedder())
    service = ChatService(engine)
    old = engine.warm_up().manifest.version
    path = next(fake_settings.corpus_dir.glob("treating-chronic-pain*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nAn editor added this line.\n")
    assert engine.status().state == "stale"

    reports = []
    rebuilding = threading.Thread(target=lambda: reports.append(engine.rebuild()))
    rebuilding.start()
    replies = []
    while rebuilding.is_alive() or not replies:
        replies.append(service.ask("stem cells for hip osteoarthritis"))
    rebuilding.join()

    assert all(reply.answer is not None and reply.answer.answered for reply in replies)
    assert reports[0].changed == ("treating-chronic-pain-with-mesenchymal-stem-cells",)
    assert service.ask("chronic pain treatment").answer is not None
    assert engine.index.manifest.version == reports[0].version != old
    assert engine.status().state == "fresh"


def test_index_status_shows_what_the_index_holds_and_what_changed(fake_engine: Engine) -> None:
    manifest = fake_engine.index.manifest
    fresh = status_html(fake_engine.status(), fake_engine)
    assert "Up to date" in fresh
    for value in (manifest.version, manifest.model_id, manifest.built_at):
        assert html.escape(value) in fresh
    assert f"<td>{manifest.passage_count}</td>" in fresh

    path = next(fake_engine.settings.corpus_dir.glob("treating-chronic-pain*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n")
    stale = status_html(fake_engine.status(), fake_engine)
    assert "Out of date" in stale
    assert "Changed since the build: treating-chronic-pain-with-mesenchymal-stem-cells" in stale
    assert f"answering from version {manifest.version}" in stale


def test_check_page_says_why_a_statement_is_not_supported(fake_engine: Engine) -> None:
    verdict = fake_engine.check("Chronic pain lasts for more than 20 weeks")
    assert verdict.verdict != "supported" and verdict.reason
    page = verdict_html(verdict, fake_engine.index, fake_engine.settings)
    assert f"Why: {html.escape(verdict.reason)}" in page
