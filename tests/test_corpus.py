from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS, SEED_PAGE
from mscqa.cli import main
from mscqa.corpus.articles import Article, slugify
from mscqa.corpus.checks import load_corpus, read_article
from mscqa.corpus.pages import BOILERPLATE_LINES, import_page, parse_page_export
from mscqa.corpus.writing import format_article
from mscqa.errors import CorpusError

needs_seed = pytest.mark.skipif(not SEED_PAGE.is_file(), reason="clinic page export not present")


@needs_seed
def test_committed_corpus_equals_import_of_the_page(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["corpus", "import", str(SEED_PAGE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in tmp_path.glob("*.md"))
    committed = sorted(p.name for p in CORPUS.glob("*.md"))
    assert made == committed
    for name in made:
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), name


def test_shipped_corpus_has_five_articles_with_references() -> None:
    articles = load_corpus(CORPUS)
    assert len(articles) == 5
    topics = " ".join(a.title.lower() for a in articles)
    for topic in ("hip osteoarthritis", "immune", "multiple sclerosis", "chronic pain", "als"):
        assert topic in topics
    for article in articles:
        assert article.reference and "(20" in article.reference
        assert not article.text.startswith(article.title)
        assert "Reference:" not in article.text


def test_no_boilerplate_and_verbatim_characters() -> None:
    articles = load_corpus(CORPUS)
    text = "\n".join(a.text for a in articles)
    for line in BOILERPLATE_LINES:
        assert line not in text
    assert "Newsletter" not in text and "Lightbox" not in text
    assert "67.2±3.4" in text and "patients’ Harris Hip" in text
    assert "\n\n" in articles[0].text  # paragraph breaks kept


@needs_seed
def test_article_bodies_are_verbatim_slices_of_the_page() -> None:
    page = SEED_PAGE.read_text(encoding="utf-8")
    for article in import_page(SEED_PAGE):
        assert article.text in page


def test_round_trip_of_an_article_file(tmp_path: Path) -> None:
    article = Article(
        "x", "Title: with colon", "Doe, J. (2020). “Q” 1±2.", "Body’s text.\n\nSecond."
    )
    path = tmp_path / "x.md"
    path.write_text(format_article(article), encoding="utf-8")
    assert read_article(path) == article


def test_slugify_is_readable_and_bounded() -> None:
    assert slugify("Mesenchymal Stem Cell Treatment for ALS is Safe") == (
        "mesenchymal-stem-cell-treatment-for-als-is-safe"
    )
    assert len(slugify("word " * 50)) <= 60
    assert slugify("±±") == "article"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("---\nid: a\nreference: r\n---\n\nBody.", "'title'"),
        ("---\nid: a\ntitle: t\n---\n\nBody.", "'reference'"),
        ("---\nid: a\ntitle: t\nreference: r\n---\n\n   \n", "body is empty"),
        ("No front matter at all.", "no front matter"),
        ("---\nid: a\ntitle: [unclosed\n---\n\nBody.", "not valid YAML"),
    ],
)
def test_broken_article_files_name_file_and_field(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "broken.md"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        read_article(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(b"---\nid: a\ntitle: t\nreference: r\n---\n\nok\n\xff\xfe bad\n")
    with pytest.raises(CorpusError, match=r"bad\.md:8: not valid UTF-8"):
        read_article(path)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text("---\nid: same\ntitle: t\nreference: r\n---\n\nBody.\n")
    with pytest.raises(CorpusError, match="also used by"):
        load_corpus(tmp_path)


def test_page_without_articles_is_refused() -> None:
    with pytest.raises(CorpusError, match="no articles found"):
        parse_page_export("Request Information Packet\n\nThanks for your interest!\n")


def test_page_article_without_reference_is_refused() -> None:
    page = (
        "Title A\n\nTitle A\n\nBody text.\n\nTitle B\n\nTitle B\n\nMore.\n\nReference: X (2020).\n"
    )
    with pytest.raises(CorpusError, match="has no 'Reference:' line"):
        parse_page_export(page)
