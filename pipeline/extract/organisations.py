"""Find organisations and their roles in running text with spaCy phrase rules.

Role cues ("i samarbete med", "finansieras av", "koordinerat av", …) come from the
lexicon; a spaCy PhraseMatcher finds them and the list that follows is read into names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from pipeline.lexicon import FALLBACK_LANGUAGE, ROLES, UPPER, UPPER_LETTERS, Lexicon, load_lexicon
from pipeline.models import Organisation
from pipeline.enrich.normalise import country_code
from pipeline.extract.org_cues import (common_words, cue_language, funded_compound,
                                       name_separator, self_introduction)
from pipeline.extract.org_mentions import glue_compounds, glue_legal_forms, is_legal_form
from pipeline.extract.patterns import trie_pattern
from pipeline.enrich.nlp import PhraseMatcher
from pipeline.enrich.sentences import load_pipeline

CONNECTORS = {"i", "och", "og", "of", "on", "for", "för", "af", "av", "de", "la", "by", "and",
              "&", "-", "–", "und", "der", "del", "di", "ja", "für", "van", "voor", "pour", "du",
              "des"}
MAX_NAME_TOKENS = 9
SHORT_FUNCTION_WORD = 4  # letters; longer lower-case words may end a name ("arvsfonden")
OPENING_QUOTES = ("‘", "“", "«", "„", "‹")
PARENTHESIS = re.compile(r"\s*\(([^()]*)\)")
PARTIAL_MATCH = 92      # partial_ratio at which one name is a clear part of the other
MAX_FUZZY_NAMES = 100   # fuzzy matching is quadratic: beyond this, exact repeats only
# "e. V.", "ek. för.": a legal form's dots end no sentence
LIST_END = re.compile(rf"(?<=[^\s.{UPPER_LETTERS}])\.(?:\s|$)|;")
LEAD_IN = re.compile(r"^([^:–-]*?)(?::\s+|\s[-–]\s+)(.*)$")
IN_PARENTHESES = re.compile(r"\(([^()]*)\)")
ELIDED_ARTICLE = re.compile(r"^\w{1,2}['’]")


@dataclass(frozen=True)
class RoleMatcher:
    """A PhraseMatcher over one language's role cues, and a pattern finding any of them in a
    casefolded text: a sentence without a cue is not tokenised."""

    lang: str
    matcher: PhraseMatcher
    probe: re.Pattern[str]


def load_role_matcher(lang: str) -> RoleMatcher:
    """Build the role-cue matcher for a language (English cues are always included)."""
    return build_role_matcher(lang, load_lexicon())


@lru_cache(maxsize=8)
def build_role_matcher(lang: str, lexicon: Lexicon) -> RoleMatcher:
    """Build the role-cue matcher of one language under one loaded lexicon."""
    nlp = load_pipeline(lang)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    lexicons = lexicon.languages
    cues: set[tuple[str, ...]] = set()
    for code in dict.fromkeys((lexicon.resolve(lang) or FALLBACK_LANGUAGE, FALLBACK_LANGUAGE)):
        for role in ROLES:
            docs = [nlp.make_doc(phrase) for phrase in lexicons[code].roles[role]]
            matcher.add(role, docs)
            # the tokens a match is made of stand in the text with at most spaces between
            cues.update(tuple(token.lower_.casefold() for token in doc) for doc in docs)
    probe = trie_pattern(sorted(cue for cue in cues if cue), separator=r"\s*") or "(?!)"
    return RoleMatcher(lang, matcher, re.compile(probe))


def find_role_mentions(sentence: str, lang: str) -> list[Organisation]:
    """Return the organisations a sentence names after a role cue, with that role."""
    rules = load_role_matcher(lang)
    if not rules.probe.search(sentence.casefold()):
        return find_funded_compounds(sentence, lang)
    doc = load_pipeline(lang).make_doc(sentence)
    matches = sorted(rules.matcher(doc), key=lambda m: (m[1], -(m[2] - m[1])))
    found: list[Organisation] = []
    taken_until = -1
    carried: list[str] = []
    for n, (match_id, start, end) in enumerate(matches):
        if start < taken_until:
            continue
        role = doc.vocab.strings[match_id]
        following = [m[1] for m in matches[n + 1:] if m[1] >= end]
        stop = min(following) if following else len(doc)
        tail = doc[end:stop]
        if following and len(tail) <= 4 and not any(t.is_punct for t in tail) and not \
                starts_upper(tail.text):  # "coordinated by X in partnership with Y": X is named
            carried.append(role)  # "finansieras genom ett partnerskap med X": X has both roles
            taken_until = end
            continue
        names = read_name_list(tail.text, lang)
        for name, country in names:
            for each in [role] + carried:
                found.append(Organisation(name=name, role=each, country=country))
        carried = []
        taken_until = end
    found += find_funded_compounds(sentence, lang)
    return found


def find_funded_compounds(sentence: str, lang: str) -> list[Organisation]:
    """Read funders written into a compound: "EU-finansierat", "ESF-funded"."""
    lexicon = load_lexicon()
    found = []
    for match in funded_compound(lexicon, cue_language(lexicon, lang)).finditer(sentence):
        name = match.group(1)
        if name.isupper() and 2 <= len(name) <= 6:
            found.append(Organisation(name=name, role="funder"))
    return found


def read_name_list(text: str, lang: str) -> list[tuple[str, str | None]]:
    """Read "A, B från Italien och C" into names with their countries; stop where names end."""
    loaded = load_lexicon()
    code = cue_language(loaded, lang)
    lexicon = loaded.languages[code]
    text = LIST_END.split(glue_legal_forms(text), maxsplit=1)[0]
    glued = glue_compounds(protect_parentheses(text)).replace("-,\x02", "-\x03\x02")
    parts = [p.strip() for p in name_separator(loaded, code).split(glued)]
    names: list[tuple[str, str | None]] = []
    for n, part in enumerate(parts):
        part = restore_parentheses(part)
        part = drop_descriptor(part)
        if not part:
            continue
        if names and not starts_upper(part) and not read_origin(part) and not (
                len(part.split()) == 1 and part.casefold().rstrip(".,").endswith(
                    tuple(s.casefold() for s in lexicon.org_suffixes))):
            break  # "Med midler fra X, produserer Y …": the list ended with X
        origin = read_origin(part)
        if origin and origin[0] == "":
            if names:
                names[-1] = (names[-1][0], origin[1])
            continue
        name, country = origin if origin else (part, None)
        cleaned, stopped = clean_name(name, lexicon)
        if cleaned:
            names.append((cleaned.replace("\x03", ",").replace("\x02", " "), country))
        if stopped or (not cleaned and n > 0):
            break
    return names


def protect_parentheses(text: str) -> str:
    """Hide commas and joiners inside parentheses from the list split."""
    return IN_PARENTHESES.sub(lambda m: "(" + m.group(1).replace(",", "\x00").replace(
        " ", "\x01") + ")", text)


def restore_parentheses(text: str) -> str:
    return text.replace("\x00", ",").replace("\x01", " ")


def drop_descriptor(part: str) -> str:
    """Drop a lower-case lead-in before a colon or dash: "tre föreningar: A" → "A"."""
    match = LEAD_IN.match(part)
    if match and not starts_upper(match.group(1)):
        return match.group(2).strip()
    return part


def read_origin(part: str) -> tuple[str, str] | None:
    """Split "X från Italien" into ("X", "IT"); ("", code) when the part is only an origin."""
    words = load_lexicon().all_phrases("origin_words")
    tokens = part.split()
    for i, token in enumerate(tokens):
        if token.casefold() in words and i + 1 < len(tokens):
            code = country_code(" ".join(tokens[i + 1:]).rstrip(".,"))
            if code:
                return (" ".join(tokens[:i]), code)
    return None


def clean_name(text: str, lexicon) -> tuple[str, bool]:
    """Cut a list part down to the organisation name; report whether the list ends here."""
    stopwords = {w.casefold() for w in lexicon.name_stopwords}
    suffixes = tuple(s.casefold() for s in lexicon.org_suffixes)
    text = PARENTHESIS.sub(lambda m: f" ({m.group(1)})" if starts_upper(m.group(1)) else "", text)
    tokens = [restore_parentheses(t) for t in
              protect_parentheses(text.replace("”", "").replace('"', "")).split()]
    # a single lower-case word can still be an authority ("migrationsverket")
    single = tokens[0].casefold().rstrip(".,") if len(tokens) == 1 else ""
    if single and single.endswith(suffixes) and single not in suffixes:
        return tokens[0].rstrip(".,"), False
    while tokens and not starts_upper(tokens[0]):
        if tokens[0] in stopwords:
            return "", True
        tokens.pop(0)
    kept, stopped = [], False
    for token in tokens:
        # a quotation opening after the name starts something else ("X het ‘Taalcafé’")
        if kept and (token in stopwords or token.startswith(OPENING_QUOTES)):
            stopped = True
            break
        kept.append(token)
    kept = take_apposition(drop_lowercase_tail(kept))
    while kept and (kept[-1].casefold() in CONNECTORS or not kept[-1].strip(".,:;")
                    or is_trailing_article(kept[-1])):
        kept.pop()
    name = " ".join(kept).strip(" .,:;")
    if kept and is_legal_form(kept[-1]) and kept[-1].rstrip(",:;").endswith("."):
        name = " ".join(kept).strip(" ,:;")  # "e. V." is written with its dot
    if not name or len(kept) > MAX_NAME_TOKENS or not starts_upper(name):
        return "", True
    return name, stopped


def is_trailing_article(token: str) -> bool:
    """A short lower-case function word ("het", "die") cannot close a name."""
    word = token.strip(".,:;")
    return word.islower() and len(word) <= SHORT_FUNCTION_WORD and word in load_lexicon(
    ).all_phrases("cue_words")


def drop_lowercase_tail(tokens: list[str]) -> list[str]:
    """Cut "Grønn Fremtid i samarbeid" after the name: a connector followed only by lower case."""
    for i, token in enumerate(tokens):
        if i and token.casefold() in CONNECTORS and tokens[i + 1:] and not any(
                starts_upper(t) or "\x02" in t for t in tokens[i + 1:]):  # "ungdoms- och …"
            return tokens[:i]
    return tokens


def take_apposition(tokens: list[str]) -> list[str]:
    """Keep the proper name of "Danmarks statistikbyrå Statistikbanken": the last capitalised run."""
    for i in range(len(tokens) - 1, 0, -1):
        token = tokens[i - 1]
        if (not starts_upper(token) and token.casefold() not in CONNECTORS
                and not token.startswith("(") and starts_upper(tokens[i])
                and not tokens[i].startswith("(")
                and all(starts_upper(t) or t.startswith("(") for t in tokens[i:])):
            return tokens[i:]
    return tokens


def starts_upper(text: str) -> bool:
    """True when the first letter is upper case (digits and brackets skipped)."""
    for ch in text:
        if ch.isalpha():
            return ch.isupper()
    return False


def merge_organisations(organisations: list[Organisation]) -> list[Organisation]:
    """Drop repeats: the same name and role once; a partner that is the implementer is dropped.

    Exact repeats are found through a dict, fuzzy ones by rapidfuzz against the first
    MAX_FUZZY_NAMES distinct names, so a list of any length merges in linear time.
    """
    merged: list[Organisation] = []
    roles_by_name: dict[str, list[str]] = {}
    fuzzy_names: list[str] = []
    for org in organisations:
        key = org.name.casefold()
        if any(roles_fit(org.role, role) for role in roles_by_name.get(key, ())) or any(
                roles_fit(org.role, role) for name in similar_names(key, fuzzy_names)
                for role in roles_by_name[name]):
            continue
        merged.append(org)
        if key not in roles_by_name:
            roles_by_name[key] = []
            if len(fuzzy_names) < MAX_FUZZY_NAMES:
                fuzzy_names.append(key)
        roles_by_name[key].append(org.role)
    return merged


def roles_fit(role: str, other: str) -> bool:
    """Whether an organisation in `role` repeats one already listed in `other`."""
    return role == other or (role in ("partner", "implementing", "coordinator")
                             and other in ("implementing", "coordinator"))


def similar_names(key: str, names: list[str]) -> list[str]:
    """The names that `same_organisation` would call the same as `key` (fuzzily)."""
    if len(key) < 5 or not names:
        return []
    matches = process.extract(key, names, scorer=fuzz.partial_ratio,
                              score_cutoff=PARTIAL_MATCH, limit=None)
    return [name for name, _score, _ in matches if len(name) >= 5]


def has_implementer(organisations: list[Organisation]) -> bool:
    """True when one of the organisations runs or coordinates the initiative."""
    return any(o.role in ("implementing", "coordinator") for o in organisations)


def same_organisation(a: Organisation, b: Organisation) -> bool:
    """Fuzzy name identity: equal, or one name a clear part of the other."""
    x, y = a.name.casefold(), b.name.casefold()
    if x == y:
        return True
    shorter = min(x, y, key=len)
    return len(shorter) >= 5 and fuzz.partial_ratio(x, y) >= PARTIAL_MATCH


# What may extend a name: "and Sport", "och Fritid", … up to an acronym in brackets.
NAME_EXTENSION = re.compile(r"((?:\s+(?:and|och|og|ja|&)\s+" + UPPER + r"[\w-]*)+)"
                            r"(?=\s*\(" + UPPER + r"{2,}\))")  # only a name its acronym follows


def expand_name(name: str, text: str) -> str:
    """Prefer the fullest form the text gives a name: "Council on Youth" → "Council on Youth and Sport"."""
    # each occurrence of the name in turn, leftmost first: no pattern compiled per name
    at = text.find(name)
    while at >= 0:
        match = NAME_EXTENSION.match(text, at + len(name))
        if match:
            return name + match.group(1)
        at = text.find(name, at + 1)
    return name


def find_self_introduced_organisation(sentence: str, lang: str) -> str | None:
    """Read "Läsglädje! är en ideell förening …" as the organisation's own name."""
    lexicon = load_lexicon()
    match = self_introduction(lexicon, cue_language(lexicon, lang)).match(sentence.strip())
    if match and starts_upper(match.group(1)) and len(match.group(1).split()) <= MAX_NAME_TOKENS \
            and not names_a_kind(match.group(1)):
        return match.group(1).strip()
    return None


def names_a_kind(text: str) -> bool:
    """True for "Föreningen", "L'association", "The organisation": a kind, not a name."""
    lexicon = load_lexicon()
    words = [ELIDED_ARTICLE.sub("", w).casefold() for w in text.split()]
    while len(words) > 1 and words[0] in common_words(lexicon):
        words.pop(0)  # "The organisation"
    kinds = lexicon.all_phrases("organisation_nouns") | lexicon.all_phrases("initiative_nouns")
    return len(words) == 1 and (words[0] in kinds or any(
        words[0].startswith(kind) and len(words[0]) - len(kind) <= 3 for kind in kinds))
