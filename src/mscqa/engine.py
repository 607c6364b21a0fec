"""The loaded index and embedder behind the CLI and the app: ask, check, status, reload."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mscqa.answers import scorer
from mscqa.answers.calibration import RANKER_CALIBRATION_FILE, ranker_calibration
from mscqa.answers.quotes import Answer, find_quotes
from mscqa.answers.ranker import (
    RANKER_DIR,
    BiEncoderRanker,
    SentenceScorer,
    shared_ranker,
    vector_model,
)
from mscqa.answers.verifier import VERIFIER_DIR, shared_verifier
from mscqa.answers.verify import ModelRule, Verdict, check_statement
from mscqa.config import Settings
from mscqa.corpus.checks import load_corpus
from mscqa.errors import MscqaError, UsageError
from mscqa.index.build import BuildReport, build_index
from mscqa.index.embedder import Embedder, create_embedder
from mscqa.index.load import LoadedIndex, load_index
from mscqa.index.onnx_backend import OnnxEmbedder, export_problem
from mscqa.index.status import IndexStatus, index_status
from mscqa.index.store import current_version
from mscqa.search.library import LibraryStats, library_stats
from mscqa.search.retriever import Hit, Retriever
from mscqa.text.terms import prepare_text

VERIFIER_MODES = ("combined", "model", "rules")
# A follow-up searched again about the conversation's topic keeps that answer when its quote
# says all but one of at least this many of the follow-up's own words (or its focus word).
MIN_OWN_WORDS = 3

if TYPE_CHECKING:
    from mscqa.answers.conversation import Part
    from mscqa.answers.turns import Turn
    from mscqa.search.spelling import Speller


def _single_threaded_search() -> None:
    """One question searches with one thread: FAISS's OpenMP threads cost more to wake than a
    single-query search takes (10x slower at 10k passages on 2 busy cores), and concurrent
    requests already use every core."""
    import faiss

    faiss.omp_set_num_threads(1)


def answer_rules(settings: Settings, known_similarity: float) -> dict[str, Any]:
    """The keyword arguments `find_quotes` and `check_statement` take from the settings."""
    return {
        "top_k": settings.top_k,
        "min_score": settings.min_score,
        "min_quote_score": settings.min_quote_score,
        "known_similarity": known_similarity,
        "neighbour_ratio": settings.quote_neighbour_ratio,
    }


_SPELLERS: dict[int, Speller] = {}


@dataclass(frozen=True)
class _Loaded:
    version: str
    index: LoadedIndex
    retriever: Retriever


class Engine:
    """Answers from the current index version, switching to a newer one between requests.

    A request works on the version it started with; if a newer version cannot be loaded the
    engine keeps serving the last good one and reports why in `reload_error`.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()
        self._checked_at = 0.0
        self.reload_error: str | None = None
        self._model_problem: str | None = None
        self._ranker: SentenceScorer | None = None

    @property
    def embedder(self) -> Embedder:
        """The index's ONNX export when there is one (see create_embedder): answering never
        imports torch, and builds after the first are faster too (benchmarks/RESULTS.md)."""
        if self._embedder is None:
            model_dir = None if self.settings.embedder == "fake" else self.settings.model_path
            self._embedder = create_embedder(
                self.settings.embedder, model_dir, self.settings.index_dir
            )
        return self._embedder

    @property
    def _ranker_folder(self) -> Path:
        return Path(self.settings.ranker_dir or RANKER_DIR)

    @property
    def ranker(self) -> SentenceScorer | None:
        """The learned answer ranker (onnxruntime, no torch), loaded once; None when
        MSCQA_RANKER=0. Missing or damaged weights raise ModelFileError, one line."""
        if not self.settings.ranker:
            return None
        if self._ranker is None:
            from mscqa.answers.scorer import ModelFileError

            ranker = shared_ranker(self._ranker_folder)
            if not RANKER_CALIBRATION_FILE.is_file():
                raise ModelFileError(
                    f"{RANKER_CALIBRATION_FILE} is missing: reinstall mscqa, or set "
                    "MSCQA_RANKER=0 to answer without the ranker"
                )
            try:
                ranker_calibration()
            except ValueError:  # fitted with other features than this version's
                raise ModelFileError(
                    f"{RANKER_CALIBRATION_FILE} was fitted on other features: run "
                    "benchmarks/calibrate.py --ranker --write, or set MSCQA_RANKER=0"
                ) from None
            self._ranker = ranker
        return self._ranker

    def _load(self, version: str | None = None) -> _Loaded:
        _single_threaded_search()
        index = load_index(
            self.settings.index_dir, model_id=self.embedder.model_id, version=version
        )
        return _Loaded(
            index.manifest.version, index, Retriever(index, self.embedder, self.settings)
        )

    def warm_up(self) -> LoadedIndex:
        """Load the index and the model now, so the first question is as fast as any other."""
        loaded = self._current()
        self.embedder.encode(["warm up"])
        if self.ranker is not None:
            self.ranker.score("warm up", ["warm up"])
        library_stats(loaded.index)
        from mscqa.search.scope import unknown_topics
        from mscqa.text.frequency import everyday
        from mscqa.text.language import load_language_models

        self._speller(loaded)  # and the language detector: a chat's first turn waits for neither
        load_language_models()
        everyday("warm")  # the word-frequency list the focus word is chosen with
        unknown_topics("warm up", frozenset())  # the topic lists' patterns (thousands of names)
        return loaded.index

    def _current(self) -> _Loaded:
        loaded = self._loaded
        if loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._load()
                    self._checked_at = time.monotonic()
                return self._loaded
        if time.monotonic() - self._checked_at < self.settings.reload_check_seconds:
            return loaded
        # One request checks for (and loads) a new version; the others go on answering from the
        # version they have instead of waiting for it.
        if not self._lock.acquire(blocking=False):
            return loaded
        try:
            self._checked_at = time.monotonic()
            version = current_version(self.settings.index_dir)
            if version != loaded.version:
                self._loaded = self._load(version)
                self._model_problem = self.model_files_problem()
            self.reload_error = self._model_problem
        except MscqaError as exc:
            self.reload_error = f"still serving version {loaded.version}: {exc}"
        finally:
            self._lock.release()
        return self._loaded or loaded

    def model_files_problem(self) -> str | None:
        """Damage to the model files on disk since this process loaded them, checked at each
        version switch: answers go on from the loaded copy, but a restart would need them."""
        embedder = self._embedder
        if isinstance(embedder, OnnxEmbedder):
            problem = export_problem(embedder.folder, embedder.model_id)
            if problem:
                return (
                    f"{problem}; answers still use the model loaded at start: run "
                    "`mscqa index build` before the next restart"
                )
        # The shipped scorers' weights (the message names the fix: restore them from git).
        for manifest in sorted(scorer.MODELS_DIR.glob(f"*/{scorer.MANIFEST_FILE}")):
            try:
                scorer.read_manifest(manifest.parent)
            except scorer.ModelFileError as exc:
                return f"{exc} (answers still use the model loaded at start)"
        return None

    @property
    def index(self) -> LoadedIndex:
        return self._current().index

    def _evidence(self, text: str) -> tuple[LoadedIndex, np.ndarray, list[Hit], dict[str, Any]]:
        """What answering and checking share: one version, the text's vector, the ranked
        passages, and the answer rules from the settings."""
        loaded = self._current()
        vector, known_similarity = loaded.retriever.embed_with_known(text)
        hits = loaded.retriever.search(text, vector)
        return loaded.index, vector, hits, answer_rules(self.settings, known_similarity)

    def ask(self, question: str, asked: str | None = None, more: int = 0) -> Answer:
        """The quotes answering `question` (`more` than usual); `asked` is what the patient
        typed when the question carries words of the conversation (its focus word leads)."""
        text = prepare_text(question, self.settings.max_question_chars, "question")
        index, vector, hits, rules = self._evidence(text)
        rules["top_k"] += more
        ranker = self.ranker
        if ranker is not None:
            rules = {
                **rules,
                "min_score": self.settings.ranker_min_score,
                "ranker": ranker,
                "ranker_candidates": self.settings.ranker_candidates,
            }
            if self.settings.ranker_weight > 0:
                rules.update(
                    min_score=self.settings.min_score, ranker_weight=self.settings.ranker_weight
                )
        return find_quotes(text, vector, hits, index, asked=asked, **rules)

    def reply(self, message: str, history: Sequence[Turn] = ()) -> Turn:
        """A message of a conversation answered: the way `ask` answers a plain question (at
        the same cost), or, for a follow-up, two questions at once or a question inside a
        story, the standalone questions it stands for (answers/conversation.py; one search more
        at most). Another language gets the English-only reply, a greeting or thanks a fixed one
        (answers/social.py); typos are corrected against the library (search/spelling.py)."""
        from mscqa.answers.conversation import read_message, research_quoted
        from mscqa.answers.social import social, social_answer, without_pleasantries
        from mscqa.answers.turns import Turn, follow_on, language_refusal, merge_answers, said_of_it
        from mscqa.search.scope import unknown_topics, unused_words
        from mscqa.text.language import language_of

        text = prepare_text(message, self.settings.max_question_chars, "question")
        greeting = social(text, first=not any(t.context for t in history))  # "thanks!", "hi"
        if greeting is not None:
            return Turn(text, social_answer(text, greeting))
        loaded = self._current()
        speller = self._speller(loaded)
        correction = speller.correct(text)
        language = language_of(text, correction.text, speller.library_words)
        if not language.english:
            return Turn(text, language_refusal(text, language.code), language=language.code)
        # The last turns that asked something: a "thanks" in between carries no topic.
        asking = [t for t in history if t.context][-3:]
        earlier = [q for turn in asking for q in turn.context]
        follow = follow_on(text, history, lambda q: self.ask(q, more=self.settings.top_k))
        if follow is not None:  # "tell me more", "which journal was that in?"
            return follow
        last = asking[-1].answer.quotes if asking else ()
        quoted = research_quoted(last[0].quote) if last else ""
        reading = read_message(without_pleasantries(correction.text), earlier, quoted)
        stats = library_stats(loaded.index)
        vocabulary = stats.vocabulary
        # A part that names what the articles never mention, or asks what only the clinic
        # can answer, is searched as typed: leaning on earlier turns must not answer it.
        # So is a follow-up with a word of its own the library never uses ("where can I
        # park?"), unless its words are plain English said of that topic (`said_of_it`:
        # "does it hit the nerves?") or what it leans on is itself not covered ("a stroke").
        asked = tuple(
            part.typed
            if unknown_topics(part.typed, vocabulary, sentences=stats.sentence_tokens)
            or (
                part.leaned
                and not said_of_it(part.typed, unused_words(part.typed, vocabulary), stats)
                and not unknown_topics(part.searched, vocabulary, sentences=stats.sentence_tokens)
            )
            else part.searched
            for part in reading.parts
        )
        # Which parts lean on earlier turns, not on the message's own story or first question.
        alone = read_message(without_pleasantries(correction.text)).questions if earlier else ()
        carried = [
            bool(earlier) and (len(alone) != len(asked) or alone[i] != part.searched)
            for i, part in enumerate(reading.parts)
        ]
        parts = [
            self._own_or_typed(question, part, stats, lean)
            for question, part, lean in zip(asked, reading.parts, carried, strict=True)
        ]
        parts = [
            self._again_if_refused(question, part, searched, stats)
            for question, part, searched in zip(asked, reading.parts, parts, strict=True)
        ]
        asked = tuple(question for question, _ in parts)
        # Later turns lean on a question without the story sentence it was searched with.
        leaned_on = tuple(
            part.standalone if question == part.searched else question
            for question, part in zip(asked, reading.parts, strict=True)
        )
        return Turn(
            text,
            merge_answers(text, parts),
            tuple(answer for _, answer in parts),
            asked,
            leaned_on=leaned_on,
            understood_as=" ".join(asked) if asked != (correction.text,) else None,
            corrected=correction.text if correction.changed else None,
            language=language.code,
        )

    def _own_or_typed(
        self, question: str, part: Part, stats: LibraryStats, carried: bool
    ) -> tuple[str, Answer]:
        """`question` asked. When it carries words of earlier turns (`carried`), its answer
        is kept only if the first quote says one of the telling words the patient typed
        (`own_words`), when there are any, or its article's title the condition typed ("what
        about in MS?"): "How long do the effects of a cortisone shot last?" after a question
        on chronic pain must not be answered by the sentence defining chronic pain, which
        only the carried words reach. Otherwise the part is asked as typed, and that answer
        is kept when it is "not covered" or its first quote scores at least as high: a weaker
        quote of another article saying a word of the follow-up by chance ("types" of cells,
        for "does it turn into another type later?" after a question on a kind of MS) is no
        better answer than the one about the topic."""
        from mscqa.answers.conditions import conditions, only_conditions
        from mscqa.answers.references import own_words
        from mscqa.text.terms import lexical_tokens

        if question == part.typed:
            return question, self.ask(question)
        # A question leaning on the message's story or first question, not on earlier turns,
        # is all the patient's own words: "lupus" in "My mum has lupus. Have stem cells been
        # tried in people like her?" counts in the quote's choice as much as "tried", and
        # "lupus" in "Are stem cells safe in lupus, and do they help people live longer?" as
        # much as "longer".
        # "what about in MS?" says nothing of its own but the condition it swaps in: what it
        # asks is the earlier question's, and so is the word that leads the quote's choice.
        swapped = only_conditions(part.typed)
        answer = self.ask(question, None if not carried or swapped else part.typed)
        own = own_words(part.typed, stats.idf)
        if not (carried and answer.answered and own):
            return question, answer
        first = answer.quotes[0]
        named = {t for c in conditions(part.typed) for t in lexical_tokens(c)}
        if own & set(lexical_tokens(first.quote, document=True)) or own & named & set(
            lexical_tokens(first.title, document=True)
        ):
            return question, answer
        typed = self.ask(part.typed)
        if typed.answered and typed.quotes[0].score < first.score:
            return question, answer
        return part.typed, typed

    def _again_if_refused(
        self, question: str, part: Part, searched: tuple[str, Answer], stats: LibraryStats
    ) -> tuple[str, Answer]:
        """A part the articles do not cover, searched once more: asked as typed, leaning on
        the conversation or on the message's first question (`_lean_if_refused`); asked with
        the story's sentence its "that" stands for (`Part.told`), without it."""
        if question == part.typed:
            return self._lean_if_refused(part, searched, stats)
        if searched[1].answered or not part.told or question != part.searched:
            return searched
        return part.standalone, self.ask(part.standalone)

    def _lean_if_refused(
        self, part: Part, searched: tuple[str, Answer], stats: LibraryStats
    ) -> tuple[str, Answer]:
        """A follow-up of its own words, or a message's second question, that the articles do
        not cover as typed ("what happens in the late stages?") searched once more about the
        conversation's topic or the first question's (`Part.fallback`), unless it names what
        they never mention; kept only when its first
        quote has the follow-up's own focus word ("stages"), so that a question about
        something else ("what causes low vision?") is not answered with the conversation's
        topic. Else as it was."""
        from mscqa.answers.candidates import focus_word
        from mscqa.answers.turns import owned
        from mscqa.search.scope import topic_words, unknown_topics, unused_words
        from mscqa.text.frequency import common
        from mscqa.text.terms import lexical_tokens

        if searched[1].answered or not part.fallback:
            return searched
        # "lower" in "did they lower the chance of infections?" compares; "infections" is
        # what the quote must be about.
        focus = focus_word(topic_words(part.typed), stats)
        if not focus:
            return searched
        # A word beyond common English that no article uses names another topic
        # ("lissencephaly"), as does one the patient owns ("my hair"); other common ones
        # ("late", "happens") say what about the topic.
        unused = unused_words(part.typed, stats.vocabulary)
        rare = [w for w in unused if not common(w)]
        unknown = unknown_topics(part.typed, stats.vocabulary, sentences=stats.sentence_tokens)
        if rare or unknown or owned(part.typed, unused):
            return searched
        again = self.ask(part.fallback, part.typed)
        said = set(lexical_tokens(again.quotes[0].quote if again.answered else "", expand=False))
        # Or the quote says all but one of the follow-up's own words the library knows, the
        # one left said otherwise: "what does the immune reaction damage?" -> "an immune
        # reaction breaks down the covering ...".
        own = {t for t in lexical_tokens(part.typed, expand=False) if t in stats.idf}
        most = len(own) >= MIN_OWN_WORDS and len(own - said) <= 1
        if focus not in said and not most:
            return searched
        return part.fallback, again

    def _speller(self, loaded: _Loaded) -> Speller:
        """The speller of a loaded version, built on its first use and freed with it."""
        from mscqa.search.spelling import Speller

        speller = _SPELLERS.get(id(loaded.index))
        if speller is None:
            texts = [a.title + "\n" + a.text for a in loaded.index.articles.values()]
            speller = _SPELLERS[id(loaded.index)] = Speller(texts)
            weakref.finalize(loaded.index, _SPELLERS.pop, id(loaded.index), None)
        return speller

    @property
    def model_rule(self) -> ModelRule | None:
        """How the learned verifier takes part in verdicts (None: the rules alone); its
        weights are loaded, and checked, once per process."""
        mode = self.settings.verifier_mode
        if mode not in VERIFIER_MODES:
            raise UsageError(
                f"MSCQA_VERIFIER_MODE={mode!r} is not one of {', '.join(VERIFIER_MODES)}: "
                "fix or unset it"
            )
        if mode == "rules":
            return None
        folder = Path(self.settings.verifier_model) if self.settings.verifier_model else None
        return ModelRule(
            shared_verifier(folder or VERIFIER_DIR),
            mode,
            self.settings.verifier_min_support,
            self.settings.verifier_min_refute,
        )

    def check(self, statement: str) -> Verdict:
        text = prepare_text(statement, self.settings.max_statement_chars, "statement")
        model = self.model_rule
        index, vector, hits, rules = self._evidence(text)
        return check_statement(
            text,
            vector,
            hits,
            index,
            min_coverage=self.settings.statement_min_coverage,
            min_weighted_coverage=self.settings.statement_min_weighted_coverage,
            model=model,
            **rules,
        )

    def status(self, verify: bool = True) -> IndexStatus:
        """The index compared with the corpus folder and the configured model."""
        try:
            articles = load_corpus(self.settings.corpus_dir)
        except MscqaError:
            articles = None
        # The ranker's sentence vectors the index should store (read from its manifest; the
        # weights are checked when they load).
        stored = vector_model(self._ranker_folder) if self.settings.ranker else None
        model = self.embedder.model_id
        return index_status(
            self.settings.index_dir, articles, model, verify=verify, answer_model=stored
        )

    def rebuild(
        self,
        incremental: bool = True,
        progress: bool = False,
        lock_timeout: float = 0.0,
        on_wait: Callable[[], None] | None = None,
    ) -> BuildReport:
        """Build a new index version from the corpus folder; requests keep using the old one
        until the new version is switched in, then the next request picks it up. With the
        answer ranker on, the version stores the ranker's vector of every sentence."""
        ranker = self.ranker
        return build_index(
            self.settings.index_dir,
            load_corpus(self.settings.corpus_dir),
            self.embedder,
            max_words=self.settings.passage_max_words,
            overlap=self.settings.passage_overlap_sentences,
            incremental=incremental,
            progress=progress,
            lock_timeout=lock_timeout,
            on_wait=on_wait,
            answer_encoder=ranker if isinstance(ranker, BiEncoderRanker) else None,
        )
