"""Index lifecycle: `update` equals a full build, model changes, in-flight requests, progress."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from mscqa import engine as engine_module
from mscqa.cli import main
from mscqa.config import Settings
from mscqa.corpus.articles import Article
from mscqa.corpus.checks import load_corpus
from mscqa.corpus.passages import Sentence
from mscqa.engine import Engine
from mscqa.index import build as index_module
from mscqa.index.build import BuildReport, build_index
from mscqa.index.embedder import Embedder, HashingEmbedder
from mscqa.index.load import LoadedIndex, load_index
from mscqa.index.status import index_status
from mscqa.index.store import current_version, index_lock

# Questions of our own, one or more per article, to compare what two indexes answer.
QUESTIONS = (
    "Do stem cells from fat help an arthritic hip?",
    "How do mesenchymal cells calm an overactive immune response?",
    "What problems can multiple sclerosis cause with balance or vision?",
    "Can stem cells replace surgery for back pain?",
    "Is stem cell therapy safe for people with ALS?",
    "What did the researchers measure six months after the injection?",
)


def _build(settings: Settings, embedder: Embedder, incremental: bool) -> BuildReport:
    return build_index(
        settings.index_dir,
        load_corpus(settings.corpus_dir),
        embedder,
        max_words=settings.passage_max_words,
        overlap=settings.passage_overlap_sentences,
        incremental=incremental,
    )


def _edit_corpus(corpus_dir: Path) -> None:
    """A typical editing session: fix a sentence, retitle an article, add one, retire one."""
    hip = next(corpus_dir.glob("*hip*.md"))
    hip.write_text(
        hip.read_text(encoding="utf-8").replace(
            "The hip joint becomes stiff and unstable",
            "The hip joint becomes stiff, swollen and unstable",
        ),
        encoding="utf-8",
    )
    pain = next(corpus_dir.glob("*chronic-pain*.md"))
    pain.write_text(
        pain.read_text(encoding="utf-8").replace(
            "title: Treating Chronic Pain with Mesenchymal Stem Cells",
            "title: Mesenchymal Stem Cells Against Chronic Pain",
        ),
        encoding="utf-8",
    )
    (corpus_dir / "cartilage-scaffolds.md").write_text(
        "---\nid: cartilage-scaffolds\ntitle: Stem Cells on Cartilage Scaffolds\n"
        "reference: Roe A. (2022). Scaffolds for cartilage. J. Cartilage 3:4-9.\n---\n\n"
        "Mesenchymal stem cells seeded on a collagen scaffold formed new cartilage in goats.\n\n"
        "After twelve weeks the repaired knee surface was 30% thicker than untreated cartilage.\n",
        encoding="utf-8",
    )
    next(corpus_dir.glob("*immune*.md")).unlink()


def assert_same_index(a: LoadedIndex, b: LoadedIndex) -> None:
    assert a.manifest.articles == b.manifest.articles
    assert a.manifest.corpus_hash == b.manifest.corpus_hash
    assert a.articles == b.articles
    assert a.passages == b.passages
    assert a.sentences == b.sentences
    total = b.passage_vectors.ntotal
    np.testing.assert_allclose(
        a.passage_vectors.reconstruct_n(0, total),
        b.passage_vectors.reconstruct_n(0, total),
        atol=1e-5,
    )
    np.testing.assert_allclose(a.sentence_vectors, b.sentence_vectors, atol=1e-5)


def answers(engine: Engine) -> list[object]:
    out = []
    for question in QUESTIONS:
        answer = engine.ask(question)
        out.append(
            (answer.answered, [(q.article_id, q.title, q.start, q.end) for q in answer.quotes])
        )
    return out


def test_update_equals_a_full_build_of_the_same_corpus(
    fake_settings: Settings, tmp_path: Path
) -> None:
    embedder = HashingEmbedder()
    first = _build(fake_settings, embedder, incremental=False)
    _edit_corpus(fake_settings.corpus_dir)
    report = _build(fake_settings, embedder, incremental=True)
    assert report.added == ("cartilage-scaffolds",)
    assert report.changed == (
        "mesenchymal-stem-cells-injection-improves-hip-osteoarthritis",
        "treating-chronic-pain-with-mesenchymal-stem-cells",
    )
    assert report.removed == ("mesenchymal-stem-cells-can-modulate-the-immune-system",)
    assert report.full_reason is None
    assert 0 < report.embedded_passages < report.total_passages < first.total_passages
    updated = load_index(fake_settings.index_dir)

    full_settings = replace(fake_settings, index_dir=tmp_path / "full")
    full_report = _build(full_settings, embedder, incremental=False)
    assert full_report.embedded_passages == full_report.total_passages == report.total_passages
    assert_same_index(updated, load_index(full_settings.index_dir))
    by_update = answers(Engine(fake_settings, embedder))
    assert by_update == answers(Engine(full_settings, embedder))
    assert any(answered for answered, _ in by_update)


def test_update_embeds_only_the_changed_article_and_splits_only_it(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = HashingEmbedder()
    _build(fake_settings, embedder, incremental=False)
    before = load_index(fake_settings.index_dir)
    hip = next(fake_settings.corpus_dir.glob("*hip*.md"))
    hip.write_text(hip.read_text(encoding="utf-8") + "\nA sentence added by the editor.\n")
    split_calls: list[str] = []
    real_split = index_module.split_sentences

    def counting_split(article: object) -> object:
        split_calls.append(article.id)  # type: ignore[attr-defined]
        return real_split(article)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module, "split_sentences", counting_split)
    report = _build(fake_settings, embedder, incremental=True)
    assert split_calls == ["mesenchymal-stem-cells-injection-improves-hip-osteoarthritis"]
    assert report.changed == tuple(split_calls)
    hip_passages = [
        p for p in load_index(fake_settings.index_dir).passages if p.article_id == split_calls[0]
    ]
    # Only passages whose text changed are embedded: here the last one (or two, with overlap).
    assert 1 <= report.embedded_passages <= 2 < len(hip_passages)
    assert report.embedded_sentences == 1
    assert report.total_passages >= before.manifest.passage_count
    nothing = _build(fake_settings, embedder, incremental=True)
    assert (nothing.added, nothing.changed, nothing.removed) == ((), (), ())
    assert nothing.embedded_passages == 0 and nothing.embedded_sentences == 0


def test_a_retitled_article_gets_new_passage_vectors(fake_settings: Settings) -> None:
    # Passage ids do not depend on the title but the embedded text does: reusing vectors by
    # passage id would keep vectors of the old title.
    embedder = HashingEmbedder()
    _build(fake_settings, embedder, incremental=False)
    path = next(fake_settings.corpus_dir.glob("*als*.md"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: Mesenchymal", "title: New Title for Mesenchymal"))
    report = _build(fake_settings, embedder, incremental=True)
    updated = load_index(fake_settings.index_dir)
    als = [p for p in updated.passages if p.article_id == report.changed[0]]
    assert report.embedded_passages == len(als) and report.embedded_sentences == 0
    expected = embedder.encode([f"{updated.articles[als[0].article_id].title}. {als[0].text}"])
    row = updated.passages.index(als[0])
    np.testing.assert_allclose(updated.passage_vectors.reconstruct(row), expected[0], atol=1e-6)


def test_model_change_is_reported_and_update_reembeds_everything(fake_settings: Settings) -> None:
    old, new = HashingEmbedder(384), HashingEmbedder(256)
    _build(fake_settings, old, incremental=False)
    articles = load_corpus(fake_settings.corpus_dir)
    status = index_status(fake_settings.index_dir, articles, new.model_id)
    assert status.state == "model_mismatch" and "mscqa index build" in status.message
    assert old.model_id in status.message and new.model_id in status.message
    report = _build(fake_settings, new, incremental=True)
    assert report.embedded_passages == report.total_passages
    assert report.embedded_sentences == report.total_sentences
    assert report.full_reason and "model changed" in report.full_reason
    loaded = load_index(fake_settings.index_dir, model_id=new.model_id)
    assert loaded.manifest.dim == 256 and loaded.passage_vectors.d == 256
    assert loaded.sentence_vectors.shape[1] == 256
    assert index_status(fake_settings.index_dir, articles, new.model_id).state == "fresh"
    assert Engine(fake_settings, new).ask(QUESTIONS[0]).answered


def test_a_request_in_flight_finishes_on_the_version_it_started_with(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = HashingEmbedder()
    _build(fake_settings, embedder, incremental=False)
    settings = Settings(**{**fake_settings.__dict__, "reload_check_seconds": 0.0})
    engine = Engine(settings, embedder)
    question = "Is stem cell therapy safe for people with ALS?"
    als_id = "mesenchymal-stem-cell-treatment-for-als-is-safe-and-feasible"
    started, release = threading.Event(), threading.Event()
    real_find_quotes = engine_module.find_quotes

    def slow_find_quotes(*args: object, **kwargs: object) -> object:
        if threading.current_thread().name == "in-flight":
            started.set()
            assert release.wait(10)
        return real_find_quotes(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine_module, "find_quotes", slow_find_quotes)
    result: dict[str, object] = {}
    worker = threading.Thread(
        target=lambda: result.update(answer=engine.ask(question)), name="in-flight"
    )
    old_version = current_version(settings.index_dir)
    old_text = load_index(settings.index_dir).articles[als_id].text
    worker.start()
    assert started.wait(10)
    next(settings.corpus_dir.glob("*als*.md")).unlink()
    _build(settings, embedder, incremental=True)
    _build(settings, embedder, incremental=True)  # the old version is now deleted from disk
    assert not (settings.index_dir / "versions" / old_version).exists()
    after = engine.ask(question)
    assert als_id not in {q.article_id for q in after.quotes}
    release.set()
    worker.join(10)
    answer = result["answer"]
    quotes = [q for q in answer.quotes if q.article_id == als_id]  # type: ignore[attr-defined]
    assert quotes, "the request that started before the switch answers from the old version"
    assert all(old_text[q.start : q.end] == q.quote for q in quotes)


def test_engine_keeps_serving_when_the_new_version_is_broken(fake_settings: Settings) -> None:
    embedder = HashingEmbedder()
    _build(fake_settings, embedder, incremental=False)
    settings = Settings(**{**fake_settings.__dict__, "reload_check_seconds": 0.0})
    engine = Engine(settings, embedder)
    good = engine.index.manifest.version
    (settings.index_dir / "CURRENT.json").write_text(
        json.dumps({"current": "no-such-version", "previous": good})
    )
    assert engine.ask(QUESTIONS[0]).answered
    assert engine.reload_error and good in engine.reload_error
    _build(settings, embedder, incremental=True)
    assert engine.ask(QUESTIONS[0]).answered
    assert engine.reload_error is None and engine.index.manifest.version != good


@pytest.mark.parametrize("incremental", [False, True])
def test_build_and_update_repair_a_damaged_pointer(
    fake_settings: Settings, incremental: bool
) -> None:
    embedder = HashingEmbedder()
    _build(fake_settings, embedder, incremental=False)
    (fake_settings.index_dir / "CURRENT.json").write_text("{not json")
    articles = load_corpus(fake_settings.corpus_dir)
    assert index_status(fake_settings.index_dir, articles, embedder.model_id).state == "corrupt"
    report = _build(fake_settings, embedder, incremental=incremental)
    assert report.embedded_passages == report.total_passages
    assert index_status(fake_settings.index_dir, articles, embedder.model_id).state == "fresh"
    assert Engine(fake_settings, embedder).ask(QUESTIONS[0]).answered
    _build(fake_settings, embedder, incremental=True)
    assert len(list((fake_settings.index_dir / "versions").iterdir())) == 2


def test_update_over_a_damaged_version_embeds_everything_again(fake_settings: Settings) -> None:
    embedder = HashingEmbedder()
    _build(fake_settings, embedder, incremental=False)
    folder = fake_settings.index_dir / "versions" / current_version(fake_settings.index_dir)
    vectors = folder / "passages.faiss"
    vectors.write_bytes(vectors.read_bytes()[:100])
    report = _build(fake_settings, embedder, incremental=True)
    assert report.full_reason and "cannot be reused" in report.full_reason
    assert report.embedded_passages == report.total_passages
    articles = load_corpus(fake_settings.corpus_dir)
    assert index_status(fake_settings.index_dir, articles, embedder.model_id).state == "fresh"


# The CLI.


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_update_json_has_exactly_the_documented_keys(fake_env: Settings) -> None:
    assert _cli("index", "build")[0] == 0
    _edit_corpus(fake_env.corpus_dir)
    code, out, err = _cli("index", "update", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"added", "changed", "removed", "embedded_passages", "total_passages"}
    assert payload["added"] == ["cartilage-scaffolds"] and len(payload["changed"]) == 2
    assert payload["removed"] == ["mesenchymal-stem-cells-can-modulate-the-immune-system"]
    assert 0 < payload["embedded_passages"] < payload["total_passages"]
    assert err == ""  # no progress bar, no summary on stderr under --json
    code, out, _ = _cli("index", "status", "--json")
    assert code == 0 and json.loads(out)["state"] == "fresh"


def test_update_text_output_names_articles_and_ends_with_a_summary(fake_env: Settings) -> None:
    assert _cli("index", "build")[0] == 0
    _edit_corpus(fake_env.corpus_dir)
    code, out, err = _cli("index", "update")
    assert code == 0, err
    lines = out.splitlines()
    assert "   added  cartilage-scaffolds" in lines
    assert "removed  mesenchymal-stem-cells-can-modulate-the-immune-system" in out
    assert lines[-1].startswith("index ") and "added 1, changed 2, removed 1" in lines[-1]
    assert "embedding" not in err  # not a terminal: no progress bar


def test_update_says_what_an_interrupted_build_left_and_removes_it(fake_env: Settings) -> None:
    assert _cli("index", "build")[0] == 0
    half_written = fake_env.index_dir / "versions" / ".tmp-4242-deadbeef"
    half_written.mkdir()
    (half_written / "passages.jsonl").write_text('{"id": "trunc')
    (fake_env.index_dir / "CURRENT.json.0badf00d.tmp").write_text("{")
    code, out, _ = _cli("index", "update")
    assert code == 0
    assert out.splitlines()[0] == (
        "removed what an interrupted build left: .tmp-4242-deadbeef, CURRENT.json.0badf00d.tmp"
    )
    assert not half_written.exists()
    assert not list(fake_env.index_dir.glob("*.tmp"))


def test_rollback_from_the_cli_waits_for_the_lock_and_switches_back(fake_env: Settings) -> None:
    assert _cli("index", "build")[0] == 0
    first = current_version(fake_env.index_dir)
    _edit_corpus(fake_env.corpus_dir)
    assert _cli("index", "update")[0] == 0
    with index_lock(fake_env.index_dir):
        code, _, err = _cli("index", "rollback")
        assert code == 1 and "--wait SECONDS" in err
    code, out, _ = _cli("index", "rollback", "--wait", "5")
    assert code == 0 and out.strip() == f"now serving version {first}"
    code, out, _ = _cli("index", "status", "--json")
    assert code == 1 and json.loads(out)["state"] == "stale"  # the old version, the new corpus


def test_progress_bar_on_a_terminal_only(fake_env: Settings) -> None:
    """Runs `mscqa index build` with stderr on a pseudo-terminal, as an editor would."""
    env = {**os.environ, "MSCQA_EMBEDDER": "fake"}
    primary, secondary = pty.openpty()
    # 30 rows, 100 columns: a new pseudo-terminal has no size, and a bar needs a width.
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "mscqa", "index", "build"],
        stdout=subprocess.PIPE,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    out, _ = process.communicate(timeout=60)
    os.close(primary)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0, terminal
    assert "embedding:" in terminal and "text/s" in terminal
    assert "passages from 5 articles" in out.decode()


def test_a_new_term_table_makes_the_index_stale_until_updated(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = HashingEmbedder()
    _build(fake_settings, embedder, incremental=False)
    articles = load_corpus(fake_settings.corpus_dir)
    assert index_status(fake_settings.index_dir, articles, embedder.model_id).state == "fresh"
    # The BM25 tokens were made with other word rules: searching would mix two vocabularies.
    monkeypatch.setattr("mscqa.text.terms._TOKEN_RULES", "rules of a later release")
    status = index_status(fake_settings.index_dir, articles, embedder.model_id)
    assert status.state == "stale" and "mscqa index update" in status.message
    _build(fake_settings, embedder, incremental=True)
    assert index_status(fake_settings.index_dir, articles, embedder.model_id).state == "fresh"


def test_new_sentence_rules_make_the_index_stale_and_split_again(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update under other sentence rules splits and embeds every article again, changed or
    not, and says why."""
    embedder = HashingEmbedder()
    _build(fake_settings, embedder, incremental=False)
    articles = load_corpus(fake_settings.corpus_dir)
    monkeypatch.setattr("mscqa.index.status.SENTENCE_RULES", "rules of a later release")
    status = index_status(fake_settings.index_dir, articles, embedder.model_id)
    assert status.state == "stale" and "sentence rules" in status.message
    split: list[str] = []
    real_split = index_module.split_sentences

    def counting_split(article: Article) -> list[Sentence]:
        split.append(article.id)
        return real_split(article)

    monkeypatch.setattr(index_module, "split_sentences", counting_split)
    report = _build(fake_settings, embedder, incremental=True)
    assert sorted(split) == sorted(a.id for a in articles)
    assert report.embedded_passages == report.total_passages
    assert report.full_reason is not None and "split and embedded again" in report.full_reason
    assert index_status(fake_settings.index_dir, articles, embedder.model_id).state == "fresh"
