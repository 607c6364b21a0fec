"""Time from `mscqa serve` to the first answered question, and first vs. later answers.

    .venv/bin/python benchmarks/serve_start.py [--index DIR] [--runs N]

Starts the server on a free loopback port over the given index (default: index/), asks one
question through the HTTP API as soon as the page is up, then asks N more. The model and index
load before the page is served, so the first answer should cost about the same as the others
(the ratio printed last).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

QUESTIONS = (
    "What symptoms does ALS cause?",
    "How were the stem cells given to people with hip osteoarthritis?",
    "Why is chronic pain so hard to treat?",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default="index")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "MSCQA_INDEX_DIR": args.index, "NO_PROXY": "127.0.0.1,localhost"}
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "mscqa", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            while True:
                if proc.poll() is not None:
                    log.seek(0)
                    sys.exit(f"mscqa serve exited:\n{log.read().decode()}")
                try:
                    with urllib.request.urlopen(url + "config", timeout=2):
                        break
                except OSError:
                    time.sleep(0.1)
            ready = time.perf_counter() - started

            from gradio_client import Client

            client = Client(url, verbose=False)
            t0 = time.perf_counter()
            client.predict(QUESTIONS[0], api_name="/chat")
            first_latency = time.perf_counter() - t0
            first_answer = time.perf_counter() - started
            latencies = []
            for run in range(args.runs):
                t0 = time.perf_counter()
                client.predict(QUESTIONS[run % len(QUESTIONS)], api_name="/chat")
                latencies.append(time.perf_counter() - t0)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    typical = statistics.median(latencies)
    print(f"serve start -> page ready        {ready:6.2f} s")
    print(f"serve start -> first answer      {first_answer:6.2f} s")
    print(f"first question's own latency     {first_latency:6.3f} s")
    print(f"later answers (median of {args.runs:>2})    {typical:6.3f} s")
    print(f"first / later                    {first_latency / typical:6.2f}x")
    print(f"checked index: {Path(args.index).resolve()}")


if __name__ == "__main__":
    main()
