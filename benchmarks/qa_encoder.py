"""The QA bi-encoder's question-sentence cosine as a ninth feature of the answer model.

    .venv/bin/python -m mscqa.training.qa_encoder --medquad-questions 5000   # about 12 min
    .venv/bin/python benchmarks/qa_encoder.py benchmarks/.cache/qa-encoder-5000

Every sentence of the retrieved passages of each question is a row with the answer model's
eight features (as `calibrate.py` collects them); the ninth is the cosine of the question (with
the term table's expansions, as the question path embeds it) and the sentence under the given
encoder. Printed, as the share of in-scope questions whose best-ranked sentence's quote holds
the answer, among the sentences retrieved:

- our calibration set, 5-fold by question (ranking refitted on four folds), and the refusal
  figures of `calibrate.py`'s cross-validation;
- `heldout.jsonl` and `paraphrases.jsonl`, ranked by the weights fitted on the calibration set
  (neither set was fitted on);
- COVID-QA's 649 questions, ranked by the weights fitted on our calibration set (as the product
  would), and 2-fold by article (fitted on one fold's rows, measured on the other's).

The control row gives the packaged model's own cosine as the ninth feature, so that what a
duplicated feature does to an L2-penalised fit is not read as a gain. The encoder never saw
COVID-QA or our questions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

import calibrate as cal
from covidqa import DEFAULT_DATA as COVIDQA
from covidqa import index_dir_for
from mscqa.answers.candidates import Candidate, sentence_features
from mscqa.answers.quotes import quote_span
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.search.library import Library
from mscqa.search.retriever import Retriever, query_for_embedding
from mscqa.training.ranker_data import article_fold, hits, read_covidqa

DATA = cal.ROOT / "benchmarks" / "data"
Encode = Callable[[Sequence[str]], np.ndarray]


def encoder(folder: Path) -> Encode:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(folder), device="cpu")
    return lambda texts: np.asarray(
        model.encode(list(texts), batch_size=64, normalize_embeddings=True), dtype=np.float32
    )


def cosines(encode: Encode, questions: Sequence[str], index: Library, rows: cal.Rows) -> np.ndarray:
    """Per row, the cosine of its question and its sentence under `encode`."""
    asked = encode([query_for_embedding(q) for q in questions])
    used = np.unique(rows.sentence)
    said = encode([index.sentences[int(r)].text for r in used])
    at = np.searchsorted(used, rows.sentence)
    return np.einsum("ij,ij->i", asked[rows.question], said[at])


def extended(
    encode: Encode | None, questions: Sequence[str], index: Library, rows: cal.Rows
) -> cal.Rows:
    """`rows` with the cosine under `encode` as a ninth feature (unchanged without one)."""
    if encode is None:
        return rows
    extra = cosines(encode, questions, index, rows)
    return replace(rows, features=np.hstack([rows.features, extra[:, None]]))


def ranked_hits(rows: cal.Rows, weights: np.ndarray) -> int:
    """In-scope questions whose best-ranked sentence holds the answer."""
    best = cal.best_rows(rows, rows.features @ weights[:-1] + weights[-1])
    return int(rows.labels[best][rows.in_scope[rows.question[best]]].sum())


def covidqa_rows(engine: Engine) -> tuple[list[str], cal.Rows, np.ndarray]:
    """COVID-QA's questions, their rows and the fold of each row's question."""
    index = engine.index
    retriever = Retriever(index, engine.embedder, engine.settings)
    _, golds = read_covidqa(COVIDQA)
    owner, sentence, feats, labels, fold = [], [], [], [], []
    for n, gold in enumerate(golds):
        vector = retriever.embed(gold.question)
        found = retriever.search(gold.question, vector)
        for hit, row, f in sentence_features(gold.question, vector, found, index):
            article = index.articles[hit.passage.article_id]
            start, end = quote_span(gold.question, Candidate(hit, row, f, 0.0), index)
            labels.append(hits(start, end, article.text[start:end], gold, article.id))
            owner.append(n)
            sentence.append(row)
            feats.append(f)
            fold.append(article_fold(gold.article_id))
    rows = cal.Rows(
        np.array(owner), np.array(sentence), np.array(feats), np.array(labels, dtype=float),
        np.ones(len(golds), dtype=bool), np.ones(len(golds)), np.zeros(len(golds), dtype=bool),
    )  # fmt: skip
    return [g.question for g in golds], rows, np.array(fold)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("encoder", type=Path, help="a sentence-transformers folder")
    args = parser.parse_args(argv)
    tuned = encoder(args.encoder)
    engine = Engine(Settings.from_env())
    base = engine.embedder.encode

    def read(path: Path) -> tuple[list[str], cal.Rows]:
        items = [i for i in cal.read_items(path) if i.kind in ("question", "out_of_scope")]
        return [i.text for i in items], cal.cached_rows(path, items)

    texts, ours = read(cal.DEFAULT_DATA)
    others = {p.name: read(p) for p in (DATA / "heldout.jsonl", DATA / "paraphrases.jsonl")}
    covid = Engine(
        Settings.from_env(corpus_dir=COVIDQA / "corpus", index_dir=index_dir_for(COVIDQA))
    )
    if covid.status().state != "fresh":
        print("indexing COVID-QA's articles (once) ...", file=sys.stderr)
        covid.rebuild()
    questions, covid_rows, fold = covidqa_rows(covid)

    print(
        "| ninth feature | ours, 5-fold | refusals, 5-fold (false / out of scope) | held-out "
        "| paraphrases | COVID-QA, fitted on ours | COVID-QA fold 0 / fold 1 |"
    )
    print("|---|---|---|---|---|---|---|")
    encoders: list[tuple[str, Encode | None]] = [
        ("none (shipped)", None),
        ("packaged cosine (control)", base),
        (args.encoder.name, tuned),
    ]
    for name, encode in encoders:
        mine = extended(encode, texts, engine.index, ours)
        weights = cal.fit_logistic(mine.features, mine.labels)
        false, refused = cal.cross_validate(mine, 0.02)
        cells = [f"{cal.cross_validate_ranking(mine):.1%}", f"{false:.1%} / {refused:.1%}"]
        for q, rows in others.values():
            theirs = extended(encode, q, engine.index, rows)
            cells.append(f"{ranked_hits(theirs, weights) / theirs.in_scope.sum():.1%}")
        covid_ext = extended(encode, questions, covid.index, covid_rows)
        cells.append(f"{ranked_hits(covid_ext, weights) / len(questions):.1%}")
        split = []
        for test in (0, 1):
            train = fold != test
            w = cal.fit_logistic(covid_ext.features[train], covid_ext.labels[train])
            held = cal.subset(covid_ext, ~train)
            split.append(f"{ranked_hits(held, w) / len(np.unique(held.question)):.1%}")
        cells.append(" / ".join(split))
        print(f"| {name} | " + " | ".join(cells) + " |")
    in_scope = int(ours.in_scope.sum())
    print(f"\n({in_scope} in-scope calibration questions, {len(questions)} COVID-QA questions)")


if __name__ == "__main__":
    main()
