"""Training pairs for the answer ranker: (question, candidate text as `ranker.candidate_text`
reads it, 1 or 0), from COVID-QA answer spans and MedQuAD question/answer documents."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from mscqa.answers.ranker import SENTENCE_WORDS, candidate_text
from mscqa.corpus.articles import Article
from mscqa.corpus.checks import load_corpus
from mscqa.corpus.passages import Sentence, split_sentences
from mscqa.text.terms import normalize

# An answer shorter than this may occur anywhere by chance, so only its span counts
# (the rule of ../shared/bench/covidqa/README.md).
MIN_CONTAINED_CHARS = 12
ECHOED_QUESTION = re.compile(r"^\s*[^.?!\n]{0,200}\?\s*")


@dataclass(frozen=True)
class Pair:
    """One training pair; `label` 1.0 when `candidate` answers `question`."""

    question: str
    candidate: str
    label: float


@dataclass(frozen=True)
class SpanQuestion:
    """A COVID-QA question whose answer is `article.text[start:end]`."""

    id: str
    question: str
    article_id: str
    start: int
    end: int
    answer: str


def article_fold(article_id: str, folds: int = 2) -> int:
    """The fold of an article for cross-validation by article: fixed by a hash of its id."""
    return int(hashlib.sha256(article_id.encode()).hexdigest()[:8], 16) % folds


def _as_matched(text: str) -> str:
    """`normalize` (curly quotes straight, lower case) with whitespace collapsed: how an
    evidence string is found in a sentence."""
    return re.sub(r"\s+", " ", normalize(text)).strip()


def plain(text: str) -> str:
    """NFKC, lower case, collapsed whitespace: how answer text is compared."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def holds_answer(text: str, answer: str) -> bool:
    """True when `text` holds the answer text itself (long enough answers only)."""
    wanted = plain(answer)
    return len(wanted) >= MIN_CONTAINED_CHARS and wanted in plain(text)


def hits(start: int, end: int, text: str, gold: SpanQuestion, article_id: str) -> bool:
    """A span hits when it is in the question's article and overlaps the answer, or when its
    text holds the answer text (the articles repeat sentences)."""
    if article_id == gold.article_id and start < gold.end and gold.start < end:
        return True
    return holds_answer(text, gold.answer)


def read_covidqa(folder: Path) -> tuple[dict[str, Article], list[SpanQuestion]]:
    """The articles of `folder/corpus` and the questions of `folder/questions.jsonl`, with the
    answer offsets moved from the raw file body to `Article.text` (which the loader trims)."""
    articles = {a.id: a for a in load_corpus(folder / "corpus")}
    shift: dict[str, int] = {}
    for article in articles.values():
        raw = (folder / "corpus" / f"{article.id}.md").read_text(encoding="utf-8")
        body = raw.split("\n---\n", 1)[1].split("\n", 1)[1]  # after the blank line
        shift[article.id] = body.find(article.text)
    questions = []
    for line in (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        article = articles[row["article_id"]]
        start = row["start"] - shift[article.id]
        end = row["end"] - shift[article.id]
        if article.text[start:end] != row["answer"]:
            found = article.text.find(row["answer"])
            if found < 0:
                continue
            start, end = found, found + len(row["answer"])
        questions.append(
            SpanQuestion(row["id"], row["question"], article.id, start, end, row["answer"])
        )
    return articles, questions


def sentence_candidates(article: Article, sentences: Sequence[Sentence]) -> list[str]:
    """`candidate_text` of every sentence of an article, with its neighbours."""
    texts = [s.text for s in sentences]
    return [
        candidate_text(
            article.title,
            text,
            texts[i - 1] if i > 0 else "",
            texts[i + 1] if i + 1 < len(texts) else "",
        )
        for i, text in enumerate(texts)
    ]


def covidqa_pairs(
    folder: Path,
    articles_in: Collection[str] | None = None,
    *,
    positives: int = 2,
    negatives: int = 3,
    seed: int = 13,
) -> list[Pair]:
    """For each question of the chosen articles (all when None): up to `positives` sentences
    that hit its answer, and `negatives` drawn at random from the article's sentences that
    neither overlap the answer nor hold its text. Negatives mined by retrieval were tried and
    taught the model that resembling the question means "not the answer" (issue 13)."""
    articles, questions = read_covidqa(folder)
    rng = random.Random(seed)
    split: dict[str, tuple[list[Sentence], list[str]]] = {}
    pairs: list[Pair] = []
    for q in questions:
        if articles_in is not None and q.article_id not in articles_in:
            continue
        article = articles[q.article_id]
        if article.id not in split:
            sentences = split_sentences(article)
            split[article.id] = (sentences, sentence_candidates(article, sentences))
        sentences, texts = split[article.id]
        good = [i for i, s in enumerate(sentences) if hits(s.start, s.end, s.text, q, article.id)]
        if not good:
            continue
        bad = [i for i in range(len(sentences)) if i not in set(good)]
        pairs += [Pair(q.question, texts[i], 1.0) for i in good[:positives]]
        pairs += [
            Pair(q.question, texts[i], 0.0) for i in rng.sample(bad, min(negatives, len(bad)))
        ]
    return pairs


def medquad_documents(path: Path) -> tuple[list[dict[str, str]], dict[str, list[dict[str, str]]]]:
    """MedQuAD's rows (question, answer, doc_id, ...), and the answered ones by document."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    by_doc: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["answer"].strip():
            by_doc[row["doc_id"]].append(row)
    return rows, by_doc


def medquad_pairs(
    path: Path,
    *,
    questions: int = 1000,
    negatives: int = 2,
    seed: int = 13,
    exclude: frozenset[str] = frozenset(),
) -> list[Pair]:
    """`questions` MedQuAD questions drawn at random from documents with several answers:
    each answer's opening against the same document's other answers (same topic, wrong
    answer) and, for the last negative, an answer from another document. Questions in
    `exclude` (those an earlier stage already saw) are never drawn."""
    rows, by_doc = medquad_documents(path)
    rng = random.Random(seed)
    usable = [
        row
        for doc in by_doc.values()
        if len(doc) >= 2
        for row in doc
        if row["question"] not in exclude
    ]
    chosen = rng.sample(usable, min(questions, len(usable)))

    def text(row: dict[str, str]) -> str:
        # Many answers open by repeating their question ("What are the signs and symptoms of
        # X?"): cut it, or the model learns to match that line instead of the answer.
        words = ECHOED_QUESTION.sub("", row["answer"]).split()
        return candidate_text(
            row["focus"], " ".join(words[:SENTENCE_WORDS]), after=" ".join(words[SENTENCE_WORDS:])
        )

    pairs = []
    for row in chosen:
        same = [r for r in by_doc[row["doc_id"]] if r["answer"] != row["answer"]]
        wrong = rng.sample(same, min(negatives - 1, len(same)))
        other = rng.choice(rows)
        while other["doc_id"] == row["doc_id"]:
            other = rng.choice(rows)
        pairs.append(Pair(row["question"], text(row), 1.0))
        pairs += [Pair(row["question"], text(r), 0.0) for r in [*wrong, other]]
    return pairs


def write_pairs(pairs: Sequence[Pair], path: Path) -> None:
    """Pairs as gzipped JSON lines, written to a temp file and switched in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as out:
        for p in pairs:
            out.write(json.dumps([p.question, p.candidate, p.label], ensure_ascii=False) + "\n")
    tmp.replace(path)


def read_pairs(path: Path) -> list[Pair]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [Pair(*json.loads(line)) for line in lines]


def own_pairs(
    questions_file: Path, corpus_dir: Path, *, negatives: int = 5, seed: int = 13
) -> list[Pair]:
    """Our own patient-style questions (benchmarks/data/calibration.jsonl: question, the
    article's title and evidence strings) against our articles: each sentence holding an
    evidence string is a positive, `negatives` other sentences of the same article drawn at
    random are negatives. The articles' plain style is not the papers' of COVID-QA."""
    by_title = {a.title: a for a in load_corpus(corpus_dir)}
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for line in questions_file.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        article = by_title.get(row.get("title") or "")
        evidence = [_as_matched(e) for e in row.get("evidence") or []]
        if row.get("kind") != "question" or article is None or not evidence:
            continue
        sentences = split_sentences(article)
        texts = sentence_candidates(article, sentences)
        good = [
            i for i, s in enumerate(sentences) if any(e in _as_matched(s.text) for e in evidence)
        ]
        if not good:
            continue
        bad = [i for i in range(len(sentences)) if i not in set(good)]
        pairs += [Pair(row["question"], texts[i], 1.0) for i in good[:2]]
        pairs += [
            Pair(row["question"], texts[i], 0.0) for i in rng.sample(bad, min(negatives, len(bad)))
        ]
    return pairs
