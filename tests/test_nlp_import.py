"""spaCy is loaded without torch, and only through pipeline/enrich/nlp.py."""

import ast
import subprocess
import sys
from pathlib import Path

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    return done.stdout.strip()


def test_the_stages_load_spacy_without_torch_and_torch_still_imports_afterwards():
    out = run_python(
        "import sys, importlib.util\n"
        "import pipeline.extract.document, pipeline.publish.release\n"
        "from pipeline.enrich.sentences import split_sentences\n"
        "print('spacy' in sys.modules, 'torch' in sys.modules,\n"
        "      split_sentences('Ett. Två.', 'sv'))\n"
        "if importlib.util.find_spec('torch') is not None:\n"
        "    import torch\n"
        "    print(torch.tensor([1]).sum().item())\n"
        "else:\n"
        "    print(1)\n")
    assert out.splitlines() == ["True False [(0, 4), (5, 9)]", "1"]


def test_when_torch_is_loaded_first_spacy_is_imported_as_usual():
    out = run_python("import sys\nsys.modules['torch'] = sys\n"  # a stand-in already loaded
                     "from pipeline.enrich.nlp import spacy\n"
                     "print(sys.modules['torch'] is sys, spacy.blank('sv').lang)")
    assert out == "True sv"


def test_no_other_module_imports_spacy_directly():
    direct = []
    for path in sorted(PIPELINE.rglob("*.py")):
        if path.name == "nlp.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            direct += [f"{path.relative_to(PIPELINE)}: {n}" for n in names
                       if n.split(".")[0] in ("spacy", "thinc")]
    assert direct == []
