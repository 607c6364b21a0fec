"""Article records, their ids and content hashes."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

REQUIRED_FIELDS = ("id", "title", "reference")
# The articles are research summaries of about 4 KB. A file fifty times that size is a
# mistake (a pasted book, a log, a binary); a 1 MB one would hold a build for minutes.
MAX_ARTICLE_BYTES = 200_000
REFERENCE_PREFIX = "Reference:"
_SLUG_MAX = 60


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


# The front matter fields an article file may hold, and the form of an id.
FIELDS = ("id", "title", "reference", "source")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
