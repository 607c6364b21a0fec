"""Cold start: a fresh `mscqa ask "..."` to its answer, and a fresh `mscqa serve` to its first
answered HTTP request, next to the naive baseline (a script that imports sentence-transformers,
loads the same model and encodes one sentence).

    .venv/bin/mscqa index build && .venv/bin/python benchmarks/cold_start.py [--runs 3]

Each command runs once to warm the page cache, then the commands take turns `--runs` times
(so that they meet the same load); the table shows medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from chat_server import (
    MSCQA,
    NAIVE_BASELINE,
    ROOT,
    environment,
    free_port,
    start_server,
    stop,
    wait_for_answer,
)
from mscqa.config import Settings
from mscqa.index.embedder import model_fingerprint
from mscqa.index.onnx_backend import find_export

QUESTION = "Is a stem cell injection safe for people with ALS?"
TARGET = 0.5  # `mscqa ask` cold at most half the naive baseline
NAIVE = "naive baseline (import sentence-transformers, load, encode one sentence)"
ASK = "`mscqa ask` (ONNX export, default)"


def run_once(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed: {done.stderr.strip()}")
    return elapsed


def serve_once(index_dir: Path) -> float:
    port = free_port()
    started = time.perf_counter()
    process = start_server(index_dir, port)
    try:
        wait_for_answer(port, QUESTION, process, limit=180)
        return time.perf_counter() - started
    finally:
        stop(process)


def interleaved(runs: int, commands: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Run the commands in turn, `runs` rounds after one warm-up round, so that every command
    meets the same load on the machine."""
    for once in commands.values():
        once()  # warms the page cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, once in commands.items():
            times[name].append(once())
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    model_dir = Settings().model_path
    index_dir = ROOT / "index"
    if find_export(index_dir, model_fingerprint(model_dir)) is None:
        raise SystemExit("index/ has no ONNX export for the model: run `mscqa index build` first")
    env = environment(index_dir)
    torch_env = {**env, "MSCQA_EMBEDDER": "torch"}
    times = interleaved(
        args.runs,
        {
            NAIVE: lambda: run_once(
                [sys.executable, "-c", NAIVE_BASELINE, str(model_dir), QUESTION], env
            ),
            ASK: lambda: run_once([MSCQA, "ask", QUESTION], env),
            "`mscqa ask` with MSCQA_EMBEDDER=torch": lambda: run_once(
                [MSCQA, "ask", QUESTION], torch_env
            ),
            "`mscqa serve` to first answered HTTP request": lambda: serve_once(index_dir),
        },
    )
    rows = {name: (statistics.median(values), values) for name, values in times.items()}
    naive = next(iter(rows.values()))[0]
    print(
        f"\n{os.cpu_count()} CPUs; median of {args.runs} interleaved runs after a warm-up round\n"
    )
    print("| command | median s | runs s | x naive |")
    print("|---|---:|---|---:|")
    for name, (median, values) in rows.items():
        runs = ", ".join(f"{t:.2f}" for t in values)
        print(f"| {name} | {median:.2f} | {runs} | {median / naive:.2f}x |")
    ask_ratio = rows[ASK][0] / naive
    verdict = "met" if ask_ratio <= TARGET else "missed"
    print(
        f"\n`mscqa ask` cold: {ask_ratio:.2f}x the naive baseline (target <= {TARGET}x: {verdict})"
    )


if __name__ == "__main__":
    main()
