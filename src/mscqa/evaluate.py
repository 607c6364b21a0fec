"""`mscqa eval`: answer quality on a JSONL file of questions, claims and out-of-scope items."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mscqa.answers.quotes import Answer
from mscqa.answers.verify import NOT_FOUND, SUPPORTED, Verdict
from mscqa.errors import UsageError
from mscqa.text.terms import normalize

KINDS = ("question", "claim", "out_of_scope")
# An expected verdict meaning "contradicted or not found": never print it as supported.
NOT_SUPPORTED = "not_supported"


@dataclass(frozen=True)
class EvalItem:
    id: str
    kind: str
    text: str
    title: str | None
    evidence: tuple[str, ...]
    verdict: str | None = None  # expected verdict for claims; default from `title`


@dataclass
class EvalReport:
    questions: int = 0
    top1_article: int = 0
    quote_hit1: int = 0
    evidence_hit1: int = 0
    evidence_hit3: int = 0
    reciprocal_rank: float = 0.0
    false_abstentions: int = 0
    out_of_scope: int = 0
    abstained_out_of_scope: int = 0
    claims: int = 0
    claims_correct: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> dict[str, float]:
        def share(part: float, whole: int) -> float:
            return round(part / whole, 4) if whole else 0.0

        return {
            "top1_article_accuracy": share(self.top1_article, self.questions),
            "quote_hit_at_1": share(self.quote_hit1, self.questions),
            "evidence_hit_at_1": share(self.evidence_hit1, self.questions),
            "evidence_hit_at_3": share(self.evidence_hit3, self.questions),
            "mrr": share(self.reciprocal_rank, self.questions),
            "false_abstention_rate": share(self.false_abstentions, self.questions),
            "out_of_scope_abstention_rate": share(self.abstained_out_of_scope, self.out_of_scope),
            "claim_verdict_accuracy": share(self.claims_correct, self.claims),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "counts": {
                "questions": self.questions,
                "out_of_scope": self.out_of_scope,
                "claims": self.claims,
            },
            "metrics": self.metrics(),
            "failures": self.failures,
        }


def read_items(path: Path) -> list[EvalItem]:
    """Items of an eval file; each line: {id, kind, question, title, evidence[, verdict]}."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            kind = row["kind"]
            if kind not in KINDS:
                raise UsageError(
                    f"{path}:{number}: unknown kind '{kind}'; kinds are: {', '.join(KINDS)}"
                )
            items.append(
                EvalItem(
                    id=str(row.get("id", number)),
                    kind=kind,
                    text=row["question"],
                    title=row.get("title"),
                    evidence=tuple(row.get("evidence") or ()),
                    verdict=row.get("verdict"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise UsageError(
                f"{path}:{number}: not an eval item ({exc}): see `mscqa eval --help`"
            ) from None
    return items


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", normalize(text)).strip()


def contains_evidence(text: str, evidence: Sequence[str]) -> bool:
    """True when any evidence string occurs in `text`, quotes and spacing normalised."""
    haystack = _plain(text)
    return any(_plain(e) in haystack for e in evidence)


def score_answer(report: EvalReport, item: EvalItem, answer: Answer) -> None:
    quotes = answer.quotes
    if item.kind == "out_of_scope":
        report.out_of_scope += 1
        if not answer.answered:
            report.abstained_out_of_scope += 1
        else:
            report.failures.append(
                {"id": item.id, "kind": item.kind, "problem": "answered", "title": quotes[0].title}
            )
        return
    report.questions += 1
    if not answer.answered:
        report.false_abstentions += 1
        report.failures.append({"id": item.id, "kind": item.kind, "problem": "abstained"})
        return
    top = quotes[0]
    report.top1_article += top.title == item.title
    report.quote_hit1 += contains_evidence(top.quote, item.evidence)
    report.evidence_hit1 += contains_evidence(top.quote + " " + top.passage, item.evidence)
    report.evidence_hit3 += any(
        contains_evidence(q.quote + " " + q.passage, item.evidence) for q in quotes[:3]
    )
    rank = next((i for i, q in enumerate(quotes, 1) if q.title == item.title), None)
    report.reciprocal_rank += 1.0 / rank if rank else 0.0
    if top.title != item.title or not contains_evidence(top.quote, item.evidence):
        report.failures.append(
            {
                "id": item.id,
                "kind": item.kind,
                "problem": "top quote misses",
                "title": top.title,
                "quote": top.quote,
            }
        )


def score_verdict(report: EvalReport, item: EvalItem, verdict: Verdict) -> None:
    report.claims += 1
    expected = item.verdict or (SUPPORTED if item.title else NOT_FOUND)
    # "not_supported" (as in a leaflet's expectations) takes either verdict that is not
    # `supported`; the article is checked where the line names one.
    if expected == NOT_SUPPORTED:
        right = verdict.verdict != SUPPORTED
    else:
        right = verdict.verdict == expected
    if right and expected != NOT_FOUND and item.title:
        right = bool(verdict.evidence) and verdict.evidence[0].title == item.title
    report.claims_correct += right
    if not right:
        report.failures.append(
            {
                "id": item.id,
                "kind": item.kind,
                "problem": f"verdict {verdict.verdict}, expected {expected}",
            }
        )


class Answerer(Protocol):
    """What `evaluate` asks: `Engine`, or a pipeline with parts switched off (ablation.py)."""

    def ask(self, question: str) -> Answer: ...

    def check(self, statement: str) -> Verdict: ...


def evaluate(engine: Answerer, items: Iterable[EvalItem]) -> EvalReport:
    report = EvalReport()
    for item in items:
        if item.kind == "claim":
            score_verdict(report, item, engine.check(item.text))
        else:
            score_answer(report, item, engine.ask(item.text))
    return report


def format_report(report: EvalReport) -> str:
    labels = {
        "top1_article_accuracy": ("top-1 article accuracy", report.questions),
        "quote_hit_at_1": ("quote hit@1", report.questions),
        "evidence_hit_at_1": ("evidence hit@1 (quote or passage)", report.questions),
        "evidence_hit_at_3": ("evidence hit@3 (quote or passage)", report.questions),
        "mrr": ("mean reciprocal rank (article)", report.questions),
        "false_abstention_rate": ("false 'not covered' on questions", report.questions),
        "out_of_scope_abstention_rate": ("'not covered' on out-of-scope", report.out_of_scope),
        "claim_verdict_accuracy": ("claim verdict accuracy", report.claims),
    }
    lines = [f"{'metric':<38} {'value':>7} {'n':>5}", "-" * 52]
    for key, value in report.metrics().items():
        label, n = labels[key]
        shown = f"{value:.3f}" if key == "mrr" else f"{value:.1%}"
        lines.append(f"{label:<38} {shown:>7} {n:>5}")
    return "\n".join(lines)


def ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    """Normalised discounted cumulative gain with binary relevance (as BEIR computes it)."""
    gain = sum(1.0 / np.log2(rank + 2) for rank, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1.0 / np.log2(rank + 2) for rank in range(min(len(relevant), k)))
    return float(gain / ideal) if ideal else 0.0


def recall_at_k(ranked: Sequence[str], relevant: set[str], k: int = 100) -> float:
    """Share of the relevant documents found in the first `k`."""
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


# Conversations: the patients' format


MODES = ("quote1", "hit3", "refuse", "english")


@dataclass(frozen=True)
class ConversationItem:
    """A conversation whose last turn is scored; see `score_turn` for the modes."""

    id: str
    kind: str
    turns: tuple[str, ...]
    mode: str
    groups: tuple[tuple[str, ...], ...] = ()
    title: str | None = None
    uncovered_part: bool = False


class Conversing(Protocol):
    """What `evaluate_conversations` asks: `Engine`."""

    def reply(self, message: str, history: Sequence[Any] = ()) -> Any: ...


def is_conversation_file(path: Path) -> bool:
    """True when the first item of `path` has `turns` (the patients' format)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        first = next((line for line in lines if line.strip()), "")
        return "turns" in json.loads(first)
    except (OSError, json.JSONDecodeError, TypeError):
        return False


def read_conversations(path: Path) -> list[ConversationItem]:
    """Items of a conversation file; each line: {id, kind, turns, mode[, groups, title,
    uncovered_part]}."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            mode = row["mode"]
            if mode not in MODES:
                raise UsageError(
                    f"{path}:{number}: unknown mode '{mode}'; modes are: {', '.join(MODES)}"
                )
            turns = tuple(str(t) for t in row["turns"])
            if not turns:
                raise KeyError("turns")
            items.append(
                ConversationItem(
                    id=str(row.get("id", number)),
                    kind=str(row.get("kind", "conversation")),
                    turns=turns,
                    mode=mode,
                    groups=tuple(tuple(g) for g in row.get("groups") or ()),
                    title=row.get("title"),
                    uncovered_part=bool(row.get("uncovered_part", False)),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise UsageError(
                f"{path}:{number}: not a conversation item ({exc}): see `mscqa eval --help`"
            ) from None
    return items


def score_turn(item: ConversationItem, answer: Answer) -> str:
    """Empty when the last turn's answer is right, else what is wrong. `quote1`: answered, the
    first quote from `title` (`*`: any) holding a string of the first group; `hit3`: each
    group has a string inside one of the first three quotes; `uncovered_part` also needs a
    reason; `refuse`: not answered; `english`: not answered, and the message or the reason
    mentions English."""
    quotes = answer.quotes
    if item.mode == "refuse":
        return "answered" if answer.answered else ""
    if item.mode == "english":
        if answer.answered:
            return "answered"
        said = f"{answer.message or ''} {answer.reason}".lower()
        return "" if "english" in said else "no word about English"
    if not answer.answered:
        return "abstained"
    if item.uncovered_part and not answer.reason:
        return "no reason for the part not covered"
    if item.mode == "quote1":
        top = quotes[0]
        if item.title not in (None, "*") and top.title != item.title:
            return "top quote from another article"
        first = item.groups[0] if item.groups else ()
        return "" if contains_evidence(top.quote, first) else "top quote misses"
    shown = " ".join(q.quote for q in quotes[:3])
    missing = [g for g in item.groups if not contains_evidence(shown, g)]
    return f"{len(missing)} of {len(item.groups)} groups missing" if missing else ""


@dataclass
class ConversationReport:
    right: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def share(kind: str) -> float:
            return round(self.right[kind] / self.total[kind], 4)

        right, total = sum(self.right.values()), sum(self.total.values())
        return {
            "overall": {"right": right, "total": total, "share": round(right / total, 4)}
            if total
            else {"right": 0, "total": 0, "share": 0.0},
            "kinds": {
                kind: {"right": self.right[kind], "total": self.total[kind], "share": share(kind)}
                for kind in self.total
            },
            "failures": self.failures,
        }


def evaluate_conversations(
    engine: Conversing, items: Iterable[ConversationItem]
) -> ConversationReport:
    """Each conversation replayed turn by turn; its last turn scored (`score_turn`)."""
    report = ConversationReport()
    for item in items:
        history: list[Any] = []
        for message in item.turns:
            history.append(engine.reply(message, history))
        turn = history[-1]
        problem = score_turn(item, turn.answer)
        report.total[item.kind] = report.total.get(item.kind, 0) + 1
        report.right[item.kind] = report.right.get(item.kind, 0) + (not problem)
        if problem:
            top = turn.answer.quotes[0] if turn.answer.quotes else None
            report.failures.append(
                {
                    "id": item.id,
                    "kind": item.kind,
                    "problem": problem,
                    "understood_as": turn.understood_as,
                    "corrected": turn.corrected,
                    "title": top.title if top else None,
                    "quote": top.quote if top else None,
                }
            )
    return report


def format_conversation_report(report: ConversationReport) -> str:
    data = report.to_dict()
    lines = [f"{'kind':<16} {'right':>7} {'n':>5}", "-" * 30]
    # The share from the counts: rounding the JSON's four-place share again would print
    # 69 of 82 (0.8415) as 84.2%.
    rows = [*data["kinds"].items(), ("overall", data["overall"])]
    for kind, row in rows:
        share = row["right"] / row["total"] if row.get("total") else 0.0
        lines.append(f"{kind:<16} {share:>7.1%} {row.get('total', 0):>5}")
    return "\n".join(lines)
