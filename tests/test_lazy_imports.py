"""The question path imports nothing heavy, and the light pieces it uses instead (bm25s's saved
scores read with NumPy, top-k by argpartition) give exactly what the libraries give."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.index.load import BM25_DIR
from mscqa.text.terms import lexical_tokens

HEAVY = ("torch", "sentence_transformers", "transformers", "gradio", "scipy", "bm25s", "pysbd")

# Runs the CLI in a fresh interpreter, then prints which heavy modules it had imported.
_PROBE = """
import json, sys
from mscqa.cli import main
try:
    main(args=sys.argv[1:], standalone_mode=False)
finally:
    heavy = {heavy!r}
    print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def run_probe(args: list[str], env: dict[str, str]) -> tuple[list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


def probe_env(settings: Settings, embedder: str) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "MSCQA_EMBEDDER": embedder,
        "MSCQA_CORPUS_DIR": str(settings.corpus_dir),
        "MSCQA_INDEX_DIR": str(settings.index_dir),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def test_ask_and_check_import_nothing_heavy(fake_engine: Engine) -> None:
    env = probe_env(fake_engine.settings, "fake")
    for command in ("ask", "check"):
        heavy, output = run_probe([command, "--json", "Can stem cells ease hip pain?"], env)
        assert heavy == []
        assert json.loads(output)  # it did answer


@pytest.mark.model
def test_ask_with_the_onnx_export_never_imports_torch(real_engine: Engine) -> None:
    heavy, output = run_probe(
        ["ask", "--json", "Which ALS drugs are approved?"], probe_env(real_engine.settings, "auto")
    )
    assert heavy == []
    answer = json.loads(output)
    assert answer["answered"] and "ALS" in answer["answers"][0]["title"]


def test_saved_bm25_scores_equal_bm25s(fake_engine: Engine) -> None:
    import bm25s

    index = fake_engine.index
    reference = bm25s.BM25.load(str(index.path / BM25_DIR), load_corpus=False, show_progress=False)
    for text in (
        "stem cells for hip osteoarthritis",
        "pain pain pain relief",
        "ALS riluzole edaravone",
        "words nobody wrote quixotically",
        "immune system T cells and B cells",
    ):
        tokens = lexical_tokens(text)
        expected = (
            reference.get_scores(tokens)
            if reference.get_tokens_ids(tokens)
            else np.zeros(len(index.passages), dtype=np.float32)
        )
        assert np.array_equal(index.bm25.get_scores(tokens), expected)


def test_cli_module_imports_only_what_every_command_needs() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, mscqa.cli, mscqa.engine; print(sorted(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(done.stdout.split("'"))
    assert not loaded & {*HEAVY, "faiss", "onnxruntime"}
