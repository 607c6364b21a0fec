"""Topics the library never mentions: named conditions, treatments and cell sources, clinic
services and everyday matters."""

from __future__ import annotations

from mscqa.search.scope import (
    clinic_matters,
    known_topic,
    named_topics,
    scope_words,
    topic_words,
    unknown_terms,
    unknown_topics,
    unnamed_asked,
    unused_words,
)
from mscqa.text.terms import lexical_tokens

VOCABULARY = frozenset(
    lexical_tokens(
        "Mesenchymal stem cells for hip osteoarthritis, multiple sclerosis and diabetes; "
        "back pain and the cost of surgery.",
        document=True,
    )
)


def test_condition_and_service_names_are_found_longest_first() -> None:
    assert named_topics("Can stem cells help Parkinson's disease?") == ["parkinson's disease"]
    assert named_topics("What are your opening hours?") == ["opening hours"]
    assert named_topics("Tell me about cartilage") == []
    assert named_topics("Is acupuncture better than PRP?") == ["acupuncture", "prp"]
    assert named_topics("Do you use umbilical cord cells?") == ["umbilical cord"]
    assert named_topics("Can my dog get this treatment?") == ["dog"]


def test_words_before_disease_free_name_no_condition() -> None:
    # "disease free", "disease activity" describe people; the words before name nothing.
    assert named_topics("were the gout patients disease free after a year?") == ["gout"]
    assert named_topics("is there news on tendom syndrome?") == ["tendom syndrome"]


def test_a_topic_is_unknown_only_when_the_library_never_uses_it() -> None:
    assert unknown_topics("Can stem cells treat tinnitus?", VOCABULARY) == ["tinnitus"]
    assert unknown_topics("Does insurance pay for it?", VOCABULARY) == ["insurance"]
    # The library mentions diabetes and cost: questions about them may be covered.
    assert unknown_topics("Can stem cells help diabetes?", VOCABULARY) == []
    assert unknown_topics("What does the surgery cost?", VOCABULARY) == []
    assert unknown_topics("Are placenta cells safer?", VOCABULARY) == ["placenta"]


def test_a_topic_is_known_through_its_term_table_expansion() -> None:
    # "lupus" is unknown here, but "MS" expands to words the library uses.
    assert not known_topic("lupus", VOCABULARY)
    assert known_topic("ms", VOCABULARY)


def test_a_general_word_of_the_library_makes_no_other_disease_known() -> None:
    # A library on knee arthritis (osteoarthritis) never mentions rheumatoid arthritis: the
    # term table leads a question's "arthritis" to osteoarthritis, but the articles' own
    # "arthritis" must not bring in the name of another disease.
    knee = frozenset(
        lexical_tokens("Stem cells in knee arthritis (osteoarthritis).", document=True)
    )
    assert unknown_topics("Is rheumatoid arthritis helped by stem cells?", knee) == [
        "rheumatoid arthritis"
    ]
    assert unknown_topics("Can stem cells help arthritis?", knee) == []


def test_every_word_of_a_topic_must_be_known() -> None:
    # The library uses none of "spinal cord injury"; a match on one word is not enough.
    assert unknown_topics("Do stem cells help spinal cord injury?", VOCABULARY) == [
        "spinal cord injury"
    ]


def test_a_question_about_the_clinics_own_practice_is_never_a_known_topic() -> None:
    vocabulary = VOCABULARY | frozenset(lexical_tokens("clinic doctor inject offer"))
    question = "Which doctor at your clinic gives the injections?"
    assert clinic_matters(question) == ["at your clinic"]
    # Every word is in the library, but the articles never speak for the clinic.
    assert unknown_topics(question, vocabulary) == ["at your clinic"]
    assert clinic_matters("Do doctors offer stem cell injections for hip pain?") == []


def test_where_to_find_a_treatment_nearby_is_a_clinic_matter() -> None:
    assert clinic_matters("Is there a clinic near me that injects stem cells?") == ["near me"]
    # "Closest" in a question about research is no place to go.
    assert clinic_matters("Which virus is the closest relative of this one?") == []
    assert clinic_matters("Which country was the back pain study done in?") == []


def test_a_question_about_a_patients_own_treatment_plan_is_a_clinic_matter() -> None:
    assert clinic_matters("How many injections will I need for my knee?") == ["will i need"]
    assert clinic_matters("Can I drive home after the injection?") == ["can i drive"]
    # About the research, not one patient's plan: the articles may answer it.
    assert clinic_matters("How many injections did the hip patients get?") == []


def test_what_having_the_procedure_is_like_is_a_clinic_matter() -> None:
    # Counted under a fixed label, never under the words typed.
    pain, recovery, age = "pain of the procedure", "recovery after the procedure", "age limit"
    assert clinic_matters("Is the gel injection painful?") == [pain]
    assert clinic_matters("will the infusions hurt?") == [pain]
    assert clinic_matters("how sore is the gel shot itself?") == [pain]
    assert clinic_matters("How long is the recovery after a laser treatment?") == [recovery]
    assert clinic_matters("Is there an age limit for the shots?") == [age]
    assert clinic_matters("Is Mary Jones too old for the shots?") == [age]
    # What a condition or an operation is like is for the articles to say.
    assert clinic_matters("Is gout painful?") == []
    assert clinic_matters("How long is the recovery after knee surgery?") == []


def test_who_may_have_a_treatment_is_a_clinic_matter() -> None:
    assert clinic_matters("Who should not get gel injections for gout?") == ["who should not get"]
    assert clinic_matters("Am I suitable for a gout injection?") == ["am i suitable"]
    # Who a study took in is for the articles.
    assert clinic_matters("Who was not included in the gout gel trial?") == []


def test_a_question_about_a_patients_own_procedure_or_medicines_is_a_clinic_matter() -> None:
    assert clinic_matters("Can I take aspirin the day before my infusion?") == [
        "can i take",
        "my infusion",
    ]
    assert clinic_matters("Will my stem cell shot leave a bruise?") == ["my stem cell shot"]
    # The patients of a study had injections; their doses are for the articles.
    assert clinic_matters("What dose did the patients in the knee study take?") == []


def test_a_condition_is_found_by_the_way_medicine_names_it() -> None:
    """Names in no list: a name before "syndrome", "disease", "cancer" ..., or a word ending
    the way a condition's name does."""
    assert named_topics("What are the treatments for Wolfram syndrome?") == ["wolfram syndrome"]
    assert named_topics("Who gets thyroid cancer?") == ["thyroid cancer"]
    assert named_topics("Is gastritis inherited?") == ["gastritis", "inherited"]
    assert named_topics("Can it cause neuropathy?") == ["neuropathy"]
    # A disease named by a compound is not cut at its hyphen, nor a question's own words kept.
    assert named_topics("Are disease-modifying drugs safe?") == []
    assert named_topics("What is a disease?") == []


def test_a_named_condition_the_library_never_uses_is_not_covered() -> None:
    assert unknown_topics("What are the treatments for Wolfram syndrome?", VOCABULARY) == [
        "wolfram syndrome"
    ]
    assert unknown_topics("Is gastritis common?", VOCABULARY) == ["gastritis"]
    # Named the same way, but every word is the library's.
    assert unknown_topics("Is hip osteoarthritis painful?", VOCABULARY) == []
    assert unknown_topics("Does diabetes disease get better?", VOCABULARY) == []
    # A library that names a disc only as one replaced in surgery never mentions a slipped one.
    discs = VOCABULARY | frozenset(
        lexical_tokens("spinal fusion or disc replacement", document=True)
    )
    assert unknown_topics("Can stem cells fix a slipped disc?", discs) == ["slipped disc"]


def test_an_injury_named_in_plain_words_is_a_condition() -> None:
    # The library says "broken" and "bone", never together: no article is about fractures.
    sentences = [
        frozenset(lexical_tokens("The cartilage was broken down by wear.", document=True)),
        frozenset(lexical_tokens("Stem cells were taken from bone marrow.", document=True)),
    ]
    vocabulary = frozenset().union(*sentences)
    question = "Can stem cells heal a broken bone?"
    assert unknown_topics(question, vocabulary, sentences=sentences) == ["broken bone"]
    told = frozenset(lexical_tokens("Stem cells: a broken bone heals.", document=True))
    assert unknown_topics(question, told, sentences=[told]) == []


def test_words_beyond_everyday_english_the_library_never_uses_are_found() -> None:
    assert unused_words("Where can I park when I visit?", VOCABULARY) == ["park", "visit"]
    assert unused_words("are stem cell facelifts worth it?", VOCABULARY) == ["facelifts", "worth"]
    assert unused_words("what about gas?", VOCABULARY) == ["gas"]
    # Library words, their term-table names and everyday words are no such words.
    assert unused_words("does the MS surgery cost a lot for my back?", VOCABULARY) == []


def test_verbs_that_frame_a_question_are_no_other_topic() -> None:
    vocabulary = frozenset(lexical_tokens("gout gets worse later on", document=True))
    assert unused_words("what happens later on?", vocabulary) == []
    assert unused_words("what does that mean for me?", vocabulary) == []
    assert unused_words("where can I park?", vocabulary) == ["park"]


def test_a_verb_before_a_condition_is_no_part_of_its_name() -> None:
    assert named_topics("How do steroids help autoimmune disease?") == ["autoimmune disease"]


def test_words_about_how_research_was_done_are_no_other_topic() -> None:
    vocabulary = frozenset(lexical_tokens("patients were treated in a trial of gout"))
    assert unused_words("how long were the patients followed?", vocabulary) == []
    assert unused_words("who wrote it?", vocabulary) == []
    assert unused_words("how were the patients measured?", vocabulary) == []
    assert unused_words("where can I park my caravan?", vocabulary) == ["park", "caravan"]


def test_pronouns_for_no_one_in_particular_are_no_other_topic() -> None:
    vocabulary = frozenset(lexical_tokens("stem cells were tested in a trial of gout"))
    assert unused_words("has anyone tested them on gout?", vocabulary) == []
    assert unused_words("did somebody test them for everything?", vocabulary) == []
    assert unused_words("has anyone tried them on horses?", vocabulary) == ["tried", "horses"]
    assert unused_words("was either of them tested on gout?", vocabulary) == []


def test_adverbs_say_how_not_what_about() -> None:
    vocabulary = frozenset(lexical_tokens("stem cells were tested in a trial of gout"))
    assert unused_words("what does it do exactly?", vocabulary) == []
    assert unused_words("were they tested surgically, honestly?", vocabulary) == []
    # "belly" is made from no English word: it names a topic.
    assert unused_words("does it shrink belly fat?", vocabulary) == ["shrink", "belly", "fat"]


def test_an_aspect_of_a_condition_the_library_never_discusses_is_not_covered() -> None:
    assert unknown_topics("Is hip osteoarthritis hereditary?", VOCABULARY) == ["hereditary"]
    assert unknown_topics("Can teenagers get back pain?", VOCABULARY) == ["teenagers"]
    assert unknown_topics("Does the drug cause weight gain?", VOCABULARY) == ["weight gain"]
    # Heredity in everyday words is the same aspect as "hereditary".
    assert unknown_topics("Does osteoarthritis run in families?", VOCABULARY) == ["run in families"]
    assert unknown_topics("My dad had MS: is a family history a risk?", VOCABULARY) == [
        "family history"
    ]
    # Once an article discusses genes, a question about them may be covered.
    with_genes = VOCABULARY | frozenset(lexical_tokens("genes and risk", document=True))
    assert unknown_topics("Which genes raise the risk of osteoarthritis?", with_genes) == []


def test_the_sexes_and_blood_tests_are_aspects_too() -> None:
    # A library that says "blood" and "tested" apart discusses neither women nor blood tests.
    sentences = [
        frozenset(lexical_tokens("Stem cells were tested in a trial of gout.", document=True)),
        frozenset(lexical_tokens("The joint has a poor blood supply.", document=True)),
    ]
    vocabulary = frozenset().union(*sentences)
    assert unknown_topics("Is gout more common in men?", vocabulary, sentences=sentences) == ["men"]
    assert unknown_topics("Do females get gout?", vocabulary, sentences=sentences) == ["females"]
    question = "Is there a blood test for gout?"
    assert unknown_topics(question, vocabulary, sentences=sentences) == ["blood test"]
    # The writer's own blood tests are part of their story.
    story = "My blood tests were fine: can stem cells help gout?"
    assert unknown_topics(story, vocabulary, sentences=sentences) == []
    told = frozenset(lexical_tokens("In women with gout, a blood test was tested.", document=True))
    assert unknown_topics(question, told, sentences=[told]) == []
    assert unknown_topics("Is gout common in women?", told, sentences=[told]) == []


def test_the_writers_own_children_are_no_topic() -> None:
    assert unknown_topics("Can kids get back pain?", VOCABULARY) == ["kids"]
    assert unknown_topics("Will surgery let me play with my kids again?", VOCABULARY) == []
    assert unknown_topics("Our children ask if stem cells help diabetes", VOCABULARY) == []
    assert unknown_topics("Since my diagnosis, is surgery for back pain safe?", VOCABULARY) == []


def test_a_technical_term_the_library_never_uses_is_an_unknown_topic() -> None:
    assert unknown_topics("What dose of warfarin is usual?", VOCABULARY) == ["warfarin"]
    assert unknown_topics("Do stem cells ease sciatica or bursitis?", VOCABULARY) == [
        "sciatica",
        "bursitis",
    ]
    # Everyday words, misspellings, verbs and words made from the library's own are not.
    assert unknown_topics("Is the result good for my back?", VOCABULARY) == []
    assert unknown_topics("Was the diabetes untreated?", VOCABULARY) == []
    treating = VOCABULARY | frozenset(lexical_tokens("treat", document=True))
    assert unknown_topics("Is hip osteoarthritis surgically treatable?", treating) == []
    assert unknown_topics("Who pooled the diabetes studies?", VOCABULARY) == []


def test_a_thing_or_action_asked_for_that_the_library_never_names_is_unknown() -> None:
    assert unknown_topics("Which vaccines are advised for back pain?", VOCABULARY) == ["vaccines"]
    assert unnamed_asked("What kind of shoes should I wear?", VOCABULARY) == ["shoes"]
    assert unnamed_asked("What should my wife drink after surgery?", VOCABULARY) == ["drink"]
    # A thing the library names, a part or share of one, or a question's frame is not.
    assert unnamed_asked("Which cells are used for diabetes?", VOCABULARY) == []
    assert unnamed_asked("What part of the hip is damaged?", VOCABULARY) == []
    assert unnamed_asked("What percentage of patients improved?", VOCABULARY) == []
    assert unnamed_asked("What dose of stem cells is used?", VOCABULARY) == []
    assert unnamed_asked("What happens to people with back pain?", VOCABULARY) == []
    assert unnamed_asked("What should I do about back pain?", VOCABULARY) == []
    # Nor is an adverb in the place of what is asked.
    assert unnamed_asked("What else should I know about back pain?", VOCABULARY) == []
    assert unnamed_asked("What exactly is done for diabetes?", VOCABULARY) == []
    # "point" asks when or why, not for a thing.
    assert unnamed_asked("At what point is back pain called lasting?", VOCABULARY) == []
    assert unnamed_asked("What point is there in treating diabetes?", VOCABULARY) == []
    # Named elsewhere in the question, it is asked about, not asked for.
    assert unnamed_asked("Does a diet help diabetes?", VOCABULARY) == []


def test_a_possessive_is_no_technical_term() -> None:
    # "article's" as a whole word sits in the band of technical terms; "article" does not.
    assert unknown_topics("What did the article's diabetes trial find?", VOCABULARY) == []


def test_a_clipped_or_derived_form_of_a_library_word_is_no_technical_term() -> None:
    therapy = VOCABULARY | frozenset(lexical_tokens("physical therapy", document=True))
    assert unknown_topics("Does physio help back pain?", therapy) == []
    assert unknown_topics("Does physio help back pain?", VOCABULARY) == ["physio"]


def test_a_contraction_is_no_word_of_its_own_and_a_possessive_is_its_noun() -> None:
    vocabulary = frozenset(lexical_tokens("stem cells were tested in a trial of gout"))
    # "won't" was read as "won" and "t": a word the library never uses.
    assert unused_words("why won't the doctors prescribe them?", vocabulary) == [
        "doctors",
        "prescribe",
    ]
    assert unused_words("does my dad's gout count?", vocabulary) == ["dad", "count"]
    assert unused_words("and which ones do they switch on?", vocabulary) == ["switch"]


def test_topic_words_leave_out_how_results_compare() -> None:
    question = "Did the stem cells lower the chance of infections?"
    assert " ".join(topic_words(question).split()) == "Did the stem cells the chance of infections?"


def test_the_words_of_the_lists_are_read_once() -> None:
    # The speller asks for them for every word it does not know; thousands of MedQuAD names
    # must not be read again each time.
    assert scope_words() is scope_words()
    assert {"tinnitus", "insurance"} <= scope_words()


def test_a_procedure_named_by_what_no_library_sentence_names_it_with_is_unknown() -> None:
    library = [
        "Ankle replacement surgery is expensive.",
        "Skin grafts fail when the body rejects them, as lung and liver transplants do.",
    ]
    sentences = [frozenset(lexical_tokens(s, document=True)) for s in library]
    vocabulary = frozenset().union(*sentences) | frozenset(lexical_tokens("wrist"))
    assert unknown_topics(
        "How long is recovery after a wrist replacement?", vocabulary, True, sentences
    ) == ["wrist replacement"]
    # The same procedure named as a sentence names it, or with its parts apart in one sentence.
    assert unknown_topics("Is an ankle replacement expensive?", vocabulary, True, sentences) == []
    assert unknown_topics("Do liver transplants fail?", vocabulary, True, sentences) == []
    assert unknown_topics("Do skin transplants fail?", vocabulary, True, sentences) == []
    # Without the library's sentences there is nothing to compare with.
    assert unknown_topics("How long is recovery after a wrist replacement?", vocabulary) == []


def test_everyday_activities_after_a_treatment_are_no_topic_of_the_articles() -> None:
    for activity in ("fly", "go swimming", "use a sauna"):
        question = f"Is it safe to {activity} after a stem cell injection for hip osteoarthritis?"
        assert unknown_topics(question, VOCABULARY), question


def test_a_name_of_several_words_is_known_only_when_one_sentence_names_it() -> None:
    sentences = [
        frozenset(lexical_tokens("Low back pain is common.", document=True)),
        frozenset(lexical_tokens("Some see double vision.", document=True)),
        frozenset(lexical_tokens("Hip osteoarthritis is painful.", document=True)),
    ]
    vocabulary = frozenset().union(*sentences)
    assert unknown_topics("What causes low vision?", vocabulary, sentences=sentences) == [
        "low vision"
    ]
    assert unknown_topics("Is hip osteoarthritis painful?", vocabulary, sentences=sentences) == []
    # Without the sentences, every word known is enough, as before.
    assert unknown_topics("What causes low vision?", vocabulary) == []
    assert not known_topic("low vision", vocabulary, sentences)
    assert known_topic("low vision", vocabulary) and known_topic("vision", vocabulary, sentences)


def test_an_abbreviation_in_capitals_the_library_never_uses_is_an_unknown_term() -> None:
    assert unknown_terms("can stem cells fix a torn ACL?", VOCABULARY) == ["acl"]
    assert unknown_terms("Is PRP like stem cells for MS?", VOCABULARY) == ["prp"]
    # Known ones and a message written all in capitals are not.
    assert unknown_terms("do MSCs help MS?", VOCABULARY) == []
    assert unknown_terms("CAN STEM CELLS HELP HIP PAIN", VOCABULARY) == []


def test_what_a_person_is_doing_is_no_technical_term() -> None:
    assert unknown_terms("Is that true, or is she exaggerating?", VOCABULARY) == []
    assert unknown_terms("they are prescribing statins, is that wise?", VOCABULARY) == ["statins"]


def test_asking_what_the_clinic_charges_is_a_clinic_matter() -> None:
    assert clinic_matters("How much do you charge for an injection?") == ["do you charge"]
    assert clinic_matters("what are your fees?") == ["your fees"]


def test_whether_one_patient_should_have_a_treatment_is_a_clinic_matter() -> None:
    assert clinic_matters("I'm 85, is it too late for me to have a new hip?") == ["too late for me"]
    assert clinic_matters("should I have the gel injection?") == ["should i have"]


def test_the_plural_of_a_plain_word_is_no_technical_term() -> None:
    # "downsides" is rare in English, "downside" is not: it names no topic of its own.
    assert unknown_terms("any downsides to the injections?", VOCABULARY) == []
    assert unknown_terms("do stem cells interact with statins?", VOCABULARY) == ["statins"]


def test_a_modal_verb_asks_for_nothing_named() -> None:
    from mscqa.search.scope import unnamed_asked

    assert unnamed_asked("so what might they do for the hip?", VOCABULARY) == []
    assert unnamed_asked("what vaccines might I need?", VOCABULARY) == ["vaccines"]


def test_a_common_word_in_capitals_is_said_loudly_not_abbreviated() -> None:
    assert unknown_terms("is there ANY treatment that works for MS", VOCABULARY) == []
    assert unknown_terms("can stem cells REALLY help MS?", VOCABULARY) == []
    assert unknown_terms("Can stem cells HELP with AIDS?", VOCABULARY) == ["aids"]
