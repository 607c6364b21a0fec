"""Forgetting idle web sessions: Gradio keeps each session's page settings (about 40 KB here),
gr.State values and event queue until 10,000 newer ones exist. The sweep runs in the server's
event loop, the one place Gradio changes those tables."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from typing import Any

log = logging.getLogger("mscqa.web_sessions")


def forget_idle_sessions(
    app: Any, idle_seconds: float, now: datetime.datetime | None = None
) -> int:
    """Drop every session unused for `idle_seconds` and without a request under way; the
    number dropped. A dropped session that comes back starts again with empty gr.State values
    (the page copes: see web/app.py); its chat history lives in the browser."""
    holder = app.state_holder
    queue = app.get_blocks()._queue
    cutoff = (now or datetime.datetime.now()) - datetime.timedelta(seconds=idle_seconds)
    idle = [sid for sid, used in list(holder.time_last_used.items()) if used < cutoff]
    forgotten = 0
    for sid in idle:
        if queue.pending_event_ids_session.get(sid):  # a request queued, running or unread
            continue
        holder.delete_state(sid)  # runs each gr.State's delete_callback
        with holder.lock:
            holder.session_data.pop(sid, None)
            holder.time_last_used.pop(sid, None)
        forgotten += 1
    # Event queues of sessions Gradio itself evicted (over capacity) or that were just dropped.
    for sid, pending in list(queue.pending_event_ids_session.items()):
        if not pending and sid not in holder.session_data:
            queue.pending_event_ids_session.pop(sid, None)
            queue.pending_messages_per_session.pop(sid, None)
    return forgotten


def sweep_interval(idle_seconds: float) -> float:
    """How often to look for idle sessions: a quarter of the idle time, at most a minute."""
    return min(60.0, max(1.0, idle_seconds / 4))


def session_sweeper(idle_seconds: float) -> Callable[[Any], Any]:
    """A FastAPI lifespan for `launch(app_kwargs={"lifespan": ...})`: while serving, forgets
    idle sessions every `sweep_interval`."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async def sweep() -> None:
            while True:
                await asyncio.sleep(sweep_interval(idle_seconds))
                forgotten = forget_idle_sessions(app, idle_seconds)
                if forgotten:
                    log.info("%d idle sessions forgotten", forgotten)

        task = asyncio.create_task(sweep())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan


class Conversations:
    """The last turns of each chat session (browser tab or API client), so a follow-up can lean
    on them; bounded like Gradio's own sessions: at most `max_sessions`, the least recently
    used first out, and a session unused for `idle_seconds` forgotten."""

    def __init__(self, max_sessions: int, idle_seconds: float, keep_turns: int = 3) -> None:
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.keep_turns = keep_turns
        self._turns: OrderedDict[str, tuple[float, tuple[Any, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def history(self, session: str) -> tuple[Any, ...]:
        with self._lock:
            self._forget_idle()
            used = self._turns.get(session)
            return used[1] if used else ()

    def add(self, session: str, turn: Any) -> None:
        with self._lock:
            _, turns = self._turns.pop(session, (0.0, ()))
            self._turns[session] = (time.monotonic(), (*turns, turn)[-self.keep_turns :])
            while len(self._turns) > self.max_sessions:
                self._turns.popitem(last=False)

    def clear(self, session: str) -> None:
        with self._lock:
            self._turns.pop(session, None)

    def __len__(self) -> int:
        return len(self._turns)

    def _forget_idle(self) -> None:
        cutoff = time.monotonic() - self.idle_seconds
        while self._turns and next(iter(self._turns.values()))[0] < cutoff:
            self._turns.popitem(last=False)
