"""Names in a statement (people, places) that its evidence never uses, credited authors, and
technical terms no article uses."""

from __future__ import annotations

import re
from collections.abc import Callable

from mscqa.search.scope import CONDITION_NOUNS
from mscqa.text.frequency import everyday, technical, zipf
from mscqa.text.terms import content_words, lexical_tokens

# A name: a capitalised word ("Germany", "Martinez"); a word in capitals is an acronym, which
# the term table reads. Attributed: the author of a finding ("Okafor et al.", "Dr. Zhou",
# "Smith and colleagues", "Zhou's review").
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?\b")
# A possessive credits its author ("Zhou's review"), unless it names a condition ("Crohn's
# disease", "Bell's palsy").
ATTRIBUTED = re.compile(
    r"\b(?:Drs?\.?\s+([A-Z][a-z]{2,})|([A-Z][a-z]{2,})(?=\s+et\s+al\b|\s+and\s+(?:colleagues|"
    rf"co-?authors|coworkers|co-workers)\b|['’]s\s(?!{CONDITION_NOUNS}s?\b)))"
)
_ABBREVIATED = re.compile(r"\s+(?:[A-Z]|\S*\s*\()|\s+\w+\s*\(")
SENTENCE_END = re.compile(r"(?<!\bDr\.)(?<!\bDrs\.)(?<!\bal\.)(?<=[.!?])\s+(?=[A-Z0-9])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")


def authors(text: str) -> list[str]:
    """The names a text credits with a finding, as written: not a word of everyday English
    before its possessive ("today's drugs", "the world's first")."""
    found = [a or b for a, b in ATTRIBUTED.findall(text)]
    return list(dict.fromkeys(n for n in found if not everyday(n.lower())))


def unknown_names(statement: str, context: str) -> list[str]:
    """The statement's names (capitalised words, not opening a sentence) that `context` never
    uses, under the term table: "a lab in Germany" against a passage about a lab in Japan."""
    known = set(lexical_tokens(context))
    found = []
    for match in _NAME.finditer(statement):
        if _SENTENCE_START.search(statement[: match.start()]) and match.group() not in authors(
            statement
        ):
            continue
        # A name followed by another name or a bracket is likely written shorter in the
        # evidence ("West Nile virus" as WNV, "Escherichia coli (E. coli)").
        if _ABBREVIATED.match(statement, match.end()) or re.search(
            r"[A-Z]\w*\s+$", statement[: match.start()]
        ):
            continue
        if not set(lexical_tokens(match.group())) <= known and match.group() not in found:
            found.append(match.group())
    return found


def unmentioned_terms(statement: str, vocabulary: frozenset[str]) -> list[str]:
    """The statement's technical terms (rare words of English, five letters or more) that the
    library's stemmed `vocabulary` never uses: "platelets" in "MSCs suppress platelets" where
    the articles list other cells. Such a detail cannot be backed by any article; a word the
    term table gives another name for ("regrow": "regenerate") is used when that name is. (Questions
    have their own rule, `search.scope.unknown_terms`: a band of Zipf values, and the forms a
    patient makes of a library word.)"""
    return [
        word
        for word in dict.fromkeys(content_words(statement))
        if len(word) >= 5
        and word.isalpha()  # numbers are the number rules' to read
        and technical(word)
        and not any(t in vocabulary for t in lexical_tokens(word))  # the term table's too
    ]


# Words used at least this often in English ("below", "turn", "reported") are a paraphrase's
# words more often than a detail; "bone" (4.5), "marrow" (3.5) and "knee" (4.3) fall below it.
DETAIL_ZIPF = 4.8


def missing_details(
    statement: str,
    article: frozenset[str],
    returned_to: Callable[[str], bool],
    skip: Callable[[str], bool] = lambda word: False,
) -> list[str]:
    """The statement's less common words (`DETAIL_ZIPF`) that the library returns to (a stem
    for which `returned_to` is true: used in two sentences or more) but the evidence's article
    (its stemmed words, `article`) never uses: "stem cells were taken from bone marrow" against
    the hip article, where bone marrow is the ALS article's. A detail from another article is
    not backed by this one. A word the library uses once is as likely a paraphrase's
    ("damages" where the article says "destroys"); words no article uses are `unmentioned_terms`'
    to judge; words `skip` names (direction words) other rules read; a word the article writes
    joined to another ("flare" in "flareups") counts as used, unless its stem is short."""
    found = []
    for word in dict.fromkeys(content_words(statement)):
        if len(word) < 3 or not word.isalpha() or skip(word) or zipf(word) >= DETAIL_ZIPF:
            continue
        if len(word) == 3 and not re.search(rf"(?<![\w-]){word}(?![\w-])", statement, re.I):
            continue  # "ups" of "flare-ups"; but "hip", "fat" and "leg" are details
        stems = lexical_tokens(word)
        if not stems or not any(returned_to(t) for t in stems):
            continue
        # A stem of three letters or fewer ("al" of "ALS") begins too many words to count
        # that way: it must be the article's own.
        if not any(a == t or (len(t) > 3 and a.startswith(t)) for t in stems for a in article):
            written = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", statement, re.I)
            found.append(written.group() if written else word)
    return found
