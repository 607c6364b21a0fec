"""Typos corrected against the library's own words: "artritis" -> "arthritis".

Only a word that is neither a library word, a term-table word nor a common English word is
corrected, and only to a library or term-table word within a small edit distance (SymSpell,
Garbe 2012: symmetric deletes). On made-up typos of the library's words SymSpell and rapidfuzz
recover the same share, 98.1%, SymSpell in less time per word and without a scan of the
whole vocabulary (benchmarks/spelling.py, benchmarks/RESULTS.md); of two library words
equally close, the one the library writes beside the typo's neighbour wins ("immune sytem"
-> "system", not "stem"). A word the
library does not know but English does ("giraffe", "umbrella") is left alone, so "not covered"
still sees it; nor is a word of scope.py's lists of conditions and treatments, nor a name:
a word capitalised inside a sentence or naming a disease ("Menkes disease"). Chat shorthand
("wat", "ppl", "r u"), in lower case or opening a sentence, is read first as the word it
stands for (data/shorthand.tsv)."""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import numpy as np

from mscqa.search.scope import NOT_A_NAME, scope_words
from mscqa.text.frequency import zipf
from mscqa.text.language import english_words
from mscqa.text.terms import STOPWORDS, TERMS, read_term_table, stem

_WORD = re.compile(r"[A-Za-z]+")
# A word and what a contraction adds to it ("doesn't", "mum’s"): one word, not two.
_CONTRACTION_ENDINGS = ("re", "ve", "ll", "s", "d", "m")
_CONTRACTED = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)?")
PAIR_BUCKETS = 1 << 20  # 4 MB of counts
# Every word of symspellpy's English list counts as known ("regrow", "treatable" are no typos,
# though rarer than the words the language check counts as English).
ALL_ENGLISH_WORDS = 100_000
# Shorter words have too many neighbours one edit away to correct safely.
MIN_LENGTH = 4
# Edits allowed: one for words up to this length, two above it.
ONE_EDIT_UP_TO = 5
# Other forms of library words are looked for only in words up to this long: the edits of a
# word grow with its length (a pasted string of 2,000 letters would make 100,000 of them).
MAX_INFLECTED = 24


@dataclass(frozen=True)
class Correction:
    text: str  # the text with its typos corrected (unchanged when there were none)
    changes: tuple[tuple[str, str], ...]  # (typed, corrected) per corrected word

    @property
    def changed(self) -> bool:
        return bool(self.changes)


class Speller:
    """Corrects words against one library's vocabulary (built once per loaded index)."""

    def __init__(self, library_texts: Iterable[str]) -> None:
        from symspellpy import SymSpell

        counts: Counter[str] = Counter()
        # How often the library writes each pair of words ("immune system"), counted in
        # `PAIR_BUCKETS` hashed buckets so that a large library takes no more memory: a
        # collision only blurs a tie-break between two equally close words.
        self._pairs = np.zeros(PAIR_BUCKETS, dtype=np.int32)
        naming: set[str] = set()
        # A hyphenated word written as one ("metaanalysis", and one edit from it "metanalysis")
        # is corrected to the library's hyphenated word.
        self._joined: dict[str, str] = {}
        for text in library_texts:
            words = [w.lower() for w in _WORD.findall(text)]
            counts.update(words)
            np.add.at(self._pairs, [_bucket(a, b) for a, b in pairwise(words)], 1)
            naming.update(m.group(1).lower() for m in _NAMED.finditer(text))
            self._joined.update((m.replace("-", ""), m) for m in _HYPHENATED.findall(text.lower()))
        # Words the library itself writes before "disease" ("autoimmune diseases").
        self._naming = frozenset(naming)
        for term, expansion in TERMS.items():
            counts.update(w for w in _WORD.findall(f"{term} {expansion}") if len(w) > 1)
        self.library_words = frozenset(counts)
        self._stems: frozenset[str] | None = None  # their stems, made when first needed
        self._counts = counts
        self._symspell: Any = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in counts.items():
            self._symspell.create_dictionary_entry(word, count)
        self._joined = {j: w for j, w in self._joined.items() if j not in counts}  # "flareups"
        for joined in self._joined:
            self._symspell.create_dictionary_entry(joined, 1)

    def knows(self, word: str) -> bool:
        lower = word.lower()
        return (
            lower in self.library_words
            or lower in english_words(ALL_ENGLISH_WORDS)
            or lower in scope_words()
        )

    def suggest(self, word: str, before: str = "", after: str = "") -> str | None:
        """The library word `word` most likely misspells, or None: of the closest ones, the one
        the library writes next to the word `before` or `after` it ("immune sytem" ->
        "immune system", not "stem"), else one with the typed first letter (few typos change
        it: "evry" -> "every", not "very"), else the commonest."""
        from symspellpy import Verbosity

        if len(word) < MIN_LENGTH:
            return None
        if self.knows(word) or (zipf(word.lower()) >= KNOWN_ZIPF and len(word) > ONE_EDIT_UP_TO):
            # (a word English writes though no list has it, "statin" 2.5, one letter from
            # "stating", is kept unless the library writes a word as close between its neighbours)
            return self._in_context(word.lower(), before.lower(), after.lower())
        distance = 1 if len(word) <= ONE_EDIT_UP_TO else 2
        found = self._symspell.lookup(word.lower(), Verbosity.CLOSEST, max_edit_distance=distance)
        edits = _one_edit(word.lower()) if len(word) <= MAX_INFLECTED else []
        if not found or found[0].distance > 1:
            inflected = self._inflected(edits)
            if inflected:
                return inflected
        if not found:
            found = self._sounded(word.lower())
        if not found:
            return self._split(word.lower()) or _everyday(word.lower(), edits)
        before, after = before.lower(), after.lower()
        first = word[0].lower()
        best = max(
            found,
            key=lambda s: (self._beside(before, s.term, after), s.term[0] == first, s.count),
        )
        return self._joined.get(str(best.term), str(best.term))

    def _in_context(self, word: str, before: str, after: str) -> str | None:
        """A library word one edit from a rare English word that is no library word, when
        the library writes it between the same two neighbours ("the corse of" -> "the course
        of": "corse" is English, but nothing the articles speak of); else None."""
        from symspellpy import Verbosity

        if word in self.library_words or zipf(word) >= RARE_ZIPF or not (before and after):
            return None
        found = self._symspell.lookup(word, Verbosity.CLOSEST, max_edit_distance=1)
        between = [
            s.term
            for s in found
            if s.distance == 1
            and self._pairs[_bucket(before, s.term)]
            and self._pairs[_bucket(s.term, after)]
        ]
        return max(between, key=lambda t: self._counts[t]) if between else None

    def _inflected(self, edits: list[str]) -> str | None:
        """An English word of a typed word's one-edit forms (`edits`) that is another form of
        a library word, when no library word is as close: "swalow" -> "swallow"
        ("swallowing"), not "slow"."""
        if self._stems is None:
            self._stems = frozenset(stem(w) for w in self.library_words)
        english = english_words(ALL_ENGLISH_WORDS)
        for candidate in edits:
            if candidate in english and stem(candidate) in self._stems:
                return candidate
        return None

    def _sounded(self, word: str) -> list[Any]:
        """The library words one edit from `word` spelled as it sounds another way ("fyzio"
        -> "phyzio" -> "physio"), the closest of the first respelling that finds any."""
        from symspellpy import Verbosity

        for typed, meant in _SOUNDS:
            if typed in word:
                respelled = word.replace(typed, meant)
                found = self._symspell.lookup(respelled, Verbosity.CLOSEST, max_edit_distance=1)
                if found:
                    return list(found)
        return []

    def _beside(self, before: str, word: str, after: str) -> int:
        """How often the library writes `word` after `before` and before `after`."""
        pairs = [(a, b) for a, b in ((before, word), (word, after)) if a and b]
        return sum(int(self._pairs[_bucket(a, b)]) for a, b in pairs)

    def _split(self, word: str) -> str | None:
        """Two library words run together ("stemcells" -> "stem cells"), the commonest pair
        when there are several ways to cut."""
        cuts = [
            (min(self._counts[word[:i]], self._counts[word[i:]]), word[:i], word[i:])
            for i in range(2, len(word) - 1)
            if word[:i] in self._counts and word[i:] in self._counts
        ]
        if not cuts:
            return None
        _, left, right = max(cuts)
        return f"{left} {right}"

    def correct(self, text: str) -> Correction:
        """`text` with each unknown word replaced by its suggestion, everything else as typed.
        A neighbour that was itself a typo counts as corrected ("imune sytem": "system" is
        the word the library writes after "immune", not "stem")."""
        matches = list(_CONTRACTED.finditer(text))
        typed = [match.group() for match in matches]
        fixed = self._suggestions(text, matches, typed)
        read = [suggestion or word for suggestion, word in zip(fixed, typed, strict=True)]
        if read != typed:
            fixed = self._suggestions(text, matches, read)
        changes: list[tuple[str, str]] = []
        parts: list[str] = []
        last = 0
        for match, suggestion in zip(matches, fixed, strict=True):
            if suggestion is None:
                continue
            parts += [text[last : match.start()], suggestion]
            last = match.end()
            changes.append(_changed_word(match.group(), suggestion))
        parts.append(text[last:])
        return Correction("".join(parts), tuple(changes))

    def _suggestions(
        self, text: str, matches: list[re.Match[str]], read: list[str]
    ) -> list[str | None]:
        """Each word's suggestion (None: kept as typed), its neighbours read as in `read`."""
        shouted = text.upper() == text
        fixed: list[str | None] = []
        for i, match in enumerate(matches):
            if _a_name(text, match, shouted):
                fixed.append(None)
                continue
            # The neighbours as the library's word pairs were counted: "s" after "Crohn's".
            before = _WORD.findall(read[i - 1])[-1] if i else ""
            after = _WORD.findall(read[i + 1])[0] if i + 1 < len(matches) else ""
            typed = match.group()
            dotted = _DOTTED.match(text, match.end())  # "u.s." is no "you"
            shorthand = None if dotted else _shorthand_for(typed)
            suggestion = shorthand or self._suggest_contracted(typed, before, after)
            if typed.lower() == "dose" and _DOES_MEANT.match(text, match.end()):
                suggestion = "Does" if typed.istitle() else "does"  # "what dose it do"
            if typed.lower() in ("effect", "efect") and _AFFECT_MEANT.search(text[: match.start()]):
                suggestion = "affect"  # "does ms effect the brain": the verb
            if suggestion and _NAMING.match(text, match.end()):
                # Before "disease" a word may be a name the library lacks ("tendom
                # syndrome"): only a library's own name is corrected ("autoimune disease").
                named = re.split(r"['\u2019]", suggestion)[0]
                suggestion = suggestion if named in self._naming else None
            fixed.append(suggestion)
        return fixed

    def _suggest_contracted(self, word: str, before: str, after: str) -> str | None:
        """`suggest` for a word that may be a contraction. One with its apostrophe is a word of
        English, its first part never a typo ("doesn't" is not "does't"), a typo only in a
        possessive's name ("arthritus's" -> "arthritis's"); one typed without it ("doesnt")
        gets it back, not the word it negates ("does")."""
        head, apostrophe, tail = word.partition("'" if "'" in word else "\u2019")
        if apostrophe:
            if head.lower().endswith("n") and tail.lower() == "t":
                return None
            fixed = self.suggest(head, before, after)
            return fixed + apostrophe + tail if fixed else None
        lower = word.lower()
        english = english_words(ALL_ENGLISH_WORDS)
        if lower.endswith("nt") and lower not in self.library_words:
            # "cant" and "wont" are words, but rarely what a patient means.
            if lower[:-1] + "'t" in english:
                return word[:-1] + "'t"
        elif not self.knows(word) and not word.isupper():  # "IM" is intramuscular
            for ending in _CONTRACTION_ENDINGS:
                cut = len(word) - len(ending)
                if lower.endswith(ending) and lower[:cut] + "'" + ending in english:
                    return word[:cut] + "'" + word[cut:]  # "theyre" -> "they're"
        return self.suggest(word, before, after)


def _one_edit(word: str) -> list[str]:
    """Every string one deletion, transposition, replacement or insertion from `word`, in
    that order (Norvig's `edits1`), without repeats."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = [a + b[1:] for a, b in splits if b]
    edits += [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    edits += [a + c + b[1:] for a, b in splits if b for c in letters]
    edits += [a + c + b for a, b in splits for c in letters]
    return list(dict.fromkeys(edits))


# Letters that sound like others: a patient who spells by ear writes "f" for "ph".
_SOUNDS = (("f", "ph"), ("ph", "f"), ("k", "c"), ("z", "s"), ("ite", "ight"))

_HYPHENATED = re.compile(r"\b[a-z]{3,}(?:-[a-z]{3,})+\b")
_NAMED = re.compile(
    r"([A-Za-z]+)(?:['\u2019]s)?[\s-]+(?:disease|syndrome|disorder)s?\b" + NOT_A_NAME,
    re.IGNORECASE,
)
# A word before one of these names the condition ("Menkes disease", "Hailey-Hailey disease"),
# unless it describes people ("disease free", `scope.NOT_A_NAME`).
_NAMING = re.compile(
    r"[\s-]*(?:[A-Za-z]+[\s-]+)?(?:disease|syndrome|disorder)\b" + NOT_A_NAME, re.IGNORECASE
)


_DOTTED = re.compile(r"\.[A-Za-z]")


# Before "effect", a verb's helper and its subject: "does ms effect the brain", "will it effect
# me" ask whether something affects something; "does the (side) effect last" asks of an effect.
_AFFECT_MEANT = re.compile(
    r"\b(?:does|do|did|can|could|will|would|may|might|doesn't|don't|didn't|won't|can't)"
    r"\s+(?:[\w'-]+\s+){0,2}?(?!(?:the|a|an|this|that|these|those|any|no|side|its|their|his|"
    r"her|my|your|our)\s+$)[\w'-]+\s+$",
    re.IGNORECASE,
)


# After "dose", a subject and the verb it asks about ("dose it hurt", "what dose colchicine do"):
# "does" typed wrong, a word of English the speller would keep ("what dose of it?" is a dose).
_DOES_MEANT = re.compile(
    r"\s+(?!(?:of|for|is|was|are|were|did|do|does|should|can|would|will|per|an?)\b)"
    r"(?:(?:it|this|that|he|she|anyone|anybody|everyone|everybody)\b"
    r"|(?:[\w'-]+\s+){1,3}(?:do|work|mean|help|cause|happen|hurt|last|affect|stop|slow|cure)"
    r"\s*[?.!]*$)",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _shorthand() -> dict[str, str]:
    """Chat shorthand in lower case -> the word (data/shorthand.tsv): "wat" is a word of
    English to the speller, but a patient means "what"."""
    return read_term_table("shorthand.tsv")


def _shorthand_for(typed: str) -> str | None:
    """The word `typed` shorthand stands for, capitalised as typed ("Wat" opening a message is
    "What"); None for other words and for capitals ("UR", "BC" may be names)."""
    if (typed.isupper() and len(typed) > 1) or not (typed.islower() or typed.istitle()):
        return None
    word = _shorthand().get(typed.lower())
    return word.capitalize() if word and typed.istitle() else word


def _changed_word(typed: str, corrected: str) -> tuple[str, str]:
    """(typed, corrected) of the word itself when only a possessive's name was corrected:
    ("arthritus", "arthritis") for "arthritus's"."""
    typed_head, mark, tail = typed.partition("'" if "'" in typed else "\u2019")
    if mark and corrected.endswith(mark + tail):
        return typed_head, corrected[: -len(mark + tail)]
    return typed, corrected


def _bucket(first: str, second: str) -> int:
    return zlib.crc32(f"{first} {second}".encode()) & (PAIR_BUCKETS - 1)


def _a_name(text: str, match: re.Match[str], shouted: bool) -> bool:
    """True for a word written as a name: capitalised inside a sentence ("my son has Menkes").
    A typo would turn the name into another topic, and "not covered" must see the name the
    patient wrote."""
    if shouted or not match.group()[0].isupper():
        return False
    before = text[: match.start()].rstrip()
    return bool(before) and before[-1] not in ".?!:;\"'(¿¡"


def _everyday(word: str, edits: list[str]) -> str | None:
    """The function word among `word`'s one-edit forms (`edits`) when no library word is near
    it ("anythng" -> "anything", "anyoen" -> "anyone"), else None: never a content word, which
    the name of a drug or a disease may be one letter from. A letter left out, or two swapped,
    is the likelier typo, then the commoner word."""
    near = [c for c in edits if (c in STOPWORDS or c in _INDEFINITE) and len(c) > 2]
    if not near:
        return None
    return max(near, key=lambda c: (_dropped_or_swapped(word, c), zipf(c), c))


def _dropped_or_swapped(typed: str, word: str) -> bool:
    """True when `typed` is `word` with a letter left out, or with two letters swapped."""
    if len(word) == len(typed) + 1:
        return any(word[:i] + word[i + 1 :] == typed for i in range(len(word)))
    return len(word) == len(typed) and sorted(word) == sorted(typed)


# An English word rarer than this, and no library word, may be a typo of one that fits its
# neighbours ("corse" 2.4; "knee" 4.3, "ache" 3.4).
RARE_ZIPF = 3.0
# wordfreq knows words its list of 82,765 lacks, drug names among them ("statin" 2.5,
# "metformin" 2.6); rarer ones are mostly typos ("steriods" 1.3).
KNOWN_ZIPF = 2.5

_INDEFINITE = frozenset(
    f"{some}{thing}"
    for some in ("any", "every", "no", "some")
    for thing in ("thing", "one", "body", "where", "time")
)
