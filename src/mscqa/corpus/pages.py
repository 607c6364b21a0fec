"""Articles from the clinic's page: its text export or its HTML."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mscqa.corpus.articles import REFERENCE_PREFIX, Article, slugify
from mscqa.errors import CorpusError

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
        while j < len(lines) and not lines[j].startswith(REFERENCE_PREFIX):
            if _is_title_at(lines, j):
                break
            body_lines.append(lines[j])
            j += 1
        if j >= len(lines) or not lines[j].startswith(REFERENCE_PREFIX):
            raise CorpusError(
                f"{source or 'page'}:{i + 1}: article '{title}' has no 'Reference:' line "
                "before the next article: every article must end with its reference"
            )
        body = "\n".join(line for line in body_lines if not is_boilerplate(line))
        body = re.sub(r"\n{3,}", "\n\n", body).strip()
        reference = lines[j][len(REFERENCE_PREFIX) :].strip()
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
        and not line.startswith(REFERENCE_PREFIX)
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
        if block.text.startswith(REFERENCE_PREFIX):
            body = "\n\n".join(b.text for b in rest[:end])
            reference = block.text[len(REFERENCE_PREFIX) :].strip()
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
