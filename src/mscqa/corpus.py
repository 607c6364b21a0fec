"""Article records: read and write corpus/*.md, and import them from the clinic page export."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import yaml

from mscqa.errors import CorpusError

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


# Reading and writing article files.


def article_paths(corpus_dir: Path) -> list[Path]:
    """The article files of a corpus folder, in a stable order."""
    if not corpus_dir.is_dir():
        raise CorpusError(
            f"corpus folder {corpus_dir} does not exist: create it, or pass --corpus DIR "
            "(or set MSCQA_CORPUS_DIR)"
        )
    return sorted(p for p in corpus_dir.glob("*.md") if p.name.lower() != "readme.md")


def read_article(path: Path) -> Article:
    """Parse one article file, raising CorpusError that names the file, line and field."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise CorpusError(
                f"{path}: {size:,} bytes is over the limit of {MAX_ARTICLE_BYTES:,} bytes for "
                "one article: split it into shorter articles"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the article ({exc.strerror}): fix it") from None
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"{path}:{line}: not valid UTF-8 (byte {exc.start}): save the file as UTF-8"
        ) from None
    if not content.startswith("---"):
        raise CorpusError(
            f"{path}:1: no front matter: start the file with a '---' block holding "
            "id, title and reference"
        )
    try:
        post = frontmatter.loads(content)
    except yaml.YAMLError as exc:
        # An unclosed quote or bracket is reported at the end of the block; its start (the
        # context mark) is the line to fix. Marks count from the '---' line, 0-based.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "syntax error"
        raise CorpusError(
            f"{path}:{line}: front matter is not valid YAML ({problem}): fix the block between "
            "the '---' lines"
        ) from None
    meta = post.metadata
    for name in REQUIRED_FIELDS:
        value = meta.get(name)
        if not isinstance(value, str) or not value.strip():
            raise CorpusError(
                f"{path}:1: front matter field '{name}' is missing or empty: "
                f"add `{name}: ...` to the block between the '---' lines"
            )
    source = meta.get("source", "")
    if not isinstance(source, str):
        raise CorpusError(f"{path}:1: front matter field 'source' must be text")
    body = post.content
    if not body.strip():
        raise CorpusError(f"{path}: the article body is empty: add the text below the front matter")
    _refuse_boilerplate(path, content, body)
    return Article(
        id=str(meta["id"]).strip(),
        title=str(meta["title"]).strip(),
        reference=str(meta["reference"]).strip(),
        text=body,
        source=source.strip(),
    )


def _refuse_boilerplate(path: Path, content: str, body: str) -> None:
    """Site template text left in an article would be quoted to patients as research."""
    found = content.rfind(body)
    first_line = content[:found].count("\n") + 1 if found >= 0 else 1
    for number, line in enumerate(body.split("\n"), first_line):
        if is_boilerplate(line):
            raise CorpusError(
                f"{path}:{number}: '{line.strip()}' is text of the clinic site's template, "
                "not of the article: delete the line"
            )


def load_corpus(corpus_dir: Path) -> list[Article]:
    """Every article of a corpus folder, checked for unique ids."""
    articles: list[Article] = []
    seen: dict[str, Path] = {}
    for path in article_paths(corpus_dir):
        article = read_article(path)
        if article.id in seen:
            raise CorpusError(
                f"{path}:1: id '{article.id}' is also used by {seen[article.id]}: "
                "give each article its own id"
            )
        seen[article.id] = path
        articles.append(article)
    if not articles:
        raise CorpusError(
            f"corpus folder {corpus_dir} holds no article files (*.md): "
            "run `mscqa corpus import PAGE.txt` or add articles"
        )
    return articles


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


def import_page(path: Path) -> list[Article]:
    """Read a page export file (UTF-8 text) and return its articles."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid UTF-8 ({exc.reason}): save it as UTF-8") from None
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the page export: {exc.strerror}") from None
    return parse_page_export(text, source=path.name)
