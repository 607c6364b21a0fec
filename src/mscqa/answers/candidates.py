"""The sentences of the found passages as candidate quotes: their features, and their order by
the calibrated score or the learned ranker."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mscqa.answers.calibration import Calibration, default_calibration, ranker_calibration
from mscqa.answers.conditions import conditions
from mscqa.answers.definitions import defined_name
from mscqa.answers.forms import PEOPLE_DIED, counted_noun, has_form, question_forms
from mscqa.answers.ranker import BiEncoderRanker, SentenceScorer, candidate_text
from mscqa.answers.references import DRUG_CLASS
from mscqa.corpus.passages import sentence_reading
from mscqa.search.library import Library, LibraryStats, library_stats
from mscqa.search.retriever import Hit
from mscqa.text.frequency import everyday
from mscqa.text.terms import asked_meaning, content_words, lexical_tokens, normalize


def weighted_coverage(question: Sequence[str], text: frozenset[str], stats: LibraryStats) -> float:
    """Share of the question's information (idf-weighted distinct stemmed words) in `text`.

    A word the articles never use weighs most: "Can stem cells grow back hair?" has its most
    telling word missing everywhere, which is what "not covered" needs to see.
    """
    return _Coverage(question, stats)(text)


class _Coverage:
    """`weighted_coverage` of one question, its word weights worked out once."""

    def __init__(
        self, question: Sequence[str], stats: LibraryStats, carried: frozenset[str] = frozenset()
    ) -> None:
        self.weight = {
            t: stats.idf.get(t, stats.unseen_idf) * (_CARRIED if t in carried else 1.0)
            for t in set(question)
        }
        self.total = sum(self.weight.values())

    def __call__(self, text: frozenset[str]) -> float:
        if not self.total:
            return 0.0
        return sum(w for t, w in self.weight.items() if t in text) / self.total


# The weight in a sentence's coverage of the words a follow-up carries from earlier turns.
_CARRIED = 0.25


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage with its features and calibrated probability."""

    hit: Hit
    row: int  # row of the sentence in index.sentences
    features: tuple[float, ...]
    probability: float


def sentence_features(
    question: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: Library,
    asked: str | None = None,
) -> list[tuple[Hit, int, tuple[float, ...]]]:
    """(hit, sentence row, features) for each sentence of each hit, features as `FEATURES`.
    `asked` is what the patient typed when `question` carries words of earlier turns ("did
    the patients get fewer infections, in the kidney trial?"): its focus word is the focus."""
    stats = library_stats(index)
    tokens = lexical_tokens(question)
    coverage = _Coverage(tokens, stats)
    library_cover = coverage(stats.vocabulary)
    own_cover = coverage
    if asked:
        carried = frozenset(tokens) - frozenset(lexical_tokens(asked))
        own_cover = _Coverage(tokens, stats, carried)
    forms = question_forms(question)
    defined = defined_name(question)
    counted = counted_noun(question)
    focused = focus_words(asked, stats) if asked else []
    said = asked if asked and focused else question  # the words the focus is taken from
    focused = focused or focus_words(question, stats)
    named = _named_words(said)
    rows: list[tuple[Hit, int, tuple[float, ...]]] = []
    for hit in hits:
        sentence_rows = [row for row, _ in index.passage_sentences(hit.passage)]
        passage_tokens = frozenset().union(
            stats.title_tokens[hit.passage.article_id],
            *(stats.sentence_tokens[r] for r in sentence_rows),
        )
        passage_cover = coverage(passage_tokens)
        cosines = index.sentence_vectors[sentence_rows] @ query_vector
        # Of an article whose title names what the question names, the next word is the focus.
        title = stats.title_tokens[hit.passage.article_id] & named
        focus = next((w for w in focused if w not in title), focused[0] if focused else None)
        for row, cosine in zip(sentence_rows, cosines, strict=True):
            # A sentence is read with its neighbours in the passage, so its coverage counts
            # the words of the sentence itself and of the title of its article.
            own = stats.sentence_tokens[row] | stats.title_tokens[hit.passage.article_id]
            features = (
                float(cosine),
                hit.dense,
                own_cover(own),
                passage_cover,
                library_cover,
                hit.score,
                float(has_form(forms, index.sentences[row].text, defined, counted)),
                float(
                    focus is not None
                    and focus in stats.sentence_tokens[row]
                    and not of_another_drug(said, index.sentences[row].text)
                ),
            )
            rows.append((hit, row, features))
    return rows


# A question about stem cells ("what are the long-term effects of stem cell treatment?") is
# not answered by what a sentence says of another kind of drug ("Moreover, steroids cause
# terrible side effects when taken long-term."): its focus word there is no focus.
_OF_STEM_CELLS = re.compile(r"\b(?:stem[\s-]cells?|mscs?|mesenchymal)\b", re.IGNORECASE)
_SAID_OF_ANOTHER = re.compile(
    r"^(?:(?:moreover|however|furthermore|also|but|yet|unfortunately|in addition|in contrast|"
    r"by contrast|additionally|still|indeed|and),?\s+)?(?:the\s+)?(?:[\w-]+\s+)?"
    + DRUG_CLASS.pattern
    + r"(?!\s+(?:and|or|with|plus)\b)",
    re.IGNORECASE,
)


# "Patients who take riluzole", "people on steroids": the drug a sentence is about.
_TAKERS = re.compile(
    r"^(?:[\w,]+\s+){0,2}?(?:patients|people|those|participants)\s+(?:who\s+(?:take|took|"
    r"are\s+taking|were\s+taking|received)|taking|on)\s+(?P<drug>[\w-]+)",
    re.IGNORECASE,
)


def of_another_drug(question: str, sentence: str) -> bool:
    """True when `question` asks about stem cells and `sentence` is about another kind of
    drug the question does not name ("Moreover, steroids cause ...") or those who take a
    drug it does not name ("Patients who take riluzole live longer ...")."""
    if _OF_STEM_CELLS.search(question) is None:
        return False
    takers = _TAKERS.match(sentence)  # "Patients who take riluzole live longer ..."
    if takers and takers.group("drug").lower() not in question.lower():
        return True
    return not DRUG_CLASS.search(question) and _SAID_OF_ANOTHER.match(sentence) is not None


def _named_words(question: str) -> frozenset[str]:
    """The stems of what `question` names: a condition, or a name written with a capital
    after its first word ("Quaxel disease", "VEEV")."""
    names = [*conditions(question), *_CAPITALISED.findall(question.strip()[1:])]
    return frozenset(t for name in names for t in lexical_tokens(name, expand=False))


_CAPITALISED = re.compile(r"\b(?!I\b)[A-Z][\w-]*")


def focus_word(question: str, stats: LibraryStats) -> str | None:
    """The first of `focus_words`, or None."""
    focused = focus_words(question, stats)
    return focused[0] if focused else None


def focus_words(question: str, stats: LibraryStats) -> list[str]:
    """The question's words the library uses, most specific (highest idf) first. The focus
    is the first of them: "Japan"
    in "was there a study in Japan on back pain?". The sentence that has it is often the one
    that answers, where its neighbours only share the topic. Only the patient's own words
    count: the term table's expansions are other names to match, not what was asked about
    ("arthritis" brings in "rheumatoid", which must not become the focus). Nor do words of
    everyday English ("does it work well?"): the articles rarely use "well" or "work", which
    gives them a high idf, but a sentence having them is not what the question is about; nor
    do words of stance ("is that actually true?"). Of words the library uses as rarely, the
    one said first leads. In an article whose title names the focus as the question does (a
    condition, a name), the next word is the focus there: the whole article is about the
    first, often by its abbreviation ("How is Quaxel disease spread?" in "Quaxel Disease in
    Goats" asks which sentence says "spread")."""
    plain = normalize(question).strip()
    if _ASKS_SAFETY.search(plain) and _SAFE in stats.idf:
        return [_SAFE]
    # A lay word only questions use is asked in the articles' word ("where is it offered?":
    # "available"; the articles' "may offer a solution" offers nothing).
    meant = asked_meaning(question)
    everyday_stems = {
        stem
        for word in content_words(meant)
        if everyday(word) or word in _STANCE
        for stem in lexical_tokens(word, expand=False)
    }
    if _ASKS_CAUSE.match(plain):
        everyday_stems.add(_CAUSE)  # "what causes gout?" asks of gout; its answer says why
    # Of words the library uses as rarely, the one the question says first.
    said_at: dict[str, int] = {}
    for position, token in enumerate(lexical_tokens(meant, expand=False)):
        said_at.setdefault(token, position)
    known = sorted(
        (t for t in said_at if t in stats.idf and t not in everyday_stems),
        key=lambda t: (-stats.idf[t], said_at[t]),
    )
    return known


# Words that say how the patient holds the question, not what it is about ("is that actually
# true?", "what exactly do they do?"): the articles rarely use them, but no sentence answers by
# having them.
_STANCE = frozenset(
    ["actually", "honestly", "basically", "exactly", "definitely", "literally", "seriously",
     "truly", "genuinely", "certainly", "really", "totally", "simply"]
)  # fmt: skip


# "Is it safe for lupus?" asks whether it is safe: the sentence saying so answers it, often
# without naming the condition, which would otherwise be the focus. ("Who showed it was
# safe?" asks for people, and "safe" is no focus there.) So does "did anyone die?".
_ASKS_SAFETY = re.compile(
    r"^(?:is|are|was|were|will|would|can|could|do|does|did|has|have)\b.*"
    r"\b(?:safe|safely|safety|unsafe)\b|\bhow safe\b|" + PEOPLE_DIED
)
_SAFE = "safe"
# "What causes gout?": the form asks for a cause (`forms`), and gout is what it is about.
_ASKS_CAUSE = re.compile(r"^(?:so |and )?what (?:causes|caused)\b")
_CAUSE = "caus"


def score_candidates(
    question: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: Library,
    calibration: Calibration | None = None,
    ranker: SentenceScorer | None = None,
    ranker_candidates: int = 12,
    ranker_model: Calibration | None = None,
    ranker_weight: float = 0.0,
    asked: str | None = None,
) -> list[Candidate]:
    """Every sentence of the hits, best first, each sentence once: scored in its best
    passage, shown in the retrieved passage where it has the most context around it (a
    sentence that ends one passage and opens the next is shown with what follows it).

    With a `ranker`, only the best `ranker_candidates` of them are kept, scored again with the
    ranker's score as one more feature (`ranker_model`, default `ranker_calibration()`), or,
    when `ranker_weight` > 0, ordered by `fuse`."""
    calibration = calibration or default_calibration()
    rows = sentence_features(question, query_vector, hits, index, asked)
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
    index: Library,
    ranker: SentenceScorer,
    weight: float,
) -> list[Candidate]:
    """The candidates ordered by the first scoring's logit plus `weight` times the ranker's
    logit. Each keeps its first probability: as one feature among nine, fitted on five
    articles, the ranker's weight stayed too small to ever overturn the retrieval features;
    summed with `weight` it can, while "not covered" and the quote rules stay as without it."""
    if not candidates:
        return []
    scores = ranker_scores(question, [c.row for c in candidates], index, ranker)
    p = np.clip(np.array([c.probability for c in candidates]), 1e-6, 1 - 1e-6)
    fused = np.log(p / (1 - p)) + weight * scores
    order = sorted(range(len(candidates)), key=lambda i: (-float(fused[i]), candidates[i].row))
    return [candidates[i] for i in order]


def rerank(
    question: str,
    candidates: Sequence[Candidate],
    index: Library,
    ranker: SentenceScorer,
    model: Calibration | None = None,
) -> list[Candidate]:
    """The candidates scored again by `model` over their features and the ranker's score of
    each sentence read with its article's title and neighbours, best first."""
    if not candidates:
        return []
    model = model or ranker_calibration()
    scores = ranker_scores(question, [c.row for c in candidates], index, ranker)
    features = np.array([(*c.features, float(s)) for c, s in zip(candidates, scores, strict=True)])
    probabilities = model.probability(features)
    rescored = [
        Candidate(c.hit, c.row, tuple(float(v) for v in f), float(p))
        for c, f, p in zip(candidates, features, probabilities, strict=True)
    ]
    return sorted(rescored, key=lambda c: (-c.probability, c.row))


def ranker_scores(
    question: str, rows: Sequence[int], index: Library, ranker: SentenceScorer
) -> np.ndarray:
    """The ranker's score of the sentence at each row. A bi-encoder takes the sentence vectors
    from the index when the index stores them for its weights (`index build` embeds every
    sentence once); otherwise it embeds what it reads of each sentence on first use."""
    stored = index.answer_vectors
    if (
        isinstance(ranker, BiEncoderRanker)
        and stored is not None
        and index.answer_model == ranker.vector_model
    ):
        return ranker.score_vectors(question, stored[list(rows)])
    return ranker.score(question, [read_by(ranker, row, index) for row in rows])


def read_by(ranker: SentenceScorer, row: int, index: Library) -> str:
    """What `ranker` reads of the sentence at `row`: with its context, or alone."""
    return ranker_text(row, index) if ranker.context else sentence_reading(index.sentences, row)


def ranker_text(row: int, index: Library) -> str:
    """`ranker.candidate_text` of the sentence at `row`, as the ranker was trained to read it."""
    sentences = index.sentences
    sentence = sentences[row]

    def neighbour(other: int) -> str:
        inside = 0 <= other < len(sentences)
        same = inside and sentences[other].article_id == sentence.article_id
        return sentences[other].text if same else ""

    title = index.articles[sentence.article_id].title
    return candidate_text(title, sentence.text, neighbour(row - 1), neighbour(row + 1))


def _context(hit: Hit, row: int, index: Library) -> tuple[int, int]:
    """(sentences on the shorter side, sentences after) of sentence `row` in `hit`'s passage."""
    base = index.sentence_offset[hit.passage.article_id]
    before = row - (base + hit.passage.first_sentence)
    after = base + hit.passage.last_sentence - row
    return min(before, after), after
