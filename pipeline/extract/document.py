"""The extraction stage for one document: DocumentResult → DocumentResult with its records.

Lines are parsed, the text is cut into segments, and each segment gives a record (children
after their parent). Each document is extracted inside its own time budget; a failure
quarantines that document's result and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.errors import ReadError
from pipeline.extract.fields import extract_segment
from pipeline.extract.layout import parse_lines
from pipeline.extract.people import people_in_text
from pipeline.extract.segment import Segment, segment_document
from pipeline.lexicon import load_lexicon
from pipeline.limits import Limits, check_deadline, current_limits, document_budget, restart_clock
from pipeline.models import Document, Initiative, Issue
from pipeline.result import DocumentResult

MIN_PAGE_WORDS = 25  # a shorter free page (an e-mail's cover note) describes no initiative


def extract_document(result: DocumentResult, limits: Limits | None = None,
                     share: tuple[int, int] = (0, 1)) -> DocumentResult:
    """Extract one document inside its own boundary: a failure quarantines it, nothing more.

    `share` (k, n) extracts only the k-th of n contiguous shares of its segments (see
    `Share`); the default is the whole document. The first share also names the people in
    the whole text (`pipeline.extract.people`).
    """
    if not result.ok:
        return result
    try:
        with document_budget(limits or Limits()):
            records, issues = find_records(result.document, share)
    except ReadError as exc:  # a limit: the time per document
        return result.quarantined("extract", exc.code, f"{result.file}: {exc}")
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
        reason = ("nested too deeply" if isinstance(exc, RecursionError)
                  else f"{type(exc).__name__}: {str(exc)[:300]}")
        return result.quarantined("extract", "extraction_failed",
                                  f"{result.file}: extraction failed ({reason})")
    found = result.noted(*issues).with_records(records, extracted=1)
    return found.model_copy(update={"people": people_in_text(result.document.text)}) \
        if share[0] == 0 else found


def extract_records(doc: Document) -> list[Initiative]:
    """The records of one readable document, without a time budget (tests, notebooks)."""
    return find_records(doc)[0] if doc.status == "ok" else []


def find_records(doc: Document, share: tuple[int, int] = (0, 1)
                 ) -> tuple[list[Initiative], list[Issue]]:
    """Segment one document and extract a record per segment; return them and the issues met.

    With `share` (k, n), only the k-th of n contiguous runs of segments gives records.
    """
    lines = parse_lines(doc.text, load_lexicon())
    if describes_nothing(doc, lines):
        return [], [Issue(stage="segment", code="no_initiative",
                          message=f"{doc.file}: too short to describe an initiative "
                                  f"(under {MIN_PAGE_WORDS} words, no form labels)")]
    records: list[Initiative] = []
    issues: list[Issue] = []
    check_deadline()
    max_chars = current_limits().max_segment_chars
    segments = list(segment_document(lines))
    index, count = share
    for segment in segments[len(segments) * index // count:len(segments) * (index + 1) // count]:
        restart_clock()  # an export of 20,000 rows is 20,000 submissions, each one bounded
        segment, cut = fit_segment(doc, lines, segment, max_chars)
        issues += cut
        parent = extract_segment(doc, lines, segment)
        records.append(parent)
        records += [extract_segment(doc, lines, child, parent=parent) for child in segment.children]
    return records, issues


# --- a large document in shares --------------------------------------------------------------

SHARE_CHARS = 200_000  # a document this long (a form export of ~1,000 rows) is shared out


@dataclass(frozen=True)
class Share:
    """The k-th of n contiguous runs of a large document's segments, extracted on its own.

    A form export of 10,000 rows is one document; its shares go to different workers, each
    reading the whole text (lines and segments are cheap) and extracting only its rows.
    """

    result: DocumentResult
    index: int
    count: int


def share_out(result: DocumentResult, workers: int) -> list[Share]:
    """Cut a long readable document into one share per worker; any other into one."""
    count = workers if result.ok and len(result.document.text) >= SHARE_CHARS else 1
    return [Share(result, index, count) for index in range(max(1, count))]


def extract_share(share: Share, limits: Limits | None = None) -> DocumentResult:
    """The records of one share of a document (the stage a worker runs on it)."""
    return extract_document(share.result, limits, (share.index, share.count))


def join_shares(result: DocumentResult, extracted: list[DocumentResult]) -> DocumentResult:
    """One document's result from its shares' results, in order: as if extracted whole.

    A share that failed fails the document; the shares' issues follow one another, as
    their segments do.
    """
    if len(extracted) == 1:
        return extracted[0]
    failed = next((part for part in extracted if not part.ok), None)
    if failed is not None:
        return failed
    issues = list(result.issues)
    for part in extracted:
        issues += part.issues[len(result.issues):]
    records = [record for part in extracted for record in part.records]
    joined = result.model_copy(update={"issues": issues, "people": extracted[0].people})
    return joined.with_records(records, extracted=1)


def fit_segment(doc: Document, lines: list, segment: Segment, max_chars: int
                ) -> tuple[Segment, list[Issue]]:
    """Cut a segment longer than `max_chars` after the line that reaches the limit."""
    if segment.last <= segment.first:
        return segment, []
    start = lines[segment.first].start
    if lines[segment.last - 1].end - start <= max_chars:
        return segment, []
    last = next(n for n in range(segment.first, segment.last) if lines[n].end - start > max_chars)
    last = max(last, segment.first + 1)
    issue = Issue(stage="extract", code="segment_truncated",
                  message=f"{doc.file}: one initiative's text runs to "
                          f"{lines[segment.last - 1].end - start:,} characters; its "
                          f"fields were read from the first {max_chars:,} "
                          "(PRAXIS_MAX_SEGMENT_CHARS)")
    return replace(segment, last=last,
                   children=[child for child in segment.children if child.last <= last]), [issue]


def describes_nothing(doc: Document, lines: list) -> bool:
    """A short text without a single form label is a note, not a submission."""
    return len(doc.text.split()) < MIN_PAGE_WORDS and not any(line.label for line in lines)
