"""What `mscqa serve` does for a load balancer in front of several replicas (deploy/).

A replica answers at once, before any stream starts, 404 for the answer stream of a session it
owes no answer (it restarted, or the question went to another replica while this one was out or
stopping), so that nginx asks the replica that does. On SIGTERM (`kill`, an orchestrator, a
rolling restart) it answers 404 to new work (a question, a page), which nginx sends to another
replica, and 503 to /healthz (not ready); it goes on streaming the answers it owes, and stops as
on Ctrl-C once its queue is empty or `MSCQA_SHUTDOWN_DRAIN_SECONDS` have passed; a second
SIGTERM stops it at once. It stops the same when started with SIGINT ignored (in the background
by a script).

Why 404 and not 503 for new work: nginx counts a 503 against the replica (max_fails) and then
sends it nothing for fail_timeout, not even the streams of the answers it still owes; a 404 is
passed on to the next replica without that.
"""

from __future__ import annotations

import _thread
import logging
import signal
import threading
import time
from typing import Any
from urllib.parse import parse_qs

from mscqa.web.health import HEALTH_PATH

log = logging.getLogger("mscqa.web_replicas")

# The last answers' messages are on their way over their streams when the queue empties.
_FLUSH_SECONDS = 0.5


class ReplicaGate:
    """ASGI middleware: the 404 and 503 answers above; everything else passes through."""

    def __init__(self, app: Any, demo: Any, stopping: threading.Event) -> None:
        self.app = app
        self.demo = demo
        self.stopping = stopping

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        refusal = self.refusal(scope) if scope["type"] == "http" else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, text = refusal
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/plain"), (b"retry-after", b"1")],
            }
        )
        await send({"type": "http.response.body", "body": text.encode()})

    def refusal(self, scope: Any) -> tuple[int, str] | None:
        if str(scope["path"]).endswith("/queue/data"):
            query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
            session = (query.get("session_hash") or [""])[0]
            # A stream is opened right after a question is sent; the replica that took it has
            # it pending. Elsewhere nothing would ever arrive on the stream.
            if not self.demo._queue.pending_event_ids_session.get(session):
                return 404, "this replica owes this session no answer\n"
            return None  # answers owed are streamed even while stopping
        if not self.stopping.is_set():
            return None
        if scope["path"] == HEALTH_PATH:
            return 503, "stopping\n"
        new_work = scope["method"] in ("GET", "HEAD") or str(scope["path"]).endswith("/queue/join")
        return (404, "this replica is stopping: ask another\n") if new_work else None


def replica_gate(demo: Any, drain_seconds: float) -> Any:
    """The middleware for `launch(app_kwargs={"middleware": [...]})`, with the SIGTERM handler
    installed (call from the main thread, before `demo.launch()`)."""
    from starlette.middleware import Middleware

    stopping = threading.Event()

    def on_sigterm(signum: int, frame: Any) -> None:
        if stopping.is_set():
            raise KeyboardInterrupt  # Gradio's own shutdown, as on Ctrl-C
        stopping.set()
        threading.Thread(target=_drain, args=(demo, drain_seconds), daemon=True).start()

    signal.signal(signal.SIGTERM, on_sigterm)
    return Middleware(ReplicaGate, demo=demo, stopping=stopping)


def _drain(demo: Any, seconds: float) -> None:
    started = time.monotonic()
    queue = demo._queue
    while time.monotonic() - started < seconds and any(
        list(queue.pending_event_ids_session.values())
    ):
        time.sleep(0.05)
    left = sum(len(events) for events in list(queue.pending_event_ids_session.values()))
    log.info("stopping after %.1fs, %d requests unanswered", time.monotonic() - started, left)
    time.sleep(_FLUSH_SECONDS)
    # As a second SIGTERM would: the handler above raises KeyboardInterrupt in the main thread.
    # Not SIGINT: a server started in the background by a script inherits SIGINT ignored, and
    # Python then leaves it ignored, so a simulated Ctrl-C would do nothing and the server would
    # never stop.
    _thread.interrupt_main(signal.SIGTERM)
