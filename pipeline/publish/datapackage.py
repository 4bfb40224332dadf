"""The release's Frictionless Data Package: every file described, typed from the models.

Field types, enums, patterns and formats come from the models' JSON Schema and the Arrow
types of `pipeline.publish.tables`, so the descriptor cannot drift from the data. The CSV and
Parquet tables and the JSON Lines files are tabular resources (frictionless reads `jsonl`);
`initiatives.csv` joins lists with "; ", so its list columns are strings there.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from pipeline.config import Settings
from pipeline.models import SCHEMA_VERSION, SECTION_FIELDS, Document, Initiative
from pipeline.publish.schema import model_schema, schema_id
from pipeline.publish.tables import (ITEM_MODELS, PRIMARY_KEYS, PUBLIC_TABLES, initiative_schema,
                             table_columns)

# The terms a release is shared under; a steward can set another SPDX id in PRAXIS_LICENSE.
LICENSES = {"CC-BY-4.0": {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                          "path": "https://creativecommons.org/licenses/by/4.0/"}}
JSON_TYPES = {"string": "string", "integer": "integer", "number": "number",
              "boolean": "boolean", "array": "array", "object": "object"}
FORMATS = {"email": "email", "uri": "uri"}
JOINED_LISTS = ("organisations", "contacts", "countries", "websites", "activities",
                "target_group_categories", "themes", "funding", "sdgs")
CSV_DIALECT = {"delimiter": ",", "quoteChar": '"', "header": True}
FEED_FIELDS = (("op", "string", ["remove", "change", "add"]), ("id", "string", None),
               ("release", "string", None), ("base", "string", None),
               ("old_id", "string", None), ("fields", "object", None), ("record", "object", None))
ID_MAP_FIELDS = (("old_id", "string", None), ("new_id", "string", None),
                 ("how", "string", ["title", "segment_text", "text"]), ("file", "string", None),
                 ("segment", "string", None), ("title", "string", None))


def resolve(prop: dict, defs: dict) -> dict:
    """Follow a $ref and drop the null branch of `X | None`."""
    if "$ref" in prop:
        return resolve(defs[prop["$ref"].split("/")[-1]], defs)
    branches = [b for b in prop.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1:
        rest = {key: value for key, value in prop.items() if key != "anyOf"}
        return resolve({**rest, **branches[0]}, defs)
    return prop


def walk(schema: dict, path: tuple) -> dict | None:
    """The JSON Schema of the value at `path` (property names and tuple positions)."""
    defs, prop = schema.get("$defs", {}), schema
    for step in path:
        prop = resolve(prop, defs)
        if isinstance(step, int):
            items = prop.get("prefixItems") or []
            prop = items[step] if step < len(items) else prop.get("items")
        else:
            prop = (prop.get("properties") or {}).get(step)
        if prop is None:
            return None
    return resolve(prop, defs)


def constraints_of(prop: dict | None, required: bool) -> dict:
    """Table Schema constraints (enum, pattern, bounds) from a JSON Schema property."""
    found = {"required": True} if required else {}
    if not prop:
        return found
    if "enum" in prop:
        found["enum"] = list(prop["enum"])
    for key in ("pattern", "minimum", "maximum"):
        if key in prop:
            found[key] = prop[key]
    return found


def make_field(name: str, prop: dict | None, kind: str, required: bool = False,
               description: str | None = None) -> dict:
    field = {"name": name, "type": kind}
    if prop and kind == "string" and prop.get("format") in FORMATS:
        field["format"] = FORMATS[prop["format"]]
    if prop and prop.get("description"):
        field["description"] = prop["description"]
    if description:
        field["description"] = description
    constraints = constraints_of(prop, required) if kind in ("string", "integer", "number") \
        else ({"required": True} if required else {})
    if constraints:
        field["constraints"] = constraints
    if kind == "array" and prop and isinstance(prop.get("items"), dict):
        field["arrayItem"] = array_item(prop["items"])
    return field


def array_item(items: dict) -> dict:
    """The type and constraints of a list's items (frictionless checks each one)."""
    kind = "object" if "$ref" in items else json_kind(items)
    item = {"type": kind}
    if kind == "string" and items.get("format") in FORMATS:
        item["format"] = FORMATS[items["format"]]
    constraints = constraints_of(items, False) if kind in ("string", "integer") else {}
    if constraints:
        item["constraints"] = constraints
    return item


def joined_pattern(items: dict | None) -> str | None:
    """A pattern for a '; '-joined list whose items have an enum or a pattern."""
    if not items:
        return None
    if "enum" in items:
        one = "(?:" + "|".join(items["enum"]) + ")"
    elif "pattern" in items:
        one = "(?:" + items["pattern"].removeprefix("^").removesuffix("$") + ")"
    elif items.get("type") == "integer":
        one = "[0-9]+"
    else:
        return None
    return f"^{one}(?:; {one})*$"


def json_kind(prop: dict | None) -> str:
    kinds = [] if prop is None else [prop["type"]] if isinstance(prop.get("type"), str) else []
    if prop and "enum" in prop and not kinds:
        kinds = ["string"]
    return JSON_TYPES.get(kinds[0], "any") if kinds else "any"


def arrow_kind(data_type: pa.DataType) -> str:
    if pa.types.is_integer(data_type):
        return "integer"
    if pa.types.is_floating(data_type):
        return "number"
    if pa.types.is_boolean(data_type):
        return "boolean"
    if pa.types.is_list(data_type):
        return "array"
    if pa.types.is_struct(data_type) or pa.types.is_map(data_type):
        return "object"
    return "string"


def model_fields(model) -> list[dict]:
    """One field per model property, for the JSON Lines and nested Parquet resources."""
    schema = model_schema(model)
    required = set(schema.get("required", []))
    return [make_field(name, walk(schema, (name,)), json_kind(walk(schema, (name,))),
                       name in required)
            for name in model.model_fields]


def initiatives_csv_fields(columns: tuple[str, ...]) -> list[dict]:
    """Fields of the flat initiatives.csv: `period_start` is period.start, lists joined."""
    schema = model_schema(Initiative)
    fields = []
    for name in columns:
        if name in JOINED_LISTS:
            items = walk(schema, (name,)).get("items")
            pattern = joined_pattern(resolve(items, schema["$defs"]) if items else None)
            fields.append(make_field(name, {"pattern": pattern} if pattern else None, "string",
                                     description="a list, items joined with '; '"))
            continue
        path = (name,) if name in Initiative.model_fields else tuple(name.split("_", 1))
        prop = walk(schema, path)
        kind = json_kind(prop)
        if kind == "object":  # a text field: its text
            kind, prop = "string", walk(schema, (name, "text"))
        required = name in ("id", "language", "schema_version", "source_file")
        fields.append(make_field(name, prop, kind, required))
    return fields


def companion_fields(table: str) -> list[dict]:
    """Fields of a companion table, typed from its Arrow schema, constrained by the model."""
    schema = model_schema(ITEM_MODELS[table])
    fields = []
    for column in table_columns(table):
        prop = walk(schema, column.path) if column.path else None
        if column.name == "field":
            prop = {"enum": [*SECTION_FIELDS, "activities"]}
        elif column.name == "initiative_id":
            prop = walk(model_schema(Initiative), ("id",))
        fields.append(make_field(column.name, prop, arrow_kind(column.type),
                                 not column.nullable))
    return fields


def as_nested(field: dict) -> dict:
    """Parquet lists and structs reach frictionless as numpy values it cannot type-check."""
    if field["type"] not in ("array", "object"):
        return field
    return {**field, "type": "any",
            "description": f"{field['type']} (a Parquet list or struct; see the JSON Schema)"}


def to_initiatives(key: str = "initiative_id") -> list[dict]:
    return [{"fields": [key], "reference": {"resource": "initiatives", "fields": ["id"]}}]


def tabular(name: str, path: str, fields: list[dict], primary: list[str] | None = None,
            foreign: list[dict] | None = None, **extra) -> dict:
    fmt = path.rsplit(".", 1)[1]
    resource = {"name": name, "type": "table", "path": path, "format": fmt,
                "mediatype": {"csv": "text/csv", "jsonl": "application/jsonl",
                              "parquet": "application/vnd.apache.parquet"}[fmt]}
    if fmt in ("csv", "jsonl"):
        resource["encoding"] = "utf-8-sig" if fmt == "csv" else "utf-8"
    if fmt == "csv":
        resource["dialect"] = CSV_DIALECT
    schema = {"fields": fields}
    if primary:
        schema["primaryKey"] = primary
    if foreign:
        schema["foreignKeys"] = foreign
    resource["schema"] = schema
    resource.update(extra)
    return resource


def describe_resources(public: bool) -> list[dict]:
    """Every data file of a release (or of its public variant) as a resource."""
    from pipeline.publish.files import CSV_COLUMNS

    parent = [{"fields": ["parent_id"], "reference": {"resource": "", "fields": ["id"]}}]
    records = model_fields(Initiative)
    nested = {field.name for field in initiative_schema()}
    resources = [
        tabular("initiatives", "initiatives.csv", initiatives_csv_fields(CSV_COLUMNS), ["id"],
                parent, title="Initiatives, one row each, lists joined"),
        tabular("initiatives-jsonl", "initiatives.jsonl", records, ["id"],
                jsonSchema="initiative.schema.json", title="Initiatives as full records"),
        tabular("initiatives-parquet", "initiatives.parquet",
                [as_nested(f) for f in records if f["name"] in nested], ["id"],
                jsonSchema="initiative.schema.json", title="Initiatives, typed and nested"),
        tabular("documents", "documents.jsonl", model_fields(Document), ["id"],
                jsonSchema="document.schema.json", title="Source documents and their text"),
    ]
    for table in (*PUBLIC_TABLES, *(() if public else ("contacts",))):
        for fmt in ("csv", "parquet"):
            name = table.replace("_", "-") + ("" if fmt == "csv" else "-parquet")
            typed = companion_fields(table)
            typed = typed if fmt == "csv" else [as_nested(field) for field in typed]
            resources.append(tabular(name, f"{table}.{fmt}", typed, PRIMARY_KEYS[table],
                                     to_initiatives()))
    resources += [
        tabular("changes", "changes.jsonl", [make_field(n, {"enum": e} if e else None, k)
                                             for n, k, e in FEED_FIELDS],
                title="What changed since the previous release, to apply line by line"),
        tabular("id-map", "id_map.jsonl", [make_field(n, {"enum": e} if e else None, k)
                                           for n, k, e in ID_MAP_FIELDS],
                title="Initiatives whose id changed since the previous release: old → new"),
        *describe_link_resources(),
    ]
    return resources


def describe_link_resources() -> list[dict]:
    """The outcomes table and the clusters of records that describe one initiative."""
    from pipeline.enrich.linking import CLUSTER_COLUMNS
    from pipeline.extract.outcomes import OUTCOME_SCHEMA

    outcome_types = {"position": "integer", "value": "number", "upper": "number",
                     "year": "integer"}
    outcomes = [make_field(name, None, outcome_types.get(name, "string"))
                for name in OUTCOME_SCHEMA.names]
    clusters = [make_field(name, None, "integer" if name == "size" else "string")
                for name in CLUSTER_COLUMNS]
    return [
        tabular("outcomes", "outcomes.csv", outcomes, None, to_initiatives(),
                title="Figures stated in the records: value, unit, what was counted, kind"),
        tabular("outcomes-parquet", "outcomes.parquet", outcomes, None, to_initiatives(),
                title="The outcomes table, typed"),
        tabular("clusters", "clusters.csv", clusters, ["cluster_id"],
                title="Records that describe the same initiative"),
        tabular("clusters-jsonl", "clusters.jsonl",
                [make_field(f["name"], None, "array" if f["name"] == "members" else f["type"])
                 for f in clusters], ["cluster_id"],
                title="The clusters, with their members as a list"),
    ]


def mark_empty_files(resources: list[dict], folder: Path | None) -> list[dict]:
    """An empty JSON Lines file has no rows to read: describe it as a plain file."""
    if folder is None:
        return resources
    marked = []
    for resource in resources:
        path = folder / resource["path"]
        if resource["format"] == "jsonl" and path.exists() and path.stat().st_size == 0:
            resource = {key: value for key, value in resource.items() if key != "schema"}
            resource["type"] = "file"
        marked.append(resource)
    return marked


def describe_package(version: str, public: bool = False, folder: Path | None = None,
                     license_id: str | None = None) -> dict:
    """A Frictionless Data Package descriptor for one release (written into `folder`).

    The licence is the run's (PRAXIS_LICENSE, through Settings) unless one is given.
    """
    license_id = license_id or Settings().license
    license_ = LICENSES.get(license_id, {"name": license_id})
    return {
        "name": "praxis-initiatives" + ("-public" if public else ""),
        "id": "urn:praxis:dataset:initiatives" + (":public" if public else ""),
        "title": "Integration initiatives" + (" (public)" if public else ""),
        "version": version,
        "schemaVersion": SCHEMA_VERSION,
        "licenses": [license_],
        "sources": [{"title": "Write-ups of integration initiatives sent to the inbox; each "
                              "source file is listed in documents.jsonl",
                     "path": "documents.jsonl"}],
        "jsonSchemas": {"initiative": {"path": "initiative.schema.json",
                                       "id": schema_id("initiative.schema.json")},
                        "document": {"path": "document.schema.json",
                                     "id": schema_id("document.schema.json")}},
        "resources": mark_empty_files(describe_resources(public), folder),
    }
