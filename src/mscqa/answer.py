"""Ranked passages -> quoted answers, pure functions: every sentence of the top passages scored
by one calibrated logistic model (`FEATURES`, the score users see), and "not covered" decided by
a second one (`COVERED_FEATURES`), both fitted by benchmarks/calibrate.py on our own questions."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from mscqa.forms import asks_amount, has_form, question_forms
from mscqa.index import LoadedIndex
from mscqa.passages import Passage, Sentence
from mscqa.ranker import SentenceScorer, candidate_text
from mscqa.retriever import Hit, LibraryStats, library_stats
from mscqa.scope import clinic_matters, unknown_topics
from mscqa.terms import lexical_tokens, words

NOT_COVERED = (
    "The articles do not cover this question. They cover mesenchymal stem cell research on "
    "hip osteoarthritis, the immune system, multiple sclerosis, chronic pain and ALS."
)
CALIBRATION_FILE = Path(__file__).parent / "data" / "calibration.json"
# The same model with the learned ranker's score as one more feature (ranker.py), fitted on the
# sentences the ranker is shown: `benchmarks/calibrate.py --ranker`.
RANKER_CALIBRATION_FILE = Path(__file__).parent / "data" / "calibration_ranker.json"
FEATURES = (
    "sentence_cosine",  # question vs sentence, dense
    "passage_cosine",  # question vs passage, dense
    "sentence_coverage",  # idf-weighted share of the question's words in sentence + title
    "passage_coverage",  # the same over the whole passage
    "library_coverage",  # the same over every article: low when the topic is not there at all
    "rank",  # 1 / (1 + rank of the passage in the fused retrieval)
    "answer_form",  # 1 when the sentence has the form the question asks for (forms.py)
    "focus",  # 1 when the sentence itself has the question's rarest word the library knows
)
RANKER_FEATURES = (*FEATURES, "ranker")  # + the ranker's logit for the sentence

_DIGIT = re.compile(r"\d")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
# A sentence opening with one of these leans on the sentence before it for its subject.
_ANAPHORA = frozenset(
    {"this", "these", "they", "it", "that", "those", "such", "he", "she", "its", "their"}
)


@dataclass(frozen=True)
class Quote:
    """A verbatim quote: `article text[start:end] == quote`, inside the passage it came from."""

    article_id: str
    title: str
    reference: str
    quote: str
    start: int
    end: int
    passage: str
    passage_start: int
    passage_end: int
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    message: str | None
    quotes: tuple[Quote, ...]
    # For "not covered": why, when the question names what the articles never mention or asks
    # what only the clinic can answer (scope.py); otherwise empty.
    reason: str = ""
    # For a refusal, its kind for the report of what patients ask that the articles miss:
    # "topic" (`refusal_terms`: the topics never mentioned), "clinic" (`refusal_terms`: the
    # clinic matters asked about), "language" or "not_covered"; empty when answered.
    refusal: str = ""
    refusal_terms: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answered": self.answered,
            "message": self.message,
            "reason": self.reason,
            "answers": [
                {
                    key: value
                    for key, value in asdict(q).items()
                    if key not in ("passage_start", "passage_end")
                }
                for q in self.quotes
            ],
        }


@dataclass(frozen=True)
class Calibration:
    """P(quote answers the question) = sigmoid(scale * (weights . features + bias) + offset).

    `weights` and `bias` rank sentences (a logistic regression over every sentence of the
    retrieved passages); `scale` and `offset` are Platt scaling (Platt 1999) fitted on the
    quotes actually shown, the top three per question, so the score means what it says there.
    """

    weights: tuple[float, ...]
    bias: float
    scale: float = 1.0
    offset: float = 0.0
    # "Covered": P(the articles answer the question) from `COVERED_FEATURES` (logistic
    # regression, fitted on our own in-scope and out-of-scope questions). `Settings.min_score`
    # is the threshold on it.
    covered_weights: tuple[float, ...] = (1.0, 0.0, 0.0, 0.0)
    covered_bias: float = 0.0

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE, features: Sequence[str] = FEATURES) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        if (
            tuple(data["features"]) != tuple(features)
            or tuple(data.get("covered_features", ())) != COVERED_FEATURES
        ):
            raise ValueError(f"{path} was fitted on other features: rerun benchmarks/calibrate.py")
        return cls(
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
            float(data.get("scale", 1.0)),
            float(data.get("offset", 0.0)),
            tuple(float(w) for w in data["covered_weights"]),
            float(data["covered_bias"]),
        )

    def logit(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features @ np.asarray(self.weights) + self.bias, dtype=np.float64)

    def probability(self, features: np.ndarray) -> np.ndarray:
        return _sigmoid(self.scale * self.logit(features) + self.offset)

    def covered(
        self, best: Sequence[float], known_similarity: float, unknown_topic: bool = False
    ) -> float:
        """P(the articles cover the question), from the features of its best sentence,
        `known_similarity` (see `Retriever.known_similarity`) and whether the question names
        a condition or service the library never mentions (scope.py)."""
        x = covered_features(
            float(self.logit(np.asarray(best))), best, known_similarity, unknown_topic
        )
        z = float(np.dot(self.covered_weights, x)) + self.covered_bias
        return 1.0 / (1.0 + math.exp(-z))


COVERED_FEATURES = ("best_logit", "library_coverage", "known_similarity", "unknown_topic")


def covered_features(
    best_logit: float, best: Sequence[float], known_similarity: float, unknown_topic: bool
) -> tuple[float, float, float, float]:
    return (
        float(best_logit),
        float(best[FEATURES.index("library_coverage")]),
        known_similarity,
        float(unknown_topic),
    )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=1)
def default_calibration() -> Calibration:
    return Calibration.load()


@lru_cache(maxsize=1)
def ranker_calibration() -> Calibration:
    return Calibration.load(RANKER_CALIBRATION_FILE, RANKER_FEATURES)


def weighted_coverage(question: Sequence[str], text: frozenset[str], stats: LibraryStats) -> float:
    """Share of the question's information (idf-weighted distinct stemmed words) in `text`.

    A word the articles never use weighs most: "Can stem cells grow back hair?" has its most
    telling word missing everywhere, which is what "not covered" needs to see.
    """
    return _Coverage(question, stats)(text)


class _Coverage:
    """`weighted_coverage` of one question, its word weights worked out once."""

    def __init__(self, question: Sequence[str], stats: LibraryStats) -> None:
        self.weight = {t: stats.idf.get(t, stats.unseen_idf) for t in set(question)}
        self.total = sum(self.weight.values())

    def __call__(self, text: frozenset[str]) -> float:
        if not self.total:
            return 0.0
        return sum(w for t, w in self.weight.items() if t in text) / self.total


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage with its features and calibrated probability."""

    hit: Hit
    row: int  # row of the sentence in index.sentences
    features: tuple[float, ...]
    probability: float


def sentence_features(
    question: str, query_vector: np.ndarray, hits: Sequence[Hit], index: LoadedIndex
) -> list[tuple[Hit, int, tuple[float, ...]]]:
    """(hit, sentence row, features) for each sentence of each hit, features as `FEATURES`."""
    stats = library_stats(index)
    tokens = lexical_tokens(question)
    coverage = _Coverage(tokens, stats)
    library_cover = coverage(stats.vocabulary)
    forms = question_forms(question)
    focus = focus_word(question, stats)
    rows: list[tuple[Hit, int, tuple[float, ...]]] = []
    for rank, hit in enumerate(hits):
        sentence_rows = [row for row, _ in index.passage_sentences(hit.passage)]
        passage_tokens = frozenset().union(
            stats.title_tokens[hit.passage.article_id],
            *(stats.sentence_tokens[r] for r in sentence_rows),
        )
        passage_cover = coverage(passage_tokens)
        cosines = index.sentence_vectors[sentence_rows] @ query_vector
        for row, cosine in zip(sentence_rows, cosines, strict=True):
            # A sentence is read with its neighbours in the passage, so its coverage counts
            # the words of the sentence itself and of the title of its article.
            own = stats.sentence_tokens[row] | stats.title_tokens[hit.passage.article_id]
            features = (
                float(cosine),
                hit.dense,
                coverage(own),
                passage_cover,
                library_cover,
                1.0 / (1 + rank),
                float(has_form(forms, index.sentences[row].text)),
                float(focus is not None and focus in stats.sentence_tokens[row]),
            )
            rows.append((hit, row, features))
    return rows


def focus_word(question: str, stats: LibraryStats) -> str | None:
    """The question's most specific word (highest idf) among those the library uses: "Japan"
    in "was there a study in Japan on back pain?". The sentence that has it is often the one
    that answers, where its neighbours only share the topic. Only the patient's own words
    count: the term table's expansions are other names to match, not what was asked about
    ("arthritis" brings in "rheumatoid", which must not become the focus)."""
    tokens = lexical_tokens(question, expand=False)
    known = sorted({t for t in tokens if t in stats.idf}, key=lambda t: (-stats.idf[t], t))
    return known[0] if known else None


def score_candidates(
    question: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: LoadedIndex,
    calibration: Calibration | None = None,
    ranker: SentenceScorer | None = None,
    ranker_candidates: int = 12,
    ranker_model: Calibration | None = None,
    ranker_weight: float = 0.0,
) -> list[Candidate]:
    """Every sentence of the hits, best first, each sentence once: scored in its best
    passage, shown in the retrieved passage where it has the most context around it (a
    sentence that ends one passage and opens the next is shown with what follows it).

    With a `ranker`, only the best `ranker_candidates` of them are kept, scored again with the
    ranker's score as one more feature (`ranker_model`, default `ranker_calibration()`), or,
    when `ranker_weight` > 0, ordered by `fuse`."""
    calibration = calibration or default_calibration()
    rows = sentence_features(question, query_vector, hits, index)
    if not rows:
        return []
    probabilities = calibration.probability(np.array([f for _, _, f in rows]))
    best: dict[int, Candidate] = {}
    shown_in: dict[int, Hit] = {}
    for (hit, row, features), p in zip(rows, probabilities, strict=True):
        if row not in best or p > best[row].probability:
            best[row] = Candidate(hit, row, features, float(p))
        if row not in shown_in or _context(hit, row, index) > _context(shown_in[row], row, index):
            shown_in[row] = hit
    candidates = [
        Candidate(shown_in[c.row], c.row, c.features, c.probability) for c in best.values()
    ]
    ordered = sorted(candidates, key=lambda c: (-c.probability, c.row))
    if ranker is None:
        return ordered
    if ranker_weight > 0:
        return fuse(question, ordered[:ranker_candidates], index, ranker, ranker_weight)
    return rerank(question, ordered[:ranker_candidates], index, ranker, ranker_model)


def fuse(
    question: str,
    candidates: Sequence[Candidate],
    index: LoadedIndex,
    ranker: SentenceScorer,
    weight: float,
) -> list[Candidate]:
    """The candidates ordered by the first scoring's logit plus `weight` times the ranker's
    logit. Each keeps its first probability: as one feature among nine, fitted on five
    articles, the ranker's weight stayed too small to ever overturn the retrieval features;
    summed with `weight` it can, while "not covered" and the quote rules stay as without it."""
    if not candidates:
        return []
    scores = ranker.score(question, [ranker_text(c.row, index) for c in candidates])
    p = np.clip(np.array([c.probability for c in candidates]), 1e-6, 1 - 1e-6)
    fused = np.log(p / (1 - p)) + weight * scores
    order = sorted(range(len(candidates)), key=lambda i: (-float(fused[i]), candidates[i].row))
    return [candidates[i] for i in order]


def rerank(
    question: str,
    candidates: Sequence[Candidate],
    index: LoadedIndex,
    ranker: SentenceScorer,
    model: Calibration | None = None,
) -> list[Candidate]:
    """The candidates scored again by `model` over their features and the ranker's score of
    each sentence read with its article's title and neighbours, best first."""
    if not candidates:
        return []
    model = model or ranker_calibration()
    texts = [ranker_text(c.row, index) for c in candidates]
    scores = ranker.score(question, texts)
    features = np.array([(*c.features, float(s)) for c, s in zip(candidates, scores, strict=True)])
    probabilities = model.probability(features)
    rescored = [
        Candidate(c.hit, c.row, tuple(float(v) for v in f), float(p))
        for c, f, p in zip(candidates, features, probabilities, strict=True)
    ]
    return sorted(rescored, key=lambda c: (-c.probability, c.row))


def ranker_text(row: int, index: LoadedIndex) -> str:
    """`ranker.candidate_text` of the sentence at `row`, as the ranker was trained to read it."""
    sentences = index.sentences
    sentence = sentences[row]

    def neighbour(other: int) -> str:
        inside = 0 <= other < len(sentences)
        same = inside and sentences[other].article_id == sentence.article_id
        return sentences[other].text if same else ""

    title = index.articles[sentence.article_id].title
    return candidate_text(title, sentence.text, neighbour(row - 1), neighbour(row + 1))


def _context(hit: Hit, row: int, index: LoadedIndex) -> tuple[int, int]:
    """(sentences on the shorter side, sentences after) of sentence `row` in `hit`'s passage."""
    base = index.sentence_offset[hit.passage.article_id]
    before = row - (base + hit.passage.first_sentence)
    after = base + hit.passage.last_sentence - row
    return min(before, after), after


def quote_span(
    question: str,
    candidate: Candidate,
    index: LoadedIndex,
    probabilities: dict[int, float] | None = None,
    neighbour_ratio: float = 1.0,
) -> tuple[int, int]:
    """Offsets of the quote for a candidate: its sentence, plus a neighbouring sentence of
    the same passage and paragraph when that one carries the number asked for, the subject
    the sentence refers back to ("These cells ..."), or scores at least `neighbour_ratio`
    times the sentence's own probability (`probabilities`: sentence row -> probability).
    A list item comes with the line that introduces the list ("... divided into 4 types:"),
    and such a line with the first item."""
    sentences = index.sentences
    row = candidate.row
    first, last = _passage_rows(candidate, index)
    neighbours = [
        n
        for n in (row + 1, row - 1)
        if first <= n <= last and _same_paragraph(sentences, row, n, index)
    ]
    text = sentences[row].text
    added: list[int] = []
    if asks_amount(question):
        # The neighbour that states more figures than the sentence itself ("They compared
        # the scores before and 6 months after treatment." + the scores); a paragraph may
        # open with the figures, so it may be in the next paragraph of the passage.
        figures = len(_FIGURE.findall(text))
        richer = [
            n
            for n in (row + 1, row - 1)
            if first <= n <= last and len(_FIGURE.findall(sentences[n].text)) > figures
        ]
        added += sorted(richer, key=lambda n: -len(_FIGURE.findall(sentences[n].text)))[:1]
    else:
        # The neighbour in the paragraph that has the form of answer asked for (a source, a
        # reason, a finding, ...) when the sentence itself does not.
        forms = question_forms(question)
        if forms and not has_form(forms, text):
            added += [n for n in neighbours if has_form(forms, sentences[n].text)][:1]
    opening = words(text)[:1]
    if opening and opening[0] in _ANAPHORA and row - 1 in neighbours:
        added.append(row - 1)
    if first <= row - 1 and _introduces(row - 1, row, index):
        added.append(row - 1)
    elif row + 1 <= last and _introduces(row, row + 1, index):
        added.append(row + 1)
    if probabilities and not added:
        own = probabilities.get(row, candidate.probability)
        close = [n for n in neighbours if probabilities.get(n, 0.0) >= neighbour_ratio * own]
        added += sorted(close, key=lambda n: -probabilities[n])[:1]
    rows = [row, *added]
    return min(sentences[r].start for r in rows), max(sentences[r].end for r in rows)


def _introduces(row: int, following: int, index: LoadedIndex) -> bool:
    """True when sentence `row` ends in a colon and opens the list `following` is in."""
    sentences = index.sentences
    return sentences[row].text.rstrip().endswith(":") and (
        sentences[row].article_id == sentences[following].article_id
    )


def _passage_rows(candidate: Candidate, index: LoadedIndex) -> tuple[int, int]:
    base = index.sentence_offset[candidate.hit.passage.article_id]
    passage = candidate.hit.passage
    return base + passage.first_sentence, base + passage.last_sentence


def _same_paragraph(sentences: Sequence[Sentence], a: int, b: int, index: LoadedIndex) -> bool:
    first, second = sorted((a, b))
    if sentences[first].article_id != sentences[second].article_id:
        return False
    text = index.articles[sentences[first].article_id].text
    return "\n" not in text[sentences[first].end : sentences[second].start]


def _span(passage: Passage) -> tuple[int, int]:
    return passage.start, passage.end


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    return start < other_end and other_start < end


def repeats(
    sentence: Sentence, start: int, end: int, chosen: Sequence[tuple[Candidate, int, int]]
) -> bool:
    """True when a quote (`start`:`end`, around `sentence`) would repeat one of the `chosen`
    quotes: it shares text with one, or its sentence is in the passage shown with one. A
    sentence the reader has not seen yet is quoted even when the sentence it leans on for its
    subject ("They injected ...") closes a passage shown above."""
    return any(
        c.hit.passage.article_id == sentence.article_id
        and (
            _overlaps(start, end, s, e)
            or _overlaps(sentence.start, sentence.end, *_span(c.hit.passage))
        )
        for c, s, e in chosen
    )


def not_covered_reason(question: str, unknown: Sequence[str]) -> str:
    """Why a question is not covered, in plain words, from the topics `unknown_topics` found
    in it; empty when it names none."""
    clinic = clinic_matters(question)
    named = [topic for topic in unknown if topic not in clinic]
    reasons = []
    if named:
        reasons.append(f"The articles never mention {_listed(_as_written(question, named))}.")
    if clinic:
        reasons.append(
            "It asks what only the clinic can answer (its own services, or one patient's "
            "treatment): please ask the clinic's staff."
        )
    return " ".join(reasons)


def refused(question: str, unknown: Sequence[str]) -> Answer:
    """The "not covered" answer, with its reason and its kind (`Answer.refusal`)."""
    clinic = clinic_matters(question)
    named = tuple(topic for topic in unknown if topic not in clinic)
    kind, terms = (
        ("topic", named) if named else ("clinic", tuple(clinic)) if clinic else ("not_covered", ())
    )
    return Answer(
        question,
        False,
        NOT_COVERED,
        (),
        not_covered_reason(question, unknown),
        refusal=kind,
        refusal_terms=terms,
    )


def _as_written(question: str, topics: Sequence[str]) -> list[str]:
    """Each topic as the question writes it ("PRP" for "prp"), where it can be found."""
    written = []
    for topic in topics:
        pattern = re.escape(topic).replace("'", "['’]")
        match = re.search(rf"(?<!\w){pattern}(?!\w)", question, re.IGNORECASE)
        written.append(match.group() if match else topic)
    return written


def _listed(topics: Sequence[str]) -> str:
    quoted = [f"“{t}”" for t in dict.fromkeys(topics)]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def find_quotes(
    question: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: LoadedIndex,
    *,
    top_k: int,
    min_score: float,
    min_quote_score: float = 0.0,
    known_similarity: float = 1.0,
    neighbour_ratio: float = 0.5,
    calibration: Calibration | None = None,
    ranker: SentenceScorer | None = None,
    ranker_candidates: int = 12,
    ranker_model: Calibration | None = None,
    ranker_weight: float = 0.0,
) -> Answer:
    """The "not covered" message when P(covered) < `min_score`; otherwise the best quote and
    up to `top_k` - 1 more scoring at least `min_quote_score`, best first, never repeating
    one above (`repeats`). Quotes from several articles come out when they score well in each.
    With a `ranker` the sentences are scored as `score_candidates` says, and P(covered) comes
    from `ranker_model` (`min_score` must then be its threshold); with a `ranker_weight` it
    only reorders them (`fuse`) and P(covered) is that of the best sentence without it."""
    calibration = calibration or default_calibration()
    scored = score_candidates(
        question,
        query_vector,
        hits,
        index,
        calibration,
        ranker,
        ranker_candidates,
        ranker_model,
        ranker_weight,
    )
    fused = ranker is not None and ranker_weight > 0
    final = (ranker_model or ranker_calibration()) if ranker is not None else calibration
    best = scored[0] if scored else None
    if fused:
        final = calibration
        best = max(scored, key=lambda c: (c.probability, -c.row)) if scored else None
    unknown = unknown_topics(question, library_stats(index).vocabulary)
    if best is None or final.covered(best.features, known_similarity, bool(unknown)) < min_score:
        return refused(question, unknown)
    candidates = scored[:1] + [c for c in scored[1:] if c.probability >= min_quote_score]
    probabilities = {c.row: c.probability for c in scored}
    chosen: list[tuple[Candidate, int, int]] = []
    for candidate in candidates:
        if len(chosen) >= top_k:
            break
        start, end = quote_span(question, candidate, index, probabilities, neighbour_ratio)
        if not repeats(index.sentences[candidate.row], start, end, chosen):
            chosen.append((candidate, start, end))
    if not chosen:
        return refused(question, unknown)
    quotes = []
    for candidate, start, end in chosen:
        passage = candidate.hit.passage
        article = index.articles[passage.article_id]
        quotes.append(
            Quote(
                article_id=article.id,
                title=article.title,
                reference=article.reference,
                quote=article.text[start:end],
                start=start,
                end=end,
                passage=passage.text,
                passage_start=passage.start,
                passage_end=passage.end,
                score=round(candidate.probability, 4),
            )
        )
    return Answer(question, True, None, tuple(quotes))
