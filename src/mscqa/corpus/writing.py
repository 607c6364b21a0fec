"""New articles and imported ones, written as corpus/*.md files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import frontmatter

from mscqa.corpus.articles import REFERENCE_PREFIX, SLUG, Article, slugify
from mscqa.corpus.checks import check_corpus
from mscqa.corpus.pages import is_boilerplate
from mscqa.errors import UsageError


def new_article(
    corpus_dir: Path,
    *,
    title: str,
    reference: str,
    body: str,
    source: str = "",
    article_id: str | None = None,
) -> Path:
    """Write a new, correctly formed article file; refuses anything `corpus check` would."""
    title, reference, source = (" ".join(x.split()) for x in (title, reference, source))
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title:
        raise UsageError("the title is empty: pass --title 'The article title'")
    if not reference:
        raise UsageError("the reference is empty: pass --reference 'Author (year). Journal.'")
    if not body:
        raise UsageError(
            "the article body is empty: pass --body-file FILE or pipe the text on stdin"
        )
    article_id = article_id.strip() if article_id else slugify(title)
    if not SLUG.fullmatch(article_id):
        raise UsageError(
            f"id '{article_id}' is not a slug (lower-case letters, digits, single hyphens): "
            f"use --id {slugify(article_id)}"
        )
    for n, line in enumerate(body.split("\n"), 1):
        if is_boilerplate(line) or line.startswith(REFERENCE_PREFIX):
            raise UsageError(
                f"body line {n} is not article text ('{line.strip()[:60]}'): delete it "
                "(the reference goes in --reference)"
            )
    path = corpus_dir / f"{article_id}.md"
    if path.exists():
        raise UsageError(f"{path} already exists: choose another --id, or edit that file")
    if corpus_dir.is_dir():
        existing, _ = check_corpus(corpus_dir)
        for other in existing:
            if other.id == article_id:
                raise UsageError(f"id '{article_id}' is already used: choose another --id")
            if " ".join(other.title.lower().split()) == title.lower():
                raise UsageError(
                    f"title '{title}' is already used by article '{other.id}': choose another"
                )
    article = Article(id=article_id, title=title, reference=reference, text=body, source=source)
    (written,) = write_articles([article], corpus_dir)
    return written


def format_article(article: Article) -> str:
    """The file text for an article: YAML front matter, a blank line, the body."""
    post = frontmatter.Post(
        article.text,
        id=article.id,
        title=article.title,
        reference=article.reference,
        source=article.source,
    )
    return frontmatter.dumps(post, sort_keys=False, allow_unicode=True, width=1000) + "\n"


def write_articles(articles: Iterable[Article], out_dir: Path) -> list[Path]:
    """Write one file per article (`<id>.md`), each atomically."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        path = out_dir / f"{article.id}.md"
        tmp = path.with_suffix(".md.tmp")
        tmp.write_text(format_article(article), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
