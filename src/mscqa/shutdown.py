"""Stopping `mscqa serve` without dropping answers. On SIGTERM (`kill`, an orchestrator, a
rolling restart) the server stops accepting connections, so that a load balancer sends new
requests to another replica, answers every question already queued or running, then stops as
on Ctrl-C. A second SIGTERM, or `MSCQA_SHUTDOWN_DRAIN_SECONDS` passing, stops it at once."""

from __future__ import annotations

import _thread
import logging
import signal
import threading
import time
from typing import Any

log = logging.getLogger("mscqa.shutdown")

# The answers' last messages are on their way over their streams when the queue empties.
_FLUSH_SECONDS = 0.5


def stop_gently_on_sigterm(demo: Any, drain_seconds: float) -> None:
    """Install the SIGTERM handler (from the main thread, before `demo.launch()`)."""
    draining = threading.Event()

    def on_sigterm(signum: int, frame: Any) -> None:
        if draining.is_set():
            raise KeyboardInterrupt  # Gradio's own shutdown, as on Ctrl-C
        draining.set()
        threading.Thread(target=drain, args=(demo, drain_seconds), daemon=True).start()

    signal.signal(signal.SIGTERM, on_sigterm)


def drain(demo: Any, seconds: float) -> None:
    started = time.monotonic()
    server = getattr(demo, "server", None)
    for listener in getattr(server, "servers", None) or []:
        # Runs in the server's event loop; connections already open carry on.
        listener.get_loop().call_soon_threadsafe(listener.close)
    queue = demo._queue
    while time.monotonic() - started < seconds and any(
        list(queue.pending_event_ids_session.values())
    ):
        time.sleep(0.05)
    left = sum(len(events) for events in list(queue.pending_event_ids_session.values()))
    log.info(
        "stopping: no new connections, %d requests left after %.1fs",
        left,
        time.monotonic() - started,
    )
    time.sleep(_FLUSH_SECONDS)
    _thread.interrupt_main()
