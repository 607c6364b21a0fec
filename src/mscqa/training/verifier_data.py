"""Statement/evidence pairs for the verifier: Check-COVID, Citation-Integrity and SciFact's
train claims, each as (claim, evidence sentences, supports / refutes / not enough info)."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mscqa.text.terms import lexical_tokens

# Class index of each label, as the model's outputs are ordered.
LABELS = ("supports", "refutes", "not_enough_info")
SUPPORTS, REFUTES, NOT_ENOUGH_INFO = range(3)
_LABEL_OF = {
    "SUPPORT": SUPPORTS,
    "REFUTE": REFUTES,
    "CONTRADICT": REFUTES,
    "NOTENOUGHINFO": NOT_ENOUGH_INFO,
    "NEI": NOT_ENOUGH_INFO,
    "NOT_ENOUGH_INFO": NOT_ENOUGH_INFO,
}
# Citation-Integrity keeps the citation markers of the citing sentence ("[<|cit|>, 7]").
_CITATION = re.compile(r"\s*[\[(][^\])]*<\|[a-z_]+\|>[^\])]*[\])]|\s*<\|[a-z_]+\|>")
# Evidence for a claim without rationale sentences: the sentences of its cited abstract that
# share the most of its words, as `check` picks them.
_EVIDENCE_SENTENCES = 2


@dataclass(frozen=True)
class VerifierPair:
    source: str  # "check-covid", "citation-integrity", "scifact"
    claim_id: str
    claim: str
    evidence: str
    label: int  # index into LABELS


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def clean_claim(text: str) -> str:
    """The claim without citation markers and doubled spaces."""
    return " ".join(_CITATION.sub("", text).split())


def closest_sentences(claim: str, sentences: Sequence[str], n: int = _EVIDENCE_SENTENCES) -> str:
    """The `n` sentences that share the most of the claim's words, in their own order."""
    wanted = set(lexical_tokens(claim))
    ranked = sorted(
        range(len(sentences)), key=lambda i: (-len(wanted & set(lexical_tokens(sentences[i]))), i)
    )
    return " ".join(sentences[i].strip() for i in sorted(ranked[:n]))


def _abstracts(path: Path, key: str) -> dict[str, list[str]]:
    return {str(row[key]): [s.strip() for s in row["abstract"]] for row in read_jsonl(path)}


def check_covid_pairs(folder: Path, split: str = "train") -> list[VerifierPair]:
    """Check-COVID (Wang et al., 2023): news claims with the abstract sentences of their
    evidence set; NEI claims keep the sentences annotated as related but not enough."""
    abstracts = _abstracts(folder / "corpus.json", "cord_id")
    (path,) = sorted((folder / split).glob("*.json"))
    pairs = []
    for row in read_jsonl(path):
        sentences = abstracts[str(row["cord_id"])]
        chosen = sorted({e["sent_index"] for e in row["evidence_set"]})
        evidence = " ".join(sentences[i] for i in chosen if i < len(sentences))
        if not evidence:
            evidence = closest_sentences(row["claim"], sentences)
        pairs.append(
            VerifierPair(
                "check-covid",
                str(row["id"]),
                clean_claim(row["claim"]),
                evidence,
                _LABEL_OF[row["label"]],
            )
        )
    return pairs


def scifact_layout_pairs(
    claims: Path, corpus: Path, source: str, doc_key: str = "doc_id"
) -> list[VerifierPair]:
    """Claims in SciFact's layout (SciFact, Citation-Integrity): one pair per evidence set with
    its rationale sentences; a claim without evidence is paired with the closest sentences of
    each abstract it cites, labelled not enough info."""
    abstracts = _abstracts(corpus, doc_key)
    pairs = []
    for row in read_jsonl(claims):
        claim = clean_claim(row["claim"])
        if not claim:
            continue
        if row["evidence"]:
            for doc_id, sets in row["evidence"].items():
                sentences = abstracts[str(doc_id)]
                for evidence_set in sets:
                    chosen = sorted(set(evidence_set["sentences"]))
                    text = " ".join(sentences[i] for i in chosen if i < len(sentences))
                    if text:
                        pairs.append(
                            VerifierPair(
                                source,
                                str(row["id"]),
                                claim,
                                text,
                                _LABEL_OF[evidence_set["label"]],
                            )
                        )
        else:
            for doc_id in dict.fromkeys(map(str, row.get("cited_doc_ids") or [])):
                if doc_id in abstracts:
                    pairs.append(
                        VerifierPair(
                            source,
                            str(row["id"]),
                            claim,
                            closest_sentences(claim, abstracts[doc_id]),
                            NOT_ENOUGH_INFO,
                        )
                    )
    return pairs


def unsaid_pairs(
    claims: Path, corpus: Path, source: str, doc_key: str = "doc_id"
) -> list[VerifierPair]:
    """Claims that have rationale sentences, paired with the closest sentences of the same
    abstract that are not rationales: same topic, but they do not say what the claim says
    (not enough info). Teaches the model that sharing words is not backing a claim."""
    abstracts = _abstracts(corpus, doc_key)
    pairs = []
    for row in read_jsonl(claims):
        claim = clean_claim(row["claim"])
        for doc_id, sets in (row.get("evidence") or {}).items():
            sentences = abstracts[str(doc_id)]
            used = {i for s in sets for i in s["sentences"]}
            rest = [s for i, s in enumerate(sentences) if i not in used]
            if claim and len(rest) >= 2:
                pairs.append(
                    VerifierPair(
                        source + "-unsaid",
                        str(row["id"]),
                        claim,
                        closest_sentences(claim, rest),
                        NOT_ENOUGH_INFO,
                    )
                )
    return pairs


@dataclass(frozen=True)
class DataFiles:
    """Where the training sets are: ../shared/train and ../shared/bench/scifact by default."""

    check_covid: Path
    citation_integrity: Path
    scifact: Path

    @classmethod
    def beside(cls, shared: Path) -> DataFiles:
        return cls(
            shared / "train" / "check-covid",
            shared / "train" / "citation-integrity",
            shared / "bench" / "scifact",
        )

    def used(self) -> list[Path]:
        """The files training reads, for the manifest's sha256 record."""
        return [
            *sorted((self.check_covid / "train").glob("*.json")),
            self.check_covid / "corpus.json",
            self.citation_integrity / "claims_train.jsonl",
            self.citation_integrity / "corpus.jsonl",
            self.scifact / "claims_train.jsonl",
            self.scifact / "corpus_sentences.jsonl",
        ]


# Pairs drawn from the other sets, so that training stays within minutes on two cores:
# SciFact's train claims are all used (its abstracts are the closest to articles' prose);
# Citation-Integrity's citing sentences often say more than the one sentence cited.
CITATION_INTEGRITY_PAIRS = 150
CHECK_COVID_PAIRS = 600
UNSAID_PAIRS = 100


def training_pairs(
    files: DataFiles,
    seed: int = 13,
    check_covid: int = CHECK_COVID_PAIRS,
    citation_integrity: int = CITATION_INTEGRITY_PAIRS,
) -> list[VerifierPair]:
    """Every training pair: `check_covid` and `citation_integrity` pairs of those sets (as
    evenly over the labels as they allow), all of SciFact's train claims. SciFact's dev claims
    are never read: `check` is measured on them."""
    ci = files.citation_integrity
    sf = files.scifact
    citing = scifact_layout_pairs(
        ci / "claims_train.jsonl", ci / "corpus.jsonl", "citation-integrity"
    )
    unsaid = unsaid_pairs(sf / "claims_train.jsonl", sf / "corpus_sentences.jsonl", "scifact")
    return [
        *stratified(check_covid_pairs(files.check_covid, "train"), check_covid, seed),
        *stratified(citing, citation_integrity, seed),
        *scifact_layout_pairs(sf / "claims_train.jsonl", sf / "corpus_sentences.jsonl", "scifact"),
        *random.Random(seed).sample(unsaid, min(UNSAID_PAIRS, len(unsaid))),
    ]


def stratified(pairs: Sequence[VerifierPair], n: int, seed: int) -> list[VerifierPair]:
    """About `n` of `pairs` drawn with `seed`, each label as evenly as it allows (a label with
    fewer pairs than its share gives them all)."""
    by_label = [[p for p in pairs if p.label == label] for label in range(len(LABELS))]
    rng = random.Random(seed)
    chosen: list[VerifierPair] = []
    left = n
    for i, group in enumerate(sorted(by_label, key=len)):
        share = left // (len(by_label) - i)
        taken = rng.sample(group, min(share, len(group)))
        chosen += taken
        left -= len(taken)
    return chosen


def balanced(pairs: Iterable[VerifierPair], seed: int) -> list[VerifierPair]:
    """`pairs` shuffled with `seed` (the trainer shuffles again per epoch; this fixes the order
    the examples are read in, so a run is repeatable from the files alone)."""
    out = list(pairs)
    random.Random(seed).shuffle(out)
    return out


def label_counts(pairs: Iterable[VerifierPair]) -> dict[str, int]:
    counts = dict.fromkeys(LABELS, 0)
    for pair in pairs:
        counts[LABELS[pair.label]] += 1
    return counts
