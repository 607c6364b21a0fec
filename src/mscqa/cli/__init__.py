"""`mscqa` commands: parse arguments, call the library, print text or --json."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click

from mscqa.cli.library import corpus, index
from mscqa.cli.output import print_json, settings_of
from mscqa.config import Settings
from mscqa.errors import MscqaError, UsageError


class _Group(click.Group):
    """Turns library errors into one line on stderr and their exit code (traceback: --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MscqaError as exc:
            if ctx.meta.get("mscqa.debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    help="Article folder (MSCQA_CORPUS_DIR; default corpus/).",
)
@click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    help="Index folder (MSCQA_INDEX_DIR; default index/).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="mscqa")
@click.pass_context
def main(ctx: click.Context, corpus_dir: Path | None, index_dir: Path | None, debug: bool) -> None:
    """Answers about MSC research, only as verbatim quotes from the clinic's articles."""
    ctx.meta["mscqa.debug"] = debug
    ctx.obj = Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir)


# `mscqa corpus ...` and `mscqa index ...`
main.add_command(corpus)
main.add_command(index)


# ask and check


def _inputs(text: str | None) -> Iterator[str]:
    """The argument, or one line at a time from stdin."""
    if text is not None:
        yield text
        return
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def _open_engine(ctx: click.Context) -> Any:
    from mscqa.engine import Engine

    engine = Engine(settings_of(ctx))
    engine.index  # noqa: B018 - load now so that index errors come before any output
    status = engine.status(verify=False)
    if status.state == "stale":
        click.echo(f"warning: index is stale, {status.message}", err=True)
    return engine


def _batch(
    ctx: click.Context,
    text: str | None,
    as_json: bool,
    run: Callable[[Any, str], Any],
    show: Callable[[Any], None],
) -> None:
    engine = _open_engine(ctx)
    batch = text is None
    for item in _inputs(text):
        try:
            result = run(engine, item)
        except UsageError as exc:
            if not batch:
                raise
            click.echo(f"error: {exc}", err=True)
            if as_json:
                print_json({"input": item, "error": str(exc)})
            continue
        if as_json:
            print_json(result.to_dict())
        else:
            show(result)


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON line per question.")
@click.pass_context
def ask(ctx: click.Context, question: str | None, as_json: bool) -> None:
    """Quote the articles' best answers to QUESTION (or to each line of stdin)."""
    if question is not None and not question.strip():
        raise UsageError("the question is empty: type a question")
    from mscqa.staff.gaps import GapLog

    settings = settings_of(ctx)
    gaps = GapLog(settings.var_dir, settings.feedback_keep_text, settings.gap_log_weeks)

    def answer_and_count(engine: Any, q: str) -> Any:
        answer = engine.ask(q)
        gaps.record(answer)  # a refusal counts towards `mscqa report gaps`
        return answer

    _batch(ctx, question, as_json, answer_and_count, _show_answer)


def _show_answer(answer: Any, notes: Sequence[str] = ()) -> None:
    click.echo(f"Q: {answer.question}")
    for note in notes:
        click.echo(f"   ({note})")
    if not answer.answered:
        click.echo(f"   {answer.message}")
        if answer.reason:
            click.echo(f"   {answer.reason}")
        click.echo()
        return
    for number, quote in enumerate(answer.quotes, 1):
        click.echo(f"{number}. “{quote.quote}”")
        click.echo(f"   — {quote.title}")
        click.echo(f"     {quote.reference}")
        click.echo(f"     score {quote.score:.2f}, characters {quote.start}-{quote.end}")
    if answer.reason:  # a part of the message that is not covered
        click.echo(f"   {answer.reason}")
    click.echo()


@main.command()
@click.argument("statement", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON line per statement.")
@click.option(
    "--file",
    "draft",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check every statement of a draft (.txt, .md, .html, .docx).",
)
@click.option("--csv", "as_csv", is_flag=True, help="With --file: one CSV row per statement.")
@click.option("--html", "as_html", is_flag=True, help="With --file: a printable HTML report.")
@click.pass_context
def check(
    ctx: click.Context,
    statement: str | None,
    as_json: bool,
    draft: Path | None,
    as_csv: bool,
    as_html: bool,
) -> None:
    """Find which article backs STATEMENT (or each line of stdin, or each statement of a draft
    --file), and check its numbers."""
    if draft is not None:
        _check_draft(ctx, statement, draft, as_json, as_csv, as_html)
        return
    if as_csv or as_html:
        raise UsageError("--csv and --html report on a draft: add --file DRAFT")
    if statement is not None and not statement.strip():
        raise UsageError("the statement is empty: type a statement")
    _batch(ctx, statement, as_json, lambda engine, s: engine.check(s), _show_verdict)


def _check_draft(
    ctx: click.Context,
    statement: str | None,
    draft: Path,
    as_json: bool,
    as_csv: bool,
    as_html: bool,
) -> None:
    from datetime import UTC, datetime

    from mscqa.staff import reports
    from mscqa.staff.drafts import check_draft, draft_statements

    if statement is not None:
        raise UsageError("give either a STATEMENT or --file DRAFT, not both")
    if as_json + as_csv + as_html > 1:
        raise UsageError("choose one of --json, --csv and --html")
    statements = draft_statements(draft, settings_of(ctx).max_draft_chars)
    engine = _open_engine(ctx)
    result = check_draft(
        statements,
        engine.check,
        source=draft.name,
        index_version=engine.index.manifest.version,
        checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    if as_json:
        print_json(result.to_dict())
    elif as_csv:
        click.echo(reports.draft_csv(result), nl=False)
    elif as_html:
        click.echo(reports.draft_html(result, engine.index), nl=False)
    else:
        click.echo(reports.draft_table(result))


def _show_verdict(verdict: Any) -> None:
    click.echo(f"Statement: {verdict.statement}")
    click.echo(f"Verdict:   {verdict.verdict}")
    if verdict.reason:
        click.echo(f"Why:       {verdict.reason}")
    for number, e in enumerate(verdict.evidence, 1):
        click.echo(f"{number}. “{e.quote}”")
        click.echo(f"   — {e.title}; {e.reference} (score {e.score:.2f})")
    if verdict.matched or verdict.unmatched:
        click.echo(f"Numbers found in the evidence: {', '.join(verdict.matched) or 'none'}")
        click.echo(f"Numbers NOT found in the evidence: {', '.join(verdict.unmatched) or 'none'}")
    click.echo()


# report


@main.group()
def report() -> None:
    """Reports for the clinic's staff."""


@report.command("gaps")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Count from this day (YYYY-MM-DD; refusals from the start of its week).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON line.")
@click.pass_context
def report_gaps(ctx: click.Context, since: Any, as_json: bool) -> None:
    """What patients ask that the articles miss: refused questions and disliked answers."""
    from mscqa.corpus.checks import load_corpus
    from mscqa.staff.gaps import gap_report, gap_text

    settings = settings_of(ctx)
    try:
        titles = {a.id: a.title for a in load_corpus(settings.corpus_dir)}
    except MscqaError:
        titles = {}  # the report still counts; articles are named by id
    result = gap_report(
        settings.var_dir,
        settings.feedback_path,
        titles,
        since=since.date() if since else None,
    )
    if as_json:
        print_json(result.to_dict())
    else:
        click.echo(gap_text(result))


@main.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Lines {"conversation": ID, "question": TEXT} in, one JSON line out per turn.',
)
@click.pass_context
def chat(ctx: click.Context, as_json: bool) -> None:
    """Answer a conversation from stdin, one message a line, each turn leaning on the ones
    before it; with --json, several conversations interleaved, each with its own history."""
    from mscqa.staff.gaps import GapLog

    settings = settings_of(ctx)
    gaps = GapLog(settings.var_dir, settings.feedback_keep_text, settings.gap_log_weeks)
    engine = _open_engine(ctx)
    histories: dict[str, list[Any]] = {}
    for line in _inputs(None):
        conversation, message = "", line
        try:
            if as_json:
                conversation, message = _chat_line(line)
            history = histories.setdefault(conversation, [])
            turn = engine.reply(message, history)
        except UsageError as exc:
            click.echo(f"error: {exc}", err=True)
            if as_json:
                print_json({"conversation": conversation, "input": message, "error": str(exc)})
            continue
        history.append(turn)
        for part in turn.parts or (turn.answer,):
            gaps.record(part)  # a refused part counts towards `mscqa report gaps`
        if as_json:
            print_json({"conversation": conversation} | turn.to_dict())
            continue
        notes = [f"Showing results for: {turn.corrected}"] if turn.corrected else []
        notes += [f"Answering: {turn.understood_as}"] if turn.understood_as else []
        _show_answer(turn.answer, notes)


def _chat_line(line: str) -> tuple[str, str]:
    try:
        row = json.loads(line)
        return str(row["conversation"]), str(row["question"])
    except (json.JSONDecodeError, KeyError, TypeError):
        raise UsageError(
            f'not a chat line: {line[:60]!r}; each line is {{"conversation": ID, "question": TEXT}}'
        ) from None


# eval


@main.command("eval")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Metrics and failures as one JSON line.")
@click.pass_context
def eval_command(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Measure answer quality on a JSONL file of questions, claims and out-of-scope items,
    or of conversations (lines with `turns`: the last turn scored, reported per kind)."""
    from mscqa.evaluate import evaluate, format_report, is_conversation_file, read_items

    if is_conversation_file(file):
        _eval_conversations(ctx, file, as_json)
        return
    items = read_items(file)
    engine = _open_engine(ctx)
    started = time.perf_counter()
    report = evaluate(engine, items)
    if as_json:
        print_json(report.to_dict())
        return
    click.echo(format_report(report))
    click.echo(f"\n{len(items)} items in {time.perf_counter() - started:.1f}s")


def _eval_conversations(ctx: click.Context, file: Path, as_json: bool) -> None:
    from mscqa.evaluate import (
        evaluate_conversations,
        format_conversation_report,
        read_conversations,
    )

    items = read_conversations(file)
    engine = _open_engine(ctx)
    started = time.perf_counter()
    report = evaluate_conversations(engine, items)
    if as_json:
        print_json(report.to_dict())
        return
    click.echo(format_conversation_report(report))
    click.echo(f"\n{len(items)} conversations in {time.perf_counter() - started:.1f}s")


# serve


@main.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
@click.option(
    "--allow-remote",
    is_flag=True,
    default=None,
    help="Allow an address other than loopback (MSCQA_ALLOW_REMOTE).",
)
@click.pass_context
def serve(
    ctx: click.Context, host: str | None, port: int | None, allow_remote: bool | None
) -> None:
    """Start the web chat."""
    from mscqa.config import check_bind_address, check_session_limits
    from mscqa.web.serve import serve as run_server

    settings = settings_of(ctx)
    host = host or settings.host
    check_bind_address(host, allow_remote or settings.allow_remote)  # the app warns if allowed
    check_session_limits(settings)
    run_server(settings, host=host, port=port or settings.port)
