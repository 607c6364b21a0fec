"""Like/dislike on answers, appended to a local JSONL file; question text only when allowed."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from mscqa.errors import UsageError

RATINGS = ("like", "dislike")


@dataclass(frozen=True)
class Feedback:
    """One rating of one answer. `question` is None unless the store keeps question text."""

    time: str
    rating: str
    answer: str
    article_ids: tuple[str, ...]
    question: str | None = None


class FeedbackStore:
    """Appends one JSON line per rating to `path` (created on first use)."""

    def __init__(self, path: Path, keep_text: bool = False) -> None:
        self.path = path
        self.keep_text = keep_text
        self._lock = threading.Lock()

    def record(
        self, rating: str, answer: str, article_ids: Sequence[str], question: str | None = None
    ) -> Feedback:
        if rating not in RATINGS:
            raise UsageError(f"unknown rating '{rating}'; ratings are: {', '.join(RATINGS)}")
        entry = Feedback(
            time=datetime.now(UTC).isoformat(timespec="seconds"),
            rating=rating,
            answer=answer,
            article_ids=tuple(article_ids),
            question=question if self.keep_text else None,
        )
        fields = {k: v for k, v in asdict(entry).items() if k != "question" or v is not None}
        line = json.dumps(fields, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write of a whole line in append mode: concurrent ratings never interleave.
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
            finally:
                os.close(fd)
        return entry

    def read(self) -> list[Feedback]:
        """Every stored rating, oldest first; a damaged line (a crash mid-write, an edit by
        hand) is skipped rather than hiding every other rating."""
        if not self.path.is_file():
            return []
        entries = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                data["article_ids"] = tuple(str(a) for a in data["article_ids"])
                entries.append(Feedback(**data))
            except (ValueError, KeyError, TypeError):
                continue
        return entries
