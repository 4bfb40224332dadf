import pytest

from pipeline.enrich.language import detect_language, langdetect_probabilities, lexicon_issues
from pipeline.lexicon import load_lexicon

SECTIONS = ("target_group", "purpose", "description", "expected_results", "evaluation")


@pytest.mark.parametrize("text, lang", [
    ("Målgruppen är nyanlända flyktingar och deras familjer som bor i kommunen.", "sv"),
    ("Målgruppen er flygtninge og indvandrere, som ønsker at komme i arbejde.", "da"),
    ("Målgruppen er flyktninger og innvandrere som ønsker å komme i arbeid.", "nb"),
    ("Kohderyhmänä ovat pakolaiset ja maahanmuuttajat, jotka haluavat työllistyä.", "fi"),
    ("The target group is refugees and immigrants who want to find a job.", "en"),
    ("Markhópurinn eru flóttamenn og innflytjendur sem vilja fá vinnu á Íslandi.", "is"),
    ("De doelgroep zijn vluchtelingen en migranten die een baan willen vinden.", "nl"),
    ("Die Zielgruppe sind Geflüchtete und Zugewanderte, die eine Arbeit finden wollen.", "de"),
    ("Le public cible est composé de réfugiés et de migrants qui cherchent un emploi.", "fr"),
    # languages without a lexicon file, found by langdetect alone (detection.yaml)
    ("Il gruppo target sono rifugiati e migranti che vogliono trovare un lavoro.", "it"),
    ("El grupo destinatario son refugiados y migrantes que quieren encontrar trabajo.", "es"),
    ("Grupą docelową są uchodźcy i migranci, którzy chcą znaleźć pracę.", "pl"),
])
def test_detects_each_language_of_a_full_sentence(text, lang):
    assert detect_language(text)[0] == lang


@pytest.mark.parametrize("text, prior, lang", [
    ("Forhindre utenforskap, inkludering", "nb", "nb"),
    ("Undervisning, produktutvikling, språktrening", "nb", "nb"),
    ("Flygtninge og indvandrere", "da", "da"),
    ("Nyanlända flyktingar", "sv", "sv"),
    ("Innvandrere og flyktninger", "nb", "nb"),
])
def test_short_fields_lean_on_the_submission_language(text, prior, lang):
    assert detect_language(text, prior=prior)[0] == lang


@pytest.mark.parametrize("text, prior, lang", [
    ("Flóttafólk og innflytjendur sem vilja læra íslensku.", "is", "is"),
    ("Þátttakendur hittast vikulega", "is", "is"),
])
def test_icelandic_is_found_by_cue_words_and_letters_without_a_langdetect_profile(text, prior,
                                                                                   lang):
    assert load_lexicon().languages[lang].langdetect is None
    assert detect_language(text, prior=prior)[0] == lang


def test_cue_words_shared_by_chance_do_not_outvote_langdetect():
    # French shares "de" and "-tion" with Swedish and Danish cue words, one word in ten here:
    # on a long page those chance hits alone used to outweigh langdetect's certainty
    paragraph = ("Chaque semaine, des bénévoles et des personnes exilées se retrouvent pour "
                 "partager un repas de fête ou parler français. L'association de quartier "
                 "accompagne ces binômes pendant un an et aide à la préparation de leurs "
                 "démarches. La fondation finance la participation aux sorties culturelles. ")
    assert detect_language(paragraph * 5)[0] == "fr"


def test_detection_list_names_only_languages_without_a_file():
    lexicon = load_lexicon()
    assert not set(lexicon.also_detect) & set(lexicon.codes)


def test_langdetect_is_held_to_the_languages_that_matter():
    lexicon = load_lexicon()
    allowed = set(lexicon.codes) | set(lexicon.also_detect)
    for text in ("Ok", "Tack!", "Kiitos", "Hej hej", "2019 ja 2020", "www", "Ma Te"):
        assert set(langdetect_probabilities(text)) <= allowed


@pytest.mark.parametrize("prior", ["nb", "nn"])
def test_a_tie_between_written_standards_goes_to_the_prior(prior):
    # no cue word and a prior that covers both standards: nb and nn score the same
    assert detect_language("Ny sjanse", prior=prior) == (prior, 0.0)


def test_langdetect_codes_map_onto_lexicon_languages():
    assert load_lexicon().resolve("no") == "nb"
    assert detect_language("Innvandrere og flyktninger", prior="no")[0] == "nb"


@pytest.mark.parametrize("lang, issues", [("it", 1), ("es", 1), ("pl", 1), ("de", 0),
                                          ("nl", 0), ("fr", 0), ("is", 0), ("sv", 0),
                                          ("und", 0)])
def test_only_a_language_without_a_lexicon_file_gets_a_no_lexicon_issue(lang, issues):
    assert [issue.code for issue in lexicon_issues(lang)] == ["no_lexicon"] * issues


def test_detection_is_repeatable():
    text = "Bedre språk, bli bedre kvalifisert"
    assert len({detect_language(text, prior="nb") for _ in range(5)}) == 1


def test_section_language_is_right_on_at_least_99_percent_of_gold_sections(gold):
    total = correct = 0
    for document in gold["documents"]:
        for initiative in document["initiatives"]:
            texts = [initiative[s] for s in SECTIONS if initiative[s]] + initiative["activities"]
            submission, _ = detect_language("\n".join(texts))
            for text in texts:
                total += 1
                correct += detect_language(text, prior=submission)[0] == initiative["language"]
    print(f"section language accuracy {correct}/{total}")
    assert correct / total >= 0.99


def test_short_gold_sections_are_right_too(gold):
    total = correct = 0
    for document in gold["documents"]:
        for initiative in document["initiatives"]:
            texts = [initiative[s] for s in SECTIONS if initiative[s]]
            submission, _ = detect_language("\n".join(texts))
            for text in (t for t in texts if len(t.split()) < 6):
                total += 1
                correct += detect_language(text, prior=submission)[0] == initiative["language"]
    assert total >= 5 and correct / total >= 0.99
