"""The web app: a thin Gradio shell over the Engine (Ask, Check a statement, Articles, Index).

Every piece of user and article text is escaped before it reaches the page: Gradio's chatbot
renders HTML inside messages (sanitized, but still real elements), so text is made literal here.
"""

import hmac
import html
import logging
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mscqa.answers.quotes import Answer, Quote
from mscqa.answers.turns import Turn
from mscqa.answers.verify import CONTRADICTED, SUPPORTED, Verdict
from mscqa.config import Settings, is_loopback
from mscqa.corpus.articles import Article
from mscqa.engine import Engine
from mscqa.errors import MscqaError
from mscqa.index.load import LoadedIndex
from mscqa.index.status import IndexStatus
from mscqa.search.library import passage_containing
from mscqa.staff.feedback import FeedbackStore
from mscqa.staff.gaps import GapLog, gap_report
from mscqa.web.health import health_route
from mscqa.web.replicas import replica_gate
from mscqa.web.replies import (
    ArticleSummary,
    article_summaries,
    citation,
    covered_topics,
    relevance_label,
)
from mscqa.web.safety import URGENT_CARE_MESSAGE, detect_emergency
from mscqa.web.sessions import Conversations, session_sweeper
from mscqa.web.staff_pages import (
    UPLOAD_TYPES,
    check_pasted_or_uploaded,
    draft_result_html,
    gap_report_html,
)

log = logging.getLogger("mscqa.app")

TITLE = "Stem cell research: answers quoted from our articles"
NOTICE = (
    "Every answer is a word-for-word quote from a summary of a research article, with its source. "
    "It is not medical advice: talk to your doctor about your own care. "
    "In an emergency, call your local emergency number."
)
EXAMPLE_QUESTIONS = (
    "How were the stem cells given to people with hip osteoarthritis?",
    "How do mesenchymal stem cells calm an overactive immune system?",
    "What did the review of multiple sclerosis studies find?",
    "Why is chronic pain so hard to treat?",
    "What symptoms does ALS cause?",
)
EXAMPLE_STATEMENTS = (
    "Edaravone may slow down how fast ALS gets worse.",
    "Chronic pain is pain that lasts for more than 20 weeks.",
)
VERDICT_TEXT = {
    SUPPORTED: ("Supported", "An article says this."),
    CONTRADICTED: (
        "Differs from the articles",
        "The closest article says something else: compare the numbers and wording below.",
    ),
}
NOT_FOUND_TEXT = ("Not found", "No article covers this statement.")
NOT_COVERED = "The articles do not cover this question."

CSS = """
.notice { font-size: 0.95em; padding: 0.6em 0.9em; border-radius: 8px;
          background: var(--block-background-fill); border: 1px solid var(--border-color-primary); }
mark { background: #ffe27a; color: #1f1f1f; padding: 0 0.1em; border-radius: 3px; }
.article-text { white-space: pre-wrap; line-height: 1.6; max-height: 65vh; overflow-y: auto; }
.reference { color: var(--body-text-color-subdued); font-size: 0.92em; }
.verdict { font-size: 1.15em; padding: 0.5em 0.8em; border-radius: 8px; margin-bottom: 0.6em; }
.verdict-supported { background: #e3f5e6; color: #145a23; }
.verdict-contradicted { background: #fdecd8; color: #7a3e00; }
.verdict-not_found { background: #eceff3; color: #333; }
.verdict strong { color: inherit; }  /* a dark page's bold text is light: not on these boxes */
.evidence { border-left: 4px solid var(--border-color-primary); padding-left: 0.8em;
            margin: 1em 0; }
.status-fresh { color: #145a23; } .status-stale { color: #7a3e00; } .status-other { color: #a11; }
.dark .status-fresh { color: #4ade80; } .dark .status-stale { color: #fdba74; }
.dark .status-other { color: #fca5a5; }
table.articles { border-collapse: collapse; }
table.articles td, table.articles th { padding: 0.35em 0.6em; vertical-align: top;
                                       border: 1px solid var(--border-color-primary); }
/* Accessibility (WCAG 2.1 AA; audited by tests/browser/test_accessibility.py). Gradio takes
   the focus ring off its text boxes and leaves the browser's thin one, partly hidden, on the
   tabs, so keyboard users lose track of where they are: one clear ring for every control,
   shown for keyboard focus only. Its colour is fixed on the container: some components
   redefine the accent for their insides (white on the primary button: a white ring). */
.gradio-container { --focus-ring: var(--color-accent); }
/* The theme has one accent for both schemes; on a dark page orange-700 gives 3.7:1. */
.dark .gradio-container { --color-accent: var(--primary-400); }
.gradio-container :is(button, a, input, textarea, select, summary, [tabindex]):focus-visible {
  outline: 3px solid var(--focus-ring) !important; outline-offset: 2px !important; }
/* An upload area fills a block that hides what is drawn outside it: its ring goes inside. */
.gradio-container .upload-container:focus-visible { outline-offset: -4px !important; }
/* The footer's "Use via API" link is drawn at 1.9:1; the subdued text colour passes. */
footer .show-api { color: var(--body-text-color-subdued); }
/* The tab labels' contrast cannot be measured over the wrapped tabs' striped gradient or the
   line drawn under the tabs as a pseudo-element; a plain background and a border draw the same. */
#tabs .tab-container.wrap { background: var(--background-fill-primary); }
#tabs .tab-container::after { content: none; }
#tabs .tab-container { border-bottom: 1px solid var(--border-color-primary); }
"""
# Two Gradio components name things in ways screen readers get wrong, with no option to change
# it, so the page corrects them whenever Gradio draws them (again after "clear" or an upload):
# - the chatbot's example questions, which are buttons, sit in a role="list" without list items,
#   announced as a broken list (axe: aria-required-children, critical): a named group instead;
# - an upload area is a button called "Click to upload or drop files" that shows "Drop File Here
#   - or - Click to Upload", so a speech user cannot say what they see (WCAG 2.5.3; axe:
#   label-content-name-mismatch, serious), and it never says what the file is for: it is named
#   by its block's label and the words it shows.
ACCESSIBLE_NAMES = """() => {
  const set = (el, name, value) => {
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  };
  const words = (el) => (el ? el.innerText.replace(/\\s+/g, ' ').trim() : '');
  const fix = () => {
    document.querySelectorAll('.examples[role="list"]').forEach((list) => {
      set(list, 'role', 'group');
      set(list, 'aria-label', 'Example questions');
    });
    document.querySelectorAll('button.upload-container').forEach((button) => {
      const label = words(button.closest('.block')?.querySelector('[data-testid="block-label"]'));
      const shown = words(button);
      if (shown) set(button, 'aria-label', label ? `${label}: ${shown}` : shown);
    });
  };
  fix();
  new MutationObserver(fix).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label', 'role'],
  });
}"""
# Scrolls the article view to its highlighted sentence after "show in article".
SCROLL_TO_MARK = (
    "() => { setTimeout(() => { const m = document.querySelector('#article-view mark');"
    " if (m) { m.scrollIntoView({block: 'center'}); } }, 150); }"
)


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
    a message in another language."""
    answer = turn.answer
    if answer.refusal == "language":
        return f"**{literal_markdown(answer.message or '')}**"
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


def password_ok(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an unset admin password never matches."""
    if not expected:
        return False
    return hmac.compare_digest((given or "").encode("utf-8"), expected.encode("utf-8"))


# Requests


@dataclass(frozen=True)
class Reply:
    """What the chat shows for one question: an urgent-care message first when needed."""

    messages: tuple[str, ...]
    answer: Answer | None = None

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.answer.quotes if self.answer else ()

    @property
    def markdown(self) -> str:
        return "\n\n".join(self.messages)


class ChatService:
    """The calls behind the page and the HTTP API, with counts and timings (never text) logged."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.settings = engine.settings
        self.feedback = FeedbackStore(
            self.settings.feedback_path, keep_text=self.settings.feedback_keep_text
        )
        self.gaps = GapLog(
            self.settings.var_dir, self.settings.feedback_keep_text, self.settings.gap_log_weeks
        )
        self.conversations = Conversations(
            self.settings.max_sessions, self.settings.session_idle_seconds
        )

    def converse(self, message: str, session: str) -> Reply:
        """`ask` for a message of the conversation of `session`: a follow-up leans on that
        session's earlier turns (Engine.reply)."""
        started = time.perf_counter()
        scan = (message or "")[: 10 * self.settings.max_question_chars]
        urgent = detect_emergency(scan) is not None
        messages = [urgent_markdown()] if urgent else []
        try:
            turn = self.engine.reply(message, self.conversations.history(session))
        except MscqaError as exc:
            log.info("message refused (%s) in %.3fs", type(exc).__name__, _since(started))
            return Reply((*messages, literal_markdown(str(exc))))
        self.conversations.add(session, turn)
        for part in turn.parts or (turn.answer,):
            self.gaps.record(part)  # each refused part counts towards the gap report
        topics = covered_topics(self.engine.index)
        messages.append(format_turn(turn, self.settings, topics))
        log.info(
            "message answered=%s parts=%d leaned=%s quotes=%d urgent=%s in %.3fs",
            turn.answer.answered,
            len(turn.asked),
            turn.understood_as is not None,
            len(turn.answer.quotes),
            urgent,
            _since(started),
        )
        return Reply(tuple(messages), turn.answer)

    def ask(self, question: str) -> Reply:
        started = time.perf_counter()
        # Emergencies are looked for in up to ten times the longest question, so a long message
        # still gets the urgent-care reply with its refusal, but a megabyte pasted in does not
        # cost a scan and copies of the whole text (benchmarks/RESULTS.md, under load).
        scan = (question or "")[: 10 * self.settings.max_question_chars]
        urgent = detect_emergency(scan) is not None
        messages = [urgent_markdown()] if urgent else []
        try:
            answer = self.engine.ask(question)
        except MscqaError as exc:
            log.info("question refused (%s) in %.3fs", type(exc).__name__, _since(started))
            return Reply((*messages, literal_markdown(str(exc))))
        self.gaps.record(answer)  # a refusal counts towards the gap report
        topics = covered_topics(self.engine.index)
        messages.append(format_answer(answer, self.settings, topics))
        log.info(
            "question answered=%s quotes=%d urgent=%s in %.3fs",
            answer.answered,
            len(answer.quotes),
            urgent,
            _since(started),
        )
        return Reply(tuple(messages), answer)

    def check(self, statement: str) -> Verdict | str:
        """The verdict, or the one-line message saying what is wrong with the statement."""
        started = time.perf_counter()
        try:
            verdict = self.engine.check(statement)
        except MscqaError as exc:
            log.info("statement refused (%s) in %.3fs", type(exc).__name__, _since(started))
            return str(exc)
        log.info(
            "statement checked verdict=%s evidence=%d in %.3fs",
            verdict.verdict,
            len(verdict.evidence),
            _since(started),
        )
        return verdict

    def rate(self, rating: str, turn: dict[str, Any]) -> None:
        self.feedback.record(
            rating, turn["answer"], turn["article_ids"], question=turn.get("question")
        )
        log.info("feedback %s recorded", rating)


def _session(request: Any) -> str:
    """The Gradio session (browser tab or API client) a request comes from."""
    return str(getattr(request, "session_hash", None) or "")


def _since(started: float) -> float:
    return time.perf_counter() - started


def _answer_text(answer: Answer | None) -> str:
    """The answer as stored with feedback: the quotes with their titles, as plain text."""
    if answer is None:
        return ""
    if not answer.answered:
        return NOT_COVERED
    return "\n".join(f"“{q.quote}” — {q.title}" for q in answer.quotes)


# The page


def build_app(engine: Engine) -> Any:
    import gradio as gr

    service = ChatService(engine)
    settings = engine.settings
    slots = settings.top_k

    def article_choices() -> list[tuple[str, str]]:
        return [(s.title, s.id) for s in article_summaries(engine.index)]

    def show_buttons(quotes: tuple[Quote, ...]) -> list[Any]:
        updates = []
        for slot in range(slots):
            if slot < len(quotes):
                label = f"Show in article: {quotes[slot].title}"
                updates.append(gr.Button(value=label, visible=True))
            else:
                updates.append(gr.Button(visible=False))
        return updates

    # A question is shown at once (step 1), then answered (step 2), so the page never looks stuck.
    def show_question(
        message: str, history: list[dict[str, Any]], turns: list[Any]
    ) -> tuple[Any, ...]:
        if not (message or "").strip():
            return gr.skip(), gr.skip(), gr.skip(), None
        # `turns` follows the chat message by message; a session forgotten while idle comes
        # back with none (web_sessions.py), so older messages get no feedback target.
        turns = [*turns[: len(history)], *[None] * (len(history) - len(turns)), None]
        history = [*history, {"role": "user", "content": literal_markdown(message)}]
        return "", history, turns, message

    def show_example(
        history: list[dict[str, Any]], turns: list[Any], evt: gr.SelectData
    ) -> tuple[Any, ...]:
        value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value)}
        return show_question(str(value.get("text", "")), history, turns)

    def answer_question(
        message: str | None,
        history: list[dict[str, Any]],
        turns: list[Any],
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        if message is None:
            return tuple(gr.skip() for _ in range(3 + slots))
        reply = service.converse(message, _session(request))
        history, turns = [*history], [*turns]
        record = {
            "answer": _answer_text(reply.answer),
            "article_ids": [q.article_id for q in reply.quotes],
            "question": message,
        }
        for text in reply.messages:
            history.append({"role": "assistant", "content": text})
            turns.append(record)
        return (history, turns, list(reply.quotes), *show_buttons(reply.quotes))

    def on_like(turns: list[Any], data: gr.LikeData) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        if data.liked in (True, "Like"):
            rating = "like"
        elif data.liked in (False, "Dislike"):
            rating = "dislike"
        else:
            return
        if 0 <= index < len(turns) and turns[index] is not None:
            service.rate(rating, turns[index])
            gr.Info("Thank you, your feedback was saved.")

    def open_source(quotes: list[Quote], slot: int) -> tuple[Any, Any, Any]:
        if slot >= len(quotes):  # the session was forgotten while idle
            return gr.skip(), gr.skip(), gr.skip()
        quote = quotes[slot]
        article = engine.index.articles.get(quote.article_id)
        if article is None:  # removed by a rebuild since the answer
            return gr.Tabs(selected="articles"), gr.Dropdown(value=None), ""
        # After a rebuild the article may have changed: highlight only a sentence still there.
        same = article.text[quote.start : quote.end] == quote.quote
        return (
            gr.Tabs(selected="articles"),
            gr.Dropdown(choices=article_choices(), value=article.id),
            article_html(article, quote.start, quote.end) if same else article_html(article),
        )

    def open_article(article_id: str | None) -> str:
        if not article_id or article_id not in engine.index.articles:
            return ""
        return article_html(engine.index.articles[article_id])

    def refresh_articles() -> tuple[str, Any]:
        return (
            articles_table_html(article_summaries(engine.index)),
            gr.Dropdown(choices=article_choices()),
        )

    def check_ui(statement: str) -> tuple[str, str]:
        result = service.check(statement)
        if isinstance(result, str):
            return f'<p class="status-other">{html.escape(result)}</p>', ""
        index = engine.index
        return verdict_html(result, index, settings), citations_text(result, index)

    def check_draft_ui(pasted: str, upload: str | None) -> tuple[str, str, Any]:
        table, links = draft_result_html(check_pasted_or_uploaded(engine, pasted, upload), engine)
        return table, links, None  # the upload was read and deleted

    def show_gaps(password: str) -> str:
        if not password_ok(password, settings.admin_password):
            time.sleep(1.0)  # slows down guessing
            return '<p class="status-other">That password is not right.</p>'
        report = gap_report(
            settings.var_dir,
            settings.feedback_path,
            {a.id: a.title for a in engine.index.articles.values()},
        )
        return gap_report_html(report)

    def refresh_status() -> str:
        return status_html(engine.status(), engine)

    # Gradio injects the progress tracker through this default argument.
    def rebuild(
        password: str,
        progress: Any = gr.Progress(track_tqdm=True),  # noqa: B008
    ) -> Iterator[tuple[str, str]]:
        if not password_ok(password, settings.admin_password):
            time.sleep(1.0)  # slows down guessing
            log.info("index rebuild refused: wrong password")
            yield "That password is not right.", refresh_status()
            return
        serving = engine.index.manifest.version
        yield (
            f"Rebuilding: embedding the added and changed articles. Until the new index is "
            f"ready the chat keeps answering from version {serving}.",
            refresh_status(),
        )
        progress(0, desc="Embedding the added and changed articles")
        log.info("index rebuild started")
        try:
            report = engine.rebuild(incremental=True, progress=True)
        except MscqaError as exc:
            log.info("index rebuild failed (%s)", type(exc).__name__)
            yield (
                f"The rebuild failed and the chat keeps answering from version {serving}: "
                f"{literal_markdown(str(exc))}",
                refresh_status(),
            )
            return
        log.info("index rebuild finished in %.1fs", report.seconds)
        yield (
            f"Index version {report.version} is ready: {report.total_passages} passages, "
            f"{report.embedded_passages} embedded in {report.seconds:.1f}s. The chat switches "
            "to it with the next question.",
            refresh_status(),
        )

    def api_chat(message: str, request: gr.Request | None = None) -> str:
        """Answer a question with quotes from the articles (Markdown); a follow-up leans on
        the earlier questions of the same client session."""
        return service.converse(message, _session(request)).markdown

    def forget_conversation(request: gr.Request | None = None) -> tuple[list[Any], list[Any]]:
        service.conversations.clear(_session(request))
        return [], []

    def api_check(statement: str) -> dict[str, Any]:
        """Check a statement against the articles: verdict, evidence, numbers."""
        result = service.check(statement)
        if isinstance(result, str):
            return {"statement": statement, "error": result}
        return result.to_dict()

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {TITLE}")
        gr.Markdown(NOTICE, elem_classes=["notice"], elem_id="notice")
        # "wrap": on a phone the tabs that do not fit go to a second row, not into a menu.
        with gr.Tabs(elem_id="tabs", overflow_behavior="wrap") as tabs:
            with gr.Tab("Ask", id="ask", elem_id="tab-ask"):
                chatbot = gr.Chatbot(
                    elem_id="chatbot",
                    height=640,
                    latex_delimiters=[],
                    buttons=["copy"],
                    feedback_options=("Like", "Dislike"),
                    placeholder="Ask about the clinic's stem cell research articles.",
                    examples=[{"text": q} for q in EXAMPLE_QUESTIONS],
                    show_label=False,
                )
                question = gr.Textbox(
                    elem_id="question",
                    label="Your question",  # read out by screen readers; hidden on screen
                    placeholder="Type your question and press Enter",
                    show_label=False,
                    submit_btn="Ask",
                    max_lines=4,
                    autofocus=True,
                )
                with gr.Row():
                    source_buttons = [
                        gr.Button(visible=False, size="sm", elem_id=f"show-source-{slot}")
                        for slot in range(slots)
                    ]
                turns = gr.State([])  # per chat message: what a like/dislike refers to
                sources = gr.State([])  # the quotes of the latest answer
                pending = gr.State(None)  # the question being answered
            with gr.Tab("Check a statement", id="check", elem_id="tab-check"):
                gr.Markdown(
                    "Paste a statement to see which article backs it, the sentence that does, "
                    "and whether its numbers match."
                )
                statement = gr.Textbox(label="Statement", elem_id="statement", lines=3, max_lines=8)
                check_button = gr.Button("Check", variant="primary", elem_id="check-button")
                gr.Examples(list(EXAMPLE_STATEMENTS), inputs=statement, label="Try")
                check_result = gr.HTML(elem_id="check-result")
                citation_box = gr.Textbox(
                    label="Citation (copy)",
                    elem_id="citation",
                    lines=3,
                    interactive=False,
                    buttons=["copy"],
                )
                gr.Markdown(
                    "### Check a whole draft\nPaste a newsletter, leaflet or email, or upload it. "
                    "Every statement in it is checked; headings, greetings and questions are "
                    "left out."
                )
                draft_text = gr.Textbox(label="Draft", elem_id="draft", lines=6, max_lines=20)
                draft_file = gr.File(
                    label="Or upload a draft (.txt, .md, .html, .docx)",
                    elem_id="draft-file",
                    file_types=UPLOAD_TYPES,
                    type="filepath",
                )
                draft_button = gr.Button("Check the draft", elem_id="draft-button")
                draft_downloads = gr.HTML(elem_id="draft-downloads")
                draft_result = gr.HTML(elem_id="draft-result")
            with gr.Tab("Articles", id="articles", elem_id="tab-articles") as articles_tab:
                articles_table = gr.HTML(
                    articles_table_html(article_summaries(engine.index)), elem_id="articles"
                )
                picker = gr.Dropdown(
                    choices=article_choices(),
                    value=None,
                    label="Open an article",
                    elem_id="article-picker",
                )
                article_view = gr.HTML(elem_id="article-view")
            with gr.Tab("Index", id="index", elem_id="tab-index") as index_tab:
                index_status = gr.HTML(elem_id="index-status")
                refresh = gr.Button("Refresh", size="sm", elem_id="index-refresh")
                if settings.admin_password:
                    password = gr.Textbox(
                        label="Admin password", type="password", elem_id="admin-password"
                    )
                    rebuild_button = gr.Button("Rebuild the index", elem_id="rebuild-button")
                    rebuild_result = gr.Markdown(elem_id="rebuild-result")
                    gaps_button = gr.Button(
                        "Show what patients ask that the articles miss", elem_id="gaps-button"
                    )
                    gaps_result = gr.HTML(elem_id="gap-report")
                    gaps_button.click(
                        show_gaps, inputs=password, outputs=gaps_result, api_visibility="private"
                    )
                    rebuild_button.click(
                        rebuild,
                        inputs=password,
                        outputs=[rebuild_result, index_status],
                        api_visibility="private",
                    )
                else:
                    gr.Markdown(
                        "Rebuilding from this page is switched off. Start the server with "
                        "`MSCQA_ADMIN_PASSWORD` set to switch it on, or run `mscqa index update`."
                    )

        shown = [question, chatbot, turns, pending]
        answered = [chatbot, turns, sources, *source_buttons]
        # A typed question and a clicked example both show the question at once, then answer.
        for shown_event in (
            question.submit(
                show_question,
                inputs=[question, chatbot, turns],
                outputs=shown,
                queue=False,
                api_visibility="private",
            ),
            chatbot.example_select(
                show_example,
                inputs=[chatbot, turns],
                outputs=shown,
                queue=False,
                api_visibility="private",
            ),
        ):
            shown_event.then(
                answer_question,
                inputs=[pending, chatbot, turns],
                outputs=answered,
                api_visibility="private",
            )
        chatbot.like(on_like, inputs=turns, api_visibility="private")
        chatbot.clear(forget_conversation, outputs=[turns, sources], api_visibility="private")
        for slot, button in enumerate(source_buttons):
            button.click(
                lambda found, slot=slot: open_source(found, slot),
                inputs=sources,
                outputs=[tabs, picker, article_view],
                api_visibility="private",
            ).then(None, js=SCROLL_TO_MARK)
        picker.input(open_article, inputs=picker, outputs=article_view, api_visibility="private")
        articles_tab.select(
            refresh_articles, outputs=[articles_table, picker], api_visibility="private"
        )
        check_button.click(
            check_ui,
            inputs=statement,
            outputs=[check_result, citation_box],
            api_visibility="private",
        )
        statement.submit(
            check_ui,
            inputs=statement,
            outputs=[check_result, citation_box],
            api_visibility="private",
        )
        draft_button.click(
            check_draft_ui,
            inputs=[draft_text, draft_file],
            outputs=[draft_result, draft_downloads, draft_file],
            api_visibility="private",
        )
        index_tab.select(refresh_status, outputs=index_status, api_visibility="private")
        refresh.click(refresh_status, outputs=index_status, api_visibility="private")
        demo.load(refresh_status, outputs=index_status, api_visibility="private")
        gr.api(api_chat, api_name="chat")
        gr.api(api_check, api_name="check")
    return demo


def exposure_warning(host: str) -> str | None:
    """A warning when `host` makes the page reachable from other machines."""
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host}, reachable from other machines; "
        "use --host 127.0.0.1 to keep it on this one"
    )


def serve(settings: Settings, host: str, port: int) -> None:
    """Load the model and the index, then serve the page; nothing is loaded per question."""
    # Set before gradio is imported: no analytics and no hub telemetry, whatever the caller set.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    # Gradio keeps the last 10,000 requests (time, status, session) for its monitoring page,
    # switched off below, and summarises them all after each request: 1,000 bounds both.
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
    # Counts and timings from mscqa only; other libraries' info logs carry request URLs.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("mscqa").setLevel(logging.INFO)
    started = time.perf_counter()
    engine = Engine(settings)
    _log_loaded(engine.warm_up(), started)  # no reference kept: a reload frees this version
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr)
    demo = build_app(engine)
    demo.queue(default_concurrency_limit=settings.concurrency)
    options = launch_options(settings, host, port)
    options["app_kwargs"]["routes"] = [health_route(engine)]
    options["app_kwargs"]["middleware"] = [replica_gate(demo, settings.shutdown_drain_seconds)]
    demo.launch(**options)


def page_theme() -> Any:
    """Gradio's default look with its orange darkened to meet WCAG 2.1 AA contrast (4.5:1).

    Its orange-500 gave 2.8:1 for the selected tab and the primary button, its subdued grey
    1.9:1 for footer text; orange-700 on white is 5.2:1, zinc-600 7.7:1.
    """
    import gradio as gr

    return gr.themes.Default().set(
        color_accent="*primary_700",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
        body_text_color_subdued="*neutral_600",
    )


def launch_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    """How `serve` launches the page (the tests launch it the same way)."""
    return {
        "server_name": host,
        "server_port": port,
        "share": False,
        "inbrowser": False,
        "theme": page_theme(),
        "css": CSS,
        "js": ACCESSIBLE_NAMES,
        "footer_links": ["api"],
        # Run history would keep questions in the browser and offer uploading them: off.
        "run_history": False,
        # Request counts and timings stay private: /monitoring and its open summary are off.
        "enable_monitoring": False,
        # Sessions are bounded in number and forgotten when idle (web_sessions.py).
        "state_session_capacity": settings.max_sessions,
        "app_kwargs": {"lifespan": session_sweeper(settings.session_idle_seconds)},
    }


def _log_loaded(index: LoadedIndex, started: float) -> None:
    log.info(
        "index version %s (%d articles, %d passages) and model loaded in %.1fs",
        index.manifest.version,
        len(index.articles),
        index.manifest.passage_count,
        _since(started),
    )
