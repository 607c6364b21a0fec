from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mscqa.cli import main
from mscqa.config import Settings
from mscqa.corpus.checks import load_corpus

ANSWER_KEYS = {"article_id", "title", "reference", "quote", "start", "end", "passage", "score"}


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def built(fake_env: Settings) -> Settings:
    code, out, err = run("index", "build")
    assert code == 0, err
    assert "passages from 5 articles" in out
    return fake_env


def test_ask_json_has_the_documented_shape_and_exact_offsets(built: Settings) -> None:
    code, out, _ = run("ask", "--json", "stem cell injections into the hip joint")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])
    assert set(payload) == {"question", "answered", "message", "reason", "answers"}
    assert payload["answered"] is True and payload["message"] is None and payload["reason"] == ""
    bodies = {a.id: a.text for a in load_corpus(built.corpus_dir)}
    assert 1 <= len(payload["answers"]) <= 3
    for answer in payload["answers"]:
        assert set(answer) == ANSWER_KEYS
        assert bodies[answer["article_id"]][answer["start"] : answer["end"]] == answer["quote"]
        assert answer["quote"] in answer["passage"]


def test_ask_text_output_shows_quote_title_and_reference(built: Settings) -> None:
    code, out, _ = run("ask", "hip osteoarthritis injection study results")
    assert code == 0
    assert "Mesenchymal Stem Cells Injection Improves Hip Osteoarthritis" in out
    assert "Dall’Oca" in out


@pytest.mark.parametrize("question", ["", "   ", "\x00\x01\x02"])
def test_empty_question_exits_2_without_traceback(built: Settings, question: str) -> None:
    code, out, err = run("ask", question)
    assert code == 2
    assert "empty" in err and "Traceback" not in err + out


def test_oversize_question_is_refused_with_the_limit(built: Settings) -> None:
    code, _, err = run("ask", "why " * 600)
    assert code == 2
    assert "limit is 2,000" in err


def test_control_characters_are_stripped(built: Settings) -> None:
    code, out, _ = run("ask", "--json", "hip\x07 osteo\x1barthritis")
    assert code == 0
    assert json.loads(out)["question"] == "hip osteoarthritis"


def test_stdin_batch_gives_one_json_line_per_question(built: Settings) -> None:
    code, out, err = run(
        "ask", "--json", stdin="hip pain\n\nkidney transplant\n" + "x" * 3000 + "\n"
    )
    assert code == 0
    lines = [json.loads(line) for line in out.strip().splitlines()]
    assert [line.get("question") for line in lines[:2]] == ["hip pain", "kidney transplant"]
    assert "error" in lines[2] and "limit" in err


def test_check_json_has_the_documented_shape(built: Settings) -> None:
    code, out, _ = run("check", "--json", "Chronic pain lasts more than 12 weeks.")
    assert code == 0
    payload = json.loads(out)
    assert set(payload) == {"statement", "verdict", "reason", "evidence", "numbers"}
    assert payload["verdict"] in {"supported", "contradicted", "not_found"}
    assert set(payload["numbers"]) == {"matched", "unmatched"}
    for e in payload["evidence"]:
        assert set(e) == {"article_id", "title", "reference", "quote", "start", "end", "score"}


def test_index_status_exit_codes_and_json(built: Settings) -> None:
    code, out, _ = run("index", "status", "--json")
    assert code == 0 and json.loads(out)["state"] == "fresh"
    path = next(built.corpus_dir.glob("*als*.md"))
    path.write_text(path.read_text() + "\nAn added sentence.\n")
    code, out, _ = run("index", "status", "--json")
    status = json.loads(out)
    assert code == 1 and status["state"] == "stale"
    assert status["changed"] == ["mesenchymal-stem-cell-treatment-for-als-is-safe-and-feasible"]
    code, _, err = run("ask", "ALS")
    assert code == 0 and "stale" in err and "mscqa index update" in err


def test_missing_index_is_one_line_naming_the_fix(fake_env: Settings) -> None:
    code, out, err = run("ask", "hip")
    assert code == 1
    assert err.strip().count("\n") == 0 and "mscqa index build" in err
    code, out, _ = run("index", "status")
    assert code == 1 and out.startswith("missing")


def test_broken_article_fails_the_build_and_keeps_the_old_index(built: Settings) -> None:
    (built.corpus_dir / "broken.md").write_text("---\nid: broken\ntitle: Broken\n---\n\nText.\n")
    code, _, err = run("index", "build")
    assert code == 1
    assert "broken.md" in err and "'reference'" in err
    code, out, _ = run("ask", "--json", "hip osteoarthritis")
    assert code == 0 and json.loads(out)["answered"]


def test_eval_reports_metrics(built: Settings, tmp_path: Path) -> None:
    items = [
        {
            "id": "a",
            "kind": "question",
            "question": "Harris Hip score",
            "title": "Mesenchymal Stem Cells Injection Improves Hip Osteoarthritis",
            "evidence": ["Harris Hip"],
        },
        {"id": "b", "kind": "out_of_scope", "question": "zzz qqq", "title": None, "evidence": []},
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    code, out, _ = run("eval", "--json", str(path))
    assert code == 0
    report = json.loads(out)
    assert report["counts"] == {"questions": 1, "out_of_scope": 1, "claims": 0}
    assert report["metrics"]["top1_article_accuracy"] == 1.0
    code, out, _ = run("eval", str(path))
    assert "top-1 article accuracy" in out and "quote hit@1" in out


def test_eval_rejects_unknown_kind(built: Settings, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"kind": "poem", "question": "x"}) + "\n")
    code, _, err = run("eval", str(path))
    assert code == 2 and "kinds are: question, claim, out_of_scope" in err


def test_corpus_and_index_flags_override_the_environment(built: Settings, tmp_path: Path) -> None:
    other = tmp_path / "other-index"
    code, _, _ = run("--index", str(other), "index", "build")
    assert code == 0 and (other / "CURRENT.json").is_file()


def test_check_text_says_why_when_not_supported(built: Settings) -> None:
    code, out, _ = run("check", "--json", "Chronic pain lasts for more than 20 weeks")
    payload = json.loads(out)
    assert code == 0 and payload["verdict"] != "supported" and payload["reason"]
    code, out, _ = run("check", "Chronic pain lasts for more than 20 weeks")
    assert f"Why:       {payload['reason']}" in out.splitlines()
