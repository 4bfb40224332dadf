"""spaCy, imported without torch: the only way the pipeline imports it.

thinc, spaCy's machine-learning layer, imports torch whenever torch is installed (and
argostranslate's stanza installs it). The rule-based blank pipelines used here (the
sentencizer, the PhraseMatcher) never touch it, yet the import costs about 210 MB of memory
and 1.5 s in every process that cuts sentences: the run's own and each worker's. So torch is
hidden while spaCy and thinc load, and visible again right after, for the translator's
stanza. Once spaCy is loaded (by this module or anything before it), nothing is hidden.
"""

from __future__ import annotations

import sys


def import_spacy():
    """Import spaCy with torch hidden from thinc; return the module."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy
        return spacy
    sys.modules["torch"] = None  # `import torch` raises ImportError while this stands
    try:
        import spacy
    finally:
        if sys.modules.get("torch", False) is None:
            del sys.modules["torch"]
    return spacy


spacy = import_spacy()

from spacy.language import Language  # noqa: E402 - after spaCy is loaded without torch
from spacy.matcher import PhraseMatcher  # noqa: E402

__all__ = ["Language", "PhraseMatcher", "import_spacy", "spacy"]
