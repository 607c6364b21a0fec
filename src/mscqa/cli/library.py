"""`mscqa corpus ...` and `mscqa index ...`: the article files and the index folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from mscqa.cli.output import print_json, settings_of
from mscqa.errors import UsageError

# corpus


@click.group()
def corpus() -> None:
    """Article files: import, create and check them."""


@corpus.command("import")
@click.argument("page", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Folder to write to (default: the corpus folder).",
)
@click.pass_context
def corpus_import(ctx: click.Context, page: Path, out: Path | None) -> None:
    """Make one article file per article of a page of the site (text export or HTML)."""
    from mscqa.corpus.pages import import_page
    from mscqa.corpus.writing import write_articles

    articles = import_page(page)
    target = out or settings_of(ctx).corpus_dir
    for path in write_articles(articles, target):
        click.echo(str(path))
    click.echo(f"{len(articles)} articles written to {target}/", err=True)


@corpus.command("new")
@click.option("--title", required=True, help="The article's title.")
@click.option("--reference", required=True, help="The journal reference it ends with.")
@click.option("--source", default="", help="Where the text comes from (page, URL).")
@click.option("--id", "article_id", help="File name and id (default: made from the title).")
@click.option(
    "--body-file",
    type=click.File("r", encoding="utf-8"),
    help="The article text (default: read from stdin).",
)
@click.pass_context
def corpus_new(
    ctx: click.Context,
    title: str,
    reference: str,
    source: str,
    article_id: str | None,
    body_file: Any,
) -> None:
    """Create a correctly formed article file from a title, a reference and a body."""
    from mscqa.corpus.writing import new_article

    if body_file is None and sys.stdin.isatty():
        raise UsageError("no article text: pass --body-file FILE or pipe the text on stdin")
    body = (body_file or sys.stdin).read()
    path = new_article(
        settings_of(ctx).corpus_dir,
        title=title,
        reference=reference,
        body=body,
        source=source,
        article_id=article_id,
    )
    click.echo(str(path))
    click.echo("run `mscqa index update` to make it searchable", err=True)


@corpus.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as one JSON line.")
@click.pass_context
def corpus_check(ctx: click.Context, as_json: bool) -> None:
    """Check every article file; list every problem with file and line; exit 1 if any."""
    from mscqa.corpus.checks import check_corpus

    corpus_dir = settings_of(ctx).corpus_dir
    articles, problems = check_corpus(corpus_dir)
    if as_json:
        print_json(
            {
                "articles": len(articles),
                "problems": [
                    {"file": str(p.path), "line": p.line, "message": p.message, "fatal": p.fatal}
                    for p in problems
                ],
            }
        )
    else:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{len(articles)} articles in {corpus_dir}/, {len(problems)} problems", err=True)
    ctx.exit(1 if problems else 0)


# index


@click.group()
def index() -> None:
    """Build and inspect the passage index."""


# The options `index build` and `index update` share.
_AS_JSON = click.option(
    "--json", "as_json", is_flag=True, help="Print the result as one JSON line."
)
_WAIT = click.option(
    "--wait",
    type=float,
    default=0.0,
    show_default=True,
    help="Seconds to wait for another build to finish.",
)


def _progress_wanted(as_json: bool) -> bool:
    return not as_json and sys.stderr.isatty()


@index.command("build")
@_AS_JSON
@_WAIT
@click.pass_context
def index_build(ctx: click.Context, as_json: bool, wait: float) -> None:
    """Embed every passage of the corpus and switch to the new index atomically."""
    _run_build(ctx, as_json, wait, incremental=False)


@index.command("update")
@_AS_JSON
@_WAIT
@click.pass_context
def index_update(ctx: click.Context, as_json: bool, wait: float) -> None:
    """Re-embed only added or changed articles; same result as a full build."""
    _run_build(ctx, as_json, wait, incremental=True)


def _run_build(ctx: click.Context, as_json: bool, wait: float, incremental: bool) -> None:
    from mscqa.engine import Engine

    settings = settings_of(ctx)
    report = Engine(settings).rebuild(
        incremental=incremental,
        progress=_progress_wanted(as_json),
        lock_timeout=wait,
        on_wait=lambda: click.echo(
            f"another build of {settings.index_dir}/ is running: waiting up to {wait:g}s ...",
            err=True,
        ),
    )
    if as_json:
        payload: dict[str, Any] = {
            "added": list(report.added),
            "changed": list(report.changed),
            "removed": list(report.removed),
            "embedded_passages": report.embedded_passages,
            "total_passages": report.total_passages,
        }
        if not incremental:
            payload |= {"version": report.version, "seconds": round(report.seconds, 3)}
        print_json(payload)
        return
    if report.cleaned_up:
        click.echo(f"removed what an interrupted build left: {', '.join(report.cleaned_up)}")
    if report.full_reason:
        click.echo(report.full_reason)
    for label, ids in (
        ("added", report.added),
        ("changed", report.changed),
        ("removed", report.removed),
    ):
        for article_id in ids:
            click.echo(f"{label:>8}  {article_id}")
    click.echo(
        f"index {report.version}: {report.total_passages} passages "
        f"from {report.total_articles} articles, "
        f"{report.embedded_passages} embedded, in {report.seconds:.1f}s "
        f"(added {len(report.added)}, changed {len(report.changed)}, "
        f"removed {len(report.removed)}; "
        f"{report.embedded_sentences} of {report.total_sentences} sentences embedded"
        + (f", {report.embedded_answers} by the answer ranker" if report.embedded_answers else "")
        + ")"
    )


@index.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON line.")
@click.pass_context
def index_status(ctx: click.Context, as_json: bool) -> None:
    """Fresh, stale, model_mismatch, corrupt or missing; exit 0 only when fresh."""
    from mscqa.engine import Engine

    status = Engine(settings_of(ctx)).status()
    manifest = status.manifest
    if as_json:
        print_json(
            {
                "state": status.state,
                "message": status.message,
                "added": list(status.added),
                "changed": list(status.changed),
                "removed": list(status.removed),
                "version": manifest.version if manifest else None,
                "model_id": manifest.model_id if manifest else None,
                "built_at": manifest.built_at if manifest else None,
                "articles": len(manifest.articles) if manifest else 0,
                "passages": manifest.passage_count if manifest else 0,
                "answer_model": manifest.answer_model if manifest else None,
            }
        )
    else:
        click.echo(f"{status.state}: {status.message}")
        if manifest:
            click.echo(
                f"version {manifest.version}, built {manifest.built_at}, model {manifest.model_id} "
                f"({manifest.dim}-d), {len(manifest.articles)} articles, "
                f"{manifest.passage_count} passages"
            )
    ctx.exit(0 if status.state == "fresh" else 1)


@index.command("rollback")
@click.option(
    "--wait",
    type=float,
    default=0.0,
    show_default=True,
    help="Seconds to wait for a running build to finish.",
)
@click.pass_context
def index_rollback(ctx: click.Context, wait: float) -> None:
    """Switch back to the previous index version."""
    from mscqa.index.build import rollback

    version = rollback(settings_of(ctx).index_dir, lock_timeout=wait)
    click.echo(f"now serving version {version}")
