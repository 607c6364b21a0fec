"""Editing tools: `mscqa corpus new`, `corpus check` and `corpus import` of an HTML page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS, SEED_PAGE
from mscqa.cli import main
from mscqa.corpus.checks import check_corpus, load_corpus, read_article
from mscqa.corpus.pages import import_page, parse_page_html
from mscqa.errors import CorpusError

HTML_PAGE = Path(__file__).parent / "data" / "clinic_page.html"

BODY = (
    "Researchers grew mesenchymal stem cells on a collagen scaffold for six weeks.\n\n"
    "The scaffold kept 81% of the cells alive, compared with 47% on plastic."
)


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def _fields(articles: list) -> list[tuple[str, str, str, str]]:
    return sorted((a.id, a.title, a.reference, a.text) for a in articles)


# corpus import of HTML


def test_html_page_gives_the_same_articles_as_the_text_export() -> None:
    from_html = import_page(HTML_PAGE)
    assert len(from_html) == 5
    assert _fields(from_html) == _fields(load_corpus(CORPUS))
    text = "\n".join(a.text + a.title + a.reference for a in from_html)
    for chrome in ("Newsletter", "Lightbox", "Information Packet", "Subscribe", "Recent Posts"):
        assert chrome not in text
    assert "console.log" not in text and "Home" not in text and "Share" not in text


def test_corpus_import_of_the_html_page_writes_the_committed_files(tmp_path: Path) -> None:
    code, out, err = run("corpus", "import", str(HTML_PAGE), "--out", str(tmp_path))
    assert code == 0, err
    assert len(out.splitlines()) == 5 and "5 articles written" in err
    for path in CORPUS.glob("*.md"):
        made = (tmp_path / path.name).read_text(encoding="utf-8")
        # Only the `source` line (the page's file name) differs.
        committed = path.read_text(encoding="utf-8").replace(
            "source: 000_169456a92862e4cb.txt", "source: clinic_page.html"
        )
        assert made == committed, path.name


@pytest.mark.skipif(not SEED_PAGE.is_file(), reason="clinic page export not present")
def test_html_and_text_export_imports_are_identical(tmp_path: Path) -> None:
    assert _fields(import_page(HTML_PAGE)) == _fields(import_page(SEED_PAGE))
    for page, out in ((HTML_PAGE, tmp_path / "html"), (SEED_PAGE, tmp_path / "text")):
        code, _, err = run("corpus", "import", str(page), "--out", str(out))
        assert code == 0, err
    for path in (tmp_path / "text").glob("*.md"):
        html_file = (tmp_path / "html" / path.name).read_text(encoding="utf-8")
        text_file = path.read_text(encoding="utf-8")
        # Only the `source` line (the page's file name) differs.
        assert html_file.replace("clinic_page.html", SEED_PAGE.name) == text_file


def test_html_page_without_article_elements_is_read_as_visible_text() -> None:
    page = HTML_PAGE.read_text(encoding="utf-8")
    flat = page.replace("<article", "<div").replace("</article>", "</div>")
    assert _fields(parse_page_html(flat)) == _fields(load_corpus(CORPUS))


def test_html_line_breaks_and_entities_are_kept_as_text() -> None:
    page = (
        "<html><body><article><h2>Cells &amp; Scaffolds</h2>\n<p>First line,<br>\n"
        "  second   line with 5&plusmn;1 &lt;b&gt;.</p>\n<p>Reference: Roe (2020).</p>"
        "</article></body></html>"
    )
    (article,) = parse_page_html(page)
    assert article.title == "Cells & Scaffolds" and article.id == "cells-scaffolds"
    assert article.text == "First line,\nsecond line with 5±1 <b>."
    assert article.reference == "Roe (2020)."


def test_html_article_without_reference_names_the_line() -> None:
    page = (
        "<!DOCTYPE html><html><body>\n<article>\n<h2>Cells in Space</h2>\n"
        "<p>Cells were flown to orbit.</p>\n</article>\n</body></html>"
    )
    with pytest.raises(CorpusError, match=r"page.html:3: article 'Cells in Space' has no"):
        parse_page_html(page, "page.html")


# corpus new


def test_new_writes_a_well_formed_article_that_indexes(fake_env: object) -> None:
    settings = fake_env
    assert run("index", "build")[0] == 0
    code, out, err = run(
        "corpus",
        "new",
        "--title",
        "Stem Cells on Collagen Scaffolds",
        "--reference",
        "Doe J. et al. (2023). Scaffolds. J. Tissue Eng. 4:1-9.",
        "--source",
        "https://example.org/scaffolds",
        stdin=BODY + "\n",
    )
    assert code == 0, err
    path = Path(out.strip())
    assert path.name == "stem-cells-on-collagen-scaffolds.md"
    assert path.parent == settings.corpus_dir  # type: ignore[attr-defined]
    article = read_article(path)
    assert article.title == "Stem Cells on Collagen Scaffolds"
    assert article.reference.startswith("Doe J.") and article.source.endswith("scaffolds")
    assert article.text == BODY
    assert run("corpus", "check")[0] == 0
    code, out, _ = run("index", "update", "--json")
    assert code == 0 and json.loads(out)["added"] == ["stem-cells-on-collagen-scaffolds"]
    code, out, _ = run("ask", "--json", "collagen scaffold cells alive")
    answers = json.loads(out)["answers"]
    assert answers[0]["article_id"] == "stem-cells-on-collagen-scaffolds"


def test_new_reads_the_body_from_a_file_with_an_explicit_id(
    fake_env: object, tmp_path: Path
) -> None:
    body = tmp_path / "body.txt"
    body.write_text(BODY, encoding="utf-8")
    code, out, err = run(
        "corpus", "new", "--title", "T", "--reference", "R (2020).", "--id", "my-id",
        "--body-file", str(body),
    )  # fmt: skip
    assert code == 0, err
    assert read_article(Path(out.strip())).id == "my-id"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--title", "T", "--reference", "R"], "  \n\n ", "body is empty"),
        (["--title", " ", "--reference", "R"], BODY, "title is empty"),
        (["--title", "T", "--reference", "R", "--id", "Bad Id"], BODY, "--id bad-id"),
        (
            ["--title", "Treating Chronic Pain with Mesenchymal Stem Cells", "--reference", "R"],
            BODY,
            "already",
        ),
        (["--title", "T", "--reference", "R"], BODY + "\n\nRequest Information Packet", "line 5"),
    ],
)
def test_new_refuses_bad_input_and_writes_nothing(
    fake_env: object, args: list[str], stdin: str, message: str
) -> None:
    corpus_dir: Path = fake_env.corpus_dir  # type: ignore[attr-defined]
    before = sorted(p.name for p in corpus_dir.iterdir())
    code, _, err = run("corpus", "new", *args, stdin=stdin)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in corpus_dir.iterdir()) == before


# corpus check


def test_check_passes_on_the_shipped_corpus() -> None:
    code, out, err = run("--corpus", str(CORPUS), "corpus", "check")
    assert code == 0 and out == ""
    assert "5 articles" in err and "0 problems" in err


def _write(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def test_check_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    good = "---\nid: good\ntitle: Good Title\nreference: R (2020).\n---\n\nGood text here.\n"
    _write(folder, "a_good.md", good)
    _write(folder, "b_same_id.md", good.replace("Good Title", "Other Title"))
    _write(folder, "c_same_title.md", good.replace("id: good", "id: other"))
    _write(folder, "d_bad_utf8.md", b"---\nid: d\ntitle: D\nreference: R\n---\n\nok\n\xff bad\n")
    _write(folder, "e_no_front_matter.md", "Just text.\n")
    _write(folder, "f_typed.md", "---\nid: f\ntitle: 42\nreference: R\ncolour: red\n---\n\nText.\n")
    _write(folder, "g_empty.md", "---\nid: g\ntitle: G\nreference: R\n---\n\n  \n")
    _write(
        folder,
        "h_boilerplate.md",
        "---\nid: h\ntitle: H\nreference: R\n---\n\nH\n\nReal text.\n\n"
        "Subscribe To Our Newsletter\n\nReference: R (2020).\n",
    )
    _write(folder, "i_only_chrome.md", "---\nid: i\ntitle: I\nreference: R\n---\n\n"
           "Request Information Packet\n\nThanks for your interest!\n")  # fmt: skip
    _write(folder, "j_yaml.md", "---\nid: j\ntitle: [unclosed\nreference: R\n---\n\nText.\n")
    code, out, err = run("--corpus", str(folder), "corpus", "check")
    assert code == 1
    lines = out.strip().splitlines()
    expected = [
        ("b_same_id.md:2:", "id 'good' is also used by"),
        ("c_same_title.md:3:", "title 'Good Title' is also used by"),
        ("d_bad_utf8.md:8:", "not valid UTF-8"),
        ("e_no_front_matter.md:1:", "no front matter"),
        ("f_typed.md:3:", "field 'title' is not text"),
        ("f_typed.md:5:", "unknown front matter field 'colour'; fields are: id, title"),
        ("g_empty.md:6:", "body is empty"),
        ("h_boilerplate.md:7:", "body starts with the title"),
        ("h_boilerplate.md:11:", "boilerplate line 'Subscribe To Our Newsletter'"),
        ("h_boilerplate.md:13:", "'Reference:' line in the body"),
        ("i_only_chrome.md:7:", "only site boilerplate"),
        ("j_yaml.md:3:", "not valid YAML"),
    ]
    for where, what in expected:
        assert any(where in line and what in line for line in lines), (where, what, lines)
    assert len(lines) == len(expected), lines
    assert not any(line.startswith(str(folder / "a_good.md")) for line in lines)
    assert "12 problems" in err
    code, out, _ = run("--corpus", str(folder), "corpus", "check", "--json")
    payload = json.loads(out)
    assert code == 1 and len(payload["problems"]) == 12
    assert {"file", "line", "message", "fatal"} == set(payload["problems"][0])


def test_build_refuses_a_broken_corpus_and_keeps_the_index(fake_env: object) -> None:
    corpus_dir: Path = fake_env.corpus_dir  # type: ignore[attr-defined]
    assert run("index", "build")[0] == 0
    _write(corpus_dir, "broken.md", "---\nid: broken\ntitle: B\n---\n\nText.\n")
    code, _, err = run("index", "update")
    assert code == 1 and "broken.md:1: front matter field 'reference'" in err
    assert run("ask", "stem cells and hip pain")[0] == 0


def test_load_corpus_points_to_corpus_check_when_several_files_are_broken(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        _write(tmp_path, name, "no front matter\n")
    with pytest.raises(CorpusError, match=r"a\.md:1: no front matter.*1 more.*mscqa corpus check"):
        load_corpus(tmp_path)
    articles, problems = check_corpus(tmp_path)
    assert articles == [] and len(problems) == 2
