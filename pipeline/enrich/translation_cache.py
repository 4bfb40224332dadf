"""The translation cache: every sentence translated once, ever, kept in SQLite."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
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


def chunked(items: list, size: int) -> Iterator[list]:
    """Yield successive slices of at most size items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
