"""Real consumer health questions the articles do not cover: how many are refused.

    .venv/bin/python benchmarks/consumer_oos.py [--questions 300] [--seed 13]
        [--story | --follow-up]

MedQuAD (../shared/train/medquad.jsonl.gz, CC BY 4.0: Ben Abacha and Demner-Fushman 2019) holds
questions people asked NIH sites about drugs, diseases and tests. A fixed-seed draw of them
whose topic (`focus`) is none of the conditions or treatments our articles discuss is asked
through `Engine.ask` on the index in `index/`, as `mscqa ask` asks it: every one should be
refused ("not covered"). With `--story` each question comes at the end of a made-up story, the
way patients write, and goes through `Engine.reply` as the web chat sends it; with
`--follow-up` it is the second turn of a conversation whose first turn asks about one of the
articles (a follow-up must never turn such a question into an answered one). Printed: the
share refused, by question type, and the answered ones with their first quote's article
(`--show`).

The shipped list of MedQuAD's topic names (data/medquad_topics.txt) holds every question's
focus, so by default the share refused is in-sample for that list. `--half N` measures it out
of sample: only questions whose focus falls in half N are drawn, and the list is rebuilt from
the other half's names for the run (`mscqa.training.topics`), none of them the drawn focuses.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.search import scope
from mscqa.training.topics import DEFAULT_MEDQUAD, half_of, topic_names, write_topics

ROOT = Path(__file__).resolve().parents[1]
# Topics the articles discuss (their conditions, and the treatments and cells they describe):
# a question about one of them may rightly be answered, so it is not drawn.
COVERED = re.compile(
    r"multiple sclerosis|amyotrophic|lou gehrig|\bals\b|arthritis|osteoarthritis|\bpain\b|"
    r"lupus|crohn|colitis|diabetes|kidney|renal|transplant|autoimmun|immun|stem cell|"
    r"graft|spinal|hip\b|joint|cartilage|steroid|opioid|riluzole|edaravone|nsaid",
    re.IGNORECASE,
)
# Made up, and naming no condition: the story's words must not decide the answer.
STORIES = (
    "My mother is 68 and her doctor just told her something worrying. We have read a lot "
    "online and tried a few things already. ",
    "I'm 45, married with two kids, and I've been feeling unwell for months; my GP referred "
    "me to a specialist last week. ",
)


# Made up, one about each article's topic: the first turn of a `--follow-up` conversation.
OPENINGS = (
    "Is stem cell treatment safe for people with ALS?",
    "Can mesenchymal stem cells calm an overactive immune system?",
    "Do stem cell injections help hip osteoarthritis?",
    "Can stem cells slow down multiple sclerosis?",
    "Do stem cells help with chronic back pain?",
)


def read_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def draw(
    rows: Sequence[dict[str, str]], questions: int, seed: int, half: int | None = None
) -> list[dict[str, str]]:
    usable = [
        r
        for r in rows
        if not COVERED.search(r["focus"])
        and not COVERED.search(r["question"])
        and (half is None or half_of(r["focus"]) == half)
    ]
    return random.Random(seed).sample(usable, min(questions, len(usable)))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_MEDQUAD)
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", action="store_true", help="list the answered questions")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--story", action="store_true", help="each question inside a story")
    mode.add_argument(
        "--follow-up", action="store_true", help="each question after one about an article"
    )
    parser.add_argument(
        "--half", type=int, choices=(0, 1), help="draw from one half, list the other's names"
    )
    args = parser.parse_args(argv)
    rows = read_rows(args.data)
    if args.half is not None:
        other = ROOT / "benchmarks" / ".cache" / f"medquad_topics-half{1 - args.half}.txt"
        names = topic_names((r["focus"] for r in rows), 1 - args.half)
        write_topics(names, args.data, other, 1 - args.half)
        scope.REFERENCE_LISTS = (str(other),)  # an absolute path: DATA_DIR / other is other
    engine = Engine(Settings.from_env())
    drawn = draw(rows, args.questions, args.seed, args.half)
    refused: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    answered = []
    openings = {q: engine.reply(q) for q in OPENINGS} if args.follow_up else {}
    for number, row in enumerate(drawn):
        if args.follow_up:
            first = openings[OPENINGS[number % len(OPENINGS)]]
            answer = engine.reply(row["question"], [first]).answer
        elif args.story:
            answer = engine.reply(STORIES[number % len(STORIES)] + row["question"]).answer
        else:
            answer = engine.ask(row["question"])
        asked[row["qtype"]] += 1
        if answer.answered:
            answered.append((row["question"], answer.quotes[0].title))
        else:
            refused[row["qtype"]] += 1
    total = sum(refused.values())
    print(f"MedQuAD questions outside the articles: {total}/{len(drawn)} refused "
          f"({total / len(drawn):.1%})")  # fmt: skip
    for qtype, n in asked.most_common():
        print(f"  {qtype:<22} {refused[qtype]}/{n}")
    if args.show:
        for question, title in answered:
            print(f"  answered: {question} -> {title}")


if __name__ == "__main__":
    main()
