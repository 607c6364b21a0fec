"""Bounds on what the chat server keeps: idle sessions are forgotten with their state, a
forgotten session starts again cleanly, a replaced index version is freed, and a huge question
is refused without being scanned whole."""

from __future__ import annotations

import datetime
import gc
import socket
import time
import weakref
from dataclasses import replace
from typing import Any

import pytest

from conftest import build, run_cli
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.index.embedder import HashingEmbedder
from mscqa.search.library import library_stats
from mscqa.web.app import build_app
from mscqa.web.chat import ChatService
from mscqa.web.safety import URGENT_CARE_MESSAGE, emergency_terms
from mscqa.web.serve import launch_options
from mscqa.web.sessions import forget_idle_sessions

NOW = datetime.datetime(2026, 1, 1, 12, 0, 0)
HOUR = datetime.timedelta(hours=1)


class Held:
    """A value a session keeps in a gr.State (weakly referenced to see it freed)."""


def served_app(engine: Engine) -> Any:
    from gradio.routes import App

    demo = build_app(engine)
    demo.queue()
    return demo, App.create_app(demo)


def state_ids(demo: Any) -> list[int]:
    import gradio as gr

    return [key for key, block in demo.blocks.items() if isinstance(block, gr.State)]


def open_session(app: Any, demo: Any, sid: str, last_used: datetime.datetime) -> weakref.ref:
    session = app.state_holder[sid]
    held = Held()
    for key in state_ids(demo):
        session[key] = [held]
    app.state_holder.time_last_used[sid] = last_used
    queue = app.get_blocks()._queue
    queue.pending_event_ids_session[sid] = set()
    queue.pending_messages_per_session[sid] = object()
    return weakref.ref(held)


def test_idle_sessions_are_forgotten_with_their_state(fake_engine: Engine) -> None:
    demo, app = served_app(fake_engine)
    queue = app.get_blocks()._queue
    idle = open_session(app, demo, "idle", NOW - 2 * HOUR)
    recent = open_session(app, demo, "recent", NOW - HOUR / 2)
    busy = open_session(app, demo, "busy", NOW - 2 * HOUR)
    queue.pending_event_ids_session["busy"] = {"an event not yet delivered"}

    assert forget_idle_sessions(app, idle_seconds=3600, now=NOW) == 1

    assert set(app.state_holder.session_data) == {"recent", "busy"}
    assert set(app.state_holder.time_last_used) == {"recent", "busy"}
    assert "idle" not in queue.pending_event_ids_session
    assert "idle" not in queue.pending_messages_per_session
    gc.collect()
    assert idle() is None
    assert recent() is not None and busy() is not None


def test_event_tables_of_sessions_gradio_evicted_are_dropped(fake_engine: Engine) -> None:
    demo, app = served_app(fake_engine)
    queue = app.get_blocks()._queue
    open_session(app, demo, "evicted", NOW)
    with app.state_holder.lock:  # what Gradio does past its session capacity
        app.state_holder.session_data.pop("evicted")
        app.state_holder.time_last_used.pop("evicted")

    assert forget_idle_sessions(app, idle_seconds=3600, now=NOW) == 0
    assert "evicted" not in queue.pending_event_ids_session
    assert "evicted" not in queue.pending_messages_per_session


def page_function(demo: Any, name: str) -> Any:
    return next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name)


def test_a_forgotten_session_gets_no_misplaced_feedback(fake_engine: Engine) -> None:
    """The browser keeps the chat; a session forgotten while idle comes back with no `turns`,
    so the new answer must still line up with its own message for a like or dislike."""
    demo = build_app(fake_engine)
    show, answer = page_function(demo, "show_question"), page_function(demo, "answer_question")
    history = [
        {"role": "user", "content": "an earlier question"},
        {"role": "assistant", "content": "an earlier answer"},
    ]
    _, history, turns, pending = show("stem cells for hip osteoarthritis", history, [])
    history, turns, *_ = answer(pending, history, turns)

    assert len(turns) == len(history) == 4
    assert turns[:3] == [None, None, None]
    assert turns[3]["question"] == "stem cells for hip osteoarthritis"


def test_show_in_article_after_a_forgotten_session_does_nothing(fake_engine: Engine) -> None:
    import gradio as gr

    demo = build_app(fake_engine)
    button = next(
        f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "<lambda>" and f.inputs
    )
    assert all(isinstance(update, type(gr.skip())) for update in button([]))


def test_a_replaced_index_version_is_freed(fake_settings: Settings) -> None:
    build(fake_settings, HashingEmbedder())
    engine = Engine(replace(fake_settings, reload_check_seconds=0), HashingEmbedder())
    build_app(engine)
    engine.ask("stem cells for hip osteoarthritis")
    first = weakref.ref(engine.index)
    first_stats = weakref.ref(library_stats(engine.index))
    path = next(fake_settings.corpus_dir.glob("treating-chronic-pain*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nAn editor added this line.\n")
    engine.rebuild()

    assert engine.ask("stem cells for hip osteoarthritis").answered
    gc.collect()
    assert first() is None
    assert first_stats() is None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_served_page_forgets_an_idle_api_session(fake_settings: Settings) -> None:
    from gradio_client import Client

    build(fake_settings, HashingEmbedder())
    # Idle for longer than a request takes on a busy machine: a session idle for less would be
    # forgotten between the reply and the check that it exists.
    settings = replace(fake_settings, session_idle_seconds=10.0)
    engine = Engine(settings, HashingEmbedder())
    demo = build_app(engine)
    demo.queue(default_concurrency_limit=settings.concurrency)
    port = free_port()
    demo.launch(**launch_options(settings, "127.0.0.1", port), prevent_thread_lock=True)
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        assert "Source" in client.predict("stem cells for hip osteoarthritis", api_name="/chat")
        sessions = demo.server_app.state_holder.session_data
        assert client.session_hash in sessions
        deadline = time.monotonic() + 60
        while client.session_hash in sessions and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.session_hash not in sessions
        # The same client asks again: its session starts afresh.
        assert "Source" in client.predict("stem cells for hip osteoarthritis", api_name="/chat")
    finally:
        demo.close()


def test_a_long_message_about_an_emergency_gets_the_urgent_reply_and_the_limit(
    fake_engine: Engine,
) -> None:
    limit = fake_engine.settings.max_question_chars
    message = "stem cells " * (3 * limit // len("stem cells ")) + emergency_terms()[0]
    reply = ChatService(fake_engine).ask(message)
    assert URGENT_CARE_MESSAGE in reply.messages[0]
    assert "limit" in reply.messages[1]


def test_a_megabyte_question_is_refused_without_being_scanned_whole(fake_engine: Engine) -> None:
    pasted = "stem cells " * (1_000_000 // len("stem cells ")) + emergency_terms()[0]
    reply = ChatService(fake_engine).ask(pasted)
    assert len(reply.messages) == 1
    assert "the limit is" in reply.markdown and reply.answer is None


@pytest.mark.parametrize(
    "variable, value", [("MSCQA_SESSION_IDLE_SECONDS", "0"), ("MSCQA_MAX_SESSIONS", "0")]
)
def test_serve_refuses_session_limits_that_drop_state_between_clicks(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    code, _, err = run_cli(fake_settings, "serve", "--port", str(free_port()))
    assert code == 2
    assert f"{variable}={value}" in err and "fix or unset" in err
    assert len(err.strip().splitlines()) == 1
