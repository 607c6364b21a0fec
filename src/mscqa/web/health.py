"""`GET /healthz` of `mscqa serve`: what a load balancer or an orchestrator's probes ask a
replica, answered without the queue that chat requests wait in (deploy/README.md)."""

from __future__ import annotations

from typing import Any

from mscqa.engine import Engine

HEALTH_PATH = "/healthz"


def health_route(engine: Engine) -> Any:
    """A Starlette route answering 200 with the index version this replica serves and whether
    it has a problem to report (the message itself is in the log and on the Index tab)."""
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def health(request: Request) -> JSONResponse:  # sync: Starlette runs it in a thread
        version = engine.index.manifest.version  # also picks up a new version, as a chat does
        return JSONResponse(
            {"status": "ok", "index_version": version, "problem": engine.reload_error is not None},
            headers={"Cache-Control": "no-store"},
        )

    return Route(HEALTH_PATH, health, methods=["GET", "HEAD"])
