from pipeline.schema import SCHEMA_DIR, render_schemas


def test_committed_schemas_match_the_models():
    for name, text in render_schemas().items():
        committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `praxis schema`"


def test_contract_fields_are_in_the_initiative_schema():
    import json

    properties = json.loads(render_schemas()["initiative.schema.json"])["properties"]
    for field in ("id", "schema_version", "title", "title_en", "language", "organisations",
                  "contacts", "countries", "websites", "target_group", "purpose", "description",
                  "expected_results", "evaluation", "background", "challenges", "impact",
                  "replicability", "activities", "target_group_categories", "themes",
                  "implementation_level", "period", "funding", "sdgs", "parent_id", "source"):
        assert field in properties
