"""A damaged article file stops `index build` and `update` with one line naming the file and
line; the index stays exactly as it was and keeps answering."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli
from mscqa.config import Settings
from mscqa.corpus.articles import MAX_ARTICLE_BYTES
from mscqa.corpus.checks import load_corpus, read_article
from mscqa.engine import Engine
from mscqa.errors import CorpusError
from mscqa.index.embedder import HashingEmbedder
from mscqa.index.store import current_version
from test_damage import QUESTION, tree_hashes

FRONT = "---\nid: {id}\ntitle: {title}\nreference: Doe J. (2024). A journal. 1:1.\n---\n\n"


def _article(id_: str = "new-article", title: str = "A New Article", body: str = "") -> str:
    return FRONT.format(id=id_, title=title) + (body or "Stem cells were given to 12 people.\n")


def _invalid_utf8(folder: Path) -> tuple[Path, str]:
    path = folder / "latin1.md"
    text = _article(body="First line.\nSecond line.\nThe caf\xe9 line.\n")
    path.write_bytes(text.encode("latin-1"))
    return path, ":9:"  # 5 lines of front matter, a blank line, then the body


def _no_front_matter(folder: Path) -> tuple[Path, str]:
    path = folder / "plain.md"
    path.write_text("Stem cells and hips.\n", encoding="utf-8")
    return path, ":1: no front matter"


def _missing_reference(folder: Path) -> tuple[Path, str]:
    path = folder / "no-reference.md"
    path.write_text("---\nid: x\ntitle: X\n---\n\nBody.\n", encoding="utf-8")
    return path, "'reference'"


def _broken_yaml(folder: Path) -> tuple[Path, str]:
    path = folder / "broken.md"
    path.write_text('---\nid: x\ntitle: "X\nreference: R\n---\n\nBody.\n', encoding="utf-8")
    return path, ":3:"  # where the unclosed quote opens


def _duplicate_id(folder: Path) -> tuple[Path, str]:
    original = next(folder.glob("*hip*.md"))
    path = folder / "zz-copy-of-hip.md"
    shutil.copy(original, path)
    return path, f"also used by {original}"


def _only_boilerplate(folder: Path) -> tuple[Path, str]:
    path = folder / "template.md"
    body = "Subscribe To Our Newsletter\n\nRequest Information Packet\nThanks for your interest!\n"
    path.write_text(_article(body=body), encoding="utf-8")
    return path, ":7: the article body is only site boilerplate"


def _empty_body(folder: Path) -> tuple[Path, str]:
    path = folder / "empty.md"
    path.write_text(FRONT.format(id="empty", title="Empty") + "\n \n", encoding="utf-8")
    return path, "body is empty"


def _ten_megabytes(folder: Path) -> tuple[Path, str]:
    path = folder / "huge.md"
    sentence = "Mesenchymal stem cells were injected into the hip joint of 12 patients. "
    path.write_text(_article(body=sentence * (10_000_000 // len(sentence))), encoding="utf-8")
    return path, f"over the limit of {MAX_ARTICLE_BYTES:,} bytes"


BAD_FILES: dict[str, Callable[[Path], tuple[Path, str]]] = {
    "invalid UTF-8": _invalid_utf8,
    "no front matter": _no_front_matter,
    "missing reference": _missing_reference,
    "broken YAML": _broken_yaml,
    "duplicate id": _duplicate_id,
    "only boilerplate": _only_boilerplate,
    "empty body": _empty_body,
    "10 MB article": _ten_megabytes,
}


@pytest.mark.parametrize("command", ["build", "update"])
@pytest.mark.parametrize("bad", list(BAD_FILES))
def test_bad_article_stops_the_build_and_keeps_the_index(
    fake_settings: Settings, bad: str, command: str
) -> None:
    code, _, err = run_cli(fake_settings, "index", "build")
    assert code == 0, err
    serving = current_version(fake_settings.index_dir)
    before = tree_hashes(fake_settings.index_dir)
    expected = Engine(fake_settings, HashingEmbedder()).ask(QUESTION)

    path, detail = BAD_FILES[bad](fake_settings.corpus_dir)
    code, out, err = run_cli(fake_settings, "index", command)

    assert code == 1 and out == ""
    assert err.startswith(f"error: {path}") and err.count("\n") == 1
    assert detail in err
    assert current_version(fake_settings.index_dir) == serving
    assert tree_hashes(fake_settings.index_dir) == before
    assert Engine(fake_settings, HashingEmbedder()).ask(QUESTION).quotes == expected.quotes


def test_an_article_just_under_the_limit_is_indexed(fake_settings: Settings) -> None:
    sentence = "Mesenchymal stem cells were injected into the knee of 40 volunteers. "
    body = sentence * ((MAX_ARTICLE_BYTES - 400) // len(sentence))
    path = fake_settings.corpus_dir / "long.md"
    path.write_text(_article("long-article", "A Long Article", body), encoding="utf-8")
    assert path.stat().st_size <= MAX_ARTICLE_BYTES
    assert read_article(path).text.strip() == body.strip()
    code, _, err = run_cli(fake_settings, "index", "build")
    assert code == 0, err
    answer = Engine(fake_settings, HashingEmbedder()).ask("stem cells injected into the knee")
    assert answer.answered and answer.quotes[0].article_id == "long-article"


def test_boilerplate_words_inside_a_sentence_are_kept(fake_settings: Settings) -> None:
    body = "Patients may Request Information Packet forms at the desk.\n"
    path = fake_settings.corpus_dir / "mention.md"
    path.write_text(_article(body=body), encoding="utf-8")
    assert read_article(path).text.strip() == body.strip()


def test_shipped_corpus_passes_every_check() -> None:
    from conftest import CORPUS

    assert len(load_corpus(CORPUS)) == 5


def test_unreadable_article_names_the_file(
    fake_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = next(fake_settings.corpus_dir.glob("*.md"))

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(CorpusError, match="Permission denied"):
        read_article(path)
