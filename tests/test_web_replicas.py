"""The answers `mscqa serve` gives a load balancer (web/replicas.py): 404 before any stream for
a session this replica does not hold, 404 to new work once it is stopping (503 to its health
probe), the rest untouched."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from mscqa.web.replicas import ReplicaGate


def _client(sessions: dict[str, set[str]], stopping: threading.Event) -> TestClient:
    def answer(request: Request) -> PlainTextResponse:
        return PlainTextResponse("served")

    app = Starlette(
        routes=[
            Route("/gradio_api/queue/data", answer),
            Route("/gradio_api/queue/join", answer, methods=["POST"]),
            Route("/healthz", answer),
            Route("/gradio_api/info", answer),
            Route("/gradio_api/cancel", answer, methods=["POST"]),
        ]
    )
    demo = SimpleNamespace(_queue=SimpleNamespace(pending_event_ids_session=sessions))
    return TestClient(ReplicaGate(app, demo=demo, stopping=stopping))


def test_a_stream_of_another_replicas_session_is_refused_before_it_starts() -> None:
    # "here" waits for an answer from this replica; "done" had its answers; "elsewhere" never
    # asked this replica anything.
    client = _client({"here": {"event-1"}, "done": set()}, threading.Event())
    assert client.get("/gradio_api/queue/data?session_hash=here").text == "served"
    elsewhere = client.get("/gradio_api/queue/data?session_hash=elsewhere")
    assert elsewhere.status_code == 404
    assert client.get("/gradio_api/queue/data?session_hash=done").status_code == 404
    assert client.get("/gradio_api/queue/data").status_code == 404
    assert client.post("/gradio_api/queue/join", json={}).text == "served"


def test_a_stopping_replica_refuses_new_work_and_streams_what_it_owes() -> None:
    stopping = threading.Event()
    client = _client({"here": {"event-1"}}, stopping)
    stopping.set()
    # 404, which nginx passes on to the next replica without counting it against this one.
    assert client.post("/gradio_api/queue/join", json={}).status_code == 404
    assert client.get("/gradio_api/info").status_code == 404
    assert client.post("/gradio_api/cancel", json={}).status_code != 404  # not new work
    assert client.get("/healthz").status_code == 503  # an orchestrator's probe: not ready
    assert client.get("/gradio_api/queue/data?session_hash=here").text == "served"
    assert client.get("/gradio_api/queue/data?session_hash=new").status_code == 404
