import json
import subprocess
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import publish_test_documents
from pipeline.publish.report import write_report

CHROMIUM = Path("/usr/bin/chromium")
REVIEW_CSV = (
    "record_id,field,value,reason,source_snippet\n"
    "ini_a,title,,missing required field,Projektets namn:\n"
    "ini_b,purpose,Att tala,low confidence (0.41),Syfte\n"
    "ini_b,language,sv,uncertain language,<script>alert(1)</script>\n"
)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """A release of the tiny test documents plus two files that get quarantined."""
    work = tmp_path_factory.mktemp("report")
    release_dir = publish_test_documents(
        work, {"empty.txt": b"", "scan.pdf": b"\x00\x01\x02binary\xff" * 40})
    (work / "review.csv").write_text(REVIEW_CSV, encoding="utf-8")
    return release_dir, work / "review.csv"


@pytest.fixture(scope="module")
def report(release):
    release_dir, review = release
    path = write_report(release_dir, review)
    return path, lxml.html.fromstring(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records(release):
    lines = (release[0] / "initiatives.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def table(document, table_id: str) -> dict[str, str]:
    """First column → last column of a report table."""
    rows = document.xpath(f"//table[@id='{table_id}']/tr[td]")
    return {row.xpath("td")[0].text_content(): row.xpath("td")[-1].text_content()
            for row in rows}


def test_report_is_written_into_the_release(report, release):
    path, document = report
    assert path == release[0] / "report.html"
    assert document.xpath("//h1")[0].text_content() == "Praxis quality report"


def test_report_counts_initiatives_per_language(report, records):
    _, document = report
    shown = {label.split(" · ")[0]: int(n) for label, n in table(document, "languages").items()}
    assert shown == Counter(record["language"] for record in records)
    assert document.get_element_by_id("count-initiatives").text_content() == str(len(records))


def test_report_counts_initiatives_per_country(report, records):
    _, document = report
    shown = {label.split(" · ")[0]: int(n) for label, n in table(document, "countries").items()}
    assert shown == Counter(code for record in records for code in record["countries"])
    assert any(label.endswith("Sweden") for label in table(document, "countries"))


def test_report_shows_the_coverage_of_every_field(report, release):
    _, document = report
    quality = json.loads((release[0] / "quality.json").read_text(encoding="utf-8"))
    shown = table(document, "coverage")
    assert set(shown) == set(quality["coverage"])
    for name, share in quality["coverage"].items():
        assert shown[name] == f"{share * 100:.0f} %", name


def test_report_shows_the_review_queue_size_and_reasons(report):
    _, document = report
    assert document.get_element_by_id("count-review").text_content() == "3"
    reasons = table(document, "review-reasons")
    assert reasons == {"missing required field": "1", "low confidence": "1",
                       "uncertain language": "1"}


def test_report_lists_quarantined_files_with_their_reasons(report):
    _, document = report
    quarantined = table(document, "quarantined")
    assert set(quarantined) == {"empty.txt", "scan.pdf"}
    assert all(reason.startswith(name) for name, reason in quarantined.items())
    assert document.get_element_by_id("count-quarantined").text_content() == "2"


def test_report_draws_bar_charts_inline(report):
    _, document = report
    charts = document.xpath("//svg")
    assert len(charts) >= 3 and all(chart.xpath(".//rect") for chart in charts)


def test_report_is_self_contained(report):
    path, document = report
    html = path.read_text(encoding="utf-8")
    assert not document.xpath("//script | //link | //img | //iframe | //object")
    assert not [v for v in document.xpath("//@src | //@href") if "://" in v or v.startswith("//")]
    assert "@import" not in html and "url(" not in html


def test_report_escapes_what_it_quotes(release, tmp_path):
    release_dir, _ = release
    review = tmp_path / "review.csv"
    review.write_text("record_id,field,value,reason\n<b>ini</b>,title,,<script>x()</script>\n",
                      encoding="utf-8")
    html = write_report(release_dir, review, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html


def test_report_without_a_review_queue_says_so(release, tmp_path):
    release_dir, _ = release
    path = write_report(release_dir, out_path=tmp_path / "report.html")
    document = lxml.html.fromstring(path.read_text(encoding="utf-8"))
    assert document.get_element_by_id("count-review").text_content() == "–"
    assert "No review queue was given" in document.text_content()


@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="headless render check needs Debian's chromium (/usr/bin/chromium): "
                           "apt-get install chromium")
def test_report_renders_in_headless_chromium(report, tmp_path):
    path, _ = report
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([str(CHROMIUM), *flags, "--dump-dom", path.as_uri()],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert "Praxis quality report" in dom and "scan.pdf" in dom
    screenshot = tmp_path / "report.png"
    subprocess.run([str(CHROMIUM), *flags, f"--screenshot={screenshot}",
                    "--window-size=1200,1600", path.as_uri()],
                   capture_output=True, timeout=60, check=True)
    png = screenshot.read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


# ---- labels, translation coverage, countries once, flags per record ---------------------

def text(value: str, lang: str, english: str | None = None) -> dict:
    return {"text": value, "lang": lang, "text_en": english}


def write_release(folder: Path, records: list[dict], quality: dict) -> Path:
    """A release folder by hand: made-up records and a quality.json, nothing else."""
    folder.mkdir()
    (folder / "initiatives.jsonl").write_text(
        "".join(json.dumps({"id": f"ini_{n}", "source": {"file": "a.txt"}, **record}) + "\n"
                for n, record in enumerate(records)), encoding="utf-8")
    (folder / "documents.jsonl").write_text("", encoding="utf-8")
    (folder / "quality.json").write_text(json.dumps(quality), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def made_up(tmp_path_factory):
    """Three records: one fully translated, one Finnish without a model, one in English."""
    records = [
        {"title": "Språkvänner", "title_lang": "sv", "title_en": "Language friends",
         "language": "sv", "purpose": text("Att tala.", "sv", "To talk."),
         "countries": ["Finland", "FI"], "target_group_categories": ["asylum_seekers"],
         "themes": ["labour_market"]},
        {"title": "Kielikahvila", "title_lang": "fi", "language": "fi",
         "purpose": text("Puhua.", "fi"), "description": text("Kahvia.", "fi"),
         "activities": [text("Tavata.", "fi")], "countries": ["FI"],
         "issues": [{"stage": "translate", "code": "no_model", "field": name}
                    for name in ("title", "purpose", "description")]},
        {"title": "Talk club", "title_lang": "en", "language": "en",
         "purpose": text("To talk.", "en"), "countries": ["Suomi"]},
    ]
    quality = {"translation": {"missing_pairs": ["fi→en"], "fields_translated": 2}}
    folder = write_release(tmp_path_factory.mktemp("made-up") / "release", records, quality)
    path = write_report(folder)
    return lxml.html.fromstring(path.read_text(encoding="utf-8"))


def test_every_vocabulary_code_has_a_readable_label():
    from pipeline.models import Level, Role, TargetGroup, Theme
    from pipeline.publish.labels import LABELS

    for vocabulary, codes in (("target_group_categories", TargetGroup), ("themes", Theme),
                              ("implementation_level", Level), ("role", Role)):
        assert set(LABELS[vocabulary]) == set(codes.__args__), vocabulary


def test_categories_and_themes_show_labels_not_codes(made_up):
    assert table(made_up, "categories") == {"Asylum seekers": "1"}
    assert table(made_up, "themes") == {"Labour market": "1"}


def test_a_country_written_as_a_name_and_a_code_is_counted_once(made_up):
    assert table(made_up, "countries") == {"FI · Finland": "3"}
    assert made_up.get_element_by_id("count-countries").text_content() == "1"


def test_translation_coverage_counts_records_and_fields_apart(made_up):
    records = table(made_up, "translation-records")
    assert list(records.values()) == ["1", "0", "1", "1"]  # translated, partly, none, English
    fields = table(made_up, "translation-fields")
    assert list(fields.values()) == ["2", "4", "2"]  # translated, not translated, English


def test_translation_coverage_names_the_missing_model_and_how_to_install_it(made_up):
    row = made_up.xpath("//table[@id='translation-missing']/tr[td]")[0]
    cells = [cell.text_content() for cell in row.xpath("td")]
    assert cells[:3] == ["fi · Finnish", "4", "1"]
    assert "praxis models download fi" in cells[3]


def test_flags_count_records_and_times_raised_apart(made_up):
    row = made_up.xpath("//table[@id='flags']/tr[td]")[0]
    assert [cell.text_content() for cell in row.xpath("td")] == ["translate:no_model", "3", "1"]


def test_a_release_without_translation_says_so(tmp_path):
    folder = write_release(tmp_path / "release", [{"title": "A", "language": "sv"}], {})
    document = lxml.html.fromstring(write_report(folder).read_text(encoding="utf-8"))
    assert "published without translation" in document.text_content()
