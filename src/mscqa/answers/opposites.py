"""Opposite findings: antonyms, negations and direction words (up, down, a link, none) that
turn a statement against its evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from mscqa.answers.antonyms import antonyms, content_stems, direction_kinds, modifies, negated_form
from mscqa.answers.conditions import conditions
from mscqa.answers.negation import NEGATIONS, denies_a_thing, negated, referred_to, subject_referred
from mscqa.answers.numbers import THOUSANDS
from mscqa.text.terms import (
    NUMBER_WORDS,
    STOPWORDS,
    idiom_words,
    normalize,
    spelled_out,
    stem,
    words,
)

# Clauses end at punctuation and at the conjunctions that turn an argument around.
_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2014\u2013]|(?<!\d)\.\s|\s-\s|\b(?:but|however|although|while|whereas)\b"
)
# Direction words (data/directions.tsv): a negation reaches a direction word across at most
# `_NEGATION_REACH` content words; what a direction word is about are the content words within
# the reach around it (the statement's clauses are short and make one claim, so it reads
# further), up to the next direction word. One shared word puts two of them on the same thing.
_TURNED = {"up": "down", "down": "up"}
_NEGATED_KIND = {"up": "null", "down": "null", "link": "null", "null": "link"}
_CONFLICTS = frozenset(
    {("up", "down"), ("down", "up"), ("null", "up"), ("null", "down"), ("null", "link"),
     ("up", "null"), ("down", "null"), ("link", "null")}
)  # fmt: skip
_NOUN_ENDINGS = ("tion", "sion", "ment", "ance", "ence", "ity", "sis")
_VERB_ENDINGS = ("ed", "s", "ing")
_NEGATION_REACH = 2
STATEMENT_REACH = 12
_EVIDENCE_REACH = 6
_SIGNAL_OVERLAP = 1
# A direction word inside a compound names a thing: "high-risk patients", "leuko-reduced blood".
_COMPOUND = re.compile(r"(?<=[a-z0-9])-(?=[a-z])")
# Aims, questions and conditions state no finding.
_HEDGE = re.compile(
    r"\b(?:whether|to (?:determine|assess|test|investigate|examine|evaluate)|hypothes\w*"
    r"|objective|aim|might|if)\b"
)


_ASIDE = re.compile(r",\s*(?:however|though|therefore|moreover|indeed|in fact|of course),\s*", re.I)


def clauses(text: str) -> list[str]:
    """`text` cut at commas (not those of a list), semicolons, dashes and turning conjunctions
    ("but", "however")."""
    # Dashes first: normalising makes "effective—clinical" one hyphenated word.
    text = re.sub("[\u2014\u2013]", " ; ", text)
    text = _ASIDE.sub(" ", text)  # "it does not, however, improve ...": one clause
    plain = spelled_out(THOUSANDS.sub(r"\1\2", normalize(text)))
    plain = _LIST.sub(lambda m: m.group().replace(",", ""), plain)
    return [c.strip() for c in _CLAUSE_BREAK.split(plain) if c and c.strip()]


# "suppress T-cells, B-cells, dendritic cells, and natural killer cells": the items of a list
# of things in the plural are one clause with the word before them (not "purified, expanded,
# and re-injected", nor "safe, cheap, and tasty", each a finding of its own).
_LIST = re.compile(
    r"(?:(?![\w-]*(?:ed|ing)\b)[\w-]+(?:\s+[\w-]+){0,2}(?<=[^su]s),\s+){2,}(?:and|or)\s+"
)


def _negated_plainly(clause: str) -> bool:
    """`negated`, leaving out clauses whose negation is on a direction word ("did not
    increase"): `signals` reads those, together with what they are about."""
    directions = direction_kinds()
    tokens = words(_COMPOUND.sub("", clause))
    if any(
        t in directions
        and not _names_effects(tokens, i)
        and _negation_before(tokens, i) is not None
        for i, t in enumerate(tokens)
    ):
        return False
    return negated(clause)


def _names_effects(tokens: Sequence[str], i: int) -> bool:
    """True when word `i` is "effects" of "side effects": a thing named, not "affects"."""
    return tokens[i] in ("effect", "effects") and i > 0 and tokens[i - 1] in _NAMING_EFFECTS


# Direction words of removal name what was taken away ("deletion of the gene", "knockout
# mice", "cells depleted of it"): the condition a finding is about, not a way the finding goes.
_REMOVAL = frozenset(
    ["deletion", "knockout", "knockdown", "ablation", "silencing", "depletion", "deficient",
     "depleted"]
)  # fmt: skip
# Who or what a removal word names when it stands beside them.
_GROUPS = frozenset(
    ["mice", "mouse", "rats", "cells", "animals", "patients", "neurons", "flies", "embryos",
     "strains", "lines", "people", "individuals"]
)  # fmt: skip


def _names_removal(tokens: Sequence[str], i: int) -> bool:
    """True when word `i` is a word of removal naming what was removed or from whom: followed
    by "of", or beside a group ("mice lacking", "deficient cells")."""
    if tokens[i] not in _REMOVAL:
        return False
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    return after == "of" or after in _GROUPS or (i > 0 and tokens[i - 1] in _GROUPS)


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
    # A complete effect denied ("is not a cure"): it leaves room for some effect.
    partial: bool = False
    # The word that compares ("faster", "more slowly", "less effective") before a "than".
    comparative: bool = False


def signals(text: str, reach: int, findings_only: bool = False) -> list[Signal]:
    """The direction words of `text`, each with its kind after negation ("did not increase"
    and "no association" are null) and the stemmed content words within `reach` words of it;
    with `findings_only`, none from aims, questions and conditions ("to test whether")."""
    directions = direction_kinds()
    found: list[Signal] = []
    for clause in clauses(text):
        if findings_only and _HEDGE.search(clause):
            continue
        tokens = words(_COMPOUND.sub("", clause))
        stems = [stem(t) for t in tokens]
        naming = _naming_words(clause)
        at = [
            i
            for i, t in enumerate(tokens)
            if t in directions
            and t not in naming
            and not _names_effects(tokens, i)
            and not _names_removal(tokens, i)
            and not modifies(tokens, i)
            and not opens_bound(tokens, i)
            and not _forms_comparative(tokens, i, directions)
        ]
        objects = _acted_on(tokens, at)
        at = [i for i in at if i not in objects.values()]
        whole = frozenset(
            stems[j] for j, t in enumerate(tokens) if t not in STOPWORDS and t not in directions
        )
        negations: dict[int, int | None] = {}
        for n, i in enumerate(at):
            token = tokens[i]
            kind = directions[token]
            said = token
            graded = i > 0 and _forms_comparative(tokens, i - 1, directions)
            if graded and tokens[i - 1] in _LESS:
                kind = _TURNED.get(kind, kind)  # "less effective": the other way
            if i in objects and directions[tokens[objects[i]]] == "down":
                kind = _TURNED.get(kind, kind)  # "reduced inhibition": up
            negation = _negation_before(tokens, i)
            if negation is None and n:
                negation = _carried_negation(tokens, at[n - 1], i, negations)
            negations[i] = negation
            if negation is not None:
                kind = _NEGATED_KIND[kind]
                said = " ".join(tokens[negation : i + 1])
            # What the word is about: the words around it, up to the next direction word;
            # for a word of quantity, the noun it counts ("many studies").
            start, end = _reach_of(tokens, at, n, reach)
            if token in _QUANTITY and i + 1 < len(tokens) and tokens[i + 1] not in STOPWORDS:
                start, end = i + 1, min(end, i + 3)
            near = frozenset(
                stems[j]
                for j in range(start, end)
                if tokens[j] not in STOPWORDS
                and tokens[j] not in NEGATIONS
                and tokens[j] not in directions
                and not tokens[j][0].isdigit()
            )
            compared, than = None, 0
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
            partial = negation is not None and token in _COMPLETE
            # "slowed decline more than ...": the word compared by a "more" before the "than".
            graded_after = compared is not None and than - 1 > i and tokens[than - 1] in _MORE_LESS
            if graded_after and tokens[than - 1] in _LESS:
                kind = _TURNED.get(kind, kind)
            comparative = compared is not None and (graded or graded_after or token.endswith("er"))
            if graded:
                said = f"{tokens[i - 1]} {said}"
            found.append(Signal(kind, said, near, whole, compared, partial, comparative))
    return found


def _acted_on(tokens: Sequence[str], at: Sequence[int]) -> dict[int, int]:
    """Direction verb position -> the direction noun just after it that it acts on
    ("attenuated p53 activation"): one direction, the verb's, turned round by a noun that goes
    down ("reduced inhibition" goes up). A comparative is no verb ("a greater reduction")."""
    return {
        i: at[n + 1]
        for n, i in enumerate(at[:-1])
        if at[n + 1] - i <= 2
        and tokens[at[n + 1]].endswith(_NOUN_ENDINGS)
        and tokens[i].endswith(_VERB_ENDINGS)
        and not tokens[i].endswith(_NOUN_ENDINGS)
        and all(t not in STOPWORDS for t in tokens[i + 1 : at[n + 1]])
    }


def _reach_of(tokens: Sequence[str], at: Sequence[int], n: int, reach: int) -> tuple[int, int]:
    """The tokens direction word `n` (of those at positions `at`) is about: within `reach` of
    it, up to the direction words on either side; for verbs joined by "and" ("induces and
    affects the action of mast cells"), what the last of them is about, the first is about too;
    for a means ("by inducing"), only what follows it."""
    i, last = at[n], n
    while last + 1 < len(at) and at[last + 1] == at[last] + 2 and tokens[at[last] + 1] in _JOINED:
        last += 1
    following = at[last + 1] if last + 1 < len(at) else len(tokens)
    end = min(following, at[last] + reach + 1)
    if i and tokens[i - 1] in _MEANS:  # "reduces growth by inducing damage": about the damage
        return i, end
    return max(at[n - 1] + 1 if n else 0, i - reach), end


_JOINED = frozenset(["and", "or"])
_MEANS = frozenset(["by", "through", "via"])  # what follows is the means of what went before


def _forms_comparative(tokens: Sequence[str], i: int, directions: dict[str, str]) -> bool:
    """True when word `i` is "more" or "less" before another direction word: "more slowly"
    says one thing, which way the word after it goes."""
    return tokens[i] in _MORE_LESS and i + 1 < len(tokens) and tokens[i + 1] in directions


def opens_bound(tokens: Sequence[str], i: int) -> bool:
    """True when word `i` opens a bound on a number ("less than 70", "more than 12 weeks"):
    a threshold, not a way anything went."""
    after = tokens[i + 1 : i + 3]
    return len(after) == 2 and after[0] == "than" and is_number(after[1:])


def is_number(tokens: Sequence[str]) -> bool:
    return bool(tokens) and (tokens[0][0].isdigit() or tokens[0] in NUMBER_WORDS)


def _naming_words(clause: str) -> frozenset[str]:
    """Direction words that open a condition's name in `clause`: "low" in "low back pain"
    says which pain, not which way anything goes."""
    if not _NAME_ADJECTIVES.intersection(words(clause)):
        return frozenset()  # the usual case: no need to look for names
    opening = (words(name.lower())[:1] for name in conditions(clause))
    return frozenset(w for first in opening for w in first if w in _NAME_ADJECTIVES)


# "side effects", "adverse effects": a thing named, not an effect of something ("affects").
_NAMING_EFFECTS = frozenset({"side", "adverse", "ill", "harmful", "unwanted"})
# Words that claim a complete effect: denied, they say less than "no effect".
_COMPLETE = frozenset({"cure", "cures", "cured"})
# "more" and "less" before a direction word grade it.
_MORE_LESS = frozenset({"more", "less"})
_LESS = frozenset({"less"})
# Words of quantity: they count the noun after them.
_QUANTITY = frozenset({"many", "few", "fewer", "most"})
# Direction words that are also part of names of conditions ("low back pain").
_NAME_ADJECTIVES = frozenset({"low", "lower", "high", "upper"})


def _carried_negation(
    tokens: Sequence[str], before: int, i: int, negations: dict[int, int | None]
) -> int | None:
    """The negation of the direction word at `before` when word `i` is joined to it by "or" or
    "nor": "does not improve function or meaningfully reduce symptoms" denies both."""
    if negations.get(before) is None or not {"or", "nor"} & set(tokens[before + 1 : i]):
        return None
    return negations[before]


def _negation_before(tokens: Sequence[str], i: int) -> int | None:
    """Where a negation comes before word `i` with at most `_NEGATION_REACH` content words
    between ("did not significantly increase", "not associated with an increased risk")."""
    content = 0
    for j in range(i - 1, -1, -1):
        if tokens[j] in NEGATIONS:
            return j
        if tokens[j] not in STOPWORDS:
            content += 1
            if content > _NEGATION_REACH:
                return None
    return None


def direction_conflict(statement: str, evidence: str) -> str | None:
    """A direction the evidence gives the statement's words the other way round, when it never
    gives them the statement's own direction: "reduces mortality" against "increased mortality",
    "is unrelated to weight" against "lower weight"."""
    found = signals(evidence, _EVIDENCE_REACH, findings_only=True)
    ours = signals(statement, STATEMENT_REACH)
    # A word the statement says itself, the same way, is no conflict with its other words
    # that go up or down: "accelerates decline" against "accelerated the decline" ("is
    # ineffective at reducing pain" says no effect on what it names).
    said = {(_base_word(s), s.kind) for s in ours}
    for mine in ours:
        theirs = [_as_compared_by(mine, s) for s in found]
        rival = _rival_comparison(mine, theirs)
        if rival is not None:
            return f"'{mine.word}' in the statement, '{rival.word}' in the evidence"
        # The statement's own word, turned round about the same thing ("improves function" /
        # "does not improve function"), outweighs agreement in other words elsewhere
        # when it is about the statement's words at least as much as any agreement is.
        word = _base_word(mine)
        same_word = [s for s in theirs if _base_word(s) == word and mine.near & s.near]
        # How many of the statement's words the most agreeing clause is about.
        agreeing = max(
            (len(mine.near & s.clause) for s in theirs if _agree(mine.kind, s.kind)), default=0
        )
        if not any(_agree(mine.kind, s.kind) for s in same_word):
            for other in same_word:
                shared = len(mine.near & other.near)
                if (mine.kind, other.kind) in _CONFLICTS and shared >= agreeing:
                    return f"'{mine.word}' in the statement, '{other.word}' in the evidence"
        # Agreement outweighs a conflict about no more of the statement's words; within the
        # conflict's own clause, an agreeing word is about its own near words only.
        for other in theirs:
            if mine.kind in _TURNED and (_base_word(other), other.kind) in said:
                continue
            agreeing_here = max(
                (
                    len(mine.near & (s.near if s.clause == other.clause else s.clause))
                    for s in theirs
                    if _agree(mine.kind, s.kind)
                ),
                default=0,
            )
            if len(mine.near & other.near) < max(_SIGNAL_OVERLAP, agreeing_here + 1):
                continue
            # "not a cure" against "may slow it" is no conflict; against "cures", it is
            # (above, as the same word).
            if (mine.kind, other.kind) in _CONFLICTS and not (mine.partial or other.partial):
                return f"'{mine.word}' in the statement, '{other.word}' in the evidence"
    return None


def _rival_comparison(mine: Signal, theirs: Sequence[Signal]) -> Signal | None:
    """The evidence's comparison against the same thing as the statement's, the other way
    round, when none of its comparisons against it agrees: "progressed more slowly than with
    disease-modifying drugs" against "a faster rate of decline than disease-modifying
    treatment"."""
    if not mine.comparative or mine.compared is None:
        return None
    against = mine.compared[1]
    rivals = [
        s for s in theirs if s.comparative and s.compared is not None and s.compared[1] & against
    ]
    if any(_agree(mine.kind, s.kind) for s in rivals):
        return None
    return next((s for s in rivals if (mine.kind, s.kind) in _CONFLICTS), None)


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
    conflict = direction_conflict(statement, evidence)
    if conflict:
        return conflict
    opposites = antonyms()
    cut = clauses(evidence)
    evidence_clauses = []
    affirmed = frozenset() if negated(statement) else frozenset(content_stems(statement))
    for before, c in zip(["", *cut], cut, strict=False):
        if _HEDGE.search(c):
            continue
        neg = _negated_plainly(c) or denies_a_thing(c, affirmed)
        referred = referred_to(c, before) if neg else subject_referred(c, before)
        evidence_clauses.append((c, content_stems(c) | referred, neg))
    all_words = set().union(*(ws for _, ws, _ in evidence_clauses))
    # Stopwords too: "accurate" frames questions, but turns "inaccurate" round all the same.
    written = {stem(w) for w in words(normalize(evidence))} | all_words
    for clause in clauses(statement):
        words_here = content_stems(clause) - _modifying(clause)
        if not words_here:
            continue
        polarity = _negated_plainly(clause)
        words_here |= idiom_words(clause)
        # The clause of the other polarity must be more about the statement than any clause of
        # the same polarity: "did not do better" elsewhere outweighs "better survival" here.
        # A length of time says when, not what is denied: "six months after treatment" is
        # about nothing "no evidence of disease at 6 months" denies (a year, "2014", is).
        timing = _TIME_UNITS | {NUMBER_WORDS.get(n, n) for n in _DURATION.findall(clause)}
        denied_words = words_here - timing
        same, other = (
            max(
                ((len(denied_words & ws), c) for c, ws, neg in evidence_clauses if neg == flip),
                default=(0, ""),
            )
            for flip in (polarity, not polarity)
        )
        if other[0] >= min(2, len(denied_words)) and other[0] > same[0]:
            return f"one denies the other: '{clause}' / '{other[1]}'"
        overlap, best = max(same, other)
        if overlap == 0:
            continue
        best_words = content_stems(best)
        # A word denied against its opposite agrees: "is not known" / "is unknown".
        denied = polarity and bool(NEGATIONS.intersection(words(clause)))
        for word in words_here - best_words if not denied else ():
            swapped = opposites.get(word, frozenset()) & (best_words - words_here)
            # A prefix makes the opposite of the very same word: anywhere in the evidence.
            swapped |= {w for w in written - words_here if negated_form(word, w)}
            if swapped:
                mine, theirs = _as_written(word, clause), _as_written(min(swapped), evidence)
                return f"'{mine}' in the statement, '{theirs}' in the evidence"
    return _swapped_in_sentence(statement, evidence_clauses, all_words)


def _swapped_in_sentence(
    statement: str, evidence_clauses: list[tuple[str, set[str], bool]], all_words: set[str]
) -> str | None:
    """An antonym of a statement's word that the evidence never uses, in an affirmed clause,
    when the evidence is about the statement's other words (at least two, though cut into
    clauses too short to share them: "Once symptoms start, they do not resolve but instead
    get progressively worse" against "symptoms improve")."""
    mine = (content_stems(statement) | idiom_words(statement)) - _modifying(statement)
    if _negated_plainly(statement) or len(mine & all_words) < 2:
        return None
    opposites = antonyms()
    for word in sorted(mine - all_words):  # sorted: the same reason on every run
        for clause, said, negated_clause in evidence_clauses:
            swapped = opposites.get(word, frozenset()) & said - mine
            if swapped and not negated_clause:
                ours, theirs = _as_written(word, statement), _as_written(min(swapped), clause)
                return f"'{ours}' in the statement, '{theirs}' in the evidence"
    return None


_DURATION = re.compile(
    r"\b(\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r") (?:hours?|days?|weeks?|months?|years?)\b"
)
_TIME_UNITS = frozenset(stem(w) for w in ("hour", "day", "week", "month", "year"))


def _modifying(text: str) -> set[str]:
    """The stems of the participles of `text` that say what a noun is ("cells damaged by ALS"):
    no finding, so no opposite of one."""
    said = words(normalize(text))
    return {stem(t) for i, t in enumerate(said) if modifies(said, i)}


def _as_written(stemmed: str, text: str) -> str:
    """The first word of `text` with stem `stemmed`, as written (the stem when there is none)."""
    return next((w for w in words(normalize(text)) if stem(w) == stemmed), stemmed)
