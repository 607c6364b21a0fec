"""Typo correction against the library's words: SymSpell (symspellpy, what search/spelling.py uses)
against rapidfuzz's edit-distance search over the same vocabulary (OSA distance, which counts
two swapped letters as one edit, as SymSpell does).

The typos are made here: every library word of 5 letters or more gets one edit (a letter
dropped, doubled, swapped with the next or replaced by a neighbour on the keyboard), chosen by a
fixed seed, plus two edits for words of 8 letters or more. A typo that is itself a library word
or a common English word is skipped (it would not be corrected, by design). Prints accuracy
(the intended word recovered) and microseconds per word. The last rows put each typo back into
the library sentences that use its word (the first three) and correct the whole sentence, with
the neighbouring words as `Speller.correct` reads them and without: where two library words are
one edit away, the pair the library writes ("immune system") tells which was meant.

    .venv/bin/python benchmarks/spelling.py [--corpus corpus/]
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from mscqa.corpus.articles import Article
from mscqa.corpus.checks import load_corpus
from mscqa.corpus.passages import split_sentences
from mscqa.search.spelling import ALL_ENGLISH_WORDS, ONE_EDIT_UP_TO, Speller
from mscqa.text.language import english_words

KEYBOARD = "qwertyuiop asdfghjkl zxcvbnm"


def _neighbour(letter: str, rng: random.Random) -> str:
    row = next((r for r in KEYBOARD.split() if letter in r), "")
    at = row.find(letter)
    options = [row[i] for i in (at - 1, at + 1) if 0 <= i < len(row)]
    return rng.choice(options) if options else letter


def one_edit(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap", "replace"))
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    if kind == "swap":
        return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    return word[:at] + _neighbour(word[at], rng) + word[at + 1 :]


def make_typos(words: Counter[str], seed: int = 13) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    known = set(words) | english_words(ALL_ENGLISH_WORDS)
    pairs = []
    for word in sorted(w for w in words if len(w) >= 5 and w.isalpha()):
        typo = one_edit(word, rng)
        if len(word) >= 8:
            typo = one_edit(typo, rng)
        if typo not in known and typo != word:
            pairs.append((typo, word))
    return pairs


def rapidfuzz_suggest(typo: str, counts: Counter[str]) -> str | None:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    distance = 1 if len(typo) <= ONE_EDIT_UP_TO else 2
    found = process.extract(
        typo, list(counts), scorer=OSA.distance, score_cutoff=distance, limit=10
    )
    if not found:
        return None
    best = min(score for _, score, _ in found)
    return max((w for w, score, _ in found if score == best), key=lambda w: (counts[w], w))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args()
    articles = load_corpus(args.corpus)
    texts = [a.title + "\n" + a.text for a in articles]
    counts: Counter[str] = Counter(w.lower() for t in texts for w in re.findall("[A-Za-z]+", t))
    pairs = make_typos(counts)
    speller = Speller(texts)
    rows = []
    for name, suggest in (
        ("symspellpy (SymSpell)", speller.suggest),
        ("rapidfuzz (OSA distance)", lambda typo: rapidfuzz_suggest(typo, counts)),
    ):
        started = time.perf_counter()
        right = sum(suggest(typo) == word for typo, word in pairs)
        elapsed = time.perf_counter() - started
        rows.append((name, right / len(pairs), 1e6 * elapsed / len(pairs)))
    print(f"{len(pairs)} made-up typos of {len(counts)} library words\n")
    print("| method | intended word recovered | µs per word |")
    print("|---|---|---|")
    for name, accuracy, micros in rows:
        print(f"| {name} | {accuracy:.1%} | {micros:.0f} |")
    placed = in_sentences(pairs, articles)
    print(f"\n{len(placed)} of them in library sentences, corrected in context\n")
    print("| method | intended word recovered |")
    print("|---|---|")
    for name, context in (("SymSpell, neighbours read", True), ("SymSpell, word alone", False)):
        right = sum(_recovered(speller, *case, context) for case in placed)
        print(f"| {name} | {right / len(placed):.1%} |")


def in_sentences(
    pairs: list[tuple[str, str]], articles: Sequence[Article]
) -> list[tuple[str, str, str]]:
    """(sentence with the typo, typo, word) for up to three library sentences per typo, the
    sentences as the index splits them."""
    sentences = [s.text for a in articles for s in split_sentences(a)]
    placed = []
    for typo, word in pairs:
        pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
        found = [s for s in sentences if pattern.search(s)][:3]
        placed += [(pattern.sub(typo, s, count=1), typo, word) for s in found]
    return placed


def _recovered(speller: Speller, sentence: str, typo: str, word: str, context: bool) -> bool:
    if not context:
        return speller.suggest(typo) == word
    corrected = speller.correct(sentence)
    return any(t == typo and c == word for t, c in corrected.changes)


if __name__ == "__main__":
    main()
