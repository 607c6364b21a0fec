"""MedQuAD's topic names: read from its focus field, split in halves for honest measuring, and
used only to see that a question names something the library does not."""

from __future__ import annotations

import gzip
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from mscqa.answers.conditions import conditions
from mscqa.search import scope
from mscqa.search.scope import unknown_topics
from mscqa.text.terms import lexical_tokens
from mscqa.training.topics import (
    DEFAULT_MEDQUAD,
    TOPICS_FILE,
    focuses,
    half_of,
    names_of,
    topic_names,
    write_topics,
)

VOCABULARY = frozenset(
    lexical_tokens("Mesenchymal stem cells for hip osteoarthritis and back pain.", document=True)
)


def test_a_focus_gives_its_names_and_a_page_title_none() -> None:
    assert names_of("Gorlin Duct Cancer (Gorlinoma)") == ["gorlin duct cancer", "gorlinoma"]
    assert names_of("Fooitis/Barosis") == ["fooitis", "barosis"]
    assert names_of("What I need to know about Fooitis: a guide") == []
    assert names_of("Fooitis and Barosis in Older Adults at Home") == []  # a page's title
    # A one-word name that is an everyday word first says nothing of a topic.
    assert names_of("Balance") == [] and names_of("Falls") == []


def test_the_two_halves_split_the_focuses_and_stay_the_same() -> None:
    all_focuses = ["Fooitis", "Barosis", "Quxemia", "Zorb syndrome", "Plim disease"]
    halves = [topic_names(all_focuses, half) for half in (0, 1)]
    assert not set(halves[0]) & set(halves[1])
    assert sorted(halves[0] + halves[1]) == topic_names(all_focuses)
    # The halves come from sha256, the same on every machine and in every run.
    assert [half_of(f) for f in all_focuses] == [1, 0, 1, 0, 1]


def test_the_list_is_written_whole_with_its_source(tmp_path: Path) -> None:
    source = tmp_path / "medquad.jsonl.gz"
    rows = [{"focus": "Fooitis"}, {"focus": "Zorb Syndrome (ZS)"}, {"focus": "Fooitis"}]
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in rows)
    out = tmp_path / "topics.txt"
    write_topics(topic_names(focuses(source)), source, out, None)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == ["fooitis", "zorb syndrome"]
    assert "sha256" in lines[3] and "2 names" in lines[3]
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert list(tmp_path.glob("*.tmp")) == []


@pytest.mark.skipif(not DEFAULT_MEDQUAD.is_file(), reason="../shared/train/medquad.jsonl.gz")
def test_the_shipped_list_is_what_the_script_makes_from_medquad(tmp_path: Path) -> None:
    out = tmp_path / "topics.txt"
    write_topics(topic_names(focuses(DEFAULT_MEDQUAD)), DEFAULT_MEDQUAD, out, None)
    assert out.read_text(encoding="utf-8") == TOPICS_FILE.read_text(encoding="utf-8")


@pytest.fixture
def reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A reference list of made-up names in place of the shipped one."""
    listed = tmp_path / "topics.txt"
    listed.write_text("# made up\nzorbitis\nstem cells\nback pain\n", encoding="utf-8")
    monkeypatch.setattr(scope, "REFERENCE_LISTS", (str(listed),))
    scope._reference_pattern.cache_clear()
    yield
    scope._reference_pattern.cache_clear()


@pytest.mark.usefixtures("reference")
def test_a_reference_name_the_library_lacks_is_an_unknown_topic() -> None:
    assert unknown_topics("Can stem cells treat zorbitis?", VOCABULARY) == ["zorbitis"]
    # Names the library uses are no other topic, and a reference name names no condition
    # of the conversation.
    assert unknown_topics("Do stem cells help back pain?", VOCABULARY) == []
    assert "stem cells" not in conditions("Are stem cells safe?")


def test_an_empty_list_matches_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "topics.txt"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    monkeypatch.setattr(scope, "REFERENCE_LISTS", (str(empty),))
    scope._reference_pattern.cache_clear()
    try:
        assert unknown_topics("Do stem cells help back pain?", VOCABULARY) == []
    finally:
        scope._reference_pattern.cache_clear()
