"""Statement/evidence pairs for the verifier: Check-COVID, Citation-Integrity and SciFact's
train claims, each as (claim, evidence sentences, supports / refutes / not enough info)."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mscqa.config import DATA_DIR
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


# Refutations made from supported claims. SciFact's contradicting claims were mostly written
# by negating a true claim or turning its direction round (Wadden et al., 2020);
# the sets hold few of them, so training adds such claims, paired with the evidence that
# supports the original. Each rewrite is one of three general edits, chosen with a seed.
_COPULAS_AND_AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "can", "could", "will", "would", "should", "may", "might",
     "must", "does", "do", "did"}
)  # fmt: skip
_PERFECT = frozenset({"has", "have", "had"})
_CANNOT = {"can": "cannot"}
# Verbs a finding is stated with; their third-person forms ("reduces") become "does not
# reduce". Only base forms: inflection rules below make the rest.
_CLAIM_VERBS = frozenset(
    {"increase", "decrease", "reduce", "raise", "lower", "elevate", "enhance", "promote",
     "inhibit", "suppress", "activate", "stimulate", "induce", "prevent", "protect", "impair",
     "block", "improve", "worsen", "cause", "lead", "require", "regulate", "mediate", "bind",
     "contribute", "correlate", "affect", "predict", "alter", "confer", "drive", "control",
     "modulate", "determine", "depend", "involve", "result", "trigger", "accelerate", "slow",
     "limit", "attenuate", "exacerbate", "facilitate", "augment", "boost", "upregulate",
     "downregulate", "express", "target", "encode", "associate", "extend", "prolong",
     "shorten", "restore", "rescue", "abolish", "diminish", "amplify", "occur", "play",
     "produce", "form", "act", "enable", "allow", "lessen", "weaken", "strengthen",
     "cure", "treat", "reverse", "delay", "support", "maintain", "reflect", "differ"}
)  # fmt: skip
# Direction verbs with their opposite, beyond the word pairs of data/antonyms.tsv.
_OPPOSITE_VERBS = (
    ("promote", "inhibit"),
    ("activate", "suppress"),
    ("enhance", "reduce"),
    ("stimulate", "inhibit"),
    ("induce", "suppress"),
    ("accelerate", "slow"),
    ("elevate", "lower"),
    ("augment", "diminish"),
    ("exacerbate", "alleviate"),
    ("impair", "improve"),
    ("upregulate", "downregulate"),
    ("able", "unable"),
)
# Words of data/antonyms.tsv that are nouns or hedges as often as qualities in a claim.
_NOT_SWAPPED = frozenset({"work", "present", "support", "include", "accept", "prove", "confirm"})
# A word after these is a noun ("the effects", "of changes"), not a verb.
_BEFORE_NOUN = frozenset(
    {"the", "a", "an", "of", "in", "on", "for", "with", "and", "or", "to", "by", "its", "their",
     "these", "this", "that", "which", "no", "more", "less", "from", "at", "as"}
)  # fmt: skip
_SENTENCE_WORD = re.compile(r"[A-Za-z]+(?:'t)?")
# A negation that can be taken back: "is not", "does not reduce", "cannot", "has no effect".
_TAKEN_BACK = re.compile(
    r"\b(?:(?P<aux>is|are|was|were|can|could|will|would|should|may|might|must|has|have|had)"
    r"(?: not|n't)\b|(?P<do>does|do)(?: not|n't) (?P<verb>[a-z]+)\b|(?P<cannot>[Cc]annot)\b"
    r"|(?P<has>has|have|had|shows?|showed) no (?P<noun>[a-z])|(?P<unable>[Uu]n)able\b)"
)
_NEGATION_WORDS = frozenset({"not", "no", "cannot", "never", "neither", "nor", "without", "unable"})


def _third_person(verb: str) -> str:
    if verb.endswith("y") and verb[-2:-1] not in tuple("aeiou"):
        return verb[:-1] + "ies"
    if verb.endswith(("s", "sh", "ch", "x", "z")):
        return verb + "es"
    return verb + "s"


def _past(verb: str) -> str:
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in tuple("aeiou"):
        return verb[:-1] + "ied"
    return verb + "ed"


def _forms(verb: str) -> tuple[str, ...]:
    """Base, third person, past and -ing forms of a regular verb (or the word itself)."""
    stem_ = verb[:-1] if verb.endswith("e") else verb
    return verb, _third_person(verb), _past(verb), stem_ + "ing"


def _antonym_file_pairs() -> list[tuple[str, str]]:
    pairs = []
    for line in (DATA_DIR / "antonyms.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            a, b = (w.strip() for w in line.split("\t"))
            if not {a, b} & _NOT_SWAPPED:
                pairs.append((a, b))
    return pairs


def _direction_words() -> frozenset[str]:
    lines = (DATA_DIR / "directions.tsv").read_text(encoding="utf-8").splitlines()
    return frozenset(line.split("\t")[0] for line in lines if "\t" in line and line[0] != "#")


@lru_cache(maxsize=1)
def _opposites() -> dict[str, str]:
    """Word -> its opposite, both ways: the pairs of data/antonyms.tsv and `_OPPOSITE_VERBS`,
    with the verb forms both words have in data/directions.tsv (so "increases" turns into
    "decreases" but no form is made up). The first pair listed for a word wins."""
    known = _direction_words()
    table: dict[str, str] = {}
    pairs = [*_antonym_file_pairs(), *_OPPOSITE_VERBS]
    # Like with like first: "lower" turns into "higher" rather than "increase".
    pairs.sort(key=lambda pair: pair[0].endswith("er") != pair[1].endswith("er"))
    for a, b in pairs:
        table.setdefault(a, b)
        table.setdefault(b, a)
        for form_a, form_b in zip(_forms(a)[1:], _forms(b)[1:], strict=True):
            if {form_a, form_b} <= known:
                table.setdefault(form_a, form_b)
                table.setdefault(form_b, form_a)
    return table


@lru_cache(maxsize=1)
def _verb_bases() -> dict[str, tuple[str, str]]:
    """A present form of a claim verb -> the auxiliary and base that negate it: "reduces" ->
    ("does", "reduce"), "reduce" -> ("do", "reduce")."""
    return {
        **{v: ("do", v) for v in _CLAIM_VERBS},
        **{_third_person(v): ("does", v) for v in _CLAIM_VERBS},
    }


def _cased(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _article(noun_start: str) -> str:
    return "an" if noun_start in "aeiou" else "a"


def _taken_back(claim: str) -> list[str]:
    """`claim` with its first negation taken back, if it has one of the plain kinds."""
    match = _TAKEN_BACK.search(claim)
    if match is None:
        return []
    start, end = match.span()
    if match["aux"]:
        kept = match["aux"]
    elif match["do"]:
        verb = match["verb"]
        kept = _third_person(verb) if match["do"] == "does" else verb
    elif match["cannot"]:
        kept = _cased("can", match["cannot"])
    elif match["unable"]:
        kept = _cased("able", match["unable"])
    else:
        kept = f"{match['has']} {_article(match['noun'])} {match['noun']}"
    return [claim[:start] + kept + claim[end:]]


def _negations(claim: str, spans: Sequence[re.Match[str]]) -> list[str]:
    """`claim` with its first finite verb negated: "is" -> "is not", "can" -> "cannot",
    "has shown" -> "has not shown", "reduces" -> "does not reduce", "reduce" -> "do not
    reduce"."""
    bases = _verb_bases()
    for i, match in enumerate(spans):
        word = match.group().lower()
        end = match.end()
        if word in _CANNOT:
            return [claim[: match.start()] + _cased(_CANNOT[word], match.group()) + claim[end:]]
        if word in _COPULAS_AND_AUXILIARIES:
            return [claim[:end] + " not" + claim[end:]]
        following = spans[i + 1].group().lower() if i + 1 < len(spans) else ""
        if word in _PERFECT and (following == "been" or following.endswith(("ed", "en"))):
            return [claim[:end] + " not" + claim[end:]]
        previous = spans[i - 1].group().lower() if i else ""
        if word in bases and i > 0 and previous not in _BEFORE_NOUN:
            auxiliary, base = bases[word]
            return [claim[: match.start()] + f"{auxiliary} not {base}" + claim[end:]]
    return []


def _swaps(claim: str, spans: Sequence[re.Match[str]]) -> list[str]:
    """`claim` with one direction or quality word turned into its opposite, one rewrite per
    word that has an opposite; words inside a compound ("low-dose") stay."""
    opposites = _opposites()
    bases = _verb_bases()
    out = []
    for i, match in enumerate(spans):
        word = match.group().lower()
        start, end = match.span()
        if word not in opposites or "-" in claim[start - 1 : start] + claim[end : end + 1]:
            continue
        previous = spans[i - 1].group().lower() if i else "the"
        if word in bases and previous not in _BEFORE_NOUN and opposites[word] not in bases:
            continue  # a verb turned into a quality: "statins lower" is not "statins higher"
        out.append(claim[:start] + _cased(opposites[word], match.group()) + claim[end:])
    return out


def negated_claim(claim: str, seed: int = 13, turn_words: bool = True) -> str | None:
    """A claim that says the opposite of `claim`, or None when no edit applies. A claim with a
    negation gets it taken back ("does not reduce" -> "reduces"); any other gets its verb
    negated or (with `turn_words`) one direction or quality word turned round ("higher" ->
    "lower"), one of the edits that apply, drawn with `seed` and the claim (the same claim
    always gets the same)."""
    spans = list(_SENTENCE_WORD.finditer(claim))
    lowered = {m.group().lower() for m in spans}
    if lowered & _NEGATION_WORDS or any(w.endswith("n't") for w in lowered):
        candidates = _taken_back(claim)
    else:
        candidates = _negations(claim, spans) + (_swaps(claim, spans) if turn_words else [])
    if not candidates:
        return None
    return random.Random(f"{seed}:{claim}").choice(candidates)


def negated_pairs(pairs: Iterable[VerifierPair], n: int, seed: int = 13) -> list[VerifierPair]:
    """Up to `n` refuting pairs: supported claims of `pairs` rewritten by `negated_claim`,
    each with the evidence that supports the original (drawn with `seed`)."""
    made = []
    for pair in pairs:
        if pair.label != SUPPORTS:
            continue
        claim = negated_claim(pair.claim, seed)
        if claim is not None and claim != pair.claim:
            made.append(
                VerifierPair(pair.source + "-negated", pair.claim_id, claim, pair.evidence, REFUTES)
            )
    return random.Random(seed).sample(made, min(n, len(made)))


def restated_pairs(pairs: Iterable[VerifierPair], n: int, seed: int = 13) -> list[VerifierPair]:
    """Up to `n` supporting pairs: refuted claims of `pairs` with their verb negated or their
    negation taken back, each with the evidence that refuted the original (drawn with
    `seed`). Without them a "not" in a claim would be a sign of a refutation in itself: the
    claims `negated_pairs` writes carry most of the negations in the training set. A turned
    direction word is not used: the opposite of a refuted amount is not what was found."""
    made = []
    for pair in pairs:
        if pair.label != REFUTES:
            continue
        claim = negated_claim(pair.claim, seed, turn_words=False)
        if claim is not None and claim != pair.claim:
            made.append(
                VerifierPair(
                    pair.source + "-negated", pair.claim_id, claim, pair.evidence, SUPPORTS
                )
            )
    return random.Random(seed).sample(made, min(n, len(made)))
