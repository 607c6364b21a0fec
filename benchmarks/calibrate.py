"""Fit the answer model (src/mscqa/data/calibration.json) and the "not covered" threshold.

    .venv/bin/mscqa index build
    .venv/bin/python benchmarks/calibrate.py [--data benchmarks/data/calibration.jsonl] [--write]

Data: our own patient-style questions (with the article and an evidence string each) and
out-of-scope questions, never the dev set. Every sentence of the retrieved passages is a row:
positive when the question is in scope and its quote (as `quote_span` cuts it) holds the
evidence string in the right article; negative otherwise, so all sentences of an out-of-scope
question are negatives. A logistic regression on `answer.FEATURES` then gives the probability
that a quote answers the question. The threshold is the lowest probability that keeps false
"not covered" at or below --max-false-abstention on these questions while refusing the most
out-of-scope ones; figures are reported by 5-fold cross-validation over questions. --write
writes the model and the threshold to data/calibration.json; the threshold then goes to
`Settings.min_score` too (tests/test_answer.py fails until it does).

With --ranker the rows are the sentences the learned ranker is shown (the best
`MSCQA_RANKER_CANDIDATES` of the model above), with the ranker's score as one more feature;
--write then writes data/calibration_ranker.json, and the threshold goes to
`Settings.ranker_min_score` (checked by the same test).

--without FEATURE ... measures the model fitted without those features (an ablation: the
5-fold figures say what each adds); it never writes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from mscqa.answers.calibration import (
    CALIBRATION_FILE,
    COVERED_FEATURES,
    FEATURES,
    RANKER_CALIBRATION_FILE,
    RANKER_FEATURES,
    Calibration,
    covered_features,
)
from mscqa.answers.candidates import Candidate, score_candidates
from mscqa.answers.candidates import sentence_features as features_of
from mscqa.answers.quotes import quote_span
from mscqa.answers.ranker import RANKER_DIR, load_ranker
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.evaluate import EvalItem, contains_evidence, read_items
from mscqa.search.library import library_stats
from mscqa.search.retriever import Retriever
from mscqa.search.scope import unknown_topics

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "benchmarks" / "data" / "calibration.jsonl"


@dataclass
class Rows:
    question: np.ndarray  # which item each row belongs to
    sentence: np.ndarray  # which sentence of the index each row is
    features: np.ndarray
    labels: np.ndarray
    in_scope: np.ndarray  # per item
    known: np.ndarray  # per item: Retriever.known_similarity
    unknown: np.ndarray  # per item: names a topic the library never mentions (search/scope.py)


def collect(engine: Engine, items: Sequence[EvalItem]) -> Rows:
    index = engine.index
    settings = engine.settings
    # The ranker without its calibration (which is what this fits).
    ranker = (
        load_ranker(Path(settings.ranker_dir) if settings.ranker_dir else RANKER_DIR)
        if settings.ranker
        else None
    )
    # Only the order of the ranker's candidates matters here, not their probability.
    unfitted = Calibration((0.0,) * len(RANKER_FEATURES), 0.0)
    retriever = Retriever(index, engine.embedder, engine.settings)
    owner: list[int] = []
    sentence: list[int] = []
    feats: list[tuple[float, ...]] = []
    labels: list[int] = []
    known: list[float] = []
    stats = library_stats(index)
    for number, item in enumerate(items):
        vector = retriever.embed(item.text)
        hits = retriever.search(item.text, vector)
        known.append(retriever.known_similarity(item.text, vector))
        if ranker is None:
            found = features_of(item.text, vector, hits, index)
        else:
            shown = score_candidates(
                item.text, vector, hits, index,
                ranker=ranker, ranker_candidates=engine.settings.ranker_candidates,
                ranker_model=unfitted,
            )  # fmt: skip
            found = [(c.hit, c.row, c.features) for c in shown]
        for hit, row, features in found:
            label = 0
            if item.kind == "question":
                article = index.articles[hit.passage.article_id]
                start, end = quote_span(item.text, Candidate(hit, row, features, 0.0), index)
                label = int(
                    article.title == item.title
                    and contains_evidence(article.text[start:end], item.evidence)
                )
            owner.append(number)
            sentence.append(row)
            feats.append(features)
            labels.append(label)
    return Rows(
        np.array(owner),
        np.array(sentence),
        np.array(feats, dtype=np.float64),
        np.array(labels, dtype=np.float64),
        np.array([item.kind == "question" for item in items]),
        np.array(known),
        np.array(
            [
                bool(unknown_topics(item.text, stats.vocabulary, sentences=stats.sentence_tokens))
                for item in items
            ]
        ),
    )


def cached_rows(path: Path, items: Sequence[EvalItem]) -> Rows:
    """Rows of the data file, kept in benchmarks/.cache/ while the code and index are unchanged."""
    source = ROOT / "src" / "mscqa"
    digest = hashlib.sha256(path.read_bytes())
    for name in (
        "answers/quotes.py", "answers/candidates.py", "answers/calibration.py",
        "answers/forms.py", "search/retriever.py", "search/library.py", "search/scope.py",
        "text/terms.py", "config.py",
        "data/terms.tsv", "data/stopwords.txt", "data/conditions.txt", "data/services.txt",
        "data/treatments.txt", "data/aspects.txt", "data/medquad_topics.txt",
        "data/clinic_phrases.txt",
    ):  # fmt: skip
        digest.update((source / name).read_bytes())
    engine = Engine(Settings.from_env())
    if engine.settings.ranker:
        digest.update((source / "answers" / "ranker.py").read_bytes())
        folder = Path(engine.settings.ranker_dir) if engine.settings.ranker_dir else RANKER_DIR
        digest.update((folder / "manifest.json").read_bytes())
    digest.update(engine.index.manifest.version.encode())
    digest.update(repr(engine.settings).encode())  # MSCQA_* settings change the rows too
    cache = ROOT / "benchmarks" / ".cache" / f"calibration-rows-{digest.hexdigest()[:16]}.npz"
    if cache.is_file():
        data = np.load(cache, allow_pickle=False)
        return Rows(
            *(data[k] for k in ("question", "sentence", "features", "labels", "in_scope", "known")),
            data["unknown"],
        )
    rows = collect(engine, items)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **asdict(rows))
    return rows


def subset(rows: Rows, keep: np.ndarray) -> Rows:
    return Rows(
        rows.question[keep], rows.sentence[keep], rows.features[keep], rows.labels[keep],
        rows.in_scope, rows.known, rows.unknown,
    )  # fmt: skip


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 100) -> np.ndarray:
    """Weights then bias, by Newton's method on the L2-penalised log-loss (bias unpenalised)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * l2
    penalty[-1, -1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(design @ w)))
        gradient = design.T @ (p - y) + penalty @ w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def shown(rows: Rows, logits: np.ndarray, per_question: int = 3) -> np.ndarray:
    """Row numbers of the best `per_question` distinct sentences of each question."""
    order = np.lexsort((-logits, rows.question))
    picked: list[int] = []
    seen: set[tuple[int, int]] = set()
    count: dict[int, int] = {}
    for i in order:
        q, s = int(rows.question[i]), int(rows.sentence[i])
        if (q, s) in seen or count.get(q, 0) >= per_question:
            continue
        seen.add((q, s))
        count[q] = count.get(q, 0) + 1
        picked.append(int(i))
    return np.array(picked)


def fit(rows: Rows) -> Calibration:
    """Stage 1: sentence ranking over all rows. Stage 2: Platt scaling on the shown quotes.
    Stage 3: P(covered) from each question's best sentence, in scope against out of scope."""
    w = fit_logistic(rows.features, rows.labels)
    ranking = Calibration(tuple(float(v) for v in w[:-1]), float(w[-1]))
    logits = ranking.logit(rows.features)
    top = shown(rows, logits)
    platt = fit_logistic(logits[top, None], rows.labels[top], l2=0.0)
    best = best_rows(rows, logits)
    x = np.array(
        [
            covered_features(
                logits[r],
                rows.features[r],
                rows.known[rows.question[r]],
                rows.unknown[rows.question[r]],
            )
            for r in best
        ]
    )
    covered = fit_logistic(x, rows.in_scope[rows.question[best]].astype(np.float64), l2=0.1)
    return Calibration(
        ranking.weights,
        ranking.bias,
        float(platt[0]),
        float(platt[1]),
        tuple(float(v) for v in covered[:-1]),
        float(covered[-1]),
    )


def best_rows(rows: Rows, logits: np.ndarray) -> np.ndarray:
    """For each question present in `rows`, the row of its highest-ranked sentence."""
    order = np.lexsort((-logits, rows.question))
    first = np.ones(len(order), dtype=bool)
    first[1:] = rows.question[order][1:] != rows.question[order][:-1]
    return order[first]


def top_probability(rows: Rows, model: Calibration, items: int) -> np.ndarray:
    """P(covered) per question (0 for a question without rows)."""
    out = np.zeros(items)
    for row in best_rows(rows, model.logit(rows.features)):
        q = rows.question[row]
        out[q] = model.covered(rows.features[row], rows.known[q], rows.unknown[q])
    return out


# The least distance between the threshold and the lowest in-scope question it answers.
MARGIN = 0.05


def choose_threshold(top: np.ndarray, in_scope: np.ndarray, max_false: float) -> float:
    """The highest threshold whose false "not covered" rate stays within `max_false`, put
    halfway to the next lower question's probability, and at least `MARGIN` below the lowest
    in-scope question answered: the same questions fall on each side, and a question scoring a
    little differently at run time (or after a change of the term table) does not cross it.
    Without the margin, an out-of-scope question scoring 0.005 below an in-scope one put the
    threshold between them, and the next refit moved it by 0.09 (RESULTS.md, "A margin under
    the threshold")."""
    allowed = int(np.floor(max_false * in_scope.sum()))
    lowest_answered = float(np.sort(top[in_scope])[allowed])
    below = top[top < lowest_answered]
    halfway = (lowest_answered + float(below.max())) / 2 if below.size else lowest_answered
    return min(halfway, lowest_answered - MARGIN)


def rates(
    top: np.ndarray, in_scope: np.ndarray, threshold: float | np.ndarray
) -> tuple[float, float]:
    answered = top >= threshold
    return float((~answered[in_scope]).mean()), float((~answered[~in_scope]).mean())


def cross_validate(rows: Rows, max_false: float, folds: int = 5) -> tuple[float, float]:
    """False "not covered" and out-of-scope refusals with model and threshold fitted on the
    other folds (questions assigned to folds in file order, round robin)."""
    n = len(rows.in_scope)
    fold_of = np.arange(n) % folds
    top = np.zeros(n)
    thresholds = np.zeros(n)
    for fold in range(folds):
        train = fold_of[rows.question] != fold
        model = fit(subset(rows, train))
        train_items = fold_of != fold
        train_top = top_probability(subset(rows, train), model, n)
        thresholds[~train_items] = choose_threshold(
            train_top[train_items], rows.in_scope[train_items], max_false
        )
        top[~train_items] = top_probability(rows, model, n)[~train_items]
    return rates(top, rows.in_scope, thresholds)


def top_quote_hits(rows: Rows, logits: np.ndarray) -> float:
    """Share of in-scope questions whose best-ranked sentence's quote holds the evidence."""
    best = best_rows(rows, logits)
    in_scope = rows.in_scope[rows.question[best]]
    return float(rows.labels[best][in_scope].sum() / rows.in_scope.sum())


def cross_validate_ranking(rows: Rows, folds: int = 5) -> float:
    """Quote hit@1 over the sentences retrieved, with the ranking fitted on the other folds."""
    fold_of = np.arange(len(rows.in_scope)) % folds
    logits = np.zeros(len(rows.labels))
    for fold in range(folds):
        train = fold_of[rows.question] != fold
        w = fit_logistic(rows.features[train], rows.labels[train])
        logits[~train] = rows.features[~train] @ w[:-1] + w[-1]
    return top_quote_hits(rows, logits)


def reliability(rows: Rows, model: Calibration) -> list[tuple[str, int, float]]:
    """Per probability bin, over the shown quotes: how many, and the share that answered."""
    top = shown(rows, model.logit(rows.features))
    p = model.probability(rows.features[top])
    labels = rows.labels[top]
    out = []
    for low in (0.0, 0.2, 0.4, 0.6, 0.8):
        inside = (p >= low) & ((p < low + 0.2) | (low == 0.8))
        if inside.any():
            out.append(
                (f"{low:.1f}-{low + 0.2:.1f}", int(inside.sum()), float(labels[inside].mean()))
            )
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--max-false-abstention", type=float, default=0.02)
    parser.add_argument("--write", action="store_true", help=f"write {CALIBRATION_FILE.name}")
    parser.add_argument(
        "--ranker", action="store_true", help="fit the model with the learned ranker's score"
    )
    parser.add_argument(
        "--without",
        nargs="+",
        default=[],
        metavar="FEATURE",
        help="measure the model without these features (an ablation; not with --write)",
    )
    args = parser.parse_args(argv)
    if args.without and args.write:
        parser.error("--without measures an ablation and cannot be written: drop --write")
    # The rows hold the ranker's score exactly when the model fitted has it.
    os.environ["MSCQA_RANKER"] = "1" if args.ranker else "0"
    names = RANKER_FEATURES if args.ranker else FEATURES
    target = RANKER_CALIBRATION_FILE if args.ranker else CALIBRATION_FILE
    items = [i for i in read_items(args.data) if i.kind in ("question", "out_of_scope")]
    rows = cached_rows(args.data, items)
    unknown = sorted(set(args.without) - set(names))
    if unknown:
        parser.error(f"unknown feature {', '.join(unknown)}; features are: {', '.join(names)}")
    if args.without:
        # A feature left out is a column of zeros: its weight stays 0 under the L2 penalty.
        rows.features[:, [names.index(n) for n in args.without]] = 0.0
    model = fit(rows)
    top = top_probability(rows, model, len(items))
    threshold = choose_threshold(top, rows.in_scope, args.max_false_abstention)
    false_abstention, refused = rates(top, rows.in_scope, threshold)
    cv_false, cv_refused = cross_validate(rows, args.max_false_abstention)
    n_in, n_out = int(rows.in_scope.sum()), int((~rows.in_scope).sum())
    print(
        f"{len(rows.labels)} sentence rows from {n_in} in-scope and {n_out} out-of-scope questions"
    )
    weights = dict(zip(names, (round(w, 3) for w in model.weights), strict=True))
    print(f"ranking weights {weights}, bias {model.bias:.3f}")
    print(f"Platt scale {model.scale:.3f}, offset {model.offset:.3f}")
    covered = dict(zip(COVERED_FEATURES, (round(w, 3) for w in model.covered_weights), strict=True))
    print(f"covered weights {covered}, bias {model.covered_bias:.3f}")
    print(
        f"threshold {threshold:.3f}: false 'not covered' {false_abstention:.1%}, "
        f"out-of-scope refused {refused:.1%} (fitted)"
    )
    print(
        f"5-fold cross-validation: false 'not covered' {cv_false:.1%}, "
        f"out-of-scope refused {cv_refused:.1%}"
    )
    print(
        f"quote hit@1 among the retrieved sentences: "
        f"{top_quote_hits(rows, model.logit(rows.features)):.1%} (fitted), "
        f"{cross_validate_ranking(rows):.1%} (5-fold cross-validation)"
    )
    print("reliability of the shown quotes (score bin, quotes, share that hold the answer):")
    for label, count, share in reliability(rows, model):
        print(f"  {label}  {count:5d}  {share:.2f}")
    if args.write:
        payload = {
            "features": list(names),
            "weights": [round(w, 6) for w in model.weights],
            "bias": round(model.bias, 6),
            "scale": round(model.scale, 6),
            "offset": round(model.offset, 6),
            "covered_features": list(COVERED_FEATURES),
            "covered_weights": [round(w, 6) for w in model.covered_weights],
            "covered_bias": round(model.covered_bias, 6),
            "threshold": round(threshold, 4),
            "fitted_on": str(args.data.relative_to(ROOT) if args.data.is_absolute() else args.data),
            "method": "logistic regression, L2=1, Newton; threshold at <= "
            f"{args.max_false_abstention:.0%} false 'not covered' (benchmarks/calibrate.py)",
        }
        target.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
