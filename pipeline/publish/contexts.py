"""What masking one source file needs to know: its people, countries and language.

A release gathers a `FileContext` per source file from its records (contact names,
countries, language) as it writes them (`add_initiative_context`), then from its documents
(the people their texts name, the document's language) in `collect_contexts`. Linking
changes none of this, so the public variant's documents can be masked while the records
are linked (pipeline/publish/derived.py).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pipeline.extract.people import people_in_text
from pipeline.models import Initiative
from pipeline.publish.masking import compile_names, phone_regions
from pipeline.publish.public_files import FileScrubber, public_file_name


@dataclass(slots=True)
class FileContext:
    """What masking one source file's document and records needs to know.

    A release holds one per source file until its public variant is written, so it keeps
    only distinct names and countries; the names' pattern is compiled when asked for, and a
    few recent ones are kept (a file's records are read together).
    """

    names: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    language: str | None = None
    regions: tuple[str, ...] = ("SE",)
    finished: bool = False
    sorted_names: tuple[str, ...] = ()

    def finish(self) -> None:
        self.sorted_names = tuple(sorted(self.names))
        self.regions = phone_regions(self.language, sorted(self.countries))
        self.finished = True

    @property
    def pattern(self) -> re.Pattern | None:
        return names_pattern(self.sorted_names if self.finished else tuple(sorted(self.names)))


@lru_cache(maxsize=64)
def names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    return compile_names(names)


def read_lines(path: Path) -> Iterator[str]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        yield from (line for line in handle if line.strip())


def add_record_context(contexts: dict[str, FileContext], record: dict) -> None:
    """Add a record's contact names, countries and language to its file's context."""
    context = contexts[record["source"]["file"]]
    context.names.update(c["name"] for c in record.get("contacts") or [] if c.get("name"))
    context.countries.update(record.get("countries") or [])
    context.language = context.language or record.get("language")


def add_initiative_context(contexts: dict[str, FileContext], record: Initiative) -> None:
    """`add_record_context` for a record not yet written: the same names, countries, language."""
    context = contexts[record.source.file]
    context.names.update(contact.name for contact in record.contacts if contact.name)
    context.countries.update(record.countries)
    context.language = context.language or record.language


def collect_contexts(release_dir: Path, records: dict[str, FileContext] | None = None,
                     people: Mapping[str, list[str]] | None = None
                     ) -> tuple[dict[str, FileContext], FileScrubber]:
    """Names, countries and language per source file, and the public name of every file.

    `records` holds what the release's records add (`add_record_context`, record by record)
    when the caller gathered it as they were written; else they are read here. `people`
    holds whom each file's text names where extraction found it; the rest are found here.
    """
    people = people or {}
    contexts: dict[str, FileContext] = defaultdict(FileContext, records or {})
    if records is None:
        for line in read_lines(release_dir / "initiatives.jsonl"):
            add_record_context(contexts, json.loads(line))
    public_names: dict[str, str] = {}
    for line in read_lines(release_dir / "documents.jsonl"):
        document = json.loads(line)
        context = contexts[document["file"]]
        text = document.get("text") or ""
        found = people.get(document["file"])
        context.names.update(people_in_text(text) if found is None else found)
        context.language = document.get("language") or context.language
        public_names[document["file"]] = public_file_name(document["file"],
                                                          document.get("sha256") or "")
    for context in contexts.values():
        context.finish()
    return dict(contexts), FileScrubber(public_names)
