"""A checked draft as a text table, CSV, a printable HTML report, and the web tab's table.

Every piece of draft and article text is escaped: a statement holding markup shows it literally.
"""

from __future__ import annotations

import csv
import html
import io
import textwrap
from collections.abc import Callable

from mscqa.answers.verify import CONTRADICTED, NOT_FOUND, SUPPORTED, Evidence
from mscqa.index.load import LoadedIndex
from mscqa.search.library import passage_containing
from mscqa.staff.drafts import CheckedStatement, DraftCheck

# The words each verdict is shown with: a label is never colour alone.
LABELS = {
    SUPPORTED: "Supported",
    CONTRADICTED: "Differs from the articles",
    NOT_FOUND: "Not found",
    "error": "Not checked",
}
# Text and background colours with a contrast ratio of at least 7:1 (WCAG AAA for normal text;
# 8.6 to 11.5 here). The report keeps a white background in a dark page theme too.
COLOURS = {
    SUPPORTED: ("#0b4d1c", "#dff3e4"),
    CONTRADICTED: ("#6b2a00", "#fde3cc"),
    NOT_FOUND: ("#262c33", "#e4e8ee"),
    "error": ("#7a0010", "#fbe0e3"),
}
CSV_COLUMNS = (
    "statement",
    "verdict",
    "reason",
    "title",
    "reference",
    "evidence",
    "numbers_not_found",
)
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TABLE_STATEMENT = 64
_TABLE_TITLE = 44


def _kind(item: CheckedStatement) -> str:
    return item.verdict.verdict if item.verdict is not None else "error"


def _reason(item: CheckedStatement) -> str:
    return item.verdict.reason if item.verdict is not None else item.error


def _best(item: CheckedStatement) -> Evidence | None:
    if item.verdict is None or not item.verdict.evidence:
        return None
    return item.verdict.evidence[0]


def summary_line(draft: DraftCheck) -> str:
    counts = draft.summary()
    errors = sum(1 for item in draft.checks if item.verdict is None)
    line = (
        f"{len(draft.checks)} statements: {counts[SUPPORTED]} supported, "
        f"{counts[CONTRADICTED]} contradicted, {counts[NOT_FOUND]} not found"
    )
    return line + (f", {errors} not checked" if errors else "")


# Text


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def draft_table(draft: DraftCheck) -> str:
    """A terminal table: number, verdict, statement, the article of the best evidence, and under
    a statement that is not supported the reason and the numbers not found."""
    rows = [f"{'#':>3}  {'verdict':<12}  {'statement':<{_TABLE_STATEMENT}}  article"]
    for number, item in enumerate(draft.checks, 1):
        best = _best(item)
        title = _clip(best.title, _TABLE_TITLE) if best else "-"
        rows.append(
            f"{number:>3}  {_kind(item):<12}  "
            f"{_clip(item.statement, _TABLE_STATEMENT):<{_TABLE_STATEMENT}}  {title}"
        )
        reason = _reason(item)
        if reason:
            for line in textwrap.wrap(f"why: {reason}", 90):
                rows.append(f"{'':>3}  {'':<12}  {line}")
        if item.verdict is not None and item.verdict.unmatched:
            missing = ", ".join(item.verdict.unmatched)
            rows.append(f"{'':>3}  {'':<12}  numbers not found: {missing}")
    rows.append("")
    rows.append(f"{summary_line(draft)} (index {draft.index_version})")
    return "\n".join(rows)


# CSV


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def draft_csv(draft: DraftCheck) -> str:
    """One row per statement (CSV_COLUMNS), the best evidence sentence with its article."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in draft.checks:
        best = _best(item)
        unmatched = item.verdict.unmatched if item.verdict is not None else ()
        writer.writerow(
            _cell(value)
            for value in (
                item.statement,
                _kind(item),
                _reason(item),
                best.title if best else "",
                best.reference if best else "",
                best.quote if best else "",
                "; ".join(unmatched),
            )
        )
    return out.getvalue()


# HTML


STYLE = """
.draft-report { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1a1a1a;
                background: #ffffff; line-height: 1.5; padding: 0.4em; }
.draft-report table { border-collapse: collapse; width: 100%; }
.draft-report th, .draft-report td { border: 1px solid #b8bec6; padding: 0.4em 0.6em;
                                     vertical-align: top; text-align: left; }
.draft-report .label { display: inline-block; padding: 0.1em 0.55em; border-radius: 4px;
                       font-weight: 600; white-space: nowrap; border: 1px solid currentColor; }
.draft-report mark { background: #ffe27a; color: #1a1a1a; }
.draft-report .reference, .draft-report .meta { color: #3d4450; font-size: 0.92em; }
.draft-report details summary { cursor: pointer; }
.draft-report .passage { margin: 0.4em 0 0.8em; }
@media print { .draft-report details > summary { list-style: none; } }
"""


def verdict_label(kind: str) -> str:
    """The verdict as a coloured label whose words say it too."""
    colour, background = COLOURS.get(kind, COLOURS["error"])
    text = LABELS.get(kind, kind)
    return (
        f'<span class="label verdict-{html.escape(kind)}" '
        f'style="color:{colour};background:{background}">{html.escape(text)}</span>'
    )


def _highlighted(evidence: Evidence, passage_of: Callable[[Evidence], tuple[str, int]]) -> str:
    """The evidence sentence marked inside its passage (escaped first, then marked)."""
    text, offset = passage_of(evidence)
    start, end = evidence.start - offset, evidence.end - offset
    if not (0 <= start <= end <= len(text)) or text[start:end] != evidence.quote:
        return f"<mark>{html.escape(evidence.quote)}</mark>"
    return (
        html.escape(text[:start])
        + "<mark>"
        + html.escape(text[start:end])
        + "</mark>"
        + html.escape(text[end:])
    )


def _passage_finder(index: LoadedIndex | None) -> Callable[[Evidence], tuple[str, int]]:
    def passage_of(evidence: Evidence) -> tuple[str, int]:
        if index is not None:
            try:
                passage = passage_containing(
                    index, evidence.article_id, evidence.start, evidence.end
                )
                return passage.text, passage.start
            except KeyError:  # the index changed since the check
                pass
        return evidence.quote, evidence.start

    return passage_of


def _evidence_html(
    item: CheckedStatement, passage_of: Callable[[Evidence], tuple[str, int]]
) -> str:
    if item.verdict is None:
        return ""
    parts = []
    verdict = item.verdict
    if verdict.matched or verdict.unmatched:
        parts.append(
            '<p class="numbers">Numbers found in the evidence: '
            f"<strong>{html.escape(', '.join(verdict.matched) or 'none')}</strong>; "
            "not found: "
            f"<strong>{html.escape(', '.join(verdict.unmatched) or 'none')}</strong></p>"
        )
    for evidence in verdict.evidence:
        parts.append(
            f'<div class="evidence"><p class="passage">{_highlighted(evidence, passage_of)}</p>'
            f'<p class="citation">“{html.escape(evidence.quote)}” — '
            f"<strong>{html.escape(evidence.title)}</strong>. "
            f'<span class="reference">{html.escape(evidence.reference)}</span></p></div>'
        )
    return "".join(parts)


def _rows(draft: DraftCheck, index: LoadedIndex | None, open_details: bool) -> str:
    passage_of = _passage_finder(index)
    rows = []
    for number, item in enumerate(draft.checks, 1):
        best = _best(item)
        reason = _reason(item)
        evidence = _evidence_html(item, passage_of)
        details = (
            f"<details{' open' if open_details else ''}><summary>Evidence "
            f"({len(item.verdict.evidence) if item.verdict else 0})</summary>{evidence}</details>"
            if evidence
            else ""
        )
        rows.append(
            f'<tr class="statement-row"><td>{number}</td>'
            f"<td>{verdict_label(_kind(item))}</td>"
            f'<td><p class="statement">{html.escape(item.statement)}</p>'
            + (f'<p class="reason">Why: {html.escape(reason)}</p>' if reason else "")
            + f"{details}</td>"
            f"<td>{html.escape(best.title) if best else '—'}</td></tr>"
        )
    return (
        "<table><thead><tr><th>#</th><th>Verdict</th><th>Statement and evidence</th>"
        f"<th>Article</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def draft_table_html(draft: DraftCheck, index: LoadedIndex | None) -> str:
    """The web tab's table: coloured, labelled verdicts and evidence that opens on a click."""
    return (
        f'<div class="draft-report"><style>{STYLE}</style>'
        f'<p class="summary">{html.escape(summary_line(draft))}</p>'
        f"{_rows(draft, index, open_details=False)}</div>"
    )


def draft_html(draft: DraftCheck, index: LoadedIndex | None) -> str:
    """A printable, self-contained report: every statement with its verdict, the evidence marked
    in its passage, the citations, the date and the index version."""
    source = html.escape(draft.source)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>Draft check: {source}</title>"
        f"<style>body {{ margin: 2em; }} {STYLE}</style></head>"
        '<body><div class="draft-report">'
        f"<h1>Draft check: {source}</h1>"
        f'<p class="meta">Checked {html.escape(draft.checked_at)} against index version '
        f"{html.escape(draft.index_version)}. Every quotation is verbatim from the article "
        "named with it.</p>"
        f'<p class="summary">{html.escape(summary_line(draft))}</p>'
        f"{_rows(draft, index, open_details=True)}"
        "</div></body></html>\n"
    )
