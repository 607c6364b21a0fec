"""The statement verifier: the rules for each kind of error (a direction or quality turned
round, a study detail changed, something never mentioned, a number), the learned verifier's
part in a verdict, its training data and its shipped weights."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from mscqa.answers.scorer import MANIFEST_FILE, MODEL_FILE, ModelFileError
from mscqa.answers.verifier import LABELS, VERIFIER_DIR, Reading, Verifier
from mscqa.answers.verify import (
    CONTRADICTED,
    NOT_FOUND,
    SUPPORTED,
    Judgement,
    ModelRule,
    combine,
    judgement,
    model_judgement,
)
from mscqa.config import Settings
from mscqa.engine import Engine
from mscqa.errors import UsageError
from mscqa.index.store import sha256_file

# Made-up evidence for the rules; none of it is about the articles.
DRESSING = (
    "The new wound dressing is affordable and can be applied by the patient at home. "
    "It lowered infection rates in the 2018 trial of 240 patients."
)
WALKING = (
    "Okafor et al. showed that daily walking lowered blood pressure in older adults. "
    "Lindqvist et al. showed that evening walks improved sleep."
)
TEAMS = "A team in Canada repeated the walking trial and found similar results."


def rules(statement: str, evidence: str) -> Judgement:
    return judgement(statement, [evidence], evidence)


def test_a_quality_turned_round_by_a_prefix_is_contradicted() -> None:
    result = rules("The new wound dressing is unaffordable.", DRESSING)
    assert result.verdict == CONTRADICTED
    assert "'unaffordable' in the statement, 'affordable' in the evidence" in result.reason
    assert rules("The new wound dressing is affordable.", DRESSING).verdict == SUPPORTED


def test_a_direction_turned_round_is_contradicted() -> None:
    assert rules("The dressing raised infection rates.", DRESSING).verdict == CONTRADICTED


def test_a_finding_credited_to_other_authors_is_contradicted() -> None:
    result = rules(
        "Lindqvist and colleagues showed that daily walking lowered blood pressure.", WALKING
    )
    assert result.verdict == CONTRADICTED
    assert "Okafor" in result.reason and "Lindqvist" in result.reason
    assert rules("Okafor et al. showed daily walking lowered blood pressure.", WALKING).verdict == (
        SUPPORTED
    )


def test_a_place_the_evidence_never_names_is_not_found() -> None:
    result = rules("A team in Brazil repeated the walking trial with similar results.", TEAMS)
    assert result.verdict == NOT_FOUND and "Brazil" in result.reason
    assert rules("A team in Canada repeated the walking trial.", TEAMS).verdict == SUPPORTED


def test_a_changed_year_or_count_is_contradicted() -> None:
    assert rules("The 2019 trial of the dressing enrolled 240 patients.", DRESSING).verdict == (
        CONTRADICTED
    )
    result = rules("The dressing lowered infection rates in 360 patients.", DRESSING)
    assert result.verdict != SUPPORTED and "360" in result.unmatched


def test_something_the_evidence_never_says_is_not_supported() -> None:
    assert rules("Garlic pills prevent migraines in teenagers.", DRESSING).verdict == NOT_FOUND


class FixedVerifier:
    """Stands in for the learned verifier: the same reading for every pair."""

    def __init__(self, supports: float, refutes: float) -> None:
        self.reading = Reading(supports, refutes, 1.0 - supports - refutes)

    def read(self, statement: str, evidence: object) -> Reading:
        return self.reading


def with_model(supports: float, refutes: float, mode: str = "combined") -> ModelRule:
    return ModelRule(FixedVerifier(supports, refutes), mode)  # type: ignore[arg-type]


def test_the_model_can_withdraw_a_supported_verdict_but_never_grant_one() -> None:
    statement = "The new wound dressing is affordable for families."
    assert rules(statement, DRESSING).verdict == SUPPORTED
    unsure = model_judgement(statement, [DRESSING], DRESSING, with_model(0.2, 0.1))
    assert unsure.verdict == NOT_FOUND and "families" in unsure.reason
    refuted = model_judgement(statement, [DRESSING], DRESSING, with_model(0.1, 0.8))
    assert refuted.verdict == CONTRADICTED
    assert "says otherwise" in refuted.reason and "families" in refuted.reason
    sure = model_judgement(statement, [DRESSING], DRESSING, with_model(0.9, 0.05))
    assert sure.verdict == SUPPORTED and sure.reason == ""
    # Evidence about something else stays not found however sure the model is.
    other = model_judgement(
        "Garlic pills prevent migraines.", [DRESSING], DRESSING, with_model(0.99, 0.0)
    )
    assert other.verdict == NOT_FOUND


def test_the_number_and_name_rules_stand_against_the_model() -> None:
    statement = "The 2019 trial of the dressing enrolled 240 patients."
    result = model_judgement(statement, [DRESSING], DRESSING, with_model(0.99, 0.0))
    assert result.verdict == CONTRADICTED and "2019" in result.reason
    named = "Lindqvist and colleagues showed that daily walking lowered blood pressure."
    assert model_judgement(named, [WALKING], WALKING, with_model(0.99, 0.0)).verdict == CONTRADICTED


def test_model_mode_takes_the_reading_alone() -> None:
    statement = "The new wound dressing is affordable."
    assert model_judgement(
        statement, [DRESSING], DRESSING, with_model(0.1, 0.7, "model")
    ).verdict == (CONTRADICTED)
    assert model_judgement(
        statement, [DRESSING], DRESSING, with_model(0.1, 0.1, "rules")
    ).verdict == (SUPPORTED)


def test_combine_leaves_a_contradiction_by_the_rules_as_it_is() -> None:
    result = rules("The dressing raised infection rates.", DRESSING)
    combined = combine(result, Reading(0.1, 0.8, 0.1), "x", [DRESSING], with_model(0.1, 0.8))
    assert combined == result


def test_an_unknown_verifier_mode_is_one_line(fake_settings: Settings) -> None:
    engine = Engine(replace(fake_settings, verifier_mode="neural"))
    with pytest.raises(UsageError, match="MSCQA_VERIFIER_MODE='neural' is not one of"):
        engine.check("The dressing is cheap.")


# Training data: each layout read from a tiny made-up copy.


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_training_pairs_are_read_from_each_layout(tmp_path: Path) -> None:
    from mscqa.training.verifier_data import (
        NOT_ENOUGH_INFO,
        REFUTES,
        SUPPORTS,
        check_covid_pairs,
        scifact_layout_pairs,
        stratified,
        unsaid_pairs,
    )

    abstract = ["Cats sleep a lot.", "Cats sleep 15 hours a day.", "Dogs bark at night."]
    write_jsonl(tmp_path / "cc" / "corpus.json", [{"cord_id": "a1", "abstract": abstract}])
    write_jsonl(
        tmp_path / "cc" / "train" / "claims.json",
        [
            {"id": "c1", "claim": "Cats sleep 15 hours.", "cord_id": "a1", "label": "SUPPORT",
             "evidence_set": [{"sent_index": 1}]},
            {"id": "c2", "claim": "Cats sleep 2 hours.", "cord_id": "a1", "label": "REFUTE",
             "evidence_set": [{"sent_index": 1}]},
        ],
    )  # fmt: skip
    covid = check_covid_pairs(tmp_path / "cc", "train")
    assert [(p.evidence, p.label) for p in covid] == [
        ("Cats sleep 15 hours a day.", SUPPORTS),
        ("Cats sleep 15 hours a day.", REFUTES),
    ]
    corpus = write_jsonl(tmp_path / "sf" / "corpus.jsonl", [{"doc_id": 7, "abstract": abstract}])
    claims = write_jsonl(
        tmp_path / "sf" / "claims.jsonl",
        [
            {"id": 1, "claim": "Cats sleep for most of the day [<|cit|>, 4].",
             "evidence": {"7": [{"sentences": [1], "label": "CONTRADICT"}]}, "cited_doc_ids": [7]},
            {"id": 2, "claim": "Dogs bark at cats.", "evidence": {}, "cited_doc_ids": [7]},
        ],
    )  # fmt: skip
    pairs = scifact_layout_pairs(claims, corpus, "made-up")
    assert pairs[0].claim == "Cats sleep for most of the day."
    assert pairs[0].label == REFUTES and pairs[0].evidence == "Cats sleep 15 hours a day."
    assert pairs[1].label == NOT_ENOUGH_INFO and "Dogs bark" in pairs[1].evidence
    unsaid = unsaid_pairs(claims, corpus, "made-up")
    assert len(unsaid) == 1 and "15 hours" not in unsaid[0].evidence
    assert unsaid[0].label == NOT_ENOUGH_INFO
    assert len(stratified(covid, 1, seed=1)) == 1


# The shipped weights.


def test_shipped_weights_match_their_manifest() -> None:
    manifest = json.loads((VERIFIER_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["labels"] == list(LABELS)
    for name, digest in manifest["files"].items():
        assert sha256_file(VERIFIER_DIR / name) == digest
    assert {Path(d["path"]).name for d in manifest["data"]} >= {
        "claims_train.jsonl",
        "corpus_sentences.jsonl",
    }
    assert not any("claims_dev" in d["path"] for d in manifest["data"])
    # Parity of the shipped int8 weights with the torch model, measured when they were made.
    assert manifest["parity_int8_vs_torch"]["same_label"] >= 0.9
    Verifier.load()


@pytest.mark.parametrize("damage", ["truncate", "delete", "manifest"])
def test_damaged_weights_are_one_line_naming_the_fix(
    tmp_path: Path, fake_engine: Engine, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    copy = tmp_path / "verifier"
    shutil.copytree(VERIFIER_DIR, copy)
    if damage == "truncate":
        data = (copy / MODEL_FILE).read_bytes()
        (copy / MODEL_FILE).write_bytes(data[: len(data) // 3])
    elif damage == "delete":
        (copy / MODEL_FILE).unlink()
    else:
        (copy / MANIFEST_FILE).write_text("{broken", encoding="utf-8")
    with pytest.raises(ModelFileError) as error:
        Verifier.load(copy)
    assert "\n" not in str(error.value) and "make train" in str(error.value)
    monkeypatch.setenv("MSCQA_VERIFIER_MODE", "combined")
    monkeypatch.setenv("MSCQA_VERIFIER_MODEL", str(copy))
    code, out, err = run_cli(fake_engine.settings, "check", "The dressing is cheap.")
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "make train" in err


@pytest.mark.model
def test_a_verifier_trains_on_a_tiny_set_and_its_onnx_export_scores_as_torch(
    tmp_path: Path,
) -> None:
    from mscqa.answers.scorer import PairScorer
    from mscqa.training.crossencoder import (
        PairExample,
        TrainSettings,
        export_scorer,
        torch_logits,
        train_cross_encoder,
    )

    tiny = [
        ("Owls hunt at night.", "Owls are nocturnal hunters.", 0),
        ("Owls hunt only by day.", "Owls are nocturnal hunters.", 1),
        ("Owls eat fruit.", "Owls are nocturnal hunters.", 2),
        ("Tea contains caffeine.", "Black tea has caffeine in it.", 0),
        ("Tea has no caffeine.", "Black tea has caffeine in it.", 1),
        ("Tea cures colds.", "Black tea has caffeine in it.", 2),
    ]
    settings = TrainSettings(
        num_labels=3, max_length=48, batch_size=6, epochs=2, learning_rate=1e-4, frozen_layers=2
    )
    model = train_cross_encoder(
        [PairExample(a, b, y) for a, b, y in tiny], settings, progress=False
    )
    folder = export_scorer(model, tmp_path / "v", labels=LABELS, quantize=False)
    pairs = [(a, b) for a, b, _ in tiny]
    onnx = PairScorer.load(folder).logits(pairs)
    assert onnx.shape == (6, 3)
    assert np.allclose(onnx, torch_logits(model, pairs), atol=1e-4)
    reading = Verifier(PairScorer.load(folder)).read("Owls hunt at night.", ["Owls are nocturnal."])
    assert abs(reading.supports + reading.refutes + reading.not_enough_info - 1) < 1e-6


@pytest.mark.model
def test_the_shipped_verifier_reads_each_kind_of_error() -> None:
    verifier = Verifier.load()
    evidence = "In the trial, the cream reduced itching in most patients with eczema."
    same = verifier.read("The cream reduced itching in patients with eczema.", [evidence])
    flipped = verifier.read("The cream made itching worse in patients with eczema.", [evidence])
    unsaid = verifier.read("The cream cured psoriasis in children.", [evidence])
    assert same.supports > flipped.supports and same.supports > unsaid.supports
    assert flipped.refutes > same.refutes


def test_a_direction_turned_round_in_the_sentence_after_the_quote_is_contradicted() -> None:
    quote = "The dressing trial enrolled adults with leg ulcers."
    context = quote + " In that trial the dressing lowered infection rates."
    result = judgement("The dressing raised infection rates in the trial.", [quote], context)
    assert result.verdict == CONTRADICTED and "raised" in result.reason


def test_a_supported_claim_is_turned_into_its_opposite() -> None:
    from mscqa.training.verifier_data import negated_claim

    def rewrites(claim: str) -> set[str | None]:
        return {negated_claim(claim, seed) for seed in range(20)}

    assert rewrites("Daily walking lowers blood pressure.") == {
        "Daily walking does not lower blood pressure.",
        "Daily walking increases blood pressure.",
    }
    # A verb is not turned into a quality ("walkers lower" is not "walkers higher").
    assert rewrites("Walkers lower their blood pressure.") == {
        "Walkers do not lower their blood pressure."
    }
    assert rewrites("Warm baths improve sleep in older adults.") == {
        "Warm baths do not improve sleep in older adults.",
        "Warm baths worsen sleep in older adults.",
    }
    assert rewrites("Higher doses of the ointment give faster healing.") == {
        "Lower doses of the ointment give faster healing.",
        "Higher doses of the ointment give slower healing.",
    }
    assert rewrites("The bandage is reusable.") == {"The bandage is not reusable."}
    assert rewrites("Gardeners can grow tomatoes indoors.") == {
        "Gardeners cannot grow tomatoes indoors."
    }
    assert rewrites("Ferns have been shown to thrive in shade.") == {
        "Ferns have not been shown to thrive in shade."
    }
    # Words inside a compound name a thing and stay.
    assert rewrites("A low-salt diet is common in the village.") == {
        "A low-salt diet is not common in the village.",
        "A low-salt diet is rare in the village.",
    }


def test_a_negative_claim_gets_its_negation_taken_back() -> None:
    from mscqa.training.verifier_data import negated_claim

    assert negated_claim("The spray does not reduce itching.") == "The spray reduces itching."
    assert negated_claim("Puppies cannot see at birth.") == "Puppies can see at birth."
    assert negated_claim("Moss is not a flowering plant.") == "Moss is a flowering plant."
    assert negated_claim("The lamp has no effect on mood.") == "The lamp has an effect on mood."
    assert (
        negated_claim("Kittens are unable to hear at birth.")
        == "Kittens are able to hear at birth."
    )
    # A negation of another kind is left alone rather than guessed at.
    assert negated_claim("Never water cacti in winter.") is None
    assert negated_claim("Tulips bloom in spring.") is None


def test_negated_pairs_keep_the_evidence_and_refute() -> None:
    from mscqa.training.verifier_data import (
        NOT_ENOUGH_INFO,
        REFUTES,
        SUPPORTS,
        VerifierPair,
        negated_pairs,
    )

    evidence = "In the trial, daily walking lowered blood pressure."
    pairs = [
        VerifierPair("made-up", "1", "Daily walking lowers blood pressure.", evidence, SUPPORTS),
        VerifierPair("made-up", "2", "Daily walking is not helpful.", evidence, REFUTES),
        VerifierPair("made-up", "3", "Walking is a sport.", evidence, NOT_ENOUGH_INFO),
        VerifierPair("made-up", "4", "Tulips bloom in spring.", "Tulips bloom.", SUPPORTS),
    ]
    made = negated_pairs(pairs, 5, seed=3)
    assert made == [
        VerifierPair(
            "made-up-negated",
            "1",
            "Daily walking does not lower blood pressure.",
            evidence,
            REFUTES,
        )
    ]
    assert negated_pairs(pairs, 0) == []
    assert negated_pairs(pairs, 5, seed=3) == made


def test_restated_pairs_turn_a_refuted_claim_into_a_supported_one() -> None:
    from mscqa.training.verifier_data import REFUTES, SUPPORTS, VerifierPair, restated_pairs

    evidence = "In the trial, daily walking lowered blood pressure."
    pairs = [
        VerifierPair(
            "made-up", "1", "Daily walking does not lower blood pressure.", evidence, REFUTES
        ),
        VerifierPair("made-up", "2", "Daily walking raises blood pressure.", evidence, REFUTES),
        VerifierPair("made-up", "3", "Daily walking is helpful.", evidence, SUPPORTS),
    ]
    # A direction word is never turned round: "lowers" would not be what the trial found
    # either when the refuted claim named the wrong amount.
    made = restated_pairs(pairs, 5, seed=3)
    assert sorted((p.claim, p.evidence, p.label) for p in made) == [
        ("Daily walking does not raise blood pressure.", evidence, SUPPORTS),
        ("Daily walking lowers blood pressure.", evidence, SUPPORTS),
    ]
    assert len(restated_pairs(pairs, 1, seed=3)) == 1
