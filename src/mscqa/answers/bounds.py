"""Numbers against the words around them: a statement whose own numbers go the other way
than its word ("fell from 67 to 85"), a bound on a number turned round ("less than 12
weeks" or "under 12 weeks" against "more than 12 weeks"), and one the evidence keeps
("fewer than 50 patients" of "15-40 patients")."""

from __future__ import annotations

import re

from mscqa.answers.antonyms import direction_kinds
from mscqa.answers.numbers import ROUGHLY, numbers_in
from mscqa.answers.opposites import is_number, opens_bound
from mscqa.text.terms import normalize, stem, words

_FROM_TO = re.compile(
    rf"\bfrom\s+(?:{ROUGHLY}\s+)?(\d+(?:\.\d+)?)\s*%?\s+to\s+(?:{ROUGHLY}\s+)?(\d+(?:\.\d+)?)"
)


def against_its_numbers(statement: str) -> str | None:
    """Why the statement's own numbers go the other way than the word it gives them ("fell
    from 67 to 85"), or None: the word is one of the three before "from"."""
    directions = direction_kinds()
    plain = normalize(statement)
    for match in _FROM_TO.finditer(plain):
        first, last = float(match.group(1)), float(match.group(2))
        before = words(plain[: match.start()])[-3:]
        kinds = [(w, directions[w]) for w in before if directions.get(w) in {"up", "down"}]
        if not kinds or first == last:
            continue
        word, kind = kinds[-1]
        if (kind == "up") != (last > first):
            return (
                f"the statement says '{word}', but its own numbers go "
                f"{'up' if last > first else 'down'}, from {match.group(1)} to {match.group(2)}"
            )
    return None


def _bounds(text: str) -> list[tuple[str, str, str]]:
    """(direction kind, number, as written) of each bound on a number in `text`: "less than
    70" is ("down", "70", "less than 70")."""
    directions = direction_kinds()
    tokens = words(normalize(text))
    found = []
    for i, t in enumerate(tokens):
        if directions.get(t) in {"up", "down"} and opens_bound(tokens, i):
            found.append((directions[t], tokens[i + 2], " ".join(tokens[i : i + 3])))
        elif t in _ONE_WORD_BOUNDS and is_number(tokens[i + 1 : i + 2]):
            found.append((_ONE_WORD_BOUNDS[t], tokens[i + 1], " ".join(tokens[i : i + 2])))
    return found


# "below 70" bounds a number as "less than 70" does.
_ONE_WORD_BOUNDS = {"below": "down", "under": "down", "above": "up", "over": "up"}


def bound_conflict(statement: str, evidence: str) -> str | None:
    """A bound the evidence puts the other way on the same number ("less than 12 weeks"
    against "more than 12 weeks"), or None."""
    theirs = _bounds(evidence)
    for kind, number, said in _bounds(statement):
        for other_kind, other_number, other_said in theirs:
            if number == other_number and {kind, other_kind} == {"up", "down"}:
                return f"'{said}' in the statement, '{other_said}' in the evidence"
    return None


def bounds_met(statement: str, evidence: str) -> set[str]:
    """The numbers of `statement` bounding a count ("fewer than 50 patients") that the
    evidence gives within the bound, every end of a range too ("15-40 patients"): stated,
    though not as written. Not a length of time, nor a number the evidence bounds itself."""
    plain = normalize(evidence)
    bounded = {number for _, number, _ in _bounds(evidence)}  # "more than 12 weeks" bounds too
    met = set()
    for kind, number, _ in _bounds(statement):
        unit = next(
            (_unit(m) for m in _AMOUNT.finditer(normalize(statement)) if m[1] == number), ""
        )
        if not unit or unit in _TIME:  # a length of time is a definition's bound
            continue
        values = [
            float(value)
            for match in _AMOUNT.finditer(plain)
            if _unit(match) == unit and not {match.group(1), match.group(2)} & bounded
            for value in match.group(1, 2)
            if value
        ]
        limits = [float(v) for v in numbers_in(number) if _DIGITS.match(v)]  # "ten" is 10
        if (
            limits
            and values
            and all(v < limits[0] if kind == "down" else v > limits[0] for v in values)
        ):
            met.add(number)
    return met


def _unit(amount: re.Match[str]) -> str:
    """The stem of the word after an amount (`_AMOUNT`): "patient" of "15-40 patients"."""
    return stem(amount.group(3))


# An amount, or a range of them, and the word after it ("15-40 patients").
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)(?:\s*(?:-|\u2013|\u2014|to)\s*(\d+(?:\.\d+)?))?\W+([a-z]+)")
_DIGITS = re.compile(r"\d+(?:\.\d+)?$")
_TIME = frozenset(stem(w) for w in ("days", "weeks", "months", "years", "hours", "minutes"))
