"""Adding a language is one data file: a made-up language's file is picked up by every stage.

`qaa` is from ISO 639's range for local use, so no library knows it: everything the pipeline
does with it comes from `qaa.yaml` in a temporary copy of the lexicon folder.
"""

import shutil

import pytest
import yaml

import pipeline.lexicon
from pipeline.ingest.docx import Style, heading_level
from pipeline.enrich.language import detect_language, lexicon_issues
from pipeline.lexicon import ALL_FIELDS, LEXICON_DIR, load_lexicon
from pipeline.enrich.normalise import find_countries, parse_period
from pipeline.extract.organisations import find_role_mentions
from pipeline.publish.masking import mask_phones
from pipeline.enrich.sentences import load_pipeline, split_sentences
from pipeline.enrich.translate import choose_language, source_candidates

FAKE = "qaa"
MONTHS = ["zibjan", "zibfeb", "zibmar", "zibapr", "zibmaj", "zibjun", "zibjul", "zibaug",
          "zibsep", "zibokt", "zibnov", "zibdec"]
CUES = ["zib", "zob", "zub", "vek", "vok", "vak", "ŧal"]


def fake_language() -> dict:
    """A language file with every key, each value made up so only this file can explain it."""
    data = yaml.safe_load((LEXICON_DIR / "en.yaml").read_text(encoding="utf-8"))
    data.update(
        language=FAKE,
        labels={field: [f"zib {field.replace('_', ' ')}"] for field in ALL_FIELDS},
        question_keywords={"purpose": ["zibwhy"]},
        cue_words=CUES,
        letters={"typical": "ŧ", "foreign": ""},
        langdetect=None, spacy_language=None, translation_model=[FAKE, "qab"],
        variants=[], close_languages=[],
        docx_styles={"heading": ["zibhead"], "title": ["zibtitle"]},
        phone_cues=["zibfon"],
        country_forms={"suffixes": ["zi"], "vowel_stem": False},
        months={name: n for n, name in enumerate(MONTHS, start=1)},
        period={"since": ["zibsince"], "start": ["zibfrom"], "end": ["zibto"],
                "year_end": ["zibend"], "duration": ["zibyears"], "fillers": ["zibin"]},
        roles={"implementing": ["zibrun by"], "coordinator": ["zibled by"],
               "partner": ["zibwith"], "funder": ["zibpaid by"]},
    )
    return data


@pytest.fixture
def fake_lexicon(tmp_path, monkeypatch):
    """Point the pipeline at a copy of the lexicon folder that also holds qaa.yaml."""
    folder = tmp_path / "lexicon"
    shutil.copytree(LEXICON_DIR, folder)
    (folder / f"{FAKE}.yaml").write_text(yaml.safe_dump(fake_language(), allow_unicode=True),
                                         encoding="utf-8")
    monkeypatch.setattr(pipeline.lexicon, "LEXICON_DIR", folder)
    return load_lexicon()


def test_new_language_file_is_discovered(fake_lexicon):
    assert FAKE in fake_lexicon.codes
    assert FAKE not in load_lexicon(LEXICON_DIR).codes


def test_new_language_is_detected_by_its_cue_words_and_letters(fake_lexicon):
    assert detect_language("Zib zob ŧal vek vok zub vak zib.")[0] == FAKE
    assert lexicon_issues(FAKE) == []


def test_new_language_labels_are_matched(fake_lexicon):
    match = fake_lexicon.match_label("Zib target group: everyone")
    assert (match.field, match.lang) == ("target_group", FAKE)


def test_new_language_periods_use_its_cues_and_months(fake_lexicon):
    period = parse_period("Zibfrom zibmar 2020 zibend zibin 2022.", FAKE)
    assert (period.start, period.end) == ("2020-03", "2022-12")


def test_new_language_country_names_inflect_by_its_rule(fake_lexicon):
    assert find_countries("Zib vek Swedenzi.", FAKE) == ["SE"]


def test_new_language_role_cues_find_organisations(fake_lexicon):
    found = find_role_mentions("Zib zibpaid by Acme Foundation.", FAKE)
    assert [(o.name, o.role) for o in found] == [("Acme Foundation", "funder")]


def test_new_language_phone_cue_masks_a_number(fake_lexicon):
    assert "12345678" not in mask_phones("Zibfon 12345678")


def test_new_language_word_styles_are_headings(fake_lexicon):
    style = Style(name="Zibhead 2", based_on=None, numbering=None, outline=None, bold=None)
    assert heading_level(None, [style]) == 2


def test_new_language_sentences_and_translation_settings(fake_lexicon):
    assert load_pipeline(FAKE).lang == "xx"  # spacy_language: null is the multilingual pipeline
    assert split_sentences("Zib zob. Vek vok.", FAKE) == [(0, 8), (9, 17)]
    assert source_candidates(FAKE) == (FAKE, "qab")
    assert choose_language("sv", (FAKE, 0.9)) == FAKE


def test_new_language_document_gets_a_record_without_a_lexicon_issue(fake_lexicon, records_of):
    text = ("Zib title: Zibzab\nZib email: zib@example.org\n"
            "Zib description: Zib zob ŧal vek vok zub vak zib, zibfrom 2021.\n")
    record = records_of(text)[0]
    assert (record.title, record.language) == ("Zibzab", FAKE)
    assert [c.email for c in record.contacts] == ["zib@example.org"]
    assert record.period.start == "2021"
    assert not [issue for issue in record.issues if issue.code == "no_lexicon"]
