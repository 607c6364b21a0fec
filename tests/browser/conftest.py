"""What every browser test module shares: one headless Chromium per module, and a fresh page on
the module's own `server` for each test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from served import Server, chromium, open_page


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    with open_page(browser, server.url) as opened:
        yield opened
