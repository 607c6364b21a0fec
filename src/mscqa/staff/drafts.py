"""A draft (plain text, Markdown, HTML or .docx) -> the statements in it worth checking.

A draft is read into blocks (headings, list items, paragraphs), and each block that is not a
heading is split into sentences; greetings, sign-offs, questions and lead-ins are left out, since
none of them says something an article could back.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mscqa.answers.verify import CONTRADICTED, NOT_FOUND, SUPPORTED, Verdict
from mscqa.corpus.passages import sentence_spans
from mscqa.errors import MscqaError, UsageError
from mscqa.text.terms import STOPWORDS, clean_text

VERDICTS = (SUPPORTED, CONTRADICTED, NOT_FOUND)
FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
}
HEADING, ITEM, TEXT = "heading", "item", "text"

# A paragraph this short with no closing punctuation is a title, not a claim ("Our research").
_HEADING_WORDS = 12
_MIN_WORDS = 3
_CLOSING = ".!?;:,…\"'”’)"
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•◦▪‣–]|\d{1,3}[.)]|[a-z][.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_UNDERLINE = re.compile(r"^\s*(?:=+|-+)\s*$")
_SPACE = re.compile(r"\s+")
# Openings and closings of letters and emails; everything after a sign-off is the signature.
_GREETING = re.compile(
    r"^(?:dear|hi|hello|hey|greetings|good (?:morning|afternoon|evening))\b", re.IGNORECASE
)
_GREETING_WORDS = 8
_SIGN_OFF = re.compile(
    r"^(?:(?:with )?(?:kind|best|warm|warmest|kindest)(?: regards| wishes)?|regards|sincerely"
    r"|yours(?: sincerely| faithfully| truly)?|(?:many )?thanks(?: again)?|thank you"
    r"|cheers|all the best|take care|see you soon|best)[\s,.!]*$",
    re.IGNORECASE,
)
# Courtesies and sentences about the draft itself ("Here are a few findings.") claim nothing.
_COURTESY = re.compile(
    r"^(?:thank(?:s| you)\b|we look forward\b|please (?:contact|call|get in touch|let us know)"
    r"|feel free\b|don['’]t hesitate\b|do not hesitate\b|here (?:is|are)\b|below\b|read on\b"
    r"|in this (?:issue|newsletter|leaflet|email|letter|edition)\b"
    # "Welcome to this month's roundup.", "Welcome back to our newsletter."
    r"|welcome (?:back )?to (?:this|our|the|your)\b"
    # "You asked a few things we could not answer.": the letter's own exchange
    r"|you (?:asked|wrote|mentioned|raised|wanted to know)\b|(?:i|we)(?: am|['’]m| are|['’]re)"
    r" writing\b|(?:we|i) (?:spoke|talked|met)\b"
    r"|(?:please )?(?:ask|contact|call|email|write to|visit|talk to|speak to|book with"
    r"|get in touch with) (?:us|our|the clinic|your doctor|your gp|at (?:the )?(?:reception"
    r"|front desk|desk))\b"
    # "We have gathered a few points from the research.": the writers on their draft.
    r"|(?:we|i)(?: have|['’]ve| are| am)? (?:just )?(?:gathered|collected|compiled|put together"
    r"|rounded up|summari[sz]ed|picked out|selected|sharing|summari[sz]ing)\b"
    r"(?=(?:\s+[\w'’-]+){0,4}?\s+(?:points?|findings?|highlights?|news|updates?|summary"
    r"|overview|round-?up|research|studies|articles?)\b))",
    re.IGNORECASE,
)
_SKIPPED_TAGS = ("script", "style", "head", "title", "noscript", "template", "svg", "nav")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend", "figcaption")
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "td", "th", "pre",
    "form", "fieldset", "figure", "address", "body", "html", "hr",
)  # fmt: skip


@dataclass(frozen=True)
class Block:
    """A heading, a list item or a paragraph of a draft, as plain text."""

    kind: str
    text: str


@dataclass(frozen=True)
class CheckedStatement:
    """One statement of a draft and its verdict, or why it could not be checked."""

    statement: str
    verdict: Verdict | None
    error: str = ""

    def to_dict(self) -> dict[str, object]:
        if self.verdict is None:
            return {"statement": self.statement, "error": self.error}
        return self.verdict.to_dict()


@dataclass(frozen=True)
class DraftCheck:
    """Every statement of one draft checked against one index version."""

    source: str
    checks: tuple[CheckedStatement, ...]
    index_version: str
    checked_at: str  # ISO 8601, UTC

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(VERDICTS, 0)
        for item in self.checks:
            if item.verdict is not None:
                counts[item.verdict.verdict] = counts.get(item.verdict.verdict, 0) + 1
        return counts

    def to_dict(self) -> dict[str, object]:
        return {
            "statements": [item.to_dict() for item in self.checks],
            "summary": self.summary(),
        }


# Reading


def draft_format(path: Path) -> str:
    """The format a file name says ("text", "markdown", "html", "docx"), or a UsageError."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UsageError(
            f"{path.name}: unknown draft format '{path.suffix or '(none)'}'; "
            f"save it as one of: {', '.join(FORMATS)}"
        )
    return kind


def read_draft(path: Path, max_chars: int) -> list[Block]:
    """The blocks of the draft file at `path`; one-line errors for a missing, unreadable,
    oversize or empty file."""
    kind = draft_format(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such draft file: check the path")
    if path.stat().st_size > 20 * max_chars:
        raise UsageError(
            f"{path.name} is {path.stat().st_size:,} bytes; drafts are checked up to "
            f"{max_chars:,} characters: split it into smaller drafts"
        )
    if kind == "docx":
        blocks = _docx_blocks(path)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise UsageError(
                f"{path.name} is not UTF-8 text: save it again as UTF-8 (or as .docx)"
            ) from None
        blocks = parse_draft(text, kind)
    return _within_limit(blocks, path.name, max_chars)


def parse_draft(text: str, kind: str) -> list[Block]:
    """The blocks of a draft given as text in `kind` ("text", "markdown" or "html")."""
    if kind == "html":
        return _html_blocks(text)
    if kind == "markdown":
        from markdown_it import MarkdownIt

        # Raw HTML inside Markdown stays text, as the writer typed it.
        return _html_blocks(MarkdownIt("commonmark", {"html": False}).render(text))
    if kind == "text":
        return _text_blocks(text)
    raise UsageError(f"unknown draft format '{kind}'; formats are: text, markdown, html, docx")


def _within_limit(blocks: list[Block], name: str, max_chars: int) -> list[Block]:
    size = sum(len(block.text) for block in blocks)
    if size > max_chars:
        raise UsageError(
            f"{name} holds {size:,} characters of text; drafts are checked up to "
            f"{max_chars:,}: split it into smaller drafts"
        )
    return blocks


def _text_blocks(text: str) -> list[Block]:
    """Plain text: paragraphs between blank lines; Markdown-like headings and list markers are
    recognised, since drafts written in a plain editor use them too."""
    blocks: list[Block] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append(Block(TEXT, " ".join(lines)))
            lines.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif _MD_HEADING.match(line):
            flush()
            blocks.append(Block(HEADING, _MD_HEADING.sub("", line).strip("# ")))
        elif _UNDERLINE.match(line) and len(lines) == 1:
            blocks.append(Block(HEADING, lines.pop()))
        elif _SIGN_OFF.match(line) or (_GREETING.match(line) and line.endswith(",")):
            # A letter's opening and closing lines stand alone even without a blank line.
            flush()
            blocks.append(Block(TEXT, line))
        elif _LIST_MARKER.match(line):
            flush()
            blocks.append(Block(ITEM, _LIST_MARKER.sub("", line)))
        elif blocks and blocks[-1].kind == ITEM and raw[:1].isspace() and not lines:
            # An indented line continues the list item above it.
            blocks[-1] = Block(ITEM, f"{blocks[-1].text} {line}")
        else:
            lines.append(line)
    flush()
    return blocks


def _html_blocks(markup: str) -> list[Block]:
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment, Doctype

    blocks: list[Block] = []
    inline: list[str] = []

    def flush(kind: str = TEXT) -> None:
        text = _SPACE.sub(" ", "".join(inline)).strip()
        inline.clear()
        if text:
            blocks.append(Block(kind, text))

    def walk(node: Tag, in_item: bool = False) -> None:
        # Inside a list item every paragraph is part of the item (a loose Markdown list puts
        # a <p> in each <li>).
        text_kind = ITEM if in_item else TEXT
        for child in node.children:
            if isinstance(child, Comment | Doctype):
                continue
            if isinstance(child, NavigableString):
                inline.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in _SKIPPED_TAGS:
                    continue
                if name in _HEADING_TAGS:
                    flush(text_kind)
                    inline.append(child.get_text(" "))
                    flush(HEADING)
                elif name == "br":
                    inline.append(" ")
                elif name in _BLOCK_TAGS:
                    flush(text_kind)
                    inner = in_item or name == "li"
                    walk(child, inner)
                    flush(ITEM if inner else TEXT)
                else:
                    walk(child, in_item)

    walk(BeautifulSoup(markup, "html.parser"))
    flush()
    return blocks


def _docx_blocks(path: Path) -> list[Block]:
    """Paragraphs and table cells of a Word file, with Word's heading and list styles."""
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(str(path))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise UsageError(
                f"{path.name} is not a readable .docx file ({type(exc).__name__}): open it in "
                "Word or LibreOffice and save it again as .docx"
            ) from None
        return list(_docx_paragraphs(document))
    except MscqaError:
        raise
    except Exception as exc:  # a damaged part inside an otherwise valid zip
        raise UsageError(
            f"{path.name} could not be read as .docx ({type(exc).__name__}): open it in Word or "
            "LibreOffice and save it again as .docx"
        ) from None


def _docx_paragraphs(document: Any) -> Iterator[Block]:
    def paragraph_block(paragraph: Any) -> Block:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        lowered = style.lower()
        if lowered.startswith(("heading", "title", "subtitle")):
            return Block(HEADING, paragraph.text.strip())
        numbered = paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None
        if "list" in lowered or numbered:
            return Block(ITEM, paragraph.text.strip())
        return Block(TEXT, paragraph.text.strip())

    def blocks_of(container: Any) -> Iterator[Block]:
        # Paragraphs and tables in the order they appear, tables cell by cell (a merged cell
        # is listed once per grid column it spans, and read once).
        for part in container.iter_inner_content():
            if hasattr(part, "rows"):
                seen: set[int] = set()
                for row in part.rows:
                    for cell in row.cells:
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            yield from blocks_of(cell)
            else:
                yield paragraph_block(part)

    yield from blocks_of(document)


# Splitting


def split_statements(blocks: Iterable[Block]) -> list[str]:
    """The sentences of a draft worth checking, in order: no headings, greetings, sign-offs and
    what follows them, questions, lead-ins ending in a colon, or fragments under three words."""
    statements: list[str] = []
    for block in blocks:
        text = clean_text(_SPACE.sub(" ", block.text)).strip()
        if not text or block.kind == HEADING:
            continue
        if _SIGN_OFF.match(text):
            break
        if block.kind == TEXT and _looks_like_heading(text):
            continue
        if _GREETING.match(text) and len(text.split()) <= _GREETING_WORDS:
            continue
        for start, end in sentence_spans(text):
            for sentence in _ACRONYM_END.split(text[start:end].strip()):
                if _worth_checking(sentence):
                    statements.append(sentence)
    return statements


# "... in MS. Rushkevich et al. showed ...": the sentence splitter takes "MS." for the title
# "Ms."; an acronym in capitals before a full stop and a capital ends the sentence.
_ACRONYM_END = re.compile(r"(?<=[A-Z][A-Z]\.)\s+(?=[A-Z])")


def _looks_like_heading(text: str) -> bool:
    return len(text.split()) <= _HEADING_WORDS and text[-1] not in _CLOSING


def _worth_checking(sentence: str) -> bool:
    words = re.findall(r"[^\W_]+", sentence)
    if len(words) < _MIN_WORDS:
        return False
    closing = sentence.rstrip(" \"'”’)")
    if closing.endswith(("?", ":")):
        return False
    return not _COURTESY.match(sentence) and not _GREETING.match(sentence.rstrip(",!"))


def draft_statements(path: Path, max_chars: int) -> list[str]:
    """The statements of the draft file at `path`, or a UsageError when it holds none."""
    statements = split_statements(read_draft(path, max_chars))
    if not statements:
        raise UsageError(
            f"{path.name} holds no statement to check (only headings, questions or greetings, "
            "or nothing): add the sentences to check"
        )
    return statements


def pasted_statements(text: str, max_chars: int) -> list[str]:
    """The statements of a draft pasted as text (plain text or Markdown)."""
    if len(text) > max_chars:
        raise UsageError(
            f"the draft is {len(text):,} characters long; drafts are checked up to "
            f"{max_chars:,}: split it into smaller drafts"
        )
    statements = split_statements(parse_draft(text, "text"))
    if not statements:
        raise UsageError(
            "the draft holds no statement to check (only headings, questions or greetings, "
            "or nothing): paste the sentences to check"
        )
    return statements


def check_draft(
    statements: Iterable[str],
    check: Callable[[str], Verdict],
    *,
    source: str,
    index_version: str,
    checked_at: str,
) -> DraftCheck:
    """Each statement checked with `check`, one that opens with "It" or "They" as a statement
    about the subject of the one before (`with_subject`), shown as written; a statement `check`
    refuses (too long) keeps its error."""
    checks = []
    previous = ""
    for statement in statements:
        read = with_subject(statement, previous)
        previous = read
        try:
            checks.append(CheckedStatement(statement, replace(check(read), statement=statement)))
        except UsageError as exc:
            checks.append(CheckedStatement(statement, None, str(exc)))
    return DraftCheck(source, tuple(checks), index_version, checked_at)


# "Riluzole extends survival. It also improves function.": a draft's "it" or "they" opening a
# statement is the subject of the statement before, the words before its first verb, when
# those are a noun phrase of a few words ("In 2009, ..." or "Because ..." are not).
_OPENING_PRONOUN = re.compile(
    r"^(?:(?:however|also|moreover|furthermore|in addition|still|yet),?\s+)?(it|they)\b"
    r"(?!\s+(?:is|are|was|were|seems?|appears?)\s+(?:not\s+)?(?:clear|known|unknown|likely|"
    r"unlikely|possible|important|thought|believed|hoped|expected|true|that|to)\b)",
    re.IGNORECASE,
)
_FIRST_VERB = re.compile(
    r"\b(?:is|are|was|were|can|could|may|might|will|would|has|have|had|does|do|did|should|"
    r"must|[a-z]+ed)\b",
    re.IGNORECASE,
)
_MAX_SUBJECT_WORDS = 6
_SUBJECT_OPENERS = frozenset({"the", "a", "an", "these", "those", "this", "most", "many", "some"})


def with_subject(statement: str, previous: str) -> str:
    """`statement` with an opening "it" or "they" replaced by the subject of `previous`, or as
    it is when it opens with neither or `previous` has no plain subject."""
    opening = _OPENING_PRONOUN.match(statement)
    verb = _FIRST_VERB.search(previous)
    if opening is None or verb is None:
        return statement
    subject = previous[: verb.start()].strip(" ,")
    first = subject.split()[0].lower() if subject else ""
    if not subject or len(subject.split()) > _MAX_SUBJECT_WORDS:
        return statement
    if first in STOPWORDS and first not in _SUBJECT_OPENERS:
        return statement
    start, end = opening.span(1)
    if start and first in _SUBJECT_OPENERS:
        subject = subject[:1].lower() + subject[1:]
    return statement[:start] + subject + statement[end:]
