"""deploy/nginx/mscqa.conf: nginx accepts it (`nginx -t`), and in front of two stand-in
replicas it keeps a client on one replica by its route cookie and retries a stopped replica's
requests on the other. Skipped, with the reason shown, where nginx is not installed
(`apt-get install nginx`); benchmarks/replicas.py runs it in front of real `mscqa serve`."""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from conftest import load_benchmark

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "deploy" / "nginx" / "mscqa.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed: deploy/nginx/mscqa.conf NOT validated "
    "(apt-get install nginx to check it)",
)


@pytest.fixture(scope="module")
def replicas_script() -> ModuleType:
    return load_benchmark("replicas.py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_nginx_accepts_the_shipped_site_file_as_debian_includes_it(tmp_path: Path) -> None:
    """Debian's nginx.conf includes conf.d/*.conf inside `http`; the file is tested that way,
    unchanged (only the paths of nginx's own files point into a temporary folder)."""
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include {SITE};\n}}\n"
    )
    (tmp_path / "logs").mkdir()
    done = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path), "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    # The one thing a test folder cannot offer is the site's log path under /var/log/nginx.
    if done.returncode != 0 and "/var/log/nginx" in done.stderr:
        pytest.skip(f"nginx cannot open /var/log/nginx here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr and "test is successful" in done.stderr


class _Named(http.server.BaseHTTPRequestHandler):
    """A stand-in replica: answers every GET and POST with its own name, except what
    `mscqa serve` refuses (web/replicas.py): the stream of a session it does not hold (404),
    and new work while it is stopping (503)."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = self.server.name.encode()  # type: ignore[attr-defined]
        refused = self.server.refuse  # type: ignore[attr-defined]
        for prefix, status in refused.items():
            if self.path.startswith(prefix):
                if not status:  # served
                    break
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def _replica(name: str, port: int) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Named)
    server.name = name  # type: ignore[attr-defined]
    server.refuse = {}  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def balanced(
    tmp_path: Path, replicas_script: ModuleType
) -> Iterator[tuple[str, dict[str, http.server.ThreadingHTTPServer]]]:
    ports = [_free_port(), _free_port()]
    servers = {"a": _replica("a", ports[0]), "b": _replica("b", ports[1])}
    listen = _free_port()
    folder = tmp_path / "nginx"
    config = replicas_script.write_nginx_config(folder, listen, ports)
    checked = subprocess.run(
        replicas_script.nginx_command(folder, config, "-t"), capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen(
        replicas_script.nginx_command(folder, config, "-g", "daemon off;"),
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{listen}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                assert nginx.poll() is None and time.monotonic() < deadline, (
                    folder / "error.log"
                ).read_text()
                time.sleep(0.1)
        yield url, servers
    finally:
        nginx.terminate()
        nginx.wait(20)
        for server in servers.values():
            server.shutdown()
            server.server_close()


def _get(url: str, cookie: str | None = None, data: bytes | None = None) -> tuple[str, str]:
    """(the replica's name, the route cookie nginx set or '')."""
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        set_cookie = response.headers.get("Set-Cookie") or ""
        return response.read().decode(), set_cookie.split(";")[0]


def _sessions_on_each_replica(url: str, each: int = 3) -> dict[str, list[str]]:
    """Session cookies nginx handed out, by the replica that answered them: `each` or more."""
    cookies: dict[str, list[str]] = {"a": [], "b": []}
    while min(len(c) for c in cookies.values()) < each:
        _, cookie = _get(url)
        cookies[_get(url, cookie)[0]].append(cookie)
    return cookies


def test_a_client_stays_on_its_replica_and_clients_spread(
    balanced: tuple[str, dict[str, http.server.ThreadingHTTPServer]],
) -> None:
    url, _ = balanced
    seen = set()
    for _ in range(16):
        _, cookie = _get(url)  # a first visit: hashed on the address, given a cookie
        assert cookie.startswith("mscqa_route=") and len(cookie) > len("mscqa_route=") + 16
        replica, again = _get(url, cookie)
        assert again == ""  # the cookie is set once
        for _ in range(5):  # every later request of the session, GET or POST, goes there too
            assert _get(url + "/gradio_api/queue/data", cookie)[0] == replica
            assert _get(url + "/gradio_api/queue/join", cookie, data=b"{}")[0] == replica
        seen.add(replica)
    assert seen == {"a", "b"}  # 16 random cookies do not all land on one replica
    # No cookie (curl): one client address keeps one replica, so a POST and its GET meet.
    assert len({_get(url)[0] for _ in range(8)}) == 1


def test_a_stopped_replica_costs_no_request(
    balanced: tuple[str, dict[str, http.server.ThreadingHTTPServer]],
) -> None:
    url, servers = balanced
    cookies = _sessions_on_each_replica(url)
    servers["a"].shutdown()
    servers["a"].server_close()  # connections are refused from now on
    for cookie in cookies["a"] + cookies["b"]:
        assert _get(url + "/gradio_api/queue/join", cookie, data=b"{}")[0] == "b"
        assert _get(url + "/gradio_api/queue/data", cookie)[0] == "b"


def test_a_stream_goes_to_the_replica_holding_its_session_and_a_stopping_one_is_skipped(
    balanced: tuple[str, dict[str, http.server.ThreadingHTTPServer]],
) -> None:
    url, servers = balanced
    cookies = _sessions_on_each_replica(url)
    # "a" restarted and holds no session: the stream is asked of "b", which holds them.
    servers["a"].refuse["/gradio_api/queue/data"] = 404  # type: ignore[attr-defined]
    for cookie in cookies["a"]:
        assert _get(url + "/gradio_api/queue/data?session_hash=x", cookie)[0] == "b"
    # "a" is stopping: new work it refuses, a question (a POST) included, goes to "b"; the
    # streams of sessions it holds still reach it (nginx did not count the 404s against it).
    servers["a"].refuse.clear()  # type: ignore[attr-defined]
    servers["a"].refuse.update(  # type: ignore[attr-defined]
        {"/gradio_api/queue/data": 0, "/gradio_api/queue/join": 404, "/config": 404}
    )
    for cookie in cookies["a"]:
        assert _get(url + "/gradio_api/queue/join", cookie, data=b"{}")[0] == "b"
        assert _get(url + "/config", cookie)[0] == "b"
        assert _get(url + "/gradio_api/queue/data?session_hash=x", cookie)[0] == "a"
    # A POST elsewhere is never resent once a replica has it (only refused connections are).
    servers["a"].refuse.clear()  # type: ignore[attr-defined]
    servers["a"].refuse["/gradio_api/upload"] = 503  # type: ignore[attr-defined]
    time.sleep(5.5)  # fail_timeout: "a" is tried again
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(url + "/gradio_api/upload", cookies["a"][0], data=b"{}")
    assert refused.value.code == 503
