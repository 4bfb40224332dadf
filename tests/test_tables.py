"""Typed tables: nested Parquet and flat companion tables read back in DuckDB and pandas."""

import json

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from pydantic import BaseModel

from pipeline.models import Initiative, TextField
from pipeline.publish.tables import arrow_type, flat_columns, initiative_schema, table_columns
from tests.conftest import publish_test_documents

TABLES = ("organisations", "text_fields", "contacts")


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return publish_test_documents(tmp_path_factory.mktemp("tables"))


def scalar(sql):
    return duckdb.sql(sql).fetchall()[0][0]


def duck_types(path, reader=""):
    source = f"{reader}('{path}')" if reader else f"'{path}'"
    return {name: kind for name, kind, *_ in duckdb.sql(f"DESCRIBE SELECT * FROM {source}")
            .fetchall()}


def test_initiatives_parquet_has_a_column_per_record_field(release):
    assert list(duck_types(release / "initiatives.parquet")) == list(Initiative.model_fields)


def test_duckdb_reads_lists_structs_and_integers(release):
    types = duck_types(release / "initiatives.parquet")
    assert types["countries"] == "VARCHAR[]" and types["sdgs"] == "BIGINT[]"
    assert types["organisations"] == 'STRUCT("name" VARCHAR, "role" VARCHAR, country VARCHAR)[]'
    assert types["purpose"].startswith('STRUCT("text" VARCHAR, lang VARCHAR, text_en VARCHAR')
    assert types["provenance"].startswith("MAP(VARCHAR, STRUCT(")


def test_empty_lists_are_empty_not_an_empty_string(release):
    path = release / "initiatives.parquet"
    records = [json.loads(line) for line in (release / "initiatives.jsonl").open(encoding="utf-8")]
    for name in ("countries", "websites", "funding", "sdgs", "themes"):
        counted = scalar(f"SELECT count(*) FROM (SELECT unnest({name}) AS c FROM '{path}')")
        assert counted == sum(len(r[name]) for r in records), name
    assert any(not r["funding"] or not r["sdgs"] for r in records)


def test_text_fields_keep_language_and_english_text(release):
    path = release / "initiatives.parquet"
    rows = duckdb.sql(f"SELECT id, purpose.lang, purpose.span FROM '{path}' "
                      "WHERE purpose IS NOT NULL").fetchall()
    records = {r["id"]: r for r in map(json.loads, (release / "initiatives.jsonl").open(encoding="utf-8"))}
    assert rows and all([lang, span] == [records[i]["purpose"]["lang"],
                                         records[i]["purpose"]["span"]] for i, lang, span in rows)


@pytest.mark.parametrize("table", TABLES)
def test_companion_tables_key_every_row_to_an_initiative(release, table):
    parquet, ids = release / f"{table}.parquet", release / "initiatives.parquet"
    orphans = scalar(f"SELECT count(*) FROM '{parquet}' t ANTI JOIN '{ids}' i "
                     "ON t.initiative_id = i.id")
    rows = scalar(f"SELECT count(*) FROM '{parquet}'")
    assert rows > 0 and orphans == 0
    assert duck_types(parquet)["position"] == "BIGINT"


@pytest.mark.parametrize("table", TABLES)
def test_csv_and_parquet_companions_agree_and_pandas_types_them(release, table):
    frame = pd.read_csv(release / f"{table}.csv", encoding="utf-8-sig",
                        dtype_backend="numpy_nullable")
    parquet = pd.read_parquet(release / f"{table}.parquet")
    assert list(frame.columns) == [c.name for c in table_columns(table)] == list(parquet.columns)
    assert len(frame) == len(parquet)
    for column in table_columns(table):
        if pa.types.is_integer(column.type):
            assert pd.api.types.is_integer_dtype(frame[column.name]), column.name
            assert pd.api.types.is_integer_dtype(parquet[column.name]), column.name


def test_text_fields_table_flattens_every_text_field_member(release):
    names = [c.name for c in table_columns("text_fields")]
    for name, info in TextField.model_fields.items():
        assert name in names or f"{name}_start" in names or any(
            n.startswith(f"{name}_") for n in names), name


def test_every_csv_starts_with_a_byte_order_mark(release):
    for path in release.glob("*.csv"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name


def test_pandas_reads_sdgs_of_the_flat_csv_as_integers_not_floats(tmp_path, records_of):
    from pipeline.publish.release import ReleaseWriter

    form = ("Organisation: Exempelstaden, Sverige\nProjektets namn: {title}\n\n"
            "Syfte\n\nAtt ge fler tillfällen att tala svenska i vardagen.\n")
    writer = ReleaseWriter(tmp_path)
    [first] = records_of(form.format(title="Ett"))
    [second] = records_of(form.format(title="Två"))
    first.sdgs = [4]
    writer.add_records([first, second])
    writer.finish()
    frame = pd.read_csv(tmp_path / "initiatives.csv", encoding="utf-8-sig",
                        dtype_backend="numpy_nullable")
    assert pd.api.types.is_integer_dtype(frame["sdgs"])
    assert frame["sdgs"].tolist()[0] == 4 and pd.isna(frame["sdgs"].tolist()[1])


def test_public_release_has_no_contacts_table(release):
    public = release / "public"
    assert (public / "organisations.parquet").exists()
    assert not (public / "contacts.parquet").exists() and not (public / "contacts.csv").exists()
    emails = scalar(f"SELECT count(*) FROM (SELECT unnest(contacts) FROM "
                    f"'{public / 'initiatives.parquet'}')")
    assert emails == 0


class Spanned(BaseModel):
    text: str
    spans: list[tuple[int, int]] = []
    note: str | None = None


def test_arrow_types_derive_from_a_model_including_new_fields():
    assert arrow_type(Spanned) == pa.struct([
        pa.field("text", pa.string(), nullable=False),
        pa.field("spans", pa.list_(pa.list_(pa.int64())), nullable=False),
        pa.field("note", pa.string())])
    assert [c.name for c in flat_columns(Spanned)] == ["text", "spans", "note"]


def test_nested_schema_marks_only_optional_fields_nullable():
    schema = initiative_schema()
    assert not schema.field("id").nullable and schema.field("title").nullable


DUCK_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "string": "VARCHAR"}


def described_tables(release):
    """(file, {field: frictionless type}) for every table of the release and its variant."""
    for folder in (release, release / "public"):
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        for resource in package["resources"]:
            if resource["format"] in ("csv", "parquet"):
                yield folder / resource["path"], {
                    f["name"]: f.get("description", f["type"]).split(" ")[0]
                    if f["type"] == "any" else f["type"] for f in resource["schema"]["fields"]}


def test_duckdb_and_pandas_read_every_table_with_the_described_types(release):
    checked = 0
    for path, described in described_tables(release):
        if path.suffix == ".parquet":
            types = duck_types(path)
            frame = pd.read_parquet(path)
        else:
            types = duck_types(path, "read_csv")
            frame = pd.read_csv(path, encoding="utf-8-sig", dtype_backend="numpy_nullable")
        assert list(types) == list(described) == list(frame.columns), path.name
        for name, kind in described.items():
            duck = types[name]
            if path.suffix == ".parquet" and kind in DUCK_TYPES:
                assert duck == DUCK_TYPES[kind], (path.name, name, duck)
            elif path.suffix == ".parquet":
                assert duck.endswith("[]") if kind == "array" else duck.startswith(
                    ("STRUCT", "MAP")), (path.name, name, duck)
            elif kind == "integer" and frame[name].notna().any():
                assert duck == "BIGINT" and pd.api.types.is_integer_dtype(frame[name]), name
            if kind == "integer" and (path.suffix == ".parquet" or len(frame)):
                # an empty CSV carries no types; its header is all pandas can see
                assert pd.api.types.is_integer_dtype(frame[name]), (path.name, name)
            checked += 1
    assert checked > 100
