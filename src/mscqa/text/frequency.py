"""How common a word is in English (wordfreq's Zipf scale: 7 for "the", 3 for "lupus"): to
tell a question's topic words from the words any question uses, and technical terms."""

from __future__ import annotations

from functools import lru_cache

# Words used at least this often (about 300 per million words: "work", "well", "help", "good")
# say how a question is asked, not what about; "pain", "study", "trial" and every disease name
# fall below it. Chosen on benchmarks/data/calibration.jsonl and heldout.jsonl: 5.0 also
# dropped "pain" and "study", 6.0 kept "work" and "help" (RESULTS.md, "Focus word").
EVERYDAY_ZIPF = 5.5


@lru_cache(maxsize=16384)
def everyday(word: str) -> bool:
    """True for a word of everyday English (`EVERYDAY_ZIPF`), any case."""
    from wordfreq import zipf_frequency  # its word list loads on first use (about 0.2 s)

    return zipf_frequency(word, "en") >= EVERYDAY_ZIPF


# Words used at least this often (about 30 per million: "ok", "hi", "lol", "thanks") are
# English words a chat message may consist of, whatever a word list built from books misses.
# Other languages' question words stay below it ("hola" 3.1, "si" 4.2, "ja" 3.7).
COMMON_ZIPF = 4.5


@lru_cache(maxsize=16384)
def common(word: str) -> bool:
    """True for a common word of English (`COMMON_ZIPF`), any case."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= COMMON_ZIPF


# Words used at least this often (about 10 per million: "settle", "behave") are plain English:
# said of a topic, they name none of their own ("facelifts" 1.9, "vegan" 3.95 are below).
PLAIN_ZIPF = 4.0


@lru_cache(maxsize=16384)
def plain(word: str) -> bool:
    """True for a plain word of English (`PLAIN_ZIPF`), any case."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= PLAIN_ZIPF


# Words used at most this often (about 3 per million: "platelets", "creatinine", "adipose")
# are technical terms: a statement naming one that no article uses says something the articles
# never do. "ultrasound" and "enrolled" sit above it.
TECHNICAL_ZIPF = 3.5


@lru_cache(maxsize=16384)
def technical(word: str) -> bool:
    """True for a rare word of English (`TECHNICAL_ZIPF`), any case: a technical term."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") < TECHNICAL_ZIPF


@lru_cache(maxsize=16384)
def zipf(word: str) -> float:
    """How common `word` is in English on wordfreq's Zipf scale (0 for a word it never saw)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))
