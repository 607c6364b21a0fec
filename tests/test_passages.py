from __future__ import annotations

import itertools
import json

import pytest

from conftest import CORPUS
from mscqa.config import Settings
from mscqa.corpus.articles import Article
from mscqa.corpus.checks import load_corpus
from mscqa.corpus.passages import (
    embedding_text,
    make_passages,
    sentence_reading,
    split_sentences,
)


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return load_corpus(CORPUS)


def test_sentence_offsets_are_exact(articles: list[Article]) -> None:
    for article in articles:
        sentences = split_sentences(article)
        assert len(sentences) > 5
        for s in sentences:
            assert article.text[s.start : s.end] == s.text
            assert s.text == s.text.strip()
        starts = [s.start for s in sentences]
        assert starts == sorted(starts)


def test_abbreviations_do_not_split_sentences() -> None:
    text = "In 2011, Okafor et al. showed cells (i.e. platelets) were safe. Scores: 58.1±2.9 after."
    sentences = split_sentences(Article("a", "t", "r", text))
    assert [s.text for s in sentences] == [
        "In 2011, Okafor et al. showed cells (i.e. platelets) were safe.",
        "Scores: 58.1±2.9 after.",
    ]


def test_a_sentence_pointing_back_is_read_after_the_one_before() -> None:
    text = (
        "Gout drugs lower uric acid. These drugs can slow new attacks. It is often painful. "
        "This can last days. Such flares fade."
    )
    sentences = split_sentences(Article("a", "t", "r", text))
    other = split_sentences(Article("b", "t", "r", "These pills help."))
    readings = [sentence_reading(sentences, row) for row in range(len(sentences))]
    assert readings == [
        "Gout drugs lower uric acid.",
        "Gout drugs lower uric acid. These drugs can slow new attacks.",
        "It is often painful.",  # a pronoun takes the sentence before as its own topic
        "This can last days.",
        "This can last days. Such flares fade.",
    ]
    # The first sentence of another article points back at nothing.
    assert sentence_reading([*sentences, *other], len(sentences)) == "These pills help."


def test_repeated_sentences_keep_their_own_offsets() -> None:
    text = "Same words here. Other words. Same words here."
    sentences = split_sentences(Article("a", "t", "r", text))
    assert [s.start for s in sentences] == [0, 17, 30]
    assert len({s.id for s in sentences}) == 3


def test_passages_cover_every_sentence_with_overlap(articles: list[Article]) -> None:
    settings = Settings()
    for article in articles:
        sentences = split_sentences(article)
        passages = make_passages(
            article, sentences, settings.passage_max_words, settings.passage_overlap_sentences
        )
        covered = set()
        for p in passages:
            assert article.text[p.start : p.end] == p.text
            covered.update(range(p.first_sentence, p.last_sentence + 1))
        assert covered == set(range(len(sentences)))
        for before, after in itertools.pairwise(passages):
            assert after.first_sentence == before.last_sentence  # one sentence of overlap


def test_passage_ids_are_stable_and_unique(articles: list[Article]) -> None:
    def ids() -> list[str]:
        out = []
        for article in articles:
            out += [p.id for p in make_passages(article, split_sentences(article), 120, 1)]
        return out

    first = ids()
    assert first == ids()
    assert len(set(first)) == len(first)


def test_passages_fit_the_model_window(articles: list[Article]) -> None:
    from tokenizers import Tokenizer

    settings = Settings()
    tokenizer = Tokenizer.from_file(str(settings.model_path / "tokenizer.json"))
    window = json.loads((settings.model_path / "sentence_bert_config.json").read_text())[
        "max_seq_length"
    ]
    for article in articles:
        for p in make_passages(article, split_sentences(article), settings.passage_max_words, 1):
            tokens = tokenizer.encode(embedding_text(article.title, p.text)).ids
            assert len(tokens) <= window


def test_long_sentence_without_punctuation_is_segmented_safely() -> None:
    text = "word " * 30_000
    sentences = split_sentences(Article("a", "t", "r", text.strip()))
    assert sentences
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_text_wrapped_at_a_fixed_width_is_read_as_its_sentences() -> None:
    """Lines of a paragraph pasted from a PDF or an email are joined for the splitter; each
    sentence keeps its line breaks verbatim and its offsets exact."""
    text = (
        "Knee swelling went down in most of the patients who were\n"
        "treated. Pain scores fell by a third over twelve months of\n"
        "follow-up, and walking distance improved in the\n"
        "Leeds cohort as well."
    )
    sentences = split_sentences(Article("a", "t", "r", text))
    assert [s.text for s in sentences] == [
        "Knee swelling went down in most of the patients who were\ntreated.",
        "Pain scores fell by a third over twelve months of\nfollow-up, and walking distance "
        "improved in the\nLeeds cohort as well.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A title over its text, in a paragraph of its own lines.
        ("What the trial found\nPain fell in most patients.", 2),
        ("Cell therapy for joints\nThe trial enrolled forty patients.", 2),
        # Lists, headings, tables, "Key: value" lines.
        ("Side effects were mild:\n- headache in two patients\n- fever in one patient", 3),
        ("The cells were given twice\n1. at the start of the study\n2. after six months", 3),
        ("Authors: Rivera, Ana; Osei, Kwame; Lindahl, Britt\nDate: 2021-03-04\nLicense: cc-by", 3),
        # A short line before a capital in wrapped text: the title of what follows.
        (
            "Results\nThe injections were well tolerated by all of the patients and\n"
            "no serious events were reported during the whole year of follow-up.",
            2,
        ),
    ],
)
def test_line_breaks_that_end_a_block_still_split(text: str, expected: int) -> None:
    sentences = split_sentences(Article("a", "t", "r", text))
    assert len(sentences) == expected, [s.text for s in sentences]
    assert all(text[s.start : s.end] == s.text for s in sentences)
