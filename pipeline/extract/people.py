"""The people a document names: under contact labels, and in personal e-mail addresses.

The public variant masks these names wherever they stand (`pipeline.publish.privacy`). They
depend on the document's text alone, so the extraction stage finds them once per content
(`people_in_text`), in the worker that reads the document, and the extraction store keeps
them beside the records.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.extract.contact_passages import contact_passages
from pipeline.extract.email_spellings import AT, find_emails
from pipeline.extract.layout import parse_lines
from pipeline.extract.patterns import trie_pattern
from pipeline.lexicon import load_lexicon

NAME_PART = re.compile(r"[^\W\d_][\w'’-]*")
NAME_END = re.compile(r"[,;(|/@<\d]| [-–] ")
CAPITALISED_NAME = r"[^\W\d_a-zß-ÿ][\w'’-]+(?:[ \t]+[^\W\d_a-zß-ÿ][\w'’-]+){0,3}"
MAX_NAME_WORDS = 6
SPECIFIC_LABEL_CHARS = 8  # "kontaktperson" names a person anywhere; "namn" only at a line start


def label_phrases(field: str) -> set[str]:
    """Every language's phrases for one form label, casefolded."""
    return {phrase.casefold() for language in load_lexicon().languages.values()
            for phrase in language.labels.get(field, [])}


def people_in_text(text: str) -> list[str]:
    """The names a document gives under contact labels, then those its addresses spell."""
    return contact_names_in_text(text) + names_from_emails(text)


def name_part(value: str) -> str:
    """The name at the start of a contact value ("Anna Berg, tel 070-…" → "Anna Berg")."""
    match = NAME_END.search(value)
    name = (value[:match.start()] if match else value).strip(" \t:-–")
    return name if 0 < len(name.split()) <= MAX_NAME_WORDS else ""


@lru_cache(maxsize=1)
def inline_contact_label() -> re.Pattern:
    """A contact-name label with a colon anywhere in a line, followed by a capitalised name."""
    # A trie of the phrases reads each position once; like longest-first alternatives, it
    # prefers the longer of two phrases where one begins the other.
    phrases = trie_pattern(sorted(label_phrases("contact_name")))
    return re.compile(r"(?<!\w)(?i:" + phrases + r")[ \t]*:[ \t]*"
                      rf"(?P<name>{CAPITALISED_NAME})")


def contact_names_in_text(text: str) -> list[str]:
    """Names a document gives under contact labels, whether or not an e-mail follows."""
    names = []
    lexicon = load_lexicon()
    lines = parse_lines(contact_passages(text, lexicon), lexicon)  # the lines that can matter
    for n, line in enumerate(lines):
        if not line.label or line.label.field != "contact_name":
            continue
        if line.label.value_offset is not None:
            names.append(name_part(line.text[line.label.value_offset:]))
            continue
        following = next((later for later in lines[n + 1:n + 3] if not later.blank), None)
        if following is not None and not following.label:
            names.append(name_part(following.text))
    names += [match.group("name") for match in inline_contact_label().finditer(text)
              if labels_a_contact(text, match.start("name"))]
    return sorted({trimmed for trimmed in map(drop_trailing_labels, names) if trimmed})


def names_from_emails(text: str) -> list[str]:
    """Words of the text that spell an address's person ("Sini Hölttä" for sini.holtta@…).

    Only addresses of the first.last kind count: `info@` or `kontakt@` name no one.
    """
    tokens: set[str] = set()
    for match in find_emails(text):
        local = re.split(AT, match.group(), maxsplit=1)[0]
        parts = [part for part in re.split(r"[._'’+-]+", local) if part]
        if len(parts) >= 2:
            tokens.update(fold(part) for part in parts if len(part) >= 3 and part.isalpha())
    if not tokens:
        return []
    capitalised = {word for word in NAME_PART.findall(text) if word[0].isupper()}
    return sorted(word for word in capitalised if fold(word) in tokens)


def fold(word: str) -> str:
    """Case and accents folded, as addresses spell names ("Hölttä" → "holtta")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def drop_trailing_labels(name: str) -> str:
    """The name without the label words that follow it ("Anna Berg Tlf" → "Anna Berg")."""
    words = name.split()
    while words and load_lexicon().lookup_label(words[-1]):
        words.pop()
    return " ".join(words)


def labels_a_contact(text: str, value_start: int) -> bool:
    """True when a contact label stands before the colon: not "Virallinen nimi: …".

    The longest label ending there must be a contact's ("Projektets namn" names a project).
    A short one ("namn", "nimi") must also open its line or sentence, or follow a word
    built on a longer contact label ("Yhteyshenkilön nimi"): alone it may name anything.
    """
    line_start = text.rfind("\n", 0, value_start) + 1
    head = text[line_start:value_start].rstrip().rstrip(":").split()
    lexicon = load_lexicon()
    for size in range(min(len(head), 5), 0, -1):
        phrase = " ".join(head[-size:])
        found = lexicon.lookup_label(phrase)
        if not found:
            continue
        if found[0] != "contact_name":
            return False
        if len(phrase) >= SPECIFIC_LABEL_CHARS or size == len(head):
            return True
        before = head[-size - 1]
        return before.endswith((".", "?", "!", ";", ")")) or before.casefold().startswith(
            tuple(p for p in label_phrases("contact_name") if len(p) >= SPECIFIC_LABEL_CHARS))
    return False
