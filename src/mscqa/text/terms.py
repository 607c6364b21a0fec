"""Text normalisation shared by questions and passages: case, quotes, abbreviations, stems."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import Any

from mscqa.config import DATA_DIR
from mscqa.errors import UsageError
from mscqa.text.frequency import everyday, zipf

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "–": "-", "—": "-"})
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)?")
# Control and direction-override characters, and lone surrogates (a JSON request can carry
# "\ud800"; the model's tokenizer refuses text that is not valid Unicode).
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _read_word_list(name: str) -> frozenset[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


STOPWORDS = _read_word_list("stopwords.txt")


def clean_text(text: str) -> str:
    """Strip control and direction-override characters; keep everything a person typed."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def prepare_text(text: str | None, limit: int, what: str) -> str:
    """Strip control characters; refuse empty or oversize input with a message naming the fix."""
    cleaned = clean_text(text or "")
    if not cleaned:
        raise UsageError(f"the {what} is empty: type a {what}")
    if len(cleaned) > limit:
        raise UsageError(
            f"the {what} is {len(cleaned):,} characters long; the limit is {limit:,}: "
            f"shorten it to its main point"
        )
    return cleaned


# A word cut at the end of a line of wrapped text: "tis-\nsues", "follow-\nup".
_WRAPPED_HYPHEN = re.compile(r"([^\W\d_]+)-[ \t]*\r?\n\s*([^\W\d_]+)")
_WHITESPACE = re.compile(r"\s+")


def model_text(text: str) -> str:
    """What a model reads of `text` (never what is shown): compatibility characters as plain
    ones ("ﬁ" as "fi", which the models' word pieces otherwise break on), a word hyphenated at
    a line end joined again when English writes it whole ("tis-\nsues"; "follow-\nup" keeps
    its hyphen), and every run of whitespace one space."""
    text = _WRAPPED_HYPHEN.sub(_rejoined, unicodedata.normalize("NFKC", text))
    return _WHITESPACE.sub(" ", text).strip()


def _rejoined(match: re.Match[str]) -> str:
    first, rest = match.group(1), match.group(2)
    whole = first + rest
    return whole if zipf(whole) > zipf(f"{first}-{rest}") else f"{first}-{rest}"


def normalize(text: str) -> str:
    """Lower case with straight quotes and plain dashes: for matching, never for display."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()


def read_term_table(name: str) -> dict[str, str]:
    return {term: expansion for term, expansion, _ in _term_lines(name)}


def _term_lines(name: str) -> list[tuple[str, str, bool]]:
    """(term, expansion, asked only) of each line: 'term<TAB>expansion', or with a third
    column 'asked' for a phrase only questions use ("get better on its own")."""
    lines = []
    for number, line in enumerate((DATA_DIR / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        term, _, expansion = line.partition("\t")
        expansion, _, column = expansion.partition("\t")
        if not term.strip() or not expansion.strip() or column not in ("", "asked"):
            raise ValueError(
                f"{name}:{number}: expected 'term<TAB>expansion[<TAB>asked]', got {line!r}"
            )
        lines.append((normalize(term.strip()), normalize(expansion.strip()), column == "asked"))
    return lines


_TERM_LINES = _term_lines("terms.tsv")
TERMS = {term: expansion for term, expansion, _ in _TERM_LINES}
# Lay phrases and words only questions are read by: their expansion is added to questions
# only, and the articles' side never gets the phrase's everyday words.
_ASKED_ONLY = frozenset(term for term, _, asked in _TERM_LINES if asked)
# Longest terms first, so that "lou gehrig's disease" wins over "lou gehrig".
_TERM_PATTERN = re.compile(
    r"(?<![a-z0-9])("
    + "|".join(re.escape(t) for t in sorted(TERMS, key=lambda t: (-len(t), t)))
    + r")(?![a-z0-9])"
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def expansions(text: str, document: bool = False) -> list[str]:
    """The term-table expansions of the abbreviations and lay terms in `text`, in order; of
    an article's text (`document`), none of the terms only questions use: "how do they treat
    it?" asks for a treatment, where an article's "to treat MS" is no word on treatments."""
    found: list[str] = []
    for match in _TERM_PATTERN.finditer(normalize(text)):
        if document and match.group(1) in _ASKED_ONLY:
            continue
        expansion = TERMS[match.group(1)]
        if expansion not in found:
            found.append(expansion)
    return found


def asked_meaning(text: str) -> str:
    """Normalised `text` with each lay term only questions use that the articles say in one
    other word written as that word ("where is it offered?" -> "where is it available?",
    "anything newer?" -> "anything recent?"); longer terms are matched first, so "walking
    stick" stays as it is."""

    def meant(match: re.Match[str]) -> str:
        term = match.group(1)
        expansion = TERMS[term]
        return expansion if term in _ASKED_ONLY and " " not in expansion else term

    return _TERM_PATTERN.sub(meant, normalize(text))


def expand_terms(text: str, document: bool = False) -> str:
    """Normalised `text` followed by its expansions (`expansions`)."""
    extra = expansions(text, document)
    plain = normalize(text)
    return f"{plain} {' '.join(extra)}" if extra else plain


def term_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the term-table entries in `text` (normalising keeps offsets for the
    plain text people type; NFKC changes of length are rare enough to be ignored)."""
    return [m.span(1) for m in _TERM_PATTERN.finditer(normalize(text))]


def idiom_words(text: str) -> set[str]:
    """The stemmed words the term table gives for the phrases of everyday words in `text`:
    "come and go" says "resolve", "return" and "intermittent", "all the time" "constant"."""
    plain = normalize(text)
    found: set[str] = set()
    for start, end in term_spans(text):
        phrase = plain[start:end]
        if " " in phrase and all(everyday(w) for w in phrase.split()):
            found |= set(lexical_tokens(TERMS[phrase], expand=False))
    return found


_WORD_SPAN = re.compile(r"[\w'’]+")


def known_words_only(text: str, vocabulary: frozenset[str]) -> str:
    """`text` without the words a library never uses (term-table entries are kept, their
    expansions are known). "Can stem cells treat tinnitus?" -> "Can stem cells treat"."""
    spans = term_spans(text)
    kept = []
    for match in _WORD_SPAN.finditer(text):
        inside_term = any(s <= match.start() < e for s, e in spans)
        tokens = lexical_tokens(match.group(), expand=False)
        if inside_term or not tokens or any(t in vocabulary for t in tokens):
            kept.append(match.group())
    return " ".join(kept)


def words(text: str) -> list[str]:
    """Word tokens of normalised text (numbers like 12.5 kept whole); a "not" contracted is
    "not" ("doesn't" -> "does", "not"; "can't" -> "can", "not"), never a word "doesn", and
    every other contraction is written out too (`spelled_out`: "they're" -> "they", "are"); "non-"
    stays with its word ("non-steroidal" -> "nonsteroidal"), which it negates: a drug that is
    not a steroid is no match for "steroid", nor "non-cancer pain" for "cancer"."""
    return _WORD.findall(_NON.sub("non", spelled_out(normalize(text))))


_NON = re.compile(r"\bnon-(?=[a-z])")


def spelled_out(text: str) -> str:
    """Normalised `text` with each contraction written out for the word rules: "doesn't" ->
    "does not", and as `written_out` does."""
    return written_out(_NOT.sub(_not, text))


def written_out(text: str) -> str:
    """`text` with "they're" -> "they are", "I've" -> "I have", "it's" -> "it is" (a possessive,
    "Crohn's", and a contracted not stay). Patients write contractions; left as they are,
    "they're" is a word "re" no article uses, and its "they" cannot be read as what it
    stands for."""
    return _CONTRACTED.sub(_written_out, text)


# "'s" is "is" only after these; after a noun it is a possessive.
_IS_BEFORE = frozenset(
    {"it", "he", "she", "that", "what", "there", "here", "who", "where", "how", "when", "why"}
)
_SUFFIXES = {"re": "are", "ve": "have", "ll": "will", "m": "am", "d": "would", "s": "is"}
_CONTRACTED = re.compile(r"\b([a-z]+)['’](re|ve|ll|m|d|s)\b", re.IGNORECASE)


# Before these, "'s" is "has" ("she's been") and "'d" is "had" ("I'd tried").
_PERFECT_NEXT = re.compile(r"\s+(?:been|had|got|gone|tried|seen|heard|taken|done|never)\b", re.I)


def _written_out(match: re.Match[str]) -> str:
    word, suffix = match.group(1), match.group(2).lower()
    if suffix == "s" and word.lower() not in _IS_BEFORE:
        return match.group()
    if suffix in ("s", "d") and _PERFECT_NEXT.match(match.string, match.end()):
        return f"{word} {'has' if suffix == 's' else 'had'}"
    return f"{word} {_SUFFIXES[suffix]}"


def _not(match: re.Match[str]) -> str:
    return f"{IRREGULAR_NOT.get(match.group(), match.group(1))} not"


_NOT = re.compile(r"\b([a-z]+)n't\b")
# Contracted nots whose verb is not what comes before "n't".
IRREGULAR_NOT = {"can't": "can", "won't": "will", "shan't": "shall", "ain't": "is"}


def content_words(text: str) -> list[str]:
    """Words that carry meaning: stopwords dropped, the "well" of "as well" (which says
    "also", not how well something works), and the "et al." of a citation (whose "al" would
    otherwise meet "ALS", both stemmed to "al")."""
    found = words(CITATION.sub(" ", text))
    return [
        w
        for i, w in enumerate(found)
        if w not in STOPWORDS and not (w == "well" and i and found[i - 1] == "as")
    ]


# The "et al." of a citation: no word of what a text is about.
CITATION = re.compile(r"\bet\s+al\b", re.IGNORECASE)


# Number words become digits on both sides, so "six months" meets "6 months".
NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}  # fmt: skip
# Part of the lexical fingerprint: change it whenever the code below changes the tokens.
_TOKEN_RULES = (
    "10: stemmed content words, term expansions (both ways on the document side), "
    "number words as digits, contractions written out, no 'well' after 'as', 'non-' joined, "
    "passages as models read them (model_text), no 'et al', no asked-only terms in documents, "
    "'-lyze' as '-lyse'"
)


def lexical_fingerprint() -> str:
    """Hash of everything that decides lexical tokens: an index whose manifest records another
    fingerprint was tokenised differently and needs `mscqa index update`."""
    digest = hashlib.sha256(_TOKEN_RULES.encode())
    for name in ("terms.tsv", "stopwords.txt"):
        digest.update((DATA_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def stem(word: str) -> str:
    """The stem of one normalised word, as the lexical index stores it."""
    return str(_stemmer().stemWord(_british(normalize(word))))


def _british(word: str) -> str:
    """`word` spelled the British way where only "-lyse" / "-lyze" differ: "analyzed" is
    "analysed", "paralyze" "paralyse" (the stemmer keeps the two apart)."""
    return word.replace("lyz", "lys")


def lexical_tokens(text: str, expand: bool = True, document: bool = False) -> list[str]:
    """Stemmed content words of the text and its term expansions: the vocabulary of the
    lexical (BM25) index and of overlap scores. With `document` (the articles' side), a text
    that spells out an expansion ("multiple sclerosis") also gets the tokens of its term
    ("MS"), so a concept counts the same whichever way either side writes it; questions get
    the expansions of their own terms only, which keeps their list of words short."""
    expanded = expand_terms(text, document) if expand else text
    tokens = [_british(NUMBER_WORDS.get(w, w)) for w in content_words(expanded)]
    stems = list(_stemmer().stemWords(tokens)) if tokens else []
    if document and expand and stems:
        present = set(stems)
        for expansion, term in _reverse_terms():
            if expansion <= present:
                stems += [t for t in term if t not in present]
                present.update(term)
    return stems


@lru_cache(maxsize=1)
def _reverse_terms() -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
    """(stems of an expansion, stems of its term) for each term-table entry but those only
    questions use."""
    pairs = []
    for term, expansion in TERMS.items():
        if term in _ASKED_ONLY:
            continue
        expanded = frozenset(_stemmer().stemWords(content_words(expansion)))
        term_stems = tuple(t for t in _stemmer().stemWords(content_words(term)) if t)
        if expanded and set(term_stems) - expanded:
            pairs.append((expanded, term_stems))
    return tuple(pairs)
