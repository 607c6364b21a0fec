"""Which way a ratio measure says a risk goes: an odds, hazard or risk ratio above 1, with its
confidence interval above 1 too, says the risk is higher; below 1, lower. A statement that
says the risk goes the other way is contradicted ("decreases the risk of gastric cancer"
against "an odds ratio of 2.77 (95% confidence interval 1.04 to 7.97)")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mscqa.answers.antonyms import content_stems
from mscqa.answers.opposites import STATEMENT_REACH, signals
from mscqa.text.terms import stem

# A ratio measure, its value, and its confidence interval within the words after it.
_RATIO = re.compile(
    r"\b(?P<name>(?:adjusted |pooled |summary )?(?:odds|hazard|risk|rate|incidence rate) "
    r"ratios?|relative risks?|a?ORs?|a?HRs?|RRs?|IRRs?)\b"
    r"[^\d;]{0,120}?(?P<value>\d+(?:\.\d+)?)"
    r"[^\d]{0,30}?(?:\d+(?:\.\d+)?\s*%\s*)?(?:CI|confidence interval)[^\d;]{0,15}?"
    r"(?P<low>\d+(?:\.\d+)?)\s*(?:to|-|\u2013|\u2014|,)\s*(?P<high>\d+(?:\.\d+)?)"
)
# What a statement must be about for a ratio to speak to it.
_RISK_WORDS = frozenset(
    stem(w)
    for w in ("risk", "risks", "odds", "likelihood", "likely", "incidence", "mortality",
              "chance", "susceptibility", "susceptible", "hazard", "correlation", "correlated",
              "association", "associated")
)  # fmt: skip
# A link said with its sign: "a positive correlation", "inversely associated".
_SIGNED_LINK = re.compile(
    r"\b(positive|direct|negative|inverse)(?:ly)?\s+(?:correlat|associat|relat)\w*", re.I
)
_SIGN = {"positive": "up", "direct": "up", "negative": "down", "inverse": "down"}
# Content words beyond the risk words that the ratio's sentence must share with the statement.
MIN_SHARED = 2


@dataclass(frozen=True)
class Ratio:
    said: str  # "odds ratio of 2.77 (1.04 to 7.97)"
    kind: str  # "up" or "down"
    about: frozenset[str]  # content stems of its sentence


def ratios(text: str) -> list[Ratio]:
    """The ratio measures of `text` whose value and whole confidence interval lie on one side
    of 1; a ratio whose interval holds 1 says neither way."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        for m in _RATIO.finditer(sentence):
            value, low, high = (float(m.group(g)) for g in ("value", "low", "high"))
            if not low <= value <= high:
                continue  # not a value with its interval
            kind = "up" if low > 1 else "down" if high < 1 else ""
            if kind:
                name, written, low_said, high_said = m.group("name", "value", "low", "high")
                said = f"{name} of {written} ({low_said} to {high_said})"
                found.append(Ratio(said, kind, frozenset(content_stems(sentence))))
    return found


def ratio_conflict(statement: str, context: str) -> str | None:
    """Why a ratio of `context` says the statement's risk goes the other way, or None: the
    statement says which way a risk goes (a direction word about a risk word), a ratio about
    the same things (`MIN_SHARED` words besides the risk words) says the other way, and none
    of them agrees."""
    mine = content_stems(statement)
    if not mine & _RISK_WORDS:
        return None
    kinds = {s.kind for s in signals(statement, STATEMENT_REACH) if s.kind in ("up", "down")}
    kinds |= {_SIGN[m.group(1).lower()] for m in _SIGNED_LINK.finditer(statement)}
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    about = [r for r in ratios(context) if len((r.about & mine) - _RISK_WORDS) >= MIN_SHARED]
    if not about or any(r.kind == kind for r in about):
        return None
    ratio = about[0]
    way = "higher" if ratio.kind == "up" else "lower"
    return f"the evidence gives {ratio.said}: a {way} risk"
