"""A whole draft checked at once: `mscqa check --file DRAFT --json` on a 30-statement draft,
next to `mscqa check --json` reading the same 30 statements from stdin in one process (the
baseline). Both pay the same start-up (index and model); the draft adds reading, splitting and
the report, which should be cheap next to the checks (target: at most 1.5x).

    .venv/bin/mscqa index build && .venv/bin/python benchmarks/draft_check.py [--runs 3]

Each command runs once to warm the page cache, then the two take turns `--runs` times (so that
they meet the same load); the table shows medians. The draft is written here, with headings, a
greeting, a question and a sign-off that the split must leave out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from chat_server import ROOT, environment

TARGET = 1.5
MSCQA = [sys.executable, "-m", "mscqa"]
# Thirty statements of the kind a clinic leaflet makes about the articles' topics: some say what
# an article says, some change a number or a direction, some are about things no article covers.
STATEMENTS = (
    "Osteoarthritis of the hip wears away the cartilage of the joint.",
    "In the hip study the stem cells were injected into the joint.",
    "Patients in the hip study were followed for more than a year.",
    "Hip replacement is the final treatment for a worn hip joint.",
    "Hip scores improved after the stem cell injection.",
    "The hip study enrolled 500 patients from four countries.",
    "Pain medicines only ease the symptoms of hip osteoarthritis.",
    "Mesenchymal stem cells can calm an overactive immune system.",
    "Stem cells release signals that reduce inflammation.",
    "Stem cell treatment lowered the risk of kidney rejection.",
    "Autoimmune diseases happen when the body attacks its own tissues.",
    "Mesenchymal stem cells make the immune system attack harder.",
    "Steroids are used to control flare-ups of autoimmune disease.",
    "Multiple sclerosis damages the coating of nerve fibres.",
    "Relapsing-remitting MS is the most common form of the disease.",
    "A meta-analysis pooled studies of stem cells in multiple sclerosis.",
    "Most MS patients in the studies got worse after stem cell treatment.",
    "Disease-modifying drugs can slow the course of multiple sclerosis.",
    "MS affects twice as many men as women worldwide.",
    "Chronic pain lasts for more than 12 weeks.",
    "About one in three Americans lives with chronic pain.",
    "Opioids can lead to dependence when taken for a long time.",
    "Nerve damage is one cause of pain that lasts.",
    "Stem cells may help repair the tissue behind chronic pain.",
    "Chronic pain is rare in adults over fifty.",
    "ALS destroys the nerve cells that control muscles.",
    "Riluzole was the first drug approved for ALS.",
    "Stem cell injections were safe in people with ALS.",
    "Edaravone cures ALS within six months.",
    "Our waiting room has free coffee for every visitor.",
)


def write_draft(folder: Path) -> Path:
    """The statements as a Markdown leaflet, five to a section."""
    lines = ["# Stem cell research: what the studies say", "", "Dear reader,", ""]
    for start in range(0, len(STATEMENTS), 5):
        lines += [f"## Part {start // 5 + 1}", "", "What did the studies find?", ""]
        lines += [" ".join(STATEMENTS[start : start + 3]), ""]
        lines += [f"- {s}" for s in STATEMENTS[start + 3 : start + 5]] + [""]
    lines += ["Kind regards,", "", "The editors"]
    path = folder / "leaflet.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(command: list[str], env: dict[str, str], stdin: str | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:])} failed: {done.stderr.strip()}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    args = parser.parse_args()
    env = environment(args.index)
    with tempfile.TemporaryDirectory() as folder:
        draft = write_draft(Path(folder))
        file_command = [*MSCQA, "check", "--file", str(draft), "--json"]
        stdin_command = [*MSCQA, "check", "--json"]
        stdin_text = "\n".join(STATEMENTS) + "\n"

        _, out = timed(file_command, env)
        checked = json.loads(out)
        found = [s["statement"] for s in checked["statements"]]
        if found != list(STATEMENTS):
            raise SystemExit(f"the draft split into {len(found)} statements, not the 30 written")
        _, out = timed(stdin_command, env, stdin_text)
        alone = [json.loads(line) for line in out.splitlines()]
        if alone != checked["statements"]:
            raise SystemExit("check --file and check on stdin disagree on a verdict")

        file_times, stdin_times = [], []
        for _ in range(args.runs):
            file_times.append(timed(file_command, env)[0])
            stdin_times.append(timed(stdin_command, env, stdin_text)[0])
    file_median = statistics.median(file_times)
    stdin_median = statistics.median(stdin_times)
    ratio = file_median / stdin_median
    print(f"| command ({len(STATEMENTS)} statements, median of {args.runs}) | seconds | ratio |")
    print("|---|---|---|")
    print(f"| `mscqa check --json` < statements (baseline) | {stdin_median:.2f} | 1.00 |")
    print(f"| `mscqa check --file leaflet.md --json` | {file_median:.2f} | {ratio:.2f} |")
    print()
    print(f"summary: {checked['summary']}")
    print(f"ratio {ratio:.2f}x (target <= {TARGET}x): {'met' if ratio <= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
