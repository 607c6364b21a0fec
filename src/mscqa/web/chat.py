"""The calls behind the page and the HTTP API, with counts and timings (never text) logged."""

import logging
import time
from dataclasses import dataclass
from typing import Any

from mscqa.answers.quotes import Answer, Quote
from mscqa.answers.verify import Verdict
from mscqa.engine import Engine
from mscqa.errors import MscqaError
from mscqa.staff.feedback import FeedbackStore
from mscqa.staff.gaps import GapLog
from mscqa.web.markup import (
    NOT_COVERED,
    format_answer,
    format_turn,
    literal_markdown,
    urgent_markdown,
)
from mscqa.web.replies import covered_topics
from mscqa.web.safety import detect_emergency
from mscqa.web.sessions import Conversations

log = logging.getLogger("mscqa.app")


# Requests


@dataclass(frozen=True)
class Reply:
    """What the chat shows for one question: an urgent-care message first when needed."""

    messages: tuple[str, ...]
    answer: Answer | None = None

    @property
    def quotes(self) -> tuple[Quote, ...]:
        return self.answer.quotes if self.answer else ()

    @property
    def markdown(self) -> str:
        return "\n\n".join(self.messages)


class ChatService:
    """The calls behind the page and the HTTP API, with counts and timings (never text) logged."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.settings = engine.settings
        self.feedback = FeedbackStore(
            self.settings.feedback_path, keep_text=self.settings.feedback_keep_text
        )
        self.gaps = GapLog(
            self.settings.var_dir, self.settings.feedback_keep_text, self.settings.gap_log_weeks
        )
        self.conversations = Conversations(
            self.settings.max_sessions, self.settings.session_idle_seconds
        )

    def converse(self, message: str, session: str) -> Reply:
        """`ask` for a message of the conversation of `session`: a follow-up leans on that
        session's earlier turns (Engine.reply)."""
        started = time.perf_counter()
        scan = (message or "")[: 10 * self.settings.max_question_chars]
        urgent = detect_emergency(scan) is not None
        messages = [urgent_markdown()] if urgent else []
        try:
            turn = self.engine.reply(message, self.conversations.history(session))
        except MscqaError as exc:
            log.info("message refused (%s) in %.3fs", type(exc).__name__, seconds_since(started))
            return Reply((*messages, literal_markdown(str(exc))))
        self.conversations.add(session, turn)
        for part in turn.parts or (turn.answer,):
            self.gaps.record(part)  # each refused part counts towards the gap report
        topics = covered_topics(self.engine.index)
        messages.append(format_turn(turn, self.settings, topics))
        log.info(
            "message answered=%s parts=%d leaned=%s quotes=%d urgent=%s in %.3fs",
            turn.answer.answered,
            len(turn.asked),
            turn.understood_as is not None,
            len(turn.answer.quotes),
            urgent,
            seconds_since(started),
        )
        return Reply(tuple(messages), turn.answer)

    def ask(self, question: str) -> Reply:
        started = time.perf_counter()
        # Emergencies are looked for in up to ten times the longest question, so a long message
        # still gets the urgent-care reply with its refusal, but a megabyte pasted in does not
        # cost a scan and copies of the whole text (benchmarks/RESULTS.md, under load).
        scan = (question or "")[: 10 * self.settings.max_question_chars]
        urgent = detect_emergency(scan) is not None
        messages = [urgent_markdown()] if urgent else []
        try:
            answer = self.engine.ask(question)
        except MscqaError as exc:
            log.info("question refused (%s) in %.3fs", type(exc).__name__, seconds_since(started))
            return Reply((*messages, literal_markdown(str(exc))))
        self.gaps.record(answer)  # a refusal counts towards the gap report
        topics = covered_topics(self.engine.index)
        messages.append(format_answer(answer, self.settings, topics))
        log.info(
            "question answered=%s quotes=%d urgent=%s in %.3fs",
            answer.answered,
            len(answer.quotes),
            urgent,
            seconds_since(started),
        )
        return Reply(tuple(messages), answer)

    def check(self, statement: str) -> Verdict | str:
        """The verdict, or the one-line message saying what is wrong with the statement."""
        started = time.perf_counter()
        try:
            verdict = self.engine.check(statement)
        except MscqaError as exc:
            log.info("statement refused (%s) in %.3fs", type(exc).__name__, seconds_since(started))
            return str(exc)
        log.info(
            "statement checked verdict=%s evidence=%d in %.3fs",
            verdict.verdict,
            len(verdict.evidence),
            seconds_since(started),
        )
        return verdict

    def rate(self, rating: str, turn: dict[str, Any]) -> None:
        self.feedback.record(
            rating, turn["answer"], turn["article_ids"], question=turn.get("question")
        )
        log.info("feedback %s recorded", rating)


def session_of(request: Any) -> str:
    """The Gradio session (browser tab or API client) a request comes from."""
    return str(getattr(request, "session_hash", None) or "")


def seconds_since(started: float) -> float:
    return time.perf_counter() - started


def answer_text(answer: Answer | None) -> str:
    """The answer as stored with feedback: the quotes with their titles, as plain text."""
    if answer is None:
        return ""
    if not answer.answered:
        return NOT_COVERED
    return "\n".join(f"“{q.quote}” — {q.title}" for q in answer.quotes)
