"""Names a text introduces: whole-word repeats of a CamelCase name are counted as regex would."""

import re

import pytest

from pipeline.extract.names import count_whole_words


@pytest.mark.parametrize("token, text", [
    ("VärldsKlass", "VärldsKlass i dag, VärldsKlass i morgon."),
    ("VärldsKlass", "VärldsKlassen och VärldsKlass"),      # a longer word is not the name
    ("VärldsKlass", "_VärldsKlass 2VärldsKlass"),         # nor one glued to _ or a digit
    ("AbCd-AbCd", "AbCd-AbCd-AbCd och AbCd-AbCd."),       # repeats never overlap
    ("ÖvKlass", "ÖvKlass"),
    ("ÖvKlass", ""),
])
def test_whole_word_repeats_are_counted_as_the_regex_counts_them(token, text):
    expected = len(re.findall(rf"(?<!\w){re.escape(token)}(?!\w)", text))
    assert count_whole_words(token, text, 10) == expected


def test_counting_stops_at_enough():
    assert count_whole_words("AbCd", "AbCd AbCd AbCd AbCd", 2) == 2
