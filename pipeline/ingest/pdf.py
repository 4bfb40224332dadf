"""PDFs with a text layer: lines page by page in reading order, rebuilt into paragraphs.

pdfminer.six lays out each page (text boxes in reading order, lines with positions and
fonts); from there this module drops running headers, footers and page numbers, repairs
hyphenation at line ends and decides, line by line, whether a break is a wrapped line, a
new line (labels, list items, short lines) or a new paragraph.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from pdfminer.layout import (LAParams, LTAnno, LTChar, LTFigure, LTTextContainer,
                             LTTextLineHorizontal)
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.psexceptions import PSException

from pipeline.errors import ReadError
from pipeline.limits import add_note, current_budget
from pipeline.ingest.pdfguard import iter_layouts, over_unpacked_limit
from pipeline.ingest.render import mark_bold
from pipeline.lexicon import Lexicon, load_lexicon

# pdfminer warns on stderr about every odd font or permission flag; problems that matter
# reach the steward as ReadErrors and notes instead.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

EDGE_LINES = 2              # lines at the top and bottom of a page that may be running heads
EDGE_BAND = 0.2             # …if they also lie in the outer fifth of the page
RUNNING_SHARE = 0.5         # a head or foot repeats on at least this share of the pages
RUNNING_TOLERANCE = 4.0     # points: how far a running head may move from page to page
PARAGRAPH_GAP = 0.8         # a vertical gap over this many line heights starts a paragraph
HEADING_SIZE = 1.15         # a line this much larger than body text is a heading
TOP_HEADING_SIZE = 1.5
MAX_HEADING_WORDS = 12
MARGIN_SAMPLE = 8            # lines needed before the right margin is a percentile, not a max
MARGIN_PERCENTILE = 0.9
SHORT_LINE_SLACK = 3         # characters of room beyond the next word before a break is "meant"
MAX_BOLD_SHARE = 0.6        # when most text is bold, bold is the body font, not emphasis
MAX_UNMAPPED_SHARE = 0.3    # share of "(cid:N)" glyphs above which the text layer is unusable

BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
BULLET = re.compile(r"^(?:[•◦▪‣●○■□·\uf0b7\uf0a7]\s*|[*–-](?:\s+|$))")
HYPHENATED = re.compile(r"\w[-\u00ad]$")
UNMAPPED = re.compile(r"\(cid:\d+\)")
# Page numbers: "3", "- 3 -", "3/12", "3 (12)", "Page 3 of 12", "Sida 3 av 12", "Sivu 3 / 12".
PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|sida|s\.|side|sivu|seite)?\s*[-–(\[]?\s*\d{1,3}\s*[-–)\]]?"
    r"\s*(?:(?:/|of|av|af|(?=\())\s*\(?\d{1,3}\)?)?$", re.IGNORECASE)
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl",
                           "ﬅ": "st", "ﬆ": "st"})


@dataclass
class PdfLine:
    """One line of text on a page, with its position, font size and bold runs."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    segments: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.segments).strip()

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)


def read_pdf(data: bytes) -> tuple[str, str, list[tuple[str, str]]]:
    """Return (text, encoding, notes) of a PDF; no text layer or a password is a ReadError."""
    pages, heights = read_pages(data)
    if not pages:
        raise ReadError("empty", "the PDF has no pages")
    if not any(pages):
        raise ReadError("no_text_layer", "no text layer: the PDF holds only images or drawings "
                        "(a scan?); it needs OCR before its text can be read")
    check_text_layer(pages)
    notes = []
    blank = [str(n + 1) for n, lines in enumerate(pages) if not lines]
    if blank:
        notes.append(("pages_without_text", f"page {', '.join(blank)} of {len(pages)} has no "
                      "text layer (scanned?) and was not read"))
    pages = drop_running_lines(pages, heights)
    return build_text(pages), "pdf-text-layer", notes


def read_pages(data: bytes) -> tuple[list[list[PdfLine]], list[float]]:
    """Lay out every page and return its text lines in reading order, and page heights."""
    pages, heights = [], []
    params = LAParams(all_texts=True)
    budget = current_budget()
    max_pages = budget.limits.max_pages
    try:
        for number, page in enumerate(iter_layouts(io.BytesIO(data), params, max_pages + 1)):
            if number == max_pages:
                add_note("truncated", f"the PDF has more than {max_pages:,} pages; only the "
                         f"first {max_pages:,} were read (PRAXIS_MAX_PAGES)")
                break
            lines: list[PdfLine] = []
            for box in iter_text_boxes(page):
                lines += [make_line(number, line) for line in box
                          if isinstance(line, LTTextLineHorizontal)]
            pages.append([line for line in lines if line.plain])
            heights.append(page.height)
    except PDFPasswordIncorrect as exc:
        raise ReadError("encrypted", "the PDF is password-protected; ask the sender for a "
                        "copy without a password") from exc
    except PDFEncryptionError as exc:
        raise ReadError("encrypted", f"the PDF is encrypted in a way that cannot be opened "
                        f"({exc})") from exc
    except PSException as exc:
        raise ReadError("corrupt", f"the PDF is damaged or not really a PDF ({exc})") from exc
    if budget.unpacked > budget.limits.max_unpacked_bytes:
        raise over_unpacked_limit()  # pdfminer may have swallowed the first refusal
    return pages, heights


def iter_text_boxes(container):
    """Yield text boxes in pdfminer's reading order, looking inside figures too."""
    for item in container:
        if isinstance(item, LTTextContainer) and not isinstance(item, LTTextLineHorizontal):
            yield item
        elif isinstance(item, LTFigure):
            yield from iter_text_boxes(item)


def make_line(page: int, line: LTTextLineHorizontal) -> PdfLine:
    """Read a pdfminer line's characters into (text, bold) runs."""
    segments: list[tuple[str, bool]] = []
    sizes = []
    bold = False
    for item in line:
        if isinstance(item, LTChar):
            bold = bool(BOLD_FONT.search(item.fontname or ""))
            sizes.append(item.size)
            segments.append((item.get_text().translate(LIGATURES), bold))
        elif isinstance(item, LTAnno) and item.get_text() != "\n":
            segments.append((item.get_text(), bold))
    return PdfLine(page, line.x0, line.x1, line.y1, line.y0,
                   median(sizes) if sizes else 0.0, segments)


def check_text_layer(pages: list[list[PdfLine]]) -> None:
    """Refuse a text layer whose glyphs do not map to characters."""
    text = "".join(line.plain for lines in pages for line in lines)
    unmapped = sum(len(m) for m in UNMAPPED.findall(text))
    if text and unmapped / len(text) > MAX_UNMAPPED_SHARE:
        raise ReadError("no_text_layer", "no usable text layer: the PDF's fonts do not say "
                        "which characters they draw; it needs OCR")


# ---- running headers, footers and page numbers -------------------------------------------

def drop_running_lines(pages: list[list[PdfLine]], heights: list[float]) -> list[list[PdfLine]]:
    """Drop page numbers and lines repeated at the top or bottom of most pages."""
    edges = [edge_lines(lines, height) for lines, height in zip(pages, heights)]
    seen = Counter(key for page_edges in edges for key in {running_key(l) for l in page_edges})
    needed = max(2, math.ceil(RUNNING_SHARE * len(pages)))
    running = {key for key, count in seen.items() if count >= needed}
    kept = []
    for lines, page_edges in zip(pages, edges):
        drop = {id(line) for line in page_edges
                if running_key(line) in running or PAGE_NUMBER.match(line.plain)}
        kept.append([line for line in lines if id(line) not in drop])
    return kept


def edge_lines(lines: list[PdfLine], height: float) -> list[PdfLine]:
    """The first and last lines of a page, when they lie in its top or bottom band."""
    ordered = sorted(lines, key=lambda line: -line.top)
    top = [line for line in ordered[:EDGE_LINES] if line.bottom >= height * (1 - EDGE_BAND)]
    bottom = [line for line in ordered[-EDGE_LINES:] if line.top <= height * EDGE_BAND]
    return top + [line for line in bottom if line not in top]


def running_key(line: PdfLine) -> tuple[str, int]:
    """Key a possible running head by its text and height on the page."""
    # Case, spacing and the page number inside it may change from page to page.
    text = " ".join(re.sub(r"\d+", "#", line.plain.casefold()).split())
    return text, round(line.top / RUNNING_TOLERANCE)


# ---- paragraphs --------------------------------------------------------------------------

def build_text(pages: list[list[PdfLine]]) -> str:
    """Join lines into paragraphs: wrapped lines joined, labels and list items kept apart."""
    lines = [line for page in pages for line in page]
    if not lines:
        return ""
    body_size = body_font_size(lines)
    use_bold = bold_share(lines) <= MAX_BOLD_SHARE
    lexicon = load_lexicon()
    out: list[str] = []
    previous: PdfLine | None = None
    previous_kind = ""
    item_x0: float | None = None
    for line in merge_lone_bullets(lines):
        kind = "heading" if is_heading(line, body_size) else "text"
        segments = line.segments
        if is_list_item(line, previous, previous_kind, pages):
            segments, kind, item_x0 = strip_bullet(segments), "item", line.x0
        text = (mark_bold(segments) if use_bold else "".join(t for t, _ in segments)).strip()
        if kind == "item":
            text = "- " + text
        elif kind == "heading":
            text = ("# " if line.size >= TOP_HEADING_SIZE * body_size else "## ") + line.plain
        separator = "\n\n" if previous is None else choose_separator(
            previous, line, previous_kind, kind, item_x0, pages, lexicon)
        if previous is None:
            out.append(text)
        elif separator:
            out[-1] += separator
            out.append(text)
        else:
            out[-1] = join_wrapped(out[-1], text)
        if separator == "\n\n" and kind != "item":
            item_x0 = None
        previous, previous_kind = line, kind
    return "".join(out)


def is_list_item(line: PdfLine, previous: PdfLine | None, previous_kind: str,
                 pages: list[list[PdfLine]]) -> bool:
    """A line opening with a bullet; a dash opening a wrapped line of prose is not one."""
    if not BULLET.match(line.plain) or BULLET.fullmatch(line.plain):
        return False
    if line.plain[0] not in "-–*" or previous is None or previous_kind == "item":
        return True
    same_paragraph = (line.page == previous.page and line.top <= previous.bottom
                      and previous.bottom - line.top <= PARAGRAPH_GAP * line.height)
    return not same_paragraph or is_short(previous, line, pages[line.page])


def merge_lone_bullets(lines: list[PdfLine]) -> list[PdfLine]:
    """Join a bullet drawn apart from its text to the text on the same row."""
    merged: list[PdfLine] = []
    for line in lines:
        bullet = merged[-1] if merged else None
        if (bullet is not None and BULLET.fullmatch(bullet.plain) and line.page == bullet.page
                and line.x0 > bullet.x0 and abs(line.top - bullet.top) < bullet.height / 2):
            merged[-1] = PdfLine(line.page, bullet.x0, line.x1, line.top, line.bottom,
                                 line.size, [(bullet.plain + " ", False)] + line.segments)
            continue
        merged.append(line)
    return merged


def strip_bullet(segments: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Remove the leading bullet character and the space after it."""
    rest, out = True, []
    for text, bold in segments:
        if rest:
            stripped = BULLET.sub("", text.lstrip(), count=1).lstrip()
            rest = not stripped
            text = stripped
        out.append((text, bold))
    return out


def choose_separator(previous: PdfLine, line: PdfLine, previous_kind: str, kind: str,
                     item_x0: float | None, pages: list[list[PdfLine]], lexicon: Lexicon) -> str:
    """"" to join a wrapped line, "\\n" for a new line, "\\n\\n" for a new paragraph."""
    if "heading" in (kind, previous_kind):
        return "\n\n"
    if line.page != previous.page:
        wrapped = not is_short(previous, line, pages[previous.page])
        continues = previous.plain.endswith("-") or line.plain[:1].islower()
        return "" if wrapped and continues and kind != "item" else "\n\n"
    if line.top > previous.top or line.x0 >= previous.x1 or line.x1 <= previous.x0:
        return "\n\n"  # a jump up or sideways: the next column or a new text block
    if previous.bottom - line.top > PARAGRAPH_GAP * line.height:
        return "\n\n"
    if kind == "item":
        return "\n"
    if item_x0 is not None and line.x0 <= item_x0 + 1:
        return "\n\n"  # back at the bullet's margin: the list has ended
    if lexicon.match_label(previous.plain) or lexicon.match_label(line.plain):
        return "\n"
    if HYPHENATED.search(previous.plain):
        return ""
    if is_short(previous, line, pages[line.page]):
        return "\n"
    return ""


def is_short(previous: PdfLine, line: PdfLine, page: list[PdfLine]) -> bool:
    """True when the next line's first word would have fitted: the break was meant."""
    words = line.plain.split()
    if not words:
        return True
    right = right_margin(previous, page)
    char_width = (line.x1 - line.x0) / max(len(line.plain), 1)
    return previous.x1 + char_width * (len(words[0]) + SHORT_LINE_SLACK) < right


def right_margin(line: PdfLine, page: list[PdfLine]) -> float:
    """Where the line's column ends on the page."""
    # Nearly the longest line, not the longest: one unbreakable address running past the
    # margin must not make every other line look short.
    ends = sorted(other.x1 for other in page if other.x0 < line.x1 and other.x1 > line.x0)
    if len(ends) < MARGIN_SAMPLE:
        return ends[-1] if ends else line.x1
    return ends[int(MARGIN_PERCENTILE * (len(ends) - 1))]


def join_wrapped(before: str, after: str) -> str:
    """Join a wrapped line to the text before it, repairing a hyphen at the break."""
    if before.endswith("\u00ad"):
        return before[:-1] + after
    if before.endswith("-") and len(before) > 1 and before[-2].isalpha():
        if before[-2].islower() and after[:1].islower():
            return before[:-1] + after  # "integra-" + "tion"
        return before + after            # "ESF-" + "finansierat" keeps its hyphen
    return before + " " + after


def body_font_size(lines: list[PdfLine]) -> float:
    """The most common character size, weighted by characters."""
    sizes = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += len(line.plain)
    return sizes.most_common(1)[0][0] or 1.0


def bold_share(lines: list[PdfLine]) -> float:
    """Share of characters set in a bold font."""
    total = sum(len(text) for line in lines for text, _ in line.segments)
    bold = sum(len(text) for line in lines for text, is_bold in line.segments if is_bold)
    return bold / total if total else 0.0


def is_heading(line: PdfLine, body_size: float) -> bool:
    """A short line set clearly larger than body text."""
    return (line.size >= HEADING_SIZE * body_size
            and 0 < len(line.plain.split()) <= MAX_HEADING_WORDS)
