"""The translation cache: every sentence translated once, ever, kept in SQLite.

The run loop owns the SQLite file. A translation task works on a `TranslationMemory`: the
entries the loop looked up for its batch, plus what the task translated or detected itself,
which it hands back as `CacheEntries` for the loop to write. A worker thus never opens the
database, and may run on a machine that cannot see it.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

SQL_CHUNK = 500  # SQLite's default limit on host parameters is 999


def normalise_sentence(text: str) -> str:
    """Return the cache form of a sentence: NFC, whitespace runs collapsed, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class CacheKey(NamedTuple):
    """What identifies one cached translation."""

    src: str
    tgt: str
    package: str
    version: str
    sentence: str


class TranslationCache:
    """Translations (and sentence languages) in SQLite: translate a sentence once, ever."""

    def __init__(self, path: Path | str):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(str(path))
        self.connection.executescript("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS translations (
                src TEXT, tgt TEXT, package TEXT, version TEXT, sentence TEXT, translation TEXT,
                PRIMARY KEY (src, tgt, package, version, sentence)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS sentence_languages (
                sentence TEXT, prior TEXT, lang TEXT, confidence REAL,
                PRIMARY KEY (sentence, prior)) WITHOUT ROWID;
        """)

    def lookup(self, keys: Iterable[CacheKey]) -> dict[CacheKey, str]:
        """Return the cached translation of every key that has one."""
        found: dict[CacheKey, str] = {}
        groups: dict[tuple, list[str]] = {}
        for key in keys:
            groups.setdefault(key[:4], []).append(key.sentence)
        for head, sentences in groups.items():
            for chunk in chunked(sentences, SQL_CHUNK):
                rows = self.connection.execute(
                    "SELECT sentence, translation FROM translations WHERE src=? AND tgt=? AND "
                    f"package=? AND version=? AND sentence IN ({','.join('?' * len(chunk))})",
                    (*head, *chunk))
                found.update({CacheKey(*head, sentence): text for sentence, text in rows})
        return found

    def store(self, translations: dict[CacheKey, str]) -> None:
        """Remember translations."""
        with self.connection:
            self.connection.executemany("INSERT OR REPLACE INTO translations VALUES (?,?,?,?,?,?)",
                                        [(*key, text) for key, text in translations.items()])

    def lookup_languages(self, items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
        """Return the remembered (lang, confidence) of (sentence, prior) items."""
        found = {}
        by_prior: dict[str, list[str]] = {}
        for sentence, prior in items:
            by_prior.setdefault(prior, []).append(sentence)
        for prior, sentences in by_prior.items():
            for chunk in chunked(sentences, SQL_CHUNK):
                rows = self.connection.execute(
                    "SELECT sentence, lang, confidence FROM sentence_languages WHERE prior=? "
                    f"AND sentence IN ({','.join('?' * len(chunk))})", (prior, *chunk))
                found.update({(sentence, prior): (lang, conf) for sentence, lang, conf in rows})
        return found

    def store_languages(self, detected: dict[tuple[str, str], tuple[str, float]]) -> None:
        """Remember detected sentence languages."""
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO sentence_languages VALUES (?,?,?,?)",
                [(*item, lang, conf) for item, (lang, conf) in detected.items()])

    def recall(self, keys: Iterable[CacheKey], items: Iterable[tuple[str, str]]
               ) -> TranslationMemory:
        """Return a memory holding the cached translations and languages a batch asks for."""
        return TranslationMemory(self.lookup(keys), self.lookup_languages(items))

    def save(self, entries: CacheEntries) -> None:
        """Write what a task translated and detected."""
        if entries.translations:
            self.store(entries.translations)
        if entries.languages:
            self.store_languages(entries.languages)

    def count(self) -> int:
        """Return how many translations are stored."""
        return self.connection.execute("SELECT COUNT(*) FROM translations").fetchone()[0]

    def close(self) -> None:
        """Close the database."""
        self.connection.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class CacheEntries:
    """New cache entries a task made: translations by key, (lang, confidence) by item."""

    translations: dict[CacheKey, str] = field(default_factory=dict)
    languages: dict[tuple[str, str], tuple[str, float]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.translations or self.languages)


class TranslationMemory:
    """The cache as a task sees it: what the loop looked up, and what the task adds."""

    def __init__(self, translations: dict[CacheKey, str] | None = None,
                 languages: dict[tuple[str, str], tuple[str, float]] | None = None):
        self.known = CacheEntries(dict(translations or {}), dict(languages or {}))
        self.fresh = CacheEntries()

    def lookup(self, keys: Iterable[CacheKey]) -> dict[CacheKey, str]:
        """Return the known translation of every key that has one."""
        known = self.known.translations
        return {key: known[key] for key in keys if key in known}

    def store(self, translations: dict[CacheKey, str]) -> None:
        """Remember translations, and that they are new."""
        self.known.translations.update(translations)
        self.fresh.translations.update(translations)

    def lookup_languages(self, items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
        """Return the known (lang, confidence) of (sentence, prior) items."""
        known = self.known.languages
        return {item: known[item] for item in items if item in known}

    def store_languages(self, detected: dict[tuple[str, str], tuple[str, float]]) -> None:
        """Remember detected sentence languages, and that they are new."""
        self.known.languages.update(detected)
        self.fresh.languages.update(detected)


def chunked(items: list, size: int) -> Iterator[list]:
    """Yield successive slices of at most size items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
