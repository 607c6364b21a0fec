"""Emergency detection: questions describing an emergency get the urgent-care message first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mscqa.config import DATA_DIR
from mscqa.text.terms import normalize

_TERMS_FILE = DATA_DIR / "emergency_terms.txt"
_NON_WORD = re.compile(r"[^a-z0-9]+")

URGENT_CARE_MESSAGE = (
    "If this is happening now, this chat cannot help: call your local emergency number "
    "(911 in the US, 112 in Europe, 999 in the UK) or go to the nearest emergency department. "
    "If you are thinking about suicide or self-harm, call or text 988 in the US, or your local "
    "crisis line, now. You do not have to go through this alone."
)


@dataclass(frozen=True)
class Emergency:
    """The emergency phrases found in a text, as listed in data/emergency_terms.txt."""

    terms: tuple[str, ...]


def _words_only(text: str) -> str:
    """Lower-case words separated by single spaces, padded so phrases match whole words."""
    return " " + _NON_WORD.sub(" ", normalize(text)).strip() + " "


@lru_cache(maxsize=1)
def emergency_terms() -> tuple[str, ...]:
    lines = _TERMS_FILE.read_text(encoding="utf-8").splitlines()
    terms = (_words_only(line).strip() for line in lines if not line.startswith("#"))
    return tuple(dict.fromkeys(term for term in terms if term))


def detect_emergency(text: str) -> Emergency | None:
    """The emergency phrases in `text`, or None when it describes no emergency."""
    padded = _words_only(text)
    found = tuple(term for term in emergency_terms() if f" {term} " in padded)
    return Emergency(found) if found else None
