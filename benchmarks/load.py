"""Reliability under load: concurrent chat clients while the index is updated and one request
sends 1 MB, and whether the server's memory returns to its baseline afterwards.

Starts `mscqa serve` (real model) on a free loopback port over a private copy of corpus/ and its
index, then runs CLIENTS threads, each asking questions through the HTTP API (gradio_client) for
SECONDS. Meanwhile it edits an article and runs `mscqa index update` twice, and one client sends
a 1 MB question. It prints requests served, failures for valid questions (target: 0), what the
1 MB request got back, latency percentiles, and the server's memory (RSS, psutil).

"Back to baseline" means: the baseline is the RSS of a warmed server, one that has answered a
round of SECONDS/2 from CLIENTS clients (so lazy imports, allocator pools and per-version caches
that any served index fills are counted once). After the load with its two updates and the 1 MB
request, ROUNDS more rounds of SECONDS/2 from new clients follow; memory is back to baseline
when the RSS after the last round is within TOLERANCE (1.05 x) of the baseline and the last
round grew it by less than GROWTH (1.01 x). The script exits non-zero otherwise, or on any
failed request, a failed update or a 1 MB request not refused. The server forgets sessions
idle for SECONDS/2 (--session-idle; 3600 s when served for real), so that a few rounds show
what hours of traffic would.

    .venv/bin/python benchmarks/load.py                 # 20 clients, 60 s, 3 more rounds
    .venv/bin/python benchmarks/load.py --seconds 10    # a quick run
    .venv/bin/python benchmarks/load.py --trace DIR     # also diff Python allocations (slow)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
MSCQA = [sys.executable, "-m", "mscqa"]

# Our own questions of the kinds patients ask, answered or not by the articles.
QUESTIONS = [
    "Can stem cells from bone marrow ease arthritis of the hip?",
    "How do mesenchymal cells calm an overactive immune response?",
    "Is it safe to give stem cells to someone with ALS?",
    "Did patients with multiple sclerosis get better after the cells were transplanted?",
    "Can stem cell therapy reduce long-lasting nerve pain?",
    "What were the side effects reported in the trials?",
    "How many patients were enrolled in the hip trial?",
    "Do stem cells help with hair loss?",
    "Which foods should a marathon runner eat?",
    "Where do the cells used in these studies come from?",
]
ONE_MEGABYTE = "stem cells " * (1_000_000 // len("stem cells "))


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, seconds: float, failure: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if failure:
                self.failures.append(failure)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MSCQA, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=600,
    )


def wait_until_up(process: subprocess.Popen[bytes], url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {seconds:.0f}s")


def _plain(reply: Any) -> str:
    """The reply's text without Markdown escapes ("\\(" -> "(")."""
    text = reply if isinstance(reply, str) else json.dumps(reply, ensure_ascii=False)
    return re.sub(r"\\(.)", r"\1", text)


def is_reply(reply: Any, titles: list[str]) -> bool:
    """A quote from an article (its title shown) or the plain "not covered" reply."""
    text = _plain(reply)
    return any(title in text for title in titles) or "do not cover" in text


def client_loop(
    url: str, keep_going: Callable[[], bool], offset: int, titles: list[str], tally: Tally
) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    i = offset
    while keep_going():
        question = QUESTIONS[i % len(QUESTIONS)]
        i += 1
        started = time.perf_counter()
        try:
            reply = client.predict(question, api_name="/chat")
            failure = None if is_reply(reply, titles) else f"unexpected reply: {str(reply)[:120]}"
        except Exception as exc:  # a failed request is what this benchmark counts
            failure = f"{type(exc).__name__}: {str(exc)[:120]}"
        tally.add(time.perf_counter() - started, failure)


def steady_load(
    url: str, seconds: float, clients: int, titles: list[str], process: psutil.Process
) -> tuple[Tally, int]:
    """CLIENTS new clients asking for SECONDS; the server's RSS once they are done."""
    tally = Tally()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=client_loop, args=(url, lambda: time.monotonic() < stop_at, n, titles, tally)
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(3)
    return tally, process.memory_info().rss


def sample_memory(process: psutil.Process, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], process.memory_info().rss)
        except psutil.Error:
            return
        time.sleep(0.2)


def percentile(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def update_index(env: dict[str, str], corpus: Path, number: int) -> dict[str, Any]:
    article = sorted(corpus.glob("*.md"))[number % 5]
    with article.open("a", encoding="utf-8") as handle:
        handle.write(f"\nThe clinic reviewed this summary again (edit {number}).\n")
    started = time.perf_counter()
    done = run_cli(env, "index", "update", "--json")
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return {"ok": False, "seconds": seconds, "error": done.stderr.strip()[-300:]}
    return {"ok": True, "seconds": round(seconds, 1), **json.loads(done.stdout)}


TOLERANCE = 1.05  # RSS after the last round over the warmed baseline
GROWTH = 1.01  # RSS after the last round over the round before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the load")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--rounds", type=int, default=3, help="rounds after the load")
    parser.add_argument(
        "--trace", type=Path, help="run the server with tracemalloc, snapshots in this folder"
    )
    parser.add_argument(
        "--session-idle",
        type=float,
        help="forget web sessions idle this long (MSCQA_SESSION_IDLE_SECONDS; default SECONDS/2)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mscqa-load-"))
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(ROOT / "corpus", corpus)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSCQA_")}
    env.update(
        MSCQA_CORPUS_DIR=str(corpus),
        MSCQA_INDEX_DIR=str(index),
        MSCQA_FEEDBACK_PATH=str(work / "var" / "feedback.jsonl"),
        GRADIO_ANALYTICS_ENABLED="False",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        MSCQA_SESSION_IDLE_SECONDS=str(args.session_idle or args.seconds / 2),
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

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = (work / "server.log").open("wb")
    serve = [*MSCQA, "serve"]
    if args.trace:
        args.trace = args.trace.resolve()
        serve = [sys.executable, str(ROOT / "benchmarks" / "traced_server.py"), str(args.trace)]
    server = subprocess.Popen(
        [*serve, "--port", str(port)],
        env=env,
        cwd=work,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    tracer = Tracer(server, args.trace)
    try:
        wait_until_up(server, url, 180)
        figures = measure(
            server, url, env, corpus, titles, args.seconds, args.clients, args.rounds, tracer
        )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(work, ignore_errors=True)

    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:32} {value}")
    if args.trace:
        tracer.print_diffs()
    if (
        figures["failures"]
        or figures["rounds_failures"]
        or not figures["one_megabyte_refused"]
        or not all(u["ok"] for u in figures["index_updates"])
        or not figures["back_to_baseline"]
    ):
        sys.exit(1)


class Tracer:
    """Asks a server started by benchmarks/traced_server.py for a snapshot at each mark."""

    def __init__(self, server: subprocess.Popen[bytes], folder: Path | None) -> None:
        self.server, self.folder = server, folder
        self.marks: list[str] = []

    def mark(self, name: str) -> None:
        if self.folder is None:
            return
        report = self.folder / f"{len(self.marks)}.json"
        self.marks.append(name)
        self.server.send_signal(signal.SIGUSR1)
        while not report.exists():
            time.sleep(0.2)
        time.sleep(0.5)  # written, not half-written

    def print_diffs(self, top: int = 20) -> None:
        import tracemalloc

        assert self.folder is not None
        for number, name in enumerate(self.marks):
            report = json.loads((self.folder / f"{number}.json").read_text(encoding="utf-8"))
            print(f"\n{name}: " + json.dumps({k: v for k, v in report.items() if k != "top_types"}))
        first, last = 1, len(self.marks) - 1  # the warmed baseline and the last round
        before = tracemalloc.Snapshot.load(str(self.folder / f"{first}.snapshot"))
        after = tracemalloc.Snapshot.load(str(self.folder / f"{last}.snapshot"))
        noise = tracemalloc.Filter(False, tracemalloc.__file__)
        before, after = before.filter_traces([noise]), after.filter_traces([noise])
        print(f"\nPython allocations kept from '{self.marks[first]}' to '{self.marks[last]}':")
        for stat in after.compare_to(before, "traceback")[:top]:
            print(f"\n{stat.size_diff / 1024:+.1f} KiB in {stat.count_diff:+d} blocks")
            for line in stat.traceback.format(limit=6, most_recent_first=True):
                print("   ", line)


def measure(
    server: subprocess.Popen[bytes],
    url: str,
    env: dict[str, str],
    corpus: Path,
    titles: list[str],
    seconds: float,
    clients: int,
    rounds: int,
    tracer: Tracer,
) -> dict[str, Any]:
    from gradio_client import Client

    process = psutil.Process(server.pid)
    warm = Client(url, verbose=False)
    for question in QUESTIONS * 2:  # lazy imports and first-question work
        warm.predict(question, api_name="/chat")
    time.sleep(1)
    tracer.mark("after warm-up")
    warmed = process.memory_info().rss
    # A warmed server has answered a round of traffic like the ones measured after the load.
    warm_round, baseline = steady_load(url, seconds / 2, clients, titles, process)
    tracer.mark("baseline (warm-up and one round)")

    peak = [baseline]
    stop_sampling = threading.Event()
    sampler = threading.Thread(target=sample_memory, args=(process, stop_sampling, peak))
    sampler.start()

    tally = Tally()
    started = time.monotonic()
    stop_at = started + seconds

    hard_stop = started + 3 * seconds

    def keep_going() -> bool:
        # SECONDS of load, longer only while an update is still running (at most 3x SECONDS).
        now = time.monotonic()
        return now < stop_at or (plan.is_alive() and now < hard_stop)

    threads = [
        threading.Thread(target=client_loop, args=(url, keep_going, n, titles, tally))
        for n in range(clients)
    ]
    updates: list[dict[str, Any]] = []
    big: dict[str, Any] = {}

    def send_one_megabyte() -> None:
        began = time.perf_counter()
        try:
            reply = warm.predict(ONE_MEGABYTE, api_name="/chat")
            big.update(reply=_plain(reply)[:160], error=None)
        except Exception as exc:  # recorded: a crash here is what we look for
            big.update(reply=None, error=f"{type(exc).__name__}: {str(exc)[:160]}")
        big["seconds"] = round(time.perf_counter() - began, 2)

    def run_plan() -> None:
        # Updates run one after the other (the index lock allows one writer); the 1 MB request
        # goes out on its own thread in the middle of the load.
        for share, action in [(0.02, "update"), (0.45, "1mb"), (0.0, "update")]:
            time.sleep(max(0.0, started + share * seconds - time.monotonic()))
            if action == "update":
                updates.append(update_index(env, corpus, len(updates) + 1))
                updates[-1]["done_at_s"] = round(time.monotonic() - started, 1)
            else:
                threading.Thread(target=send_one_megabyte).start()

    plan = threading.Thread(target=run_plan)
    plan.start()
    for thread in threads:
        thread.start()
    for thread in threads:  # they keep going while an update runs, up to 3x SECONDS
        thread.join()
    elapsed = time.monotonic() - started
    plan.join()
    while "seconds" not in big:
        time.sleep(0.1)

    reloaded = _serves_the_update(warm, len(updates))
    time.sleep(3)  # let the server finish what it freed
    after = process.memory_info().rss
    tracer.mark("after the load, updates and 1 MB")

    # The same traffic again from new clients, without updates: memory that grows with each
    # request or session keeps growing round after round; allocator pools level off.
    more = []
    for number in range(rounds):
        more.append(steady_load(url, seconds / 2, clients, titles, process))
        tracer.mark(f"after round {number + 1}")
    stop_sampling.set()
    sampler.join()

    latencies = sorted(tally.latencies)
    mb = 1024 * 1024
    last = more[-1][1] if more else after
    previous = more[-2][1] if len(more) > 1 else after
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "failures": len(tally.failures),
        "failure_examples": tally.failures[:3],
        "p50_latency_s": round(percentile(latencies, 50), 3),
        "p95_latency_s": round(percentile(latencies, 95), 3),
        "index_updates": [
            {
                k: u.get(k)
                for k in ("ok", "seconds", "done_at_s", "changed", "embedded_passages", "error")
            }
            for u in updates
        ],
        "updates_during_load": all(u.get("done_at_s", 1e9) <= elapsed for u in updates),
        "serves_updated_index": reloaded,
        "one_megabyte_reply": big.get("reply") or big.get("error"),
        "one_megabyte_refused": bool(big.get("reply")) and "limit" in str(big.get("reply")),
        "rss_after_warm_up_mb": round(warmed / mb, 1),
        "warm_up_round_requests": len(warm_round.latencies),
        "rss_baseline_mb": round(baseline / mb, 1),
        "rss_peak_mb": round(peak[0] / mb, 1),
        "rss_after_load_mb": round(after / mb, 1),
        "rss_after_load_over_baseline": round(after / baseline, 3),
        "rounds_requests": [len(t.latencies) for t, _ in more],
        "rounds_failures": sum(len(t.failures) for t, _ in more) + len(warm_round.failures),
        "rounds_failure_examples": [
            f for t in (warm_round, *(t for t, _ in more)) for f in t.failures
        ][:3],
        "rss_after_each_round_mb": [round(rss / mb, 1) for _, rss in more],
        "rss_last_over_baseline": round(last / baseline, 3),
        "rss_last_over_previous_round": round(last / previous, 3),
        "back_to_baseline": last <= TOLERANCE * baseline and last <= GROWTH * previous,
    }


def _serves_the_update(client: Any, edits: int) -> bool:
    """The server switched to the updated index: it can quote the sentence the last edit added."""
    time.sleep(3)  # the server looks for a new version every couple of seconds
    reply = client.predict(
        f"Did the clinic review this summary again, edit {edits}?", api_name="/chat"
    )
    return f"(edit {edits})" in _plain(reply)


if __name__ == "__main__":
    main()
