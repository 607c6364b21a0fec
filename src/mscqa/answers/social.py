"""Messages that ask nothing: a greeting, thanks, an "ok", "help" or a goodbye gets a short
fixed reply instead of "the articles do not cover this question", and is not counted as a
refused question.

Only a message made of such words and nothing else counts: "thanks, and does it hurt?" asks
something and is answered as a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mscqa.answers.phrases import what_else_is
from mscqa.answers.quotes import Answer

# The refusal kind of a social reply: not a question the articles failed to answer.
SOCIAL = "social"

# Each kind with the words that make a message of that kind (the first kind found wins, in
# this order) and the reply shown.
_KINDS = (
    (
        "thanks",
        frozenset(["thanks", "thank", "thx", "ty", "cheers", "appreciated", "appreciate"]),
        "You're welcome. Ask another question whenever you like.",
    ),
    (
        "goodbye",
        frozenset(["bye", "goodbye", "later", "goodnight", "ciao", "cya"]),
        "Goodbye, and take care.",
    ),
    (
        "greeting",
        frozenset(["hi", "hello", "hey", "hiya", "morning", "afternoon", "evening", "greetings"]),
        "Hello. Ask a question about the clinic's articles: every answer is a quote from them, "
        "with its source.",
    ),
    (
        "help",
        frozenset(["help", "menu", "instructions"]),
        "Ask a question in your own words, for example about a condition, a treatment or a "
        "study: the answer is quoted from the clinic's articles, with the article and its "
        "journal reference. Follow-up questions may lean on earlier ones.",
    ),
    (
        "acknowledgement",
        frozenset(["ok", "okay", "k", "kk", "alright", "right", "great", "cool", "perfect",
                   "nice", "fine", "understood", "noted", "sure", "yes", "yeah", "yep", "got"]),
        "Ask another question whenever you like.",
    ),
)  # fmt: skip
# Words that may go with those above without asking anything ("thank you so much", "good
# morning doctor", "got it").
_FILLER = frozenset(
    ["you", "so", "much", "very", "a", "lot", "again", "for", "the", "that", "this", "info",
     "information", "answer", "answers", "help", "good", "all", "it", "oh", "ah", "and",
     "there", "doctor", "doc", "team", "everyone", "see", "soon", "now", "i", "lol",
     "haha", "then", "many", "well", "me", "please", "need"]
)  # fmt: skip
_ALL = _FILLER.union(*(own for _, own, _ in _KINDS))
_WORD = re.compile(r"[a-z]+")
# "Can you tell me more?", "anything else?" with nothing asked before.
_MORE_WORDS = frozenset(
    ["tell", "me", "more", "can", "could", "you", "please", "anything", "else", "what", "is",
     "there", "say", "some", "a", "bit", "about", "it", "that", "go", "on", "and", "i", "want",
     "to", "know", "would", "like", "hear", "explain"]
)  # fmt: skip
_MORE_REPLY = (
    "Tell me what you would like to know more about: a condition, a treatment or a study "
    "from the clinic's articles."
)
# Longer messages carry a question or a story, however polite they are.
_MAX_WORDS = 8


@dataclass(frozen=True)
class Social:
    kind: str
    reply: str


def social(message: str, first: bool = False) -> Social | None:
    """The kind of a message that only greets, thanks, acknowledges, asks for help or says
    goodbye, with its reply; None for a message that says or asks anything else. As the
    `first` question of a conversation, "tell me more" has nothing to go on: it is asked what
    about."""
    if first and asks_for_more(message):
        return Social("more", _MORE_REPLY)
    if "?" in message:
        return None
    words = _WORD.findall(message.lower().replace("’", "'"))
    if not words or len(words) > _MAX_WORDS:
        return None
    for kind, own, reply in _KINDS:
        if any(w in own for w in words) and all(w in _ALL for w in words):
            return Social(kind, reply)
    return None


def asks_for_more(message: str, previous: str = "") -> bool:
    """True for a message that only asks for more ("tell me more", "anything else?"), but not
    for "what else is?" after a question asking whether something is one of a kind
    (`previous`: "Is MS an autoimmune disease?"), which asks what else is one."""
    words = set(_WORD.findall(message.lower().replace("’", "'")))
    more = bool(words) and words <= _MORE_WORDS and bool(words & {"more", "else"})
    return more and not what_else_is(message, previous)


_LEAD = re.compile(r"^\s*([^,.!;:?]+)[,.!;:]+\s*(?=\S)")


def without_pleasantries(message: str) -> str:
    """`message` without a greeting or thanks it opens with ("Thanks so much, does it hurt?" ->
    "does it hurt?"); unchanged when nothing would be left or the opening says more."""
    lead = _LEAD.match(message)
    if lead is None or social(lead.group(1)) is None:
        return message
    return message[lead.end() :]


def social_answer(message: str, found: Social) -> Answer:
    """The reply to a social message: no quote, and a refusal kind the gap report leaves out."""
    return Answer(message, False, found.reply, (), "", refusal=SOCIAL)
