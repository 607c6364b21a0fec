"""What the page shows, as Markdown and HTML: every piece of user and article text escaped.

Gradio's chatbot renders HTML inside messages (sanitized, but still real elements), so text is
made literal here.
"""

import html
import re

from mscqa.answers.quotes import Answer
from mscqa.answers.social import SOCIAL
from mscqa.answers.turns import Turn
from mscqa.answers.verify import CONTRADICTED, SUPPORTED, Verdict
from mscqa.config import Settings
from mscqa.corpus.articles import Article
from mscqa.engine import Engine
from mscqa.index.load import LoadedIndex
from mscqa.index.status import IndexStatus
from mscqa.search.library import passage_containing
from mscqa.web.replies import ArticleSummary, citation, relevance_label
from mscqa.web.safety import URGENT_CARE_MESSAGE

VERDICT_TEXT = {
    SUPPORTED: ("Supported", "An article says this."),
    CONTRADICTED: (
        "Differs from the articles",
        "The closest article says something else: compare the numbers and wording below.",
    ),
}
NOT_FOUND_TEXT = ("Not found", "No article covers this statement.")
NOT_COVERED = "The articles do not cover this question."


# Text -> literal page content


# Every ASCII punctuation mark may be backslash-escaped in CommonMark; escaping them all (after
# HTML-escaping) also stops lists, headings, emphasis and links, including bare-URL links.
# `&` and `;` are left alone: they only occur in the entities html.escape just wrote.
_MARKDOWN_PUNCTUATION = re.compile(r"([!\"#$%'()*+,\-./:<=>?@\[\\\]^_`{|}~])")


def literal_markdown(text: str) -> str:
    """Markdown that displays `text` exactly as typed: no HTML element, no formatting, no link."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", html.escape(text, quote=False))


def _quote_block(text: str) -> str:
    return "\n".join(f"> {line}" for line in literal_markdown(text).splitlines() or [""])


def format_answer(answer: Answer, settings: Settings, topics: list[str]) -> str:
    """The chat reply: each quote as a block quote with its title, reference and relevance."""
    if not answer.answered:
        listed = "\n".join(f"- {literal_markdown(topic)}" for topic in topics)
        reason = f"\n\n{literal_markdown(answer.reason)}" if answer.reason else ""
        return (
            f"**{NOT_COVERED}** Nothing in them answers it, so there is nothing to quote."
            f"{reason}\n\nThe articles are about:\n\n{listed}"
        )
    parts = []
    count = len(answer.quotes)
    for number, quote in enumerate(answer.quotes, 1):
        heading = f"Source {number} of {count}" if count > 1 else "Source"
        parts.append(
            f"{_quote_block(quote.quote)}\n\n"
            f"**{literal_markdown(quote.title)}**  \n"
            f"{literal_markdown(quote.reference)}  \n"
            f"*{heading} · {relevance_label(quote.score, settings)}*"
        )
    return "\n\n---\n\n".join(parts)


def format_turn(turn: Turn, settings: Settings, topics: list[str]) -> str:
    """The chat reply to a turn of a conversation: the quiet lines saying how the message was
    read ("Showing results for", "Answering"), then the answer; the English-only reply alone for
    a message in another language, and the fixed reply to a greeting or thanks."""
    answer = turn.answer
    if answer.refusal == "language":
        return f"**{literal_markdown(answer.message or '')}**"
    if answer.refusal == SOCIAL:
        listed = "\n".join(f"- {literal_markdown(topic)}" for topic in topics)
        return f"{literal_markdown(answer.message or '')}\n\nThe articles are about:\n\n{listed}"
    quiet = []
    if turn.corrected:
        quiet.append(f"*Showing results for: {literal_markdown(turn.corrected)}*")
    if turn.understood_as:
        quiet.append(f"*Answering: {literal_markdown(turn.understood_as)}*")
    body = format_answer(answer, settings, topics)
    if answer.answered and answer.reason:
        body += f"\n\n*{literal_markdown(answer.reason)}*"
    return "\n\n".join([*(["  \n".join(quiet)] if quiet else []), body])


def urgent_markdown() -> str:
    return f"**⚠ Please get help now.** {URGENT_CARE_MESSAGE}"


def highlight(text: str, start: int, end: int) -> str:
    """HTML of `text` with `text[start:end]` in a <mark>: escaped first, then wrapped."""
    return (
        html.escape(text[:start])
        + "<mark>"
        + html.escape(text[start:end])
        + "</mark>"
        + html.escape(text[end:])
    )


def article_html(article: Article, start: int | None = None, end: int | None = None) -> str:
    """The whole article, with the sentence at [start:end] highlighted when given."""
    body = (
        highlight(article.text, start, end)
        if start is not None and end is not None
        else html.escape(article.text)
    )
    return (
        f"<h3>{html.escape(article.title)}</h3>"
        f'<p class="reference">{html.escape(article.reference)}</p>'
        # The text scrolls inside its box on a small screen: focusable, so the keyboard scrolls it.
        f'<div class="article-text" tabindex="0" role="region" aria-label="Article text">'
        f"{body}</div>"
    )


def articles_table_html(summaries: list[ArticleSummary]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(s.title)}</td>"
        f'<td class="reference">{html.escape(s.reference)}</td>'
        f"<td>{s.passages}</td></tr>"
        for s in summaries
    )
    return (
        '<table class="articles"><thead><tr><th>Title</th><th>Reference</th>'
        f"<th>Passages</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def verdict_html(verdict: Verdict, index: LoadedIndex, settings: Settings) -> str:
    """Verdict, numbers, and each evidence sentence highlighted inside its passage."""
    name, explanation = VERDICT_TEXT.get(verdict.verdict, NOT_FOUND_TEXT)
    parts = [
        f'<div class="verdict verdict-{html.escape(verdict.verdict)}">'
        f"<strong>{name}.</strong> {explanation}"
        + (
            f'<br><span class="reason">Why: {html.escape(verdict.reason)}</span>'
            if verdict.reason
            else ""
        )
        + "</div>"
    ]
    if verdict.matched or verdict.unmatched:
        matched = html.escape(", ".join(verdict.matched) or "none")
        unmatched = html.escape(", ".join(verdict.unmatched) or "none")
        parts.append(
            f'<p class="numbers">Numbers found in the evidence: <strong>{matched}</strong><br>'
            f"Numbers <em>not</em> found in the evidence: <strong>{unmatched}</strong></p>"
        )
    for evidence in verdict.evidence:
        passage = passage_containing(index, evidence.article_id, evidence.start, evidence.end)
        body = highlight(passage.text, evidence.start - passage.start, evidence.end - passage.start)
        parts.append(
            f'<div class="evidence"><h4>{html.escape(evidence.title)}</h4>'
            f'<p class="reference">{html.escape(evidence.reference)}</p>'
            f"<p><em>{relevance_label(evidence.score, settings)}</em></p>"
            f'<p class="passage">{body}</p></div>'
        )
    return "".join(parts)


def citations_text(verdict: Verdict, index: LoadedIndex) -> str:
    return "\n\n".join(citation(index.articles[e.article_id], e.quote) for e in verdict.evidence)


def status_html(status: IndexStatus, engine: Engine) -> str:
    """What the index holds, and whether it matches the articles on disk."""
    manifest = status.manifest
    css = {"fresh": "status-fresh", "stale": "status-stale"}.get(status.state, "status-other")
    state = {
        "fresh": "Up to date",
        "stale": "Out of date",
        "model_mismatch": "Built with another model",
        "corrupt": "Damaged",
        "missing": "Missing",
    }.get(status.state, status.state)
    changes = status.added or status.changed or status.removed
    # A stale status message names the changed articles; they are listed below, a kind a line.
    message = "the articles changed since the build" if changes else status.message
    parts = [f'<p class="{css}"><strong>{html.escape(state)}</strong>: {html.escape(message)}</p>']
    for label, ids in (
        ("Added", status.added),
        ("Changed", status.changed),
        ("Removed", status.removed),
    ):
        if ids:
            parts.append(f"<p>{label} since the build: {html.escape(', '.join(ids))}</p>")
    if manifest is not None:
        rows = (
            ("Version", manifest.version),
            ("Built", manifest.built_at),
            ("Model", f"{manifest.model_id} ({manifest.dim} dimensions, {manifest.backend})"),
            ("Articles", str(len(manifest.articles))),
            ("Passages", str(manifest.passage_count)),
            ("Sentences", str(manifest.sentence_count)),
        )
        cells = "".join(
            f"<tr><th>{name}</th><td>{html.escape(value)}</td></tr>" for name, value in rows
        )
        parts.append(f'<table class="articles">{cells}</table>')
    serving = engine.index.manifest.version
    parts.append(f"<p>The chat is answering from version {html.escape(serving)}.</p>")
    if engine.reload_error:
        parts.append(f'<p class="status-other">{html.escape(engine.reload_error)}</p>')
    return "".join(parts)
