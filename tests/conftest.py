"""Shared fixtures: a copy of the shipped corpus, indexes built with the fake or the real model."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from mscqa.answers.ranker import RANKER_DIR, BiEncoderRanker, shared_ranker
from mscqa.cli import main
from mscqa.config import Settings
from mscqa.corpus.checks import load_corpus
from mscqa.engine import Engine
from mscqa.index.build import build_index
from mscqa.index.embedder import HashingEmbedder, SentenceTransformerEmbedder
from mscqa.index.onnx_backend import ONNX_DIR, ensure_export

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SEED_PAGE = ROOT.parent / "shared" / "seeds" / "000_169456a92862e4cb.txt"


def build(
    settings: Settings, embedder: object, incremental: bool = False, answers: object = None
) -> Any:
    """An index of `settings`' corpus, with the answer ranker's vectors when it is on, as
    `mscqa index build` makes it; or with the vectors of `answers`, an `AnswerEncoder`."""
    ranker = shared_ranker(Path(settings.ranker_dir or RANKER_DIR)) if settings.ranker else None
    answers = answers or (ranker if isinstance(ranker, BiEncoderRanker) else None)
    return build_index(
        settings.index_dir,
        load_corpus(settings.corpus_dir),
        embedder,  # type: ignore[arg-type]
        max_words=settings.passage_max_words,
        overlap=settings.passage_overlap_sentences,
        incremental=incremental,
        answer_encoder=answers,  # type: ignore[arg-type]
    )


def load_benchmark(script: str) -> ModuleType:
    """A script of benchmarks/ imported as a module (it may import its siblings)."""
    folder = ROOT / "benchmarks"
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    name = f"{Path(script).stem}_bench"
    spec = importlib.util.spec_from_file_location(name, folder / script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def run_cli(settings: Settings, *args: str) -> tuple[int, str, str]:
    """The CLI in-process on the fake embedder and `settings`' folders: (exit code, out, err).
    Anything but a clean exit (a traceback) fails the calling test."""
    env = {
        "MSCQA_EMBEDDER": "fake",
        "MSCQA_CORPUS_DIR": str(settings.corpus_dir),
        "MSCQA_INDEX_DIR": str(settings.index_dir),
        # The ranker as `settings` has it, unless a test turned it on or off itself.
        "MSCQA_RANKER": os.environ.get("MSCQA_RANKER", "1" if settings.ranker else "0"),
    }
    result = CliRunner().invoke(main, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def fake_settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    # The hashing embedder's tests leave the learned ranker out (its own tests and those with
    # the real model have it): they check the rules and the plumbing, in milliseconds.
    return Settings(
        corpus_dir=corpus_dir, index_dir=tmp_path / "index", embedder="fake", ranker=False
    )


@pytest.fixture
def fake_engine(fake_settings: Settings) -> Engine:
    build(fake_settings, HashingEmbedder())
    return Engine(fake_settings, HashingEmbedder())


@pytest.fixture
def fake_env(fake_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Environment for CLI tests: the fake embedder and a private corpus and index."""
    monkeypatch.setenv("MSCQA_EMBEDDER", "fake")
    monkeypatch.setenv("MSCQA_RANKER", "0")
    monkeypatch.setenv("MSCQA_CORPUS_DIR", str(fake_settings.corpus_dir))
    monkeypatch.setenv("MSCQA_INDEX_DIR", str(fake_settings.index_dir))
    return fake_settings


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(Settings().model_path)


@pytest.fixture(scope="session")
def real_export(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> Path:
    """An index folder holding only the real model's ONNX export, made once per test session.
    `seed_export` copies it into a new index folder, whose build then finds it instead of
    exporting again (about 20 s each); the tests of the export itself make their own."""
    index_dir = tmp_path_factory.mktemp("export") / "index"
    folder = ensure_export(index_dir, real_embedder.model_dir, real_embedder.model_id)
    assert folder is not None, "the real model could not be exported to ONNX"
    return index_dir


def seed_export(export: Path, index_dir: Path) -> None:
    """Copy the export of `real_export` into `index_dir` (copied, never linked: some tests
    damage the export they are given)."""
    shutil.copytree(export / ONNX_DIR, index_dir / ONNX_DIR)


@pytest.fixture(scope="session")
def real_engine(
    tmp_path_factory: pytest.TempPathFactory,
    real_embedder: SentenceTransformerEmbedder,
    real_export: Path,
) -> Iterator[Engine]:
    """The shipped corpus indexed with the real model, once per test session."""
    root = tmp_path_factory.mktemp("real")
    settings = Settings(corpus_dir=CORPUS, index_dir=root / "index", embedder="torch")
    seed_export(real_export, settings.index_dir)
    build(settings, real_embedder)
    yield Engine(settings, real_embedder)


COVIDQA_ARTICLE = """---
id: "made-up-1"
title: "Bees in Cold Winters"
reference: "Doe, J. (2020). Bees in cold winters. J. Made Up Stud. 1:1-2."
source: made up
---

Honey bees cluster together when the air turns cold. The cluster keeps its centre near
thirty-five degrees. Bees at the edge shiver their flight muscles to make heat.

A colony eats about twenty kilograms of honey over a winter. The cluster keeps its centre near
thirty-five degrees. Queens stop laying eggs in the coldest weeks.
"""


@pytest.fixture
def made_up_covidqa(tmp_path: Path) -> Path:
    """A COVID-QA-shaped folder: one article, two questions with answer spans in the body."""
    folder = tmp_path / "covidqa"
    (folder / "corpus").mkdir(parents=True)
    (folder / "corpus" / "made-up-1.md").write_text(COVIDQA_ARTICLE, encoding="utf-8")
    body = COVIDQA_ARTICLE.split("\n---\n", 1)[1].split("\n", 1)[1]
    rows = []
    for qid, question, answer in (
        ("q1", "How warm is the middle of a bee cluster?", "thirty-five degrees"),
        ("q2", "How much honey does a colony need in winter?", "about twenty kilograms"),
    ):
        start = body.index(answer)
        rows.append(
            {"id": qid, "question": question, "article_id": "made-up-1", "start": start,
             "end": start + len(answer), "answer": answer}
        )  # fmt: skip
    (folder / "questions.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8"
    )
    return folder
