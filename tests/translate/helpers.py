"""Small builders shared by the translation tests."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from pipeline.models import Initiative, Source, TextField
from pipeline.enrich.translation_engine import DecodeOptions

# Greedy decoding for the tiny models: trained to memorise forty sentences, they are so sure of
# themselves that beam search stops on junk hypotheses that end early, before the real one.
GREEDY = DecodeOptions(beam_size=1, intra_threads=1)


class CountingTranslator:
    """Wrap a translator and count the model calls and sentences that reach it."""

    def __init__(self, inner):
        self.inner, self.calls, self.sentences = inner, 0, 0

    def pairs(self):
        return self.inner.pairs()

    def provenance(self, src):
        return self.inner.provenance(src)

    def translate_batch(self, sentences, src):
        self.calls += 1
        self.sentences += len(sentences)
        return self.inner.translate_batch(sentences, src)


def make_field(text: str, lang: str) -> TextField:
    """Return a text field spanning its own text."""
    return TextField(text=text, lang=lang, span=(0, len(text)))


def make_initiative(language: str = "sv", title: str | None = None, **sections) -> Initiative:
    """Return an initiative with the given sections: name=(text, lang) or a list for activities."""
    values = {}
    for name, value in sections.items():
        if name == "activities":
            values[name] = [make_field(text, lang) for text, lang in value]
        else:
            values[name] = make_field(*value)
    return Initiative(id=f"test-{language}", title=title, title_lang=language if title else None,
                      language=language, source=Source(file="test.txt", sha256="0" * 64,
                                                       format="text", segment="0", span=(0, 1)),
                      **values)


def rezip(source: Path, target: Path, rename: Callable[[str], str | None]) -> Path:
    """Copy an archive, renaming members (None drops one): for making broken packages."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            name = rename(item.filename)
            if name:
                new.writestr(name, old.read(item.filename))
    return target
