"""The field registry in pipeline/models.py is the one list of published fields."""

import pytest

from pipeline.lexicon import ALL_FIELDS, PROSE_FIELDS, SECTION_FIELDS
from pipeline.models import FIELDS, Initiative, TextField, field_names
from pipeline.publish.review_queue import REQUIRED_FIELDS

# Attributes of a record that describe the record itself, not the initiative.
RECORD_ATTRIBUTES = {"id", "schema_version", "title_en", "title_lang", "language", "parent_id",
                     "outcomes", "related", "cluster_id", "source", "provenance", "issues"}


def test_registry_names_every_model_field_once():
    names = [spec.name for spec in FIELDS]
    assert len(names) == len(set(names))
    assert set(names) | RECORD_ATTRIBUTES == set(Initiative.model_fields)


@pytest.mark.parametrize("spec", FIELDS, ids=lambda spec: spec.name)
def test_registry_kind_matches_the_model(spec):
    annotation = str(Initiative.model_fields[spec.name].annotation)
    if spec.kind == "text":
        assert Initiative.model_fields[spec.name].annotation == TextField | None
    elif spec.kind in ("text_list", "list", "objects"):
        assert annotation.startswith("list[")


def test_lexicon_label_keys_come_from_the_registry():
    labels = {label for spec in FIELDS for label in spec.labels}
    assert labels <= set(ALL_FIELDS)
    assert set(SECTION_FIELDS) == {label for spec in FIELDS if spec.kind in ("text", "text_list")
                                   for label in spec.labels}


def test_stage_field_lists_are_read_from_the_registry():
    assert PROSE_FIELDS == field_names(prose=True)
    assert REQUIRED_FIELDS == ("title", "organisations", "target_group")
    assert "description" not in PROSE_FIELDS  # the description is what is left, never a cue


@pytest.mark.parametrize("number", [float("inf"), float("-inf"), float("nan")])
def test_a_record_refuses_a_number_json_cannot_hold(number):
    from pydantic import ValidationError

    from pipeline.models import Outcome

    with pytest.raises(ValidationError):
        Outcome(value=number, unit="count", text="x")
