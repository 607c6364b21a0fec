"""What a "What is X?" question asks about, and whether a sentence says what X is: the
definition leads such an answer (`quotes._shaped`)."""

from __future__ import annotations

import re
from functools import lru_cache

from mscqa.text.terms import STOPWORDS, normalize


def defined_name(question: str) -> str:
    """The name a "What is X?" or "what does X mean?" question asks about ("relapsing-remitting
    ms"), or ""."""
    text = normalize(question).strip()
    match = WHAT_IS.match(text) or _MEANING.search(text)
    name = _WORDS.findall(match.group("name")) if match else []
    # "what does it mean for me?" names nothing
    return " ".join(name) if name and name[0] not in STOPWORDS else ""


def defines(name: str, sentence: str) -> bool:
    """True when `sentence` says what `name` is: the name, perhaps an aside in brackets, then
    "is a", "are the" ... ("Gout (a kind of arthritis) is an inflammation of ...") or "was
    first described in 1984 as a" ("is defined as the", "is known as a"); or the
    name and at most two more words glossed right after them ("tophaceous gout (gout with
    lumps of crystals under the skin)", "... i.e. ...", "..., that is, ..."); or, for a name of
    one word, two or more words spelling it out just before it in brackets ("urate lowering
    gel (ULG)")."""
    words = r"[\s-]+".join(re.escape(w) for w in name.split())
    text = normalized(sentence)
    pattern = rf"\b{words}\b(?:\s*\([^)]*\))?,?\s+(?:is|are)\s+(?:an?|the|one)\b"
    # "X (XY) was first described in 1984 as a rare ...", "X is commonly defined as ..."
    described = (
        rf"\b{words}\b(?:\s*\([^)]*\))?,?\s+(?:is|are|was|were|has been|have been)\s+"
        r"(?:[\w-]+\s+){0,4}?(?:described|defined|known|characteri[sz]ed|regarded)\s+"
        r"(?:[\w-]+\s+){0,3}?as\s+(?:an?|the)\b"
    )
    # A gloss in brackets has words, not a citation ("(Smith et al., 2001)").
    glossed = (
        rf"\b{words}\b(?:[\s-]+[\w'-]+){{0,2}}\s*"
        r"(?:\((?![^)]*(?:\d|et al))\s*\w+[^\w)]+\w+[^)]*\)|,? i\.e\.|, that is,)"
    )
    # An abbreviation spelled out just before it ("interferon-induced transmembrane (IFITM)").
    spelled = rf"[\w'-]+[\s-]+[\w'-]+\s*\(\s*{words}\s*\)" if " " not in name else ""
    return any(p and re.search(p, text) for p in (pattern, described, glossed, spelled))


def abbreviation(name: str, text: str) -> str:
    """The abbreviation `text` gives `name` in brackets right after it ("Harris Hip scores
    (HHS)" for "harris hip score"), lower case, or ""."""
    words = r"[\s-]+".join(re.escape(w) for w in name.split())
    found = re.search(rf"\b{words}s?\s*\(\s*([A-Z][A-Za-z0-9-]{{1,9}})\s*\)", text, re.I)
    return found.group(1).lower() if found and found.group(1).isupper() else ""


def what_is(question: str) -> bool:
    """True for a question that is only "What is X?", "What are X?" or "What does X mean?"."""
    text = normalize(question).strip()
    return WHAT_IS.match(text) is not None or _MEANING_ONLY.match(text) is not None


WHAT_IS = re.compile(r"^what(?:'s| is| are) (?P<article>an? |the )?(?P<name>[\w' -]+?)\W*$")
_MEANING = re.compile(
    r"\bwhat (?:does |do )?(?P<article>an? |the )?(?P<name>[\w'-]+(?: [\w'-]+){0,2}) means?\b"
)
# "what does X mean?" and nothing more ("what does ALS mean when ...?" asks of something else).
_MEANING_ONLY = re.compile(r"^what (?:does|do) (?:an? |the )?[\w'-]+(?: [\w'-]+){0,2} mean\W*$")
_WORDS = re.compile(r"[a-z0-9']+")


@lru_cache(maxsize=8192)
def normalized(sentence: str) -> str:
    """The same sentences come back question after question: normalise each once."""
    return normalize(sentence)
