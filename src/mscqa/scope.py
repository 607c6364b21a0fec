"""Topics a question names that the library never mentions (data/conditions.txt, treatments.txt,
services.txt) and questions only the clinic can answer (data/clinic_phrases.txt): "Can stem cells
treat tinnitus?" shares every word but its topic with the articles. A feature of "not covered"."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from mscqa.terms import TERMS, lexical_tokens, normalize

_DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def _topic_pattern() -> re.Pattern[str]:
    names: set[str] = set()
    for name in ("conditions.txt", "treatments.txt", "services.txt"):
        for line in (_DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                names.add(normalize(line.strip()))
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"(?<![a-z0-9])({alternatives})(?![a-z0-9])")


@lru_cache(maxsize=1)
def _clinic_pattern() -> re.Pattern[str]:
    lines = (_DATA / "clinic_phrases.txt").read_text(encoding="utf-8").splitlines()
    phrases = {
        normalize(line.strip()) for line in lines if line.strip() and not line.startswith("#")
    }
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=lambda p: (-len(p), p)))
    return re.compile(rf"(?<![a-z0-9])({alternatives})(?![a-z0-9])")


def clinic_matters(question: str) -> list[str]:
    """Phrases in `question` that only the clinic can answer: its own practice ("do you
    offer", "your doctors") or a patient's own treatment plan ("will I need"). The articles
    never speak for the clinic or to one patient, whatever words they use."""
    return [m.group(1) for m in _clinic_pattern().finditer(normalize(question))]


def named_topics(question: str) -> list[str]:
    """Condition and service names in `question`, longest match first, in order."""
    return [m.group(1) for m in _topic_pattern().finditer(normalize(question))]


def known_topic(topic: str, vocabulary: frozenset[str]) -> bool:
    """True when the library uses every word of `topic`, or of its term-table expansion."""
    for text in (topic, TERMS.get(normalize(topic), "")):
        tokens = lexical_tokens(text, expand=False)
        if tokens and all(t in vocabulary for t in tokens):
            return True
    return False


def unknown_topics(question: str, vocabulary: frozenset[str]) -> list[str]:
    """The topics `question` names that the library (its stemmed `vocabulary`) never uses,
    and any question about the clinic's own practice (`clinic_matters`)."""
    unknown = [t for t in named_topics(question) if not known_topic(t, vocabulary)]
    return unknown + clinic_matters(question)
