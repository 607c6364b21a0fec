"""The numbers of a statement and of its evidence: which are stated, which differ, which are
paired with another quantity than in the evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mscqa.text.terms import NUMBER_WORDS, STOPWORDS, normalize, stem, words

# A number, not a digit inside a name: "SHP-2", "Arp2/3" and "IL-10" are names, not amounts.
_NUMBER = re.compile(r"(?<![\w.])(?<![a-z]-)(?<!/)\d+(?:[.,]\d+)?(?:\s?%)?(?!/\d)")
# A trial's phase in Roman numerals is a number too: "Phase III" is not "Phase I and II".
_PHASES = {"phase i": "1", "phase ii": "2", "phase iii": "3", "phase iv": "4"}
# Spelled-out numbers past twelve: "fifteen", "forty", "seventy-two".
_TEENS = {
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19",
}  # fmt: skip
_TENS = {
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60",
    "seventy": "70", "eighty": "80", "ninety": "90",
}  # fmt: skip
_NUMBER_WORDS = {**NUMBER_WORDS, **_TEENS, **_TENS, "half": "50%", **_PHASES}
_UNITS = [word for word, value in NUMBER_WORDS.items() if len(value) == 1]
_COMPOUND_NUMBER = r"(?:" + "|".join(_TENS) + r")-(?:" + "|".join(_UNITS) + ")"
# A fraction is one number, a share: "two-thirds" is 66.7%, not the number two, and "one-third"
# against it differs as a share does. Written apart ("a third of"), only before "of": "a third
# trial" is an ordinal.
_PARTS = {"third": 100 / 3, "quarter": 25.0, "fifth": 20.0}
_FRACTIONS = {
    f"{count}{part}{'s' if n > 1 else ''}": f"{n * share:.1f}".removesuffix(".0") + "%"
    for part, share in _PARTS.items()
    for count, n in (("a", 1), ("one", 1), ("two", 2), ("three", 3), ("four", 4))
    if n * share < 100
}
_FRACTION = (
    r"(?:one|two|three|four)-(?:" + "|".join(_PARTS) + r")s?"
    r"|(?:a|one|two|three|four)\s+(?:" + "|".join(_PARTS) + r")s?(?=\s+of\b)"
)
# Number words as numbers; "one of the pathways" counts nothing.
_NUMBER_WORD = re.compile(
    r"\b(?:"
    + "|".join(
        [
            _FRACTION,
            _COMPOUND_NUMBER,
            *(w + r"(?!\s+of\b)" if w == "one" else w for w in _NUMBER_WORDS),
        ]
    )
    + r")\b"
)
_QUANTITY = re.compile(_NUMBER.pattern + "|" + _NUMBER_WORD.pattern)
THOUSANDS = re.compile(r"(\d),(\d{3})(?!\d)")
# A number contradicts when the evidence gives a number of the same kind (for counts, of the
# same thing: one of the first `_UNIT_WORDS` content words after each number) among at least
# `_NUMBER_OVERLAP` of the same words within `_NUMBER_REACH` words either side.
_NUMBER_OVERLAP = 2
_NUMBER_REACH = 8
_UNIT_WORDS = 3


def extract_numbers(text: str) -> list[str]:
    """Numbers as written ("71.3", "12%", "one"), in order, without repeats. An em dash
    ("small—15-40 patients") parts the words around it: no name such as "COVID-19" has one."""
    found: list[str] = []
    text = text.replace("\u2014", " ")
    for match in _NUMBER.finditer(normalize(text)):
        value = match.group().replace(" ", "")
        if value not in found:
            found.append(value)
    for match in _NUMBER_WORD.finditer(normalize(text)):
        if match.group() not in found:
            found.append(match.group())
    return found


def without_numbers(text: str) -> str:
    """`text` without its numbers, the word "percent" and a bound put on a number: what is
    left for the word rules ("seventy-two percent of patients" -> "of patients", "a score below
    70" -> "a score"). The number rules read the number, and `bounds.bound_conflict` which
    way a bound goes, in whichever words ("below 70", "less than 70")."""
    plain = _BOUND_WORDS.sub(" ", normalize(text))
    return _PERCENT.sub(" ", _QUANTITY.sub(" ", plain))


_PERCENT = re.compile(r"\bper ?cent\b")
# "about 85" is 84.6 rounded: a whole number after one of these words matches a value that
# rounds to it.
ROUGHLY = r"(?:about|around|approximately|roughly|nearly|almost|some|~)"
_BOUND_WORDS = re.compile(
    r"\b(?:(?:less|more|fewer|greater|higher|lower|longer|shorter) than|below|under|above"
    r"|over|at least|at most|up to|as many as|as few as|"
    + ROUGHLY[3:-1]
    + r")\s+(?="
    + _QUANTITY.pattern
    + ")"
)


def _number_value(number: str) -> str:
    fraction = _FRACTIONS.get(re.sub(r"[\s-]", "", number))
    if fraction:
        return fraction.rstrip("%")
    tens, _, units = number.partition("-")
    if tens in _TENS and units in NUMBER_WORDS:
        return str(int(_TENS[tens]) + int(NUMBER_WORDS[units]))
    number = _NUMBER_WORDS.get(number, number)
    return number.rstrip("%").replace(",", "")


def numbers_in(text: str) -> set[str]:
    """Values of the numbers in `text`: "16%" and "16" are the same value, "one" is "1". A
    ratio ("one in four") adds its share marked "~" ("~25"), which only a share matches."""
    ratios = {f"~{share:.1f}".removesuffix(".0") for _, _, share in _ratio_shares(text)}
    return {_number_value(n) for n in extract_numbers(text)} | ratios


# "one in four people", "1 in 3 Americans".
_RATIO = re.compile(rf"\b({'|'.join(NUMBER_WORDS)}|\d+) in ({'|'.join(NUMBER_WORDS)}|\d+)\b")


def check_numbers(statement: str, evidence: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(matched, unmatched): the statement's numbers found, and not found, in the evidence."""
    found = numbers_in(evidence)
    if _one_as_article(statement, evidence):
        found.add("1")
    numbers = extract_numbers(statement)
    # "one in two" is a share: stated by the same share ("50%"), and its "two" by no other
    # ("one in five" and a "two" elsewhere say another).
    ratios = [(n, m, _shared(share, evidence, found)) for n, m, share in _ratio_shares(statement)]
    shared = {w for n, m, same in ratios if same for w in (n, m)}
    unshared = {m for _, m, same in ratios if not same}
    months = _months(evidence)
    matched = tuple(
        n
        for n in numbers
        if n in shared
        or (n not in unshared and _stated(n, statement, found))
        or _months_of(n, statement) & months
    )
    unmatched = tuple(n for n in numbers if n not in matched)
    return matched, unmatched


def _months(text: str) -> set[int]:
    """The lengths of time `text` gives in years or months, in months: "1 year" and "12
    months" are the same length."""
    return {
        int(value) * (12 if unit.startswith("year") else 1)
        for number, unit in _SPAN.findall(normalize(text))
        if (value := _number_value(number)).isdigit()
    }


def _months_of(number: str, statement: str) -> set[int]:
    """The lengths in months that `number` gives in `statement` as years or months ("12" of
    "after 12 months"), or none when it counts something else."""
    return _months(
        " ".join(f"{n} {u}" for n, u in _SPAN.findall(normalize(statement)) if n == number)
    )


_SPAN = re.compile(rf"\b({'|'.join(NUMBER_WORDS)}|\d+)[\s-](years?|months?)\b")


def _ratio_shares(text: str) -> list[tuple[str, str, float]]:
    """(the two numbers as written, the share in percent) of each ratio of `text` ("one in
    four" -> ("one", "four", 25.0))."""
    return [
        (n, m, 100 * int(_number_value(n)) / int(_number_value(m)))
        for n, m in _RATIO.findall(normalize(text))
        if _number_value(m).isdigit() and int(_number_value(m)) > 0 and _number_value(n).isdigit()
    ]


def _shared(share: float, evidence: str, values: set[str]) -> bool:
    """True when the evidence states `share` within a point, as a ratio or a percentage."""
    percents = re.findall(r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent\b)", normalize(evidence))
    stated = [float(v[1:]) for v in values if v.startswith("~")] + [float(p) for p in percents]
    return any(abs(v - share) < 1 for v in stated)


def _stated(number: str, statement: str, values: set[str]) -> bool:
    """True when the evidence's `values` state `number` of `statement`: the same value, or,
    for a whole number given as approximate ("about 85"), a value that rounds to it."""
    value = _number_value(number)
    if value in values:
        return True
    if _same_share(number, statement, value, values):
        return True
    if "." in value or not value.isdigit():
        return False
    rough = re.search(rf"\b{ROUGHLY}\s+{re.escape(number)}(?!\d|[.,]\d)", normalize(statement))
    return rough is not None and any(_rounds_to(v, int(value)) for v in values)


def _same_share(number: str, statement: str, value: str, values: set[str]) -> bool:
    """True when `number` is a share the evidence's `values` state within a point: a fraction
    against a percentage or a ratio ("two-thirds" / "67%", "a quarter" / "one in four"), or a
    percentage against a fraction or a ratio. A count is no share ("25 horses")."""
    if not _decimal(value):
        return False
    fraction = _is_fraction(number)
    percent = number.endswith("%") or re.search(
        rf"\b{re.escape(number)}\s+per ?cent\b", normalize(statement)
    )
    return bool(fraction or percent) and any(
        abs(float(v.lstrip("~")) - float(value)) < 1
        and (fraction or v.startswith("~") or v in _FRACTION_VALUES)
        for v in values
        if _decimal(v.lstrip("~"))
    )


def _decimal(value: str) -> bool:
    return value.replace(".", "", 1).isdigit()


_FRACTION_VALUES = frozenset(v.rstrip("%") for v in _FRACTIONS.values())


def _is_fraction(number: str) -> bool:
    return re.sub(r"[\s-]", "", number) in _FRACTIONS


def _rounds_to(value: str, whole: int) -> bool:
    try:
        return int(float(value) + 0.5) == whole
    except ValueError:
        return False


def _one_as_article(statement: str, evidence: str) -> bool:
    """True when the statement's "one <noun>" is the evidence's "a <noun>": "in one patient"
    against "in a patient with severe knee arthritis" states no other number; or "one group",
    "one study" for research the evidence names ("Rushkevich et al. showed ...") and counts
    nowhere ("9 clinical studies" counts them)."""
    plain = normalize(evidence)
    counted = {re.sub("ies$", "y", w).removesuffix("s") for w in _COUNTED_RESEARCH.findall(plain)}
    return any(
        re.search(rf"\b(?:a|an|single)\s+{re.escape(noun)}\b", plain)
        or (noun in _RESEARCH and noun not in counted)
        for noun in re.findall(r"\bone\s+([a-z][\w-]*)", normalize(statement))
    )


_RESEARCH = frozenset(["group", "study", "trial", "team", "lab", "review", "report", "paper"])
_COUNTED_RESEARCH = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|dozens of)\s+"
    r"(?:[a-z-]+\s+)?(groups?|stud(?:y|ies)|trials?|teams?|labs?|reviews?|reports?|papers?)\b"
)


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
        number = re.sub(r"\s+%", "%", match.group())
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
    ("12 patients" against "9 patients", 73.1 against 71.3) among the same words,
    and never the statement's own value."""
    values = numbers_in(evidence)
    theirs = quantities(evidence)
    wrong: list[str] = []
    for mine in quantities(statement):
        if _stated(mine.number, statement, values) or mine.number in wrong:
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
# semicolon: "at 3 months (48%) and 2 years (35%)") are never taken as belonging together.
_PART_BREAK = re.compile(r";|[.!?](?=\s)|\b(?:and|or|but|while|whereas)\b")


def number_pairs(text: str) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """Numbers of different kinds that belong together, as ((value, kind), (value, kind)),
    sorted: in each part of `text` (see `_PART_BREAK`), two numbers each of which is the
    other's nearest number of another kind. "At 3 months (48%) and 2 years (35%)" pairs 3 with
    48% and 2 with 35%; "At two years, 48% ..." pairs 2 with 48%."""
    pairs: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for part in _PART_BREAK.split(normalize(text)):
        found = [
            (len(words(part[: m.start()])), q, _in_months(q, part[m.end() :]))
            for m, q in zip(_QUANTITY.finditer(part), quantities(part), strict=True)
        ]
        nearest = [_nearest_of_other_kind(found, i) for i in range(len(found))]
        for i, j in enumerate(nearest):
            if j is not None and j > i and nearest[j] == i:
                a, b = found[i][2], found[j][2]
                pairs.add((min(a, b), max(a, b)))
    return pairs


def _in_months(quantity: Quantity, after: str) -> tuple[str, str]:
    """(value, kind) of `quantity`, followed by the words `after` it: a length in years or
    months as months ("1 year" and "12 months" are both ("12", "months"))."""
    value = _number_value(quantity.number)
    unit = _UNIT_AFTER.match(after)
    if quantity.kind == "#" and unit and value.isdigit():
        return str(int(value) * (12 if unit.group(1) == "year" else 1)), "months"
    return value, quantity.kind


_UNIT_AFTER = re.compile(r"[\s-]*(year|month)s?\b")


def _nearest_of_other_kind(
    found: Sequence[tuple[int, Quantity, tuple[str, str]]], i: int
) -> int | None:
    """Of (word position, quantity, (value, kind)) entries, the one nearest to entry `i` among
    those of another kind."""
    at, mine, _ = found[i]
    others = [
        (abs(at - other_at), j)
        for j, (other_at, other, _) in enumerate(found)
        if other.kind != mine.kind
    ]
    return min(others)[1] if others else None


def mispaired_numbers(statement: str, evidence: str) -> list[tuple[str, str, str]]:
    """(statement's number, the number the evidence gives instead, the number both pair it
    with): "48% at two years" against "at 3 months (48%) and 2 years (35%)" gives ("48%", "35%",
    "two"). Only numbers the evidence pairs otherwise count, never ones it leaves alone."""
    theirs = number_pairs(evidence)
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
                shown = _shown(*min(instead))
                found.append(
                    (_as_written(stated, statement), shown, _as_written(anchor, statement))
                )
                break
    return found


def _as_written(number: tuple[str, str], statement: str) -> str:
    """The number of `statement` a (value, kind) of `number_pairs` stands for, as written."""
    value, kind = number
    for written in extract_numbers(statement):
        if kind == "months" and int(value) in _months_of(written, statement):
            return written
        if kind != "months" and _number_value(written) == value:
            return written
    return value


def _shown(value: str, kind: str) -> str:
    """A number of `number_pairs` as a reader sees it: a share with its "%", a length of time
    in months."""
    return f"{value} months" if kind == "months" else value + "%" if kind == "%" else value


def other_unit(statement: str, evidence: str) -> tuple[str, str, str] | None:
    """(the number as the statement writes it, its length of time there, the evidence's) when
    the evidence gives the statement's number of days, weeks, months or years only in another
    of those units ("12", "12 months", "12 weeks"), else None."""
    theirs = _lengths_of_time(evidence)
    for value, units in _lengths_of_time(statement).items():
        given = theirs.get(value, {})
        if given and not units.keys() & given.keys():
            unit, written = next(iter(units.items()))
            return (
                written,
                _length(value, unit, written),
                _length(value, *next(iter(given.items()))),
            )
    return None


def _lengths_of_time(text: str) -> dict[str, dict[str, str]]:
    """Value -> {unit -> the number as written} for each number of days, weeks, months or
    years in `text`."""
    found: dict[str, dict[str, str]] = {}
    for match in _TIME.finditer(normalize(text)):
        found.setdefault(_number_value(match.group(1)), {})[match.group(2)] = match.group(1)
    return found


def _length(value: str, unit: str, written: str) -> str:
    return f"{written} {unit}" + ("" if value == "1" else "s")


_TIME = re.compile(rf"({_QUANTITY.pattern})[\s-]+(day|week|month|year)s?\b")


def other_phase(statement: str, evidence: str) -> str:
    """The trial phase the statement names where its evidence sentence names others ("Phase
    III" against "Phase I and Phase II clinical trials"), as written, or ""."""
    theirs = {_PHASES[p.lower()] for p in _PHASE.findall(evidence)}
    ours = [p for p in _PHASE.findall(statement) if _PHASES[p.lower()] not in theirs]
    return ours[0] if theirs and ours else ""


_PHASE = re.compile(
    r"\b(" + "|".join(sorted(_PHASES, key=len, reverse=True)) + r")\b", re.IGNORECASE
)
