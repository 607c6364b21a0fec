"""Typos corrected against the library's words; words the library or English knows untouched."""

from __future__ import annotations

import pytest

from mscqa.search import spelling
from mscqa.search.spelling import Speller

LIBRARY = [
    "Cartilage regeneration in the shoulder: chondrocytes, scaffolds and growth factors.",
    "Inflammation of the tendon responds to mesenchymal cells in several trials.",
]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(LIBRARY)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("cartilege", "cartilage"),
        ("shoulde", "shoulder"),
        ("inflamation", "inflammation"),
        ("chondrocyets", "chondrocytes"),
        ("mesenchimal", "mesenchymal"),
    ],
)
def test_a_misspelt_library_word_is_corrected(speller: Speller, typed: str, meant: str) -> None:
    assert speller.suggest(typed) == meant


@pytest.mark.parametrize("word", ["tendon", "scaffolds", "giraffe", "umbrella", "Tuesday", "fin"])
def test_known_words_are_never_touched(speller: Speller, word: str) -> None:
    assert speller.suggest(word) is None


def test_short_words_and_far_words_are_left_alone(speller: Speller) -> None:
    assert speller.suggest("tendn") == "tendon"
    assert speller.suggest("xq") is None
    assert speller.suggest("zzzzzzzz") is None


def test_correct_keeps_everything_but_the_corrected_words(speller: Speller) -> None:
    correction = speller.correct("Does cartilege grow back in the shoulde, Doctor?")
    assert correction.text == "Does cartilage grow back in the shoulder, Doctor?"
    assert correction.changes == (("cartilege", "cartilage"), ("shoulde", "shoulder"))
    untouched = speller.correct("Does a giraffe need an umbrella?")
    assert not untouched.changed and untouched.text == "Does a giraffe need an umbrella?"


def test_term_table_words_count_as_library_words(speller: Speller) -> None:
    # "riluzole" is not in LIBRARY, but the term table's words are known to every library.
    assert speller.suggest("ibuprofin") == "ibuprofen"


def test_two_library_words_run_together_are_cut_apart(speller: Speller) -> None:
    assert speller.suggest("growthfactors") == "growth factors"
    assert speller.correct("do growthfactors help?").text == "do growth factors help?"


def test_names_of_conditions_in_the_scope_lists_are_not_corrected() -> None:
    # "tendinitis" is one edit from this library's "tendonitis", but data/conditions.txt names
    # it: "not covered" must see the name as written.
    speller = Speller(["Tendonitis of the elbow heals slowly."])
    assert speller.suggest("tendinitis") is None
    assert speller.suggest("tendonitiss") == "tendonitis"


def test_rare_english_words_are_no_typos(speller: Speller) -> None:
    # Neither is a word of LIBRARY nor among the commonest English words.
    assert speller.suggest("regrow") is None
    assert speller.suggest("treatable") is None


@pytest.mark.parametrize(
    "text",
    [
        "what helps Shoulde disease?",  # a word naming a disease, whatever its case
        "is there a trial on tendom syndrome",
        "my son was seen by Dr Cartilege",  # capitalised inside a sentence: a name
    ],
)
def test_names_are_left_as_written(speller: Speller, text: str) -> None:
    assert not speller.correct(text).changed


def test_a_capital_that_opens_a_sentence_or_a_shouted_message_is_no_name(
    speller: Speller,
) -> None:
    assert speller.correct("Cartilege in the knee?").text == "cartilage in the knee?"
    assert speller.correct("Is it bad? Inflamation again").changes == (
        ("Inflamation", "inflammation"),
    )
    assert speller.correct("CARTILEGE REPAIR").changed


def test_a_slip_in_a_disease_name_the_library_writes_is_corrected() -> None:
    speller = Speller(["Inflammatory diseases such as gout flare at night."])
    corrected = speller.correct("does it calm inflamatory disease?")
    assert corrected.text == "does it calm inflammatory disease?"
    # A name the library never writes before "disease" stays as typed.
    assert not speller.correct("what about goutt disease?").changed
    # A possessive name the library writes, typed with a slip and the same possessive.
    possessive = Speller(["Paget’s disease of bone is rare."])
    corrected = possessive.correct("is pagett’s disease painful?")
    assert corrected.text == "is paget’s disease painful?"
    assert corrected.changes == (("pagett", "paget"),)


def test_a_slip_before_disease_free_is_corrected() -> None:
    # "disease free", "disease activity": the word before describes people, it names nothing.
    speller = Speller(["Most patients with gout stayed disease free for a year."])
    corrected = speller.correct("were the gout patiants disease free for long?")
    assert corrected.text == "were the gout patients disease free for long?"
    assert speller.correct("what about goutt?").text == "what about gout?"


def test_of_two_words_one_edit_away_the_one_the_library_writes_beside_the_neighbour_wins() -> None:
    # "bord" is one edit from "board" and from "bold"; the library writes "bold" more often,
    # but "review board" is the pair it writes.
    speller = Speller(["A bold idea, bold claims and bold hopes.", "The review board met."])
    assert speller.correct("who sits on the review bord?").text == "who sits on the review board?"
    assert speller.correct("such a bord idea").text == "such a bold idea"
    assert speller.suggest("bord") == "bold"


def test_a_neighbour_that_is_itself_a_typo_is_read_as_corrected() -> None:
    # "rewiew" is "review" once corrected, and "review board" is the pair the library writes.
    speller = Speller(["A bold idea, bold claims and bold hopes.", "The review board met."])
    assert speller.correct("who sits on the rewiew bord?").text == "who sits on the review board?"


def test_of_two_words_equally_close_the_one_with_the_typed_first_letter_wins() -> None:
    # "evry" is one edit from "very" (two letters swapped) and from "every" (one left out);
    # few typos change a word's first letter, so it wins though the library writes "very" more.
    library = ["It is very rare, very mild, very brief, very safe, very cheap and very quick."]
    speller = Speller([*library, *library, "Every dose, every day."])
    assert speller.suggest("evry") == "every"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Why doesn't cartilage regrow?", "Why doesn't cartilage regrow?"),
        ("it wouldn’t help the tendon", "it wouldn’t help the tendon"),
        ("it hasn't worked", "it hasn't worked"),
        # Typed without the apostrophe: the contraction, never the word it negates.
        ("why doesnt cartilage regrow", "why doesn't cartilage regrow"),
        ("my shoulder cant lift", "my shoulder can't lift"),
        ("theyre saying its the tendon", "they're saying its the tendon"),
        ("Im worried about the shoulder", "I'm worried about the shoulder"),
        # A possessive's name may be the typo.
        ("the cartilege's growth", "the cartilage's growth"),
    ],
)
def test_a_contraction_is_one_word_of_english(typed: str, meant: str) -> None:
    # A library that writes "does", "would" and "has": one edit away from "doesn", "wouldn"
    # and "hasn", what is left of a contraction cut at its apostrophe.
    speller = Speller([*LIBRARY, "The tendon does heal, as it has before and would again."])
    assert speller.correct(typed).text == meant


def test_words_in_capitals_and_words_of_english_are_no_contractions(speller: Speller) -> None:
    # "IM" is intramuscular, "well" and "shell" are words: none of them is "I'm", "we'll".
    for text in ("IM injections in the shoulder", "it went well", "a shell of cartilage"):
        assert not speller.correct(text).changed


def test_chat_shorthand_is_read_as_the_word_it_stands_for(speller: Speller) -> None:
    corrected = speller.correct("wat does gout mean, r u sure ppl get it")
    assert corrected.text == "what does gout mean, are you sure people get it"
    assert ("wat", "what") in corrected.changes
    # Opening a message with a capital it is still shorthand, and keeps the capital.
    assert speller.correct("Wat does gout mean").text == "What does gout mean"
    assert speller.correct("y does gout hurt at night").text == "why does gout hurt at night"
    # Written in capitals it may be a name or an abbreviation: left as typed.
    assert speller.correct("UR and BC trials").text == "UR and BC trials"
    assert speller.correct("genes on the Y chromosome").text == "genes on the Y chromosome"
    assert speller.correct("was it done in the u.s. or r u unsure").text == (
        "was it done in the u.s. or are you unsure"
    )


def test_dose_before_a_subject_and_its_verb_is_does(speller: Speller) -> None:
    assert speller.correct("what dose colchicine do").text == "what does colchicine do"
    assert speller.correct("Dose it hurt?").text == "Does it hurt?"
    # A dose asked about stays one.
    for asked in ("what dose of colchicine is used", "what dose is safe", "the dose was 2 mg"):
        assert speller.correct(asked).text == asked


def test_effect_after_a_helper_and_its_subject_is_affect(speller: Speller) -> None:
    assert speller.correct("does gout effect the shoulder").text == "does gout affect the shoulder"
    assert speller.correct("will it efect my tendon?").text == "will it affect my tendon?"
    # An effect asked about stays one.
    for asked in ("does the effect last", "does the side effect go", "what effect does it have"):
        assert speller.correct(asked).text == asked


def test_a_word_spelled_as_it_sounds_is_corrected() -> None:
    speller = Speller(["Physiotherapy and physio exercises ease the knee at night."])
    assert speller.suggest("nite") == "night"  # "ite" for "ight"
    # Three edits from the word but one from it with "ph" for "f".
    assert speller.suggest("fyziotherapy") == "physiotherapy"
    assert speller.suggest("fyzio") == "physio"
    assert speller.suggest("fisiqo") is None


def test_a_typo_one_edit_from_another_form_of_a_library_word_becomes_that_form() -> None:
    # "swallow" is no library word, but "swallowing" is: the typo is nearer to it than to "slow".
    speller = Speller(["The disease is slow.", "Patients had trouble swallowing."])
    assert speller.suggest("swalow") == "swallow"
    assert speller.suggest("slwo") == "slow"


def test_no_other_form_is_looked_for_in_a_word_longer_than_any_english_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    edited: list[str] = []
    monkeypatch.setattr(spelling, "_one_edit", lambda word: edited.append(word) or [])
    speller = Speller(["Patients had trouble swallowing."])
    assert speller.suggest("swalow") is None and edited == ["swalow"]
    assert speller.suggest("swalow" * 50) is None and edited == ["swalow"]


def test_a_hyphenated_word_written_as_one_is_the_library_word() -> None:
    speller = Speller(["A cross-sectional survey of gout clinics; the cross-sectional data."])
    assert speller.correct("what is a crosssectional survey").text == (
        "what is a cross-sectional survey"
    )
    assert speller.suggest("crossectional") == "cross-sectional"
    assert speller.suggest("sectional") is None  # a word of English is left alone


def test_a_typo_of_a_word_like_anything_is_corrected_without_the_library() -> None:
    speller = Speller(["Gout attacks come and go."])
    assert speller.correct("can anythng stop gout").text == "can anything stop gout"
    assert speller.correct("has anyoen tried it").text == "has anyone tried it"
    # a content word is left as typed, however close to an English word
    assert speller.correct("is aleve good for gout").text == "is aleve good for gout"


def test_a_rare_english_word_is_the_library_word_its_neighbours_fit() -> None:
    speller = Speller(["Drugs can change the course of gout."])
    assert speller.correct("what changes the corse of gout").text == (
        "what changes the course of gout"
    )
    # without the library's neighbours, a rare word is left as it is
    assert speller.correct("a corse was found").text == "a corse was found"


def test_a_word_english_writes_though_no_list_has_it_is_no_typo() -> None:
    # "statin" is one letter from the library's "stating" but a drug's name; a word as rare
    # as a typo is still corrected.
    speller = Speller(["The report, stating the dose, was signed."])
    assert speller.correct("I take a statin for it").text == "I take a statin for it"
    assert speller.correct("the reprot was signed").text == "the report was signed"
