"""Markup in articles and questions is stored and printed as the characters it is made of."""

from __future__ import annotations

import json

from click.testing import CliRunner

from mscqa.cli import main
from mscqa.config import Settings
from mscqa.corpus.checks import load_corpus

PAYLOADS = "<img src=x onerror=alert(1)> and <script>alert('x')</script> and &lt;b&gt;"
BODY = (
    "Researchers injected marrow cells into 14 knees of volunteers. "
    f"The clinic's form once showed {PAYLOADS} in this sentence about knee injections.\n"
)


def _cli(settings: Settings, *args: str) -> tuple[int, str]:
    env = {
        "MSCQA_EMBEDDER": "fake",
        "MSCQA_CORPUS_DIR": str(settings.corpus_dir),
        "MSCQA_INDEX_DIR": str(settings.index_dir),
    }
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout


def test_markup_in_an_article_is_quoted_verbatim(fake_settings: Settings) -> None:
    (fake_settings.corpus_dir / "markup.md").write_text(
        "---\nid: markup\ntitle: Knees <b>bold</b>\nreference: R <i>(2024)</i>.\n---\n\n" + BODY,
        encoding="utf-8",
    )
    assert _cli(fake_settings, "index", "build")[0] == 0
    question = f"form showed {PAYLOADS} knee injections"

    code, out = _cli(fake_settings, "ask", "--json", question)
    assert code == 0
    answer = json.loads(out)
    assert answer["question"] == question
    quote = next(a for a in answer["answers"] if a["article_id"] == "markup")
    body = next(a.text for a in load_corpus(fake_settings.corpus_dir) if a.id == "markup")
    assert PAYLOADS in quote["quote"] and body[quote["start"] : quote["end"]] == quote["quote"]
    assert quote["title"] == "Knees <b>bold</b>" and quote["reference"] == "R <i>(2024)</i>."

    code, out = _cli(fake_settings, "ask", question)
    assert code == 0 and PAYLOADS in out and "Knees <b>bold</b>" in out
