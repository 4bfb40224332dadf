import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import lxml.html
import pytest

from tests.conftest import publish_test_documents
from pipeline.publish.database import build_database
from pipeline.publish.datasette_metadata import build_metadata, metadata_path
from pipeline.publish.serve import create_datasette

PROJECT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30
# A made-up submission whose text has only inflected forms of the word searched for below.
SEARCHED = ("Projektets namn: Samtalsvänner i Exempelby\n\nSyfte\n\nAtt ge flyktingar och "
            "deras familjer fler tillfällen att samtala på svenska med grannar.\n")


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    """A database of a release of the tiny multilingual test documents."""
    work = tmp_path_factory.mktemp("serve")
    release = publish_test_documents(work, {"samtal.txt": SEARCHED.encode("utf-8")})
    return build_database(release, work / "praxis.sqlite")


def count_initiatives(db_path) -> int:
    with sqlite3.connect(db_path) as connection:
        return connection.execute("SELECT count(*) FROM initiatives").fetchone()[0]


def get_json(datasette, path: str) -> dict:
    """Ask Datasette's in-process client for a JSON page."""
    async def fetch():
        response = await datasette.client.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.json()

    return asyncio.run(fetch())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_metadata_describes_every_table_and_view(db_path):
    metadata = build_metadata(db_path)
    assert metadata["title"] and "initiatives" in metadata["description"]
    tables = metadata["databases"][db_path.stem]["tables"]
    connection = sqlite3.connect(db_path)
    names = {name for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE '%_fts%' AND name NOT LIKE 'sqlite_%'")}
    connection.close()
    assert names <= set(tables)
    assert all(tables[name]["description"] for name in names)
    assert "language" in tables["initiatives"]["facets"]
    assert tables["countries"]["facets"] == ["country"]
    assert tables["target_group_categories"]["facets"] == ["category"]
    assert tables["themes"]["facets"] == ["theme"]


def test_initiatives_come_with_a_language_facet(db_path):
    datasette = create_datasette(db_path)
    page = get_json(datasette, f"/{db_path.stem}/initiatives.json?_shape=objects")
    total = count_initiatives(db_path)
    assert len(page["rows"]) == page["filtered_table_rows_count"] == total
    facet = {row["value"]: row["count"] for row in page["facet_results"]["language"]["results"]}
    assert sum(facet.values()) == total and {"sv", "fi", "en"} <= set(facet)


def test_overview_facets_on_countries_categories_and_themes(db_path):
    datasette = create_datasette(db_path)
    page = get_json(datasette, f"/{db_path.stem}/all_initiatives.json")
    facets = page["facet_results"]
    assert {"language", "countries", "categories", "themes"} <= set(facets)
    assert facets["countries"]["type"] == "array" and facets["countries"]["results"]
    chosen = facets["themes"]["results"][0]
    filtered = get_json(datasette, f"/{db_path.stem}/all_initiatives.json"
                                   f"?themes__arraycontains={chosen['value']}")
    assert filtered["filtered_table_rows_count"] == chosen["count"]


def test_metadata_titles_the_instance(db_path):
    datasette = create_datasette(db_path)
    assert get_json(datasette, "/-/metadata.json")["title"] == "Praxis: integration initiatives"


def test_a_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="build_database"):
        create_datasette(tmp_path / "nothing.sqlite")


def test_served_database_answers_its_json_api_on_loopback(db_path):
    port = free_port()
    code = ("import sys; from pathlib import Path; from pipeline.publish.serve import serve_database; "
            "serve_database(Path(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]))")
    server = subprocess.Popen([sys.executable, "-c", code, str(db_path), str(port)],
                              cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            try:
                httpx.get(f"{base}/-/versions.json", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "datasette did not start in time"
                time.sleep(0.2)
        page = httpx.get(f"{base}/{db_path.stem}/initiatives.json",
                         params={"_shape": "objects", "_facet": "language"}, timeout=10).json()
        assert len(page["rows"]) == count_initiatives(db_path)
        assert page["facet_results"]["language"]["results"]
        themes = httpx.get(f"{base}/{db_path.stem}/themes.json", timeout=10).json()
        assert themes["facet_results"]["theme"]["results"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def get_html(datasette, path: str) -> lxml.html.HtmlElement:
    async def fetch():
        response = await datasette.client.get(path)
        assert response.status_code == 200, response.text[:500]
        return response.text

    return lxml.html.fromstring(asyncio.run(fetch()))


def test_the_overview_is_the_first_table_and_the_sql_box_opens_on_it(db_path):
    datasette = create_datasette(db_path)
    page = get_html(datasette, f"/{db_path.stem}")
    assert page.xpath("//textarea[@id='sql-editor']")[0].text_content() == \
        "select * from all_initiatives"
    tables = get_json(datasette, f"/{db_path.stem}.json")["tables"]
    assert [t["name"] for t in tables if not t["hidden"]][0] == "all_initiatives"


@pytest.mark.parametrize("query", ["flykting", "Flykting", "familj"])
def test_search_finds_inflected_forms(db_path, query):
    datasette = create_datasette(db_path)
    page = get_json(datasette, f"/{db_path.stem}/all_initiatives.json?_search={query}"
                               "&_shape=objects")
    assert [row["title"] for row in page["rows"]] == ["Samtalsvänner i Exempelby"]
    texts = get_json(datasette, f"/{db_path.stem}/initiatives.json?_search={query}")
    assert texts["filtered_table_rows_count"] == 1


def test_the_overview_shows_lists_as_names_and_links_titles_to_the_record(db_path):
    datasette = create_datasette(db_path)
    page = get_html(datasette, f"/{db_path.stem}/all_initiatives?_search=flykting")
    countries = page.xpath("//td[contains(@class, 'col-countries')]")[0]
    assert countries.text_content() == "Sweden" and "[" not in countries.text_content()
    assert countries.xpath(".//a/@href")[0].endswith("all_initiatives?countries__arraycontains=SE")
    categories = page.xpath("//td[contains(@class, 'col-categories')]")[0].text_content()
    assert "Refugees" in categories and "refugees" not in categories
    title = page.xpath("//td[contains(@class, 'col-title ')]//a")[0]
    record_id = get_json(datasette, f"/{db_path.stem}/all_initiatives.json?_search=flykting"
                                    "&_shape=objects")["rows"][0]["id"]
    assert title.get("href") == f"/{db_path.stem}/initiatives/{record_id}"
    record = get_json(datasette, f"/{db_path.stem}/initiatives/{record_id}.json")
    assert record["rows"]


def test_the_metadata_file_serves_plain_datasette_the_same_titles_facets_and_search(db_path):
    from datasette.app import Datasette

    path = metadata_path(db_path)
    assert path == db_path.with_name("praxis.metadata.json")
    metadata = json.loads(path.read_text(encoding="utf-8"))
    datasette = Datasette(immutables=[str(db_path)], metadata=metadata)
    assert get_json(datasette, "/-/metadata.json")["title"] == "Praxis: integration initiatives"
    page = get_json(datasette, f"/{db_path.stem}/all_initiatives.json?_search=flykting")
    assert page["filtered_table_rows_count"] == 1
    assert "sorted by title" in page["human_description_en"]
    assert "countries" in page["facet_results"]


def test_a_second_serve_on_a_taken_port_is_one_line(db_path):
    out = db_path.parent / "out"  # the release publish_test_documents wrote
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PRAXIS_")}
        result = subprocess.run(
            [sys.executable, "-m", "flows.cli", "serve", "--port", str(port), "--out", str(out)],
            cwd=PROJECT, capture_output=True, text=True, timeout=120,
            env={**env, "PYTHONPATH": str(PROJECT)})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 is in use (another `praxis serve`?); choose "
        "another with --port"]
    assert "serving" not in result.stdout
