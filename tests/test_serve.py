import asyncio
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import publish_test_documents
from pipeline.publish.database import build_database
from pipeline.publish.serve import build_metadata, create_datasette

PROJECT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 30


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    """A database of a release of the tiny multilingual test documents."""
    work = tmp_path_factory.mktemp("serve")
    return build_database(publish_test_documents(work), work / "praxis.sqlite")


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
    assert len(page["rows"]) == page["filtered_table_rows_count"] == 10
    facet = {row["value"]: row["count"] for row in page["facet_results"]["language"]["results"]}
    assert sum(facet.values()) == 10 and {"sv", "fi", "en"} <= set(facet)


def test_overview_facets_on_countries_categories_and_themes(db_path):
    datasette = create_datasette(db_path)
    page = get_json(datasette, f"/{db_path.stem}/initiative_overview.json")
    facets = page["facet_results"]
    assert {"language", "countries", "categories", "themes"} <= set(facets)
    assert facets["countries"]["type"] == "array" and facets["countries"]["results"]
    chosen = facets["themes"]["results"][0]
    filtered = get_json(datasette, f"/{db_path.stem}/initiative_overview.json"
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
        assert len(page["rows"]) == 10
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
