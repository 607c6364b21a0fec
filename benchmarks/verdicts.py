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

from mscqa.answers.verifier import VERIFIER_DIR, Reading, Verifier
from mscqa.answers.verify import (
    CONTRADICTED,
    NOT_FOUND,
    SUPPORTED,
    Judgement,
    ModelRule,
    judgement,
    verdict_of,
)
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.text.terms import lexical_tokens
from scifact import DEFAULT_DATA, ROOT, claim_pairs

VERDICTS = (SUPPORTED, CONTRADICTED, NOT_FOUND)
DEFAULT_LEAFLET = ROOT.parent / "shared" / "eval" / "leaflet-dev.md"
DEFAULT_CLAIMS = [
    ROOT / "benchmarks" / "data" / "claims.jsonl",
    ROOT / "benchmarks" / "data" / "heldout.jsonl",
    ROOT / "benchmarks" / "data" / "verdict_kinds.jsonl",
]


def scifact_readings(
    pairs: Sequence[tuple[int, str, str, list[str]]], verifier: Verifier
) -> list[tuple[str, str, list[str], Judgement, Reading]]:
    """Each pair's rules judgement and the verifier's reading, read once for every mode: the
    three abstract sentences sharing the most of the claim's words, the abstract as context."""
    settings = Settings.from_env()
    out = []
    for _, claim, label, sentences in pairs:
        wanted = set(lexical_tokens(claim))
        ranked = sorted(sentences, key=lambda s: -len(wanted & set(lexical_tokens(s))))[:3]
        rules = judgement(claim, ranked, " ".join(sentences), settings.statement_min_coverage)
        out.append((claim, label, ranked, rules, verifier.read(claim, ranked)))
    return out


def scifact_confusion(
    readings: Sequence[tuple[str, str, list[str], Judgement, Reading]], model: ModelRule
) -> dict[tuple[str, str], int]:
    confusion: dict[tuple[str, str], int] = {}
    for claim, label, ranked, rules, reading in readings:
        verdict = verdict_of(model, rules, reading, claim, ranked).verdict
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
    parser.add_argument("--no-statements", action="store_true", help="SciFact only")
    args = parser.parse_args(argv)
    modes = args.modes.split(",")
    verifier = Verifier.load(args.verifier)
    base = Settings.from_env()
    leaflets = args.leaflet or ([DEFAULT_LEAFLET] if DEFAULT_LEAFLET.is_file() else [])
    claims = args.claims or [p for p in DEFAULT_CLAIMS if p.is_file()]
    dev = claim_pairs(args.scifact, "claims_dev.jsonl")
    labelled = scifact_readings([p for p in dev if p[2] != NOT_FOUND], verifier)
    unlabelled = scifact_readings([p for p in dev if p[2] == NOT_FOUND], verifier)
    print(
        "| verdicts by | SciFact labelled pairs right | CONTRADICT -> supported | SciFact NEI"
        " -> supported | our claims right | unsupported called supported | leaflet |"
    )
    print("|---|---|---|---|---|---|---|")
    for spec in modes:
        # "combined:0.4:0.6" tries other thresholds (min support, min refute).
        mode, *limits = spec.split(":")
        support, refute = (
            (float(limits[0]), float(limits[1]))
            if limits
            else (base.verifier_min_support, base.verifier_min_refute)
        )
        model = ModelRule(verifier, mode, support, refute)
        confusion = scifact_confusion(labelled, model)
        right = sum(confusion.get((v, v), 0) for v in VERDICTS)
        contradict = sum(confusion.get((CONTRADICTED, v), 0) for v in VERDICTS)
        wrongly = confusion.get((CONTRADICTED, SUPPORTED), 0)
        nei = scifact_confusion(unlabelled, model)
        nei_supported = nei.get((NOT_FOUND, SUPPORTED), 0)
        engine = Engine(
            replace(
                base,
                verifier_mode=mode,
                verifier_min_support=support,
                verifier_min_refute=refute,
                verifier_model=str(args.verifier),
            )
        )
        if args.show:
            print(f"{spec}:", file=sys.stderr)
        c_right = c_total = c_false = 0
        if not args.no_statements:
            c_right, c_total, c_false, _ = score_statements(
                engine, statement_rows(claims), args.show
            )
        leaflet = "-"
        if leaflets and not args.no_statements:
            l_right, l_total, l_false, _ = score_statements(
                engine, statement_rows(leaflets), args.show
            )
            leaflet = f"{l_right}/{l_total} ({l_false} false supported)"
        print(
            f"| {spec} | {right}/{len(labelled)} ({right / len(labelled):.1%}) "
            f"| {wrongly}/{contradict} ({wrongly / max(contradict, 1):.1%}) "
            f"| {nei_supported}/{len(unlabelled)} "
            f"| {c_right}/{c_total} | {c_false} | {leaflet} |"
        )
        print(f"{mode}: SciFact confusion {sorted(confusion.items())}", file=sys.stderr)


if __name__ == "__main__":
    main()
