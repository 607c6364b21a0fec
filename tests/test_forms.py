"""Answer forms: what a question asks for, and which sentences have that form."""

from __future__ import annotations

import pytest

from mscqa.answers.definitions import defined_name, defines, what_is
from mscqa.answers.figures import measures
from mscqa.answers.forms import (
    answers_figure,
    asks_amount,
    asks_figure,
    asks_harm,
    asks_time,
    counted_noun,
    counts,
    has_form,
    leading_forms,
    question_forms,
    states_figure,
)


def names(question: str) -> set[str]:
    return {form.name for form in question_forms(question)}


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("How many patients took part?", "amount"),
        ("what was the average pain score at one year", "amount"),
        ("When was the drug approved?", "amount"),
        ("Where do the injected cells come from?", "source"),
        ("Who ran the first trial in stroke patients?", "people"),
        ("Why do knees wear out?", "reason"),
        ("What causes gout to flare?", "reason"),
        ("Does the injection help with stiffness?", "finding"),
        ("What did the trial in Japan show?", "finding"),
        ("Which kinds of blood cells are affected?", "list"),
        ("In what kinds of joints do the injections work?", "list"),
        ("What is a cytokine?", "definition"),
        ("Were there any complications after the knee injections?", "safety"),
        ("what does placebo-controlled mean", "definition"),
        ("What counts as a flare-up?", "definition"),
        ("How were the cells delivered to the spine?", "method"),
        ("how was pain measured in the trial", "method"),
        ("What is still needed before the injections can be offered?", "need"),
        ("what has to happen next in this research", "need"),
        ("Is more research required?", "need"),
        ("Were the trials in gout big enough?", "size"),
        ("and what does lowering uric acid achieve?", "purpose"),
        ("What is the point of a booster dose?", "purpose"),
        ("Why do we need cartilage at all?", "purpose"),
        ("why is synovial fluid so important", "purpose"),
        ("Did the knee study include lots of people?", "size"),
    ],
)
def test_question_forms(question: str, form: str) -> None:
    assert form in names(question)


def test_a_plain_topic_question_asks_for_no_particular_form() -> None:
    assert names("Tell me about cartilage") == set()
    assert not asks_amount("What is cartilage?")
    # A long "what is ..." question asks about something, not for a definition.
    assert "definition" not in names("What is the gentlest way to look after a sore knee?")
    assert asks_amount("How long does recovery take?")


@pytest.mark.parametrize(
    ("question", "sentence", "has_it"),
    [
        ("How many patients took part?", "The trial enrolled 159 patients.", True),
        ("How many patients took part?", "Nine studies were pooled.", True),
        ("How many patients took part?", "The trial enrolled many patients.", False),
        ("Where do the injected cells come from?", "Cells were harvested from bone marrow.", True),
        # What comes from the thing asked about says not where it comes from.
        ("Where do the platelets come from?", "Vesicles collected from platelets help.", False),
        ("Where do the platelets come from?", "Platelets taken from the blood were spun.", True),
        ("Who showed this first?", "Smith et al. showed it in 2009.", True),
        ("Who showed this first?", "It was shown in 2009.", False),
        ("Which symptoms are common?", "Fatigue, weakness, and numbness are common.", True),
        ("Which symptoms are common?", "The disease comes in three types:", True),
        (
            "What is a cytokine?",
            "Cytokines, that is, signalling proteins, guide immune cells.",
            True,
        ),
        ("What is a cytokine?", "A cohort study (i.e. one that follows a group) was run.", True),
        ("What is a cytokine?", "Cytokines are a source of inflammation.", False),
        ("Does the drug cure the disease?", "No drug is a cure for it yet.", True),
        ("What is still needed?", "Larger trials will be required to confirm it.", True),
        ("What is still needed?", "More research is needed.", True),
        ("What is still needed?", "The trial showed a benefit.", False),
        ("Were the trials big?", "The number of patients in these trials is small.", True),
        ("Were the trials big?", "The trials were often small, 15-40 patients.", True),
        ("Were the trials big?", "Some large trials have been run.", True),
        ("Were the trials big?", "The risk of side effects was small.", False),
        ("Why do knees wear out?", "The main problem in gout is that crystals form.", True),
        ("Why do knees wear out?", "Stiffness results from years of small injuries.", True),
        ("Why do knees wear out?", "The knee is a large joint.", False),
        # A list has short items; clauses between commas are none.
        ("Which diseases were treated?", "Gout, lupus, psoriasis and acne were treated.", True),
        (
            "Which diseases were treated?",
            "The worst came first, as the surgeons in both clinics had asked for it, then others.",
            False,
        ),
        # What a thing does for us answers why we need it; what it causes does not.
        ("Why do we need cartilage?", "Cartilage protects the ends of the bones.", True),
        ("Why do we need cartilage?", "Worn cartilage is the cause of knee pain.", False),
        ("What does that achieve?", "This can help calm the inflammation.", True),
        ("What does that achieve?", "The trial enrolled 40 patients.", False),
        ("Was that good or bad?", "These results are encouraging.", True),
        (
            "Was that good or bad?",
            "It was slower than with the usual drugs, but better than none.",
            True,
        ),
        ("Was that good or bad?", "The trial enrolled 40 patients.", False),
        ("Were the trials big?", "Pain fell by a large amount in most of the trials.", False),
    ],
)
def test_sentences_with_the_form_asked_for(question: str, sentence: str, has_it: bool) -> None:
    assert has_form(question_forms(question), sentence) is has_it


def test_a_sentence_opening_with_the_name_asked_about_defines_it() -> None:
    forms = question_forms("What is pseudogout?")
    name = defined_name("What is pseudogout?")
    assert name == "pseudogout" and defined_name("What's the Lysholm score?") == "lysholm score"
    assert has_form(forms, "Pseudogout – crystals of another kind build up in a joint", name)
    assert not has_form(forms, "Gout – crystals of uric acid build up in a joint", name)
    # Only a definition question looks at how the sentence opens.
    assert not has_form(
        question_forms("Is pseudogout painful?"), "Pseudogout often affects the knee", name
    )


def test_what_an_x_is_asks_for_no_number_though_x_is_a_score() -> None:
    assert names("What is a Lysholm score?") == {"definition"}
    assert "amount" in names("What was the Lysholm score after surgery?")


def test_a_method_is_a_sentence_saying_how_it_was_done() -> None:
    forms = question_forms("How were the cells given?")
    assert has_form(forms, "They infused the cells through a vein in the arm.")
    assert not has_form(forms, "The trial took place in three cities.")


def test_a_sentence_saying_what_a_name_is_defines_it() -> None:
    assert defines("urate gels", "Urate gels (gout creams) are a family of creams.")
    assert defines("meta analysis", "A meta-analysis is a study of studies.")
    assert defines("urate gels", "Urate gels (UG) were first described in 1990 as a salve.")
    assert not defines("urate gels", "Urate gels were first tried in 1990 as a salve.")
    assert not defines("urate gels", "Urate gels play a growing part in gout clinics.")
    assert not defines("urate gels", "Gout creams are a family of urate gels.")
    assert what_is("What are urate gels?") and not what_is("Why are urate gels used?")


def test_a_gloss_right_after_a_name_defines_it_and_what_does_x_mean_asks_for_one() -> None:
    glossed = "Patients received tophaceous gout creams (creams made for lumps of crystals) daily."
    assert defines("tophaceous", glossed)
    assert (
        defines("tophaceous", "Lumps under the skin, i.e. tophaceous gout, were treated.") is False
    )
    assert defines("urate", "Urate levels, that is, the amount of uric acid, were measured.")
    # A citation in brackets is no gloss.
    assert not defines("urate gels", "Urate gels (Smith et al., 2001) were used.")
    assert what_is("what does tophaceous mean?")
    assert not what_is("What does gout mean when the toe swells?")


def test_an_abbreviation_is_defined_by_the_words_it_stands_for_before_it() -> None:
    assert defines("ulg", "Patients applied urate lowering gel (ULG) twice a day.")
    # One word in brackets after a name glosses nothing: it is another name.
    assert not defines("ulg", "We chose ULG-based creams (UBC) for the second arm.")
    assert not defines("urate lowering gel", "Patients applied the gel (ULG) twice a day.")
    # Only a name of one word is spelled out so: a name of several in brackets is no abbreviation.
    assert not defines("urate lowering gel", "Patients applied a new cream (urate lowering gel).")


def test_a_big_or_needed_thing_of_another_kind_asks_for_no_size_or_need() -> None:
    # A size of something other than a study, or a need of the patient's own, is not asked.
    assert "size" not in names("Is the needle big?")
    assert "size" not in names("Do the trials show a large benefit?")
    assert "size" in names("Has any big trial been done?")
    assert names("Tell me about larger joints") == set()
    assert "need" not in names("What do I need to bring to my appointment?")
    assert [form.name for form in leading_forms("Were the trials big?")] == ["size"]
    assert [form.name for form in leading_forms("What is still needed?")] == ["need"]
    assert leading_forms("Does the injection help with stiffness?") == ()


def test_how_something_was_given_is_led_by_the_way_in() -> None:
    forms = leading_forms("How did they give the cells to the goats?")
    assert has_form(forms, "The cells were infused via a vein in the neck.")
    assert has_form(forms, "They injected the cells into the knee joints of 12 goats.")
    # Naming the treated goats says not how the cells went in.
    assert not has_form(forms, "The goats treated with cells walked better.")
    assert leading_forms("How was pain measured in the goats?") == ()


def test_which_studies_are_needed_is_said_by_naming_them() -> None:
    forms = leading_forms("What studies are still needed on the gout gel?")
    assert has_form(forms, "What is needed are larger trials of the gel in older adults.")
    assert has_form(forms, "The trials will need to be replicated in more clinics.")
    # Saying more work is needed names no study.
    assert not has_form(forms, "More work is clearly needed before the gel can be offered.")
    assert has_form(leading_forms("What is still needed?"), "More work is needed on the gel.")


def test_whether_anyone_died_is_answered_by_what_is_said_of_safety() -> None:
    forms = leading_forms("Did any of the goats die in the gel trials?")
    assert has_form(forms, "The gel was safe in all 40 goats, with no serious adverse events.")
    # Cells dying is not people, or goats, dying.
    assert not has_form(forms, "As the joint cells die, the goats limp more.")
    assert "safety" in names("were there any deaths in the gel trial")
    assert "safety" in names("Has anyone died from the injections?")
    assert leading_forms("Why do joint cells die in gout?") == ()
    assert "safety" not in names("Why do joint cells die in gout?")
    # How many died of a disease, or at what rate, is a figure of the disease.
    assert "safety" not in names("How many deaths in the 1918 gout outbreak?")
    assert "safety" not in names("What was the fatality rate of goat gout?")


@pytest.mark.parametrize(
    "question",
    [
        "Did the goats have any complications?",
        "Were there side effects in the gel trial?",
        "any serious side-effects from the gel injections?",
        "Do the gel injections have adverse events?",
    ],
)
def test_whether_a_treatment_had_complications_is_answered_by_its_safety(question: str) -> None:
    assert asks_harm(question)
    forms = leading_forms(question)
    assert has_form(forms, "The gel was well tolerated in all 40 goats.")
    assert not has_form(forms, "The goats limped less after the gel injections.")


def test_complications_a_disease_leads_to_ask_nothing_of_a_treatments_harm() -> None:
    assert not asks_harm("Can gout lead to complications?")
    assert not asks_harm("Does goat gout cause complications in the hooves?")
    assert not asks_harm("What complications does goat gout bring?")


def test_which_score_was_used_asks_for_its_name_not_a_number() -> None:
    assert "amount" not in names("What score did the goat trial use to measure results?")
    assert "amount" not in names("which scale was used for the knees")
    assert "amount" in names("What score did the goats get after the injections?")


def test_no_form_asked_means_no_sentence_has_it() -> None:
    assert not has_form((), "The trial enrolled 159 patients.")


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("How many people took part in the knee trial?", True),
        ("how long does the swelling last", True),
        ("What is the survival rate after five years?", True),
        ("What percentage of patients relapse?", True),
        ("At what age does arthritis usually start?", True),
        ("What were the patients' grip scores a year later?", True),
        ("What is the grip score?", False),  # what the score is, or its value: left open
        ("What were the scores used to rate pain?", False),  # which scores, not their values
        ("What was the score of the placebo group?", True),
        ("what is the grip score before surgery", True),  # a score at a time is a value
        ("What is the walking score 6 months after?", True),
        ("How did their knee scores change after the injection?", True),
        ("Did the scores change?", False),  # yes or no
        ("How fast does the disease progress?", False),  # "slowly" answers it
        ("How common is gout?", False),  # "extremely common" answers it
        ("When do the symptoms start?", False),
        ("Does the injection help with stiffness?", False),
    ],
)
def test_questions_only_a_number_answers(question: str, figure: bool) -> None:
    assert asks_figure(question) is figure


def test_a_number_in_words_is_a_number() -> None:
    assert states_figure("One in four adults has it.") and states_figure("about 12% of them")
    assert not states_figure("Most patients improved.")


def test_how_long_is_answered_by_a_length_of_time_in_words() -> None:
    question = "How long does recovery from knee surgery take?"
    assert answers_figure(question, "Recovery takes several months for most people.")
    assert answers_figure(question, "It is followed by a long period of rest.")
    # "long-term" is no length of time, and other figure questions still need a number.
    assert not answers_figure(question, "Painkillers are harmful when taken long-term.")
    assert not answers_figure("How many people recover?", "Recovery takes several months.")


def test_a_length_of_time_answers_only_a_question_about_time() -> None:
    said = "Grip strength was measured before and 12 weeks after the injections."
    assert not answers_figure("By how much did grip strength rise?", said)
    assert not answers_figure("How much did grip improve after six months?", "Six months on.")
    for question in ("How long were the patients followed?", "When was grip measured again?"):
        assert asks_time(question) and answers_figure(question, said)
    assert answers_figure("By how much did grip strength rise?", "It rose from 18 to 24 kg.")


def test_a_question_about_time_is_answered_by_a_time_not_by_any_number_word() -> None:
    question = "How long do people with gout usually stay in hospital?"
    assert not answers_figure(question, "Gout often starts in one toe of one foot.")
    assert not answers_figure(question, "Half of them had another flare.")
    assert answers_figure(question, "Most went home within a week.")
    assert answers_figure(question, "They stayed two to three days.")
    assert answers_figure("When did the trial start?", "It started in 2019.")
    # A question about an amount is still answered by a number in words.
    assert answers_figure("How many patients had a flare?", "Only one patient had a flare.")


def test_a_figure_of_what_is_measured_stands_beside_it() -> None:
    grip = frozenset({"grip", "strength"})
    assert measures("Grip strength rose from 18 kg to 24 kg on average.", grip)
    assert not measures("Grip strength was measured at 12 weeks.", grip)  # a time
    assert not measures("Pain fell by 40% in the gel group.", grip)  # another measure
    far = "In 20 adults with arthritis of the hands and wrists, the researchers measured grip."
    assert not measures(far, grip)


def test_how_many_is_answered_by_a_size_in_words_of_what_it_counts() -> None:
    question = "How many patients took part in the gout trials?"
    assert answers_figure(question, "The number of patients in these trials was small.")
    assert not answers_figure(question, "The trials were small.")  # patients are not counted
    assert not answers_figure(question, "Patients with gout had joint pain.")  # no size
    forms = question_forms(question)
    said = "Only a handful of patients with gout were treated."
    assert has_form(forms, said, counted=counted_noun(question))
    assert not has_form(forms, said)


def test_an_amount_that_is_no_time_is_not_given_by_a_length_of_time() -> None:
    said = "They compared the gout scores before and 6 months after treatment."
    assert not has_form(question_forms("What were the gout scores before and after?"), said)
    assert has_form(question_forms("How long after treatment were scores compared?"), said)
    scored = "The average gout score went from 41 to 63."
    assert has_form(question_forms("What were the gout scores before and after?"), scored)


def test_a_citation_is_not_what_a_figure_measures() -> None:
    # "ALS" stems to "al", as does the "al" of "et al.".
    cited = "In 2009, Okafor et al. showed the injections were safe."
    assert not measures(cited, frozenset({"al", "surviv", "rate"}))
    assert measures("Survival rate in ALS rose to 40%.", frozenset({"al", "surviv", "rate"}))


def test_a_size_in_words_is_of_the_things_it_stands_by() -> None:
    # "many" sizes the trials, and "clinical" is not "clinics"; "a few" sizes another thing.
    assert not answers_figure("How many clinics offer gels?", "There are so many clinical trials.")
    people = "How many people with gout use gels?"
    assert not answers_figure(people, "Gels exist for people with gout and a few for arthritis.")
    assert answers_figure(people, "Only a few people with gout use gels.")
    assert answers_figure("How many clinics offer gels?", "Few clinics offer gels today.")


def test_a_rate_named_in_another_question_asks_for_no_number() -> None:
    assert not asks_figure("What factors explain the higher rates of infection in winter?")
    assert not asks_figure("Why are dropout rates so high?")
    assert asks_figure("At what rate did the ulcers heal?")


def test_a_number_of_what_is_counted_is_found_beside_it() -> None:
    assert counts("The trials were small (12-30 patients) but promising.", "patients")
    assert counts("A review found 9 clinical studies.", "studies")
    assert not counts("In 2015, patients were treated.", "patients")
    assert not counts("12 weeks later the patients were seen.", "patients")
    # A size in words counts too.
    assert counts("The number of patients in these trials is relatively small.", "patients")
    assert not counts("The number of clinics in the region is small.", "patients")


def test_what_a_name_means_asks_for_its_definition() -> None:
    assert "definition" in names("Can you explain what tophaceous gout means?")
    assert defined_name("Can you explain what tophaceous gout means, for gout?") == (
        "tophaceous gout"
    )
    assert defined_name("what does FEV1 mean") == "fev1"
    # A pronoun names nothing a sentence could open with.
    assert defined_name("What does it mean for me?") == ""
    assert defined_name("what is that?") == ""


def test_whether_a_result_was_good_asks_what_the_article_makes_of_it() -> None:
    assert "judgement" in {f.name for f in leading_forms("was the gout trial good or bad?")}
    assert "judgement" in names("Is that good?")
    assert "judgement" in names("is what the gout trial found good news?")
    assert "judgement" in names("were the results any good, in the gout trial?")
    assert "judgement" not in names("is physio any good for gout?")
    assert "purpose" in names("What good does that do?")
    # Whether something is good for a condition asks whether it works.
    assert "judgement" not in names("Is it good for gout?")


def test_when_we_will_know_more_asks_what_is_still_needed_not_for_a_date() -> None:
    assert names("When will we know more about gout injections?") == {"need"}
    assert "amount" in names("When was the gout drug approved?")


def test_a_question_whether_something_is_safe_asks_for_a_statement_of_safety() -> None:
    forms = question_forms("Is the injection safe for gout?")
    assert [f.name for f in forms] == ["safety"]
    assert has_form(forms, "The injections were safe in every trial.")
    assert has_form(forms, "Serious adverse events were rare.")
    # That it works is another finding.
    assert not has_form(forms, "The injections have been shown to be effective.")


def test_how_many_trials_there_were_is_not_how_big_they_were() -> None:
    forms = leading_forms("Were the gout gel trials big?")
    assert not has_form(forms, "The results from dozens of clinical trials of the gel agree.")
    assert not has_form(forms, "There have been hundreds of studies of the gel.")
    assert has_form(forms, "Only a handful of patients took part in each gel trial.")
    assert has_form(forms, "The gel trials are often small, with 15-40 goats.")
