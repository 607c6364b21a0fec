"""Resident memory of a chat server holding 1k, 10k and 100k synthetic passages (see
synthetic.py), measured after it answered its first question.

    .venv/bin/python benchmarks/memory.py [--sizes 1000 10000 100000]

For scale, the size of the index version on disk is shown next to it.
"""

from __future__ import annotations

import argparse

from chat_server import free_port, process_rss, start_server, stop, wait_for_answer
from mscqa.index.store import current_version
from synthetic import OWN_QUESTIONS, ROOT, SIZES, build_synthetic_index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    rows = []
    for size in [0, *args.sizes]:
        index_dir = ROOT / "index" if size == 0 else build_synthetic_index(size)
        version = index_dir / "versions" / current_version(index_dir)
        on_disk = sum(p.stat().st_size for p in version.rglob("*") if p.is_file())
        port = free_port()
        process = start_server(index_dir, port)
        try:
            wait_for_answer(port, OWN_QUESTIONS[0], process, limit=600)
            rss = process_rss(process.pid)
        finally:
            stop(process)
        label = "shipped corpus (index/)" if size == 0 else f"{size:,} passages"
        rows.append(f"| {label} | {on_disk / 2**20:.1f} | {rss / 2**20:.0f} |")
    print("\nResident memory of `mscqa serve` after its first answer\n")
    print("| index | version on disk MB | server RSS MB |")
    print("|---|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
