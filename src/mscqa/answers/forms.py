"""What form of answer a question asks for (a number, a source, people, a reason, a finding,
a list), and whether a sentence has that form: answer-type matching, one answer-model feature."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from mscqa.answers.definitions import WHAT_IS, normalized
from mscqa.text.terms import normalize, stem

_YES_NO = r"^(?:do|does|did|can|could|will|would|is|are|was|were|has|have|should)\b"


# A size said in words, and what it is the size of: "the clinical trials are often small".
_SIZED = r"(?:small|smaller|large|larger|big|bigger|few|handful|dozens|hundreds|thousands)\b"
_STUDIED = r"(?:stud(?:y|ies)|trials?|research|groups?)\b"
_TAKING_PART = r"(?:patients|people|participants|stud(?:y|ies)|trials?|groups?)\b"
# "dozens of clinical trials" counts trials; it says nothing of how big they are.
_MANY_STUDIES = r"(?:few|handful|dozens|hundreds|thousands)\W+of\W+(?:[\w-]+\W+)?" + _STUDIED


# "When will we know more?" asks what is still to find out, not for a date.
_WILL_KNOW = r"will (?:we|they|anyone|doctors|scientists|researchers) (?:know|find out|be sure)"


@dataclass(frozen=True)
class Form:
    name: str
    question: re.Pattern[str]
    sentence: re.Pattern[str]
    # What a sentence says that does not count towards the form (read before `sentence`).
    aside: re.Pattern[str] | None = None


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# "Did anyone die?", "were there deaths?": harm, which safety answers (not "why do nerve cells
# die?"); so do "any complications?" (`HARM_DONE`; not "can the disease lead to complications?").
PEOPLE_DIED = (
    r"\b(?:anyone|anybody|someone|somebody|any(?: of)?(?: the| them| those)?"
    r"(?: (?!cells?\b|neurons?\b|tissues?\b)[a-z-]+){1,2}?)(?: ever)? (?:die|died|dies|killed)\b"
    r"|\b(?:any|no|were there) (?:deaths?|fatalities)\b|\bdeaths? (?:in|during|among|after) "
    r"(?:the |this |that )?(?:[\w-]+ )?(?:study|studies|trials?|treatment|patients|group)\b"
)
HARM_DONE = (
    PEOPLE_DIED
    + r"|^(?:any (?:[\w-]+ )?|(?:did|do|does|were|was|are|is|have|has|had|will|would|can|could)\b"
    r"(?:(?!\b(?:cause[sd]?|lead|leads|led|result|results|resulted)\b).)*)"
    r"\b(?:complications?|side[ -]effects?|adverse (?:events?|effects?|reactions?))\b"
)

FORMS = (
    Form(
        "amount",
        _compile(
            r"\bhow (?:many|much|long|often|fast|big|large|old|common|likely)\b"
            r"|\b(?:percent|percentage|proportion|share|rate|number|score|scores|dose|"
            r"age|figures?|results?|odds|chance|chances|before and after)\b"
            rf"|^(?:when(?! {_WILL_KNOW})|what year|which year)\b"
        ),
        _compile(
            r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|half|dozens?|"
            r"hundreds?|thousands?)\b"
        ),
    ),
    Form(
        "source",
        _compile(
            r"\bwhere\b.*\b(?:from|come|comes|came|get|got|obtained|taken|harvested)\b"
            r"|\b(?:source|origin)\b|\bcome from\b|\bmade from\b"
        ),
        _compile(r"\b(?:from|derived|taken|harvested|obtained|isolated|collected|sourced)\b"),
    ),
    Form(
        "people",
        _compile(r"^who\b|\bby whom\b|\bwhich (?:researchers|scientists|authors|team|group)\b"),
        _compile(r"\bet al\b|\bdr\b|\bco-?authors?\b|\bresearch groups?\b|\bauthors\b"),
    ),
    Form(
        # "What is still needed?", "What has to happen next?": what the article says is
        # left to do (larger trials, more research), not what was done.
        "need",
        _compile(
            r"\b(?:what|which)\b.*\b(?:needed|required|missing|still unknown|not (?:yet )?known"
            r"|next steps?|(?:happen|comes?) next|still (?:have|has|need|needs) to)\b"
            r"|\bwhat (?:more|else|further)\b.*\bneeds?\b"
            r"|\b(?:more|further|larger|bigger) (?:research|studies|trials|work)\b"
            # "when will we know more?": what is left to find out
            rf"|\bwhen {_WILL_KNOW}\b"
        ),
        _compile(
            r"\b(?:needed|needs?|requires?|required|requirements?|necessary|replicated|await"
            r"|remains? to be|(?:more|further|larger)"
            r" (?:\w+ )?(?:research|studies|trials|work|results|patient groups))\b"
        ),
    ),
    Form(
        # "Were the studies big?", "Did it involve lots of patients?": how many took part.
        "size",
        _compile(
            _YES_NO + rf".*\b(?:{_SIZED}(?: enough)? (?:\w+ ){{0,2}}{_STUDIED}"
            rf"|{_STUDIED}(?: \w+){{0,4}} {_SIZED}(?: enough| or \w+)?\W*$"
            rf"|{_STUDIED}.*\b(?:lots|a lot|a large number) of (?:patients|people|participants)\b)"
        ),
        _compile(
            rf"\b(?!{_MANY_STUDIES}){_SIZED}(?:\W+\w+){{0,3}}\W+{_TAKING_PART}"
            rf"|\b{_TAKING_PART}(?:\W+\w+){{0,3}}\W+"
            rf"{_SIZED}|\b\d+(?:\s*[-\u2013]\s*\d+)? (?:patients|people|participants)\b"
        ),
    ),
    Form(
        "reason",
        _compile(r"^why\b|\bwhat is the reason\b|\bhow come\b|^what (?:causes|caused)\b"),
        _compile(
            r"\b(?:because|since|due to|reasons?|causes?|caused|risk|so that|therefore)\b"
            # "the main problem in gout is that ...", "damage that results from ..."
            r"|\bproblem\b(?:\s+[\w'-]+){0,4}\s+is\s+that\b|\b(?:results?|resulting|stems?)\s+from\b"
        ),
    ),
    Form(
        # "Was that good or bad?", "is that a good result?": what the article makes of a
        # finding, not the finding again.
        "judgement",
        _compile(
            r"\b(?:good or bad|bad or good|good news|bad news)\b"
            r"|\b(?:results?|findings?|outcomes?) (?:were |was |are |is )?any good\b"
            r"|\b(?:is|was|are|were) (?:that|this|it|these|those) (?:a )?(?:good|bad)"
            r"(?: (?:news|result|results|sign|thing|outcome))?\W*$"
            r"|\b(?:is|was) (?:that|this|it) (?:a success|successful)\W*$"
        ),
        _compile(
            r"\b(?:success|successful|encouraging|promising|impressive|exciting|disappointing|"
            r"favou?rable|reasons? for hope|better than|worse than)\b"
        ),
    ),
    Form(
        # "What does that achieve?", "why do we need an immune system?", "what is cartilage
        # for?": what something is for, does for us, or brings about; not what causes it.
        "purpose",
        _compile(
            r"^(?:and )?what (?:does|do|did|would|will|can|could) (?:[\w'-]+ ){0,5}"
            r"(?:achieve|accomplish|lead to|result in|bring about)\b"
            r"|\bwhat(?: is|'s) the (?:point|purpose|aim|goal)\b"
            r"|\bwhat good (?:does|do|did|would|will|can|could)\b"
            r"|^why (?:do|does|would|should) (?:we|you|humans|the body|our bodies|anyone) "
            r"(?:even |really |actually )?need\b"
            r"|^why (?:is|are) (?:an? |the |our )?[\w -]+ (?:so )?(?:important|essential|needed|"
            r"necessary|vital)\b|^what (?:is|are) (?:an? |the |our )?[\w -]+ (?:even )?for\W*$"
        ),
        _compile(
            r"\b(?:help|helps|helping|so that|in order to|allows?|allowing|enables?|enabling|"
            r"leads? to|leading to|results? in|resulting in|essential|vital|necessary|protects?|"
            r"protecting|(?:could|can)(?:not|n't) live without|life-sustaining)\b"
        ),
    ),
    Form(
        # "Is it safe for lupus?" is answered by what the articles say of its safety, not by
        # a sentence saying it works; so is "did anyone die in the trial?" (people dying, not
        # "why do nerve cells die?").
        "safety",
        _compile(
            r"\b(?:safe|safely|safety|unsafe|risky|dangerous|side effects?|adverse|"
            r"complications?)\b|" + HARM_DONE
        ),
        _compile(r"\b(?:safe|safely|safety|unsafe|adverse|side effects?|tolerated?|harmful)\b"),
    ),
    Form(
        "finding",
        _compile(
            _YES_NO + r".*\b(?:help|helps|helped|work|works|worked|effective|improve|improves|"
            r"improved|benefit|benefits|cure|cures|treat|treats|reduce|reduces|relieve|"
            r"relieves|better|slow|slows|successful)\b"
            r"|^what (?:did|do|does|have) .*\b(?:find|found|show|shown|conclude|report|discover)\b"
            r"|\b(?:results?|outcomes?|findings?)\b"
        ),
        _compile(
            r"\b(?:showed|shown|shows|found|improved|improves|increased|decreased|reduced|"
            r"resulted|effective|success|successful|significant|better|worse|benefit|safe|"
            r"slow|slows|slower|faster|not as|unlikely|failed|cure|cures|cured)\b"
        ),
    ),
    Form(
        "definition",
        _compile(
            r"^what (?:is|are) (?:an? |the )?[\w'-]+(?: [\w'-]+){0,2}\W*$"
            r"|\bwhat (?:does|do) .+ mean\b|\bwhat counts as\b|\bwhat is meant by\b"
            r"|\bwhat (?:[\w'-]+ ){1,3}means\b"
            r"|\bdefin(?:e|ed|ition)\b|\bmeaning of\b"
        ),
        _compile(
            r"\bthat is\b|\bi\.e\.|\bmeans?\b|\bdefined\b|\brefers? to\b|\bknown as\b"
            r"|\bcalled\b"
        ),
    ),
    Form(
        "method",
        _compile(
            r"^how (?:were|was|are|is|do|does|did|will|would|can)\b.*\b(?:giv(?:e|en)|"
            r"deliver(?:ed)?|administer(?:ed)?|inject(?:ed)?|infused?|transplant(?:ed)?|"
            r"done|performed|carried out|measured|"
            r"assessed|tested|collected|obtained|prepared|harvested|grown)\b"
        ),
        _compile(
            r"\b(?:inject(?:ed|ing|ions?)?|infus(?:ed|ions?)|transplanted|via|route|"
            r"intravenous\w*|intrathecal\w*|directly|using|compared|measured|assessed|"
            r"taken from|harvested|isolated|purified|expanded|re-injected)\b"
        ),
    ),
    Form(
        "list",
        _compile(
            r"^(?:(?:in|for|on|of|at|with|from|to|by) )?(?:which|what)\b"
            r".*\b(?:types?|kinds?|forms?|diseases|conditions|disorders|cells|"
            r"drugs|medicines|treatments|options|symptoms|signs)\b"
        ),
        # Items of a list are short: a clause between two commas is no item.
        _compile(r",[^,]{1,40},|:\s*$|\btypes?\b|\bkinds?\b"),
    ),
)


def question_forms(question: str) -> tuple[Form, ...]:
    """The answer forms `question` asks for (often none). "What is a/an X?" asks what an X
    is, not for a number, though X is a score or a rate ("What is an HHS score?")."""
    text = normalize(question).strip()
    forms = tuple(form for form in FORMS if form.question.search(text))
    what_is = WHAT_IS.match(text)
    if what_is and what_is.group("article") in ("a ", "an "):
        forms = tuple(form for form in forms if form.name != "amount")
    if _NAMED_MEASURE.search(text):  # "what score did they use?" asks for its name
        forms = tuple(form for form in forms if form.name != "amount")
    if _STUDIES_ASKED.search(text):  # "what trials are still needed?": which studies
        forms = tuple(_STUDIES_NEEDED if form.name == "need" else form for form in forms)
    if any(form.name == "purpose" for form in forms):
        forms = tuple(form for form in forms if form.name != "reason")
    if not asks_time(question):
        forms = tuple(_UNTIMED if form.name == "amount" else form for form in forms)
    return tuple(_not_from_itself(form, text) if form.name == "source" else form for form in forms)


# What studies are needed is said by naming them: "larger clinical trials", "larger studies
# will be required", "replicated in larger, Phase III trials"; not by "more work is needed".
_STUDIES_ASKED = re.compile(r"\b(?:stud(?:y|ies)|trials?|research)\b")
_HARM_DONE = re.compile(HARM_DONE)
_STUDIES_NEEDED = Form(
    "need",
    _STUDIES_ASKED,
    _compile(
        r"\b(?:larger|bigger|more|further|longer|new)(?:[\s,-]+[\w-]+){0,3}?[\s,-]+"
        r"(?:research|stud(?:y|ies)|trials?|patient groups)\b|\breplicated\b"
    ),
)
_NAMED_MEASURE = re.compile(
    r"\b(?:what|which) (?:[\w-]+ )?(?:scores?|scales?|tests?|measures?|questionnaires?) "
    r"(?:did|do|does|was|were|is|are) (?:[\w'-]+ ){0,4}?(?:use|used)\b"
)


def _not_from_itself(form: Form, question: str) -> Form:
    """The source `form` with "from" no longer counting before the thing whose source is asked:
    "where do the stem cells come from?" is not answered by "exosomes collected from stem
    cells", which says what comes from them."""
    match = _SOURCE_OF.search(question)
    if not match:
        return form
    *before, last = match.group("thing").split()
    thing = r"[\s-]+".join([*map(re.escape, before), re.escape(last.removesuffix("s")) + "s?"])
    itself = rf"(?!(?:\s+from)?\s+(?:the\s+|their\s+|our\s+)?(?:[\w-]+\s+)?{thing}\b)"
    return replace(form, sentence=_compile(form.sentence.pattern + itself))


# "where do (the) stem cells come from", "where are the cells taken from"
_SOURCE_OF = re.compile(
    r"\bwhere\s+(?:do|does|did|are|is|were|was)\s+(?:the\s+|these\s+|those\s+|their\s+)?"
    r"(?P<thing>[a-z][a-z-]*(?:\s+[a-z][a-z-]*){0,2}?)\s+"
    r"(?:come|comes|came|get|got|obtained|taken|harvested|collected|from)\b"
)


# Forms whose sentences are few and telling: when the first quote has not got one, the
# sentence of its article that has it answers ("what is still needed?": "larger studies will
# be required"; "were the studies big?": "the number of patients ... is relatively small";
# "was that good?": "the results are encouraging").
_LEADING = ("need", "size", "judgement")


def leading_forms(question: str) -> tuple[Form, ...]:
    """The forms of `question` (`question_forms`) that a quote must have to answer it. A source
    only when asked where something is from (not "where it comes and goes", nor an origin),
    answered by what it was taken or derived from; a method only when asked how something was
    given (`_GIVEN`); safety when asked whether a treatment did harm (`HARM_DONE`)."""
    text = normalize(question)
    forms = []
    for form in question_forms(question):
        if form.name == "source" and _TAKEN_FROM.question.search(text):
            forms.append(_not_from_itself(_TAKEN_FROM, text))
        elif form.name == "method" and _GIVEN.question.search(text):
            forms.append(_GIVEN)
        elif form.name in _LEADING or (form.name == "safety" and _HARM_DONE.search(text)):
            forms.append(form)
    return tuple(forms)


def asks_harm(question: str) -> bool:
    """True when `question` asks whether a treatment did harm (`HARM_DONE`)."""
    return bool(_HARM_DONE.search(normalize(question)))


_TAKEN_FROM = Form(
    "source",
    _compile(r"\bwhere\b.*\bfrom\b"),
    _compile(r"\b(?:derived|taken|harvested|obtained|isolated|collected|sourced) from\b"),
)


# "How were the cells given?": the way in, a route or where they were put.
_GIVEN = Form(
    "method",
    _compile(
        r"^how (?:were|was|are|is|do|does|did|will|would|can)\b.*\b(?:giv(?:e|en)|"
        r"deliver(?:ed)?|administer(?:ed)?|inject(?:ed)?|infused?|transplant(?:ed)?)\b"
    ),
    _compile(
        r"\b(?:via|route|intravenous\w*|intrathecal\w*|infus(?:ed|ions?)"
        r"|(?:injected|transplanted|re-injected)(?:\s+[\w-]+){0,4}\s+(?:into|in)\b)"
    ),
)


def has_form(forms: tuple[Form, ...], sentence: str, defined: str = "", counted: str = "") -> bool:
    """True when `sentence` has one of the answer forms asked for. A definition is also a
    sentence that opens with the name asked about (`defined`, from `defined_name`): "What is
    relapsing-remitting MS?" -> "Relapsing-remitting – Patients have symptoms for a time"; an
    amount of the things counted (`counted`, from `counted_noun`) is also one said in words."""
    if not forms:
        return False
    text = normalized(sentence)
    if any(
        form.sentence.search(form.aside.sub(" ", text) if form.aside else text) for form in forms
    ):
        return True
    if counted and any(f.name == "amount" for f in forms) and _sized(counted, text):
        return True
    if not defined or not any(f.name == "definition" for f in forms):
        return False
    return defined.split()[0] in _WORDS.findall(text)[:3]


_WORDS = re.compile(r"[a-z0-9']+")


def asks_amount(question: str) -> bool:
    """True when `question` asks for a number ("how many", "what rate", "when")."""
    return any(form.name == "amount" for form in question_forms(question))


# Questions only a number answers: "how many", "how long", "what is the survival rate" (but
# not "what factors raise the rate"), "what were the pain scores" (but not "what is the pain
# score", which may ask what it is, nor "what were the scores used"). "How fast", "how common"
# and "when" are often answered in words ("extremely common").
_FIGURE_QUESTION = re.compile(
    r"\bhow (?:many|much|long|old)\b|\b(?:what|which) (?:year|age)\b|\bat what (?:rate|dose)\b"
    r"|\bwhat (?:(?:is|was|are|were) )?(?:the |an? )?(?:[\w-]+ ){0,2}"
    r"(?:percent|percentage|proportion|rates?|doses?|odds|expectancy)\b"
    r"|\bwhat (?:was|were) (?:the |their |its |an? )?(?:[\w'-]+ ){0,3}scores?\b"
    r"(?! (?:used|that|which)\b)"
    # "what is the grip score before treatment?", "how did their pain scores change?": the
    # score at a time, or how far it moved, is a value
    r"|\bscores? (?:before|after|at (?:baseline|the (?:start|end))|\d+ (?:weeks?|months?|years?))\b"
    r"|\bhow (?:did|do|does|have|has) (?:the |their |its )?"
    r"(?:[\w'-]+ ){0,3}scores? (?:change|go|move|improve|rise|fall|drop)"
)


def asks_figure(question: str) -> bool:
    """True when only a number answers `question`."""
    return bool(_FIGURE_QUESTION.search(normalize(question)))


def answers_figure(question: str, text: str) -> bool:
    """True when `text` can answer a question only a number answers. A question about time
    (`asks_time`) is answered by a number in digits or a length of time ("two to three days",
    "within a year"), not by any number in words ("one" in "on one side of the body"), and
    "how long" also by a length of time in words ("a long period of recovery", "lifelong").
    Any other by a number that is no length of time ("6 months after treatment" says nothing
    of how much the scores went up), and "how many <things>" also by a size in words of those
    things ("the number of patients ... is relatively small")."""
    said = normalized(text)
    if asks_time(question):
        if _DIGIT.search(said) or LENGTH_OF_TIME.search(said) or _A_UNIT_OF_TIME.search(said):
            return True
        if _HOW_LONG.search(normalize(question)) and _DURATION.search(said):
            return True
    elif states_figure(LENGTH_OF_TIME.sub(" ", said)):
        return True
    counted = counted_noun(question)
    return bool(counted) and _sized(counted, said)


def asks_time(question: str) -> bool:
    """True when `question` asks how long, how often, when or at what age."""
    return bool(_TIME_QUESTION.search(normalize(question).strip()))


_TIME_QUESTION = re.compile(
    r"\bhow (?:long|often|old|soon|quickly|fast)\b|^when\b|\b(?:what|which) (?:year|age)\b"
    r"|\bat what age\b|\bhow many (?:days|weeks|months|years|hours|times)\b"
)


def counts(text: str, counted: str) -> bool:
    """True when `text` gives a number of the things `counted`: "15-40 patients" for
    "patients", "9 clinical studies" for "studies", or their size in words ("the number of
    patients ... is relatively small", `_sized`)."""
    wanted, said = stem(counted), normalized(text)
    numbered = (w for m in _COUNT.finditer(said) for w in m.group(1).split())
    return any(stem(w) == wanted for w in numbered) or _sized(counted, said)


def _one(noun: str) -> str:
    """`noun` in the singular, roughly ("studies" -> "study", "clinics" -> "clinic"): the
    things a size is of are matched by the noun itself, not by its stem, which "clinical"
    shares with "clinics"."""
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith("ss") and len(noun) > 3:
        return noun[:-1]
    return noun


# A number, or a range of numbers, and the two words after it ("9 clinical studies").
_NUMBER = r"\d(?:[\d,.]*\d)?"
_COUNT = re.compile(rf"{_NUMBER}(?:\s*[-\u2013]\s*{_NUMBER})?((?:\s+[a-z]+){{1,2}})")


def counted_noun(question: str) -> str:
    """What a "how many" question counts ("patients"), or ""."""
    match = _HOW_MANY.search(normalize(question))
    return match.group(1) if match else ""


def _sized(counted: str, text: str) -> bool:
    """True when normalised `text` gives the size of the things `counted` in words: a size
    before them ("only a handful of patients", "few clinics") or after "the number of" them
    ("the number of patients treated in these studies is relatively small"); not a size of
    something else in the same sentence ("... for people with MS and a few for ...")."""
    said = _WORDS.findall(text)
    wanted = _one(counted)
    for i, word in enumerate(said):
        if _one(word) != wanted:
            continue
        if any(_SIZE.fullmatch(w) for w in said[max(0, i - SIZE_BEFORE) : i]):
            return True
        if said[max(0, i - 2) : i] == ["number", "of"] and any(
            _SIZE.fullmatch(w) for w in said[i + 1 : i + 1 + SIZE_AFTER]
        ):
            return True
    return False


# How far a size word may stand before the things it sizes ("a handful of patients"), and
# after "the number of" them ("... patients treated in these studies is relatively small").
SIZE_BEFORE = 3
SIZE_AFTER = 8


_HOW_LONG = re.compile(r"\bhow long\b")
_NUMBER_OR_WORD = (
    rf"(?:{_NUMBER}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)"
)
LENGTH_OF_TIME = re.compile(
    rf"\b{_NUMBER_OR_WORD}(?:\s*(?:-|\u2013|to|or)\s*{_NUMBER_OR_WORD})?[\s-]*"
    r"(?:days?|weeks?|months?|years?|hours?|minutes?|decades?)\b"
)
# One unit of time said with an article: "within a year", "for an hour".
_A_UNIT_OF_TIME = re.compile(r"\b(?:a|an)\s+(?:day|week|month|year|hour|minute|decade)\b")
_DIGIT = re.compile(r"\d")
_HOW_MANY = re.compile(r"\bhow many ([a-z]+)")
_SIZE = re.compile(
    r"\b(?:small|large|big|few|many|numerous|dozens|hundreds|thousands|handful|majority|"
    r"minority)\b"
)
_DURATION = re.compile(
    r"\b(?:(?:long|longer|short|shorter|brief|lengthy) (?:period|time|while|spell)s?|lifelong|"
    r"for life|permanent|permanently|temporary|days|weeks|months|years|decades)\b"
)


# An amount asked for that is no length of time ("what were the scores before and after?") is
# not given by one ("6 months after treatment"), as in `answers_figure`.
_UNTIMED = replace(next(form for form in FORMS if form.name == "amount"), aside=LENGTH_OF_TIME)


def states_figure(text: str) -> bool:
    """True when `text` states a number, in digits or in words ("one in four", "half")."""
    amount = next(form for form in FORMS if form.name == "amount")
    return bool(amount.sentence.search(normalized(text)))
