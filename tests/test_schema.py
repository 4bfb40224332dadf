from pipeline.publish.schema import SCHEMA_DIR, render_schemas


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


def load_schema(name):
    import json

    return json.loads(render_schemas()[name])


def test_schemas_name_their_dialect_and_id():
    for name in render_schemas():
        schema = load_schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].startswith("urn:praxis:schema:")


def test_schema_gives_formats_for_emails_and_urls_and_patterns_for_codes():
    import re

    schema = load_schema("initiative.schema.json")
    properties, defs = schema["properties"], schema["$defs"]
    assert defs["Contact"]["properties"]["email"]["format"] == "email"
    assert properties["websites"]["items"]["format"] == "uri"
    country = re.compile(properties["countries"]["items"]["pattern"])
    assert country.match("SE") and not country.match("Sverige")
    identifier = re.compile(properties["id"]["pattern"])
    assert identifier.match("ini_0123456789abcdef") and not identifier.match("ini_x")
    month = re.compile(defs["Period"]["properties"]["start"]["anyOf"][0]["pattern"])
    assert month.match("2019") and month.match("2019-05") and not month.match("2019-13")


def test_published_records_and_documents_validate_against_the_schemas(tmp_path):
    import json

    from jsonschema import Draft202012Validator, FormatChecker

    from tests.conftest import publish_test_documents

    release = publish_test_documents(tmp_path)
    for data, name in (("initiatives.jsonl", "initiative.schema.json"),
                       ("documents.jsonl", "document.schema.json")):
        published = json.loads((release / name).read_text(encoding="utf-8"))
        assert published == load_schema(name)
        validator = Draft202012Validator(published, format_checker=FormatChecker())
        lines = (release / data).read_text(encoding="utf-8").splitlines()
        assert lines
        for line in lines:
            errors = [error.message for error in validator.iter_errors(json.loads(line))]
            assert errors == [], (data, errors[:3])
