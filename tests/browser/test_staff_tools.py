"""The staff's tools in the browser: a whole draft checked from an upload and from pasted text,
both reports downloaded, and the gap report read on the Index tab after refused questions.

Set MSCQA_SCREENSHOT_DIR=docs/screenshots to refresh the README screenshots.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served import Server, ask, assert_nothing_injected, chromium, copy_corpus, open_page, serve
from served import open_tab as select_tab

pytestmark = pytest.mark.browser

PASSWORD = "staff only 7"
# A made-up leaflet: one statement an article backs, one whose number differs, one no article
# covers, and one carrying markup that must show as text.
STATEMENTS = (
    "Some limb muscles in ALS become spastic.",
    "Chronic pain is pain that lasts for more than 20 weeks.",
    "Our clinic opened its third branch in a seaside town last spring.",
    "Patients wrote <img src=x onerror=alert(1)> on the survey form.",
)
REFUSED = (
    "Can stem cells cure tinnitus?",
    "What is the price of one session?",
    "Do stem cells help with psoriasis?",
)

ANSWERED = "What symptoms does ALS cause?"
ANSWERED_TITLE = "Mesenchymal Stem Cell Treatment for ALS is Safe and Feasible"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, real_export: Path) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("staff")
    with serve(root, copy_corpus(root), real_export, MSCQA_ADMIN_PASSWORD=PASSWORD) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    with open_page(browser, server.url) as opened:
        yield opened


def _shot(page: Any, server: Server, name: str, element: Any = None) -> None:
    path = server.root / f"{name}.png"
    (element or page).screenshot(path=str(path), **({} if element else {"full_page": True}))
    target = os.environ.get("MSCQA_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / f"{name}.png")


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Autumn leaflet", level=1)
    document.add_paragraph("Dear readers,")
    document.add_paragraph(f"{STATEMENTS[0]} {STATEMENTS[1]}")
    document.add_paragraph("What is new at the clinic?")
    document.add_paragraph(STATEMENTS[2], style="List Bullet")
    document.add_paragraph(STATEMENTS[3], style="List Bullet")
    document.add_paragraph("Kind regards,")
    document.add_paragraph("The editors")
    document.save(str(path))
    return path


def _download(page: Any, link_id: str) -> str:
    with page.expect_download() as info:
        page.locator(f"#{link_id}").click()
    download = info.value
    return Path(download.path()).read_text(encoding="utf-8")


def test_upload_a_draft_and_download_both_reports(
    page: Any, server: Server, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    select_tab(page, "Check a statement")
    draft = _docx(tmp_path / "autumn-leaflet.docx")
    page.locator("#draft-file input[type=file]").set_input_files(str(draft))
    page.locator("#draft-button").click()
    rows = page.locator("#draft-result tr.statement-row")
    expect(rows).to_have_count(len(STATEMENTS), timeout=60_000)
    for row, statement in zip(rows.all(), STATEMENTS, strict=True):
        expect(row.locator(".statement")).to_have_text(statement)
    expect(rows.nth(0).locator(".label")).to_have_text("Supported")
    expect(rows.nth(1).locator(".label")).to_have_text("Differs from the articles")
    expect(rows.nth(2).locator(".label")).to_have_text("Not found")
    expect(page.locator("#draft-result .summary")).to_contain_text("4 statements")
    assert_nothing_injected(page)

    # Evidence opens on a click, with the sentence highlighted in its passage.
    evidence = rows.nth(1).locator("details")
    expect(evidence.locator("mark")).to_be_hidden()
    evidence.locator("summary").click()
    expect(evidence.locator("mark").first).to_contain_text("12 weeks")
    _shot(page, server, "draft-check")

    table = list(csv.reader(io.StringIO(_download(page, "download-csv"))))
    assert table[0][:3] == ["statement", "verdict", "reason"]
    assert [row[0] for row in table[1:]] == list(STATEMENTS)
    assert [row[1] for row in table[1:3]] == ["supported", "contradicted"]
    assert table[2][6] == "20"

    report = _download(page, "download-html")
    assert report.startswith("<!DOCTYPE html>")
    assert "autumn-leaflet.docx" in report
    assert "Patients wrote &lt;img src=x onerror=alert(1)&gt; on the survey form." in report
    assert "<img" not in report
    assert "<mark>" in report


def test_pasted_draft_is_checked_statement_by_statement(page: Any) -> None:
    from playwright.sync_api import expect

    select_tab(page, "Check a statement")
    page.locator("#draft textarea").fill(
        "News from the lab\n\nHello all,\n\n" + " ".join(STATEMENTS[:2]) + "\n\nWhat next?\n"
    )
    page.locator("#draft-button").click()
    rows = page.locator("#draft-result tr.statement-row")
    expect(rows).to_have_count(2, timeout=60_000)
    expect(page.locator("#download-csv")).to_be_visible()
    page.locator("#draft textarea").fill("# Only a heading")
    page.locator("#draft-button").click()
    expect(page.locator("#draft-result")).to_contain_text("no statement to check")
    expect(page.locator("#download-csv")).to_have_count(0)


def test_gap_report_after_refused_questions(page: Any, server: Server) -> None:
    from playwright.sync_api import expect

    for question in REFUSED:
        bot = ask(page, question)
        expect(bot).to_contain_text("The articles do not cover this question")
    answered = ask(page, ANSWERED)
    expect(answered.locator("blockquote").first).to_be_visible()
    page.locator("#chatbot").get_by_role("button", name="Dislike", exact=True).last.click()
    expect(page.get_by_text("your feedback was saved")).to_be_visible()

    select_tab(page, "Index")
    page.locator("#admin-password input").fill("not the password")
    page.locator("#gaps-button").click()
    expect(page.locator("#gap-report")).to_contain_text("not right")

    page.locator("#admin-password input").fill(PASSWORD)
    page.locator("#gaps-button").click()
    report = page.locator("#gap-report")
    expect(report.locator(".gap-summary")).to_contain_text(f"{len(REFUSED)} questions refused")
    expect(report.locator("tr", has_text="tinnitus")).to_contain_text("1")
    expect(report.locator("tr", has_text="psoriasis")).to_contain_text("1")
    expect(report.locator("tr", has_text="price")).to_contain_text("1")
    expect(report.locator("tr", has_text=ANSWERED_TITLE)).to_contain_text("1")
    _shot(page, server, "gap-report", page.locator("#tab-index"))

    stored = "".join(
        p.read_text(errors="replace") for p in (server.root / "var").rglob("*") if p.is_file()
    )
    assert "gaps.jsonl" in {p.name for p in (server.root / "var").iterdir()}
    for question in REFUSED:
        assert question not in stored
    assert "How much" not in stored
