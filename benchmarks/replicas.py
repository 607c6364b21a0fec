"""Replicas behind nginx: chat clients through nginx while one replica is stopped and started
again and the index is updated (deploy/nginx/mscqa.conf, README "More than one server").

Builds an index of a temporary copy of corpus/, starts REPLICAS `mscqa serve` processes on that
one index folder and Debian's nginx in front of them (the shipped configuration with loopback
ports; its files, logs and pid in the temporary folder, so no root paths are needed), then runs
CLIENTS gradio_client clients through nginx for SECONDS, each pausing about THINK seconds
between an answer and its next question, as a reader does. At 30% of SECONDS replica 1 gets
SIGTERM (what `kill` and an orchestrator send; `--signal KILL` for a crash) and is started again;
once it answers, an article is edited and `mscqa index update` runs. The clients go on until
every replica, asked directly, quotes the edited sentence and reports the new index version.

Why the pause matters: gradio_client keeps one stream per session for its answers, open until
the last answer it waits for has arrived. A session moved to another replica (its own stopped,
or back after a restart) while that stream is open loses the question sent meanwhile; `--think
0` (questions back to back) shows that cost.

Prints a table by phase, requests per replica from nginx's log, and last one JSON line:
{"replicas": 2, "requests": n, "failed": n, "killed_replica": true, "switched_version": true}
Exits 1 on a failed request, a replica that did not come back or did not switch.

    .venv/bin/python benchmarks/replicas.py --seconds 30
    .venv/bin/python benchmarks/replicas.py --seconds 30 --signal KILL
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from load import QUESTIONS, free_port, is_reply, percentile, run_cli

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "deploy" / "nginx" / "mscqa.conf"
MSCQA = [sys.executable, "-m", "mscqa"]


# nginx


def nginx_config(site: str, listen: int, replicas: list[int], folder: Path) -> str:
    """A whole nginx.conf around the shipped site file, with loopback ports and every path in
    `folder`. Fails loudly if the site file no longer has the lines it replaces."""
    server = re.compile(r"^(\s*)server\s+127\.0\.0\.1:\d+(\s[^;]*)?;\n", re.MULTILINE)
    found = server.findall(site)
    if not found:
        raise SystemExit(f"{SITE} has no `server 127.0.0.1:PORT` line in its upstream")
    indent, options = found[0]
    lines = "".join(f"{indent}server 127.0.0.1:{port}{options};\n" for port in replicas)
    site = server.sub("", site, count=len(found) - 1)  # keep the last one's place
    site = server.sub(lambda _: lines, site, count=1)
    site, listens = re.subn(
        r"^(\s*)listen\s+[^;]+;", rf"\1listen 127.0.0.1:{listen};", site, flags=re.MULTILINE
    )
    site, logs = re.subn(r"access_log\s+/\S+", f"access_log {folder}/access.log", site)
    if listens != 1 or logs != 1:
        raise SystemExit(f"{SITE} should have one `listen` and one `access_log` line")
    return f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site}
}}
"""


def write_nginx_config(folder: Path, listen: int, replicas: list[int]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # nginx started by root runs its workers as nobody
    path = folder / "nginx.conf"
    path.write_text(nginx_config(SITE.read_text(), listen, replicas, folder), encoding="utf-8")
    return path


def nginx_command(folder: Path, config: Path, *args: str) -> list[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return [nginx, "-p", str(folder), "-c", str(config), *args]


# replicas


@dataclass
class Replica:
    number: int
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*MSCQA, "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.starts += 1

    def health(self) -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as r:
                return dict(json.load(r))
        except OSError:
            return None

    def wait_until_up(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.health() is None:
            assert self.process is not None
            if self.process.poll() is not None:
                raise SystemExit(f"replica {self.number} exited: see {self.log}")
            if time.monotonic() > deadline:
                raise SystemExit(f"replica {self.number} did not start in {seconds:.0f}s")
            time.sleep(0.3)

    def stop(self, sig: int = signal.SIGTERM, seconds: float = 30) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# clients


@dataclass
class Request:
    started: float
    seconds: float
    failure: str | None


@dataclass
class Requests:
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: list[Request] = field(default_factory=list)

    def add(self, request: Request) -> None:
        with self.lock:
            self.done.append(request)


def client_loop(
    url: str, offset: int, titles: list[str], stop: threading.Event, out: Requests, think: float
) -> None:
    from gradio_client import Client

    client = None
    while client is None and not stop.is_set():
        started = time.monotonic()
        try:
            # The default 5 s timeout is for a quiet machine; this one may be busy.
            client = Client(url, verbose=False, httpx_kwargs={"timeout": 60})
        except Exception as exc:  # connecting counts as a request too
            out.add(Request(started, time.monotonic() - started, f"connecting: {exc!r:.160}"))
    if client is None:
        return
    number = offset
    pause = random.Random(offset)
    while not stop.wait(think * pause.uniform(0.5, 1.5) if number > offset else 0):
        question = QUESTIONS[number % len(QUESTIONS)]
        number += 1
        started = time.monotonic()
        try:
            reply = client.predict(question, api_name="/chat")
            failure = None if is_reply(reply, titles) else f"unexpected reply: {str(reply)[:120]}"
        except Exception as exc:  # a failed request is what this benchmark counts
            failure = f"{type(exc).__name__}: {str(exc)[:160]}"
        out.add(Request(started, time.monotonic() - started, failure))
    client.close()


def serves_edit(port: int, marker: str) -> bool:
    """The replica quotes the sentence the edit added (asked directly, not through nginx)."""
    from gradio_client import Client

    client = Client(f"http://127.0.0.1:{port}/", verbose=False)
    try:
        reply = client.predict(
            f"Did the clinic review this summary again, {marker}?", api_name="/chat"
        )
    finally:
        client.close()
    return f"({marker})" in re.sub(r"\\(.)", r"\1", str(reply))


# the run


@dataclass
class Timeline:
    started: float = 0.0
    stopped: float | None = None  # the signal was sent
    exited: float | None = None
    back: float | None = None  # the restarted replica answers /healthz
    updated: float | None = None  # `mscqa index update` finished
    switched: float | None = None  # every replica serves the new version
    new_version: str = ""
    drained: str = ""  # what the stopped replica logged as it stopped
    update_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def run_plan(
    replicas: list[Replica],
    env: dict[str, str],
    corpus: Path,
    index: Path,
    seconds: float,
    sig: int,
    line: Timeline,
) -> None:
    victim = replicas[0]
    time.sleep(max(0.0, line.started + 0.3 * seconds - time.monotonic()))
    line.stopped = time.monotonic()
    before = victim.log.stat().st_size
    victim.stop(sig)
    line.exited = time.monotonic()
    with victim.log.open("rb") as log:
        log.seek(before)
        line.drained = " ".join(
            re.findall(r"stopping after [^\n]*", log.read().decode(errors="replace"))
        )
    victim.start()
    victim.wait_until_up(300)
    line.back = time.monotonic()
    # Give the restarted replica a moment of traffic before the update.
    time.sleep(max(0.0, line.started + 0.6 * seconds - time.monotonic()))
    article = sorted(corpus.glob("*.md"))[1]
    marker = "edit 1"
    with article.open("a", encoding="utf-8") as handle:
        handle.write(f"\nThe clinic reviewed this summary again ({marker}).\n")
    began = time.monotonic()
    done = run_cli(env, "index", "update", "--json")
    line.update_seconds = time.monotonic() - began
    line.updated = time.monotonic()
    if done.returncode != 0:
        line.problems.append(f"index update failed: {done.stderr.strip()[-300:]}")
        return
    line.new_version = json.loads((index / "CURRENT.json").read_text())["current"]
    deadline = time.monotonic() + 60
    pending = list(replicas)
    while pending and time.monotonic() < deadline:
        pending = [
            r
            for r in pending
            if (r.health() or {}).get("index_version") != line.new_version
            or not serves_edit(r.port, marker)
        ]
        if pending:
            time.sleep(0.5)
    if pending:
        line.problems.append(f"replicas {[r.number for r in pending]} did not switch")
    else:
        line.switched = time.monotonic()


def upstream_counts(access_log: Path, ports: list[int]) -> tuple[Counter[str], int, int]:
    """Questions sent to each replica (queue/join POSTs), requests nginx retried on another
    replica, and requests nginx answered with an error."""
    served: Counter[str] = Counter()
    retried = errors = 0
    for entry in access_log.read_text(encoding="utf-8").splitlines():
        upstream = re.search(r"upstream=(\S+(?:, \S+)*) upstream_status", entry)
        status = entry.split(" ", 2)[1] if entry.count(" ") >= 2 else ""
        if upstream and "," in upstream.group(1):
            retried += 1
        if status.startswith("5"):
            errors += 1
        if " POST /gradio_api/queue/join " in entry and upstream:
            last = upstream.group(1).split(", ")[-1]
            served[last.rsplit(":", 1)[-1]] += 1
    return served, retried, errors


def table(requests: list[Request], line: Timeline) -> list[tuple[str, list[Request]]]:
    end = max((r.started for r in requests), default=line.started) + 1
    marks = [
        ("both replicas up", line.started, line.stopped or end),
        ("replica 1 stopped", line.stopped or end, line.back or end),
        ("replica 1 back", line.back or end, line.updated or end),
        ("after index update", line.updated or end, end),
    ]
    return [(name, [r for r in requests if a <= r.started < b]) for name, a, b in marks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the load")
    parser.add_argument("--clients", type=int, default=20, help="concurrent chat clients")
    parser.add_argument("--replicas", type=int, default=2, help="mscqa serve processes")
    parser.add_argument(
        "--signal",
        default="TERM",
        choices=["TERM", "INT", "KILL"],
        help="how replica 1 is stopped (TERM: as `kill` or an orchestrator)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="seconds a client waits between an answer and its next question (0.5x to 1.5x)",
    )
    args = parser.parse_args()
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("nginx is not installed: run `apt-get install -y nginx` (Debian)")

    work = Path(tempfile.mkdtemp(prefix="mscqa-replicas-"))
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(ROOT / "corpus", corpus)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSCQA_")}
    env.update(
        MSCQA_CORPUS_DIR=str(corpus),
        MSCQA_INDEX_DIR=str(index),
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        NO_PROXY="127.0.0.1,localhost",
    )
    built = run_cli(env, "index", "build", "--json")
    if built.returncode != 0:
        raise SystemExit(f"index build failed: {built.stderr.strip()}")
    titles = [
        line.split(":", 1)[1].strip().strip("'\"")
        for path in corpus.glob("*.md")
        for line in path.read_text(encoding="utf-8").splitlines()[:6]
        if line.startswith("title:")
    ]
    replicas = [
        Replica(
            number,
            free_port(),
            # Feedback and the gap log are kept per replica (README: what is stateful).
            {**env, "MSCQA_VAR_DIR": str(work / "var" / f"replica-{number}")},
            work / f"replica-{number}.log",
        )
        for number in range(1, args.replicas + 1)
    ]
    listen = free_port()
    folder = work / "nginx"
    config = write_nginx_config(folder, listen, [r.port for r in replicas])
    nginx: subprocess.Popen[bytes] | None = None
    requests = Requests()
    line = Timeline()
    stop = threading.Event()
    try:
        checked = subprocess.run(
            nginx_command(folder, config, "-t", "-q"), capture_output=True, text=True, check=False
        )
        if checked.returncode != 0:
            raise SystemExit(f"nginx -t failed: {checked.stderr.strip()}")
        for replica in replicas:
            replica.start()
        for replica in replicas:
            replica.wait_until_up(300)
        nginx = subprocess.Popen(
            nginx_command(folder, config, "-g", "daemon off;"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{listen}/"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}healthz", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline or nginx.poll() is not None:
                    raise SystemExit(f"nginx did not start: see {folder}/error.log") from None
                time.sleep(0.2)

        line.started = time.monotonic()
        clients = [
            threading.Thread(target=client_loop, args=(url, n, titles, stop, requests, args.think))
            for n in range(args.clients)
        ]
        for client in clients:
            client.start()
        plan = threading.Thread(
            target=run_plan,
            args=(
                replicas,
                env,
                corpus,
                index,
                args.seconds,
                getattr(signal, f"SIG{args.signal}"),
                line,
            ),
        )
        plan.start()
        # SECONDS of load, and on until the plan is through (at most 10x SECONDS).
        time.sleep(args.seconds)
        plan.join(timeout=max(0.0, 10 * args.seconds - args.seconds))
        time.sleep(2)  # a little traffic on the switched replicas
        stop.set()
        for client in clients:
            client.join(120)
        elapsed = time.monotonic() - line.started
    finally:
        stop.set()
        for replica in replicas:
            replica.stop(signal.SIGTERM)
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)  # graceful: finish what is under way
            try:
                nginx.wait(20)
            except subprocess.TimeoutExpired:
                nginx.kill()

    done = sorted(requests.done, key=lambda r: r.started)
    failed = [r for r in done if r.failure]
    served, retried, errors = upstream_counts(folder / "access.log", [r.port for r in replicas])
    print(
        f"{args.clients} clients through nginx, {len(replicas)} replicas, "
        f"replica 1 stopped with SIG{args.signal}, {elapsed:.0f}s"
    )
    print(f"{'phase':22} {'seconds':>8} {'requests':>9} {'failed':>7} {'p50 s':>7} {'p95 s':>7}")
    for name, rows in table(done, line):
        if not rows:
            print(f"{name:22} {0:8.1f} {0:9d} {0:7d} {'-':>7} {'-':>7}")
            continue
        span = rows[-1].started - rows[0].started
        latencies = sorted(r.seconds for r in rows)
        print(
            f"{name:22} {span:8.1f} {len(rows):9d} {sum(1 for r in rows if r.failure):7d} "
            f"{percentile(latencies, 50):7.2f} {percentile(latencies, 95):7.2f}"
        )
    latencies = sorted(r.seconds for r in done)
    print(
        f"{'all':22} {elapsed:8.1f} {len(done):9d} {len(failed):7d} "
        f"{percentile(latencies, 50):7.2f} {percentile(latencies, 95):7.2f}"
    )
    for replica in replicas:
        print(
            f"replica {replica.number} (port {replica.port}): {served[str(replica.port)]} "
            f"questions, started {replica.starts}x"
        )
    print(f"nginx: {retried} requests retried on another replica, {errors} answered 5xx")
    if line.stopped and line.exited and line.back:
        print(
            f"replica 1: stopped in {line.exited - line.stopped:.1f}s"
            f"{f' ({line.drained})' if line.drained else ''}, answering again "
            f"{line.back - line.exited:.1f}s after it was started"
        )
    if line.updated:
        switched = f"{line.switched - line.updated:.1f}s" if line.switched else "never"
        print(
            f"index update: {line.update_seconds:.1f}s, every replica on {line.new_version} "
            f"{switched} after it finished"
        )
    for problem in line.problems:
        print(f"problem: {problem}")
    for request in failed[:5]:
        print(f"failed at {request.started - line.started:.1f}s: {request.failure}")
    killed = bool(line.back) and replicas[0].starts == 2
    switched = line.switched is not None
    print(
        json.dumps(
            {
                "replicas": len(replicas),
                "requests": len(done),
                "failed": len(failed),
                "killed_replica": killed,
                "switched_version": switched,
            }
        )
    )
    if failed or not killed or not switched:
        print(f"logs kept in {work}", file=sys.stderr)
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
