"""Concurrent chat: N clients on loopback asking through the HTTP API for a bounded time.

    .venv/bin/mscqa index build && .venv/bin/python benchmarks/concurrency.py [--clients 20]
        [--seconds 60] [--index DIR]

Each client asks questions in turn (a new one as soon as the last is answered) until the time
is up. Prints requests per second, p50/p95 latency, errors (must be 0) and the server's peak
resident memory, sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from pathlib import Path

import numpy as np

from chat_server import ROOT, ask, free_port, process_rss, start_server, stop, wait_for_answer
from synthetic import OWN_QUESTIONS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    args = parser.parse_args()
    port = free_port()
    process = start_server(args.index, port)
    latencies: list[float] = []
    errors: list[str] = []
    peak = 0
    lock = threading.Lock()
    try:
        wait_for_answer(port, OWN_QUESTIONS[0], process, limit=300)
        peak = process_rss(process.pid)
        deadline = time.monotonic() + args.seconds

        def client(number: int) -> None:
            turn = number
            while time.monotonic() < deadline:
                question = OWN_QUESTIONS[turn % len(OWN_QUESTIONS)]
                turn += 1
                started = time.perf_counter()
                try:
                    answer = ask(port, question)
                    if not answer:
                        raise RuntimeError("empty answer")
                except Exception as exc:
                    with lock:
                        errors.append(repr(exc))
                    continue
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            peak = max(peak, process_rss(process.pid))
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        stop(process)
    print(f"\n{args.clients} clients for {args.seconds:g}s against {args.index}\n")
    print("| clients | requests | req/s | p50 ms | p95 ms | errors | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = float(np.percentile(latencies, 95)) if latencies else float("nan")
    print(
        f"| {args.clients} | {len(latencies)} | {len(latencies) / elapsed:.1f} | {p50:.0f} | "
        f"{p95:.0f} | {len(errors)} | {peak / 2**20:.0f} |"
    )
    if errors:
        print("\nfirst errors:", *sorted(set(errors))[:5], sep="\n  ")


if __name__ == "__main__":
    main()
