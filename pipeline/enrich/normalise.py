"""Turn raw values into controlled ones: ISO country codes, URLs, e-mails, periods, SDGs."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry
import validators
from babel import Locale, UnknownLocaleError
from email_validator import EmailNotValidError, validate_email

from pipeline.lexicon import FALLBACK_LANGUAGE, Lexicon, load_lexicon
from pipeline.models import Period

# English words or names that are also country names: not read as countries in running text.
AMBIGUOUS_COUNTRY_NAMES = {"man", "chad", "georgia", "jordan", "island"}
YEAR = r"(?:19|20)\d{2}"
URL_OR_DOMAIN = re.compile(
    r"<?(?:(?:https?://)[^\s<>]+|(?:www\.)?[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*"
    r"\.[A-Za-z]{2,24}(?:/[^\s<>]*)?)>?"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SPACES = re.compile(r"\s+")


# ---- countries -------------------------------------------------------------------------

def country_names() -> dict[str, dict[str, str]]:
    """Map each lexicon language to {casefolded country name: ISO alpha-2}, from CLDR via Babel."""
    return dict(country_tables(load_lexicon()))


@lru_cache(maxsize=4)
def country_tables(lexicon: Lexicon) -> tuple[tuple[str, dict[str, str]], ...]:
    """Each lexicon language with its country-name table, in the lexicon's order."""
    return tuple((lang, country_table(lang)) for lang in lexicon.codes)


@lru_cache(maxsize=64)
def country_table(lang: str) -> dict[str, str]:
    """Return {casefolded country name: ISO alpha-2} in one language ({} when CLDR lacks it)."""
    codes = {country.alpha_2 for country in pycountry.countries}
    try:
        territories = Locale.parse(lang).territories
    except (ValueError, TypeError, UnknownLocaleError):
        return {}
    names = {name.casefold(): code for code, name in sorted(territories.items()) if code in codes}
    if lang == FALLBACK_LANGUAGE:  # official and common English names as well
        for country in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(country, attr, None)
                if value:
                    names.setdefault(value.casefold(), country.alpha_2)
    return names


def country_code(name: str) -> str | None:
    """Return the ISO alpha-2 code for a country name in any of our languages, or a code."""
    folded = name.strip().strip(".").casefold()
    if not folded:
        return None
    for _lang, table in country_tables(load_lexicon()):
        if folded in table:
            return table[folded]
    if len(folded) == 2 and pycountry.countries.get(alpha_2=folded.upper()):
        return folded.upper()
    return None


def country_pattern(lang: str) -> re.Pattern[str]:
    """A regex finding capitalised country names of a language (and English) in running text."""
    return build_country_pattern(lang, load_lexicon())


@lru_cache(maxsize=64)
def build_country_pattern(lang: str, lexicon: Lexicon) -> re.Pattern[str]:
    """Compile the country-name pattern of one language under one loaded lexicon.

    The names are grouped under their first letter, so at each position the regex engine
    tries the one group that letter opens instead of every name (ten times faster). Only
    that group's names can match there and they keep their order in it, so the matches are
    those of the plain alternation.
    """
    groups: dict[str, list[str]] = {}
    for first, rest in country_alternatives(lang, lexicon):
        groups.setdefault(first, []).append(rest)
    grouped = "|".join(re.escape(first) + "(?:" + "|".join(rests) + ")"
                       for first, rests in groups.items())
    return re.compile(r"(?<![\w-])(" + grouped + r")(?![\w-])", re.IGNORECASE)


def country_alternatives(lang: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    """The country names the pattern tries, in order: (first letter, regex of the rest)."""
    own = country_table(lang)
    candidates = set(own) | set(country_table(FALLBACK_LANGUAGE))
    candidates -= AMBIGUOUS_COUNTRY_NAMES - (set(own) if lang != FALLBACK_LANGUAGE else set())
    candidates.discard("man")
    forms = lexicon.for_language(lang).country_forms
    suffixes = "|".join(re.escape(s) for s in sorted(forms.suffixes, key=lambda s: (-len(s), s)))
    alternatives = []
    for name in sorted(candidates, key=lambda n: (-len(n), n)):
        if len(name) < 4 and name != "usa":
            continue
        if forms.vowel_stem and len(name) >= 5 and is_vowel(name[-1]):
            alternatives.append((name[0], re.escape(name[1:-1]) + r"[^\W\d_]{1,6}"))
        alternatives.append((name[0], re.escape(name[1:]) + (f"(?:{suffixes})?" if suffixes
                                                             else "")))
    return alternatives


def is_vowel(letter: str) -> bool:
    """True for a vowel letter, with or without diacritics (a, ä, ö, y, ó …)."""
    base = unicodedata.normalize("NFD", letter)[0].casefold()
    return base in "aeiouy" or letter.casefold() in "æøœ"


def find_countries(text: str, lang: str) -> list[str]:
    """Return ISO codes of countries named in text, in order of first mention."""
    found: list[str] = []
    for match in country_pattern(lang).finditer(text):
        word = match.group(1)
        if not word[0].isupper():
            continue
        code = resolve_country_mention(word, lang)
        if code and code not in found:
            found.append(code)
    return found


def resolve_country_mention(word: str, lang: str) -> str | None:
    """Map a matched mention (maybe genitive or inflected) back to its code."""
    forms = load_lexicon().for_language(lang).country_forms
    folded = word.casefold()
    own = country_table(lang)
    suffixes = sorted(forms.suffixes, key=lambda s: (-len(s), s))
    for table in (own, country_table(FALLBACK_LANGUAGE)):
        if folded in table:
            return table[folded]
        for suffix in suffixes:
            if folded.endswith(suffix) and folded[:-len(suffix)] in table:
                return table[folded[:-len(suffix)]]
    if forms.vowel_stem:
        for name, code in sorted(own.items(), key=lambda item: (-len(item[0]), item[0])):
            if len(name) >= 5 and folded.startswith(name[:-1]):
                return code
    return None


def split_trailing_country(value: str) -> tuple[str, str | None]:
    """Split "Exempelföreningen, Sverige" into ("Exempelföreningen", "SE")."""
    if "," not in value:
        return value.strip(), None
    head, tail = value.rsplit(",", 1)
    code = country_code(tail)
    return (head.strip(), code) if code else (value.strip(), None)


# ---- web addresses and e-mails ---------------------------------------------------------

def find_websites(text: str) -> list[str]:
    """Return absolute URLs for the addresses and bare domains in a website value."""
    taken = [(start, end) for start, end, _ in find_email_spans(text)]
    urls: list[str] = []
    for match in URL_OR_DOMAIN.finditer(text):
        raw = match.group(0)
        if "@" in text[max(0, match.start() - 1):match.start() + 1]:
            continue
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue  # part of an e-mail address, written plainly or obfuscated
        url = normalise_url(raw)
        if url and url not in urls:
            urls.append(url)
    return urls


def normalise_url(raw: str) -> str | None:
    """Strip angle brackets and trailing punctuation; add https:// where the scheme is missing."""
    value = raw.strip().strip("<>").rstrip(".,;:)")
    if not value:
        return None
    if not re.match(r"https?://", value, re.IGNORECASE):
        host = value.split("/", 1)[0]
        if not validators.domain(host):
            return None
        value = "https://" + value
    return value if validators.url(value) else None


def find_emails(text: str) -> list[str]:
    """Return the valid e-mail addresses in text as `name@domain`, obfuscated forms included."""
    found = []
    for _, _, address in find_email_spans(text):
        if address not in found:
            found.append(address)
    return found


def find_email_spans(text: str) -> list[tuple[int, int, str]]:
    """Find e-mails written plainly or as `name(at)domain`, `name [ät] domain`, `a at b dot c`."""
    found = []
    for match in email_pattern().finditer(text):
        spelled = re.search(r"[\s(\[{<]", match.group("domain"))
        local = match.group("local")
        if match.group("bare") and (not (spelled or re.search(r"[._\d-]", local))
                                    or not local[:1].isalpha()):
            continue  # "look at example.se", "10.30 at cafe.se": prose, not addresses
        address = normalise_email(match)
        if address:
            found.append((match.start(), match.end(), address))
    return found


def email_pattern() -> re.Pattern[str]:
    """A regex for e-mail addresses with the at- and dot-words of every language spelled out."""
    return build_email_pattern(load_lexicon())


@lru_cache(maxsize=4)
def build_email_pattern(lexicon: Lexicon) -> re.Pattern[str]:
    """Compile the e-mail pattern under one loaded lexicon."""
    at_words = "|".join(sorted(map(re.escape, lexicon.all_phrases("email_at_words")), key=len,
                               reverse=True))
    dot_words = "|".join(sorted(map(re.escape, lexicon.all_phrases("email_dot_words")),
                                key=len, reverse=True))
    at = (rf"(?:\s*[@\uff20]\s*|\s*[(\[{{<]\s*(?:{at_words}|@)\s*[)\]}}>]\s*"
          rf"|(?P<bare>\s+(?:{at_words})\s+))")
    dot = (rf"(?:[.\uff0e]|\s*[(\[{{<]\s*(?:{dot_words})\s*[)\]}}>]\s*"
           rf"|\s+(?:{dot_words})\s+)")
    label = r"[^\W_](?:[\w-]*[^\W_])?"
    return re.compile(rf"(?<![\w.+-])(?P<local>[\w+-]+(?:\.[\w+-]+)*){at}"
                      rf"(?P<domain>{label}(?:{dot}{label})*(?:\.|{dot})[^\W\d_]{{2,24}})"
                      rf"(?![\w-])", re.IGNORECASE)


def normalise_email(match: re.Match[str]) -> str | None:
    """Rebuild a matched address as `name@domain` and validate it; drop a glued label."""
    local = match.group("local")
    domain = spelled_dot(load_lexicon()).sub(".", match.group("domain"))
    domain = SPACES.sub("", domain).replace("\uff0e", ".")
    local = drop_glued_label(local)
    candidate = unicodedata.normalize("NFKC", f"{local}@{domain}").rstrip(".")
    try:
        validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return None
    return candidate


@lru_cache(maxsize=4)
def spelled_dot(lexicon: Lexicon) -> re.Pattern[str]:
    """A dot written as a word ("(dot)", " punkt ") in an e-mail address."""
    dots = "|".join(re.escape(w) for w in lexicon.all_phrases("email_dot_words"))
    return re.compile(rf"\s*[(\[{{<]\s*(?:{dots})\s*[)\]}}>]\s*|\s+(?:{dots})\s+",
                      re.IGNORECASE)


def drop_glued_label(local: str) -> str:
    """Cut a label run into the address ("E-postanna.berg" → "anna.berg")."""
    if not local[:1].isupper():
        return local
    for label in email_labels(load_lexicon()):
        rest = local[len(label):]
        if (len(label) >= 5 and local.casefold().startswith(label) and len(rest) >= 2
                and rest[0].islower()):
            return rest
    return local


@lru_cache(maxsize=4)
def email_labels(lexicon: Lexicon) -> tuple[str, ...]:
    """Every language's e-mail labels, folded, longest first."""
    labels = {label.casefold() for language in lexicon.languages.values()
              for label in language.labels["email"]}
    return tuple(sorted(labels, key=len, reverse=True))


# ---- small controlled values -----------------------------------------------------------

def is_placeholder(text: str) -> bool:
    """True for values that mean "nothing" in any language (`-`, `Nej`, `Ingen`, empty)."""
    folded = text.strip().strip(".").strip().casefold()
    return not folded or folded in load_lexicon().all_phrases("placeholders")


def parse_sdgs(text: str) -> list[int]:
    """Return the goal numbers 1-17 named in an SDG value."""
    goals = []
    for number in re.findall(r"\b\d{1,2}\b", text):
        goal = int(number)
        if 1 <= goal <= 17 and goal not in goals:
            goals.append(goal)
    return goals


def parse_level(text: str) -> str | None:
    """Map an implementation-level value ("Lokalt", "national") to the contract's code."""
    words = set(re.findall(r"\w+", text.casefold()))
    for lexicon in load_lexicon().languages.values():
        for level, forms in lexicon.levels.items():
            if words & {form.casefold() for form in forms}:
                return level
    return None


# ---- periods ---------------------------------------------------------------------------

def find_period(sentences: list[tuple[str, str]]) -> Period:
    """Read the first sentence stating when the initiative ran: since, from, until, ranges."""
    for sentence, lang in sentences:
        if not re.search(YEAR, sentence):
            continue
        period = parse_period(sentence, lang)
        if period.start or period.end:
            return period
    return Period()


def parse_period(sentence: str, lang: str) -> Period:
    """Parse start and end (YYYY or YYYY-MM) from one sentence using the language's cues."""
    lexicon = load_lexicon().for_language(lang)
    months = {name.casefold(): number for name, number in lexicon.months.items()}
    month = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    fillers = "|".join(_cues(lexicon.period["fillers"])) or "(?!)"
    date = rf"\s+(?:(?:{fillers})\s+)?(?:({month})\.?\s+)?({YEAR})\b"
    text = sentence.strip()
    folded = text.casefold().replace("’", "'")  # "jusqu’en": cues write the plain apostrophe
    start = end = None
    span = re.search(rf"({YEAR})\s*[–—-]\s*({YEAR})", text)
    if span:
        start, end = span.group(1), span.group(2)
    for cue in _cues(lexicon.period["since"] + lexicon.period["start"]):
        match = re.search(rf"\b{cue}{date}", folded)
        if match and start is None:
            start = _year_month(match.group(2), months.get(match.group(1) or ""))
    year_end = set(_cues(lexicon.period["year_end"]))
    for cue in _cues(lexicon.period["end"] + lexicon.period["year_end"]):
        match = re.search(rf"\b{cue}{date}", folded)
        if match and end is None:
            month_number = months.get(match.group(1) or "")
            if month_number is None and cue in year_end:
                month_number = 12  # "until the end of 2025" is December 2025
            end = _year_month(match.group(2), month_number)
    if start is None and end is None:
        return Period()
    return Period(start=start, end=end, text=text)


def _cues(phrases: list[str]) -> list[str]:
    return [r"\s+".join(map(re.escape, p.casefold().split())) for p in
            sorted(phrases, key=len, reverse=True)]


def _year_month(year: str, month: int | None) -> str:
    return f"{year}-{month:02d}" if month else year
