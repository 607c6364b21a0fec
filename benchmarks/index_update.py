"""How long `mscqa index update` takes after a one-article edit, as a fraction of a full build.

Makes a synthetic corpus (default 1,000 articles) from the shipped articles' sentences,
recombined with a fixed seed; builds it; changes one sentence of one article; updates. Both
timings cover what the CLI does after start-up (read the corpus, build, switch) with the model
already loaded, so the ratio compares the work itself. Target: under 5%.

    .venv/bin/python benchmarks/index_update.py [--articles 1000] [--embedder torch|fake]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from mscqa.config import Settings
from mscqa.corpus.articles import Article
from mscqa.corpus.checks import load_corpus
from mscqa.corpus.passages import make_passages, split_sentences
from mscqa.corpus.writing import write_articles
from mscqa.index import store
from mscqa.index.build import BuildReport, build_index
from mscqa.index.embedder import create_embedder
from mscqa.index.load import load_index

ROOT = Path(__file__).resolve().parents[1]


def synthetic_corpus(count: int, seed: int) -> list[Article]:
    """`count` articles of 2-5 paragraphs of 2-5 sentences drawn from the shipped articles."""
    shipped = load_corpus(ROOT / "corpus")
    sentences = [s.text for a in shipped for s in split_sentences(a)]
    references = [a.reference for a in shipped]
    topics = [a.title for a in shipped]
    rng = random.Random(seed)
    articles = []
    for number in range(count):
        paragraphs = [
            " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
            for _ in range(rng.randint(2, 5))
        ]
        title = f"{rng.choice(topics)}: Report {number + 1}"
        articles.append(
            Article(
                id=f"report-{number + 1:04d}",
                title=title,
                reference=rng.choice(references),
                text="\n\n".join(paragraphs),
                source="synthetic",
            )
        )
    return articles


class StepTimer:
    """Time spent between the build's steps (store.on_step), summed by the step that ends it."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.spent[name.split(":")[0]] += now - self.last
        self.last = now


def timed_build(
    settings: Settings, embedder: object, incremental: bool
) -> tuple[float, BuildReport, StepTimer]:
    timer = StepTimer()
    store.on_step = timer
    started = time.perf_counter()
    report = build_index(
        settings.index_dir,
        load_corpus(settings.corpus_dir),
        embedder,  # type: ignore[arg-type]
        max_words=settings.passage_max_words,
        overlap=settings.passage_overlap_sentences,
        incremental=incremental,
    )
    seconds = time.perf_counter() - started
    timer("end")
    store.on_step = store._no_step
    return seconds, report, timer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--embedder", default="torch", choices=("torch", "fake"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            corpus_dir=Path(tmp) / "corpus", index_dir=Path(tmp) / "index", embedder=args.embedder
        )
        articles = synthetic_corpus(args.articles, args.seed)
        write_articles(articles, settings.corpus_dir)
        embedder = create_embedder(
            args.embedder, None if args.embedder == "fake" else settings.model_path
        )
        embedder.encode(["load the model before timing"])

        full_seconds, full, _ = timed_build(settings, embedder, incremental=False)
        print(
            f"full build: {full.total_passages} passages, {full.total_sentences} sentences "
            f"from {len(articles)} articles in {full_seconds:.2f}s"
        )

        edited = articles[len(articles) // 2]
        first_sentence = split_sentences(edited)[0].text
        write_articles(
            [
                Article(
                    edited.id,
                    edited.title,
                    edited.reference,
                    edited.text.replace(first_sentence, "An editor rewrote this sentence.", 1),
                    edited.source,
                )
            ],
            settings.corpus_dir,
        )
        update_seconds, update, timer = timed_build(settings, embedder, incremental=True)
        print(
            f"update:     changed {list(update.changed)}, embedded {update.embedded_passages} "
            f"passages and {update.embedded_sentences} sentences in {update_seconds:.2f}s"
        )
        print("update time by step:")
        for name, seconds in sorted(timer.spent.items(), key=lambda item: -item[1])[:8]:
            print(f"  {seconds:7.3f}s  until {name}")
        print(
            f"update / full build = {update_seconds / full_seconds:.2%} "
            f"({args.articles} articles, embedder {embedder.model_id})"
        )

        # The update must hold what a full build would: the same sentences and passages
        # (the vectors are compared with a full build by the tests).
        after_update = load_index(settings.index_dir)
        sentences, passages = [], []
        for article in sorted(load_corpus(settings.corpus_dir), key=lambda a: a.id):
            article_sentences = split_sentences(article)
            sentences += article_sentences
            passages += make_passages(
                article,
                article_sentences,
                settings.passage_max_words,
                settings.passage_overlap_sentences,
            )
        assert after_update.sentences == sentences and after_update.passages == passages
        print("same sentences and passages as a full split of the corpus: yes")


if __name__ == "__main__":
    main()
