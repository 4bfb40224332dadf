import pytest
import yaml

from pipeline.enrich.vocabulary import load_lexicon as load_vocabulary
from pipeline.lexicon import (ALL_FIELDS, LEXICON_DIR, LexiconError, discover_languages,
                              load_language, load_lexicon, normalise_label)

LANGUAGES = discover_languages(LEXICON_DIR)


def test_every_language_file_defines_the_same_keys():
    keys = {}
    for lang in LANGUAGES:
        data = yaml.safe_load((LEXICON_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
        keys[lang] = tuple(tuple(sorted(value)) for value in (
            data, data["labels"], data["roles"], data["levels"], data["period"],
            data["letters"], data["docx_styles"], data["country_forms"]))
    assert len(set(keys.values())) == 1, keys


def test_languages_are_the_language_files_present():
    assert LANGUAGES == load_lexicon().codes
    assert {"sv", "da", "nb", "nn", "fi", "en", "is"} <= set(LANGUAGES)
    assert "target_groups" not in LANGUAGES and "detection" not in LANGUAGES


@pytest.mark.parametrize("name", ["target_groups", "themes"])
def test_every_language_file_has_category_keywords(name):
    assert set(LANGUAGES) <= set(load_vocabulary(name).stemmers)


def test_a_missing_fallback_lexicon_is_an_error(tmp_path):
    (tmp_path / "sv.yaml").write_bytes((LEXICON_DIR / "sv.yaml").read_bytes())
    with pytest.raises(LexiconError, match="en.yaml"):
        load_lexicon(tmp_path)


def test_every_language_has_a_label_for_every_field(lexicon):
    for lang, language in lexicon.languages.items():
        empty = [field for field in ALL_FIELDS if not language.labels[field]]
        assert not empty, f"{lang}.yaml has no label for {empty}"


def test_lexicon_error_names_the_file(tmp_path):
    broken = tmp_path / "sv.yaml"
    broken.write_text("language: sv\nlabels: {}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="sv.yaml"):
        load_language(broken)


@pytest.mark.parametrize("line, field", [
    ("Målgrupp", "target_group"), ("Målgruppe", "target_group"), ("Kohderyhmä", "target_group"),
    ("Target group", "target_group"), ("Syfte", "purpose"), ("Formål", "purpose"),
    ("Tarkoitus", "purpose"), ("Purpose", "purpose"), ("Aim", "purpose"),
    ("Utvärdering", "evaluation"), ("Evaluering", "evaluation"), ("Arviointi", "evaluation"),
    ("Evaluation", "evaluation"), ("Projektets namn", "title"), ("Prosjektnavn", "title"),
    ("Hankkeen nimi", "title"), ("Project name", "title"), ("Markhópur", "target_group"),
    ("Markmið", "purpose"), ("Heiti verkefnisins", "title"), ("Netfang", "email"),
])
def test_heading_equivalents_in_each_language_match_one_field(lexicon, line, field):
    assert lexicon.match_label(line).field == field


@pytest.mark.parametrize("line", ["MÅLGRUPP", "målgrupp:", "**Målgrupp**", "## Målgrupp", "Målgrupp :"])
def test_label_matching_tolerates_case_colons_and_emphasis(lexicon, line):
    assert lexicon.match_label(line).field == "target_group"


def test_label_with_value_on_the_same_line_gives_the_value_offset(lexicon):
    line = "Organisation: Rädda Barnen, Sverige"
    match = lexicon.match_label(line)
    assert match.field == "organisation"
    assert line[match.value_offset:] == "Rädda Barnen, Sverige"


@pytest.mark.parametrize("line, field", [
    ("Utværdering", "evaluation"), ("Prosjektets namn", "title"), ("Organizations Envolved",
                                                                   "organisations_info")])
def test_small_misspellings_of_labels_still_match(lexicon, line, field):
    assert lexicon.match_label(line).field == field


@pytest.mark.parametrize("line, field", [
    ("Utvärderingg", "evaluation"), ("Utvärdring", "evaluation"),  # a letter more or less
    ("Organisationss involvedd", "organisations_info"),  # a long label: two letters more
    ("Organisatons invlved", "organisations_info")])      # or two less
def test_labels_misspelt_by_a_letter_added_or_dropped_still_match(lexicon, line, field):
    assert lexicon.match_label(line).field == field


@pytest.mark.parametrize("line", ["Tre viktiga utmaningar", "- **Målgrupp:** Det offentliga",
                                  "Forskningsrapport: <https://example.org/r.pdf>", "Hur?"])
def test_ordinary_text_is_not_a_label(lexicon, line):
    assert lexicon.match_label(line) is None


@pytest.mark.parametrize("question, field", [
    ("Hur föddes projektet?", "background"),
    ("Påverkan på flyktingar eller lokalsamhällen?", "impact"),
    ("Is this project replicable and scalable?", "replicability"),
    ("Mitkä työkalut ja menettelytavat tekevät hankkeesta onnistuneen?", "activities"),
])
def test_question_headings_are_classified_by_key_words(lexicon, question, field):
    assert lexicon.match_question(question).field == field


def test_normalise_label_folds_case_and_trailing_punctuation():
    assert normalise_label("  **SDG’s:** ") == "sdg's"


def test_a_different_word_two_edits_away_is_not_a_label(lexicon):
    assert lexicon.match_label("Projektidé: Projektet är ett metodutvecklingsprojekt.") is None


def test_a_label_folds_the_same_cached_or_not():
    from pipeline.lexicon import LABEL_CACHE_CHARS, fold_label, normalise_label

    labels = ["## **Kontaktperson** :", "Syfte?", "  > Målgrupp  ", "Projektägare__:",
              "x" * LABEL_CACHE_CHARS + " :", "Straße’s `Ziel`!"]
    assert [normalise_label(label) for label in labels] == [fold_label(label) for label in labels]
    assert [normalise_label(label) for label in labels[:4]] == [
        "kontaktperson", "syfte", "målgrupp", "projektägare"]
