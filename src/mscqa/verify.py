"""Statement -> the sentences that back it, a verdict, and a check of its numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from mscqa.answer import Calibration, find_quotes
from mscqa.config import Settings
from mscqa.index import LoadedIndex
from mscqa.retriever import Hit
from mscqa.terms import NUMBER_WORDS, STOPWORDS, lexical_tokens, normalize, stem, words
from mscqa.verifier import Reading, Verifier

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
NOT_FOUND = "not_found"

_DATA = Path(__file__).parent / "data"
# A number, not a digit inside a name: "SHP-2", "Arp2/3" and "IL-10" are names, not amounts.
_NUMBER = re.compile(r"(?<![\w.])(?<![a-z]-)(?<!/)\d+(?:[.,]\d+)?(?:\s?%)?(?!/\d)")
_NUMBER_WORDS = {**NUMBER_WORDS, "half": "50%"}
# Number words as numbers; "one of the pathways" counts nothing.
_NUMBER_WORD = re.compile(
    r"\b(?:" + "|".join(w + r"(?!\s+of\b)" if w == "one" else w for w in _NUMBER_WORDS) + r")\b"
)
_QUANTITY = re.compile(_NUMBER.pattern + "|" + _NUMBER_WORD.pattern)
_NEGATIONS = frozenset(
    {"not", "no", "never", "none", "neither", "nor", "cannot", "without", "fail", "failed",
     "fails", "lack", "lacks", "lacking", "lacked", "unable"}
)  # fmt: skip
# Clauses end at punctuation and at the conjunctions that turn an argument around.
_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2014\u2013]|(?<!\d)\.\s|\s-\s|\b(?:but|however|although|while|whereas)\b"
)
_THOUSANDS = re.compile(r"(\d),(\d{3})(?!\d)")
# A number contradicts when the evidence gives a number of the same kind (for counts, of the
# same thing: one of the first `_UNIT_WORDS` content words after each number) among at least
# `_NUMBER_OVERLAP` of the same words within `_NUMBER_REACH` words either side.
_NUMBER_OVERLAP = 2
_NUMBER_REACH = 8
_UNIT_WORDS = 3
# Direction words (data/directions.tsv): a negation reaches a direction word across at most
# `_NEGATION_REACH` content words; what a direction word is about are the content words within
# the reach around it (the statement's clauses are short and make one claim, so it reads
# further), up to the next direction word. One shared word puts two of them on the same thing.
_KINDS = frozenset({"up", "down", "link", "null"})
_TURNED = {"up": "down", "down": "up"}
_NEGATED_KIND = {"up": "null", "down": "null", "link": "null", "null": "link"}
_CONFLICTS = frozenset(
    {("up", "down"), ("down", "up"), ("null", "up"), ("null", "down"), ("null", "link"),
     ("up", "null"), ("down", "null"), ("link", "null")}
)  # fmt: skip
_NEGATION_REACH = 2
_STATEMENT_REACH = 12
_EVIDENCE_REACH = 6
_SIGNAL_OVERLAP = 1
# A direction word inside a compound names a thing: "high-risk patients", "leuko-reduced blood".
_COMPOUND = re.compile(r"(?<=[a-z0-9])-(?=[a-z])")
# "patients with no prior disease": a negation that describes a thing rather than denies.
_DESCRIBING = frozenset({"with"})
# Aims, questions and conditions state no finding.
_HEDGE = re.compile(
    r"\b(?:whether|to (?:determine|assess|test|investigate|examine|evaluate)|hypothes\w*"
    r"|objective|aim|might|if)\b"
)


@dataclass(frozen=True)
class Evidence:
    article_id: str
    title: str
    reference: str
    quote: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Verdict:
    statement: str
    verdict: str
    evidence: tuple[Evidence, ...]
    matched: tuple[str, ...]
    unmatched: tuple[str, ...]
    reason: str = ""  # why contradicted or not found, in words; empty when supported

    def to_dict(self) -> dict[str, object]:
        return {
            "statement": self.statement,
            "verdict": self.verdict,
            "reason": self.reason,
            "evidence": [asdict(e) for e in self.evidence],
            "numbers": {"matched": list(self.matched), "unmatched": list(self.unmatched)},
        }


def extract_numbers(text: str) -> list[str]:
    """Numbers as written ("84.6", "16%", "one"), in order, without repeats."""
    found: list[str] = []
    for match in _NUMBER.finditer(normalize(text)):
        value = match.group().replace(" ", "")
        if value not in found:
            found.append(value)
    for match in _NUMBER_WORD.finditer(normalize(text)):
        if match.group() not in found:
            found.append(match.group())
    return found


def _number_value(number: str) -> str:
    number = _NUMBER_WORDS.get(number, number)
    return number.rstrip("%").replace(",", "")


def numbers_in(text: str) -> set[str]:
    """Values of the numbers in `text`: "16%" and "16" are the same value, "one" is "1"."""
    return {_number_value(n) for n in extract_numbers(text)}


def check_numbers(statement: str, evidence: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(matched, unmatched): the statement's numbers found, and not found, in the evidence."""
    found = numbers_in(evidence)
    numbers = extract_numbers(statement)
    matched = tuple(n for n in numbers if _number_value(n) in found)
    unmatched = tuple(n for n in numbers if _number_value(n) not in found)
    return matched, unmatched


@dataclass(frozen=True)
class Quantity:
    """A number in a text, what kind of number it is ("%", ".1" for one decimal, "year", "#" for
    a count) and the stemmed content words around it (what it is the number of)."""

    number: str
    kind: str
    near: frozenset[str]
    counted: frozenset[str]  # for a count, the words that may name what is counted


def quantities(text: str) -> list[Quantity]:
    """The numbers of `text` with their kind and surroundings, in order."""
    plain = normalize(text)
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(plain):
        number = match.group().replace(" ", "")
        before = words(plain[: match.start()])[-_NUMBER_REACH:]
        after = words(plain[match.end() :])[: _NUMBER_REACH + 1]
        units = [w for w in after if w.isalpha() and w not in STOPWORDS][:_UNIT_WORDS]
        unit = units[0] if units else ""
        if number.endswith("%") or unit == "percent":
            kind = "%"
        elif len(number) == 4 and number.isdigit() and 1800 <= int(number) <= 2100:
            kind = "year"
        elif "." in number:
            kind = "." + str(len(number.partition(".")[2]))
        else:
            kind = "#"
        near = frozenset(
            stem(w)
            for w in before + after
            if w.isalpha() and w not in STOPWORDS and w not in _NUMBER_WORDS
        )
        counted = frozenset(stem(w) for w in units) if kind == "#" else frozenset()
        found.append(Quantity(number, kind, near, counted))
    return found


def differing_numbers(statement: str, evidence: str) -> tuple[str, ...]:
    """The statement's numbers that the evidence states otherwise: a number of the same kind
    ("12 clinical studies" against "9 clinical studies", 86.4 against 84.6) among the same words,
    and never the statement's own value."""
    values = numbers_in(evidence)
    theirs = quantities(evidence)
    wrong: list[str] = []
    for mine in quantities(statement):
        if _number_value(mine.number) in values or mine.number in wrong:
            continue
        if any(
            q.kind == mine.kind
            and (q.counted & mine.counted or not (q.counted or mine.counted))
            and len(q.near & mine.near) >= _NUMBER_OVERLAP
            for q in theirs
        ):
            wrong.append(mine.number)
    return tuple(wrong)


# Numbers in different parts of a text (sentences, or the parts of one joined by "and" or a
# semicolon: "at 6 months (72%) and 1 year (62%)") are never taken as belonging together.
_PART_BREAK = re.compile(r";|[.!?](?=\s)|\b(?:and|or|but|while|whereas)\b")


def number_pairs(text: str) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """Numbers of different kinds that belong together, as ((value, kind), (value, kind)),
    sorted: in each part of `text` (see `_PART_BREAK`), two numbers each of which is the
    other's nearest number of another kind. "At 6 months (72%) and 1 year (62%)" pairs 6 with
    72% and 1 with 62%; "At one year, 72% ..." pairs 1 with 72%."""
    pairs: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for part in _PART_BREAK.split(normalize(text)):
        found = [
            (len(words(part[: m.start()])), q)
            for m, q in zip(_QUANTITY.finditer(part), quantities(part), strict=True)
        ]
        nearest = [_nearest_of_other_kind(found, i) for i in range(len(found))]
        for i, j in enumerate(nearest):
            if j is not None and j > i and nearest[j] == i:
                mine, other = found[i][1], found[j][1]
                a = (_number_value(mine.number), mine.kind)
                b = (_number_value(other.number), other.kind)
                pairs.add((min(a, b), max(a, b)))
    return pairs


def _nearest_of_other_kind(found: Sequence[tuple[int, Quantity]], i: int) -> int | None:
    """Of (word position, quantity) entries, the one nearest to entry `i` among those of
    another kind."""
    at, mine = found[i]
    others = [
        (abs(at - other_at), j)
        for j, (other_at, other) in enumerate(found)
        if other.kind != mine.kind
    ]
    return min(others)[1] if others else None


def mispaired_numbers(statement: str, evidence: str) -> list[tuple[str, str, str]]:
    """(statement's number, the number the evidence gives instead, the number both pair it
    with): "72% at one year" against "at 6 months (72%) and 1 year (62%)" gives ("72%", "62%",
    "one"). Only numbers the evidence pairs otherwise count, never ones it leaves alone."""
    theirs = number_pairs(evidence)
    written = {_number_value(n): n for n in extract_numbers(statement)}
    found: list[tuple[str, str, str]] = []
    for pair in number_pairs(statement):
        if pair in theirs:
            continue
        for anchor, stated in (pair, pair[::-1]):
            instead = [
                other
                for p in theirs
                if anchor in p
                for other in p
                if other != anchor and other[1] == stated[1] and other[0] != stated[0]
            ]
            if instead:
                value, kind = min(instead)
                found.append(
                    (
                        written.get(stated[0], stated[0]),
                        value + "%" if kind == "%" else value,
                        written.get(anchor[0], anchor[0]),
                    )
                )
                break
    return found


@lru_cache(maxsize=1)
def _antonyms() -> dict[str, frozenset[str]]:
    pairs: dict[str, set[str]] = {}
    for line in (_DATA / "antonyms.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        a, b = (stem(w.strip()) for w in line.split("\t"))
        pairs.setdefault(a, set()).add(b)
        pairs.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in pairs.items()}


@lru_cache(maxsize=1)
def _directions() -> dict[str, str]:
    kinds: dict[str, str] = {}
    for number, line in enumerate(
        (_DATA / "directions.tsv").read_text(encoding="utf-8").splitlines(), 1
    ):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, kind = line.partition("\t")
        if kind.strip() not in _KINDS:
            raise ValueError(f"directions.tsv:{number}: kind must be one of {sorted(_KINDS)}")
        kinds[normalize(word.strip())] = kind.strip()
    return kinds


def clauses(text: str) -> list[str]:
    """`text` cut at commas, semicolons, dashes and turning conjunctions ("but", "however")."""
    plain = _THOUSANDS.sub(r"\1\2", normalize(text)).replace("n't", " not")
    return [c.strip() for c in _CLAUSE_BREAK.split(plain) if c and c.strip()]


def negated(clause: str) -> bool:
    """True when a negation word governs what the clause says: "does not improve function" is
    negated; the elliptical "than those who do not", "not only ... but also" and a thing
    described by what it lacks ("patients with no prior disease") are not."""
    tokens = words(clause.replace("n't", " not"))
    for i, token in enumerate(tokens):
        if token not in _NEGATIONS or token == "without":
            continue
        if token == "no" and i > 0 and tokens[i - 1] in _DESCRIBING:
            continue
        if token == "not" and tokens[i + 1 : i + 2] == ["only"]:
            continue
        if any(t not in STOPWORDS for t in tokens[i + 1 : i + 5]):
            return True
    return False


def _negated_plainly(clause: str) -> bool:
    """`negated`, leaving out clauses whose negation is on a direction word ("did not
    increase"): `signals` reads those, together with what they are about."""
    directions = _directions()
    tokens = words(_COMPOUND.sub("", clause.replace("n't", " not")))
    if any(
        t in directions and _negation_before(tokens, i) is not None for i, t in enumerate(tokens)
    ):
        return False
    return negated(clause)


def _content(clause: str) -> set[str]:
    return set(lexical_tokens(clause, expand=False))


@dataclass(frozen=True)
class Signal:
    """A word saying which way something goes ("kind": up, down, link, null) and the content
    words around it in its clause: what goes that way."""

    kind: str
    word: str  # as written, with its negation: "not associated"
    near: frozenset[str]
    clause: frozenset[str]
    # In a comparison ("lower in A than in B"): the words before "than" and after it.
    compared: tuple[frozenset[str], frozenset[str]] | None = None


def signals(text: str, reach: int, findings_only: bool = False) -> list[Signal]:
    """The direction words of `text`, each with its kind after negation ("did not increase"
    and "no association" are null) and the stemmed content words within `reach` words of it;
    with `findings_only`, none from aims, questions and conditions ("to test whether")."""
    directions = _directions()
    found: list[Signal] = []
    for clause in clauses(text):
        if findings_only and _HEDGE.search(clause):
            continue
        tokens = words(_COMPOUND.sub("", clause))
        stems = [stem(t) for t in tokens]
        at = [i for i, t in enumerate(tokens) if t in directions]
        whole = frozenset(
            stems[j] for j, t in enumerate(tokens) if t not in STOPWORDS and t not in directions
        )
        for n, i in enumerate(at):
            token = tokens[i]
            kind = directions[token]
            said = token
            negation = _negation_before(tokens, i)
            if negation is not None:
                kind = _NEGATED_KIND[kind]
                said = " ".join(tokens[negation : i + 1])
            # What the word is about: the words around it, up to the next direction word.
            start = max(at[n - 1] + 1 if n else 0, i - reach)
            end = min(at[n + 1] if n + 1 < len(at) else len(tokens), i + reach + 1)
            near = frozenset(
                stems[j]
                for j in range(start, end)
                if tokens[j] not in STOPWORDS
                and tokens[j] not in _NEGATIONS
                and tokens[j] not in directions
                and not tokens[j][0].isdigit()
            )
            compared = None
            if "than" in tokens[i + 1 :]:
                than = tokens.index("than", i + 1)
                compared = (
                    frozenset(
                        stems[j] for j in range(than) if j != i and tokens[j] not in STOPWORDS
                    ),
                    frozenset(
                        stems[j] for j in range(than + 1, len(tokens)) if tokens[j] not in STOPWORDS
                    ),
                )
            found.append(Signal(kind, said, near, whole, compared))
    return found


def _negation_before(tokens: Sequence[str], i: int) -> int | None:
    """Where a negation comes before word `i` with at most `_NEGATION_REACH` content words
    between ("did not significantly increase", "not associated with an increased risk")."""
    content = 0
    for j in range(i - 1, -1, -1):
        if tokens[j] in _NEGATIONS:
            return j
        if tokens[j] not in STOPWORDS:
            content += 1
            if content > _NEGATION_REACH:
                return None
    return None


def _direction_conflict(statement: str, evidence: str) -> str | None:
    """A direction the evidence gives the statement's words the other way round, when it never
    gives them the statement's own direction: "reduces mortality" against "increased mortality",
    "is unrelated to weight" against "lower weight"."""
    found = signals(evidence, _EVIDENCE_REACH, findings_only=True)
    for mine in signals(statement, _STATEMENT_REACH):
        theirs = [_as_compared_by(mine, s) for s in found]
        # The statement's own word, turned round about the same thing ("improves function" /
        # "does not improve function"), outweighs agreement in other words elsewhere
        # when it is about the statement's words at least as much as any agreement is.
        word = _base_word(mine)
        same_word = [s for s in theirs if _base_word(s) == word and mine.near & s.near]
        if not any(_agree(mine.kind, s.kind) for s in same_word):
            agreeing = [len(mine.near & s.clause) for s in theirs if _agree(mine.kind, s.kind)]
            for other in same_word:
                shared = len(mine.near & other.near)
                if (mine.kind, other.kind) in _CONFLICTS and shared >= max(agreeing, default=0):
                    return f"'{mine.word}' in the statement, '{other.word}' in the evidence"
        # Agreement anywhere in a clause about the statement's words outweighs a conflict.
        if any(_agree(mine.kind, s.kind) and mine.near & s.clause for s in theirs):
            continue
        about = [s for s in theirs if len(mine.near & s.near) >= _SIGNAL_OVERLAP]
        for other in about:
            if (mine.kind, other.kind) in _CONFLICTS:
                return f"'{mine.word}' in the statement, '{other.word}' in the evidence"
    return None


def _base_word(signal: Signal) -> str:
    """The direction word of a signal without its negation, stemmed: "not improve" -> improv."""
    return stem(signal.word.split()[-1])


def _as_compared_by(mine: Signal, theirs: Signal) -> Signal:
    """`theirs` turned round when it compares the same two things the other way round: "lower
    in B than in A" reads "higher in A than in B" against a statement about A than B."""
    if mine.compared is None or theirs.compared is None or theirs.kind not in _TURNED:
        return theirs
    (a, b), (c, d) = mine.compared, theirs.compared
    if a & d and b & c and not b & d:
        return replace(theirs, kind=_TURNED[theirs.kind], word=theirs.word + " (other way round)")
    return theirs


def _agree(mine: str, theirs: str) -> bool:
    return mine == theirs or (mine == "link" and theirs in {"up", "down"})


def opposition(statement: str, evidence: str) -> str | None:
    """Why the evidence says the opposite of the statement, or None: a direction word the other
    way round, a clause about the same thing with the other polarity (one negated, one not), or
    an antonym in its place."""
    conflict = _direction_conflict(statement, evidence)
    if conflict:
        return conflict
    antonyms = _antonyms()
    evidence_clauses = [
        (c, _content(c), _negated_plainly(c)) for c in clauses(evidence) if not _HEDGE.search(c)
    ]
    all_words = set().union(*(ws for _, ws, _ in evidence_clauses))
    for clause in clauses(statement):
        words_here = _content(clause)
        if not words_here:
            continue
        polarity = _negated_plainly(clause)
        # The clause of the other polarity must be more about the statement than any clause of
        # the same polarity: "did not do better" elsewhere outweighs "better survival" here.
        same, other = (
            max(
                ((len(words_here & ws), c) for c, ws, neg in evidence_clauses if neg == flip),
                default=(0, ""),
            )
            for flip in (polarity, not polarity)
        )
        if other[0] >= min(2, len(words_here)) and other[0] > same[0]:
            return f"one denies the other: '{clause}' / '{other[1]}'"
        overlap, best = max(same, other)
        if overlap == 0:
            continue
        best_words = _content(best)
        for word in words_here - best_words:
            swapped = antonyms.get(word, frozenset()) & (best_words - words_here)
            # A prefix makes the opposite of the very same word: anywhere in the evidence.
            swapped |= {w for w in all_words - words_here if _negated_form(word, w)}
            if swapped:
                mine, theirs = _as_written(word, clause), _as_written(min(swapped), evidence)
                return f"'{mine}' in the statement, '{theirs}' in the evidence"
    return None


def _as_written(stemmed: str, text: str) -> str:
    """The first word of `text` with stem `stemmed`, as written (the stem when there is none)."""
    return next((w for w in words(normalize(text)) if stem(w) == stemmed), stemmed)


# A word and the same word with a negating prefix are opposites ("inexpensive"/"expensive",
# "unlikely"/"likely", "nontoxic"/"toxic"), whether or not the antonym table lists them; the
# rest must be long enough to be a word of its own ("intake" is not "not take").
_NEGATING_PREFIXES = ("non", "un", "in", "im", "ir", "il", "dis")
_MIN_NEGATED_REST = 5


def _negated_form(a: str, b: str) -> bool:
    """True when one of two stems is the other with a negating prefix."""
    for longer, shorter in ((a, b), (b, a)):
        for prefix in _NEGATING_PREFIXES:
            rest = longer[len(prefix) :].lstrip("-")
            if longer.startswith(prefix) and rest == shorter and len(shorter) >= _MIN_NEGATED_REST:
                return True
    return False


def opposed(statement: str, evidence: str) -> bool:
    """True when the evidence says the opposite of the statement (see `opposition`)."""
    return opposition(statement, evidence) is not None


def coverage(statement: str, evidence: str) -> float:
    """Share of the statement's content words (numbers aside: `check_numbers` reads those) that
    the evidence uses too, after the term table on both sides."""
    wanted = {t for t in lexical_tokens(statement) if not t[0].isdigit()}
    if not wanted:
        return 1.0
    return len(wanted & set(lexical_tokens(evidence))) / len(wanted)


# A name: a capitalised word ("Germany", "Martinez"); a word in capitals is an acronym, which
# the term table reads. Attributed: the author of a finding ("Martinez et al.", "Dr. Zhou",
# "Smith and colleagues", "Zhou's review").
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?\b")
_ATTRIBUTED = re.compile(
    r"\b(?:Drs?\.?\s+([A-Z][a-z]{2,})|([A-Z][a-z]{2,})(?=\s+et\s+al\b|\s+and\s+(?:colleagues|"
    r"co-?authors|coworkers|co-workers)\b|['’]s\s))"
)
_ABBREVIATED = re.compile(r"\s+(?:[A-Z]|\S*\s*\()|\s+\w+\s*\(")
_SENTENCE_END = re.compile(r"(?<!\bDr\.)(?<!\bDrs\.)(?<!\bal\.)(?<=[.!?])\s+(?=[A-Z0-9])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")


def authors(text: str) -> list[str]:
    """The names a text credits with a finding, as written."""
    return list(dict.fromkeys(a or b for a, b in _ATTRIBUTED.findall(text)))


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


def name_check(statement: str, evidence: str, context: str) -> tuple[str, str] | None:
    """(verdict, reason) when the statement names someone or something the evidence does not:
    `contradicted` when it credits a finding to other authors than the evidence does,
    `not_found` when a name appears nowhere in the evidence or the text around it."""
    # The finding is credited by the evidence sentence that shares most of its words.
    wanted = set(lexical_tokens(_ATTRIBUTED.sub(" ", statement)))
    sentence = max(
        _SENTENCE_END.split(evidence), key=lambda s: len(wanted & set(lexical_tokens(s)))
    )
    theirs = authors(sentence)
    credited = [
        a for a in authors(statement) if not set(lexical_tokens(a)) <= set(lexical_tokens(sentence))
    ]
    if credited and theirs:
        return (
            CONTRADICTED,
            f"the evidence credits {', '.join(theirs)} where the statement says "
            f"{', '.join(credited)}",
        )
    missing = unknown_names(statement, context)
    if missing:
        return NOT_FOUND, f"the evidence does not mention {', '.join(missing)}"
    return None


@dataclass(frozen=True)
class Judgement:
    verdict: str
    matched: tuple[str, ...]
    unmatched: tuple[str, ...]
    reason: str
    # Which rule decided: "numbers" (a number not stated or stated otherwise), "names" (a name
    # the evidence does not use), "opposite", "coverage", "" for supported; `combine` keeps
    # the verdicts of the number and name rules.
    rule: str = ""


def judgement(
    statement: str,
    evidence: Sequence[str],
    context: str,
    min_coverage: float = Settings.statement_min_coverage,
) -> Judgement:
    """Verdict of a statement against its best evidence sentences (best first) and the text
    around them (`context`), with the numbers checked and the reason in words. A supported
    verdict needs the evidence to use at least `min_coverage` of the statement's words."""
    matched, unmatched = check_numbers(statement, context)
    if unmatched:
        wrong = differing_numbers(statement, context)
        if wrong:
            reason = (
                f"the evidence gives another number where the statement says {', '.join(wrong)}"
            )
            return Judgement(CONTRADICTED, matched, unmatched, reason, "numbers")
        reason = f"the evidence does not state {', '.join(unmatched)}"
        return Judgement(NOT_FOUND, matched, unmatched, reason, "numbers")
    mispaired = mispaired_numbers(statement, " ".join(evidence))
    if mispaired:
        wrong = tuple(stated for stated, _, _ in mispaired)
        reason = "; ".join(
            f"the evidence gives {instead} for {anchor}, where the statement says {stated}"
            for stated, instead, anchor in mispaired
        )
        return Judgement(
            CONTRADICTED,
            tuple(n for n in matched if n not in wrong),
            (*unmatched, *wrong),
            reason,
            "numbers",
        )
    named = name_check(statement, " ".join(evidence), context)
    if named:
        return Judgement(named[0], matched, unmatched, named[1], "names")
    # A direction turned round in the sentences around the evidence counts too: the quote
    # may be the sentence naming the trial, its finding the next one.
    why = opposition(statement, " ".join(evidence)) or _direction_conflict(statement, context)
    if why:
        return Judgement(
            CONTRADICTED, matched, unmatched, "the evidence says the opposite: " + why, "opposite"
        )
    shared = coverage(statement, " ".join([*evidence, context]))
    if shared < min_coverage:
        reason = f"the evidence uses only {shared:.0%} of the statement's words"
        return Judgement(NOT_FOUND, matched, unmatched, reason, "coverage")
    return Judgement(SUPPORTED, matched, unmatched, "")


@dataclass(frozen=True)
class ModelRule:
    """How the learned verifier takes part in a verdict: `mode` "rules" (not at all), "model"
    (its reading alone) or "combined" (see `combine`), with its probability thresholds."""

    verifier: Verifier
    mode: str = Settings.verifier_mode
    min_support: float = Settings.verifier_min_support
    min_refute: float = Settings.verifier_min_refute


def differing_words(statement: str, evidence: str, limit: int = 3) -> tuple[list[str], list[str]]:
    """The statement's content words the evidence does not use, and the evidence's that the
    statement does not use, as written (at most `limit` of each): what a reader should compare."""

    def written(text: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for word in words(normalize(text)):
            if word.isalpha() and word not in STOPWORDS and len(word) > 2:
                out.setdefault(stem(word), word)
        return out

    mine, theirs = written(statement), written(evidence)
    return (
        [w for s, w in mine.items() if s not in theirs][:limit],
        [w for s, w in theirs.items() if s not in mine][:limit],
    )


def combine(
    rules: Judgement, reading: Reading, statement: str, evidence: Sequence[str], model: ModelRule
) -> Judgement:
    """The rules' verdict checked by the learned verifier. The number rules stand. `supported`
    needs both: the rules' and a support probability of at least `min_support` (a false
    `supported` is printed with our citation, the worst error to make). A refutation of at
    least `min_refute` turns a verdict the rules did not settle by numbers into
    `contradicted`, with the words that differ."""
    if rules.rule in {"numbers", "names"}:
        return rules
    if reading.refutes >= model.min_refute and reading.refutes > reading.supports:
        if rules.verdict == CONTRADICTED:
            return rules
        mine, theirs = differing_words(statement, " ".join(evidence))
        said = f"'{', '.join(mine)}' in the statement" if mine else "the statement"
        instead = f", '{', '.join(theirs)}' in the evidence" if theirs else ""
        reason = f"the evidence says otherwise ({reading.refutes:.0%} sure): {said}{instead}"
        return replace(rules, verdict=CONTRADICTED, reason=reason, rule="model")
    if rules.verdict == SUPPORTED and reading.supports < model.min_support:
        mine, _ = differing_words(statement, " ".join(evidence))
        unsaid = f": it does not say '{', '.join(mine)}'" if mine else ""
        reason = f"the evidence does not say all that the statement says{unsaid}"
        return replace(rules, verdict=NOT_FOUND, reason=reason, rule="model")
    return rules


def model_judgement(
    statement: str,
    evidence: Sequence[str],
    context: str,
    model: ModelRule,
    min_coverage: float = Settings.statement_min_coverage,
) -> Judgement:
    """The verdict of `model.mode`: the rules (`judgement`), the verifier's reading alone, or
    both (`combine`)."""
    rules = judgement(statement, evidence, context, min_coverage)
    if model.mode == "rules":
        return rules
    return verdict_of(model, rules, model.verifier.read(statement, evidence), statement, evidence)


def verdict_of(
    model: ModelRule, rules: Judgement, reading: Reading, statement: str, evidence: Sequence[str]
) -> Judgement:
    """The verdict of `model.mode` from the rules' judgement and the verifier's reading."""
    if model.mode == "rules":
        return rules
    if model.mode == "combined":
        return combine(rules, reading, statement, evidence, model)
    verdict = {"supports": SUPPORTED, "refutes": CONTRADICTED}.get(reading.label, NOT_FOUND)
    reason = "" if verdict == SUPPORTED else f"the verifier reads '{reading.label}'"
    return replace(rules, verdict=verdict, reason=reason, rule="model")


def judge(statement: str, evidence: Sequence[str], context: str) -> tuple[str, tuple, tuple]:
    """`judgement` as (verdict, matched numbers, unmatched numbers)."""
    result = judgement(statement, evidence, context)
    return result.verdict, result.matched, result.unmatched


def check_statement(
    statement: str,
    query_vector: np.ndarray,
    hits: Sequence[Hit],
    index: LoadedIndex,
    *,
    top_k: int,
    min_score: float,
    min_quote_score: float = 0.0,
    known_similarity: float = 1.0,
    neighbour_ratio: float = 0.5,
    min_coverage: float = Settings.statement_min_coverage,
    calibration: Calibration | None = None,
    model: ModelRule | None = None,
) -> Verdict:
    """Verdict `supported`, `contradicted` or `not_found`, with evidence and number check."""
    answer = find_quotes(
        statement,
        query_vector,
        hits,
        index,
        top_k=top_k,
        min_score=min_score,
        min_quote_score=min_quote_score,
        known_similarity=known_similarity,
        neighbour_ratio=neighbour_ratio,
        calibration=calibration,
    )
    numbers = extract_numbers(statement)
    if not answer.answered:
        return Verdict(statement, NOT_FOUND, (), (), tuple(numbers), "no article covers it")
    best = answer.quotes[0]
    context = best.quote + " " + best.passage
    result = (
        judgement(statement, [best.quote], context, min_coverage)
        if model is None
        else model_judgement(statement, [best.quote], context, model, min_coverage)
    )
    evidence = tuple(
        Evidence(q.article_id, q.title, q.reference, q.quote, q.start, q.end, q.score)
        for q in answer.quotes
    )
    return Verdict(
        statement, result.verdict, evidence, result.matched, result.unmatched, result.reason
    )
