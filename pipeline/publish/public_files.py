"""Neutral names for source files in the public variant, and messages scrubbed of paths.

A file name in the inbox often carries a person's name (`ansökan_anna_berg.docx`) and a
quarantine message may carry the inbox's absolute path. The public variant therefore names
every document `doc_<16 hex>.<ext>`: a digest of the file's content hash and its name, so
records and documents still join on it, two files never share it, and the name cannot be
recovered from it without the content. Messages that mention a file get its neutral name;
absolute paths become `[path]`.
"""

from __future__ import annotations

import hashlib
import re
from pipeline.extract.patterns import trie_pattern

EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")
ABSOLUTE_PATH = re.compile(r"(?<![\w:/.~-])~?(?:/[^\s/:;,'\"()<>\[\]]+){2,}/?"
                           r"|(?<!\w)[A-Za-z]:\\[^\s:;,'\"<>]+")
PATH_LABEL = "[path]"


def public_file_name(file: str, sha256: str) -> str:
    """The neutral public name of a source file: a digest and the file's own extension."""
    key = f"{sha256}\0{file}".encode("utf-8", "surrogatepass")
    digest = hashlib.sha256(key).hexdigest()[:16]
    last = file.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    suffix = "." + last.rsplit(".", 1)[-1].lower() if "." in last else ""
    return f"doc_{digest}{suffix if EXTENSION.fullmatch(suffix) else ''}"


class FileScrubber:
    """Replace the release's file names by their public names, and absolute paths by a label."""

    def __init__(self, names: dict[str, str]):
        self.names = names
        self.pattern = None
        if names:
            try:
                self.pattern = re.compile(r"(?<![\w.-])(?:" + trie_pattern(names) + r")(?!\w)")
            except (re.error, RecursionError, OverflowError):  # absurd names: paths still go
                self.pattern = None

    def public_name(self, file: str | None) -> str | None:
        return self.names.get(file, file) if file is not None else None

    def scrub(self, text: str | None) -> str | None:
        """The text with file names made neutral and absolute paths dropped."""
        if not text:
            return text
        if text in self.names:
            return self.names[text]
        if self.pattern is not None:
            text = self.pattern.sub(lambda m: self.names[m.group()], text)
        else:
            for name, public in self.names.items():
                text = text.replace(name, public) if name in text else text
        return ABSOLUTE_PATH.sub(PATH_LABEL, text)
