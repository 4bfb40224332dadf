"""Find organisations without a role cue: under role headings, and by organisation-type words.

Partner lists (`Partners:` then `Name, Country` bullets), glued card labels
("ProjektägareX"), names ending in a type word ("Fjordby kommun", "Esimerkki ry",
"Sanitetsforening") and inflected mentions ("SPR:n", "Folkehjelps") are read here; the
words themselves are lexicon data (`role_headings`, `org_type_words`, `org_type_heads`).
"""

from __future__ import annotations

import re

from pipeline.extract.org_cues import (NAME_CONNECTORS, common_words, compound_break,
                                       cue_language, headings_by_length, inline_heading_pattern,
                                       joint_cue, label_pattern, legal_forms, list_separator,
                                       role_heading_index, role_verbs, spaced_type_words,
                                       type_word_probe, type_words)
from pipeline.lexicon import Lexicon, load_lexicon, normalise_label
from pipeline.models import Organisation
from pipeline.enrich.normalise import split_trailing_country

BULLET = re.compile(r"^\s*(?:[-*•▪◦–]|\d{1,2}[.)])\s+")
ACRONYM = re.compile(r"\([A-ZÅÄÖÆØ][A-Za-zÅÄÖÆØåäöæø]{1,9}\)[.,;:]?")
MAX_ITEM_WORDS = 10
MAX_RUN = 6
# "SPR:n", "ry:n", "EU:ssa": a Finnish case ending after a colon is never part of the name.
COLON_CASE = re.compile(r"^(.*\w):[a-zåäö]{1,4}$")
HEADING_REMARK = re.compile(r"\s*\([^()]*\)")  # "Prosjektansvarlig (etat, avdeling):"
VALUE_END = re.compile(r"[,;]|\.\s")
POSSESSIVE = re.compile(r"['’]s$")


def find_heading_organisations(text: str) -> list[Organisation]:
    """Read organisations under role headings: inline, glued, or as the list that follows."""
    lines = text.split("\n")
    found: list[Organisation] = []
    for n, line in enumerate(lines):
        role, value = match_role_heading(line)
        if role is None:
            continue
        items = [value] if value else following_items(lines[n + 1:])
        for item in items:
            name, country = split_trailing_country(BULLET.sub("", item).strip())
            name = name.split(",")[0].strip() if country is None else name
            if looks_like_name(name):
                found.append(Organisation(name=normalise_inflection(name), role=role,
                                          country=country))
    return found


def match_role_heading(line: str) -> tuple[str | None, str]:
    """Return (role, inline value) when a line is a role heading, else (None, "")."""
    stripped = BULLET.sub("", line).strip().strip("*").strip()
    if not stripped:
        return None, ""
    lexicon = load_lexicon()
    index = role_heading_index(lexicon)
    key = normalise_label(stripped)
    if key in index:
        return index[key], ""
    head, sep, tail = stripped.partition(":")
    head = HEADING_REMARK.sub("", head)
    if sep and normalise_label(head) in index and tail.strip():
        return index[normalise_label(head)], tail.strip()
    inline = inline_heading(stripped, lexicon)
    if inline:
        return inline
    if not stripped[:1].isupper():
        return None, ""
    folded = stripped.casefold()
    for size, headings in headings_by_length(lexicon):
        # a card that lost its separator: "ProjektägareInstitutionen för …"
        rest = stripped[size:]
        if folded[:size] in headings and rest[:1].isupper():
            return index[folded[:size]], rest.strip()
    return None, ""


def inline_heading(line: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """Read "… Prosjektansvarlig: Bydel X, Avdeling Y …" out of a one-line form."""
    if ":" not in line:
        return None  # the pattern ends with a colon
    match = inline_heading_pattern(lexicon).search(line)
    if not match:
        return None
    value = line[match.end():]
    stop = label_pattern(lexicon).search(value)
    value = value[:stop.start()] if stop else value
    value = VALUE_END.split(value)[0].strip()
    return role_heading_index(lexicon)[normalise_label(match.group(1))], value


def following_items(lines: list[str]) -> list[str]:
    """The bullets (or the one short line) directly after a heading."""
    items: list[str] = []
    for line in lines:
        if not line.strip():
            if items:
                break
            continue
        if BULLET.match(line):
            items.append(line)
            continue
        if not items and match_role_heading(line)[0] is None:
            return [line]
        break
    return items


def looks_like_name(text: str) -> bool:
    """A short capitalised value, not a sentence."""
    words = text.split()
    return (0 < len(words) <= MAX_ITEM_WORDS and text[:1].isupper() and not text.endswith(".")
            and not re.search(r"\d{3}", text))


def find_typed_organisations(sentence: str, vocabulary: set[str] | None = None) -> list[str]:
    """Names made by an organisation-type word: "Fjordby kommun", "Stiftelsen X", "Xforeningen".

    `vocabulary` holds the document's lower-case words: a capitalised word found there too
    ("Sluttrapport") is a common noun and ends a name that a type word opens.
    """
    lexicon = load_lexicon()
    if not type_word_probe(lexicon).search(" ".join(sentence.casefold().split())):
        return []
    finals, common = type_words(lexicon)[0], common_words(lexicon)
    tokens = glue_legal_forms(glue_compounds(sentence)).split()
    vocabulary = vocabulary or set()
    names: list[str] = []
    n = 0
    while n < len(tokens):
        found = match_type_word(tokens, n, vocabulary, lexicon)
        if found is None:
            n += 1
            continue
        start, end = found
        while start < end and bare(tokens[start]).casefold() in common:
            start += 1  # a sentence-initial "I" or "Projektet" is not part of the name
        if start == end and bare(tokens[end]).casefold() in finals:
            n = end + 1
            continue  # "The municipality", "Kommunen": a type word alone names nobody
        words = [bare(t) if i in (start, end) else t for i, t in
                 enumerate(tokens[start:end + 1], start)]
        words[-1] = tokens[end].rstrip(",;:") if is_legal_form(tokens[end]) else \
            base_of_genitive(words[-1], lexicon)  # "e. V." keeps its dots
        name = " ".join(words).strip(" ,;:")
        dotted = bare(tokens[end]).replace("\x02", " ").casefold() + "." in finals
        name = name if dotted else name.rstrip(".")  # "e. V." is written with its dot
        if end + 1 < len(tokens) and ACRONYM.fullmatch(tokens[end + 1]):
            name += " " + tokens[end + 1].rstrip(".,;:")  # "… direktoratet (IMDi)": one name
            end += 1
        if name and name[0].isupper():
            names.append(normalise_inflection(name.replace("\x02", " ")))
        n = end + 1
    return names


def match_type_word(tokens: list[str], n: int, vocabulary: set[str],
                    lexicon: Lexicon) -> tuple[int, int] | None:
    """Return the (first, last) token of a name that the type word at position n makes."""
    finals, heads, endings = type_words(lexicon)
    word = bare(tokens[n])
    folded = base_of_genitive(word, lexicon).casefold().replace("\x02", " ")
    if folded not in finals and folded not in heads and not folded.endswith(endings):
        return None  # most words: neither a type word nor a compound ending in one
    previous_capitalised = n > 0 and is_capitalised(bare(tokens[n - 1])) and not tokens[
        n - 1].endswith((",", ".", ":", ";", "/"))
    following = bare(tokens[n + 1]) if n + 1 < len(tokens) else ""
    if folded in finals and previous_capitalised:
        end = n
        while end + 1 < len(tokens) and is_legal_form(tokens[end + 1]) \
                and not tokens[end].endswith((",", ":")):
            end += 1  # "Esimerkki ry", "Verein e. V."
        return run_start(tokens, n), end
    if folded in heads and is_capitalised(word) and not tokens[n].endswith((",", ".", ":")) and (
            is_capitalised(following) or (following.casefold() in NAME_CONNECTORS and n + 2 < len(
                tokens) and is_capitalised(bare(tokens[n + 2])))):
        end = run_end(tokens, n + 1, vocabulary)
        while end + 1 < len(tokens) and is_legal_form(tokens[end + 1]):
            end += 1
        return n, end
    compound = folded.endswith(endings) and folded not in endings and len(word) > 6
    if compound and (is_capitalised(word) or previous_capitalised):
        return run_start(tokens, n), n
    if (compound or folded in finals or folded in heads) and word.islower() \
            and not tokens[n].endswith((",", ".", ":", ";")) and is_capitalised(following) \
            and following.casefold() not in common_words(lexicon):
        return n + 1, run_end(tokens, n + 1, vocabulary)  # "selskabet KAB", "föreningen X"
    return None


def glue_legal_forms(text: str) -> str:
    """Keep type words written with spaces ("e. V.", "ek. för.") one token."""
    any_of, patterns = spaced_type_words(load_lexicon())
    if any_of is None or not any_of.search(text):
        return text  # none of them is written here
    for pattern in patterns:  # longest first, each over what the longer ones left
        text = pattern.sub(lambda m: "\x02".join(m.group(0).split()), text)
    return text


def base_of_genitive(word: str, lexicon: Lexicon) -> str:
    """Drop the Nordic genitive -s of a type word ("kommuns", "Frivilligsentrals")."""
    finals, _heads, endings = type_words(lexicon)
    folded = word.casefold()
    if len(word) > 3 and folded.endswith("s") and folded not in finals and (
            folded[:-1] in finals or folded[:-1].endswith(endings)):
        return word[:-1]
    return word


def run_start(tokens: list[str], n: int) -> int:
    """Walk back over the capitalised words (and inner connectors) before position n."""
    start = n
    while start - 1 >= 0 and n - start < MAX_RUN:
        previous = tokens[start - 1]
        if previous.endswith((",", ".", ":", ";", "/")) or previous.startswith(("(", "«", '"')) \
                or tokens[start].startswith((",", ";")):
            break
        if is_capitalised(bare(previous)):
            start -= 1
        elif previous.casefold() in NAME_CONNECTORS and start - 2 >= 0 \
                and is_capitalised(bare(tokens[start - 2])) \
                and not tokens[start - 2].endswith((",", ".")):
            start -= 2
        else:
            break
    return start


def run_end(tokens: list[str], n: int, vocabulary: set[str]) -> int:
    """Walk forward over capitalised words (and inner connectors) from n, stopping at nouns."""
    end = n
    while end + 1 < len(tokens) and end - n < MAX_RUN \
            and not tokens[end].endswith((",", ".", ":", ";")):
        following = bare(tokens[end + 1])
        if is_capitalised(following) and following.casefold() not in vocabulary:
            end += 1
        elif following.casefold() in NAME_CONNECTORS and end + 2 < len(tokens) \
                and is_capitalised(bare(tokens[end + 2])) and not tokens[end + 1].endswith(","):
            end += 2
        else:
            break
    return end


def is_legal_form(token: str) -> bool:
    """A lower-case type word or legal form closing a name: "ry", "e. V.", "gGmbH"."""
    word = bare(token).replace("\x02", " ")
    return word.casefold() in legal_forms(load_lexicon()) and (word.islower() or "." in word or word[-1].isupper())


def glue_compounds(text: str) -> str:
    """Keep "Integrerings- og mangfoldsdirektoratet" and "asyl-, migrations- och" one word."""
    if "-" not in text:
        return text
    return compound_break(load_lexicon()).sub(
        lambda m: "-" + m.group(1) + "\x02" + (m.group(2) + "\x02" if m.group(2) else ""), text)


def bare(token: str) -> str:
    """A token without punctuation around it or a colon-marked case ending."""
    word = token.strip(".,;:!?()«»\"”“'’")
    match = COLON_CASE.match(word)
    return match.group(1) if match else word


def is_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper() and any(ch.isalpha() for ch in word)


def normalise_inflection(name: str) -> str:
    """Drop a case ending that a colon marks ("SPR:n" → "SPR"); other forms stay as written."""
    words = name.split()
    if words:
        match = COLON_CASE.match(words[-1])
        if match:
            words[-1] = match.group(1)
    return " ".join(words)


def find_joint_organisations(sentence: str) -> list[str]:
    """Read the names before a joint cue: "X:n ja Y:n yhteinen hanke"."""
    lexicon = load_lexicon()
    match = joint_cue(lexicon).search(sentence)
    if not match:
        return []
    parts = list_separator(lexicon).split(glue_compounds(sentence[:match.start()]))
    common = common_words(lexicon)
    names: list[str] = []
    for part in reversed(parts):
        tokens = part.split()
        last = len(tokens) - 1
        if last >= 1 and not is_capitalised(bare(tokens[last])):
            last -= 1  # a lower-case type word closes the name: "Töölön seurakunnan"
        if not tokens or not is_capitalised(bare(tokens[last])):
            break
        start = run_start(tokens, last)
        while start < len(tokens) - 1 and bare(tokens[start]).casefold() in common:
            start += 1
        name = " ".join(tokens[start:]).strip(" ,.;:").replace("\x02", " ")
        names.insert(0, normalise_inflection(POSSESSIVE.sub("", name)))
        if start > 0:
            break  # the list began inside this part
    return names


def find_subject_roles(sentence: str, lang: str) -> list[Organisation]:
    """Read the name just before a role verb: "Sjöstad kommun driver projektet"."""
    lexicon = load_lexicon()
    found: list[Organisation] = []
    for role, pattern in role_verbs(lexicon, cue_language(lexicon, lang)):
        for match in pattern.finditer(sentence):
            name = trailing_name(sentence[:match.start()])
            if name:
                found.append(Organisation(name=name, role=role))
    return found


def trailing_name(text: str) -> str | None:
    """The capitalised name a text ends with ("… i höstas Sjöstad kommun"), or None."""
    lexicon = load_lexicon()
    tokens = glue_compounds(text).split()
    if not tokens or tokens[-1].endswith((".", ":", ";")):
        return None
    last = len(tokens) - 1
    if last >= 1 and bare(tokens[last]).islower() and bare(tokens[last]).casefold() in \
            type_words(lexicon)[0]:
        last -= 1  # "Sjöstad kommun": a lower-case type word closes the name
    if last != len(tokens) - 1 and not is_capitalised(bare(tokens[last])):
        return None
    if not is_capitalised(bare(tokens[last])):
        return None
    start = run_start(tokens, last)
    while start < last and bare(tokens[start]).casefold() in common_words(lexicon):
        start += 1
    name = " ".join(tokens[start:]).strip(" ,;:").replace("\x02", " ")
    single = len(name.split()) == 1
    if single and (name.casefold() in common_words(lexicon)
                   or name.casefold() in lexicon.all_phrases("cue_words") or len(name) < 3):
        return None  # "Vi driver projektet", "De har bevilget"
    return normalise_inflection(name)
