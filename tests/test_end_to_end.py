"""The Prefect flow over the seed inbox, scored against the gold targets of the issue."""

import json

import pytest

from pipeline.steward.evaluate import run_evaluation
from tests.conftest import GOLD

pytestmark = pytest.mark.slow

TARGETS = {"segmentation": 1.0, "title": 0.97, "language": 0.97, "contact_emails": 0.97,
           "websites": 0.97, "countries": 0.97, "target_group": 0.95, "purpose": 0.95,
           "description": 0.95, "expected_results": 0.95, "evaluation": 0.95,
           "organisations": 0.85, "target_group_categories": 0.70, "themes": 0.70}


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_flow_publishes_27_initiatives_from_the_seeds(seed_release):
    assert len(read_jsonl(seed_release / "initiatives.jsonl")) == 27
    assert len(read_jsonl(seed_release / "documents.jsonl")) == 5


def test_flow_meets_the_gold_targets(seed_release, gold):
    report = run_evaluation(GOLD, seed_release / "initiatives.jsonl").to_dict()
    scores = {name: report["fields"][name]["score"] for name in TARGETS}
    print(json.dumps(scores, indent=1))
    misses = {name: score for name, score in scores.items() if score < TARGETS[name]}
    assert not misses


def test_every_text_field_round_trips_into_its_document(seed_release):
    texts = {d["file"]: d["text"] for d in read_jsonl(seed_release / "documents.jsonl")}
    for record in read_jsonl(seed_release / "initiatives.jsonl"):
        text = texts[record["source"]["file"]]
        start, end = record["source"]["span"]
        assert text[start:end]
        fields = [record[name] for name in ("target_group", "purpose", "description",
                                            "expected_results", "evaluation", "background",
                                            "challenges", "impact", "replicability")]
        for field in [f for f in fields if f] + record["activities"]:
            assert text[field["span"][0]:field["span"][1]] == field["text"]


def test_plain_function_run_gives_the_same_records_as_the_flow(seed_release, tmp_path):
    from pipeline.config import Settings
    from pipeline.run import run_pipeline
    from tests.conftest import SEEDS

    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = SEEDS, tmp_path, False
    run_pipeline(settings)
    assert (tmp_path / "initiatives.jsonl").read_text(encoding="utf-8") == \
        (seed_release / "initiatives.jsonl").read_text(encoding="utf-8")
