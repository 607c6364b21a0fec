"""Drafts of every format split into the statements worth checking; bad drafts get one line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conftest import run_cli
from mscqa.answers.verify import NOT_FOUND, Verdict
from mscqa.config import Settings
from mscqa.errors import UsageError
from mscqa.staff.drafts import (
    HEADING,
    ITEM,
    Block,
    check_draft,
    draft_statements,
    parse_draft,
    pasted_statements,
    read_draft,
    split_statements,
    with_subject,
)

LIMIT = 100_000

# The statements every draft below holds, in order, whatever its format.
EXPECTED = [
    "Bone marrow is one source of the cells used in these trials.",
    "Knee swelling went down in most volunteers after six months.",
    "Side effects were mild, e.g. a short fever in 3 of 40 people.",
    "The cells are grown in a lab for about 2 weeks before use.",
]

TEXT_DRAFT = """Spring newsletter
=================

Hello everyone,

What did the new trials find? Bone marrow is one source of the cells used in
these trials. Knee swelling went down in most volunteers after six months.

Here is what we learned:

- Side effects were mild, e.g. a short fever in 3 of 40 people.
2. The cells are grown in a lab for about 2 weeks before use.

## Next steps

Thank you for reading.

Warm regards,
Dr. Rosa Placeholder
Example Regenerative Clinic
"""

MARKDOWN_DRAFT = """# Spring newsletter

Hello everyone,

*What did the new trials find?* **Bone marrow** is one source of the cells used in
[these trials](https://example.org/trials). Knee swelling went down in most volunteers after
six months.

Here is what we learned:

* Side effects were mild, e.g. a short fever in 3 of 40 people.
* The cells are grown in a lab for about `2 weeks` before use.

### Next steps

Best wishes,

Rosa
"""

HTML_DRAFT = """<!DOCTYPE html>
<html><head><title>Spring newsletter</title><style>p { color: red; }</style>
<script>var note = "This script line is not a statement at all.";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/news">News articles from the clinic team</a></nav>
<h1>Spring newsletter</h1>
<p>Hello everyone,</p>
<p>What did the new trials find? <b>Bone marrow</b> is one source of the cells used in
these&nbsp;trials. Knee swelling went down in most volunteers<br>after six months.</p>
<p>Here is what we learned:</p>
<ul>
  <li>Side effects were mild, e.g. a short fever in 3 of 40 people.</li>
  <li>The cells are grown in a lab for about 2 weeks before use.</li>
</ul>
<!-- Draft note: this comment is never checked. -->
<h2>Next steps</h2>
<p>Kind regards,</p>
<p>Rosa</p>
</body></html>
"""


def _docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Spring newsletter", level=1)
    document.add_paragraph("Hello everyone,")
    document.add_paragraph(
        "What did the new trials find? Bone marrow is one source of the cells used in these "
        "trials. Knee swelling went down in most volunteers after six months."
    )
    document.add_paragraph("Here is what we learned:")
    document.add_paragraph(
        "Side effects were mild, e.g. a short fever in 3 of 40 people.", style="List Bullet"
    )
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Preparation"
    table.cell(0, 1).text = "The cells are grown in a lab for about 2 weeks before use."
    document.add_heading("Next steps", level=2)
    document.add_paragraph("Sincerely,")
    document.add_paragraph("Rosa Placeholder")
    document.save(str(path))
    return path


@pytest.mark.parametrize(
    ("name", "content"),
    [("draft.txt", TEXT_DRAFT), ("draft.md", MARKDOWN_DRAFT), ("draft.html", HTML_DRAFT)],
)
def test_every_text_format_gives_the_same_statements(
    tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert draft_statements(path, LIMIT) == EXPECTED


def test_docx_paragraphs_lists_and_tables_give_the_same_statements(tmp_path: Path) -> None:
    path = _docx(tmp_path / "draft.docx")
    blocks = read_draft(path, LIMIT)
    assert Block(HEADING, "Spring newsletter") in blocks
    assert Block(ITEM, "Side effects were mild, e.g. a short fever in 3 of 40 people.") in blocks
    assert draft_statements(path, LIMIT) == EXPECTED


def test_headings_and_list_markers_stay_out_of_the_text() -> None:
    blocks = parse_draft(MARKDOWN_DRAFT, "markdown")
    assert [b.text for b in blocks if b.kind == HEADING] == ["Spring newsletter", "Next steps"]
    items = [b.text for b in blocks if b.kind == ITEM]
    assert items == EXPECTED[2:]
    assert not any(text.startswith(("*", "-", "#")) for text in (b.text for b in blocks))


def test_markup_inside_markdown_stays_text() -> None:
    statements = split_statements(
        parse_draft("Patients said <img src=x onerror=alert(1)> the pain was gone.", "markdown")
    )
    assert statements == ["Patients said <img src=x onerror=alert(1)> the pain was gone."]


def test_questions_greetings_sign_offs_and_short_fragments_are_skipped() -> None:
    text = (
        "Dear Ms Example,\nThanks for your message. Can the cells help my back?\n\n"
        "See below.\n\nThe study followed 12 people for a year.\n\n"
        "Here are the results in short. In this newsletter we cover knees.\n\n"
        "Best,\nTom\n\nThe clinic treats everyone within a week.\n"
    )
    assert pasted_statements(text, LIMIT) == ["The study followed 12 people for a year."]


def test_an_invitation_to_ask_or_call_is_no_statement() -> None:
    text = "The study followed 12 people. Ask us at the desk. Talk to your doctor about it."
    assert pasted_statements(text, LIMIT) == ["The study followed 12 people."]


def test_it_or_they_opening_a_statement_is_the_subject_of_the_one_before() -> None:
    before = "The knee trial enrolled forty runners."
    assert with_subject("It also cut pain by half.", before) == (
        "The knee trial also cut pain by half."
    )
    assert with_subject("However, they heal slowly.", "Tendons can tear.") == (
        "However, Tendons heal slowly."
    )
    # An "it" that stands for nothing, or a sentence before without a plain subject, stays.
    assert with_subject("It is not clear whether it works.", before) == (
        "It is not clear whether it works."
    )
    assert with_subject("It helps.", "Because tendons tear, rest helps.") == "It helps."
    assert with_subject("The cream helps.", before) == "The cream helps."


def test_a_draft_statement_is_checked_as_read_and_shown_as_written() -> None:
    checked: list[str] = []

    def check(statement: str) -> Verdict:
        checked.append(statement)
        return Verdict(statement, NOT_FOUND, (), (), (), "")

    statements = ["Riluzole extended survival.", "It also improves function."]
    result = check_draft(statements, check, source="x", index_version="v", checked_at="t")
    assert checked == ["Riluzole extended survival.", "Riluzole also improves function."]
    assert [c.verdict.statement for c in result.checks if c.verdict] == statements


def test_a_pasted_single_statement_is_one_statement() -> None:
    statement = "Fat tissue yields more cells than bone marrow does."
    assert pasted_statements(statement, LIMIT) == [statement]


def test_sentences_are_split_at_their_ends_not_at_abbreviations() -> None:
    text = "Dr. Lee et al. reported a 2.5-fold rise. The rise lasted 3 months, i.e. a season."
    assert pasted_statements(text, LIMIT) == [
        "Dr. Lee et al. reported a 2.5-fold rise.",
        "The rise lasted 3 months, i.e. a season.",
    ]


def _expect_usage_error(call: object, *needles: str) -> str:
    with pytest.raises(UsageError) as caught:
        call()  # type: ignore[operator]
    message = str(caught.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message
    return message


def test_bad_drafts_are_refused_with_one_line_naming_the_fix(tmp_path: Path) -> None:
    _expect_usage_error(lambda: draft_statements(tmp_path / "gone.md", LIMIT), "check the path")
    (tmp_path / "draft.pdf").write_bytes(b"%PDF-1.4")
    _expect_usage_error(lambda: draft_statements(tmp_path / "draft.pdf", LIMIT), ".docx", ".md")
    (tmp_path / "empty.md").write_text("# Only a heading\n\nIs this a question?\n")
    _expect_usage_error(lambda: draft_statements(tmp_path / "empty.md", LIMIT), "no statement")
    (tmp_path / "blank.txt").write_text("")
    _expect_usage_error(lambda: draft_statements(tmp_path / "blank.txt", LIMIT), "no statement")
    (tmp_path / "latin1.txt").write_bytes("Café patients improved a lot.".encode("latin-1"))
    _expect_usage_error(lambda: draft_statements(tmp_path / "latin1.txt", LIMIT), "UTF-8")
    (tmp_path / "big.txt").write_text("Stem cells were given to the patients. " * 100)
    _expect_usage_error(lambda: draft_statements(tmp_path / "big.txt", 1000), "smaller drafts")


@pytest.mark.parametrize(
    "content",
    [b"not a zip at all", b"", b"PK\x03\x04broken"],
)
def test_a_broken_docx_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(content)
    _expect_usage_error(lambda: draft_statements(path, LIMIT), "save it again as .docx")


def test_a_zip_that_is_not_a_word_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "a zip, but no word/document.xml")
    _expect_usage_error(lambda: draft_statements(path, LIMIT), "save it again as .docx")


def test_cli_bad_draft_exits_2_with_one_line(fake_settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "broken.docx").write_bytes(b"garbage")
    for args in (
        ["check", "--file", str(tmp_path / "missing.md")],
        ["check", "--file", str(tmp_path / "broken.docx")],
        ["check", "--csv", "A statement without a draft."],
    ):
        code, out, err = run_cli(fake_settings, *args)
        assert code == 2, args
        assert out == ""
        assert err.startswith("error: ") and err.count("\n") == 1


@hypothesis_settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400), kind=st.sampled_from(["text", "markdown", "html"]))
def test_any_text_in_any_format_splits_without_raising(text: str, kind: str) -> None:
    for statement in split_statements(parse_draft(text, kind)):
        assert statement.strip() == statement and statement


@hypothesis_settings(max_examples=25, deadline=4000, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=300))
def test_any_bytes_as_docx_give_statements_or_one_line(content: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.docx"
        path.write_bytes(b"PK\x03\x04" + content)
        try:
            draft_statements(path, LIMIT)
        except UsageError as exc:
            assert "\n" not in str(exc)


def test_items_of_a_loose_list_stay_items() -> None:
    draft = "Findings:\n\n- Cells were taken from fat\n\n- Knees hurt less after a year\n"
    blocks = parse_draft(draft, "markdown")
    assert [b for b in blocks if b.kind == ITEM] == [
        Block(ITEM, "Cells were taken from fat"),
        Block(ITEM, "Knees hurt less after a year"),
    ]
    assert split_statements(blocks) == ["Cells were taken from fat", "Knees hurt less after a year"]


def test_a_sentence_ending_in_an_acronym_ends_there() -> None:
    text = (
        "Fatigue is common in MS. Smith et al. found that rest helped. "
        "Ms. Jones led the COPD. Trial nurses agreed."
    )
    assert split_statements(parse_draft(text, "text")) == [
        "Fatigue is common in MS.",
        "Smith et al. found that rest helped.",
        "Ms. Jones led the COPD.",
        "Trial nurses agreed.",
    ]


def test_the_writers_on_their_own_draft_claim_nothing() -> None:
    text = (
        "We have gathered the latest findings for you. I've put together a short overview of "
        "the studies. We have collected stem cells from 500 patients for studies. The knee trial "
        "enrolled forty runners."
    )
    # What the clinic says it did is a statement to check; what the letter is about is not.
    assert pasted_statements(text, LIMIT) == [
        "We have collected stem cells from 500 patients for studies.",
        "The knee trial enrolled forty runners.",
    ]


def test_the_letters_own_exchange_claims_nothing() -> None:
    text = (
        "You asked a few things we could not answer on the spot. I am writing after our call. "
        "As you know, the knee trial enrolled forty runners."
    )
    assert pasted_statements(text, LIMIT) == ["As you know, the knee trial enrolled forty runners."]
    assert pasted_statements("Ask at reception. The gel trial enrolled forty goats.", LIMIT) == [
        "The gel trial enrolled forty goats."
    ]


def test_a_welcome_claims_nothing() -> None:
    text = "Welcome to this month's update. Welcome back to our newsletter. Gel eased goat pain."
    assert pasted_statements(text, LIMIT) == ["Gel eased goat pain."]
