"""The gap log: refused questions counted by week, kind and term under var/, bounded, tolerant of
damage, safe with concurrent writers, and never holding question text unless asked to."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import run_cli
from mscqa.answers.quotes import Answer
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.staff.feedback import FeedbackStore
from mscqa.staff.gaps import LOG_NAME, GapLog, gap_report, iso_week, read_counts, refusal_counts
from mscqa.web.chat import ChatService

TODAY = date(2026, 12, 2)
# Made-up questions the articles do not cover, each with a word found nowhere else.
REFUSED = (
    "Can stem cells cure tinnitus, zebracorn?",
    "What is the price of one session, quokkaberry?",
    "Do you accept credit cards, marzipanfox?",
    "What is a good recipe for banana bread, plumtangle?",
    "Is the glimmerwood stem cell injection painful?",
)
MARKERS = ("zebracorn", "quokkaberry", "marzipanfox", "plumtangle", "glimmerwood")


def refusal(kind: str, *terms: str, question: str = "a question") -> Answer:
    return Answer(question, False, "not covered", (), refusal=kind, refusal_terms=terms)


def test_kinds_and_terms_of_a_refusal() -> None:
    assert refusal_counts(refusal("topic", "Tinnitus")) == ("topic", [("topic", "tinnitus")])
    # Service words the articles never mention are clinic matters, not topics.
    assert refusal_counts(refusal("topic", "cost")) == ("clinic", [("clinic", "cost")])
    assert refusal_counts(refusal("topic", "insurance", "psoriasis")) == (
        "topic",
        [("clinic", "insurance"), ("topic", "psoriasis")],
    )
    assert refusal_counts(refusal("clinic", "do you offer")) == (
        "clinic",
        [("clinic", "do you offer")],
    )
    assert refusal_counts(refusal("language")) == ("language", [])
    assert refusal_counts(refusal("not_covered")) == ("not_covered", [])
    assert refusal_counts(refusal("")) == ("not_covered", [])  # a refusal of no known kind


def test_counts_add_up_per_week_kind_and_term(tmp_path: Path) -> None:
    log = GapLog(tmp_path)
    answered = Answer("q", True, None, ())
    assert log.record(answered, TODAY) is False
    for _ in range(3):
        log.record(refusal("topic", "tinnitus"), TODAY)
    log.record(refusal("topic", "tinnitus", "psoriasis"), TODAY)
    log.record(refusal("topic", "cost"), TODAY)
    log.record(refusal("language"), TODAY)
    log.record(refusal("not_covered"), TODAY)
    log.record(refusal("topic", "tinnitus"), TODAY - timedelta(weeks=3))
    report = gap_report(tmp_path, tmp_path / "feedback.jsonl", {})
    assert report.refused == 8
    assert report.topics == (("tinnitus", 5), ("psoriasis", 1))
    assert report.clinic_matters == (("cost", 1),)
    assert report.languages == 1 and report.not_covered == 1
    recent = gap_report(tmp_path, tmp_path / "feedback.jsonl", {}, since=TODAY)
    assert recent.refused == 7 and recent.topics == (("tinnitus", 4), ("psoriasis", 1))
    assert recent.to_dict()["since"] == TODAY.isoformat()
    lines = (tmp_path / LOG_NAME).read_text().splitlines()
    # aggregated: one line per week, kind and term, not one per question
    assert len(lines) == len({(c.week, c.kind, c.term) for c in read_counts(tmp_path / LOG_NAME)})
    assert {"week": iso_week(TODAY), "kind": "topic", "term": "tinnitus", "count": 4} in [
        json.loads(line) for line in lines
    ]


def test_old_weeks_are_dropped_so_the_log_stays_bounded(tmp_path: Path) -> None:
    log = GapLog(tmp_path, keep_weeks=4)
    for weeks_ago in reversed(range(10)):
        log.record(refusal("topic", f"topic{weeks_ago}"), TODAY - timedelta(weeks=weeks_ago))
    weeks = {c.week for c in read_counts(tmp_path / LOG_NAME)}
    assert weeks == {iso_week(TODAY - timedelta(weeks=w)) for w in range(4)}
    assert gap_report(tmp_path, tmp_path / "f.jsonl", {}).topics == tuple(
        (f"topic{w}", 1) for w in range(4)
    )
    assert not list(tmp_path.glob(".gaps-*"))  # no temp file left behind


def test_a_damaged_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / LOG_NAME
    week = iso_week(TODAY)
    path.write_text(
        f'{{"week": "{week}", "kind": "topic", "term": "", "count": 2}}\n'
        '{"week": "2026-W49", "kind": "topic", "ter\n'
        "\x00\x00 not json at all\n"
        '{"week": "yesterday", "kind": "topic", "term": "", "count": 1}\n'
        f'{{"week": "{week}", "kind": "unknown", "term": "", "count": 1}}\n'
        f'{{"week": "{week}", "kind": "topic", "term": "tinnitus", "count": 2}}\n'
    )
    report = gap_report(tmp_path, tmp_path / "feedback.jsonl", {})
    assert report.refused == 2 and report.topics == (("tinnitus", 2),)
    GapLog(tmp_path).record(refusal("topic", "tinnitus"), TODAY)
    report = gap_report(tmp_path, tmp_path / "feedback.jsonl", {})
    assert report.refused == 3 and report.topics == (("tinnitus", 3),)


def test_concurrent_writers_lose_no_count(tmp_path: Path) -> None:
    logs = [GapLog(tmp_path) for _ in range(4)]  # as separate servers would

    def ask(log: GapLog) -> None:
        for _ in range(15):
            log.record(refusal("topic", "tinnitus"), TODAY)

    threads = [threading.Thread(target=ask, args=(log,)) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report = gap_report(tmp_path, tmp_path / "feedback.jsonl", {})
    assert report.refused == 60 and report.topics == (("tinnitus", 60),)


def test_an_unwritable_log_costs_the_count_not_the_answer(tmp_path: Path) -> None:
    blocker = tmp_path / "var"
    blocker.write_text("a file where the folder should be")
    assert GapLog(blocker).record(refusal("topic", "tinnitus"), TODAY) is False


def test_question_text_is_kept_only_when_asked_for(tmp_path: Path) -> None:
    GapLog(tmp_path / "off").record(refusal("language", question="Hallo zebracorn"), TODAY)
    assert "zebracorn" not in (tmp_path / "off" / LOG_NAME).read_text()
    GapLog(tmp_path / "on", keep_text=True).record(
        refusal("language", question="Hallo zebracorn"), TODAY
    )
    report = gap_report(tmp_path / "on", tmp_path / "feedback.jsonl", {})
    assert report.questions == ("Hallo zebracorn",)
    assert "questions" not in report.to_dict()  # the JSON report stays counts only


def test_dislikes_are_counted_per_article_with_titles(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.record("dislike", "a", ["hip", "pain", "hip"])  # two quotes of one article
    store.record("dislike", "b", ["hip"])
    store.record("like", "c", ["pain"])
    store.record("dislike", "not covered", [])
    with store.path.open("a") as out:
        out.write('{"time": "2026-12-01", "rating": "dislike", "article_ids": \n')
    report = gap_report(tmp_path, store.path, {"hip": "Hip article"})
    assert report.dislikes == (("hip", "Hip article", 2), ("pain", "", 1))
    assert report.to_dict()["dislikes"] == [
        {"article_id": "hip", "title": "Hip article", "count": 2},
        {"article_id": "pain", "title": "", "count": 1},
    ]
    assert gap_report(tmp_path, store.path, {}, since=date(2999, 1, 1)).dislikes == ()


def test_var_dir_setting_moves_feedback_unless_its_path_is_set(tmp_path: Path) -> None:
    assert Settings.from_env({}).var_dir == Path("var")
    assert Settings.from_env({}).feedback_path == Path("var/feedback.jsonl")
    moved = Settings.from_env({"MSCQA_VAR_DIR": str(tmp_path)})
    assert moved.feedback_path == tmp_path / "feedback.jsonl"
    both = Settings.from_env(
        {"MSCQA_VAR_DIR": str(tmp_path), "MSCQA_FEEDBACK_PATH": str(tmp_path / "f.jsonl")}
    )
    assert both.feedback_path == tmp_path / "f.jsonl"


def _all_text_under(folder: Path) -> str:
    return "".join(
        p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*")) if p.is_file()
    )


def test_chat_counts_refusals_and_keeps_no_question_text_in_var(
    fake_engine: Engine, tmp_path: Path
) -> None:
    var = tmp_path / "var"
    settings = replace(fake_engine.settings, var_dir=var, feedback_path=var / "feedback.jsonl")
    service = ChatService(Engine(settings, fake_engine.embedder))
    replies = [service.ask(question) for question in REFUSED]
    assert all(reply.answer is not None and not reply.answer.answered for reply in replies)
    service.rate("dislike", {"answer": "x", "article_ids": [], "question": REFUSED[0]})
    report = gap_report(var, settings.feedback_path, {})
    assert report.refused == len(REFUSED)
    assert ("tinnitus", 1) in report.topics
    files = sorted(p.name for p in var.rglob("*") if p.is_file())
    assert LOG_NAME in files and "feedback.jsonl" in files
    text = _all_text_under(var)
    for marker in MARKERS:
        assert marker not in text


def test_cli_ask_writes_counts_to_var_by_default_and_report_gaps_reads_them(
    fake_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = fake_engine.settings
    for question in REFUSED:
        code, _, err = run_cli(settings, "ask", question)
        assert code == 0, err
    var = tmp_path / "var"
    assert (var / LOG_NAME).is_file()
    text = _all_text_under(var)
    for marker in MARKERS:
        assert marker not in text
    code, out, _ = run_cli(settings, "report", "gaps", "--json")
    payload = json.loads(out)
    assert code == 0
    assert set(payload) == {
        "since", "refused", "topics", "clinic_matters", "languages", "dislikes"
    }  # fmt: skip
    assert payload["refused"] == len(REFUSED) and payload["since"] is None
    assert {"topic": "tinnitus", "count": 1} in payload["topics"]
    assert all(set(item) == {"kind", "count"} for item in payload["clinic_matters"])
    code, out, _ = run_cli(settings, "report", "gaps", "--since", "2999-01-01", "--json")
    assert json.loads(out)["refused"] == 0
    code, out, _ = run_cli(settings, "report", "gaps")
    assert code == 0 and f"Refused questions: {len(REFUSED)}" in out and "tinnitus" in out
    code, _, err = run_cli(settings, "report", "gaps", "--since", "last week")
    assert code == 2 and "--since" in err


def test_distinct_terms_per_week_are_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mscqa.staff.gaps

    monkeypatch.setattr(mscqa.staff.gaps, "_MAX_TERMS", 3)
    log = GapLog(tmp_path)
    for number in range(6):
        log.record(refusal("topic", f"topic{number}"), TODAY)
    log.record(refusal("topic", "topic1"), TODAY)
    report = gap_report(tmp_path, tmp_path / "feedback.jsonl", {})
    assert report.refused == 7
    assert dict(report.topics) == {"topic0": 1, "topic1": 2, "topic2": 1, mscqa.staff.gaps.OTHER: 3}


def test_the_conversation_path_counts_each_refused_part_and_other_languages(
    fake_engine: Engine, tmp_path: Path
) -> None:
    var = tmp_path / "var"
    settings = replace(fake_engine.settings, var_dir=var, feedback_path=var / "feedback.jsonl")
    service = ChatService(Engine(settings, fake_engine.embedder))
    for number, question in enumerate(REFUSED):
        service.converse(question, f"session-{number}")
    service.converse("¿Dónde puedo encontrar información sobre las células madre?", "other")
    report = gap_report(var, settings.feedback_path, {})
    assert report.refused == len(REFUSED) + 1
    assert report.languages == 1
    text = _all_text_under(var)
    for marker in MARKERS:
        assert marker not in text
    assert "células" not in text
