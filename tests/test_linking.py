"""Linking records of one initiative across documents and languages, and their clusters."""

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.steward.corrections import ClusterCorrection
from pipeline.ingest import discover_files
from pipeline.enrich.linking import LinkTable, link_table, title_keys
from pipeline.models import Initiative, Organisation, Source, TextField
from pipeline.run import extract_batch, ingest_batch

RAW = Path(__file__).resolve().parents[1] / "raw"


def make(title: str, lang: str, text: str, org: str, site: str, country: str,
         name: str | None = None) -> Initiative:
    """A small record as extraction would give it."""
    rid = "ini_" + hashlib.sha256((name or title).encode()).hexdigest()[:16]
    source = Source(file=f"{rid}.txt", sha256=rid, format="txt", segment="0", span=(0, len(text)))
    return Initiative(id=rid, title=title, language=lang, countries=[country], websites=[site],
                      organisations=[Organisation(name=org, role="implementing")],
                      description=TextField(text=text, lang=lang, span=(0, len(text))),
                      source=source)


BILINGUAL = {
    "sv_da": (
        make("Språkvän Malmö", "sv", "Språkvän Malmö matchar nyanlända med svensktalande "
             "volontärer i Malmö och Lund. Sedan 2016 har 420 par träffats genom Språkvän.",
             "Föreningen Språkvän", "https://sprakvan.se/malmo", "SE"),
        make("Sprogven Malmö", "da", "Språkvän Malmö matcher nyankomne med svensktalende "
             "frivillige i Malmö og Lund. Siden 2016 har 420 par mødtes gennem Språkvän.",
             "Föreningen Språkvän", "https://www.sprakvan.se/malmo/", "SE")),
    "nb_en": (
        make("Jobbsjansen Drammen", "nb", "Jobbsjansen Drammen gir innvandrerkvinner arbeid og "
             "norskopplæring sammen med NAV Drammen. I 2019 fikk 85 kvinner jobb.",
             "Drammen kommune", "https://drammen.kommune.no/jobbsjansen", "NO"),
        make("Jobbsjansen Drammen – job opportunities for immigrant women", "en",
             "Jobbsjansen Drammen offers immigrant women work and Norwegian lessons together "
             "with NAV Drammen. In 2019, 85 women found a job.",
             "Drammen Municipality", "https://drammen.kommune.no/jobbsjansen", "NO")),
}
DISTRACTORS = [
    make("Jobbsjansen Bergen", "nb", "Jobbsjansen Bergen gir kvinner arbeid sammen med NAV "
         "Bergen. I 2021 fikk 40 kvinner jobb.", "Bergen kommune",
         "https://bergen.kommune.no/jobbsjansen", "NO"),
    make("Kvindenetværket", "da", "Kvindenetværket i Aarhus samler nyankomne kvinder om "
         "madlavning og sprog. 60 kvinder deltog i 2019.", "Foreningen Kvindenetværket",
         "https://kvindenetvaerket.dk", "DK"),
    make("Läxhjälp i Malmö", "sv", "Läxhjälp för barn i Malmö drivs av volontärer i "
         "Föreningen Språkvän sedan 2018.", "Föreningen Språkvän", "https://sprakvan.se/malmo",
         "SE"),
]


def link(records: list[Initiative], tmp_path: Path, corrections=None):
    table = LinkTable(tmp_path / "links.parquet")
    table.add(records)
    return link_table(table.close(), corrections)


@pytest.fixture(scope="module")
def seed_records() -> list[Initiative]:
    results = [result for group in ingest_batch(list(discover_files(RAW)), RAW, 10_000_000)
               for result in group]
    return [record for result in extract_batch(results) for record in result.records]


def test_nad_submission_and_forums_nad_example_link(seed_records, tmp_path):
    pairs, clusters = link(seed_records, tmp_path)
    titles = {r.id: r.title for r in seed_records}
    nad = sorted(r.id for r in seed_records if "nad" in title_keys(r.title))
    assert len(nad) == 2
    assert [(p.left, p.right) for p in pairs if {p.left, p.right} == set(nad)]
    assert any(sorted(c.members) == nad for c in clusters), [titles[i] for i in nad]


def test_no_unrelated_pair_among_the_seeds_links(seed_records, tmp_path):
    pairs, _ = link(seed_records, tmp_path)
    keys = {r.id: set(title_keys(r.title)) for r in seed_records}
    unrelated = [(p.left, p.right) for p in pairs if not keys[p.left] & keys[p.right]]
    assert pairs and not unrelated


@pytest.mark.parametrize("case", sorted(BILINGUAL))
def test_bilingual_pair_links_and_distractors_do_not(case, tmp_path):
    records = [*BILINGUAL[case], *DISTRACTORS]
    pairs, clusters = link(records, tmp_path)
    wanted = tuple(sorted(r.id for r in BILINGUAL[case]))
    assert [(p.left, p.right) for p in pairs] == [wanted]
    assert pairs[0].evidence and 0.9 <= pairs[0].score <= 1
    assert [c.members for c in clusters] == [list(wanted)]


def test_cluster_ids_do_not_depend_on_record_order(tmp_path):
    records = [*BILINGUAL["sv_da"], *BILINGUAL["nb_en"], *DISTRACTORS]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = link(records, tmp_path / "a")[1]
    second = link(list(reversed(records)), tmp_path / "b")[1]
    assert [(c.cluster_id, c.members) for c in first] == [(c.cluster_id, c.members) for c in second]
    assert all(c.cluster_id == "clu_" + c.members[0].removeprefix("ini_") for c in first)


def test_steward_split_and_merge_change_the_clusters(tmp_path):
    sv, da = BILINGUAL["sv_da"]
    other = DISTRACTORS[1]
    split = [ClusterCorrection("split", [da.id], "c.yaml#1")]
    merge = [ClusterCorrection("merge", [sv.id, other.id], "c.yaml#2")]
    (tmp_path / "s").mkdir()
    (tmp_path / "m").mkdir()
    assert link([sv, da, other], tmp_path / "s", split)[1] == []
    merged = link([sv, da, other], tmp_path / "m", merge)[1]
    assert [sorted(c.members) for c in merged] == [sorted([sv.id, da.id, other.id])]


def test_release_records_carry_related_and_the_clusters_table(tmp_path):
    from pipeline.publish.release import ReleaseWriter

    writer = ReleaseWriter(tmp_path / "out")
    writer.add_records([*BILINGUAL["sv_da"], DISTRACTORS[1]])
    writer.finish()
    latest = tmp_path / "out" / "latest"
    records = [json.loads(line) for line in (latest / "initiatives.jsonl").open(encoding="utf-8")]
    linked = {r["id"]: [x["id"] for x in r["related"]] for r in records if r["related"]}
    sv, da = BILINGUAL["sv_da"]
    assert linked == {sv.id: [da.id], da.id: [sv.id]}
    clusters = [json.loads(line) for line in (latest / "clusters.jsonl").open(encoding="utf-8")]
    assert [c["members"] for c in clusters] == [sorted([sv.id, da.id])]
    assert not (latest / ".links.parquet").exists()
    assert not list(latest.glob(".linking-spill-*"))  # DuckDB's spill folder goes with it


def test_linking_runs_on_a_bounded_duckdb_that_is_closed_afterwards(tmp_path, monkeypatch):
    import duckdb

    import pipeline.enrich.linking_model as model

    opened = []
    connect = duckdb.connect

    def recording_connect(*args, config=None, **kwargs):
        connection = connect(*args, config=config, **kwargs)
        opened.append((connection, dict(config or {})))
        return connection

    monkeypatch.setattr(model.duckdb, "connect", recording_connect)
    pairs, _ = link([*BILINGUAL["sv_da"], *DISTRACTORS], tmp_path)
    assert len(pairs) == 1
    (connection, config), = opened
    assert config["memory_limit"] == model.DUCKDB_MEMORY
    assert not Path(config["temp_directory"]).exists()  # the spill folder is removed
    with pytest.raises(duckdb.ConnectionException):
        connection.execute("SELECT 1")  # closed: its memory is given back


def test_cluster_corrections_are_read_apart_from_field_corrections(tmp_path):
    from pipeline.steward.corrections import load_cluster_corrections, load_corrections

    (tmp_path / "c.yaml").write_text(
        "- {kind: cluster, action: split, ids: [ini_a]}\n"
        "- {kind: cluster, action: merge, ids: [ini_a]}\n"
        "- {record_id: ini_a, field: title, value: Ny titel}\n", encoding="utf-8")
    (tmp_path / "d.csv").write_text("kind,action,ids\ncluster,merge,ini_a; ini_b\n", "utf-8")
    fields, field_problems = load_corrections(tmp_path)
    clusters, cluster_problems = load_cluster_corrections(tmp_path)
    assert [c.field for c in fields] == ["title"] and not field_problems
    assert [(c.action, c.ids) for c in clusters] == [("split", ["ini_a"]),
                                                     ("merge", ["ini_a", "ini_b"])]
    assert len(cluster_problems) == 1 and "c.yaml#2" in cluster_problems[0]


def test_a_steward_split_in_corrections_undoes_the_seeds_nad_cluster(seed_records, tmp_path):
    from pipeline.config import Settings
    from pipeline.run import run_pipeline

    nad = sorted(r.id for r in seed_records if "nad" in title_keys(r.title))
    corrections = tmp_path / "corrections"
    corrections.mkdir()
    (corrections / "split.yaml").write_text(
        f"- {{kind: cluster, action: split, ids: [{nad[0]}]}}\n", encoding="utf-8")
    settings = Settings()
    settings.raw_dir, settings.out_dir = RAW, tmp_path / "out"
    settings.corrections_dir, settings.translate = corrections, False
    quality = run_pipeline(settings).quality
    assert quality["linking"]["clusters"] == 0
    assert (settings.out_dir / "clusters.csv").read_text("utf-8-sig").splitlines() == [
        "cluster_id,size,title,members"]


def test_database_and_report_show_clusters_and_outcomes(tmp_path):
    import sqlite3

    from pipeline.extract.outcomes import record_outcomes
    from pipeline.publish.release import ReleaseWriter

    records = [*BILINGUAL["nb_en"], DISTRACTORS[0]]
    for record in records:
        record.outcomes = record_outcomes(record)
    writer = ReleaseWriter(tmp_path / "out")
    writer.add_records(records)
    writer.finish()
    latest = tmp_path / "out" / "latest"
    with sqlite3.connect(latest / "praxis.sqlite") as db:
        units = db.execute("SELECT unit, kind, value FROM outcomes ORDER BY value").fetchall()
        members = db.execute("SELECT count(*) FROM cluster_members").fetchone()[0]
        related = db.execute("SELECT count(*) FROM related").fetchone()[0]
    assert ("count", "achieved", 40.0) in units and ("count", "achieved", 85.0) in units
    assert members == 2 and related == 2
    report = (latest / "report.html").read_text("utf-8")
    assert 'id="clusters"' in report and 'id="outcomes"' in report
    assert "Jobbsjansen Drammen" in report.split('id="clusters"')[1]


def test_translated_titles_link_through_the_english_text(tmp_path):
    english = ("The language café in Lund brings newcomers and volunteers together every week "
               "to practise conversation, with homework support and guidance about jobs.")
    sv = make("Språkcafé i Lund", "sv", "Språkcaféet i Lund samlar nyanlända och volontärer "
              "varje vecka för samtal, läxhjälp och vägledning om jobb.", "Lunds stadsmission",
              "https://lundsstadsmission.se/sprakcafe", "SE")
    sv.description.text_en = english
    en = make("Language café Lund", "en", english, "Lunds stadsmission",
              "https://lundsstadsmission.se/sprakcafe", "SE")
    pairs, _ = link([sv, en, *DISTRACTORS], tmp_path)
    assert [(p.left, p.right) for p in pairs] == [tuple(sorted((sv.id, en.id)))]
    assert "English text" in pairs[0].evidence
