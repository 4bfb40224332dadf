"""Tests for pipeline.enrich.categorise: keyword lexicons → target-group and theme codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from pipeline.enrich.categorise import categorise
from pipeline.enrich.vocabulary import LEXICON_DIR, LexiconError, load_lexicon
from pipeline.lexicon import LANGUAGES
from pipeline.models import Initiative, Source, TextField

GOLD = Path(os.environ.get(
    "PRAXIS_GOLD", Path(__file__).resolve().parents[2] / "shared" / "gold" / "seeds.gold.json"
))
GOLD_SECTIONS = ("target_group", "purpose", "description", "expected_results", "evaluation")


def make_initiative(lang: str, title: str | None = None, **sections: str) -> Initiative:
    """Build a minimal initiative whose sections are in `lang`."""
    fields = {
        name: TextField(text=text, lang=lang, span=(0, len(text)))
        for name, text in sections.items() if name != "activities"
    }
    activities = [TextField(text=text, lang=lang, span=(0, len(text)))
                  for text in sections.get("activities", [])]
    return Initiative(
        id="test", title=title, language=lang, activities=activities,
        source=Source(file="test.txt", sha256="0" * 64, format="text", segment="0", span=(0, 1)),
        **fields,
    )


def target_groups_of(lang: str, text: str) -> list[str]:
    """Return the target groups read from a target-group section."""
    return categorise(make_initiative(lang, target_group=text))[0]


def themes_of(lang: str, text: str) -> list[str]:
    """Return the themes read from a short purpose section."""
    return categorise(make_initiative(lang, purpose=text))[1]


# --- the lexicon files -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["target_groups", "themes"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_lexicon_defines_every_code_in_every_language(name, lang):
    lexicon = load_lexicon(name)
    covered = {keyword.code for keyword in lexicon.keywords[lang]}
    assert set(lexicon.codes) - covered == set()


@pytest.mark.parametrize("name", ["target_groups", "themes"])
def test_lexicon_declares_the_same_languages_in_both_files(name):
    assert set(load_lexicon(name).stemmers) == set(load_lexicon("themes").stemmers)


def write_lexicon(tmp_path: Path, name: str, change) -> Path:
    """Copy a real lexicon file into tmp_path after applying `change` to its data."""
    data = yaml.safe_load((LEXICON_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    change(data)
    (tmp_path / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return tmp_path


@pytest.mark.parametrize("change, message", [
    (lambda d: d["codes"].update(stateless=d["codes"]["refugees"]), "unknown codes"),
    (lambda d: d["codes"]["refugees"].update(xx=["flykting*"]), "unknown language 'xx'"),
    (lambda d: d["codes"].pop("youth"), "no keywords for codes ['youth']"),
    (lambda d: d["languages"]["sv"].update(stemmer="klingon"), "unknown stemmer 'klingon'"),
    (lambda d: d["codes"]["refugees"].update(sv=["flyk*ting"]), "bad keyword part"),
    (lambda d: d.update(vocabulary="colours"), "`vocabulary` must be one of"),
])
def test_lexicon_rejects_bad_file_naming_it(tmp_path, change, message):
    directory = write_lexicon(tmp_path, "target_groups", change)
    with pytest.raises(LexiconError) as error:
        load_lexicon("target_groups", directory)
    assert str(directory / "target_groups.yaml") in str(error.value)
    assert message in str(error.value)


def test_lexicon_accepts_a_new_language_as_data_only(tmp_path):
    def add_language(data):  # qaa: ISO 639's range for local use, a language no file has
        data["languages"]["qaa"] = {"stemmer": None, "also": ["en"]}
        data["codes"]["refugees"]["qaa"] = ["zibflyk*", "*zibflyk*"]
    directory = write_lexicon(tmp_path, "target_groups", add_language)
    lexicon = load_lexicon("target_groups", directory)
    assert {keyword.code for keyword in lexicon.keywords["qaa"]} == {"refugees"}


# --- target groups -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text", [
    ("sv", "Flyktingarna i kommunen"),
    ("da", "Flygtningene i kommunen"),
    ("nb", "Flyktningene i kommunen"),
    ("nn", "Flyktningane i kommunen"),
    ("fi", "Pakolaisten kotoutuminen"),
    ("en", "Refugees in the municipality"),
    ("is", "Flóttafólk í sveitarfélaginu"),
])
def test_refugees_recognised_in_every_language(lang, text):
    assert "refugees" in target_groups_of(lang, text)


@pytest.mark.parametrize("lang, text", [
    ("sv", "Asylsökande familjer"),
    ("da", "Asylansøgere på centrene"),
    ("nb", "Asylsøkere i mottak"),
    ("nn", "Asylsøkjarar i mottak"),
    ("fi", "Turvapaikanhakijoiden arki"),
    ("en", "Asylum seekers awaiting a decision"),
])
def test_asylum_seekers_recognised_in_every_language(lang, text):
    assert "asylum_seekers" in target_groups_of(lang, text)


@pytest.mark.parametrize("lang, text", [
    ("sv", "Utrikesfödda kvinnor"),
    ("da", "Kvinder med indvandrerbaggrund"),
    ("nb", "Innvandrerkvinner"),
    ("nn", "Kvinner som er innvandrarar"),
    ("fi", "Maahanmuuttajanaiset ja maahanmuuttajien perheet"),
    ("en", "Migrant women"),
])
def test_immigrant_women_recognised_in_every_language(lang, text):
    assert {"immigrants", "women"} <= set(target_groups_of(lang, text))


@pytest.mark.parametrize("lang, text", [
    ("sv", "Ensamkommande barn"),
    ("da", "Uledsagede mindreårige"),
    ("nb", "Enslige mindreårige asylsøkere"),
    ("nn", "Einslege mindreårige asylsøkjarar"),
    ("fi", "Ilman huoltajaa tulleet alaikäiset"),
    ("en", "Unaccompanied minors"),
])
def test_unaccompanied_minors_recognised_in_every_language(lang, text):
    assert "unaccompanied_minors" in target_groups_of(lang, text)


@pytest.mark.parametrize("lang, text", [
    ("sv", "Kvotflyktingarna som kommit till kommunen"),
    ("da", "Kvoteflygtninge"),
    ("nb", "Overføringsflyktninger"),
    ("nn", "Kvoteflyktningar"),
    ("fi", "Kiintiöpakolaiset"),
    ("en", "Quota refugees"),
])
def test_quota_refugee_compound_is_quota_refugees_not_also_refugees(lang, text):
    groups = target_groups_of(lang, text)
    assert "quota_refugees" in groups
    assert "refugees" not in groups


@pytest.mark.parametrize("lang, text, code", [
    ("sv", "Långtidsarbetslösa ungdomar", "unemployed"),
    ("sv", "Skolbarnen i området", "children"),
    ("da", "Flygtningebørn", "children"),
    ("nb", "Flyktningungdommer", "youth"),
    ("fi", "Maahanmuuttajanuoret", "youth"),
    ("fi", "Pitkäaikaistyöttömät", "unemployed"),
])
def test_compound_element_names_target_group(lang, text, code):
    assert code in target_groups_of(lang, text)


def test_target_group_section_decides_over_description():
    initiative = make_initiative(
        "sv", target_group="Flyktingar", description="Kvinnor och barn deltar ibland också.",
    )
    assert categorise(initiative)[0] == ["refugees"]


def test_target_groups_fall_back_to_purpose_without_a_section():
    initiative = make_initiative("sv", purpose="Att stödja nyanlända föräldrar.")
    assert categorise(initiative)[0] == ["newly_arrived", "parents_families"]


def test_organisation_describing_itself_is_not_a_target_group_without_a_section():
    initiative = make_initiative(
        "sv", description="Föreningen är en ideell förening som ordnar läxhjälp för ungdomar.",
    )
    assert categorise(initiative)[0] == ["youth"]


def test_organisations_named_in_target_group_section_are_target_groups():
    initiative = make_initiative("nb", target_group="Frivillige organisasjoner og kommuner")
    assert categorise(initiative)[0] == ["civil_society_organisations", "public_authorities"]


def test_volunteer_adjective_in_organisation_phrase_is_not_volunteers():
    assert "volunteers" not in target_groups_of("da", "Frivillige foreninger i lokalområdet")


def test_english_minority_is_not_minors():
    assert target_groups_of("en", "Women from minority groups") == ["women", "ethnic_minorities"]


# --- themes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text", [
    ("sv", "Vägar in på arbetsmarknaden genom arbetsmarknadsprojekt"),
    ("da", "Vejen ind på arbejdsmarkedet"),
    ("nb", "Veien inn i arbeidslivet"),
    ("nn", "Vegen inn på arbeidsmarknaden"),
    ("fi", "Maahanmuuttajien työllistyminen"),
    ("en", "Pathways into the labour market"),
])
def test_labour_market_recognised_in_every_language(lang, text):
    assert themes_of(lang, text) == ["labour_market"]


@pytest.mark.parametrize("lang, text", [
    ("sv", "Språkcafé för att öva svenska"),
    ("da", "Sprogcafé og danskundervisning"),
    ("nb", "Språkkafé og norskopplæring"),
    ("nn", "Språkkafé for å lære norsk"),
    ("fi", "Kielikahvila suomen kielen oppimiseen"),
    ("en", "A language café"),
])
def test_language_recognised_in_every_language(lang, text):
    assert "language" in themes_of(lang, text)


@pytest.mark.parametrize("lang, text", [
    ("sv", "Stöd till bostad för nyanlända"),
    ("da", "Hjælp til at finde en bolig"),
    ("nb", "Hjelp til å finne bolig"),
    ("nn", "Hjelp til å finne bustad"),
    ("fi", "Apua asunnon löytämiseen"),
    ("en", "Help with finding housing"),
])
def test_housing_recognised_in_every_language(lang, text):
    assert themes_of(lang, text) == ["housing"]


@pytest.mark.parametrize("lang, text", [
    ("sv", "Mentorskap för utrikesfödda akademiker"),
    ("da", "Mentorordning for nyankomne"),
    ("nb", "Mentorprogram for innvandrere"),
    ("nn", "Mentorordning for innvandrarar"),
    ("fi", "Mentorointia maahanmuuttajille"),
    ("en", "Mentoring for newcomers"),
])
def test_mentoring_recognised_in_every_language(lang, text):
    assert themes_of(lang, text) == ["mentoring"]


@pytest.mark.parametrize("lang, text", [
    ("sv", "Motverka diskriminering och rasism"),
    ("da", "Bekæmpe diskrimination og racisme"),
    ("nb", "Motarbeide diskriminering og rasisme"),
    ("nn", "Motarbeide diskriminering og rasisme"),
    ("fi", "Rasismin ja syrjinnän torjuminen"),
    ("en", "Countering discrimination and racism"),
])
def test_anti_discrimination_recognised_in_every_language(lang, text):
    assert themes_of(lang, text) == ["anti_discrimination"]


@pytest.mark.parametrize("lang, text", [
    ("sv", "Frivilliga som hjälper till"),
    ("da", "Frivillige hjælper til"),
    ("nb", "Frivillige hjelper til"),
    ("nn", "Frivillige hjelper til"),
    ("fi", "Vapaaehtoiset auttavat"),
    ("en", "Volunteers help out"),
])
def test_volunteering_recognised_in_every_language(lang, text):
    assert themes_of(lang, text) == ["volunteering"]


@pytest.mark.parametrize("lang, text", [
    ("sv", "Myndigheter som jobbar med invandrare"),
    ("sv", "Arbetet med modellen fortsätter i arbetet med skolan"),
    ("nb", "Vi jobber for inkludering"),
])
def test_work_as_a_verb_is_not_labour_market(lang, text):
    assert "labour_market" not in themes_of(lang, text)


def test_word_mentioned_once_in_long_description_is_not_a_theme():
    filler = "Verksamheten träffas varje vecka och samtalar om vardagen i staden. " * 30
    text = filler + "En deltagare berättade om sin bostad. " + filler
    assert "housing" not in categorise(make_initiative("sv", description=text))[1]


def test_word_repeated_in_long_description_is_a_theme():
    filler = "Verksamheten träffas varje vecka och samtalar om vardagen i staden. " * 30
    text = filler + "Vi hjälper till med bostad, bostadssökande och boende. " * 2 + filler
    assert "housing" in categorise(make_initiative("sv", description=text))[1]


def test_word_mentioned_once_in_short_purpose_is_a_theme():
    initiative = make_initiative("sv", purpose="Att underlätta för deltagarna att hitta bostad.",
                                 description="Vi träffas varje vecka.")
    assert categorise(initiative)[1] == ["housing"]


def test_purpose_mention_in_long_record_needs_one_more_mention():
    filler = "Verksamheten träffas varje vecka och samtalar om vardagen i staden. " * 30
    purpose = "Att underlätta för deltagarna att hitta bostad."
    alone = make_initiative("sv", purpose=purpose, description=filler)
    supported = make_initiative("sv", purpose=purpose,
                                description=filler + "Många saknar bostad.")
    assert categorise(alone)[1] == []
    assert categorise(supported)[1] == ["housing"]


def test_tag_line_adds_themes():
    initiative = make_initiative("sv", description="Ett projekt i Bulgarien.")
    themes = categorise(initiative, extra_text=[("Boende • Fritid och nätverk", "sv")])[1]
    assert themes == ["housing", "leisure_and_networks"]


def test_themes_ordered_by_evidence_then_vocabulary():
    initiative = make_initiative("sv", purpose="Hälsa och språk. Språkcafé och språkträning.")
    assert categorise(initiative)[1] == ["language", "health"]
    tied = make_initiative("sv", purpose="Hälsa och språk.")
    assert categorise(tied)[1] == ["language", "health"]


# --- languages ---------------------------------------------------------------------------------

def test_detector_code_no_is_read_as_bokmal():
    assert target_groups_of("no", "Flyktninger og innvandrere") == ["refugees", "immigrants"]


def test_unknown_section_language_uses_english_translation():
    text = TextField(text="Flüchtlinge", lang="de", text_en="Refugees", span=(0, 11))
    initiative = make_initiative("sv").model_copy(update={"target_group": text})
    assert categorise(initiative)[0] == ["refugees"]


def test_unknown_section_language_without_translation_is_read_as_the_record():
    text = TextField(text="Nyanlända", lang="xx", span=(0, 9))
    initiative = make_initiative("sv").model_copy(update={"target_group": text})
    assert categorise(initiative)[0] == ["newly_arrived"]


def test_section_misdetected_as_another_nordic_language_still_matches():
    text = TextField(text="Flyktingar och asylsökande", lang="da", span=(0, 26))
    initiative = make_initiative("sv").model_copy(update={"target_group": text})
    assert categorise(initiative)[0] == ["refugees", "asylum_seekers"]


def test_english_title_on_swedish_record_counts():
    initiative = make_initiative("sv", title="Inclusion of Refugees", description="Ett projekt.")
    assert categorise(initiative)[0] == ["refugees"]


def test_initiative_without_text_gets_no_codes():
    assert categorise(make_initiative("sv")) == ([], [])


# --- development set ---------------------------------------------------------------------------

def load_gold_initiatives() -> list[tuple[Initiative, dict]]:
    """Build an Initiative from each gold record's sections, paired with the record."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    pairs = []
    for document in gold["documents"]:
        for record in document["initiatives"]:
            sections = {name: record[name] for name in GOLD_SECTIONS if record.get(name)}
            initiative = make_initiative(record["language"], title=record["title"],
                                         activities=record["activities"], **sections)
            pairs.append((initiative, record))
    return pairs


def micro_f1(predicted: list[set[str]], gold: list[set[str]]) -> tuple[float, float, float]:
    """Return micro-averaged precision, recall and F1 over paired code sets."""
    tp = sum(len(p & g) for p, g in zip(predicted, gold))
    fp = sum(len(p - g) for p, g in zip(predicted, gold))
    fn = sum(len(g - p) for p, g in zip(predicted, gold))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@pytest.mark.skipif(not GOLD.exists(), reason=f"gold standard not found at {GOLD}")
@pytest.mark.parametrize("vocabulary, key", [
    (0, "target_group_categories"),
    (1, "themes"),
])
def test_gold_micro_f1_at_least_070(vocabulary, key):
    pairs = load_gold_initiatives()
    predicted = [set(categorise(initiative)[vocabulary]) for initiative, _ in pairs]
    gold = [set(record[key]) for _, record in pairs]
    precision, recall, f1 = micro_f1(predicted, gold)
    print(f"\n{key}: {len(pairs)} initiatives, micro P={precision:.3f} R={recall:.3f} F1={f1:.3f}")
    assert f1 >= 0.70


def test_stemming_in_parallel_threads_gives_what_one_thread_gives():
    from concurrent.futures import ThreadPoolExecutor

    from pipeline.enrich.vocabulary import get_stemmer

    words = [f"{stem}{ending}" for stem in ("flykting", "nyanländ", "arbets", "språk", "integr")
             for ending in ("ar", "arna", "ande", "ation", "ens", "er", "ing")] * 200

    def stem_all(_):
        stemmer = get_stemmer("swedish")
        return [stemmer.stemWord(word) for word in words]

    expected = stem_all(None)
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(result == expected for result in pool.map(stem_all, range(8)))
