"""Which language a message is in: the articles are English, so a question in another language
gets one plain reply saying so instead of an English quote to words that could not be read.

py3langid (a naive Bayes over byte n-grams, shipped with its model) reads long text well but
calls short English questions Frisian or Danish ("is it safe?", "and for arthritis?"); so a message
counts as another language only when the detector says so and few of its words are English
words (symspellpy's list, or common ones of wordfreq's: "ok", "hi") or words of the library:
under `MIN_ENGLISH_SHARE` for a message of more than `SHORT_WORDS` words; for a shorter one,
under half, or any share when the detector is sure (`CONFIDENT`: "Was ist MS?" has two words of
three that English or the library knows). A message made only of such words is English without
asking the detector (tests/test_language.py holds both sides)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from mscqa.text.frequency import common

ENGLISH = "en"
ENGLISH_ONLY = (
    "The articles are in English, so questions must be asked in English: please ask your "
    "question again in English."
)
# English words from symspellpy's frequency list (most frequent first); past this rank the
# list holds many words of other languages ("sind", "les").
ENGLISH_WORDS = 30_000
# A message whose share of English or library words is at least this is English whatever the
# detector says: patients' questions are mostly such words. Other languages share many short
# words with the English list ("le", "per", "con"), so a short message needs only half.
MIN_ENGLISH_SHARE = 0.8
SHORT_WORDS = 5
# A detector this sure of another language is believed for a short message whatever its
# share; short English questions sit below it (0.25 for "is it safe?").
CONFIDENT = 0.4
_LETTERS = re.compile(r"[^\W\d_]+")
_SPANISH_MARKS = ("¿", "¡")
# Greetings a message in another language opens with, by language.
_GREETINGS = {
    "hola": "es", "buenos": "es", "buenas": "es", "bonjour": "fr", "bonsoir": "fr",
    "salut": "fr", "hallo": "de", "guten": "de", "servus": "de", "buongiorno": "it",
    "buonasera": "it", "olá": "pt", "ola": "pt", "bom": "pt", "hoi": "nl", "goedemorgen": "nl",
    "hej": "sv", "merhaba": "tr", "cześć": "pl", "dzień": "pl", "привет": "ru",
    "здравствуйте": "ru",
}  # fmt: skip


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1 ("en", "es", ...)
    english_share: float

    @property
    def english(self) -> bool:
        return self.code == ENGLISH


def detect_language(text: str, library_words: Collection[str] = frozenset()) -> Language:
    """The language of `text`: English unless the detector names another one and too few of
    its words are English or in `library_words` (lower case): see the module's docstring.
    Pass the text with its typos corrected, so that misspelt English counts as English."""
    words = [w.lower() for w in _LETTERS.findall(text)]
    if not words:
        return Language(ENGLISH, 1.0)
    share = _english_share(words, library_words)
    if share == 1.0:
        return Language(ENGLISH, share)
    told = _told_language(text, words, share)
    if told:
        return Language(told, share)
    code, probability = _identifier().classify(text)
    if len(words) > SHORT_WORDS:
        english = code == ENGLISH or share >= MIN_ENGLISH_SHARE
    else:
        english = code == ENGLISH or (share >= 0.5 and probability < CONFIDENT)
    return Language(ENGLISH if english else str(code), share)


def _english_share(words: Sequence[str], library_words: Collection[str]) -> float:
    """The share of `words` (lower case) that are English or of the library."""
    known = english_words()
    return sum(w in known or w in library_words or common(w) for w in words) / len(words)


def _told_language(text: str, words: Sequence[str], share: float) -> str:
    """The language a message shows by itself, too short for the detector: "¿funciona?" (only
    Spanish opens a question so), "hola", "bonjour docteur" (a greeting, and no English)."""
    if text.lstrip()[:1] in _SPANISH_MARKS:
        return "es"
    greeting = _GREETINGS.get(words[0], "") if words else ""
    return greeting if share == 0.0 else ""


def language_of(
    typed: str, corrected: str, library_words: Collection[str] = frozenset()
) -> Language:
    """The language of a message read with its typos corrected (`corrected`), so that misspelt
    English counts as English; unless the message as typed is in another language that the
    detector still names for the corrected text: the speller turns another language's words
    into library words ("Helpen stamcellen bij multiple sclerose?" -> "help ... sclerosis"),
    or shows its language by itself (`_told_language`)."""
    words = [w.lower() for w in _LETTERS.findall(typed)]
    share = _english_share(words, library_words) if words else 1.0
    told = _told_language(typed, words, share)
    if told:  # as typed: the speller must not make "hola" "hold"
        return Language(told, share)
    language = detect_language(corrected, library_words)
    if not language.english or typed == corrected:
        return language
    as_typed = detect_language(typed, library_words)
    if not as_typed.english and _identifier().classify(corrected)[0] == as_typed.code:
        return as_typed
    return language


@lru_cache(maxsize=2)
def english_words(size: int = ENGLISH_WORDS) -> frozenset[str]:
    """The `size` most frequent English words of symspellpy's list (82,765 in all), read once
    per size."""
    path = resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as lines:
        return frozenset(line.split(" ", 1)[0] for _, line in zip(range(size), lines, strict=False))


def load_language_models() -> None:
    """Load the detector (about 80 MB, 1 to 3 s) and the word list now rather than on the first
    message that needs them."""
    english_words()
    _identifier()


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
