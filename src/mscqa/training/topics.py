"""Names of the conditions, drugs and tests people ask NIH sites about, from MedQuAD's `focus`
field, written to src/mscqa/data/medquad_topics.txt for `search/scope.py`:

    python -m mscqa.training.topics [--medquad PATH] [--out PATH] [--half 0|1]

A question naming one of them that no article mentions asks about something else ("Can stem
cells treat tinnitus?"). The hand-written conditions.txt holds the everyday names; this list
adds thousands more that nobody would type out, each short enough to be said in a question.
`--half` keeps the names of one half (`half_of`), so that `benchmarks/consumer_oos.py --half`
can ask MedQuAD's questions about the other half's names, none of them in the list.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from mscqa.config import DATA_DIR
from mscqa.index.store import sha256_file
from mscqa.text.frequency import zipf
from mscqa.text.terms import normalize
from mscqa.training.ranker import DEFAULT_MEDQUAD

TOPICS_FILE = DATA_DIR / "medquad_topics.txt"
# Longer names are titles of pages ("HIV/AIDS and pregnancy"), not what a patient types.
MAX_WORDS = 4
# A one-word name this common in English is a word first ("falls", "balance", "sleep"): a
# question using it need not be about that topic.
MAX_SINGLE_WORD_ZIPF = 4.5
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_NAME = re.compile(r"^[a-z0-9][a-z0-9' -]*[a-z0-9]$")


def names_of(focus: str) -> list[str]:
    """The names one MedQuAD focus gives: "Bile Duct Cancer (Cholangiocarcinoma)" -> "bile
    duct cancer", "cholangiocarcinoma"; "HIV/AIDS" -> "hiv", "aids"; none for a page title
    ("What I need to know about ...: ...")."""
    if ":" in focus or "?" in focus:
        return []
    inside = _PARENTHESIS.findall(focus)
    outside = _PARENTHESIS.sub(" ", focus)
    found = []
    for part in [*outside.split("/"), *inside]:
        name = " ".join(normalize(part).replace(",", " ").split())
        if not name or not _NAME.match(name) or len(name.split()) > MAX_WORDS:
            continue
        if " " not in name and (len(name) < 4 or zipf(name) >= MAX_SINGLE_WORD_ZIPF):
            continue
        found.append(name)
    return found


def half_of(focus: str) -> int:
    """0 or 1, the same for a focus on every machine (the first byte of its sha256)."""
    return hashlib.sha256(focus.lower().encode("utf-8")).digest()[0] % 2


def focuses(path: Path) -> list[str]:
    """MedQuAD's focus names, each once, in file order."""
    seen: dict[str, None] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            seen.setdefault(json.loads(line)["focus"], None)
    return list(seen)


def topic_names(all_focuses: Iterable[str], half: int | None = None) -> list[str]:
    names = {
        name
        for focus in all_focuses
        if half is None or half_of(focus) == half
        for name in names_of(focus)
    }
    return sorted(names)


def write_topics(names: Sequence[str], source: Path, out: Path, half: int | None) -> None:
    which = "every focus" if half is None else f"the focuses of half {half} (training/topics.py)"
    header = [
        "# Names of conditions, drugs and tests from MedQuAD's `focus` field (Ben Abacha and",
        "# Demner-Fushman 2019, CC BY 4.0), made by `python -m mscqa.training.topics`:",
        "# do not edit.",
        f"# Source: {source.name} sha256 {sha256_file(source)}; {which}; {len(names)} names.",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text("\n".join([*header, *names]) + "\n", encoding="utf-8")
    os.replace(tmp, out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--medquad", type=Path, default=DEFAULT_MEDQUAD)
    parser.add_argument("--out", type=Path, default=TOPICS_FILE)
    parser.add_argument("--half", type=int, choices=(0, 1), default=None)
    args = parser.parse_args(argv)
    if not args.medquad.is_file():
        raise SystemExit(f"MedQuAD not found at {args.medquad}: pass --medquad PATH")
    names = topic_names(focuses(args.medquad), args.half)
    write_topics(names, args.medquad, args.out, args.half)
    print(f"{len(names)} names -> {args.out}")


if __name__ == "__main__":
    main()
