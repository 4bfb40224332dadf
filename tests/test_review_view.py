"""The review view: a record beside its source, values highlighted, corrections saved."""

from __future__ import annotations

import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import lxml.html
import pytest
import yaml

from pipeline.models import Initiative
from pipeline.steward.review_page import find_highlights
from pipeline.steward.review_server import make_server
from pipeline.streams import read_jsonl
from tests.conftest import publish_test_documents

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return publish_test_documents(tmp_path_factory.mktemp("review"))


@pytest.fixture
def server(release, tmp_path):
    corrections = tmp_path / "corrections"
    httpd = make_server(release, corrections, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", corrections
    httpd.shutdown()
    httpd.server_close()


def records(release: Path) -> list[Initiative]:
    return [Initiative.model_validate(r) for r in read_jsonl(release / "initiatives.jsonl")]


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def post(url: str, form: dict) -> str:
    data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as response:
        return response.read().decode("utf-8")


def marked_text(page: str, field: str) -> str:
    document = lxml.html.fromstring(page)
    return "".join(mark.text_content() for mark in document.xpath("//mark")
                   if field in mark.get("data-fields", "").split())


def test_every_text_field_is_highlighted_exactly_in_its_source(release, server):
    base, _ = server
    record = next(r for r in records(release) if r.description and r.purpose)
    page = get(f"{base}/record/{record.id}")
    for name, field in record.text_fields():
        if name != "activities":
            assert marked_text(page, name) == field.text, name


def test_highlights_say_method_and_confidence_on_hover(release, server):
    base, _ = server
    record = next(r for r in records(release) if r.description)
    document = lxml.html.fromstring(get(f"{base}/record/{record.id}"))
    titles = [m.get("title") for m in document.xpath("//mark")
              if "description" in m.get("data-fields").split()]
    method = record.description.method
    assert titles and all(f"description · {method} · " in t for t in titles)


def test_values_without_spans_are_found_in_the_text(release):
    texts = {d["file"]: d["text"] for d in read_jsonl(release / "documents.jsonl")}
    record = next(r for r in records(release) if r.contacts and r.organisations)
    found = {(h.field, texts[record.source.file][h.start:h.end])
             for h in find_highlights(record, texts[record.source.file])}
    assert ("contacts", record.contacts[0].email) in found
    assert any(field == "organisations" for field, _ in found)


def test_index_lists_records_with_review_rows_first(release, server):
    base, _ = server
    document = lxml.html.fromstring(get(f"{base}/"))
    links = document.xpath("//table[@id='records']//a/@href")
    assert len(links) == len(records(release))
    reasons = [row.xpath("string(td[3])").strip()
               for row in document.xpath("//table[@id='records']/tr[td]")]
    assert reasons == sorted(reasons, key=lambda r: not r)


def test_a_valid_correction_is_saved_for_the_next_run(release, server):
    base, corrections = server
    record = records(release)[0]
    page = post(f"{base}/record/{record.id}/correct",
                {"field": "countries", "value": "SE; NO", "note": "both offices"})
    assert "saved to review.yaml" in page
    [entry] = yaml.safe_load((corrections / "review.yaml").read_text(encoding="utf-8"))
    assert entry == {"record_id": record.id, "field": "countries", "value": ["SE", "NO"],
                     "note": "both offices"}


def test_an_invalid_correction_is_refused_with_the_reason(release, server):
    base, corrections = server
    record = records(release)[0]
    page = post(f"{base}/record/{record.id}/correct",
                {"field": "implementation_level", "value": "galactic"})
    message = lxml.html.fromstring(page).get_element_by_id("message").text_content()
    assert message.startswith("not saved") and "implementation_level" in message
    assert not (corrections / "review.yaml").exists()


def test_an_unknown_record_is_not_found(server):
    base, _ = server
    with pytest.raises(urllib.error.HTTPError) as error:
        get(f"{base}/record/ini_0000000000000000")
    assert error.value.code == 404


@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="headless render check needs Debian's chromium (/usr/bin/chromium)")
def test_review_view_renders_in_headless_chromium(release, server, tmp_path):
    base, _ = server
    record = next(r for r in records(release) if r.description)
    url = f"{base}/record/{record.id}"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([str(CHROMIUM), *flags, "--dump-dom", url], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert "<mark" in dom and 'id="correct"' in dom
    screenshot = tmp_path / "review.png"
    subprocess.run([str(CHROMIUM), *flags, f"--screenshot={screenshot}",
                    "--window-size=1300,1400", url], capture_output=True, timeout=60, check=True)
    assert screenshot.read_bytes().startswith(b"\x89PNG")
