"""Negatives the ranker meets at answer time: the sentences the first scoring ranks highest.

Random sentences of the article (ranker_data.covidqa_pairs) are easy to tell from the answer;
the candidates the ranker must order are not. These are the best `candidates` sentences of the
first scoring for each question, asked over the whole COVID-QA library, that do not hit its
answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from pathlib import Path

from mscqa.training.ranker_data import Pair, hits, read_covidqa


def covidqa_index_dir(root: Path, data: Path) -> Path:
    """The COVID-QA index benchmarks/covidqa.py builds (and reuses) under benchmarks/.cache."""
    key = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:12]
    return root / "benchmarks" / ".cache" / f"covidqa-index-{key}"


def retrieved_negatives(
    data: Path,
    index_dir: Path,
    articles_in: Collection[str],
    *,
    per_question: int = 3,
    candidates: int = 12,
) -> list[Pair]:
    """Up to `per_question` of the best-scored candidates of each question of `articles_in`
    that miss its answer, as negatives (the index must exist: run benchmarks/covidqa.py once)."""
    from mscqa.answers.candidates import ranker_text, score_candidates
    from mscqa.config import Settings
    from mscqa.engine import Engine

    settings = Settings.from_env(corpus_dir=data / "corpus", index_dir=index_dir, ranker=False)
    loaded = Engine(settings)._current()
    _, questions = read_covidqa(data)
    pairs: list[Pair] = []
    for gold in questions:
        if gold.article_id not in articles_in:
            continue
        vector = loaded.retriever.embed(gold.question)
        found = loaded.retriever.search(gold.question, vector)
        shown = score_candidates(gold.question, vector, found, loaded.index)[:candidates]
        missed = [
            c.row
            for c in shown
            if not hits(
                loaded.index.sentences[c.row].start,
                loaded.index.sentences[c.row].end,
                loaded.index.sentences[c.row].text,
                gold,
                loaded.index.sentences[c.row].article_id,
            )
        ]
        pairs += [
            Pair(gold.question, ranker_text(row, loaded.index), 0.0)
            for row in missed[:per_question]
        ]
    return pairs
