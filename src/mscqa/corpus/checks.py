"""Reading and checking article files: every problem found, with its file and line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

from mscqa.corpus.articles import (
    FIELDS,
    MAX_ARTICLE_BYTES,
    REFERENCE_PREFIX,
    REQUIRED_FIELDS,
    SLUG,
    Article,
    slugify,
)
from mscqa.corpus.pages import is_boilerplate
from mscqa.errors import CorpusError

_FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True)
class Problem:
    """Something wrong in an article file. A `fatal` problem stops the file from being indexed;
    the others are reported by `mscqa corpus check` so that an editor can clean them up."""

    path: Path
    line: int
    message: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def article_paths(corpus_dir: Path) -> list[Path]:
    """The article files of a corpus folder, in a stable order."""
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"corpus folder {corpus_dir} does not exist: create it, or pass --corpus DIR "
            "(or set MSCQA_CORPUS_DIR)"
        )
    return sorted(p for p in corpus_dir.glob("*.md") if p.name.lower() != "readme.md")


def inspect_article(path: Path) -> tuple[Article | None, list[Problem]]:
    """Parse one article file and list everything wrong with it, each with its line number.
    The article is None when a fatal problem makes it unusable."""
    content, problems = _read_text(path)
    if content is None:
        return None, problems
    parsed, problems = _front_matter(path, content)
    if parsed is None:
        return None, problems
    post, lines, closing = parsed
    meta = post.metadata
    problems = _field_problems(path, meta, lines, closing)
    body = post.content
    body_line = closing + 2
    found = content.find(body, sum(len(x) + 1 for x in lines[: closing + 1])) if body else -1
    if found >= 0:
        body_line = content.count("\n", 0, found) + 1
    if not body.strip():
        problems.append(
            Problem(
                path, closing + 2, "the article body is empty: add the text below the front matter"
            )
        )
    else:
        problems.extend(_body_problems(path, body, body_line, meta.get("title")))
    if any(p.fatal for p in problems):
        return None, problems
    source = meta.get("source", "")
    article = Article(
        id=str(meta["id"]).strip(),
        title=str(meta["title"]).strip(),
        reference=str(meta["reference"]).strip(),
        text=body,
        source=str("" if source is None else source).strip(),
    )
    return article, problems


def _read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The file's text, or None with the problem: too large, unreadable, not UTF-8."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            message = (
                f"{size:,} bytes is over the limit of {MAX_ARTICLE_BYTES:,} bytes for one "
                "article: split it into shorter articles"
            )
            return None, [Problem(path, 1, message)]
        raw = path.read_bytes()
    except OSError as exc:
        message = f"cannot be read ({exc.strerror}): check the file's permissions"
        return None, [Problem(path, 1, message)]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = f"not valid UTF-8 (byte {exc.start}): save the file as UTF-8"
        return None, [Problem(path, line, message)]


def _front_matter(
    path: Path, content: str
) -> tuple[tuple[frontmatter.Post, list[str], int] | None, list[Problem]]:
    """(the parsed file, its lines, the line index of the closing '---'), or None with the
    problem: no front matter, an unclosed block, YAML that does not parse."""
    lines = content.split("\n")
    if lines[0].strip() != _FRONT_MATTER_FENCE:
        message = (
            "no front matter: start the file with a '---' block holding id, title and reference"
        )
        return None, [Problem(path, 1, message)]
    closing = next(
        (i for i in range(1, len(lines)) if lines[i].strip() == _FRONT_MATTER_FENCE), None
    )
    if closing is None:
        message = "the front matter block is not closed: add a '---' line after it"
        return None, [Problem(path, 1, message)]
    try:
        post = frontmatter.loads(content)
    except yaml.YAMLError as exc:
        # The start of the broken construct (an unclosed bracket or quote) helps an editor
        # more than where the parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        # The YAML text handed over starts at the end of the opening '---' line.
        line = mark.line + 1 if mark is not None else 1
        # One line: a ReaderError (a control character) has no `problem` and spans two lines.
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        return None, [
            Problem(path, line, f"front matter is not valid YAML ({reason}): fix the line")
        ]
    return (post, lines, closing), []


def _field_problems(
    path: Path, meta: Mapping[str, object], lines: list[str], closing: int
) -> list[Problem]:
    """Missing, empty or unknown front matter fields, and an id that is not a slug."""
    problems: list[Problem] = []

    def field_line(name: str) -> int:
        for i in range(1, closing):
            if lines[i].split(":", 1)[0].strip() == name:
                return i + 1
        return 1

    for name in REQUIRED_FIELDS:
        value = meta.get(name)
        if not isinstance(value, str) or not value.strip():
            kind = "missing or empty" if value is None or isinstance(value, str) else "not text"
            message = (
                f"front matter field '{name}' is {kind}: put `{name}: ...` (text) in the "
                "block between the '---' lines"
            )
            problems.append(Problem(path, field_line(name), message))
    source = meta.get("source", "")
    if source is not None and not isinstance(source, str):
        message = "front matter field 'source' is not text: write `source: page name or URL`"
        problems.append(Problem(path, field_line("source"), message))
    for name in meta:
        if name not in FIELDS:
            message = f"unknown front matter field '{name}'; fields are: {', '.join(FIELDS)}"
            problems.append(Problem(path, field_line(str(name)), message, fatal=False))
    article_id = meta.get("id")
    if isinstance(article_id, str) and article_id.strip() and not SLUG.fullmatch(article_id):
        message = (
            f"id '{article_id}' is not a slug (lower-case letters, digits, single hyphens): "
            f"use '{slugify(article_id)}'"
        )
        problems.append(Problem(path, field_line("id"), message, fatal=False))
    return problems


def _body_problems(path: Path, body: str, first_line: int, title: object) -> list[Problem]:
    problems = []
    body_lines = body.split("\n")
    template = [n for n, line in enumerate(body_lines) if is_boilerplate(line)]
    if len(template) == sum(1 for line in body_lines if line.strip()):
        return [
            Problem(
                path,
                first_line,
                "the article body is only site boilerplate: paste the article's own text",
            )
        ]
    for n in template:
        problems.append(
            Problem(
                path,
                first_line + n,
                f"site boilerplate line '{body_lines[n].strip()}': delete it",
                fatal=False,
            )
        )
    for n, line in enumerate(body_lines):
        if line.startswith(REFERENCE_PREFIX):
            problems.append(
                Problem(
                    path,
                    first_line + n,
                    "a 'Reference:' line in the body: move it to the front matter field "
                    "'reference' and delete the line",
                    fatal=False,
                )
            )
    if isinstance(title, str) and body_lines[0].strip() == title.strip():
        problems.append(
            Problem(
                path,
                first_line,
                "the body starts with the title, which is already in the front matter: "
                "delete the line",
                fatal=False,
            )
        )
    return problems


def read_article(path: Path) -> Article:
    """Parse one article file, raising CorpusError that names the file, line and field."""
    article, problems = inspect_article(path)
    if article is None:
        raise CorpusError(str(next(p for p in problems if p.fatal)))
    return article


def check_corpus(corpus_dir: Path) -> tuple[list[Article], list[Problem]]:
    """Every readable article and every problem of a corpus folder (all of them, not only the
    first), including ids or titles used by two files."""
    articles: list[Article] = []
    problems: list[Problem] = []
    by_id: dict[str, Path] = {}
    by_title: dict[str, Path] = {}
    for path in article_paths(corpus_dir):
        article, found = inspect_article(path)
        problems.extend(found)
        if article is None:
            continue
        if article.id in by_id:
            problems.append(
                Problem(
                    path,
                    _line_of(path, "id"),
                    f"id '{article.id}' is also used by {by_id[article.id]}: "
                    "give each article its own id",
                )
            )
            continue
        key = " ".join(article.title.lower().split())
        if key in by_title:
            problems.append(
                Problem(
                    path,
                    _line_of(path, "title"),
                    f"title '{article.title}' is also used by {by_title[key]}: "
                    "give each article its own title",
                    fatal=False,
                )
            )
        by_id[article.id] = path
        by_title.setdefault(key, path)
        articles.append(article)
    if not articles and not problems:
        problems.append(
            Problem(
                corpus_dir,
                0,
                "holds no article files (*.md): run `mscqa corpus import PAGE` or "
                "`mscqa corpus new`",
            )
        )
    return articles, problems


def _line_of(path: Path, name: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if line.split(":", 1)[0].strip() == name:
            return number
    return 1


def load_corpus(corpus_dir: Path) -> list[Article]:
    """Every article of a corpus folder; the first fatal problem raises CorpusError."""
    articles, problems = check_corpus(corpus_dir)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        more = f" (and {len(fatal) - 1} more: run `mscqa corpus check`)" if len(fatal) > 1 else ""
        raise CorpusError(f"{fatal[0]}{more}")
    if not articles:
        raise CorpusError(
            f"corpus folder {corpus_dir} holds no article files (*.md): "
            "run `mscqa corpus import PAGE.txt` or add articles"
        )
    return articles
