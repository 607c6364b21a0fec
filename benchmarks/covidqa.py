"""Answer quality on COVID-QA: plain bm25s and plain MiniLM over sentences, and mscqa without
and with the learned answer ranker.

    .venv/bin/python benchmarks/covidqa.py [--data ../shared/bench/covidqa] [--fold 0|1]
        [--ranker DIR] [--systems bm25 minilm pipeline ranker]

The articles are indexed once into benchmarks/.cache/ (all of them, whatever the fold: the
other fold's articles stay in the library as distractors); then every question (of the
articles in `--fold` only, see `ranker_data.article_fold`) is asked. Metrics as defined in the
data's README: answered, top-1 article, quote hit@1 (the first quote overlaps the answer span or
holds its text), hit@1 and hit@3 (the passage of the first / any of the first three quotes);
for the plain sentence searches a quote's passage is its sentence. `ranker candidates` is the
share of questions with a hit among the sentences the ranker is shown; the last column is the
time per question (ms, p50 / p95) of each system, measured in the same run.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from mscqa.answers.candidates import score_candidates
from mscqa.answers.quotes import Answer, Quote
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.training.ranker_data import SpanQuestion, article_fold, hits, read_covidqa

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "bench" / "covidqa"
SYSTEMS = ("bm25", "minilm", "pipeline", "ranker")


@dataclass
class Tally:
    questions: int = 0
    answered: int = 0
    top1_article: int = 0
    quote_hit1: int = 0
    hit1: int = 0
    hit3: int = 0
    candidates: int = 0  # ranker runs only: a hit among the sentences it was shown
    seconds: list[float] = field(default_factory=list)

    def add(self, gold: SpanQuestion, answer: Answer) -> None:
        self.questions += 1
        quotes = answer.quotes
        if not answer.answered or not quotes:
            return
        self.answered += 1
        first = quotes[0]
        self.top1_article += first.article_id == gold.article_id
        self.quote_hit1 += hits(first.start, first.end, first.quote, gold, first.article_id)
        passage_hits = [_passage_hits(q, gold) for q in quotes[:3]]
        self.hit1 += passage_hits[0]
        self.hit3 += any(passage_hits)

    def row(self, name: str) -> str:
        def share(n: int) -> str:
            return f"{n / self.questions:.1%}" if self.questions else "-"

        extra = f" {share(self.candidates)} |" if self.candidates else " |"
        ms = np.percentile(np.array(self.seconds) * 1000, [50, 95]) if self.seconds else (0, 0)
        return (
            f"| {name} | {self.questions} | {share(self.answered)} | {share(self.top1_article)} "
            f"| {share(self.quote_hit1)} | {share(self.hit1)} | {share(self.hit3)} |{extra}"
            f" {ms[0]:.0f} / {ms[1]:.0f} |"
        )


def _passage_hits(quote: Quote, gold: SpanQuestion) -> bool:
    return hits(quote.passage_start, quote.passage_end, quote.passage, gold, quote.article_id)


def sentence_answer(question: str, engine: Engine, rows: Sequence[int]) -> Answer:
    """The sentences at `rows` of the index as quotes, each its own passage."""
    index = engine.index
    quotes = []
    for row in rows:
        s = index.sentences[row]
        article = index.articles[s.article_id]
        quotes.append(
            Quote(
                article.id,
                article.title,
                article.reference,
                s.text,
                s.start,
                s.end,
                s.text,
                s.start,
                s.end,
                0.0,
            )
        )
    return Answer(question, True, None, tuple(quotes))


def plain_bm25(engine: Engine) -> Callable[[str], Answer]:
    """bm25s over the index's sentences with its default tokenizer and English stopwords."""
    import bm25s

    texts = [s.text for s in engine.index.sentences]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)

    def ask(question: str) -> Answer:
        tokens = bm25s.tokenize([question], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return Answer(question, False, None, ())
        found, _ = retriever.retrieve(tokens, k=3, show_progress=False)
        return sentence_answer(question, engine, [int(r) for r in found[0]])

    return ask


def plain_minilm(engine: Engine) -> Callable[[str], Answer]:
    """Cosine of the question's and each sentence's all-MiniLM-L6-v2 vectors."""
    vectors = engine.index.sentence_vectors

    def ask(question: str) -> Answer:
        scores = vectors @ engine.embedder.encode([question])[0]
        return sentence_answer(question, engine, [int(r) for r in np.argsort(-scores)[:3]])

    return ask


def candidate_hit(engine: Engine, gold: SpanQuestion) -> bool:
    """Whether the sentences the ranker is shown for this question hold a hit."""
    loaded = engine._current()
    vector = loaded.retriever.embed(gold.question)
    found = loaded.retriever.search(gold.question, vector)
    shown = score_candidates(gold.question, vector, found, loaded.index)
    shown = shown[: engine.settings.ranker_candidates]
    return any(
        hits(s.start, s.end, s.text, gold, s.article_id)
        for s in (loaded.index.sentences[c.row] for c in shown)
    )


def index_dir_for(data: Path) -> Path:
    key = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:12]
    return ROOT / "benchmarks" / ".cache" / f"covidqa-index-{key}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--fold", type=int, choices=(0, 1), help="only this fold's articles")
    parser.add_argument("--ranker", type=Path, help="ranker weights folder (default: shipped)")
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--limit", type=int, help="first N questions only (a quick look)")
    args = parser.parse_args(argv)

    settings = Settings.from_env(
        corpus_dir=args.data / "corpus", index_dir=index_dir_for(args.data)
    )
    # Built as `mscqa index build` builds: with the shipped ranker's sentence vectors.
    builder = Engine(replace(settings, ranker=True))
    if builder.status().state != "fresh":
        print("indexing the articles (once) ...", file=sys.stderr)
        builder.rebuild(progress=sys.stderr.isatty())
    engine = Engine(replace(settings, ranker=False))
    _, questions = read_covidqa(args.data)
    if args.fold is not None:
        questions = [q for q in questions if article_fold(q.article_id) == args.fold]
    questions = questions[: args.limit] if args.limit else questions

    ranked = replace(settings, ranker=True)
    if args.ranker is not None:
        ranked = replace(ranked, ranker_dir=str(args.ranker))
    systems: dict[str, Callable[[str], Answer]] = {}
    if "bm25" in args.systems:
        systems["plain bm25s, sentences"] = plain_bm25(engine)
    if "minilm" in args.systems:
        systems["plain all-MiniLM-L6-v2, sentences"] = plain_minilm(engine)
    if "pipeline" in args.systems:
        systems["mscqa without the ranker"] = engine.ask
    if "ranker" in args.systems:
        systems["mscqa with the ranker"] = Engine(ranked).ask

    fold = f", fold {args.fold}" if args.fold is not None else ""
    print(f"COVID-QA {args.data.name}{fold}: {len(questions)} questions")
    print()
    print("| system | questions | answered | top-1 article | quote hit@1 | hit@1 | hit@3 "
          "| ranker candidates | ms p50 / p95 |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for name, ask in systems.items():
        tally = Tally()
        ask(questions[0].question)  # loads what it needs before the clock runs
        for gold in questions:
            started = time.perf_counter()
            answer = ask(gold.question)
            tally.seconds.append(time.perf_counter() - started)
            tally.add(gold, answer)
            if name == "mscqa with the ranker":
                tally.candidates += candidate_hit(engine, gold)
        print(tally.row(name), flush=True)


if __name__ == "__main__":
    main()
