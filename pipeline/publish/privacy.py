"""Make a release fit for the public: no contacts, no e-mail addresses, phone numbers or names.

`make_public` empties a record's `contacts` and masks e-mail addresses, phone numbers and the
names of contact people wherever it holds free text (titles, every text field's `text`
and `text_en`, the period phrase, organisation and funder names, websites, issue messages).
`write_public_release` writes a `public/` variant of a release: the same files, with records
made public, every document's `text` masked the same way, and source files renamed to neutral
ids (`pipeline.publish.public_files`). Contact names come from the records' contacts and from every
contact label of the document (`Kontaktperson: …`), with or without an e-mail address
(`pipeline.publish.contexts`). It runs in two steps a release writer may hold apart:
`start_public_release` masks the documents, which needs no links between records, and
`finish_public_release` the final records.

Masking keeps the length of what it covers (`anna@example.se` becomes `[e-mail]*******`),
so every `span` stays valid: a text field of a public record is cut from the masked document
at its span, so `documents.text[start:end] == text` holds exactly as the contract promises.
A record whose texts were masked carries an `Issue(stage="privacy",
code="personal_data_masked", field=...)` per masked field, so a reader can tell. (The
length of an address stays visible; that is the price of spans that keep working.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.csvsafe import open_csv
from pipeline.lexicon import LANGUAGES
from pipeline.publish.masking import compile_names, mask_text, phone_regions, region_of_language
from pipeline.models import Initiative, Issue, TextField
from pipeline.publish.public_files import FileScrubber, public_file_name
from pipeline.publish.files import (CSV_COLUMNS, build_manifest, flatten_record, fsync_tree,
                                    write_json)
from pipeline.publish.tables import PUBLIC_TABLES, TableWriter
from pipeline.publish.contexts import FileContext, collect_contexts, read_lines

__all__ = ["FileContext", "collect_contexts", "finish_public_release", "make_public",
           "mask_text", "start_public_release", "write_public_release"]

BATCH_SIZE = 500
# Strings without a document of their own (quality figures) are read for every inbox language.
ALL_REGIONS = tuple(dict.fromkeys(r for r in map(region_of_language, LANGUAGES) if r))


def mask_text_field(field: TextField, names: re.Pattern | None, regions: tuple[str, ...],
                    document: str | None = None) -> TextField:
    """The text field masked; a text standing at its span is cut from the masked document."""
    start, end = field.span or (0, -1)
    if document is not None and end - start == len(field.text) and 0 <= start <= end <= len(
            document):
        text = document[start:end]
    else:
        text = mask_text(field.text, names, regions)
    return field.model_copy(update={"text": text,
                                    "text_en": mask_text(field.text_en, names, regions)})


def make_public(record: Initiative, extra_names: Iterable[str] = (),
                regions: tuple[str, ...] | None = None, document: str | None = None,
                scrubber: FileScrubber | None = None,
                names: re.Pattern | None = None) -> Initiative:
    """A copy of the record without contacts and with personal data masked in its texts.

    Names of the record's contacts are masked too; `extra_names` adds more (the contacts of
    every record from the same document, so its text and the record's mask alike), or
    `names` gives them compiled once per document. Given the masked `document`, text fields
    are cut from it, so their spans hold in the public files.
    """
    if names is None:
        names = compile_names([*(contact.name for contact in record.contacts), *extra_names])
    regions = regions or phone_regions(record.language, record.countries)
    scrubber = scrubber or FileScrubber({})

    def mask(text: str | None) -> str | None:
        return mask_text(text, names, regions)

    issues = [issue.model_copy(update={"message": mask(scrubber.scrub(issue.message))})
              for issue in record.issues]
    update: dict = {"contacts": []}
    masked_fields: list[str] = []

    def masked(name: str, value):
        changed = value != getattr(record, name)
        if changed and name not in masked_fields:
            masked_fields.append(name)
        return value

    for name in ("title", "title_en"):
        update[name] = masked(name, mask(getattr(record, name)))
    for name, _ in record.text_fields():
        if name != "activities":
            update[name] = masked(name, mask_text_field(getattr(record, name), names, regions,
                                                        document))
    update["activities"] = masked("activities", [
        mask_text_field(item, names, regions, document) for item in record.activities])
    update["period"] = masked("period", record.period.model_copy(
        update={"text": mask(record.period.text)}))
    update["organisations"] = masked("organisations", [
        org.model_copy(update={"name": mask(org.name)}) for org in record.organisations])
    update["funding"] = masked("funding", [mask(item) for item in record.funding])
    update["websites"] = masked("websites", [mask(url) for url in record.websites])
    update["outcomes"] = masked("outcomes", [
        outcome.model_copy(update={"text": mask(outcome.text)}) for outcome in record.outcomes])
    # Words shared by two texts may be a person's name: the public evidence names only kinds.
    update["related"] = [link.model_copy(update={"evidence": [
        item for item in link.evidence if not item.startswith("name: ")]})
        for link in record.related]
    update["source"] = record.source.model_copy(
        update={"file": public_file_name(record.source.file, record.source.sha256)})
    issues += [Issue(stage="privacy", code="personal_data_masked", field=name,
                     message=f"e-mail addresses, phone numbers or contact names masked in "
                             f"{name}; masks keep the length, spans still hold")
               for name in masked_fields]
    update["issues"] = issues
    return record.model_copy(update=update)


def mask_document(line: dict, context: FileContext, scrubber: FileScrubber) -> dict:
    """A documents.jsonl entry with its text masked, its file neutral, its messages scrubbed."""
    def mask(text: str | None) -> str | None:
        return mask_text(scrubber.scrub(text), context.pattern, context.regions)

    public = dict(line)
    public["text"] = mask_text(line.get("text"), context.pattern, context.regions) or ""
    public["file"] = public_file_name(line["file"], line.get("sha256") or "")
    public["error"] = mask(line.get("error"))
    public["issues"] = [dict(issue, message=mask(issue.get("message")))
                        for issue in line.get("issues") or []]
    return public


def mask_strings(value, scrubber: FileScrubber):
    """Every string inside a JSON value masked (for quality figures and the like)."""
    if isinstance(value, str):
        return mask_text(scrubber.scrub(value), regions=ALL_REGIONS)
    if isinstance(value, list):
        return [mask_strings(item, scrubber) for item in value]
    if isinstance(value, dict):
        return {key: mask_strings(item, scrubber) for key, item in value.items()}
    return value


def write_public_documents(release_dir: Path, staging: Path, contexts: dict[str, FileContext],
                           scrubber: FileScrubber) -> dict[str, int]:
    """Stream documents.jsonl masked; return each source file's line offset in the output."""
    offsets: dict[str, int] = {}
    with open(staging / "documents.jsonl", "wb") as out:
        for line in read_lines(release_dir / "documents.jsonl"):
            document = json.loads(line)
            context = contexts.get(document["file"]) or FileContext()
            offsets[document["file"]] = out.tell()
            public = json.dumps(mask_document(document, context, scrubber), ensure_ascii=False)
            out.write((public + "\n").encode("utf-8", "surrogatepass"))
    return offsets


class MaskedTexts:
    """Read masked document texts back from the public documents.jsonl, one at a time."""

    def __init__(self, path: Path, offsets: dict[str, int]):
        self.path, self.offsets = path, offsets
        self.file: str | None = None
        self.text: str | None = None

    def get(self, file: str) -> str | None:
        if file != self.file:
            self.file, self.text = file, None
            if file in self.offsets:
                with self.path.open("rb") as handle:
                    handle.seek(self.offsets[file])
                    self.text = json.loads(handle.readline()).get("text")
        return self.text


def write_public_records(release_dir: Path, staging: Path, contexts: dict[str, FileContext],
                         scrubber: FileScrubber, texts: MaskedTexts,
                         on_record: Callable[[dict], None] | None = None) -> None:
    """Stream the records through `make_public` into JSONL, CSV, the typed tables and the
    outcomes table; `on_record` takes each public record as its line reads back."""
    from pipeline.extract.outcomes import OutcomesTable

    tables = TableWriter(staging, PUBLIC_TABLES)
    outcomes = OutcomesTable(staging)
    csv_file, writer = open_csv(staging / "initiatives.csv", CSV_COLUMNS)
    with open(staging / "initiatives.jsonl", "w", encoding="utf-8") as jsonl, csv_file:
        batch: list[Initiative] = []
        dumped: list[dict] = []  # each record as its JSON line reads back
        for line in read_lines(release_dir / "initiatives.jsonl"):
            record = Initiative.model_validate_json(line)
            context = contexts.get(record.source.file) or FileContext()
            if not context.finished and record.contacts:  # a file no pass saw
                context.names.update(c.name for c in record.contacts if c.name)
                context.finish()
            public = make_public(record, regions=context.regions,
                                 document=texts.get(record.source.file), scrubber=scrubber,
                                 names=context.pattern)
            text = public.model_dump_json()
            jsonl.write(text + "\n")
            batch.append(public)
            # the record as its line reads back: what `model_dump(mode="json")` gives, since
            # JSON holds every value a record has (its numbers are finite: models.py)
            dumped.append(json.loads(text))
            if on_record is not None:
                on_record(dumped[-1])
            if len(batch) >= BATCH_SIZE:
                writer.writerows([flatten_record(item) for item in batch])
                tables.add_dumped(dumped)
                outcomes.add(dumped)
                batch, dumped = [], []
        writer.writerows([flatten_record(item) for item in batch])
        tables.add_dumped(dumped)
        outcomes.add(dumped)
    tables.close()
    outcomes.close()


def public_quality(release_dir: Path, scrubber: FileScrubber) -> dict:
    """The release's quality figures, masked, with contacts reported as absent."""
    path = release_dir / "quality.json"
    quality = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    quality = mask_strings(quality, scrubber)
    if "contacts" in quality.get("coverage", {}):
        quality["coverage"]["contacts"] = 0.0
    quality["variant"] = "public"
    quality.setdefault("documents", {})
    quality.setdefault("initiatives", 0)
    return quality


def public_package(staging: Path, version: str) -> dict:
    """The data package descriptor of the public variant (no contacts table)."""
    from pipeline.publish.datapackage import describe_package

    package = describe_package(version, public=True, folder=staging)
    package["description"] = ("Public variant: contacts left out; e-mail addresses, phone "
                              "numbers and contact names masked in free text.")
    return package


@dataclass
class PublicDocuments:
    """A public variant begun: its staging folder holds the masked documents; the records
    are masked with the same contexts and cut from those documents (`finish_public_release`)."""

    staging: Path
    contexts: dict[str, FileContext]
    public_names: dict[str, str]  # source file -> neutral name (the scrubber's)
    offsets: dict[str, int]  # source file -> its line's offset in the masked documents


def start_public_release(release_dir: Path, public_dir: Path,
                         record_contexts: dict[str, FileContext] | None = None,
                         people: Mapping[str, list[str]] | None = None) -> PublicDocuments:
    """Mask a release's documents into a new staging folder beside `public_dir`.

    Needs the records' contacts, countries and languages (`record_contexts`, else read
    here), not their links: a release writer starts this while it links the records.
    """
    release_dir, public_dir = Path(release_dir), Path(public_dir)
    public_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{public_dir.name}-", dir=public_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the public variant is for sharing
    try:
        contexts, scrubber = collect_contexts(release_dir, record_contexts, people)
        offsets = write_public_documents(release_dir, staging, contexts, scrubber)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PublicDocuments(staging, contexts, scrubber.names, offsets)


def finish_public_release(release_dir: Path, public_dir: Path, begun: PublicDocuments,
                          on_record: Callable[[dict], None] | None = None) -> Path:
    """Mask the release's final records into the begun variant and put it in `public_dir`
    (`on_record` takes each public record as written)."""
    release_dir, public_dir, staging = Path(release_dir), Path(public_dir), begun.staging
    try:
        scrubber = FileScrubber(begun.public_names)
        texts = MaskedTexts(staging / "documents.jsonl", begun.offsets)
        write_public_records(release_dir, staging, begun.contexts, scrubber, texts, on_record)
        write_public_links(release_dir, staging)
        quality = public_quality(release_dir, scrubber)
        write_json(staging / "quality.json", quality)
        manifest_path = release_dir / "manifest.json"
        source = (json.loads(manifest_path.read_text(encoding="utf-8"))
                  if manifest_path.exists() else {})
        version = source.get("version") or release_dir.resolve().name
        copy_release_extras(public_dir, staging)
        write_json(staging / "datapackage.json", public_package(staging, version))
        manifest = build_manifest(staging, version, quality)
        manifest["variant"] = "public"
        write_json(staging / "manifest.json", manifest)
        fsync_tree(staging)
        replace_folder(staging, public_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return public_dir


def write_public_release(release_dir: Path, public_dir: Path,
                         record_contexts: dict[str, FileContext] | None = None,
                         people: Mapping[str, list[str]] | None = None) -> Path:
    """Write the public variant of a release into `public_dir`, replacing it whole
    (`record_contexts`: what its records add to their files' contexts, if gathered;
    `people`: whom each file's text names, where extraction found it)."""
    begun = start_public_release(release_dir, public_dir, record_contexts, people)
    return finish_public_release(release_dir, public_dir, begun)


def copy_release_extras(public_dir: Path, staging: Path) -> None:
    """The JSON Schemas; the change feed and id map of the variant being replaced, if any.

    The release writes the public feed after this (`pipeline.publish.feed.write_public_changes`);
    writing the variant again keeps it.
    """
    from pipeline.publish.feed import FEED_FILE, ID_MAP_FILE
    from pipeline.publish.schema import render_schemas

    for name, text in render_schemas().items():
        (staging / name).write_text(text, encoding="utf-8")
    for name in (FEED_FILE, ID_MAP_FILE):
        source = public_dir / name
        target = staging / name
        if source.exists():
            shutil.copyfile(source, target)
        else:
            target.write_text("", encoding="utf-8")


def write_public_links(release_dir: Path, staging: Path) -> None:
    """The clusters tables as they are (the outcomes table is made with the masked records)."""
    for name in ("clusters.jsonl", "clusters.csv"):
        if (release_dir / name).exists():
            shutil.copyfile(release_dir / name, staging / name)


def replace_folder(new: Path, target: Path) -> None:
    """Move `new` to `target`; an existing target is moved aside first, then removed."""
    if not target.exists():
        os.rename(new, target)
        return
    old = target.with_name(f".{target.name}-old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)
