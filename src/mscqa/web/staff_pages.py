"""The staff's parts of the web app below the Gradio shell: a draft checked from pasted text or an
uploaded file with its reports to download, and the gap report as HTML. All text is escaped."""

from __future__ import annotations

import base64
import html
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from mscqa.engine import Engine
from mscqa.errors import MscqaError, UsageError
from mscqa.staff.drafts import DraftCheck, check_draft, draft_statements, pasted_statements
from mscqa.staff.gaps import GapReport
from mscqa.staff.reports import draft_csv, draft_html, draft_table_html

log = logging.getLogger("mscqa.app")

UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".docx"]


def check_pasted_or_uploaded(
    engine: Engine, pasted: str | None, upload: str | None
) -> DraftCheck | str:
    """The checked draft, from the uploaded file when there is one, else from the pasted text;
    or the one-line message saying what to fix. An uploaded file is deleted once read: a draft
    stays on the server no longer than its check."""
    started = time.perf_counter()
    settings = engine.settings
    try:
        if upload:
            path = Path(upload)
            try:
                statements = draft_statements(path, settings.max_draft_chars)
            finally:
                path.unlink(missing_ok=True)
            source = path.name
        elif pasted and pasted.strip():
            statements = pasted_statements(pasted, settings.max_draft_chars)
            source = "pasted draft"
        else:
            raise UsageError("no draft: paste its text or upload a .txt, .md, .html or .docx file")
        result = check_draft(
            statements,
            engine.check,
            source=source,
            index_version=engine.index.manifest.version,
            checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    except MscqaError as exc:
        log.info("draft refused (%s) in %.3fs", type(exc).__name__, time.perf_counter() - started)
        return str(exc)
    log.info(
        "draft checked statements=%d in %.3fs", len(result.checks), time.perf_counter() - started
    )
    return result


def _data_link(text: str, mime: str, filename: str, label: str, elem_id: str) -> str:
    """A download link holding the file itself: nothing is written on the server."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (
        f'<a id="{elem_id}" class="download" download="{html.escape(filename)}" '
        f'href="data:{mime};charset=utf-8;base64,{payload}">{html.escape(label)}</a>'
    )


def draft_result_html(result: DraftCheck | str, engine: Engine) -> tuple[str, str]:
    """(the table, the download links) for a checked draft, or the error and no links."""
    if isinstance(result, str):
        return f'<p class="status-other" role="alert">{html.escape(result)}</p>', ""
    index = engine.index
    stem = Path(result.source).stem.replace(" ", "-") or "draft"
    links = (
        '<p class="downloads">Download the report: '
        + _data_link(
            draft_csv(result), "text/csv", f"{stem}-check.csv", "CSV (spreadsheet)", "download-csv"
        )
        + " · "
        + _data_link(
            draft_html(result, index),
            "text/html",
            f"{stem}-check.html",
            "HTML (to print)",
            "download-html",
        )
        + "</p>"
    )
    return draft_table_html(result, index), links


def gap_report_html(report: GapReport) -> str:
    """The gap report for the Index tab."""

    def table(caption: str, header: str, rows: list[tuple[str, int]]) -> str:
        if not rows:
            return f"<h4>{html.escape(caption)}</h4><p>None.</p>"
        body = "".join(f"<tr><td>{html.escape(k)}</td><td>{n}</td></tr>" for k, n in rows)
        return (
            f'<h4>{html.escape(caption)}</h4><table class="articles">'
            f"<thead><tr><th>{html.escape(header)}</th><th>Count</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )

    since = f" since {report.since}" if report.since else ""
    parts = [
        f'<p class="gap-summary"><strong>{report.refused}</strong> questions refused{since}: '
        f"{report.languages} in another language, {report.not_covered} not covered with no "
        "topic named.</p>",
        table("Topics the articles never mention", "Topic", list(report.topics)),
        table("Clinic matters asked about", "Matter", list(report.clinic_matters)),
        table(
            "Disliked answers per article",
            "Article",
            [(title or article_id, n) for article_id, title, n in report.dislikes],
        ),
    ]
    return '<div id="gap-tables">' + "".join(parts) + "</div>"
