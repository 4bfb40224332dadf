"""Base forms of inflected organisation names: genitives the text or the lexicon resolves."""

from __future__ import annotations

import re

from pipeline.lexicon import load_lexicon


def base_forms(names: list[str]) -> dict[str, str]:
    """Map a Nordic -s genitive to a name the same text also gives without it."""
    attested = {n.casefold(): n for n in names}
    return {n: attested[n.casefold()[:-1]] for n in names
            if n.endswith("s") and n.casefold()[:-1] in attested}


def base_of_type_genitive(name: str, lang: str) -> str:
    """Undo the genitive of a closing type word: "Itälän kaupungin" → "Itälän kaupunki"."""
    lexicon = load_lexicon().languages.get(lang)
    words = name.split()
    if not lexicon or len(words) < 2:
        return name
    base = {k.casefold(): v for k, v in lexicon.type_word_genitives.items()}.get(
        words[-1].casefold())
    if base is None:
        return name
    base = base[0].upper() + base[1:] if words[-1][0].isupper() else base
    return " ".join(words[:-1] + [base])


def attested_base(name: str, text: str, lang: str) -> str:
    """The base form the text also uses for a genitive ("Töölön seurakunnan" → "…kunta")."""
    lexicon = load_lexicon().languages.get(lang)
    words = name.split()
    last = words[-1] if words else ""
    endings = [e for e in (lexicon.genitive_endings if lexicon else []) if last.endswith(e)]
    if len(last) < 5 or not endings:
        return name
    lead = re.escape(" ".join(words[:-1]) + " ") if len(words) > 1 else ""
    stem = re.escape(last[:max(3, len(last) - 3)])  # Finnish stems alternate: kunta, kunnan
    forms = {m.group(1) for m in re.finditer(rf"(?<![\w-]){lead}({stem}[\w:'’]*)", text)}
    bases = sorted((f for f in forms if f != last and not f.endswith(endings[0])
                    and len(last) - len(endings[0]) - 1 <= len(f) <= len(last) + 1),
                   key=lambda f: (len(f), f))
    return " ".join(words[:-1] + [bases[0]]) if bases else name
