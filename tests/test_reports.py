"""A checked draft as JSON, CSV, a text table and HTML: shapes, and every piece of text escaped."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

from conftest import run_cli
from mscqa.answers.verify import CONTRADICTED, NOT_FOUND, SUPPORTED, Evidence, Verdict
from mscqa.engine import Engine
from mscqa.staff.drafts import CheckedStatement, DraftCheck, check_draft
from mscqa.staff.reports import CSV_COLUMNS, draft_csv, draft_html, draft_table, draft_table_html
from mscqa.web.staff_pages import draft_result_html

MARKUP = '<img src=x onerror=alert(1)> & <script>alert("2")</script>'


def _evidence(engine: Engine, article_text_hint: str) -> Evidence:
    """Real evidence: an article sentence holding `article_text_hint`, with exact offsets."""
    for article in engine.index.articles.values():
        start = article.text.find(article_text_hint)
        if start >= 0:
            end = article.text.index(".", start) + 1
            return Evidence(
                article.id, article.title, article.reference, article.text[start:end], start, end,
                0.7,
            )  # fmt: skip
    raise AssertionError(article_text_hint)


def _draft(engine: Engine) -> DraftCheck:
    evidence = _evidence(engine, "Chronic pain")
    markup_evidence = Evidence(
        "made-up", f"Title {MARKUP}", f"Reference {MARKUP}", f"Quote {MARKUP}.", 0, 20, 0.5
    )
    verdicts = {
        "Chronic pain is common.": Verdict(
            "Chronic pain is common.", SUPPORTED, (evidence,), (), ()
        ),
        f"Patients said {MARKUP} in 2019.": Verdict(
            f"Patients said {MARKUP} in 2019.",
            CONTRADICTED,
            (markup_evidence,),
            (),
            ("2019",),
            reason=f"the evidence says {MARKUP}",
        ),
        '=HYPERLINK("http://x") cures everything.': Verdict(
            '=HYPERLINK("http://x") cures everything.', NOT_FOUND, (), (), (), "no article"
        ),
    }
    return check_draft(
        [*verdicts, "x" * 30],
        lambda s: verdicts[s] if s in verdicts else engine.check(s * 100),  # too long: refused
        source=f"draft {MARKUP}.md",
        index_version=engine.index.manifest.version,
        checked_at="2026-12-02T09:30:00+00:00",
    )


def test_summary_counts_each_verdict_and_errors_keep_their_statement(fake_engine: Engine) -> None:
    draft = _draft(fake_engine)
    assert draft.summary() == {SUPPORTED: 1, CONTRADICTED: 1, NOT_FOUND: 1}
    refused = draft.checks[-1]
    assert refused.verdict is None and "shorten" in refused.error
    assert refused.to_dict() == {"statement": "x" * 30, "error": refused.error}


def test_csv_has_one_row_per_statement_with_the_columns(fake_engine: Engine) -> None:
    draft = _draft(fake_engine)
    rows = list(csv.reader(io.StringIO(draft_csv(draft))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 1 + len(draft.checks)
    supported = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    evidence = draft.checks[0].verdict.evidence[0]  # type: ignore[union-attr]
    assert supported["verdict"] == SUPPORTED
    assert supported["title"] == evidence.title and supported["reference"] == evidence.reference
    assert supported["evidence"] == evidence.quote
    contradicted = dict(zip(CSV_COLUMNS, rows[2], strict=True))
    assert contradicted["statement"] == f"Patients said {MARKUP} in 2019."  # text, as written
    assert contradicted["numbers_not_found"] == "2019"
    assert contradicted["reason"] == f"the evidence says {MARKUP}"
    # A cell a spreadsheet would run as a formula is made text.
    assert rows[3][0].startswith("'=HYPERLINK")
    assert rows[4][1] == "error"


def _visible_text(fragment: str) -> str:
    without_style = re.sub(r"<style>.*?</style>", "", fragment, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", "", without_style))


def test_html_report_escapes_all_text_and_names_date_and_index(fake_engine: Engine) -> None:
    draft = _draft(fake_engine)
    for page in (draft_html(draft, fake_engine.index), draft_table_html(draft, fake_engine.index)):
        assert "<img" not in page and "<script" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        shown = _visible_text(page)
        assert f"Patients said {MARKUP} in 2019." in shown
        assert f"Title {MARKUP}" in shown and f"Reference {MARKUP}" in shown
        assert "Differs from the articles" in shown and "Supported" in shown
        assert "Not found" in shown and "Not checked" in shown
    report = draft_html(draft, fake_engine.index)
    assert report.startswith("<!DOCTYPE html>")
    assert "2026-12-02T09:30:00+00:00" in report
    assert fake_engine.index.manifest.version in report
    assert not re.search(r"<(link|img|script|iframe)\b", report)  # self-contained, inert
    evidence = draft.checks[0].verdict.evidence[0]  # type: ignore[union-attr]
    assert f"<mark>{html.escape(evidence.quote)}</mark>" in report
    assert "<details open>" in report
    assert "<details>" in draft_table_html(draft, fake_engine.index)


def test_text_table_lists_each_statement_with_reason_and_summary(fake_engine: Engine) -> None:
    table = draft_table(_draft(fake_engine))
    lines = table.splitlines()
    assert lines[0].split() == ["#", "verdict", "statement", "article"]
    assert re.match(r"\s+1\s+supported\s+Chronic pain is common\.", lines[1])
    assert "numbers not found: 2019" in table
    assert table.splitlines()[-1].startswith(
        "4 statements: 1 supported, 1 contradicted, 1 not found, 1 not checked (index "
    )


def test_web_downloads_hold_both_reports_without_writing_files(
    fake_engine: Engine, tmp_path: Path
) -> None:
    import base64

    table, links = draft_result_html(_draft(fake_engine), fake_engine)
    assert 'class="draft-report"' in table
    found = dict(re.findall(r'id="download-(csv|html)"[^>]*href="data:[^;]+;[^,]*,([^"]+)"', links))
    assert set(found) == {"csv", "html"}
    assert base64.b64decode(found["csv"]).decode().startswith(",".join(CSV_COLUMNS))
    assert base64.b64decode(found["html"]).decode().startswith("<!DOCTYPE html>")
    error, none = draft_result_html("the draft is empty: paste it", fake_engine)
    assert none == "" and "the draft is empty" in error


def test_cli_check_file_json_and_csv_shapes(fake_engine: Engine, tmp_path: Path) -> None:
    fake_settings = fake_engine.settings
    draft = tmp_path / "leaflet.md"
    draft.write_text(
        "# About us\n\nChronic pain is very common. Stem cells come from bone marrow.\n\n"
        "- Hip replacement surgery is a treatment for hip osteoarthritis.\n"
    )
    code, out, err = run_cli(fake_settings, "check", "--file", str(draft), "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"statements", "summary"}
    assert [s["statement"] for s in payload["statements"]] == [
        "Chronic pain is very common.",
        "Stem cells come from bone marrow.",
        "Hip replacement surgery is a treatment for hip osteoarthritis.",
    ]
    for item in payload["statements"]:
        assert set(item) == {"statement", "verdict", "reason", "evidence", "numbers"}
        # the same object `mscqa check --json` prints for the statement alone
        code, alone, _ = run_cli(fake_settings, "check", "--json", item["statement"])
        assert json.loads(alone) == item
    counts = {v: sum(s["verdict"] == v for s in payload["statements"]) for v in payload["summary"]}
    assert payload["summary"] == counts
    assert set(counts) == {SUPPORTED, CONTRADICTED, NOT_FOUND}

    code, out, _ = run_cli(fake_settings, "check", "--file", str(draft), "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and tuple(rows[0]) == CSV_COLUMNS and len(rows) == 4

    code, out, _ = run_cli(fake_settings, "check", "--file", str(draft), "--html")
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "Chronic pain is very common." in out

    code, out, _ = run_cli(fake_settings, "check", "--file", str(draft))
    assert code == 0 and "3 statements:" in out


def test_checked_statement_dict_is_the_verdict_dict() -> None:
    verdict = Verdict("A statement here.", NOT_FOUND, (), (), (), "no article covers it")
    assert CheckedStatement("A statement here.", verdict).to_dict() == verdict.to_dict()


def test_web_draft_check_reads_an_upload_once_and_deletes_it(
    fake_engine: Engine, tmp_path: Path
) -> None:
    from mscqa.web.staff_pages import check_pasted_or_uploaded

    upload = tmp_path / "newsletter.txt"
    upload.write_text("Hello all,\n\nChronic pain is very common.\n\nBest wishes,\nAnn\n")
    result = check_pasted_or_uploaded(fake_engine, "Ignored when a file is given.", str(upload))
    assert isinstance(result, DraftCheck)
    assert [c.statement for c in result.checks] == ["Chronic pain is very common."]
    assert result.source == "newsletter.txt"
    assert not upload.exists()
    pasted = check_pasted_or_uploaded(fake_engine, "Stem cells come from bone marrow.", None)
    assert isinstance(pasted, DraftCheck) and pasted.source == "pasted draft"
    for empty in ("", "   ", "# Heading only"):
        message = check_pasted_or_uploaded(fake_engine, empty, None)
        assert isinstance(message, str) and "\n" not in message
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a word file")
    message = check_pasted_or_uploaded(fake_engine, None, str(broken))
    assert isinstance(message, str) and "save it again as .docx" in message
    assert not broken.exists()


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_verdict_labels_have_words_and_enough_contrast() -> None:
    from mscqa.staff.reports import COLOURS, LABELS, verdict_label

    for kind, (text, background) in COLOURS.items():
        light, dark = sorted((_luminance(text), _luminance(background)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 7.0, kind  # WCAG AAA for normal text
        assert f">{LABELS[kind]}</span>" in verdict_label(kind)
