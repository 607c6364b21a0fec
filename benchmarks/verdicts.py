"""Statement verdicts of the rules, the learned verifier and both combined:

    .venv/bin/python benchmarks/verdicts.py [--modes rules,model,combined] [--scifact DIR]
        [--leaflet ../shared/eval/leaflet-dev.md] [--claims benchmarks/data/claims.jsonl ...]

SciFact dev (claims_dev, never trained on): every labelled (claim, cited abstract) pair judged
on the three abstract sentences sharing the most of the claim's words (as `scifact.py
--claims-only`), and the cited abstracts of claims without evidence. Our claims and a leaflet
(one statement a line, its verdicts in `<name>.expect.jsonl`) go through `Engine.check`, as
`mscqa check` does, on the index in `index/` (run `mscqa index build` first).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.terms import lexical_tokens
from mscqa.verifier import VERIFIER_DIR, Verifier
from mscqa.verify import CONTRADICTED, NOT_FOUND, SUPPORTED, ModelRule, model_judgement
from scifact import DEFAULT_DATA, ROOT, claim_pairs

VERDICTS = (SUPPORTED, CONTRADICTED, NOT_FOUND)
DEFAULT_LEAFLET = ROOT.parent / "shared" / "eval" / "leaflet-dev.md"
DEFAULT_CLAIMS = [
    ROOT / "benchmarks" / "data" / "claims.jsonl",
    ROOT / "benchmarks" / "data" / "heldout.jsonl",
    ROOT / "benchmarks" / "data" / "verdict_kinds.jsonl",
]


def scifact_confusion(
    pairs: Sequence[tuple[int, str, str, list[str]]], model: ModelRule
) -> dict[tuple[str, str], int]:
    settings = Settings.from_env()
    confusion: dict[tuple[str, str], int] = {}
    for _, claim, label, sentences in pairs:
        wanted = set(lexical_tokens(claim))
        ranked = sorted(sentences, key=lambda s: -len(wanted & set(lexical_tokens(s))))
        verdict = model_judgement(
            claim, ranked[:3], " ".join(sentences), model, settings.statement_min_coverage
        ).verdict
        confusion[(label, verdict)] = confusion.get((label, verdict), 0) + 1
    return confusion


def statement_rows(paths: Sequence[Path]) -> list[tuple[str, str, str | None, list[str]]]:
    """(statement, expected verdict, article title that must back it, numbers that must be
    listed as not found) from claim files (JSONL, `question`/`verdict`/`title`) or a leaflet
    (a text file, verdicts in `<name>.expect.jsonl`: `supported` or `not_supported`)."""
    rows = []
    for path in paths:
        if path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                if item.get("kind") == "claim":
                    expected = item.get("verdict") or (SUPPORTED if item["title"] else NOT_FOUND)
                    rows.append((item["question"], expected, item.get("title"), []))
        else:
            expect = path.with_name(path.stem + ".expect.jsonl")
            for line in expect.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                rows.append(
                    (
                        item["statement"],
                        item["verdict"],
                        item.get("title"),
                        list(item.get("unmatched", [])),
                    )
                )
    return rows


def score_statements(
    engine: Engine, rows: Sequence[tuple[str, str, str | None, list[str]]], show: bool
) -> tuple[int, int, int, int]:
    """(right, total, unsupported called supported, exactly right verdicts)."""
    right = false_supported = exact = 0
    for statement, expected, title, numbers in rows:
        verdict = engine.check(statement)
        backed = verdict.verdict == SUPPORTED
        should = expected == SUPPORTED
        ok = backed == should
        if ok and backed and title:
            ok = bool(verdict.evidence) and verdict.evidence[0].title == title
        ok = ok and all(n in verdict.unmatched for n in numbers)
        right += ok
        exact += verdict.verdict == expected or (expected == "not_supported" and not backed)
        false_supported += backed and not should
        if show and not ok:
            print(f"  MISS {expected:>13} got {verdict.verdict}: {statement}", file=sys.stderr)
    return right, len(rows), false_supported, exact


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="rules,model,combined")
    parser.add_argument("--scifact", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--leaflet", type=Path, action="append", default=None)
    parser.add_argument("--claims", type=Path, action="append", default=None)
    parser.add_argument("--verifier", type=Path, default=VERIFIER_DIR)
    parser.add_argument("--show", action="store_true", help="list the statements judged wrong")
    args = parser.parse_args(argv)
    modes = args.modes.split(",")
    verifier = Verifier.load(args.verifier)
    base = Settings.from_env()
    leaflets = args.leaflet or ([DEFAULT_LEAFLET] if DEFAULT_LEAFLET.is_file() else [])
    claims = args.claims or [p for p in DEFAULT_CLAIMS if p.is_file()]
    dev = claim_pairs(args.scifact, "claims_dev.jsonl")
    labelled = [p for p in dev if p[2] != NOT_FOUND]
    unlabelled = [p for p in dev if p[2] == NOT_FOUND]
    print(
        "| verdicts by | SciFact labelled pairs right | CONTRADICT -> supported | SciFact NEI"
        " -> supported | our claims right | unsupported called supported | leaflet |"
    )
    print("|---|---|---|---|---|---|---|")
    for mode in modes:
        model = ModelRule(verifier, mode, base.verifier_min_support, base.verifier_min_refute)
        confusion = scifact_confusion(labelled, model)
        right = sum(confusion.get((v, v), 0) for v in VERDICTS)
        contradict = sum(confusion.get((CONTRADICTED, v), 0) for v in VERDICTS)
        wrongly = confusion.get((CONTRADICTED, SUPPORTED), 0)
        nei = scifact_confusion(unlabelled, model)
        nei_supported = nei.get((NOT_FOUND, SUPPORTED), 0)
        engine = Engine(replace(base, verifier_mode=mode))
        if args.show:
            print(f"{mode}:", file=sys.stderr)
        c_right, c_total, c_false, _ = score_statements(engine, statement_rows(claims), args.show)
        leaflet = "-"
        if leaflets:
            l_right, l_total, l_false, _ = score_statements(
                engine, statement_rows(leaflets), args.show
            )
            leaflet = f"{l_right}/{l_total} ({l_false} false supported)"
        print(
            f"| {mode} | {right}/{len(labelled)} ({right / len(labelled):.1%}) "
            f"| {wrongly}/{contradict} ({wrongly / max(contradict, 1):.1%}) "
            f"| {nei_supported}/{len(unlabelled)} "
            f"| {c_right}/{c_total} | {c_false} | {leaflet} |"
        )
        print(f"{mode}: SciFact confusion {sorted(confusion.items())}", file=sys.stderr)


if __name__ == "__main__":
    main()
