"""Make a release fit for the public: no contacts, no e-mail addresses or phone numbers.

`make_public` empties a record's `contacts` and masks e-mail addresses, phone numbers and the
names of its contact people wherever it holds free text (titles, every text field's `text`
and `text_en`, the period phrase, organisation and funder names, websites, issue messages).
`write_public_release` writes a `public/` variant of a release: the same files, with records
made public and every document's `text` masked the same way.

Masking keeps the length of what it covers (`anna@example.se` becomes `[e-mail]*******`),
so every `span` stays valid: in the public files `documents.text[start:end] == text` still
holds, exactly as the contract promises, and the span points at the same characters as in the
full release. A record whose texts were masked carries an `Issue(stage="privacy",
code="personal_data_masked", field=...)` per masked field, so a reader can tell. (The
length of an address stays visible; that is the price of spans that keep working.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.csvsafe import open_csv
from pipeline.models import Initiative, Issue, TextField
from pipeline.publish import (CSV_COLUMNS, build_manifest, flatten_record, fsync_tree,
                              write_json)

BATCH_SIZE = 500

EMAIL_LABEL, PHONE_LABEL, NAME_LABEL = "[e-mail]", "[phone]", "[name]"
# Words that introduce a phone number in the languages of the inbox ("tlf. 12345678").
PHONE_CUES = ("tel", "tfn", "tlf", "telefon", "telephone", "phone", "puh", "puhelin", "mob",
              "mobil", "mobile", "mobiili", "gsm", "fax", "ring")

EMAIL_PATTERNS = (
    # anna.svensson@example.se (a space either side of @ is tolerated)
    re.compile(r"[\w.%+-]+ ?@ ?[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"),
    # anna [at] example [dot] se, anna(at)example.se, anna[snabel-a]example.se
    re.compile(r"[\w.%+-]+ ?[\[({<] ?(?:at|ät|snabel-?a) ?[\])}>] ?[\w-]+"
               r"(?: ?(?:\.|[\[({<] ?(?:dot|punkt|piste|prik) ?[\])}>]) ?[\w-]+)+",
               re.IGNORECASE),
)
PHONE_PATTERNS = (
    # international: +46 70 123 45 67, +358 (0)40 123 4567, 0045 12 34 56 78
    re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}(?: ?\(0\))?(?:[ .\-/]?\d){6,12}(?!\w|[,.]\d)"),
    # national, leading zero: 070-123 45 67, 08-123 456 78, 040 123 4567, 0701234567
    re.compile(r"(?<![\w+.,/\-])0\d{1,3}(?: ?[-/] ?| )?\d(?:[ \-]?\d){4,8}(?!\w|[,.]\d)"),
    # eight digits in pairs or 3-2-3 (Danish, Norwegian): 12 34 56 78, 912 34 567
    re.compile(r"(?<![\w+.,\-])(?:\d{2}(?: \d{2}){3}|\d{3} \d{2} \d{3})(?!\w|[,.\-]\d)"),
)
PHONE_AFTER_CUE = re.compile(
    r"\b(?:" + "|".join(PHONE_CUES) + r")\b\.?:? ?(\+?\d(?:[ .\-/]?\d){5,14})(?!\w|[,.]\d)",
    re.IGNORECASE)
DATE = re.compile(r"\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
NAME_PART = re.compile(r"[^\W\d_][\w'’-]*")


def cover(text: str, label: str) -> str:
    """A mask as long as `text`: the label padded with '*', or only '*' when it is short."""
    if len(text) < len(label):
        return "*" * len(text)
    return label + "*" * (len(text) - len(label))


def mask_emails(text: str) -> str:
    for pattern in EMAIL_PATTERNS:
        text = pattern.sub(lambda m: cover(m.group(), EMAIL_LABEL), text)
    return text


def mask_phones(text: str) -> str:
    def replace(match: re.Match) -> str:
        if DATE.fullmatch(match.group()):  # 01-02-2019 is a date, not a number to hide
            return match.group()
        return cover(match.group(), PHONE_LABEL)

    for pattern in PHONE_PATTERNS:
        text = pattern.sub(replace, text)

    def replace_after_cue(match: re.Match) -> str:
        start, end = match.span(1)
        whole = match.group()
        offset = match.start()
        return (whole[:start - offset] + cover(match.group(1), PHONE_LABEL)
                + whole[end - offset:])

    return PHONE_AFTER_CUE.sub(replace_after_cue, text)


def compile_names(names: Iterable[str | None]) -> re.Pattern | None:
    """One pattern for contact names: each full name and each capitalised part of 3+ letters."""
    words: set[str] = set()
    for name in names:
        if not name or not name.strip():
            continue
        words.add(" ".join(name.split()))
        words.update(part for part in NAME_PART.findall(name)
                     if len(part) >= 3 and part[0].isupper())
    if not words:
        return None
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"\s+")
                            for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def mask_text(text: str | None, names: re.Pattern | None = None) -> str | None:
    """Mask e-mail addresses, phone numbers and (given a pattern) names; keep the length."""
    if not text:
        return text
    masked = mask_phones(mask_emails(text))
    if names is not None:
        masked = names.sub(lambda m: cover(m.group(), NAME_LABEL), masked)
    return masked


def mask_text_field(field: TextField, names: re.Pattern | None) -> TextField:
    """The same text field with its text and English text masked; the span is unchanged."""
    return field.model_copy(update={"text": mask_text(field.text, names),
                                    "text_en": mask_text(field.text_en, names)})


def make_public(record: Initiative, extra_names: Iterable[str] = ()) -> Initiative:
    """A copy of the record without contacts and with personal data masked in its texts.

    Names of the record's contacts are masked too; `extra_names` adds more (the contacts of
    every record from the same document, so its text and the record's mask alike).
    """
    names = compile_names([*(contact.name for contact in record.contacts), *extra_names])
    issues = [issue.model_copy(update={"message": mask_text(issue.message, names)})
              for issue in record.issues]
    update: dict = {"contacts": []}
    masked_fields: list[str] = []

    def masked(name: str, value):
        changed = value != getattr(record, name)
        if changed and name not in masked_fields:
            masked_fields.append(name)
        return value

    for name in ("title", "title_en"):
        update[name] = masked(name, mask_text(getattr(record, name), names))
    for name, _ in record.text_fields():
        if name != "activities":
            update[name] = masked(name, mask_text_field(getattr(record, name), names))
    update["activities"] = masked(
        "activities", [mask_text_field(item, names) for item in record.activities])
    update["period"] = masked("period", record.period.model_copy(
        update={"text": mask_text(record.period.text, names)}))
    update["organisations"] = masked("organisations", [
        org.model_copy(update={"name": mask_text(org.name, names)})
        for org in record.organisations])
    update["funding"] = masked("funding", [mask_text(item, names) for item in record.funding])
    update["websites"] = masked("websites", [mask_text(url, names) for url in record.websites])
    update["source"] = record.source.model_copy(
        update={"file": mask_text(record.source.file)})
    issues += [Issue(stage="privacy", code="personal_data_masked", field=name,
                     message=f"e-mail addresses, phone numbers or contact names masked in "
                             f"{name}; masks keep the length, spans still hold")
               for name in masked_fields]
    update["issues"] = issues
    return record.model_copy(update=update)


def mask_document(line: dict, names: re.Pattern | None) -> dict:
    """A documents.jsonl entry with its text, file name and messages masked."""
    public = dict(line)
    public["text"] = mask_text(line.get("text"), names) or ""
    public["file"] = mask_text(line.get("file"))
    public["error"] = mask_text(line.get("error"), names)
    public["issues"] = [dict(issue, message=mask_text(issue.get("message"), names))
                        for issue in line.get("issues") or []]
    return public


def mask_strings(value):
    """Every string inside a JSON value masked (for quality figures and the like)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_strings(item) for item in value]
    if isinstance(value, dict):
        return {key: mask_strings(item) for key, item in value.items()}
    return value


def read_lines(path: Path) -> Iterator[str]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        yield from (line for line in handle if line.strip())


def collect_contact_names(initiatives: Path) -> dict[str, list[str]]:
    """Contact names per source file: a document's text must mask all of them."""
    names: dict[str, list[str]] = defaultdict(list)
    for line in read_lines(initiatives):
        record = json.loads(line)
        names[record["source"]["file"]] += [c["name"] for c in record.get("contacts") or []
                                            if c.get("name")]
    return names


def write_public_records(release_dir: Path, staging: Path,
                         names: dict[str, list[str]]) -> None:
    """Stream the records through `make_public` into JSONL, CSV and Parquet."""
    schema = pa.schema([(name, pa.string()) for name in CSV_COLUMNS])
    parquet = pq.ParquetWriter(staging / "initiatives.parquet", schema)
    csv_file, writer = open_csv(staging / "initiatives.csv", CSV_COLUMNS)
    with open(staging / "initiatives.jsonl", "w", encoding="utf-8") as jsonl, csv_file:
        batch: list[dict] = []
        for line in read_lines(release_dir / "initiatives.jsonl"):
            record = Initiative.model_validate_json(line)
            public = make_public(record, names.get(record.source.file, ()))
            jsonl.write(public.model_dump_json() + "\n")
            batch.append(flatten_record(public))
            if len(batch) >= BATCH_SIZE:
                writer.writerows(batch)
                parquet.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch = []
        writer.writerows(batch)
        parquet.write_table(pa.Table.from_pylist(batch, schema=schema))
    parquet.close()


def write_public_documents(release_dir: Path, staging: Path,
                           names: dict[str, list[str]]) -> None:
    """Stream documents.jsonl with every text masked like the records that point into it."""
    with open(staging / "documents.jsonl", "w", encoding="utf-8") as out:
        for line in read_lines(release_dir / "documents.jsonl"):
            document = json.loads(line)
            pattern = compile_names(names.get(document["file"], ()))
            out.write(json.dumps(mask_document(document, pattern), ensure_ascii=False) + "\n")


def public_quality(release_dir: Path) -> dict:
    """The release's quality figures, masked, with contacts reported as absent."""
    path = release_dir / "quality.json"
    quality = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    quality = mask_strings(quality)
    if "contacts" in quality.get("coverage", {}):
        quality["coverage"]["contacts"] = 0.0
    quality["variant"] = "public"
    quality.setdefault("documents", {})
    quality.setdefault("initiatives", 0)
    return quality


def public_package(release_dir: Path) -> dict:
    """The release's data package descriptor, named as the public variant."""
    path = release_dir / "datapackage.json"
    if not path.exists():
        from pipeline.publish import describe_package

        package = describe_package()
    else:
        package = json.loads(path.read_text(encoding="utf-8"))
    package["name"] = f"{package.get('name', 'praxis-initiatives')}-public"
    package["title"] = f"{package.get('title', 'Integration initiatives')} (public)"
    package["description"] = ("Public variant: contacts left out; e-mail addresses, phone "
                              "numbers and contact names masked in free text.")
    return package


def write_public_release(release_dir: Path, public_dir: Path) -> Path:
    """Write the public variant of a release into `public_dir`, replacing it whole."""
    release_dir, public_dir = Path(release_dir), Path(public_dir)
    public_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{public_dir.name}-", dir=public_dir.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the public variant is for sharing
    try:
        names = collect_contact_names(release_dir / "initiatives.jsonl")
        write_public_records(release_dir, staging, names)
        write_public_documents(release_dir, staging, names)
        quality = public_quality(release_dir)
        write_json(staging / "quality.json", quality)
        write_json(staging / "datapackage.json", public_package(release_dir))
        manifest_path = release_dir / "manifest.json"
        source = (json.loads(manifest_path.read_text(encoding="utf-8"))
                  if manifest_path.exists() else {})
        manifest = build_manifest(staging, source.get("version") or release_dir.resolve().name,
                                  quality)
        manifest["variant"] = "public"
        write_json(staging / "manifest.json", manifest)
        fsync_tree(staging)
        replace_folder(staging, public_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return public_dir


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
