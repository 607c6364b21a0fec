"""What patients ask that the articles miss: refused questions counted by week, kind and term.

The log (`<var_dir>/gaps.jsonl`) holds counts, not questions: one line per ISO week, refusal kind
and term, rewritten whole under a file lock and switched in with os.replace, so it stays small
and concurrent servers never lose a count. Question text is kept only when asked for.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mscqa.answers.quotes import Answer
from mscqa.answers.social import SOCIAL
from mscqa.search.scope import is_clinic_service
from mscqa.staff.feedback import FeedbackStore

log = logging.getLogger("mscqa.gaps")

LOG_NAME = "gaps.jsonl"
KINDS = ("topic", "clinic", "language", "not_covered")
# Kinds whose refusal names what was asked about (the topic word, the clinic matter).
_NAMED_KINDS = ("topic", "clinic")
# Question texts kept per line when MSCQA_FEEDBACK_KEEP_TEXT=1: examples, not a transcript.
_MAX_QUESTIONS = 20
_LOCK_SECONDS = 5.0
# Distinct terms kept per week and kind; more are counted together under OTHER. Terms come from
# the scope lists (data/*.txt), so this only bounds the log should those lists grow a lot.
_MAX_TERMS = 300
OTHER = "(other)"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(week: str) -> date:
    """The Monday of an ISO week written as "2026-W49"."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


@dataclass(frozen=True)
class GapCount:
    """Refusals of one kind in one week; `term` is empty on the line counting the questions, and
    names the topic or clinic matter on the lines counting what they asked about."""

    week: str
    kind: str
    term: str
    count: int
    questions: tuple[str, ...] = ()


def _parse_line(line: str) -> GapCount | None:
    try:
        data = json.loads(line)
        count = GapCount(
            week=str(data["week"]),
            kind=str(data["kind"]),
            term=str(data.get("term", "")),
            count=int(data["count"]),
            questions=tuple(str(q) for q in data.get("questions", ())),
        )
        week_start(count.week)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if count.kind not in KINDS or count.count < 1:
        return None
    return count


def read_counts(path: Path) -> list[GapCount]:
    """Every count in the log; a damaged line is skipped (and dropped at the next write)."""
    if not path.is_file():
        return []
    counts = []
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            parsed = _parse_line(line)
            if parsed is None:
                log.warning("%s:%d: damaged line skipped", path, number)
                continue
            counts.append(parsed)
    return counts


def refusal_counts(answer: Answer) -> tuple[str, list[tuple[str, str]]]:
    """The kind a refusal counts under, and the (kind, term) of each thing it asked about.
    A service word the articles never mention ("cost", "insurance") is a clinic matter, not a
    topic; a question that names only clinic matters counts as one."""
    kind = answer.refusal if answer.refusal in KINDS else "not_covered"
    if kind not in _NAMED_KINDS:
        return kind, []
    terms = sorted(
        {("clinic" if kind == "clinic" or is_clinic_service(t) else "topic", t.lower())
         for t in answer.refusal_terms}
    )  # fmt: skip
    if terms and all(k == "clinic" for k, _ in terms):
        kind = "clinic"
    return kind, terms


class GapLog:
    """Adds each refused question to the counts under `var_dir`."""

    def __init__(self, var_dir: Path, keep_text: bool = False, keep_weeks: int = 104) -> None:
        self.path = var_dir / LOG_NAME
        self.keep_text = keep_text
        self.keep_weeks = keep_weeks

    def record(self, answer: Answer, today: date | None = None) -> bool:
        """Count `answer` if it is a refusal; True when counted. A greeting or thanks asked
        nothing, so it is no refusal. A log that cannot be written costs the count, never the
        answer: the failure is logged (without the question)."""
        if answer.answered or answer.refusal == SOCIAL:
            return False
        try:
            self._add(answer, today or datetime.now(UTC).date())
        except (OSError, TimeoutError) as exc:
            log.warning("refusal not counted: %s (%s)", self.path, type(exc).__name__)
            return False
        return True

    def _add(self, answer: Answer, today: date) -> None:
        from filelock import FileLock

        week = iso_week(today)
        kind, terms = refusal_counts(answer)
        question = answer.question if self.keep_text else None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.path) + ".lock", timeout=_LOCK_SECONDS):
            counts = {(c.week, c.kind, c.term): c for c in read_counts(self.path)}
            keys = [(week, kind, "")]
            for term_kind, term in terms:
                known = sum(1 for c in counts if c[0] == week and c[1] == term_kind and c[2])
                full = (week, term_kind, term) not in counts and known >= _MAX_TERMS
                keys.append((week, term_kind, OTHER if full else term))
            for key in keys:
                old = counts.get(key, GapCount(*key, count=0))
                kept = old.questions
                if question is not None and key[2] == "" and len(kept) < _MAX_QUESTIONS:
                    kept = (*kept, question)
                counts[key] = GapCount(*key, count=old.count + 1, questions=kept)
            # The current week and the `keep_weeks - 1` before it.
            oldest = week_start(week) - timedelta(weeks=self.keep_weeks - 1)
            fresh = [c for c in counts.values() if week_start(c.week) >= oldest]
            self._write(sorted(fresh, key=lambda c: (c.week, c.kind, c.term)))

    def _write(self, counts: Iterable[GapCount]) -> None:
        fd, temp = tempfile.mkstemp(prefix=".gaps-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                for c in counts:
                    line = {"week": c.week, "kind": c.kind, "term": c.term, "count": c.count}
                    if c.questions:
                        line["questions"] = list(c.questions)
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise


@dataclass(frozen=True)
class GapReport:
    """Refusals and dislikes since a date (or ever), most frequent first."""

    since: str | None
    refused: int
    topics: tuple[tuple[str, int], ...]
    clinic_matters: tuple[tuple[str, int], ...]
    languages: int
    not_covered: int
    dislikes: tuple[tuple[str, str, int], ...]  # article id, title, count
    questions: tuple[str, ...] = field(default=())  # only when question text is kept

    def to_dict(self) -> dict[str, object]:
        return {
            "since": self.since,
            "refused": self.refused,
            "topics": [{"topic": t, "count": n} for t, n in self.topics],
            "clinic_matters": [{"kind": k, "count": n} for k, n in self.clinic_matters],
            "languages": self.languages,
            "dislikes": [{"article_id": a, "title": t, "count": n} for a, t, n in self.dislikes],
        }


def _ranked(totals: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def gap_report(
    var_dir: Path,
    feedback_path: Path,
    titles: Mapping[str, str],
    since: date | None = None,
) -> GapReport:
    """The counts of the gap log and the dislikes per article from the feedback file, from the
    week holding `since` on (dislikes from that day on); `titles` names the articles."""
    first_week = since - timedelta(days=since.weekday()) if since else None
    totals: dict[str, int] = dict.fromkeys(KINDS, 0)
    topics: dict[str, int] = {}
    clinic: dict[str, int] = {}
    questions: list[str] = []
    for count in read_counts(var_dir / LOG_NAME):
        if first_week is not None and week_start(count.week) < first_week:
            continue
        if count.term == "":
            totals[count.kind] += count.count
            questions.extend(count.questions)
        elif count.kind == "topic":
            topics[count.term] = topics.get(count.term, 0) + count.count
        elif count.kind == "clinic":
            clinic[count.term] = clinic.get(count.term, 0) + count.count
    disliked: dict[str, int] = {}
    for rating in FeedbackStore(feedback_path).read():
        if rating.rating != "dislike":
            continue
        if since is not None and rating.time[:10] < since.isoformat():
            continue
        for article_id in dict.fromkeys(rating.article_ids):  # once per answer, not per quote
            disliked[article_id] = disliked.get(article_id, 0) + 1
    return GapReport(
        since=since.isoformat() if since else None,
        refused=sum(totals.values()),
        topics=_ranked(topics),
        clinic_matters=_ranked(clinic),
        languages=totals["language"],
        not_covered=totals["not_covered"],
        dislikes=tuple(
            (article_id, titles.get(article_id, ""), n) for article_id, n in _ranked(disliked)
        ),
        questions=tuple(questions),
    )


def gap_text(report: GapReport) -> str:
    """The report for a terminal."""
    lines = [
        f"Refused questions{f' since {report.since}' if report.since else ''}: {report.refused}"
    ]
    lines.append("Topics the articles never mention:")
    lines += [f"  {n:>5}  {t}" for t, n in report.topics] or ["      none"]
    lines.append("Clinic matters (price, bookings, ...):")
    lines += [f"  {n:>5}  {k}" for k, n in report.clinic_matters] or ["      none"]
    lines.append(f"In another language: {report.languages}")
    lines.append(f"Not covered, no topic named: {report.not_covered}")
    lines.append("Disliked answers, per article:")
    lines += [f"  {n:>5}  {title or article_id}" for article_id, title, n in report.dislikes] or [
        "      none"
    ]
    if report.questions:
        lines.append("Refused questions kept (MSCQA_FEEDBACK_KEEP_TEXT=1):")
        lines += [f"  - {q}" for q in report.questions]
    return "\n".join(lines)
