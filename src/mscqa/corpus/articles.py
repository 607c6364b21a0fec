"""Article records: read, check and write corpus/*.md; import them from the clinic's page
(text export or HTML)."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from mscqa.errors import CorpusError, UsageError

REQUIRED_FIELDS = ("id", "title", "reference")
# The articles are research summaries of about 4 KB. A file fifty times that size is a
# mistake (a pasted book, a log, a binary); a 1 MB one would hold a build for minutes.
MAX_ARTICLE_BYTES = 200_000
_REFERENCE_PREFIX = "Reference:"
_SLUG_MAX = 60

# Lines of the clinic site's template that surround the articles in a page export. Matched as
# whole lines (after trimming); what follows the last article's reference is dropped entirely.
BOILERPLATE_LINES = frozenset(
    {
        "WordPress Image Lightbox",
        "Subscribe To Our Newsletter",
        "Join our mailing list to receive the latest news and updates from our team.",
        "You have Successfully Subscribed!",
        "Request Information Packet",
        "We'll send your FREE information packet that outlines our entire personalized, "
        "stress-free stem cell treatment process!",
        "Thanks for your interest!",
    }
)


@dataclass(frozen=True)
class Article:
    """One article: `text` is the body exactly as published; quotes are slices of it."""

    id: str
    title: str
    reference: str
    text: str
    source: str = ""

    @property
    def content_hash(self) -> str:
        """Changes whenever anything a reader sees changes (title, reference or body)."""
        payload = json.dumps([self.id, self.title, self.reference, self.text], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def slugify(title: str) -> str:
    """A readable, stable id from a title: lower-case ASCII words joined by hyphens."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > _SLUG_MAX:
            break
        slug = candidate
    return slug or "article"


def corpus_hash(articles: Iterable[Article]) -> str:
    """One hash for a whole corpus, independent of file order."""
    digest = hashlib.sha256()
    for article in sorted(articles, key=lambda a: a.id):
        digest.update(f"{article.id}\t{article.content_hash}\n".encode())
    return digest.hexdigest()


# Reading, checking and writing article files.

FIELDS = ("id", "title", "reference", "source")
_FRONT_MATTER_FENCE = "---"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


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
    problems: list[Problem] = []

    def problem(line: int, message: str, fatal: bool = True) -> None:
        problems.append(Problem(path, line, message, fatal))

    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            problem(
                1,
                f"{size:,} bytes is over the limit of {MAX_ARTICLE_BYTES:,} bytes for one "
                "article: split it into shorter articles",
            )
            return None, problems
        raw = path.read_bytes()
    except OSError as exc:
        problem(1, f"cannot be read ({exc.strerror}): check the file's permissions")
        return None, problems
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem(line, f"not valid UTF-8 (byte {exc.start}): save the file as UTF-8")
        return None, problems
    lines = content.split("\n")
    if lines[0].strip() != _FRONT_MATTER_FENCE:
        problem(
            1,
            "no front matter: start the file with a '---' block holding id, title and reference",
        )
        return None, problems
    closing = next(
        (i for i in range(1, len(lines)) if lines[i].strip() == _FRONT_MATTER_FENCE), None
    )
    if closing is None:
        problem(1, "the front matter block is not closed: add a '---' line after it")
        return None, problems
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
        problem(line, f"front matter is not valid YAML ({reason}): fix the line")
        return None, problems
    meta = post.metadata

    def field_line(name: str) -> int:
        for i in range(1, closing):
            if lines[i].split(":", 1)[0].strip() == name:
                return i + 1
        return 1

    for name in REQUIRED_FIELDS:
        value = meta.get(name)
        if not isinstance(value, str) or not value.strip():
            kind = "missing or empty" if value is None or isinstance(value, str) else "not text"
            problem(
                field_line(name),
                f"front matter field '{name}' is {kind}: put `{name}: ...` (text) in the "
                "block between the '---' lines",
            )
    source = meta.get("source", "")
    if source is None:
        source = ""
    if not isinstance(source, str):
        problem(
            field_line("source"),
            "front matter field 'source' is not text: write `source: page name or URL`",
        )
    for name in meta:
        if name not in FIELDS:
            problem(
                field_line(str(name)),
                f"unknown front matter field '{name}'; fields are: {', '.join(FIELDS)}",
                fatal=False,
            )
    article_id = meta.get("id")
    if isinstance(article_id, str) and article_id.strip() and not _SLUG.fullmatch(article_id):
        problem(
            field_line("id"),
            f"id '{article_id}' is not a slug (lower-case letters, digits, single hyphens): "
            f"use '{slugify(article_id)}'",
            fatal=False,
        )
    body = post.content
    body_line = closing + 2
    found = content.find(body, sum(len(x) + 1 for x in lines[: closing + 1])) if body else -1
    if found >= 0:
        body_line = content.count("\n", 0, found) + 1
    if not body.strip():
        problem(closing + 2, "the article body is empty: add the text below the front matter")
    else:
        problems.extend(_body_problems(path, body, body_line, meta.get("title")))
    if any(p.fatal for p in problems):
        return None, problems
    article = Article(
        id=str(meta["id"]).strip(),
        title=str(meta["title"]).strip(),
        reference=str(meta["reference"]).strip(),
        text=body,
        source=str(source).strip(),
    )
    return article, problems


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
        if line.startswith(_REFERENCE_PREFIX):
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
    if not _SLUG.fullmatch(article_id):
        raise UsageError(
            f"id '{article_id}' is not a slug (lower-case letters, digits, single hyphens): "
            f"use --id {slugify(article_id)}"
        )
    for n, line in enumerate(body.split("\n"), 1):
        if is_boilerplate(line) or line.startswith(_REFERENCE_PREFIX):
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


# Importing the clinic's page export.


def parse_page_export(text: str, source: str = "") -> list[Article]:
    """Split a text export of the clinic's article page into articles.

    Each article starts with its title printed twice (heading, then post title) and ends with a
    "Reference:" line; the site template around and between them is dropped.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    articles: list[Article] = []
    i = 0
    while i < len(lines):
        title = lines[i].strip()
        if not _is_title_at(lines, i):
            i += 1
            continue
        body_lines: list[str] = []
        j = i + 3
        while j < len(lines) and not lines[j].startswith(_REFERENCE_PREFIX):
            if _is_title_at(lines, j):
                break
            body_lines.append(lines[j])
            j += 1
        if j >= len(lines) or not lines[j].startswith(_REFERENCE_PREFIX):
            raise CorpusError(
                f"{source or 'page'}:{i + 1}: article '{title}' has no 'Reference:' line "
                "before the next article: every article must end with its reference"
            )
        body = "\n".join(line for line in body_lines if not is_boilerplate(line))
        body = re.sub(r"\n{3,}", "\n\n", body).strip()
        reference = lines[j][len(_REFERENCE_PREFIX) :].strip()
        articles.append(
            Article(id=slugify(title), title=title, reference=reference, text=body, source=source)
        )
        i = j + 1
    if not articles:
        raise CorpusError(
            f"{source or 'page'}: no articles found: expected each title printed twice and "
            "each article ending in a 'Reference:' line"
        )
    return articles


def is_boilerplate(line: str) -> bool:
    """True for a line of the site template (spacing, including no-break spaces, ignored)."""
    return " ".join(line.split()) in BOILERPLATE_LINES


def _is_title_at(lines: list[str], i: int) -> bool:
    """A title line is repeated after one blank line, and is not template text."""
    line = lines[i].strip()
    return (
        bool(line)
        and i + 2 < len(lines)
        and not lines[i + 1].strip()
        and lines[i + 2].strip() == line
        and not is_boilerplate(line)
        and not line.startswith(_REFERENCE_PREFIX)
    )


# Importing the clinic's HTML page.

# Site chrome that never holds article text: navigation, forms (newsletter, information
# packet), scripts and the like. Dropped before any text is read.
_CHROME_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "textarea",
)
_BLOCK_TAGS = (
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "li",
    "blockquote",
    "pre",
    "dt",
    "dd",
    "figcaption",
    "td",
    "th",
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML collapses these; a no-break space stays
_LINE_BREAK = "\u2028"  # stands for <br> while the source's own whitespace is collapsed


@dataclass(frozen=True)
class _Block:
    text: str
    heading: bool
    line: int


def parse_page_html(html: str, source: str = "") -> list[Article]:
    """The articles of an HTML page of the clinic's site.

    Each `<article>` element is one article: its first heading is the title (a repeat of it is
    dropped), its paragraphs up to the "Reference:" paragraph are the body, one blank line
    between paragraphs as in the text export. A page without `<article>` elements is read as
    its visible text, with the rules of the text export.
    """
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with warnings.catch_warnings():
        # A short page can look like a file name to bs4; it is always markup here.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_CHROME_TAGS):
        tag.decompose()
    for tag in soup.find_all(True, attrs={"hidden": True}):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with(_LINE_BREAK)
    containers = soup.find_all("article")
    if not containers:
        text = "\n\n".join(block.text for block in _blocks(soup.body or soup))
        return parse_page_export(text, source)
    articles = []
    for container in containers:
        article = _html_article(_blocks(container), source)
        if article is not None:
            articles.append(article)
    if not articles:
        raise CorpusError(
            f"{source or 'page'}: no articles found: expected <article> elements with a "
            "heading and a 'Reference:' paragraph"
        )
    return articles


def _blocks(root: Any) -> list[_Block]:
    """The visible text blocks under `root`, outermost block elements only, in page order."""
    blocks = []
    for tag in root.find_all(_BLOCK_TAGS):
        if tag.find_parent(_BLOCK_TAGS) is not None:
            continue
        text = _HTML_SPACE.sub(" ", tag.get_text())
        text = "\n".join(line.strip(" ") for line in text.split(_LINE_BREAK)).strip("\n")
        if text and not is_boilerplate(text):
            blocks.append(_Block(text, tag.name in _HEADINGS, tag.sourceline or 0))
    return blocks


def _html_article(blocks: list[_Block], source: str) -> Article | None:
    headings = [b for b in blocks if b.heading]
    if not headings:
        return None
    title = headings[0]
    rest = blocks[blocks.index(title) + 1 :]
    if rest and rest[0].text == title.text:
        rest = rest[1:]
    for end, block in enumerate(rest):
        if block.text.startswith(_REFERENCE_PREFIX):
            body = "\n\n".join(b.text for b in rest[:end])
            reference = block.text[len(_REFERENCE_PREFIX) :].strip()
            if not body:
                raise CorpusError(
                    f"{source or 'page'}:{title.line}: article '{title.text}' has no text "
                    "before its reference"
                )
            return Article(
                id=slugify(title.text),
                title=title.text,
                reference=reference,
                text=body,
                source=source,
            )
    raise CorpusError(
        f"{source or 'page'}:{title.line}: article '{title.text}' has no 'Reference:' "
        "paragraph: every article must end with its reference"
    )


def import_page(path: Path) -> list[Article]:
    """Read a page of the clinic's site, as a text export or as HTML, and return its articles."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid UTF-8 ({exc.reason}): save it as UTF-8") from None
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the page: {exc.strerror}") from None
    if path.suffix.lower() in (".html", ".htm") or _looks_like_html(text):
        return parse_page_html(text, source=path.name)
    return parse_page_export(text, source=path.name)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype html", "<html"))
