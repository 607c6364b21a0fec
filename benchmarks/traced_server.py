"""`mscqa serve` with Python's allocation tracing on, for finding memory a server keeps.

    .venv/bin/python benchmarks/traced_server.py OUT_DIR [mscqa serve options]

The first SIGUSR1 starts tracemalloc (25 frames; tracing from the start would slow the start-up
several times over); each SIGUSR1 writes OUT_DIR/N.snapshot and OUT_DIR/N.json: RSS, the traced
Python heap, gc object counts by type, the lengths of the web server's per-session and
per-request tables and the index versions in memory. With TRACE_MALLOC_TRIM=1 each mark then
calls glibc's malloc_trim(0) and records the RSS after it: the free memory the allocator held.
`benchmarks/load.py --trace OUT_DIR` starts the server this way and diffs the snapshots. Tracing
slows the server down (about 2x); figures for RESULTS.md come from runs without it.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import signal
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any


def gradio_tables() -> dict[str, int]:
    """Lengths of the tables Gradio keeps per session and per request."""
    from gradio.routes import App

    sizes: dict[str, int] = {}
    served = (o for o in gc.get_objects() if isinstance(o, App))
    for app in (a for a in served if a.get_blocks().server_app is a):
        queue = app.get_blocks()._queue
        sizes["sessions"] = len(app.state_holder.session_data)
        sizes["session_capacity"] = app.state_holder.capacity
        sizes["event_analytics"] = len(queue.event_analytics)
        sizes["events_in_flight"] = len(queue.event_ids_to_events)
        sizes["sessions_with_pending_events"] = len(queue.pending_event_ids_session)
        sizes["message_queues"] = len(queue.pending_messages_per_session)
    return sizes


def loaded_index_versions() -> list[str]:
    from mscqa.index.load import LoadedIndex

    return sorted(o.manifest.version for o in gc.get_objects() if isinstance(o, LoadedIndex))


def dump(out: Path, number: int) -> dict[str, Any]:
    import psutil

    gc.collect()
    tracemalloc.take_snapshot().dump(str(out / f"{number}.snapshot"))
    current, peak = tracemalloc.get_traced_memory()
    types = Counter(type(o).__name__ for o in gc.get_objects())
    report = {
        "rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
        "traced_mb": round(current / 2**20, 2),
        "traced_peak_mb": round(peak / 2**20, 2),
        "gc_objects": sum(types.values()),
        "top_types": types.most_common(25),
        "gradio": gradio_tables(),
        "loaded_index_versions": loaded_index_versions(),
    }
    if os.environ.get("TRACE_MALLOC_TRIM") == "1":
        began = time.perf_counter()
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        report["malloc_trim_ms"] = round(1000 * (time.perf_counter() - began), 1)
        report["rss_after_malloc_trim_mb"] = round(psutil.Process().memory_info().rss / 2**20, 1)
    (out / f"{number}.json").write_text(json.dumps(report), encoding="utf-8")
    return report


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    dumps = [0]

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if not tracemalloc.is_tracing():
            tracemalloc.start(25)
        dump(out, dumps[0])
        dumps[0] += 1

    signal.signal(signal.SIGUSR1, on_signal)
    from mscqa.cli import main as mscqa

    mscqa(["serve", *sys.argv[2:]], prog_name="mscqa")


if __name__ == "__main__":
    main()
