import pytest

from pipeline.language import detect_language

SECTIONS = ("target_group", "purpose", "description", "expected_results", "evaluation")


@pytest.mark.parametrize("text, lang", [
    ("Målgruppen är nyanlända flyktingar och deras familjer som bor i kommunen.", "sv"),
    ("Målgruppen er flygtninge og indvandrere, som ønsker at komme i arbejde.", "da"),
    ("Målgruppen er flyktninger og innvandrere som ønsker å komme i arbeid.", "nb"),
    ("Kohderyhmänä ovat pakolaiset ja maahanmuuttajat, jotka haluavat työllistyä.", "fi"),
    ("The target group is refugees and immigrants who want to find a job.", "en"),
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
