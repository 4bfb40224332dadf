"""Tests for the gold-standard scorer: pairing, normalisation and each scoring rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.steward.evaluate import match_records, normalise_url, run_evaluation, score, token_f1
from pipeline.steward.gold import GoldRecord, load_gold, load_predictions
from pipeline.steward.scores import format_report
from pipeline.models import SECTION_FIELDS, Initiative

GOLD_FILE = Path(__file__).resolve().parents[2] / "shared" / "gold" / "seeds.gold.json"


def make_gold(**fields) -> GoldRecord:
    """Build a small gold record; every field not given takes a plain default."""
    defaults = {
        "file": "a.txt", "title": "Bridge Builders", "language": "sv",
        "organisations": [{"name": "Röda Korset", "role": "implementing"}],
        "countries": ["SE"], "contacts": [{"name": "Ann", "email": "ann@example.org"}],
        "websites": ["https://www.example.org/"], "purpose": "Help newcomers find work.",
        "description": "Weekly meetings between mentors and newly arrived refugees.",
        "activities": ["Mentoring", "Job fairs"], "period": {"start": "2019"},
        "funding": ["Vinnova"], "target_group_categories": ["refugees"],
        "themes": ["labour_market"], "implementation_level": "local", "sdgs": [8],
    }
    return GoldRecord.model_validate({**defaults, **fields})


def text_field(text: str | None, lang: str) -> dict | None:
    return None if text is None else {"text": text, "lang": lang, "span": [0, len(text)]}


def make_prediction(gold: GoldRecord, ids: dict[int, str] | None = None, **changes) -> Initiative:
    """Build the record a perfect pipeline would publish for a gold record."""
    record = {
        "id": f"id-{gold.file}-{gold.title}", "title": gold.title, "language": gold.language,
        "organisations": [o.model_dump() for o in gold.organisations],
        "contacts": [c.model_dump() for c in gold.contacts],
        "countries": gold.countries, "websites": gold.websites,
        "activities": [text_field(text, gold.language) for text in gold.activities],
        "target_group_categories": gold.target_group_categories, "themes": gold.themes,
        "implementation_level": gold.implementation_level, "period": gold.period.model_dump(),
        "funding": gold.funding, "sdgs": gold.sdgs,
        "source": {"file": f"raw/{gold.file}", "sha256": "0" * 64, "format": "txt",
                   "segment": "0", "span": [0, 1]},
    }
    for name in SECTION_FIELDS:
        record[name] = text_field(getattr(gold, name, None), gold.language)
    record.update(changes)
    return Initiative.model_validate(record)


def predict_all(gold: list[GoldRecord]) -> list[Initiative]:
    """Build perfect predictions for a gold list, parent links included."""
    pred = [make_prediction(record) for record in gold]
    for index, record in enumerate(gold):
        if record.parent is not None:
            parent = next(p for g, p in zip(gold[:index][::-1], pred[:index][::-1])
                          if g.file == record.file and g.title == record.parent)
            pred[index].parent_id = parent.id
    return pred


def scored_fields(report) -> dict[str, float]:
    return {name: f.score for name, f in report.fields.items() if f.score is not None}


def two_records() -> list[GoldRecord]:
    return [
        make_gold(),
        make_gold(title="Language Café", description="Conversation practice in Swedish.",
                  parent="Bridge Builders"),
    ]


def test_perfect_prediction_scores_one_everywhere():
    gold = two_records()
    report = score(gold, predict_all(gold))
    values = scored_fields(report)
    assert values and all(value == 1.0 for value in values.values()), values
    assert report.fields["parent_links"].gold == 1
    assert report.fields["period_start"].score == 1.0


def test_missing_record_lowers_segmentation_recall_only():
    gold = two_records()
    report = score(gold, predict_all(gold)[:1])
    segmentation = report.fields["segmentation"]
    assert segmentation.recall == 0.5
    assert segmentation.precision == 1.0
    assert report.fields["title"].score == 0.5
    assert report.fields["parent_links"].score == 0.0
    assert [m.got for m in segmentation.mismatches] == ["(missing)"]


def test_record_from_a_file_outside_gold_is_ignored():
    gold = [make_gold()]
    stray = make_prediction(make_gold(file="other.txt"))
    report = score(gold, [make_prediction(gold[0]), stray])
    assert report.pred_ignored == 1
    assert report.fields["segmentation"].score == 1.0


def test_records_pair_only_within_the_same_file():
    gold = [make_gold(file="a.txt")]
    pred = [make_prediction(make_gold(file="b.txt")), make_prediction(gold[0])]
    assert [(m.gold, m.pred) for m in match_records(gold, pred)] == [(0, 1)]


def test_record_with_a_different_title_pairs_by_section_text():
    gold = [make_gold()]
    pred = [make_prediction(gold[0], title="Completely other heading")]
    matches = match_records(gold, pred)
    assert [(m.gold, m.pred, m.method) for m in matches] == [(0, 0, "text")]
    report = score(gold, pred)
    assert report.fields["segmentation"].score == 1.0
    assert report.fields["title"].score == 0.0


def test_near_identical_titles_pair_with_the_closest_one():
    gold = [make_gold(title="IOP Kvinna Botkyrka", description="Women into jobs."),
            make_gold(title="IOP Kompis Sverige", description="Friends for newcomers.")]
    pred = [make_prediction(gold[1]), make_prediction(gold[0], title="IOP Kvinna Botkyrka.")]
    assert [(m.gold, m.pred) for m in match_records(gold, pred)] == [(0, 1), (1, 0)]


def test_organisation_name_with_small_typo_still_matches():
    gold = [make_gold(organisations=[{"name": "Stockholms stiftskansli, Svenska kyrkan",
                                      "role": "implementing"}])]
    pred = [make_prediction(gold[0], organisations=[
        {"name": "Stockholms stiftskansli Svenska kyrkn", "role": "implementing"}])]
    assert score(gold, pred).fields["organisations"].score == 1.0


def test_organisation_name_that_is_only_a_substring_does_not_match():
    gold = [make_gold(organisations=[{"name": "Stockholms stiftskansli, Svenska kyrkan",
                                      "role": "implementing"}])]
    pred = [make_prediction(gold[0], organisations=[
        {"name": "Svenska kyrkan", "role": "implementing"}])]
    organisations = score(gold, pred).fields["organisations"]
    assert organisations.correct == 0
    assert organisations.score == 0.0


def test_organisation_with_wrong_role_counts_for_names_but_not_with_role():
    gold = [make_gold(organisations=[{"name": "Vinnova", "role": "funder"}])]
    pred = [make_prediction(gold[0], organisations=[{"name": "Vinnova", "role": "partner"}])]
    report = score(gold, pred)
    assert report.fields["organisations"].score == 1.0
    assert report.fields["organisations+role"].score == 0.0


def test_token_f1_of_a_known_partial_overlap():
    # 2 shared tokens; precision 2/3, recall 2/4 -> F1 = 4/7
    assert token_f1("Help newcomers find work", "help Newcomers now") == pytest.approx(4 / 7)


def test_token_f1_counts_repeated_tokens_as_a_multiset():
    assert token_f1("the the cat", "the cat cat") == pytest.approx(2 / 3)


def test_section_score_is_the_mean_token_f1_over_records():
    gold = [make_gold(purpose="Help newcomers find work")]
    pred = [make_prediction(gold[0], purpose={"text": "help Newcomers now", "lang": "en",
                                              "span": [0, 18]})]
    purpose = score(gold, pred).fields["purpose"]
    assert purpose.score == pytest.approx(4 / 7)
    assert purpose.exact == 0


@pytest.mark.parametrize("written", [
    "https://www.example.org/", "http://example.org", "<www.example.org>", "EXAMPLE.org/",
    " example.org// ",
])
def test_website_normalisation_folds_scheme_www_slash_and_brackets(written):
    assert normalise_url(written) == "example.org"


def test_websites_written_differently_still_match():
    gold = [make_gold(websites=["www.Example.org/path/"])]
    pred = [make_prediction(gold[0], websites=["https://example.org/path"])]
    assert score(gold, pred).fields["websites"].score == 1.0


def test_both_null_sections_are_not_counted():
    gold = [make_gold(evaluation=None, purpose=None)]
    pred = [make_prediction(gold[0], purpose={"text": "Invented.", "lang": "sv", "span": [0, 9]})]
    report = score(gold, pred)
    assert report.fields["evaluation"].gold == 0
    assert report.fields["evaluation"].score is None
    assert report.fields["purpose"].gold == 1
    assert report.fields["purpose"].score == 0.0


def test_unmatched_records_count_as_misses_in_set_fields():
    gold = [make_gold(countries=["SE"]), make_gold(title="Other", countries=["NO"],
                                                   description="Something else entirely.")]
    report = score(gold, [make_prediction(gold[0])])
    countries = report.fields["countries"]
    assert (countries.correct, countries.gold, countries.pred) == (1, 2, 1)
    assert countries.recall == 0.5


def test_spurious_parent_link_lowers_parent_precision():
    gold = [make_gold(), make_gold(title="Language Café", description="Swedish practice.")]
    pred = predict_all(gold)
    pred[1].parent_id = pred[0].id
    links = score(gold, pred).fields["parent_links"]
    assert (links.correct, links.gold, links.pred) == (0, 0, 1)
    assert links.score == 0.0


def test_report_serialises_to_json_and_formats_as_a_table():
    gold = two_records()
    pred = predict_all(gold)
    pred[0].title = "Bridge Builder"
    report = score(gold, pred)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["fields"]["title"]["score"] == 0.5
    table = format_report(report)
    assert any(line.startswith("title") and line.split()[1:3] == ["0.500", "1/2"]
               for line in table.splitlines())
    assert "expected 'Bridge Builders'  got 'Bridge Builder'" in format_report(report, verbose=True)


def test_run_evaluation_reads_gold_and_jsonl_files(tmp_path):
    gold = two_records()
    gold_path = tmp_path / "gold.json"
    documents = [{"file": "a.txt", "kind": "compilation",
                  "initiatives": [g.model_dump(exclude={"file"}) for g in gold]}]
    gold_path.write_text(json.dumps({"schema": "gold-v1", "documents": documents}))
    pred_path = tmp_path / "initiatives.jsonl"
    pred_path.write_text("".join(p.model_dump_json() + "\n" for p in predict_all(gold)))
    assert len(load_predictions(pred_path)) == 2
    report = run_evaluation(gold_path, pred_path)
    assert report.fields["segmentation"].score == 1.0


@pytest.mark.skipif(not GOLD_FILE.exists(), reason="shared gold file not present")
def test_gold_scored_against_itself_is_perfect():
    gold = load_gold(GOLD_FILE)
    report = score(gold, predict_all(gold))
    values = scored_fields(report)
    assert all(value == 1.0 for value in values.values()), values
    assert report.fields["segmentation"].correct == len(gold)
    assert all(pair["method"] == "title" for pair in report.pairs)


def test_the_table_gives_the_core_macro_over_the_scored_fields_not_the_informative_ones():
    gold = two_records()
    perfect = format_report(score(gold, predict_all(gold)))
    assert "core macro              1.000" in perfect
    pred = predict_all(gold)
    pred[0].title = "Something else entirely"
    [line] = [line for line in format_report(score(gold, pred)).splitlines()
              if line.startswith("core macro")]
    assert float(line.split()[2]) < 1.0
