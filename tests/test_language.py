"""Other languages get the English-only reply; short English questions are never misread."""

from __future__ import annotations

import pytest

from mscqa.text.language import detect_language, language_of

LIBRARY_WORDS = frozenset({"chondrocytes", "mesenchymal", "riluzole", "msc"})


@pytest.mark.parametrize(
    "question",
    [
        "is it safe?",
        "and for gout?",
        "does it sting?",
        "MSC for gout?",
        "chondrocytes in knees",
        "any news on riluzole",
        "who paid for that trial?",
        "How long do the effects last after the injection?",
        "wat r the risks",
        "is MSC legit",
        "riluzole dose",
        "hmm and MSC?",
        "Can stem cells mend a torn ACL in skiers?",
        "123 456",
        "?!",
        "ok",
        "hi",
        "lol",
    ],
)
def test_english_questions_short_or_odd_are_english(question: str) -> None:
    assert detect_language(question, LIBRARY_WORDS).english


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("¿Las células madre sirven para la rodilla?", "es"),
        ("Wie lange dauert die Behandlung mit Stammzellen?", "de"),
        ("Est-ce que le traitement est douloureux pour les genoux?", "fr"),
        ("Czy leczenie komórkami macierzystymi jest bezpieczne?", "pl"),
        ("幹細胞治療は安全ですか", "ja"),
        ("Помогают ли стволовые клетки при артрите?", "ru"),
        ("Ist das gefährlich?", "de"),
        ("¿Y para la rodilla?", "es"),
        ("Wie viel kostet MSC?", "de"),
        ("¿funciona?", "es"),  # one word: only the mark tells
        ("hola", "es"),  # a greeting alone
        ("bonjour docteur", "fr"),
    ],
)
def test_other_languages_are_named(question: str, code: str) -> None:
    language = detect_language(question, LIBRARY_WORDS)
    assert not language.english and language.code == code


def test_a_greeting_in_another_language_is_not_corrected_into_english() -> None:
    # the speller makes "hola" "hold"; the message as typed says which language it is
    assert language_of("hola", "hold").code == "es"
    assert language_of("steriods", "steroids").english
