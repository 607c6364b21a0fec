"""`mscqa serve`: load the model and the index once, then launch the page."""

import logging
import os
import sys
import time
from typing import Any

from mscqa.config import Settings, is_loopback
from mscqa.engine import Engine
from mscqa.index.load import LoadedIndex
from mscqa.web.app import build_app
from mscqa.web.chat import seconds_since
from mscqa.web.health import health_route
from mscqa.web.replicas import replica_gate
from mscqa.web.sessions import session_sweeper
from mscqa.web.style import ACCESSIBLE_NAMES, CSS

log = logging.getLogger("mscqa.app")


def exposure_warning(host: str) -> str | None:
    """A warning when `host` makes the page reachable from other machines."""
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host}, reachable from other machines; "
        "use --host 127.0.0.1 to keep it on this one"
    )


def serve(settings: Settings, host: str, port: int) -> None:
    """Load the model and the index, then serve the page; nothing is loaded per question."""
    # Set before gradio is imported: no analytics and no hub telemetry, whatever the caller set.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    # Gradio keeps the last 10,000 requests (time, status, session) for its monitoring page,
    # switched off below, and summarises them all after each request: 1,000 bounds both.
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
    # Counts and timings from mscqa only; other libraries' info logs carry request URLs.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("mscqa").setLevel(logging.INFO)
    started = time.perf_counter()
    engine = Engine(settings)
    _log_loaded(engine.warm_up(), started)  # no reference kept: a reload frees this version
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr)
    demo = build_app(engine)
    demo.queue(default_concurrency_limit=settings.concurrency)
    options = launch_options(settings, host, port)
    options["app_kwargs"]["routes"] = [health_route(engine)]
    options["app_kwargs"]["middleware"] = [replica_gate(demo, settings.shutdown_drain_seconds)]
    demo.launch(**options)


def page_theme() -> Any:
    """Gradio's default look with its orange darkened to meet WCAG 2.1 AA contrast (4.5:1).

    Its orange-500 gave 2.8:1 for the selected tab and the primary button, its subdued grey
    1.9:1 for footer text; orange-700 on white is 5.2:1, zinc-600 7.7:1.
    """
    import gradio as gr

    return gr.themes.Default().set(
        color_accent="*primary_700",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
        body_text_color_subdued="*neutral_600",
    )


def launch_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    """How `serve` launches the page (the tests launch it the same way)."""
    return {
        "server_name": host,
        "server_port": port,
        "share": False,
        "inbrowser": False,
        "theme": page_theme(),
        "css": CSS,
        "js": ACCESSIBLE_NAMES,
        "footer_links": ["api"],
        # Run history would keep questions in the browser and offer uploading them: off.
        "run_history": False,
        # Request counts and timings stay private: /monitoring and its open summary are off.
        "enable_monitoring": False,
        # Sessions are bounded in number and forgotten when idle (web/sessions.py).
        "state_session_capacity": settings.max_sessions,
        "app_kwargs": {"lifespan": session_sweeper(settings.session_idle_seconds)},
    }


def _log_loaded(index: LoadedIndex, started: float) -> None:
    log.info(
        "index version %s (%d articles, %d passages) and model loaded in %.1fs",
        index.manifest.version,
        len(index.articles),
        index.manifest.passage_count,
        seconds_since(started),
    )
