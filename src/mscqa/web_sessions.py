"""Forgetting idle web sessions: Gradio keeps each session's page settings (about 40 KB here),
gr.State values and event queue until 10,000 newer ones exist. The sweep runs in the server's
event loop, the one place Gradio changes those tables."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

log = logging.getLogger("mscqa.web_sessions")


def forget_idle_sessions(
    app: Any, idle_seconds: float, now: datetime.datetime | None = None
) -> int:
    """Drop every session unused for `idle_seconds` and without a request under way; the
    number dropped. A dropped session that comes back starts again with empty gr.State values
    (the page copes: see app.py); its chat history lives in the browser."""
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
