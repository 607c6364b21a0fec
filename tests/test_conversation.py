"""How a message is read: follow-ups, two questions at once, a question inside a story."""

from __future__ import annotations

import pytest

from mscqa.answers import conditions as conditions_module
from mscqa.answers.conditions import body_parts, conditions, drug_names, treatments
from mscqa.answers.conversation import (
    read_message,
    research_quoted,
    standalone_question,
    topic_of,
)
from mscqa.answers.messages import content, mentions, sentences, story_and_questions
from mscqa.answers.phrases import determiner_phrases, ones_named
from mscqa.answers.quotes import Answer, Quote
from mscqa.answers.references import find_reference, own_words
from mscqa.answers.social import asks_for_more
from mscqa.answers.turns import language_refusal, merge_answers, said_of_it
from mscqa.engine import Engine
from mscqa.search.library import library_stats
from mscqa.text.terms import lexical_tokens


def test_a_question_without_history_is_searched_as_typed() -> None:
    reading = read_message("Does it ease stiffness in the morning?")
    assert reading.questions == ("Does it ease stiffness in the morning?",)
    assert not reading.parts[0].leaned


@pytest.mark.parametrize(
    ("earlier", "follow_up", "expected"),
    [
        (
            "What happened in the riluzole trial?",
            "Who paid for that trial?",
            "Who paid for the riluzole trial?",
        ),
        (
            "Is there a register of spinal injury research?",
            "what did they report?",
            "what did spinal injury research report?",
        ),
        (
            "Are stem cell infusions offered for Crohn's disease?",
            "is it painful?",
            "is stem cell infusions for Crohn's disease painful?",
        ),
        # The people of a study are not the study: the noun stays.
        (
            "What happened in the riluzole trial?",
            "how old were those patients?",
            "how old were the patients in the riluzole trial?",
        ),
        ("What is gout?", "do these people get better?", "do the people with gout get better?"),
    ],
)
def test_a_reference_is_replaced_by_the_earlier_topic(
    earlier: str, follow_up: str, expected: str
) -> None:
    assert standalone_question(follow_up, [earlier]) == expected


@pytest.mark.parametrize(
    ("earlier", "follow_up", "expected"),
    [
        ("What is gout?", "Is it safe?", "Is stem cell treatment for gout safe?"),
        (
            "My uncle has had psoriasis since school.",
            "Would it help him?",
            "Would stem cell treatment for psoriasis help him?",
        ),
        ("What is gout?", "Has it ever worked?", "Has stem cell treatment for gout ever worked?"),
        # What the condition does, or what is done to it: the pronoun is the condition.
        ("What is gout?", "Can it be cured?", "Can gout be cured?"),
        ("What is gout?", "Does it get worse with age?", "Does gout get worse with age?"),
        ("What is gout?", "Is it painful?", "Is gout painful?"),
    ],
)
def test_a_pronoun_asked_what_a_treatment_does_is_the_treatment(
    earlier: str, follow_up: str, expected: str
) -> None:
    assert standalone_question(follow_up, [earlier]) == expected


def test_they_doing_to_the_patient_what_doctors_do_are_the_doctors() -> None:
    story = (
        "My uncle is 70 and the massage sessions never did much for his shoulder. "
        "Why won't they offer him cortisone shots in the shoulder?"
    )
    # Neither "they" nor the story's massage (a service, no condition) changes the question.
    assert read_message(story).questions == (
        "Why won't they offer him cortisone shots in the shoulder?",
    )
    asked = standalone_question("Will they let me join?", ["Is there a trial on gout?"])
    assert "they" in asked and "gout" in asked


def test_research_after_a_question_naming_only_a_joint_is_about_that_joint() -> None:
    asked = standalone_question(
        "which dose did the researchers use?", ["Why does the knee joint wear out?"]
    )
    assert asked == "which dose did the researchers use, in knee joint?"
    # A body part told as someone's own is a story's business (`read_message`), and a
    # question naming none leaves the follow-up as typed.
    assert standalone_question("which dose did the researchers use?", ["Why do we age?"]) == (
        "which dose did the researchers use?"
    )


@pytest.mark.parametrize(
    "follow_up",
    [
        "Is it safe to drive after the injection?",
        "is it normal for the joint to click?",
        "what does it mean that stem cells calm gout?",
    ],
)
def test_an_it_that_stands_for_nothing_said_before_is_left_alone(follow_up: str) -> None:
    assert standalone_question(follow_up, ["What is gout?"]) == follow_up
    assert standalone_question(follow_up, ["Do stem cells help gout?"]) == follow_up


def test_is_it_true_before_a_clause_without_that_asks_of_the_clause() -> None:
    asked = standalone_question("is it true most people get better?", ["Do stem cells help gout?"])
    assert asked == "is it true most people get better, in gout?"


def test_them_after_asking_which_treatments_there_are_is_those_treatments() -> None:
    asked = standalone_question("do any of them work?", ["What drugs are there for a sore heel?"])
    assert asked == "do any of drugs for a sore heel work?"


def test_they_doing_research_means_the_research() -> None:
    asked = standalone_question("what did they show?", ["How common is ulcerative colitis?"])
    assert asked == "what did the research on ulcerative colitis show?"


def test_an_elliptical_follow_up_swaps_the_condition() -> None:
    asked = standalone_question("and for psoriasis?", ["Which cells drive rheumatoid arthritis?"])
    assert asked == "Which cells drive psoriasis?"
    asked = standalone_question("What about ALS?", ["Is fatigue common in MS?"])
    assert asked == "Is fatigue common in ALS?"


def test_a_new_topic_stands_alone() -> None:
    earlier = ["What do nerve cells need to survive?"]
    question = "Tell me how osteoarthritis of the knee is treated"
    assert standalone_question(question, earlier) == question


def test_a_follow_up_without_a_reference_gets_the_topic_when_it_says_the() -> None:
    asked = standalone_question(
        "how old were the volunteers?", ["Describe the bone marrow study in Parkinson's disease"]
    )
    assert asked.startswith("how old were the volunteers") and "bone marrow study" in asked


def test_the_most_recent_turn_with_a_topic_is_used() -> None:
    earlier = ["Is the knee cartilage study finished?", "thanks"]
    assert "knee cartilage study" in standalone_question("who led it?", earlier)


def test_two_questions_in_one_message_are_split_and_the_second_leans_on_the_first() -> None:
    reading = read_message("Which muscles does ALS weaken first, and how fast does it spread?")
    first, second = reading.questions
    assert first == "Which muscles does ALS weaken first?"
    assert second.startswith("how fast does") and "ALS" in second
    assert all(part.leaned for part in reading.parts[1:])


@pytest.mark.parametrize(
    ("message", "questions"),
    [
        (
            "What's the diffrence between gout and pseudogout?",
            ["What is gout?", "What is pseudogout?"],
        ),
        (
            "How does psoriatic arthritis differ from rheumatoid arthritis?",
            ["What is psoriatic arthritis?", "What is rheumatoid arthritis?"],
        ),
        (
            "steroids vs biologics for eczema",
            ["What is steroids for eczema?", "What is biologics for eczema?"],
        ),
        (
            "difference between plaque and guttate psoriasis?",
            ["What is plaque psoriasis?", "What is guttate psoriasis?"],
        ),
        # Asked as "what is X and how is it different from Y?", with the name both share.
        (
            "what is secondary progressive neuropathy and how is it different from relapsing?",
            ["What is secondary progressive neuropathy?", "What is relapsing neuropathy?"],
        ),
        (
            "how is relapsing different from secondary progressive neuropathy?",
            ["What is relapsing neuropathy?", "What is secondary progressive neuropathy?"],
        ),
        (
            "What is pseudogout and how does it differ from rheumatoid arthritis?",
            ["What is pseudogout?", "What is rheumatoid arthritis?"],
        ),
        # A difference between times or amounts is one question.
        (
            "Is there a difference between the scores at 3 months and at 12 months?",
            ["Is there a difference between the scores at 3 months and at 12 months?"],
        ),
    ],
)
def test_a_difference_between_two_things_asks_what_each_is(
    message: str, questions: list[str]
) -> None:
    assert list(read_message(message).questions) == questions


def test_a_plain_and_does_not_split_a_question() -> None:
    message = "Do stem cells reduce pain and swelling in the joints?"
    assert read_message(message).questions == (message,)


def test_at_most_two_questions_are_searched() -> None:
    message = "Is gout an arthritis? Does diet matter? How is it diagnosed?"
    assert len(read_message(message).questions) == 2


def test_the_question_inside_a_story_is_found_and_leans_on_the_story() -> None:
    message = (
        "I am 64 and was a carpenter for thirty years. My left hip has hurt since a fall "
        "two winters ago and I walk with a stick now. Physiotherapy did little. "
        "Would the injections from that research help someone like me?"
    )
    (question,) = read_message(message).questions
    assert question == (
        "Would the injections from that research help someone like me, for left hip?"
    )


def test_a_story_that_names_the_condition_lends_it_to_the_question() -> None:
    message = (
        "My brother has had multiple sclerosis since he was 30 and cannot work anymore. "
        "Have those studies included people in his state?"
    )
    (question,) = read_message(message).questions
    assert "multiple sclerosis" in question and "carpenter" not in question


def test_conditions_and_topics() -> None:
    assert conditions("Is MS like ALS or low back pain?") == ["MS", "ALS", "low back pain"]
    assert conditions("is it safe and quick?") == []
    # "the full disease" refers to a condition named before; "heart disease" names one.
    assert conditions("Will he get the full disease?") == []
    assert conditions("Is the same condition in his heart disease?") == ["heart disease"]
    # A verb before the condition word is no part of its name.
    assert conditions("Gout means pain that comes in flares.") == ["Gout", "pain"]
    assert conditions("Sciatica brings pain down the leg") == ["Sciatica", "pain"]
    # nor is a finding's verb in the past ("the gel reduced pain" names no "reduced pain")
    assert conditions("In goats with gout, the gel reduced pain.") == ["gout", "pain"]
    assert topic_of("Who ran the eczema trial in Japan?") == "the eczema trial"
    assert topic_of("Which drugs exist for psoriasis?") == "drugs for psoriasis"


def test_a_disorder_an_illness_or_a_syndrome_is_a_condition_a_follow_up_carries() -> None:
    assert conditions("Do stem cells help kidney disorders?") == ["kidney disorders"]
    assert conditions("Can a chronic illness get better?") == ["chronic illness"]
    assert conditions("What causes tendon syndromes?") == ["tendon syndromes"]
    # Alone or after "the full", "the same", the word refers to a condition named before.
    assert conditions("Will he get the full syndrome?") == []
    assert conditions("which disorders do the cells help?") == []
    earlier = ["Have stem cells been tried for inflammatory illnesses?"]
    assert standalone_question("were any large trials done?", earlier) == (
        "were any large trials done, in inflammatory illnesses?"
    )


@pytest.mark.parametrize(
    ("message", "second"),
    [
        (
            "Why can't the shoulder tendon heal itself, and what did the researchers put into it?",
            "what did the researchers put into the shoulder tendon?",
        ),
        (
            "Can the knee meniscus grow back? And what would rebuild it?",
            "What would rebuild the knee meniscus?",
        ),
    ],
)
def test_what_it_points_back_at_ends_before_the_verb(message: str, second: str) -> None:
    assert read_message(message).questions[1] == second
    assert topic_of("Does the rotator cuff recover on its own?") == "the rotator cuff"
    # A verb no list names, known by the pronoun it takes; a noun before "a" is no verb.
    assert topic_of("what does the lymph system shield us from?") == "the lymph system"
    assert topic_of("Why is a gout flare a big deal?") == "a gout flare"


def test_the_word_after_stem_cells_is_what_they_do_not_their_name() -> None:
    assert treatments("Can stem cells ease tendinitis?") == ["stem cells"]
    assert treatments("is the drug colchicine safe?") == ["the drug colchicine"]


@pytest.mark.parametrize("follow_up", ["is that safe?", "does this work?", "is that proven?"])
def test_that_or_this_asked_of_what_a_treatment_does_is_the_treatment(follow_up: str) -> None:
    (question,) = read_message(follow_up, ["Do stem cells help tendinitis?"]).questions
    assert "stem cells for tendinitis" in question


def test_how_ill_or_what_stopped_working_names_no_condition() -> None:
    message = "What does the lymph system shield us from, and can it also make us ill?"
    assert read_message(message).questions[1] == "can the lymph system also make us ill?"
    assert conditions("my pills stopped working") == []
    assert conditions("how ill do people get with heart failure?") == ["heart failure"]


def _quote(article: str, start: int, end: int, score: float = 0.7) -> Quote:
    return Quote(article, article.title(), "ref", "q", start, end, "p", 0, 100, score)


def test_merged_answers_take_turns_never_repeat_and_say_which_part_is_not_covered() -> None:
    first = Answer("a?", True, None, (_quote("x", 0, 10), _quote("x", 20, 30)))
    second = Answer("b?", True, None, (_quote("x", 5, 15), _quote("y", 0, 10)))
    refused = Answer("c?", False, "not covered", (), "The articles never mention “c”.", "topic")
    merged = merge_answers("a? b?", [("a?", first), ("b?", second)])
    assert [(q.article_id, q.start) for q in merged.quotes] == [("x", 0), ("x", 20), ("y", 0)]
    assert merged.answered and merged.reason == ""
    partly = merge_answers("a? c?", [("a?", first), ("c?", refused)])
    assert partly.answered and "“c?”" in partly.reason and "never mention" in partly.reason
    none = merge_answers("c? c?", [("c?", refused), ("c?", refused)])
    assert not none.answered and none.refusal == "topic" and none.reason


def test_a_quote_holding_another_parts_quote_takes_its_place() -> None:
    # Two questions answered by two sentences in a row: the second part's quote holds the
    # first's and the sentence before it.
    first = Answer("a?", True, None, (_quote("x", 80, 210, 0.5), _quote("y", 0, 10)))
    second = Answer("b?", True, None, (_quote("x", 0, 210, 0.6),))
    merged = merge_answers("a? b?", [("a?", first), ("b?", second)])
    assert [(q.article_id, q.start, q.end, q.score) for q in merged.quotes] == [
        ("x", 0, 210, 0.6),
        ("y", 0, 10, 0.7),
    ]
    # The same quote again, or one inside a quote shown, is still left out.
    again = merge_answers("b? a?", [("b?", second), ("a?", first)])
    assert [(q.start, q.end) for q in again.quotes] == [(0, 210), (0, 10)]


def test_quotes_of_two_parts_that_overlap_are_joined_verbatim() -> None:
    # "How was the gel applied, and when were the patients seen again?": the first part's
    # quote ends with the sentence the second part's starts with, and only the second holds
    # the answer to the second part.
    text = "Patients were enrolled. The gel was applied twice. They were seen at 8 weeks. Done."
    one, three = (text.index(s) for s in ("The gel", "Done"))

    def quote(start: int, end: int, passage: tuple[int, int], score: float) -> Quote:
        return Quote(
            "x", "X", "ref", text[start:end], start, end, text[slice(*passage)], *passage, score
        )

    first = Answer("a?", True, None, (quote(0, three - 1, (0, three - 1), 0.6),))
    second = Answer("b?", True, None, (quote(one, three - 1, (one, len(text)), 0.8),))
    both = Answer("b?", True, None, (quote(one, len(text), (one, len(text)), 0.8),))
    for merged in (
        merge_answers("a? b?", [("a?", first), ("b?", both)]),
        merge_answers("b? a?", [("b?", both), ("a?", first)]),
    ):
        (joined,) = merged.quotes
        assert (joined.start, joined.end, joined.score) == (0, len(text), 0.8)
        assert joined.quote == text and joined.passage == text
        assert (joined.passage_start, joined.passage_end) == (0, len(text))
    # A quote inside one shown adds nothing and is left out.
    (kept,) = merge_answers("a? b?", [("a?", first), ("b?", second)]).quotes
    assert kept == first.quotes[0]


def test_one_part_keeps_its_answer_with_the_message_as_the_question() -> None:
    answer = Answer("standalone?", True, None, (_quote("x", 0, 10),))
    merged = merge_answers("typed?", [("standalone?", answer)])
    assert merged.question == "typed?" and merged.quotes == answer.quotes


def test_the_language_refusal_says_english() -> None:
    answer = language_refusal("Bonjour?", "fr")
    assert not answer.answered and answer.refusal == "language"
    assert "English" in (answer.message or "") and "English" in answer.reason
    assert "fr" in answer.reason


def test_a_story_without_a_question_mark_asks_in_its_last_sentence() -> None:
    message = (
        "My aunt has had rheumatoid arthritis for a decade. Her hands are stiff every morning. "
        "I would like to know whether stem cells calm the immune system."
    )
    (question,) = read_message(message).questions
    assert question.startswith("I would like to know whether stem cells calm the immune system")
    assert "aunt" not in question and "stiff" not in question


def test_a_story_lends_its_condition_to_a_question_that_names_none() -> None:
    message = (
        "My husband was told he has psoriatic arthritis. He is 52 and still works. "
        "Can stem cells do anything for him?"
    )
    (question,) = read_message(message).questions
    assert (
        question.startswith("Can stem cells do anything for him")
        and "psoriatic arthritis" in question
    )


def test_that_after_a_story_stands_for_what_its_last_sentence_tells() -> None:
    story = "My dad has had gout for years. Now his toes swell up at night."
    (question,) = read_message(f"{story} Is that normal for gout?").questions
    assert question == "Is that normal for gout? Now his toes swell up at night."
    # Naming no condition, the question takes the story's as well.
    (question,) = read_message(f"{story} Is that normal?").questions
    assert question == "Is gout normal? Now his toes swell up at night."
    # Without "that" or "this", the question says what it asks about.
    (question,) = read_message(f"{story} Do stem cells help gout?").questions
    assert question == "Do stem cells help gout?"
    # A stray mark left as the story tells nothing.
    assert read_message("Who is at risk for gout? ?").questions == ("Who is at risk for gout?",)


def test_a_bare_follow_up_takes_the_whole_topic() -> None:
    asked = standalone_question("why?", ["Which cells repair cartilage in osteoarthritis?"])
    assert asked == "Why? Which cells repair cartilage in osteoarthritis?"


def test_what_a_question_is_about_is_the_topic_of_it() -> None:
    assert standalone_question("does it have side effects?", ["What is methotrexate?"]) == (
        "does methotrexate have side effects?"
    )
    assert "exosomes" in standalone_question("are they safe?", ["Tell me about exosomes"])


def test_that_after_a_question_naming_only_a_treatment_is_the_treatment() -> None:
    # Nothing else in the question before to point at: no condition, research or phrase.
    assert standalone_question("how would that work in the gut?", ["Can MSCs calm fever?"]) == (
        "how would MSCs work in the gut?"
    )


def test_a_lone_pronoun_after_a_drug_named_by_its_own_name_is_the_drug() -> None:
    earlier = ["my aunt takes quelazole for her gout"]
    assert "quelazole" in standalone_question("will it help her toes?", earlier)
    assert "quelazole" in standalone_question("is it safe?", earlier)
    # "Taking tablets" names no drug: the pronoun stays with what the story is about.
    story = ["I'm fed up taking tablets for my gout"]
    assert "tablets" not in standalone_question("will it help her toes?", story)


def test_a_short_name_inside_a_longer_word_is_no_mention_of_it() -> None:
    # "ms" ends "symptoms", "als" ends "trials": the follow-up still needs the condition.
    assert standalone_question("what symptoms can it cause?", ["How does OA damage joints?"]) == (
        "what symptoms can OA cause?"
    )
    assert standalone_question("which trials tested it?", ["Is ALS inherited?"]) == (
        "which trials tested ALS?"
    )
    # Its plural is a mention: "hips" names the hip talked about.
    assert mentions("do stem cells help sore hips?", "hip")
    assert not mentions("what symptoms show?", "MS")


def test_they_without_research_means_the_treatment_named_last() -> None:
    story = "Massage did little for my neck pain. A neighbour mentioned stem cell injections."
    asked = standalone_question("have they been tried?", [story])
    assert asked == "have stem cell injections for neck pain been tried?"


def test_a_demonstrative_keeps_its_noun_when_the_topic_is_not_research() -> None:
    asked = standalone_question("Who reported those findings?", ["Is gout caused by crystals?"])
    assert asked == "Who reported the findings on gout?"


def test_a_word_saying_what_is_done_is_not_part_of_the_condition() -> None:
    assert conditions("Does it help osteoarthritis?") == ["osteoarthritis"]
    assert conditions("Can it ease knee pain?") == ["knee pain"]


def test_the_second_question_of_a_message_is_about_what_the_first_is_about() -> None:
    _, second = read_message(
        "What did the elbow tendinitis trial measure, and were there complications?"
    ).questions
    assert second == "were there complications, in the elbow tendinitis trial?"


def test_that_joining_a_clause_is_no_reference() -> None:
    earlier = ["How is gout treated?"]
    assert standalone_question("Is there a pill that dissolves crystals?", earlier) == (
        "Is there a pill that dissolves crystals?"
    )
    assert standalone_question("is that safe?", earlier) != "is that safe?"


def test_a_lone_pronoun_beside_the_messages_own_condition_takes_only_the_treatment() -> None:
    earlier = ["Are stem cell injections offered for tennis elbow?"]
    assert standalone_question("Is it safe for psoriasis?", earlier) == (
        "Is stem cell injections safe for psoriasis?"
    )
    assert standalone_question("Is it safe for gout?", ["What is gout?"]) == "Is it safe for gout?"


def test_a_question_without_a_word_of_its_own_in_a_story_is_not_searched() -> None:
    message = (
        "Why me? I was told last month that I have gout. Is there a trial of stem cells for it?"
    )
    (question,) = read_message(message).questions
    assert question.startswith("Is there a trial of stem cells for") and "gout" in question


def test_a_part_too_thin_to_search_alone_keeps_the_message_whole() -> None:
    message = "Who runs the sleep laboratory here and what are his hours?"
    assert read_message(message).questions == (message,)


def test_a_follow_up_of_two_words_of_its_own_is_about_the_condition_talked_about() -> None:
    context = ["Is the knee injection for gout given under sedation?"]
    assert standalone_question("were there complications?", context) == (
        "were there complications, in gout?"
    )
    assert standalone_question("did anyone have side effects", context) == (
        "did anyone have side effects, in gout?"
    )
    # Three words of its own are a question of its own.
    question = "What are mesenchymal stromal cells?"
    assert standalone_question(question, context) == question


def test_a_story_gives_the_condition_told_next_to_what_the_question_asks_about() -> None:
    (question,) = read_message(
        "I have had gout for years and my doctor says it's tendinitis in my elbow too. "
        "Would an injection help the elbow?"
    ).questions
    assert question == "Would an injection help the elbow, for tendinitis?"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("my mum's gout", ["gout"]),
        ("the doctor says it's tendinitis", ["tendinitis"]),
        ("she has Crohn's disease", ["Crohn's disease"]),
    ],
)
def test_a_possessive_or_contraction_before_a_condition_is_not_part_of_it(
    text: str, named: list[str]
) -> None:
    assert conditions(text) == named


def test_that_study_after_a_question_naming_none_is_the_research_the_answer_quoted() -> None:
    quoted = research_quoted(
        "In a study of people with gout who received their own cells, flares became rarer."
    )
    assert quoted == "a study on gout"
    context = ["Do the injections for gout use the patient's own cells?"]
    asked = standalone_question("how many people were in that study?", context, quoted=quoted)
    assert asked == "how many people were in a study on gout?"
    # A question that named its research keeps it.
    context = ["What did the elbow tendinitis trial measure?"]
    asked = standalone_question("who ran that study?", context, quoted=quoted)
    assert "elbow tendinitis trial" in asked
    assert research_quoted("Cold packs ease the swelling of gout.") == ""


def test_its_after_a_phrase_about_a_condition_is_the_condition() -> None:
    earlier = ["What happens in the later stages of gout?"]
    asked = standalone_question("What is usually its first symptom?", earlier)
    assert asked == "What is usually gout's first symptom?"
    # Research keeps its name.
    asked = standalone_question("What did its authors conclude?", ["What did the gout trial find?"])
    assert asked == "What did the gout trial's authors conclude?"


def test_that_study_after_an_answer_crediting_authors_is_their_research() -> None:
    quoted = research_quoted("Okafor et al. showed that ice baths eased pain in gout.")
    assert quoted == "the research by Okafor et al."
    # "Did anyone study ...": the verb names no research, so the answer's research is meant.
    context = ["Did anyone study ice baths in gout?"]
    asked = standalone_question("who did that study?", context, quoted=quoted)
    assert asked == "who did the research by Okafor et al.?"
    # A condition named after someone credits no one with a finding.
    assert research_quoted("Ice baths eased the pain of Bell’s palsy and of gout.") == ""
    assert research_quoted("Zhou’s team found ice baths eased gout.") == (
        "the research by Zhou et al."
    )


@pytest.mark.parametrize(
    ("message", "question"),
    [
        (
            "my uncle has had bad gout in his toe for years, could an injection ease it",
            "could an injection ease gout",
        ),
        ("I was told I have lupus, what are my options?", "what are my options, for lupus?"),
        ("We're both 70 and my wife has tendinitis; is surgery the only fix?",
         "is surgery the only fix, for tendinitis?"),
    ],
)  # fmt: skip
def test_a_clause_about_the_writer_before_the_question_is_story(
    message: str, question: str
) -> None:
    assert read_message(message).questions == (question,)
    assert story_and_questions(message)[0].endswith(".")


def test_a_clause_that_is_no_story_stays_in_the_question() -> None:
    for message in (
        "After the injection into the knee, how long does recovery take?",
        "For people with gout, do stem cells work?",
        "I have had back pain for ten years, and it is bad.",
    ):
        assert read_message(message).questions == (message,)


def test_lupus_is_a_condition_however_it_is_written() -> None:
    assert conditions("My cousin's lupus flares in winter") == ["lupus"]
    assert standalone_question("and lupus?", ["tell me about gout"]) == "tell me about lupus"


def test_which_ones_means_what_the_last_question_named() -> None:
    context = ["Can stem cells help inflammatory diseases?"]
    assert standalone_question("which ones were tested?", context) == (
        "which inflammatory diseases were tested?"
    )
    assert standalone_question("Which ones have the best results?", context).startswith(
        "Which inflammatory diseases"
    )
    # "ones" after another word is no reference.
    question = "are the new ones safer?"
    assert "inflammatory" not in standalone_question(question, context).split("ones")[0]


def test_a_one_word_part_that_names_what_it_asks_about_is_a_question_of_its_own() -> None:
    assert read_message("What is tocilizumab? And what is rituximab?").questions == (
        "What is tocilizumab?",
        "What is rituximab?",
    )
    assert read_message("what is gout and what is lupus?").questions == (
        "what is gout?",
        "what is lupus?",
    )


def test_is_that_true_after_a_story_asks_about_what_the_story_says() -> None:
    message = (
        "My knees have ached for years and nothing has worked. My neighbour told me that "
        "an injection of stem cells lasts longer than a steroid shot. Is that true?"
    )
    (question,) = read_message(message).questions
    assert (
        question
        == "Is it true that an injection of stem cells lasts longer than a steroid shot, for knees?"
    )


@pytest.mark.parametrize(
    ("message", "disputed"),
    [
        (
            "My brother keeps asking whether gout can spread to the knees. I told him no. "
            "Who is right?",
            "Is it true that gout can spread to the knees?",
        ),
        (
            "At the club we argued about if lupus is contagious, or not. "
            "What does the research say?",
            "Is it true that lupus is contagious?",
        ),
    ],
)
def test_who_is_right_after_a_story_asks_what_was_disputed(message: str, disputed: str) -> None:
    (question,) = read_message(message).questions
    assert question.startswith(disputed)


def test_who_is_right_with_nothing_disputed_is_asked_as_it_is() -> None:
    (question,) = read_message("My brother has gout and I have lupus. Who is right?").questions
    assert not question.startswith("Is it true that")


def test_is_that_true_after_a_question_is_left_to_the_reference_rules() -> None:
    earlier = ["Do stem cells help gout?"]
    assert not standalone_question("Is that true?", earlier).startswith("Is it true that")


def test_they_after_a_study_the_question_names_are_its_researchers() -> None:
    context = ["How are tennis elbow injections given?"]
    question = "What did the trial show when they gave a second dose to the elbow?"
    assert standalone_question(question, context).startswith(question[:-1])


def test_a_question_joined_with_also_that_names_its_topic_stands_alone() -> None:
    context = ["What causes gout flares?"]
    question = "Also, how were the kidney stones in the diet study measured?"
    assert standalone_question(question, context) == question
    # Too few words of its own: about what the conversation is about.
    assert standalone_question("And any side effects?", context) != "And any side effects?"


def test_the_second_question_of_a_message_naming_its_own_topic_stands_alone() -> None:
    _, second = read_message(
        "What causes gout flares? And where did the cells in the tendon study come from?"
    ).questions
    assert second == "And where did the cells in the tendon study come from?"


def test_the_disease_is_a_reference_to_the_condition_talked_about() -> None:
    assert conditions("Does it cure the disease?") == []
    earlier = ["Is there a drug that slows tendinitis down?"]
    assert standalone_question("Does it cure the disease?", earlier) == (
        "Does a drug for tendinitis cure the disease?"
    )


def test_a_drug_for_a_condition_is_no_condition() -> None:
    assert conditions("do painkillers work for it?") == []
    assert conditions("is a disease modifying treatment better?") == []
    assert standalone_question("do painkillers work for it?", ["Is gout common?"]) == (
        "do painkillers work for gout?"
    )


def test_a_question_naming_part_of_the_condition_told_is_not_given_it() -> None:
    story = "I lift weights and the scan shows a tear in my rotator cuff. Can the cuff heal?"
    assert conditions(story) == ["rotator cuff"]
    (question,) = read_message(story).questions
    assert question == "Can the cuff heal?"
    # Naming only the kind of condition ("disease") does not say which.
    (question,) = read_message(
        "My aunt has had Behcet's disease for years. Could cells help her disease?"
    ).questions
    assert question.endswith("for Behcet's disease?")


def test_a_pronoun_after_a_named_drug_keeps_the_drugs_name() -> None:
    message = (
        "My aunt has had gout for years. Her doctor gave her the drug colchicine last week. "
        "How does it work?"
    )
    (question,) = read_message(message).questions
    assert "colchicine" in question
    # A common word after the treatment is no name: "stem cell injections | helped".
    other = read_message("Stem cell injections helped my friend. Do they work for gout?")
    assert [q.lower() for q in other.questions] == ["do stem cell injections work for gout?"]


def test_a_run_on_story_without_a_question_mark_asks_after_its_last_told_clause() -> None:
    message = (
        "my shoulder has been stiff since I fell off a ladder, the pills upset my stomach, "
        "I really want to avoid surgery, is there any trial of stem cells for frozen shoulder"
    )
    story, questions = story_and_questions(message)
    assert questions == ["is there any trial of stem cells for frozen shoulder"]
    assert "ladder" in story and "surgery" in story


def test_which_noun_that_is_part_of_the_condition_is_not_said_twice() -> None:
    assert topic_of("Which autoimmune diseases were studied?") == "autoimmune diseases"
    assert topic_of("Which creams were tried for psoriasis?") == "creams for psoriasis"


def test_a_follow_up_searched_as_typed_can_fall_back_on_the_conversations_topic() -> None:
    earlier = ["What is gout?"]
    (part,) = read_message("what happens in the late stages?", earlier).parts
    assert not part.leaned and part.fallback == "what happens in the late stages, in gout?"
    # A leaned reading is its own fallback (the engine may search the typed words first).
    (thin,) = read_message("which route worked?", earlier).parts
    assert thin.leaned and thin.fallback == thin.standalone
    # Nothing to fall back on: a condition of its own, or no conversation.
    assert read_message("what happens in late lupus?", earlier).parts[0].fallback == ""
    assert read_message("what happens in the late stages?").parts[0].fallback == ""


def test_a_story_naming_only_a_body_part_lends_it_to_the_question() -> None:
    message = (
        "I lifted boxes in a warehouse for twenty years and my lower back is wrecked. "
        "Would stem cells work as well as an operation?"
    )
    (question,) = read_message(message).questions
    assert question == "Would stem cells work as well as an operation, for lower back?"


def test_a_request_asks_beside_a_question() -> None:
    message = "Explain what a gout flare is. Also, how long does one last?"
    assert story_and_questions(message) == (
        "",
        ["Explain what a gout flare is.", "Also, how long does one last?"],
    )
    # A sentence that tells is still story.
    told = "My dad was told to explain his symptoms. Is gout painful?"
    assert story_and_questions(told) == (
        "My dad was told to explain his symptoms.",
        ["Is gout painful?"],
    )


def test_an_abbreviations_dot_ends_no_sentence() -> None:
    message = "Who first treated gout with stem cells, and what did Okafor et al. report?"
    assert story_and_questions(message) == (
        "",
        ["Who first treated gout with stem cells?", "what did Okafor et al. report?"],
    )
    assert sentences("Dr. Lee said so, e.g. twice. I have MS. Then?") == [
        "Dr. Lee said so, e.g. twice.",
        "I have MS.",
        "Then?",
    ]


def test_a_dot_inside_a_number_or_a_name_ends_no_sentence_and_web_addresses_are_left_out() -> None:
    assert sentences("My score went from 51.5 to 70. Is that good? See nhs.uk. Bye.") == [
        "My score went from 51.5 to 70.",
        "Is that good?",
        "See nhs.uk.",
        "Bye.",
    ]
    message = "I saw on https://example.org/gout?id=7 that stem cells cure gout. Is that true?"
    assert story_and_questions(message) == (
        "I saw on that stem cells cure gout.",
        ["Is that true?"],
    )
    assert story_and_questions("see www.example.org/a. does it help gout?")[1] == [
        "does it help gout?"
    ]


@pytest.mark.parametrize(
    ("message", "story", "questions"),
    [
        (
            "1) is it safe for gout 2) how long does it last",
            "",
            ["is it safe for gout?", "how long does it last?"],
        ),
        ("- what is gout\n- what is lupus", "", ["what is gout?", "what is lupus?"]),
        (
            "Hi\nMy son has gout\nCan stem cells help him",
            "Hi My son has gout",
            ["Can stem cells help him"],
        ),
        # A line going on in small letters goes on the sentence.
        (
            "My son has gout and\nhis doctor says it is bad. Can stem\ncells help?",
            "My son has gout and his doctor says it is bad.",
            ["Can stem cells help?"],
        ),
        ("Q: what causes gout? A friend said beer.", "A friend said beer.", ["what causes gout?"]),
        ("Quick question - is gout inherited?", "", ["is gout inherited?"]),
        ("Thanks. One more thing: is gout inherited?", "Thanks.", ["is gout inherited?"]),
        # A bracket that counts nothing from 1 or a is no list.
        ("Is gout in stage 2) or 3) painful?", "", ["Is gout in stage 2) or 3) painful?"]),
    ],
)
def test_lists_lines_and_labels_of_a_message(
    message: str, story: str, questions: list[str]
) -> None:
    assert story_and_questions(message) == (story, questions)


def test_this_in_a_story_question_is_the_condition_the_story_tells() -> None:
    message = (
        "My wife was told last week she has early gout after her big toe swelled up. "
        "Does this mean she will get kidney disease?"
    )
    (question,) = read_message(message).questions
    assert question == "Does this mean she will get kidney disease, for gout?"
    # "that" already read as the condition told is not given it twice.
    assert read_message("My dad has gout. Is that something stem cells can fix?").questions == (
        "Is gout something stem cells can fix?",
    )


def test_a_condition_abbreviation_at_the_end_of_a_sentence_ends_it() -> None:
    assert sentences("My wife has MS. Can stem cells help her?") == [
        "My wife has MS.",
        "Can stem cells help her?",
    ]


def test_back_in_hold_back_or_grow_back_is_no_body_part() -> None:
    assert body_parts("Can cartilage grow back after an injury?", own=False) == []
    assert body_parts("Which cells do steroids hold back?", own=False) == []
    assert body_parts("What helps the back after a fall?", own=False) == ["back"]
    assert body_parts("why is the lower back so stiff?", own=False) == ["lower back"]
    # So a follow-up's "which ones" is not read as "which back".
    asked = standalone_question(
        "which ones do they switch on?", ["Which cells do steroids hold back?"]
    )
    assert "back" not in asked


def test_a_follow_ups_own_words_leave_out_everyday_english_and_what_it_points_back_at() -> None:
    known = {"effect", "steroid", "inject", "studi", "patient", "sever", "ill", "poor", "type"}
    assert {"effect", "steroid", "inject"} <= own_words(
        "How long do the effects of a cortisone shot last?", known
    )
    assert own_words("who did that study?", known) == frozenset()
    assert own_words("were those patients very ill?", known) == {"sever", "ill"}
    assert own_words("what did they find?", known) == frozenset()
    assert own_words("what kinds are there?", known) == {"type"}


def test_they_after_a_question_naming_things_in_the_plural_are_those_things() -> None:
    context = ["What does gout do to the joints?"]
    assert standalone_question("do they swell up too?", context) == (
        "do the joints in gout swell up too?"
    )
    # "of" keeps what the things belong to; "get" with no object is no research verb.
    context = ["What are the side effects of antibiotics?"]
    assert standalone_question("do they get worse with age?", context) == (
        "do the side effects of antibiotics get worse with age?"
    )
    # "get" with an object is what researchers do: their research.
    context = ["Tell me about the eczema trial."]
    assert standalone_question("how did they get their samples?", context) == (
        "how did the eczema trial get their samples?"
    )


def test_them_after_a_drug_class_is_the_drug_class() -> None:
    context = ["What do opioids do for gout?"]
    assert standalone_question("why not take them every day?", context) == (
        "why not take opioids for gout every day?"
    )
    # "it" after a story of a drug the patient fears is the treatment asked about.
    reading = read_message("I have gout and I'm scared of the opioids. Is it safe?")
    assert "opioids" not in reading.parts[0].standalone


def test_that_joining_a_clause_is_no_part_of_the_treatment_named() -> None:
    assert treatments("Has it been proven that stem cells work for gout?") == ["stem cells"]
    assert treatments("is that stem cell therapy safe?") == ["that stem cell therapy"]
    reading = read_message("Has it been proven that stem cells work for gout, and can I get them?")
    assert reading.questions[1] == "can I get stem cells, in gout?"


def test_a_hyphenated_word_before_a_condition_word_is_part_of_its_name() -> None:
    assert conditions("Do stem cells help long-lasting pain?") == ["long-lasting pain"]


def test_a_stopword_contracted_is_no_word_of_the_question_s_own() -> None:
    # "what's" is "what": the follow-up has two words of its own, so it is about the topic.
    context = ["Why is gout so hard to treat?"]
    assert standalone_question("what's the usual thing clinics try?", context) == (
        "what's the usual thing clinics try, in gout?"
    )
    assert content("what's it like? isn't it? can't they? I'm fine") == ["like", "fine"]
    assert content("the patient's cells") == ["patient's", "cells"]


def test_the_one_before_a_noun_says_what_it_is_and_points_at_nothing() -> None:
    context = ["Tell me about the eczema trial."]
    assert standalone_question("was the one itch score enough?", context) == (
        "was the one itch score enough, in the eczema trial?"
    )
    assert standalone_question("what happened in the one where they used cream?", context) == (
        "what happened in the eczema trial where they used cream?"
    )


def test_an_and_naming_the_same_condition_asks_a_question_of_its_own() -> None:
    reading = read_message("how do stem cells help in gout? and is there a cure for gout yet")
    assert reading.questions == ("how do stem cells help in gout?", "Is there a cure for gout yet")
    # Another condition is a swap; a question of its own naming another is no swap.
    swapped = standalone_question("and for lupus?", ["Is stem cell treatment safe for gout?"])
    assert swapped == "Is stem cell treatment safe for lupus?"
    later = standalone_question("and how many of those people get lupus later?", ["What is gout?"])
    assert later == "How many of the people with gout get lupus later?"
    about = standalone_question("and what about for lupus?", ["Which drug slows gout down?"])
    assert about == "Which drug slows lupus down?"


def test_a_follow_up_saying_only_when_is_the_question_before_qualified() -> None:
    earlier = ["Does gout hurt all the time?"]
    assert standalone_question("what about at the start?", earlier) == (
        "Does gout hurt all the time, at the start?"
    )
    # Said the other way round from the question before, it is of the condition alone.
    later = ["What happens in the later stages of gout?"]
    assert standalone_question("and early on?", later) == "Early on, in gout?"


def test_these_cells_are_the_stem_cells_named_or_the_cells_of_the_study() -> None:
    story = "I have had lupus for years. Friends keep sending me stem cell articles."
    asked = read_message(f"{story} What do these cells actually do to the immune system?")
    assert asked.questions == ("What do stem cells actually do to the immune system, for lupus?",)
    study = standalone_question(
        "where did those cells come from?", ["Tell me about the tendon trial."]
    )
    assert study == "where did the cells in the tendon trial come from?"


def test_the_pain_beside_a_reference_is_the_pain_of_what_it_stands_for() -> None:
    asked = standalone_question("what happens to the pain as it progresses?", ["What is gout?"])
    assert asked == "what happens to the pain as gout progresses?"
    # "the gout drug" names a drug: gout is the question's own
    asked = "will the gout drug my doctor wants me on cure it?"
    assert standalone_question(asked, ["A quick question before my appointment."]) == asked
    # a condition without "the" is the question's own
    asked = standalone_question("is it safe for neck pain?", ["Are stem cell shots for gout safe?"])
    assert asked.endswith("safe for neck pain?") and "gout" not in asked


def test_it_that_hurts_is_the_part_of_the_body_told_of() -> None:
    story = "My elbow has been sore since a fall and the scan shows a torn tendon."
    asked = read_message(f"{story} Is the tendon why it hurts so much?")
    assert asked.questions == ("Is the tendon why the elbow hurts so much?",)
    # With no part of the body told of, the condition; asked what it does, still the treatment.
    assert standalone_question("why does it ache at night?", ["What is gout?"]) == (
        "why does gout ache at night?"
    )
    assert standalone_question("is it safe?", ["What is gout?"]) == (
        "is stem cell treatment for gout safe?"
    )


def test_why_or_how_that_happens_asks_of_the_whole_question_before() -> None:
    earlier = ["Can anything heal a torn tendon?"]
    assert standalone_question("why not?", earlier) == "Why not? Can anything heal a torn tendon?"
    assert standalone_question("and how come?", earlier) == (
        "How come? Can anything heal a torn tendon?"
    )
    causes = ["Which joints does gout attack?"]
    assert standalone_question("how does that happen?", causes) == (
        "How does that happen? Which joints does gout attack?"
    )
    # A question with words of its own is read as before.
    assert standalone_question("why does it hurt at night?", ["What is gout?"]) == (
        "why does gout hurt at night?"
    )


def test_the_cells_after_a_study_named_by_its_authors_are_that_studys() -> None:
    assert standalone_question("how were the cells given?", ["What did Okafor et al. show?"]) == (
        "how were the cells given, in the research by Okafor et al.?"
    )


def test_the_one_of_kinds_named_before_is_one_kind_of_the_thing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Asked of one kind, the question is about the thing, not about the list of its kinds.
    kinds = ["What are the types of gout?"]
    assert standalone_question("what happens in the one where toes swell?", kinds) == (
        "what happens in gout where toes swell?"
    )
    assert standalone_question("which one lasts for years?", ["What kinds of gout are there?"]) == (
        "which gout lasts for years?"
    )
    # "That type" is the kind named before (the term table's kinds; here a made-up one),
    # whole or by its own words where the thing it is a kind of is named; else the thing.
    monkeypatch.setattr(conditions_module, "_kinds", lambda: {"tophaceous gout": "gout"})
    kind = standalone_question("does that kind get worse?", ["What is tophaceous gout?"])
    assert kind == "does tophaceous gout get worse?"
    assert standalone_question("can a diet help that type?", kinds) == "can a diet help gout?"
    story = "Dad has had gout for years and his doctor calls it tophaceous."
    reading = read_message(f"{story} Do stem cells help that type?")
    assert reading.questions == ("Do stem cells help tophaceous gout?",)
    # "Which one" of no kinds is asked of what the conversation is about.
    assert standalone_question("which one lasts for years?", ["Tell me about the gout trial."]) == (
        "which one lasts for years, in the gout trial?"
    )


def test_a_second_question_about_nothing_of_its_own_takes_what_the_first_asks_about() -> None:
    # No condition or research is named: what the first question asks about is the topic.
    reading = read_message("What do stem cells do for the skin, and are they safe?")
    assert reading.questions[1] == "are stem cells safe, in the skin?"
    # A second question naming a thing of its own asks about that thing.
    reading = read_message("What is exercise therapy, and what is acupuncture?")
    assert reading.questions[1] == "what is acupuncture?"


def test_a_question_asked_with_a_verb_names_no_noun_for_later_turns() -> None:
    assert topic_of("What happens to the knee in gout?") == "gout"
    assert topic_of("What causes gout?") == "gout"
    assert topic_of("Which drugs treat gout?") == "drugs for gout"


def test_a_clause_saying_when_or_if_belongs_to_the_question_it_leads_to() -> None:
    story, questions = story_and_questions("My dad has gout, if he takes the pills, will it stop?")
    assert story == "My dad has gout." and questions == ["if he takes the pills, will it stop?"]
    story, questions = story_and_questions(
        "My aunt has gout. She asked me to find out: once an attack starts, does it go away?"
    )
    assert questions == ["once an attack starts, does it go away?"]
    assert story == "My aunt has gout. She asked me to find out."


def test_a_kind_of_a_condition_named_by_its_short_name_is_the_condition_named() -> None:
    assert conditions("What is relapsing-remitting MS?") == ["relapsing-remitting MS"]
    assert conditions("is secondary progressive MS rare?") == ["secondary progressive MS"]
    assert conditions("my MS is mild") == ["MS"]
    # So a follow-up's "it" is that kind, not MS at large.
    follow_up = standalone_question("does it get worse?", ["What is primary progressive MS?"])
    assert follow_up == "does primary progressive MS get worse?"


def test_the_subject_of_a_question_with_its_verb_first_ends_before_what_is_said_of_it() -> None:
    from mscqa.answers.phrases import determiner_phrases

    assert determiner_phrases("Why is the uric acid level important?") == ["the uric acid level"]
    assert determiner_phrases("Is the gout drug a cure?") == ["the gout drug"]
    assert determiner_phrases("why are the gout drugs so limited?") == ["the gout drugs"]
    assert determiner_phrases("What is the uric acid level?") == ["the uric acid level"]
    follow_up = standalone_question("and when does it go wrong?", ["Why is the kidney important?"])
    assert follow_up == "When does the kidney go wrong?"


def test_they_after_a_plural_opening_the_question_is_that_plural() -> None:
    earlier = ["urate gels in gout research - what's the idea?"]
    assert "urate gels" in standalone_question("so what might they do for the toes?", earlier)
    # A word of the question's frame opening it ("does") is no plural named.
    assert standalone_question("do they hurt?", ["does gout hurt?"]) == "do gout hurt?"


def test_a_phrase_ends_before_a_clause_saying_when() -> None:
    from mscqa.answers.phrases import determiner_phrases

    asked = "What happens in the toe when gout gets bad?"
    assert determiner_phrases(asked) == ["the toe"]
    assert standalone_question("can it fail completely?", [asked]) == "can gout fail completely?"


def test_they_after_a_plural_the_question_asked_about_is_that_plural() -> None:
    from mscqa.answers.references import plural_referent

    assert plural_referent("What happens to tendons in gout?", "") == ("tendons", "in")
    assert standalone_question("do they tear?", ["What happens to tendons in gout?"]) == (
        "do tendons in gout tear?"
    )


def test_a_second_question_asking_for_something_instead_leans_on_the_first() -> None:
    message = "Can gout drugs cure it, and why are doctors trying diets instead?"
    assert read_message(message).parts[1].standalone == (
        "why are doctors trying diets instead, in gout?"
    )
    # Without "instead", words enough of its own: searched as typed.
    other = "Can gout drugs cure it, and why are doctors trying diets for years?"
    assert read_message(other).parts[1].standalone == "why are doctors trying diets for years?"


def test_a_follow_up_joined_with_and_is_about_the_conversations_topic() -> None:
    context = ["Does gout run in families?"]
    joined = standalone_question("and what does the uric acid crystal do?", context)
    assert joined.lower() == "and what does the uric acid crystal do, in gout?"
    # One that names a condition or research of its own stands alone.
    assert standalone_question("and what does the uric acid do in lupus?", context) == (
        "and what does the uric acid do in lupus?"
    )


def test_a_follow_up_that_turns_the_topic_round_keeps_only_its_condition() -> None:
    context = ["What happens in the late stages of gout?"]
    assert standalone_question("and early on?", context) == "Early on, in gout?"
    # One that does not turn it round keeps the whole topic.
    assert "late stages" in standalone_question("and how long do they last?", context)


def test_that_before_how_or_why_is_what_was_told_and_stays() -> None:
    story = "My father has been on injections since his gout began. Is that how gout usually goes?"
    assert read_message(story).parts[0].standalone == "Is that how gout usually goes?"
    # A "that" that stands for a thing still takes it.
    assert "steroid" in standalone_question("is that safe?", ["Can I have a steroid shot?"])


def test_an_adjective_naming_a_condition_keeps_its_noun() -> None:
    assert conditions("Can stem cells help arthritic fingers?") == ["arthritic fingers"]
    assert conditions("is my thumb arthritic?") == ["arthritic"]
    earlier = ["Can stem cells help arthritic fingers?"]
    asked = standalone_question("and does the swelling go down?", earlier)
    assert asked == "Does the swelling go down, in arthritic fingers?"


def test_that_after_a_why_question_is_its_subject() -> None:
    earlier = "Why do grafted kidneys fail?"
    assert topic_of(earlier) == "grafted kidneys"
    assert standalone_question("has anyone tried stem cells for that?", [earlier]) == (
        "has anyone tried stem cells for grafted kidneys?"
    )
    # A subject of everyday words names nothing a later "that" could stand for.
    assert topic_of("Why do people wake up at night?") == ""


def test_the_last_question_of_a_message_may_go_without_its_mark() -> None:
    message = "Does gout come back after surgery? and is it worse in winter"
    assert story_and_questions(message)[1] == [
        "Does gout come back after surgery?",
        "and is it worse in winter",
    ]
    # A last sentence that tells, with its full stop or as an exclamation, stays story.
    for told in ("When I asked, the nurse said no", "What a week it has been", "Is it. Fine."):
        assert story_and_questions(f"Does gout come back after surgery? {told}")[1] == [
            "Does gout come back after surgery?"
        ]


def test_that_judged_after_a_question_for_a_finding_is_the_finding() -> None:
    earlier = ["What did the researchers conclude about stem cells for gout?"]
    assert read_message("is that good news?", earlier).questions == (
        "is what the researchers concluded about stem cells for gout good news?",
    )
    assert read_message("is that true?", ["What did Okafor et al. show?"]).questions == (
        "is what Okafor et al. showed true?",
    )
    # Asked where or how it was done, "that" is the research; after any other question, its
    # topic.
    assert (
        "showed"
        not in read_message("where was that done?", ["What did Okafor et al. show?"]).questions[0]
    )
    assert read_message("is that common?", ["What is gout?"]).questions == ("is gout common?",)
    # What a thing does to another is the answer too: "why does that matter?" asks of it.
    doing = ["What do the gout tablets do to uric acid?"]
    assert read_message("and why does that matter?", doing).questions == (
        "Why does what the gout tablets do to uric acid matter?",
    )
    assert read_message("why does that matter?", ["What is gout?"]).questions == (
        "why does gout matter?",
    )


def test_worse_than_that_is_searched_with_the_question_before() -> None:
    earlier = ["Does gout ever need surgery?"]
    assert read_message("and can it get worse than that?", earlier).questions == (
        "Can gout get worse than that? Does gout ever need surgery?",
    )
    assert read_message("is it as bad as that?", earlier).questions[0].endswith(earlier[0])
    # "that" anywhere else is read as before.
    assert read_message("is that common?", ["What is gout?"]).questions == ("is gout common?",)


def test_the_knee_one_is_one_of_what_was_asked_about() -> None:
    assert standalone_question(
        "and how many took part in the asthma one?", ["What is a cohort study?"]
    ) == ("How many took part in the asthma study?")
    assert standalone_question("is the newer one any better?", ["Which tablets ease gout?"]) == (
        "is the newer tablets any better?"
    )
    # "this one" points back whatever follows it.
    this_one = find_reference("is this one safe?")
    assert this_one is not None and this_one.group() == "this one"
    # "the one hip score" names what it is.
    assert standalone_question("what did the one hip score show?", ["What is a hip score?"]) == (
        "what did the one hip score show?"
    )


def test_research_dated_by_a_year_keeps_its_year() -> None:
    assert standalone_question("what did they find?", ["Who ran the gout trial in 2015?"]) == (
        "what did the gout trial in 2015 find?"
    )


def test_a_good_one_is_one_of_what_was_asked_about() -> None:
    assert standalone_question("what counts as a good one?", ["What is FEV1?"]) == (
        "what counts as a good FEV1?"
    )


def test_a_short_follow_up_with_no_topic_to_lean_on_takes_the_question_before() -> None:
    assert standalone_question("give me some examples", ["Can diet cause disease?"]) == (
        "give me some examples? Can diet cause disease?"
    )
    # Asking for something other than what the question before asked about, it stays alone.
    assert standalone_question("are there other options?", ["Can diet cause disease?"]) == (
        "are there other options?"
    )
    # With a condition to lean on, it takes the condition.
    assert standalone_question("any side effects?", ["Can stem cells help gout?"]) == (
        "any side effects, in gout?"
    )
    # Naming what the question before asked about, it needs nothing more.
    assert standalone_question("can the platelets turn against us?", ["Do platelets clot?"]) == (
        "can the platelets turn against us?"
    )


def test_what_is_used_for_this_is_the_condition() -> None:
    story = "I have had gout for years and the tablets upset my stomach."
    assert read_message(f"{story} What is normally used for this?").questions == (
        "What is normally used for gout?",
    )
    assert standalone_question(
        "is there anything for it?", ["What are the first signs of gout?"]
    ) == ("is there anything for gout?")
    # What "it" is used for is still the thing asked about.
    assert standalone_question("what is it used for?", ["What is riluzole?"]) == (
        "what is riluzole used for?"
    )


def test_that_of_what_the_story_tells_stays_and_the_disease_is_the_condition() -> None:
    story = "My father has had gout for years. Now his toes swell up at night."
    assert read_message(f"{story} Is that part of the disease?").questions == (
        "Is that part of gout? Now his toes swell up at night.",
    )


def test_the_worst_one_of_kinds_is_that_kind() -> None:
    assert standalone_question(
        "which is the worst one?", ["What are the three types of gout?"]
    ) == ("which is the worst type of gout?")


def test_a_time_asked_about_is_swapped_for_the_follow_ups() -> None:
    earlier = ["Was the gout pain lower at 1 year?"]
    assert standalone_question("and after 5 years?", earlier) == (
        "Was the gout pain lower after 5 years?"
    )
    # With no time in the question before, the follow-up qualifies it.
    assert standalone_question("and at the start?", ["Does gout hurt all the time?"]) == (
        "Does gout hurt all the time, at the start?"
    )


def test_they_of_a_dated_study_are_that_studys() -> None:
    earlier = ["Where were the cells injected in the gout study from 2015?"]
    assert standalone_question("and what kind were they?", earlier) == (
        "What kind were the cells in the gout study from 2015?"
    )


def test_a_question_after_a_colon_is_asked_apart_from_what_leads_into_it() -> None:
    message = "I've read a lot about gout. My question is simple: what do the tablets actually do?"
    assert story_and_questions(message) == (
        "I've read a lot about gout. My question is simple.",
        ["what do the tablets actually do?"],
    )
    assert story_and_questions("I'm not asking about diet, just: why does gout come back?")[1] == [
        "why does gout come back?"
    ]
    # A colon that leads into no question stays in its sentence.
    assert story_and_questions("Note: the clinic is closed. Why does gout come back?") == (
        "Note: the clinic is closed.",
        ["Why does gout come back?"],
    )


def test_one_that_a_verb_does_is_one_of_what_was_asked_about() -> None:
    assert standalone_question("why would they run one for gout?", ["What is a cohort study?"]) == (
        "why would they run a study for gout?"
    )
    assert standalone_question("should I get one?", ["What does an MRI scan show?"]).startswith(
        "should I get a scan?"
    )
    # "one of", "one more" and "one day" are no such "one".
    assert "do one of those" in standalone_question(
        "did they do one of those?", ["What is a cohort study?"]
    )


def test_what_that_achieves_asks_of_the_whole_question_before() -> None:
    earlier = ["What do the injected cells do to the tendon?"]
    assert standalone_question("and what does that achieve?", earlier) == (
        "What does that achieve? What do the injected cells do to the tendon?"
    )


def test_the_thing_a_question_with_does_asks_about_ends_before_its_verb() -> None:
    assert determiner_phrases("Why does the knee cartilage wear out?") == ["the knee cartilage"]
    assert determiner_phrases("What does the spleen filter?") == ["the spleen"]
    assert (
        standalone_question("and can it heal itself?", ["Why does the knee cartilage break down?"])
        == "Can the knee cartilage heal itself?"
    )


def test_a_follow_ups_own_words_take_what_the_term_tables_phrases_say() -> None:
    known = {"first", "symptom", "earli", "stage"}
    # "early on" says "first": a quote of the first symptom says what the patient asked.
    assert "first" in own_words("and what about early on?", known)
    # With no telling word of its own a follow-up has none from a phrase either.
    assert own_words("and what about it?", known) == frozenset()


def test_that_drug_is_the_drug_named_before() -> None:
    story = "My dad has gout and his doctor prescribed colchicine. Does that drug stop flares?"
    assert read_message(story).questions[0].startswith("Does colchicine stop flares")
    earlier = ["She is on prednisolone for her lupus."]
    assert standalone_question("is this drug safe long term?", earlier).startswith(
        "is prednisolone safe long term"
    )
    # With no drug named, "that drug" is read as before.
    assert "colchicine" not in standalone_question("does that drug help?", ["What is gout?"])


def test_drug_names_by_their_family_ending_or_after_taking() -> None:
    assert drug_names("He takes colchicine and was given adalimumab.") == [
        "colchicine",
        "adalimumab",
    ]
    assert drug_names("I started running and am taking things slowly.") == []


def test_the_theory_behind_that_asks_of_the_whole_question_before() -> None:
    earlier = ["Could colchicine help people with gout?"]
    assert standalone_question("what's the theory behind that?", earlier) == (
        "What's the theory behind that? Could colchicine help people with gout?"
    )
    assert standalone_question("what good does that do?", earlier) == (
        "What good does that do? Could colchicine help people with gout?"
    )
    # A "that" after a preposition points back ("besides that"); after a noun it joins a clause.
    besides = find_reference("is there anything besides that for gout?")
    assert besides is not None and besides.group() == "that"
    assert find_reference("a drug that eases gout") is None


def test_no_drug_is_read_into_research_on_a_topic() -> None:
    assert drug_names("Is there research on tendinopathy?") == []
    assert drug_names("They put him on zolbutrin last week.") == ["zolbutrin"]


@pytest.mark.parametrize(
    "follow_up", ["so what's the overall verdict?", "what's the bottom line?", "What is the upshot"]
)
def test_asking_for_the_verdict_asks_what_the_results_of_the_question_before_show(
    follow_up: str, fake_engine: Engine
) -> None:
    earlier = ["Have there been large trials of colchicine for gout?"]
    assert standalone_question(follow_up, earlier) == (
        "What did the results show? Have there been large trials of colchicine for gout?"
    )
    # Its words need no article to use them: it asks of the question before.
    stats = library_stats(fake_engine.index)
    assert said_of_it(follow_up, ["verdict", "upshot"], stats)
    assert not said_of_it("what's the verdict on the cost?", ["verdict"], stats)
    # A verdict on something named is a question of its own.
    on_cost = "what's the verdict on the cost?"
    assert standalone_question(on_cost, earlier) == on_cost


def test_those_after_asking_what_is_given_for_something_are_the_treatments_for_it() -> None:
    earlier = ["What can doctors prescribe for an itchy scalp?"]
    assert standalone_question("do those work well?", earlier) == (
        "do treatments for an itchy scalp work well?"
    )
    assert standalone_question("are they safe?", earlier) == (
        "are treatments for an itchy scalp safe?"
    )
    used = ["Which drugs are used for an itchy scalp?"]
    assert standalone_question("why are they a problem?", used) == (
        "why are drugs for an itchy scalp a problem?"
    )


def test_that_after_a_sentence_naming_the_condition_points_at_what_it_tells() -> None:
    told = "My aunt has gout and lately her toes have gone red and hot at night."
    (part,) = read_message(f"{told} Is that part of gout?").parts
    assert part.told == told
    # A sentence naming the condition only is the condition, and tells nothing.
    (alone,) = read_message("My aunt has gout. Is that part of gout?").parts
    assert alone.told == ""


def test_why_does_that_happen_asks_why_what_the_story_told_last_happens() -> None:
    message = (
        "My gran has gout and her hands are sore, the knuckles have swollen up like marbles. "
        "Why does that happen?"
    )
    (part,) = read_message(message).parts
    assert part.searched == "Why the knuckles have swollen up like marbles, in gout?"
    # With nothing told beside the condition, "that" is the condition.
    (alone,) = read_message("My gran has gout. Why does that happen?").parts
    assert alone.searched == "Why does gout happen?"
    # "Is that normal?" is still searched with the sentence that tells it.
    (normal,) = read_message("My gran has gout. Her knuckles swell up. Is that normal?").parts
    assert normal.searched.endswith("Her knuckles swell up.")


def test_a_follow_up_placing_the_topic_in_time_leans_on_it(fake_engine: Engine) -> None:
    known = {"near", "toward", "end", "gout"}
    assert own_words("and near the end?", known) == frozenset()
    assert own_words("and towards the end?", known) == frozenset()
    stats = library_stats(fake_engine.index)
    assert said_of_it("and towards the end?", ["towards"], stats)
    assert standalone_question("and near the end?", ["What happens to people with gout?"]) == (
        "What happens to people with gout, near the end?"
    )
    assert {"later", "stage"} <= set(lexical_tokens("and towards the end?"))


def test_which_ones_are_the_things_the_question_before_asked_which_of() -> None:
    earlier = ["Which cells of the gut do steroids calm down?"]
    assert standalone_question("and which ones do they stir up?", earlier) == (
        "Which cells do steroids stir up?"
    )
    # A question before that asked for no things leaves "ones" alone.
    assert ones_named("which ones hurt most?", "Is gout painful?") == "which ones hurt most?"


def test_what_else_is_after_asking_whether_something_is_one_asks_what_else_is_one(
    fake_engine: Engine,
) -> None:
    earlier = ["Is gout an inflammatory arthritis?"]
    # "else" is a word no article need use: the follow-up leans on the question before.
    assert said_of_it("what else is?", ["else"], library_stats(fake_engine.index))
    assert standalone_question("what else is?", earlier) == (
        "What else is an inflammatory arthritis, besides gout?"
    )
    # It is no request for more of the last answer, which "what else is there?" is.
    assert not asks_for_more("what else is?", earlier[0])
    assert asks_for_more("what else is there?", earlier[0])
    assert asks_for_more("what else is?", "What causes gout?")


def test_that_after_a_verb_of_saying_begins_what_was_said_and_points_at_nothing() -> None:
    assert determiner_phrases("I read that gout comes in two kinds.") == []
    assert determiner_phrases("I read that article about gout.") == ["that article about gout"]
    # "that pattern" had become "that gout comes pattern"
    (part,) = read_message(
        "I read that gout comes in two kinds. What does that pattern look like?"
    ).parts
    assert "comes" not in part.standalone and "gout" in part.standalone


def test_a_word_saying_when_is_none_of_a_follow_ups_own() -> None:
    known = {"eventu", "ultim", "time", "gout", "soon", "eas"}
    assert own_words("will it go away eventually?", known) == frozenset()
    assert own_words("will it ease soon?", known) == {"eas"}


def test_a_second_question_may_open_with_a_preposition_and_a_question_word() -> None:
    _, questions = story_and_questions("Is gout common, and at what point does it need treatment?")
    assert questions == ["Is gout common?", "at what point does it need treatment?"]
    _, questions = story_and_questions("Is gout common, and from which age do men get it?")
    assert questions == ["Is gout common?", "from which age do men get it?"]


def test_the_story_sentence_a_follow_up_points_at_is_read_with_the_conversation() -> None:
    # "them" in the sentence told is what the conversation was about
    (part,) = read_message(
        "my aunt can't take them, is that normal?", ["What drugs are used for gout?"]
    ).parts
    assert part.told == "my aunt can't take drugs for gout."


def test_that_points_back_at_the_story_sentence_before_the_question() -> None:
    message = (
        "My gran has gout and her toes swell up at night. Is that part of gout? "
        "The nurse used a word for it I didn't catch."
    )
    (part,) = read_message(message).parts
    assert part.told == "My gran has gout and her toes swell up at night."


def test_those_alone_stands_for_the_things_the_question_before_named() -> None:
    # "anything newer than those?" had been read as "newer than gout"
    (part,) = read_message(
        "anything newer than those?", ["gout - where do steroids come in?"]
    ).parts
    assert part.standalone == "anything newer than steroids for gout?"


def test_is_that_a_lot_after_a_question_asking_for_an_amount_asks_of_that_amount() -> None:
    before = ["How long did the gout patients stay free of attacks?"]
    assert standalone_question("is that a long time?", before) == (
        "Is that a long time? How long did the gout patients stay free of attacks?"
    )
    # after a question asking for no amount, "that" is what the question before named
    assert "How long" not in standalone_question("is that a long time?", ["What is gout?"])


def test_other_things_asked_about_too_are_asked_of_the_question_before() -> None:
    before = ["Did the grip scores improve after the gel?"]
    assert standalone_question("did any other measures get better too?", before) == (
        "Did any other measures get better too? Did the grip scores improve after the gel?"
    )
    assert standalone_question("did anything else improve as well?", before).endswith(before[0])


def test_a_time_qualifier_qualifies_a_question_that_names_no_topic() -> None:
    before = ["the body's defences, what is their job?"]
    assert standalone_question("and over a whole lifetime?", before) == (
        "the body's defences, what is their job, over a whole lifetime?"
    )


def test_a_story_about_ones_ears_or_eyes_is_about_them() -> None:
    # "any stem cell fix?" after ringing ears had been answered about MS
    (part,) = read_message("my ears ring constantly since a gig, any stem cell fix?").parts
    assert part.standalone == "any stem cell fix, for ears?"


def test_that_happening_is_what_the_story_told_not_a_phrase_of_it() -> None:
    message = (
        "Hi, my aunt was diagnosed with gout three years ago. She's on one of the uric acid "
        "drugs but she still had two attacks this year. Does that happen a lot with gout drugs?"
    )
    (part,) = read_message(message).parts  # had been "Does acid drugs happen a lot ...?"
    assert part.standalone == "Does that happen a lot with gout drugs?"
    assert part.told.startswith("She is on one of the uric acid drugs")


def test_a_phrase_ends_before_a_verb_reporting_a_finding() -> None:
    assert determiner_phrases("An x-ray showed early gout.") == ["An x-ray"]
    assert determiner_phrases("the scan found a tear") == ["the scan", "a tear"]


def test_get_that_bad_says_how_much_of_what_the_question_before_asked() -> None:
    assert find_reference("does everyone get that bad?") is None
    assert find_reference("did they get that result?") is not None  # "that result" points back
    (part,) = read_message("does everyone get that bad?", ["why does gout cripple people?"]).parts
    assert part.standalone == "does everyone get that bad, in gout? why does gout cripple people?"


def test_a_claim_heard_about_what_was_told_is_asked_with_it() -> None:
    message = (
        "My gran's toes were sore on and off at first, now it never stops. "
        "Her doctor says that's how gout goes. Is that right?"
    )
    (part,) = read_message(message).parts
    assert part.standalone == (
        "Is it true that is how gout goes? "
        "My gran's toes were sore on and off at first, now it never stops."
    )


def test_a_phrase_ends_at_a_dash_or_a_colon() -> None:
    asked = "goat cells vs an overactive immune response - what's the mechanism"
    assert determiner_phrases(asked) == ["an overactive immune response", "the mechanism"]
    assert determiner_phrases("the gout gel: what is in it") == ["the gout gel"]


def test_the_effects_asked_after_a_treatment_named_alone_are_its_effects() -> None:
    before = ["stem cells calming the swelling down - sounds good, but"]
    (part,) = read_message("are the effects big?", before).parts
    assert part.standalone == "are the effects big, in stem cells?"
    # after a question naming no treatment, the question stands as asked
    (plain,) = read_message("are the effects big?", ["What is a grip score?"]).parts
    assert plain.standalone == "are the effects big?"


def test_they_that_are_to_be_repeated_are_the_research_named() -> None:
    message = (
        "How many patients were in the stem cell trials for gout, and will they need to be "
        "repeated?"
    )
    _, second = read_message(message).questions
    assert second == "will the stem cell trials on gout need to be repeated?"
