"""Follow-ups that ask of the question before as a whole, not of a phrase of it: "why?",
"so what's the verdict?", "is that a long time?", "can it get worse than that?", "does
everyone get that bad?" (answers/conversation.py searches them with that question)."""

from __future__ import annotations

import re

from mscqa.answers.forms import asks_amount
from mscqa.answers.messages import WORD
from mscqa.answers.phrases import what_else_is


def of_the_question_before(body: str, reference: re.Match[str] | None, before: str = "") -> bool:
    """True when a follow-up asks of the whole question before it (`before`): "why?", "why
    not?", "how come?" (no word of its own) or "how does that happen?", "what does that
    achieve?", "what's the theory behind that?" (what the question asked about); after a
    question asking for an amount, "is that a long time?", "is that better than the usual
    drugs?" (of the amount given); "did any other measures get better too?"."""
    if not WORD.search(_ASKING_ONLY.sub("", body)) or _OTHERS_TOO.match(body):
        return True
    if reference is None:
        return False
    return bool(_HOW_THAT.match(body) or (asks_amount(before) and _OF_A_FIGURE.match(body)))


# "did any other measures get better too?": what the question before asked, of other things
_OTHERS_TOO = re.compile(
    r"^(?:and\s+|so\s+)?(?:did|do|does|were|was|has|have|are|is)\s+(?:there\s+)?(?:any|anything)"
    r"\s+(?:other|else)\b.*\b(?:too|as well|also)\W*$",
    re.IGNORECASE,
)
_OF_A_FIGURE = re.compile(
    r"^(?:and\s+|so\s+)?(?:is|was|are|were)\s+(?:that|this|it)\s+(?:(?:a|very|really|pretty|"
    r"quite)\s+)*(?:long|short|lot|much|many|few|little|high|low|fast|slow|quick|good|bad|normal|"
    r"big|small|better|worse|more|less|faster|slower)\b",
    re.IGNORECASE,
)


_ASKING_ONLY = re.compile(
    r"\b(?:why|how|come|so|not|and|but|then|really|what|is|that)\b", re.IGNORECASE
)
# "so what's the verdict?", "what's the bottom line?": the conclusion on what the question
# before asked.
_CONCLUSION = re.compile(
    r"^(?:so\s+|and\s+)?what(?:'s|\s+is|\s+was)\s+the\s+(?:overall\s+|final\s+|main\s+)?"
    r"(?:verdict|bottom\s+line|upshot|conclusion|take-?away|gist)(?:\s+then)?\W*$",
    re.IGNORECASE,
)


def asks_conclusion(typed: str) -> bool:
    """True for "so what's the verdict?" and the like: a question of the one before, whose
    words the articles need not use."""
    return bool(_CONCLUSION.match(typed.strip()))


def of_what_was_asked(typed: str, previous: str) -> str | None:
    """A follow-up that asks about what the question before asked, in words of its own:
    "so what's the verdict?" (`conclusion_of`), "what else is?" (`what_else_is`)."""
    return conclusion_of(typed, previous) or what_else_is(typed, previous)


def conclusion_of(typed: str, previous: str) -> str | None:
    """The question before with what its results show, for a follow-up asking what the
    conclusion is ("so what's the verdict?", "what's the bottom line?"): in words the
    articles use, which "verdict" and "upshot" are not."""
    return f"{_CONCLUDED} {previous}" if asks_conclusion(typed) else None


_CONCLUDED = "What did the results show?"


_HOW_THAT = re.compile(
    r"^(?:and\s+)?(?:how\s+(?:does|did|do|can|could)\s+(?:that|this)\s+"
    r"(?:happen|happens|work|come about)"
    # "and what does that achieve?": what the question before asked about achieves
    r"|what\s+(?:does|did|do|would|could|can|will)\s+(?:that|this)\s+"
    r"(?:achieve|accomplish|lead to|result in|bring about)"
    r"|what\s+good\s+(?:does|did|do|would|could|can|will)\s+(?:that|this)\s+do"
    # "what's the theory behind that?": behind what the question before asked
    r"|what(?:'s|\s+is)\s+the\s+(?:theory|idea|reasoning|thinking|logic|science|rationale)\s+"
    r"(?:behind|for|of)\s+(?:that|this|it))\b",
    re.IGNORECASE,
)


def compares_with_what_was_asked(typed: str) -> bool:
    """True when a follow-up compares with what the question before asked about: "can it get
    worse than that?", "did it work as well as that?", "does everyone get that bad?"."""
    return bool(_THAN_THAT.search(typed) or _DEGREE.search(typed))


_THAN_THAT = re.compile(r"\b(?:than|as)\s+(?:that|this)\s*[?.!]*$", re.IGNORECASE)


def says_how_much(body: str, match: re.Match[str]) -> bool:
    """True for the "that" of "get that bad", "become that common": it says how much, of what
    the question before asked (`compares_with_what_was_asked`), and stands for no phrase."""
    degree = _DEGREE.search(body)
    return degree is not None and degree.start("that") == match.start()


_DEGREE = re.compile(
    r"\b(?:get|gets|getting|got|become|becomes|became|feel|feels|felt|seem|seems|go|goes)\s+"
    r"(?P<that>that)\s+(?:bad|good|serious|severe|big|common|rare|far|much|often|fast|slow|"
    r"quick|hard|painful|dangerous|sick|ill|weak|stiff|tired|high|low)\s*[?.!]*$",
    re.IGNORECASE,
)
