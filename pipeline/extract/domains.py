"""Country evidence beyond labels: named countries, address domains, the record's language."""

from __future__ import annotations

from urllib.parse import urlsplit

import pycountry
from babel.core import get_global

from pipeline.lexicon import load_lexicon

# Country-code domains sold as generic names: they say nothing about where an initiative is.
GENERIC_CCTLDS = {"io", "co", "tv", "me", "fm", "ly", "ai", "cc", "ws", "to", "gg", "sh", "am",
                  "nu", "tk", "la", "app"}
TLD_ALIASES = {"uk": "GB"}


def domain_country(host: str) -> str | None:
    """Return the ISO code of a host's country-code domain ("kunta.fi" → "FI"), or None."""
    tld = host.strip().rstrip(".").rsplit(".", 1)[-1].casefold()
    if tld in TLD_ALIASES:
        return TLD_ALIASES[tld]
    if len(tld) != 2 or tld in GENERIC_CCTLDS:
        return None
    country = pycountry.countries.get(alpha_2=tld.upper())
    return country.alpha_2 if country else None


def countries_from_domains(websites: list[str], emails: list[str]) -> list[str]:
    """Return the countries of the websites' and e-mail addresses' domains, in order, once."""
    hosts = [urlsplit(url if "//" in url else "https://" + url).hostname or "" for url in websites]
    hosts += [email.rsplit("@", 1)[-1] for email in emails if "@" in email]
    found: list[str] = []
    for host in hosts:
        code = domain_country(host)
        if code and code not in found:
            found.append(code)
    return found


def home_country(lang: str) -> str | None:
    """The country a language implies: the lexicon's `home_country`, else CLDR's likely one."""
    lexicon = load_lexicon().languages.get(lang)
    if lexicon is not None:
        return lexicon.home_country
    likely = get_global("likely_subtags").get(lang, "")
    territory = likely.rsplit("_", 1)[-1] if likely.count("_") == 2 else ""
    return territory if len(territory) == 2 and pycountry.countries.get(alpha_2=territory) \
        else None


def states_wide_scope(text: str) -> bool:
    """True when the text says the initiative spans several countries ("across the EU")."""
    folded = " ".join(text.casefold().split())
    return any(phrase in folded for phrase in load_lexicon().all_phrases("international_scope"))


def prefer_home_country(named: list[str], language: str) -> list[str]:
    """A text in the language of a country it names is about that country; others are origins."""
    home = home_country(language)
    return [home] if home in named else named
