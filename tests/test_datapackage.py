"""The data package: real types, vocabularies as enums, keys, and frictionless validates it."""

import json
import shutil
import typing

import pytest
from frictionless import validate

from pipeline.models import Level, Role, TargetGroup, Theme
from tests.conftest import publish_test_documents


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return publish_test_documents(tmp_path_factory.mktemp("package"))


def package(folder):
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def fields(folder, resource):
    found = next(r for r in package(folder)["resources"] if r["name"] == resource)
    return {field["name"]: field for field in found["schema"]["fields"]}


@pytest.mark.parametrize("variant", [".", "public"])
def test_frictionless_validates_every_resource_with_types_checked(release, variant):
    report = validate(release / variant / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:10]
    described = {r["path"] for r in package(release / variant)["resources"]}
    data_files = {p.name for p in (release / variant).iterdir()
                  if p.suffix in (".csv", ".parquet", ".jsonl") and p.name != "review.csv"}
    assert data_files <= described


def test_fields_are_typed_not_all_strings(release):
    types = {f["type"] for r in package(release)["resources"] if "schema" in r
             for f in r["schema"]["fields"]}
    assert {"string", "integer", "number", "array", "object"} <= types
    assert fields(release, "text-fields")["span_start"]["type"] == "integer"
    assert fields(release, "contacts")["email"]["format"] == "email"
    assert fields(release, "initiatives-jsonl")["websites"]["type"] == "array"


@pytest.mark.parametrize("resource, field, vocabulary", [
    ("organisations", "role", Role), ("initiatives", "implementation_level", Level),
])
def test_enums_come_from_the_vocabularies(release, resource, field, vocabulary):
    assert fields(release, resource)[field]["constraints"]["enum"] == list(
        typing.get_args(vocabulary))


@pytest.mark.parametrize("vocabulary", [TargetGroup, Theme])
def test_list_vocabularies_are_in_the_json_schema_the_package_points_to(release, vocabulary):
    schema_text = (release / "initiative.schema.json").read_text(encoding="utf-8")
    assert all(f'"{code}"' in schema_text for code in typing.get_args(vocabulary))
    for name in ("initiatives-jsonl", "initiatives-parquet"):
        resource = next(r for r in package(release)["resources"] if r["name"] == name)
        assert (release / resource["jsonSchema"]).exists()


def test_companion_tables_have_keys_to_the_initiatives(release):
    for resource in package(release)["resources"]:
        if resource["path"].split(".")[0] in ("organisations", "text_fields", "contacts"):
            schema = resource["schema"]
            assert schema["primaryKey"][0] == "initiative_id"
            assert schema["foreignKeys"][0]["reference"] == {"resource": "initiatives",
                                                             "fields": ["id"]}


def test_a_row_pointing_at_no_initiative_fails_validation(release, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(release, copy, ignore=shutil.ignore_patterns("public", "*.sqlite"))
    path = copy / "organisations.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = "ini_ffffffffffffffff" + lines[1][len("ini_ffffffffffffffff"):]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    report = validate(copy / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {error.type for task in report.tasks for error in task.errors}


def tamper_themes(copy):
    path = copy / "initiatives.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    records[0]["themes"] = ["not_a_theme"]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")


def tamper_countries(copy):
    path = copy / "initiatives.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace(",SE,", ",Sverige,", 1), encoding="utf-8-sig")
    assert text != path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("tamper", [tamper_themes, tamper_countries])
def test_a_value_outside_the_vocabulary_or_pattern_fails_validation(release, tmp_path, tamper):
    copy = tmp_path / "copy"
    shutil.copytree(release, copy, ignore=shutil.ignore_patterns("public", "*.sqlite"))
    tamper(copy)
    report = validate(copy / "datapackage.json")
    assert {error.type for task in report.tasks for error in task.errors} == {"constraint-error"}


def test_package_names_the_release_licence_id_and_sources(release):
    descriptor = package(release)
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == manifest["version"]
    assert descriptor["id"] and descriptor["licenses"][0]["name"]
    assert descriptor["sources"][0]["path"] == "documents.jsonl"
    for reference in descriptor["jsonSchemas"].values():
        schema = json.loads((release / reference["path"]).read_text(encoding="utf-8"))
        assert schema["$id"] == reference["id"]
