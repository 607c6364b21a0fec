"""The abbreviation and lay-term table, applied to questions and passages alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from mscqa.answers.names import unmentioned_terms
from mscqa.text import terms
from mscqa.text.terms import (
    TERMS,
    asked_meaning,
    expand_terms,
    expansions,
    known_words_only,
    lexical_fingerprint,
    lexical_tokens,
    model_text,
    normalize,
    stem,
)

# Article sentences a lay word of a question must meet.
_TOLERATE = "Not everyone can tolerate these drugs."
_PAIN = "Pain is intermittent early and constant later."
_OVER_TIME = "Over time, gout stiffens the joint. Some ultimately stop walking."


def test_table_is_loaded_normalised_and_has_the_general_medical_acronyms() -> None:
    for term in ("msc", "ms", "als", "oa", "rrms", "hsct", "nsaid", "lou gehrig's disease"):
        assert term in TERMS
    assert all(term == normalize(term) for term in TERMS)


def test_acronyms_and_lay_terms_expand_to_the_words_articles_use() -> None:
    assert "multiple sclerosis" in expansions("Is MS hereditary?")
    assert "amyotrophic lateral sclerosis" in expansions("my aunt has Lou Gehrig’s disease")
    assert "back pain" in expansions("I have a bad back")
    assert expansions("mesenchymal cells in general") == []


def test_terms_match_whole_words_only() -> None:
    assert expansions("the alsatian dog and the msg in soup") == []
    assert expansions("(ALS)") == ["amyotrophic lateral sclerosis"]


def test_longest_term_wins() -> None:
    assert expansions("Lou Gehrig's disease") == ["amyotrophic lateral sclerosis"]


def test_query_and_passage_meet_through_the_expansion() -> None:
    question = set(lexical_tokens("Do MSCs help ALS?"))
    passage = set(
        lexical_tokens("Mesenchymal stem cells were safe in amyotrophic lateral sclerosis.")
    )
    assert {"mesenchym", "amyotroph", "sclerosi"} <= question & passage
    assert expand_terms("OA").startswith("oa ")


def test_expansion_can_be_switched_off() -> None:
    assert lexical_tokens("MS", expand=False) == ["ms"]
    assert "multipl" in lexical_tokens("MS")


def test_known_words_only_drops_words_the_library_never_uses() -> None:
    vocabulary = frozenset(lexical_tokens("stem cells treat hip pain", expand=False))
    assert known_words_only("Can stem cells treat tinnitus?", vocabulary) == "Can stem cells treat"
    # A term-table entry is kept even when its own words are unknown: its expansion is known.
    assert "Gehrig's" in known_words_only("stem cells for Lou Gehrig's disease", vocabulary)


def test_number_words_and_digits_are_the_same_token() -> None:
    assert "6" in lexical_tokens("at six months")
    assert set(lexical_tokens("one in four people")) >= {"1", "4"}


def test_the_articles_side_also_gets_the_abbreviation_of_a_spelled_out_term() -> None:
    spelled = "patients with multiple sclerosis"
    assert "ms" in lexical_tokens(spelled, document=True)
    # Questions get only the expansions of their own terms, so they stay short.
    assert "ms" not in lexical_tokens(spelled)
    assert set(lexical_tokens("MS")) <= set(lexical_tokens(spelled, document=True))


def test_the_fingerprint_follows_the_token_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    before = lexical_fingerprint()
    assert before == lexical_fingerprint()
    monkeypatch.setattr(terms, "_TOKEN_RULES", "other rules")
    assert lexical_fingerprint() != before


def test_words_that_frame_a_comparison_are_no_topic() -> None:
    """ "What is the difference between riluzole and edaravone?" is about the two drugs: the
    library never says "difference", which must not count as a topic it leaves out."""
    assert lexical_tokens("the difference between riluzole and edaravone") == [
        "riluzol",
        "edaravon",
    ]
    assert lexical_tokens("gout versus lupus, compared", expand=False) == ["gout", "lupus"]


def test_a_piece_of_writing_asked_about_is_no_topic() -> None:
    assert lexical_tokens("give me the gist of the gout piece") == ["gout"]


def test_words_that_report_what_someone_said_are_no_topic() -> None:
    # "What does the article say about gout?" is about gout; the articles "state" and "note",
    # and never call themselves articles or summaries.
    assert lexical_tokens("What does the article say about gout?", expand=False) == ["gout"]
    assert lexical_tokens("what was said about gout", expand=False) == ["gout"]
    for asked in ("summarize the gout article", "give me a summary of the articles on gout"):
        assert lexical_tokens(asked, expand=False) == ["gout"], asked
    assert lexical_tokens("they say it helps", expand=False) == ["help"]


def test_a_common_misspelling_of_side_effects_reads_as_side_effects() -> None:
    assert {"effect", "advers", "safeti"} <= set(lexical_tokens("any side affects?"))


def test_trail_misspelt_for_trial_reads_as_trial() -> None:
    assert set(lexical_tokens("the trial")) <= set(lexical_tokens("who ran the trail?"))
    assert set(lexical_tokens("two trials")) <= set(lexical_tokens("two trails"))


def test_how_sick_a_patient_is_reads_as_how_severe_the_disease_is() -> None:
    # Lay words for illness meet the articles' "severe disease" both ways.
    severe = set(lexical_tokens("patients with severe disease"))
    assert "sever" in set(lexical_tokens("is gout worse for people who are sicker?"))
    assert {"sever", "diseas"} <= set(lexical_tokens("were the volunteers ill already?"))
    assert "sever" in set(lexical_tokens("how sick do lupus patients get?"))
    assert {"sick", "ill"} <= set(lexical_tokens("patients with severe disease", document=True))
    assert "ill" not in severe
    # "ill effects" are side effects, not a severe illness.
    assert {"effect", "advers"} <= set(lexical_tokens("any ill effects from the shots?"))
    assert "sever" not in set(lexical_tokens("any ill effects from the shots?"))


def test_everyday_words_for_kinds_mending_and_becoming_meet_the_articles_words() -> None:
    # "kinds" and "sorts" are the articles' "types"; a tissue that "fixes itself" heals or
    # repairs; cells that "turn into" another cell become it.
    assert "type" in set(lexical_tokens("what sorts of gout exist?"))
    assert "type" in set(lexical_tokens("are there different kinds of lupus?"))
    assert {"heal", "repair"} <= set(lexical_tokens("can a torn tendon fix itself?"))
    assert "becom" in set(lexical_tokens("what can fat cells turn into?"))
    assert "becom" not in set(lexical_tokens("turn left into the car park"))


def test_everyday_words_for_failing_pills_regrowing_and_the_bodys_defences() -> None:
    # Something that "stopped working" failed; "tablets" and "pills" are drugs; tissue that
    # "regrows" regenerates; the body's "defences" are the immune system; pain "that won't go
    # away" is chronic.
    assert "fail" in set(lexical_tokens("my knee brace stopped working"))
    assert "drug" in set(lexical_tokens("which tablets help gout?"))
    assert "regener" in set(lexical_tokens("can a tendon regrow?"))
    assert "regener" in set(lexical_tokens("tendon regrowth?"))
    assert "immun" in set(lexical_tokens("do our defences fight gout?"))
    assert "chronic" in set(lexical_tokens("my pain that won't go away"))


def test_a_contracted_not_is_the_word_not() -> None:
    assert terms.words("It doesn't help; they can’t, won't or aren't") == [
        "it", "does", "not", "help", "they", "can", "not", "will", "not", "or", "are", "not"
    ]  # fmt: skip
    # No word "doesn" is left for the rules that look for words the articles never use.
    assert (
        unmentioned_terms("Gout doesn't shorten life.", frozenset({"gout", "shorten", "life"}))
        == []
    )


def test_lay_names_for_physiotherapy_an_operation_and_lasting_pain() -> None:
    assert {"physic", "therapi"} <= set(lexical_tokens("did physio help your shoulder?"))
    assert {"physic", "therapi"} <= set(lexical_tokens("is physiotherapy worth a try?"))
    assert "surgeri" in set(lexical_tokens("would an operation fix the tendon?"))
    assert "chronic" in set(lexical_tokens("my long-lasting pain in the heel"))
    # The articles' side meets the lay name too.
    assert "physio" in set(lexical_tokens("Physical therapy helps some.", document=True))


def test_how_often_a_question_asks_is_no_topic_and_as_well_says_also() -> None:
    assert lexical_tokens("what usually happens to gout?") == lexical_tokens(
        "what happens to gout?"
    )
    assert "typic" not in set(lexical_tokens("how big are gout trials typically?"))
    # "as well" is "also"; "well" alone says how well.
    assert "well" not in terms.content_words("the same may occur in the wrist as well")
    assert "well" in terms.content_words("does it work well?")


def test_the_et_al_of_a_citation_is_no_word() -> None:
    # "ALS" stems to "al": a citation's "et al." must not meet a question about ALS.
    assert lexical_tokens("Okafor et al. treated gout in Leeds.") == [
        "okafor", "treat", "gout", "leed"
    ]  # fmt: skip
    assert "al" in lexical_tokens("Does ALS start in the hands?")


def test_non_stays_with_the_word_it_negates() -> None:
    assert terms.words("non-steroidal drugs for non-cancer pain") == [
        "nonsteroidal", "drugs", "for", "noncancer", "pain"
    ]  # fmt: skip
    assert not {"steroid", "cancer"} & set(lexical_tokens("non-steroidal drugs, non-cancer pain"))
    # An NSAID is what the articles spell out, "non-steroidal" and all.
    assert "nonsteroid" in set(lexical_tokens("are NSAIDs any use?"))


def test_lay_words_for_wasting_away_and_going_wrong() -> None:
    assert "atrophi" in set(lexical_tokens("do the calf muscles waste away?"))
    assert {"falter", "fail"} <= set(lexical_tokens("when does the kidney go wrong?"))
    # "instead", like "usually", frames a question and names nothing.
    assert lexical_tokens("why try diets instead?") == lexical_tokens("why try diets?")


def test_a_relapse_is_a_flare_up() -> None:
    said = set(lexical_tokens("The drug lengthens the time between flare-ups.", document=True))
    assert {"flare", "up"} <= said & set(lexical_tokens("does the drug space out relapses?"))


def test_a_vaccination_is_an_immunization() -> None:
    said = set(lexical_tokens("Immunizations protect us for years.", document=True))
    for asked in ("do vaccinations last for years?", "does a vaccine protect us?"):
        assert "immun" in said & set(lexical_tokens(asked)), asked


def test_twelve_months_is_a_year() -> None:
    said = set(lexical_tokens("Gout was gone in 40% at 1 year.", document=True))
    assert {"1", "year"} <= said & set(lexical_tokens("what about 12 months out?"))
    # Only questions are read so: an article's year gains no months.
    assert "month" not in said


def test_been_tried_asks_about_trials() -> None:
    said = set(lexical_tokens("Gels were tested in trials for gout.", document=True))
    assert "trial" in said & set(lexical_tokens("has the gel been tried for gout?"))


def test_for_good_asks_for_a_cure() -> None:
    assert "cure" in set(lexical_tokens("will the gel fix gout for good?"))
    # Only questions are read so: an article's "for good" is no cure.
    assert "cure" not in set(lexical_tokens("The gel was stopped for good.", document=True))


def test_analysed_and_analyzed_are_one_word() -> None:
    said = set(lexical_tokens("The goat trials were combined and analyzed.", document=True))
    assert "analys" in said & set(lexical_tokens("were the goat trials analysed together?"))
    assert stem("paralyzed") == stem("paralysed")


def test_everybody_is_everyone() -> None:
    said = set(lexical_tokens("Not everyone can take the gout tablets.", document=True))
    assert set(lexical_tokens("do the gout tablets suit everybody?")) & said >= {"everyon"}
    anyone = set(lexical_tokens("Has anyone been helped by the gout tablets?"))
    assert anyone <= set(lexical_tokens("Has anybody been helped by the gout tablets?"))
    # Written as two words, as patients often do.
    assert set(lexical_tokens("do the gout tablets suit every one?")) & said >= {"everyon"}
    assert set(lexical_tokens("do they suit every body?")) & said >= {"everyon"}


def test_every_day_is_daily() -> None:
    said = set(lexical_tokens("Patients must take the tablets every day.", document=True))
    assert "daili" in said and "daili" in set(lexical_tokens("are the tablets taken daily?"))


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # Ligatures of text pasted from a PDF, which the models' word pieces break on.
        ("the ﬁrst inﬂuenza wave", "the first influenza wave"),
        # A word cut at a line end is joined again only where English writes it whole.
        ("archival autopsy tis-\nsues were kept", "archival autopsy tissues were kept"),
        ("a year of follow-\nup visits", "a year of follow-up visits"),
        ("lines\nof   wrapped\ttext ", "lines of wrapped text"),
        # Hyphens inside a line stay as written.
        ("self-renewal of the cells", "self-renewal of the cells"),
    ],
)
def test_model_text_is_what_a_model_reads(text: str, read: str) -> None:
    assert model_text(text) == read


def test_every_contraction_is_written_out_but_a_possessive_stays() -> None:
    assert terms.words("They're sure I've got it; it's what you'll hear, I'm told") == [
        "they", "are", "sure", "i", "have", "got", "it", "it", "is", "what", "you", "will",
        "hear", "i", "am", "told",
    ]  # fmt: skip
    assert terms.words("Crohn's flares") == ["crohn", "s", "flares"]
    # Written out as typed, case and all: the "they" of "they're" can then be read.
    written = terms.written_out("Why won't you give them if They’re harsh?")
    assert written == "Why won't you give them if They are harsh?"
    assert terms.written_out("She's been told I'd tried it; it's fine") == (
        "She has been told I had tried it; it is fine"
    )
    assert not {"re", "ve", "ll"} & set(lexical_tokens("we're sure they've said we'll heal"))


def test_getting_better_on_its_own_is_healing_itself_and_eyesight_is_vision() -> None:
    said = set(lexical_tokens("The tendon has little capacity to heal itself.", document=True))
    for asked in ("does a tendon get better on its own?", "can the tendon repair itself?"):
        assert "heal" in said & set(lexical_tokens(asked)), asked
    # A phrase only questions use gives the articles' side none of its everyday words.
    assert "better" not in said
    seen = set(lexical_tokens("Some patients notice blurred vision.", document=True))
    assert "vision" in seen & set(lexical_tokens("does it affect eyesight?"))


def test_a_term_line_takes_asked_as_its_only_third_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terms, "DATA_DIR", tmp_path)
    (tmp_path / "good.tsv").write_text("gp\tgeneral practitioner\nfeel rough\tunwell\tasked\n")
    assert terms.read_term_table("good.tsv") == {
        "gp": "general practitioner",
        "feel rough": "unwell",
    }
    (tmp_path / "bad.tsv").write_text("feel rough\tunwell\tsometimes\n")
    with pytest.raises(ValueError, match=r"bad\.tsv:1"):
        terms.read_term_table("bad.tsv")
    # A line without its expansion names its line too.
    (tmp_path / "short.tsv").write_text("# terms\nfeel rough\n")
    with pytest.raises(ValueError, match=r"short\.tsv:2"):
        terms.read_term_table("short.tsv")


def test_wearing_out_and_early_on_meet_the_articles_words() -> None:
    said = set(
        lexical_tokens("Cartilage thins from wear and tear and cannot heal itself.", document=True)
    )
    assert {"wear", "tear"} <= said & set(lexical_tokens("why do knees wear out?"))
    first = set(lexical_tokens("The first sign is a stiff finger.", document=True))
    assert "first" in first & set(lexical_tokens("what happens early on?"))
    # Questions only: the articles' side gets no "early" from "first".
    assert "earli" not in first
    assert {"first", "earli"} <= set(lexical_tokens("and what about at the start?"))
    # Cells that "switch on" others induce them.
    induced = set(lexical_tokens("The drug induces regulatory cells.", document=True))
    assert "induc" in induced & set(lexical_tokens("which cells does it switch on?"))
    assert "switch" not in induced
    # "eventually" says what "ultimately" says; the articles' side keeps its own words.
    ultimately = set(lexical_tokens("Some patients ultimately need a cane.", document=True))
    assert "ultim" in ultimately & set(lexical_tokens("Do patients eventually need a cane?"))
    assert "eventu" not in ultimately


def test_what_is_given_prescribed_or_tried_first_for_something_is_its_treatment() -> None:
    managed = set(lexical_tokens("Management of gout includes rest and ice.", document=True))
    asking = (
        "what do doctors give for gout?",
        "what is colchicine prescribed for?",
        "what do doctors try first for gout?",
        "what is the first line for gout?",
    )
    for asked in asking:
        assert "manag" in managed & set(lexical_tokens(asked)), asked
    # Questions only: the articles' side gets no "give" from "management".
    assert "give" not in managed


def test_downsides_and_drawbacks_are_side_effects() -> None:
    said = set(lexical_tokens("Colchicine has side effects when taken long-term.", document=True))
    for asked in ("any downsides if you take it for years?", "what are the drawbacks?"):
        assert {"side", "effect"} <= said & set(lexical_tokens(asked)), asked
    assert "downsid" not in said and "drawback" not in said


def test_what_people_wait_for_is_what_they_await() -> None:
    said = set(lexical_tokens("We await the results of larger gout trials.", document=True))
    assert "await" in said & set(lexical_tokens("what are they waiting for now?"))
    assert "wait" not in said


def test_treating_asks_for_a_treatment_and_new_and_almost_no_read_as_the_articles_write() -> None:
    options = set(lexical_tokens("There are few treatment options for gout.", document=True))
    for asked in ("is there anything that treats gout?", "how do doctors treat gout?"):
        assert "treatment" in options & set(lexical_tokens(asked)), asked
    # An article's "to treat" is no word on treatments: asked-only terms stay on questions.
    assert "treatment" not in set(
        lexical_tokens("Colchicine is used to treat gout.", document=True)
    )
    recent = set(
        lexical_tokens("There have been recent developments in gout drugs.", document=True)
    )
    assert "recent" in recent & set(lexical_tokens("are there new gout drugs?"))
    assert "new" not in recent
    virtually = set(lexical_tokens("Patients have virtually no options.", document=True))
    for asked in ("are there almost no options?", "why are there hardly any options?"):
        assert "virtual" in virtually & set(lexical_tokens(asked)), asked


def test_what_is_required_is_what_is_needed() -> None:
    # "what's needed to be sure?" is answered by "larger trials will be required".
    assert stem("needed") in lexical_tokens("Larger gel trials will be required.", document=True)
    assert stem("needs") in lexical_tokens("The gel requires more trials.", document=True)


def test_ones_own_body_is_where_autologous_cells_come_from() -> None:
    said = set(lexical_tokens("The gout trial used autologous cells.", document=True))
    assert "autolog" in said & set(lexical_tokens("are the cells from my own body?"))
    # Asked only: an article's "the body's own repair" says nothing of autologous cells.
    assert "autolog" not in lexical_tokens("the repair of their own body", document=True)


def test_a_disease_fixed_is_one_cured() -> None:
    # "will that fix it?" of a drug for a disease asks whether it cures it
    assert "cure" in " ".join(expansions("will the new gout drug fix it?"))
    assert "repair" in " ".join(expansions("can they fix a torn tendon?"))


@pytest.mark.parametrize(
    ("article", "asked", "shared"),
    [
        ("Gout can even lead to joint failure.", "can the joint fail completely?", {"failur"}),
        ("The muscles are in a contracted state.", "why are his muscles clenched?", {"contract"}),
        (_TOLERATE, "what if she can't handle the gout pills?", {"toler"}),
        (_TOLERATE, "what if he can't cope with them?", {"toler"}),
        (_TOLERATE, "do they suit everyone?", {"toler"}),
        (_TOLERATE, "what does the medication do?", {"drug"}),
        ("Goats maintain their grip over a lifetime.", "a grip throughout life", {"lifetim"}),
        ("The joint cannot heal.", "will the joint mend by itself?", {"heal"}),
        ("There have been some recent developments.", "anything newer than steroids?", {"recent"}),
        ("Scores also improved in other tests.", "did other measures improve?", {"score", "test"}),
        ("The joint becomes stiff and unstable.", "is being unsteady part of it?", {"unstabl"}),
        (_PAIN, "it was on and off at first and now it never stops", {"intermitt", "constant"}),
        (_PAIN, "what is it called when it stops coming and going?", {"intermitt"}),
        ("In later stages, the gel hardens.", "what happens as it progresses?", {"later", "stage"}),
        ("Gout limits the things they enjoy.", "does gout stop their hobbies?", {"enjoy"}),
        (_OVER_TIME, "what does gout do over the years?", {"time", "ultim"}),
        (_OVER_TIME, "how bad does gout get in the end?", {"time", "ultim"}),
        (
            "When the goat immune system falters, gout follows.",
            "and if it malfunctions?",
            {"falter"},
        ),
        ("Gout can interfere with leg movement.", "and walking?", {"leg", "movement"}),
        (
            "Further results will help us learn more.",
            "when will we know more?",
            {"learn", "result"},
        ),
        ("The first symptom of gout is a swollen toe.", "how does gout usually start?", {"first"}),
        ("Gel shots are widely available.", "where are gel shots offered?", {"avail"}),
        ("Gout comes from microtraumas.", "is gout just wear and tear?", {"microtrauma"}),
        ("Gels extend the length of dry spells.", "gels lengthen dry spells", {"extend", "length"}),
        (
            "Gels extend the length of dry spells.",
            "do gels prolong dry spells?",
            {"extend", "length"},
        ),
    ],
)
def test_a_lay_word_asked_meets_the_word_the_articles_use(
    article: str, asked: str, shared: set[str]
) -> None:
    said = set(lexical_tokens(article, document=True))
    assert shared <= said & set(lexical_tokens(asked))


def test_the_articles_side_gets_no_everyday_words_of_a_lay_phrase() -> None:
    assert "toler" not in set(lexical_tokens("a suit of clothes", document=True))
    assert "stop" not in set(lexical_tokens(_PAIN, document=True))


def test_a_lay_word_asked_reads_as_the_one_word_the_articles_use() -> None:
    assert asked_meaning("Where is it offered?") == "where is it available?"
    # said in more words by the articles, or a word on both sides: left as typed
    assert asked_meaning("any hobbies left?") == "any hobbies left?"
    assert asked_meaning("is she unsteady?") == "is she unsteady?"
