"""Word documents (.docx): paragraphs in order, headings, lists, bold runs and tables as lines.

The body XML is walked directly (python-docx opens the package and finds its parts), so
text in content controls, tracked insertions, hyperlinks and text boxes is read too; the
high-level `Paragraph.runs` would skip it.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from pipeline.errors import ReadError
from pipeline.limits import add_note, check_deadline, current_limits
from pipeline.ingest.render import mark_bold, render_fields
from pipeline.lexicon import load_lexicon

# Zip-bomb guard, checked on the zip directory before anything is unpacked. CPython's
# zipfile never inflates a member past the size its directory entry declares, so the
# declared sizes bound what parsing can allocate. The limits themselves are settings
# (PRAXIS_MAX_UNPACKED_BYTES for every part, PRAXIS_MAX_XML_BYTES for the parsed XML).
MAX_MEMBERS = 10_000
MAX_MEMBER_RATIO = 200       # Word XML deflates 5-20x; 200x is filler, not a document
RATIO_CHECK_BYTES = 1024 * 1024
MAX_STYLE_DEPTH = 20

FALSE_VALUES = ("0", "false", "off", "none")

W_P, W_TBL, W_TR, W_TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
W_R, W_T, W_TAB, W_BR, W_CR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
W_NOBREAK_HYPHEN, W_TXBX, W_VAL = qn("w:noBreakHyphen"), qn("w:txbxContent"), qn("w:val")
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees that never hold the paragraph's own visible text.
SKIPPED = {qn("w:pPr"), qn("w:rPr"), qn("w:del"), qn("w:moveFrom"), qn("w:sectPr"),
           qn("w:tblPr"), qn("w:tblGrid"), qn("w:trPr"), qn("w:tcPr"), W_TXBX, MC_FALLBACK}


@dataclass
class Block:
    """One rendered piece of the body: a paragraph, a heading, a list item or a table."""

    kind: str  # "para", "heading", "list" or "table"
    text: str


@dataclass
class Style:
    """What a paragraph or character style contributes: heading level, list, bold."""

    name: str
    based_on: str | None
    numbering: tuple[str, int] | None
    outline: int | None
    bold: bool | None


def read_docx(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) of a Word document, refusing zip bombs before parsing."""
    limits = current_limits()
    check_zip_sizes(data, limits.max_unpacked_bytes, limits.max_xml_bytes)
    document = open_docx(data)
    walker = BodyWalker(read_styles(document), read_numbering(document), limits.max_paragraphs)
    blocks = walker.read_blocks(document.element.body)
    if walker.truncated:
        add_note("truncated", f"the document has more than {limits.max_paragraphs:,} "
                 "paragraphs; only the first were read (PRAXIS_MAX_PARAGRAPHS)")
    return join_blocks(blocks), "utf-8"


def check_zip_sizes(data: bytes, limit: int, xml_limit: int | None = None) -> None:
    """Refuse an archive whose directory promises more than `limit` unpacked bytes,
    or more than `xml_limit` bytes of XML to parse."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise ReadError("corrupt", f"the Word file is damaged or truncated ({exc})") from exc
    total = sum(member.file_size for member in members)
    if len(members) > MAX_MEMBERS or total > limit:
        raise ReadError("zip_bomb", f"the Word file would unpack to {total:,} bytes in "
                        f"{len(members):,} parts, over the limit of {limit:,} bytes; "
                        "not opened (a zip bomb?) (PRAXIS_MAX_UNPACKED_BYTES)")
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    if xml_limit is not None and xml > xml_limit:
        raise ReadError("too_large", f"the Word file holds {xml:,} bytes of XML, over the "
                        f"limit of {xml_limit:,} bytes (PRAXIS_MAX_XML_BYTES); not opened")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECK_BYTES and ratio > MAX_MEMBER_RATIO:
            raise ReadError("zip_bomb", f"the part {member.filename} of the Word file is "
                            f"compressed {ratio:,.0f} to 1, far beyond any real document; "
                            "not opened (a zip bomb?)")


def open_docx(data: bytes):
    """Open the package with python-docx; a damaged file becomes a ReadError."""
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, EOFError, OSError, zlib.error,
            etree.LxmlError, SyntaxError) as exc:
        raise ReadError("corrupt", f"the Word file is damaged or truncated ({exc})") from exc
    except ValueError as exc:  # python-docx: a package that is not a Word document (.docm, .dotx)
        raise ReadError("unsupported_format",
                        f"not a Word document python-docx can read ({exc})") from exc


def read_styles(document) -> dict[str, Style]:
    """Index the document's styles by id."""
    styles: dict[str, Style] = {}
    for element in document.styles.element.iter(qn("w:style")):
        style_id = element.get(qn("w:styleId"))
        if not style_id:
            continue
        styles[style_id] = Style(
            name=_val(element.find(qn("w:name"))) or style_id,
            based_on=_val(element.find(qn("w:basedOn"))),
            numbering=read_num_pr(element.find(qn("w:pPr"))),
            outline=_int(_val(element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}"))),
            bold=read_bold(element.find(qn("w:rPr"))),
        )
    return styles


def read_num_pr(ppr) -> tuple[str, int] | None:
    """Read (numId, level) from a paragraph's or style's properties."""
    if ppr is None:
        return None
    num_pr = ppr.find(qn("w:numPr"))
    if num_pr is None:
        return None
    num_id = _val(num_pr.find(qn("w:numId")))
    level = _int(_val(num_pr.find(qn("w:ilvl")))) or 0
    return (num_id, level) if num_id else None


def read_bold(rpr) -> bool | None:
    """True/False when run properties set bold, None when they leave it to the style."""
    if rpr is None:
        return None
    bold = rpr.find(qn("w:b"))
    if bold is None:
        return None
    return (bold.get(W_VAL) or "true").casefold() not in FALSE_VALUES


class Numbering:
    """List definitions: which numbering is a bullet list, and each list's running counters."""

    def __init__(self, root):
        self.abstract_of: dict[str, str] = {}
        self.formats: dict[str, dict[int, tuple[str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return
        for abstract in root.iter(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.iter(qn("w:lvl")):
                level = _int(lvl.get(qn("w:ilvl"))) or 0
                fmt = _val(lvl.find(qn("w:numFmt"))) or "decimal"
                start = _int(_val(lvl.find(qn("w:start"))))
                levels[level] = (fmt, 1 if start is None else start)
            self.formats[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.iter(qn("w:num")):
            self.abstract_of[num.get(qn("w:numId"))] = _val(num.find(qn("w:abstractNumId")))

    def marker(self, num_id: str, level: int, style_name: str) -> str | None:
        """Return the list marker of the next item ("- " or "3. "), or None for no list."""
        fmt, start = self.formats.get(self.abstract_of.get(num_id), {}).get(level, (None, 1))
        if fmt is None:
            fmt = "bullet" if "bullet" in style_name.casefold() else "decimal"
        if fmt == "none" or num_id == "0":
            return None
        counts = self.counters.setdefault(num_id, [])
        counts[:] = (counts + [start - 1] * (level + 1))[: level + 1]
        counts[level] += 1
        return "- " if fmt == "bullet" else f"{counts[level]}. "


def read_numbering(document) -> Numbering:
    """Load the numbering part; a document without lists has none."""
    try:
        return Numbering(document.part.numbering_part.element)
    except (KeyError, NotImplementedError, AttributeError):
        return Numbering(None)


class BodyWalker:
    """Turn body XML into Blocks in reading order."""

    def __init__(self, styles: dict[str, Style], numbering: Numbering,
                 max_paragraphs: int | None = None):
        self.styles = styles
        self.numbering = numbering
        self.left = max_paragraphs if max_paragraphs is not None else float("inf")
        self.truncated = False

    def read_blocks(self, container) -> list[Block]:
        """Read paragraphs and tables in order, descending into content controls."""
        blocks: list[Block] = []
        for child in container:
            if self.left <= 0:
                self.truncated = True
                break
            if child.tag == W_P:
                self.left -= 1
                if self.left % 1000 == 0:
                    check_deadline()
                blocks += self.read_paragraph(child)
            elif child.tag == W_TBL:
                table = self.read_table(child)
                if table:
                    blocks.append(Block("table", table))
            elif child.tag not in SKIPPED and len(child):
                blocks += self.read_blocks(child)  # w:sdt, w:customXml, w:ins, …
        return blocks

    def read_paragraph(self, p) -> list[Block]:
        """Read one paragraph as a heading, list item or plain paragraph, then its text boxes."""
        ppr = p.find(qn("w:pPr"))
        style_id = _val(ppr.find(qn("w:pStyle"))) if ppr is not None else None
        chain = self.style_chain(style_id)
        level = heading_level(ppr, chain)
        text = paragraph_text(p, self.styles, bold=level is None).strip("\n")
        blocks = []
        if text.strip():
            blocks.append(self.make_block(text, level, ppr, chain))
        for box in p.iter(W_TXBX):
            if not _inside(box, p, (MC_FALLBACK, W_TXBX)):  # a fallback repeats its box
                blocks += self.read_blocks(box)
        return blocks

    def make_block(self, text: str, level: int | None, ppr, chain: list[Style]) -> Block:
        """Render a paragraph's text with its heading or list marker."""
        if level is not None:
            return Block("heading", "#" * min(level, 6) + " " + " ".join(text.split()))
        numbering = read_num_pr(ppr) or next((s.numbering for s in chain if s.numbering), None)
        if numbering:
            marker = self.numbering.marker(numbering[0], numbering[1],
                                           chain[0].name if chain else "")
            if marker:
                return Block("list", "  " * numbering[1] + marker + text.strip())
        return Block("para", text)

    def style_chain(self, style_id: str | None) -> list[Style]:
        """A style and the styles it is based on, nearest first."""
        chain: list[Style] = []
        while style_id and style_id in self.styles and len(chain) < MAX_STYLE_DEPTH:
            style = self.styles[style_id]
            chain.append(style)
            style_id = style.based_on
        return chain

    def read_table(self, tbl) -> str:
        """Render a table as `label: value` lines: two columns by row, wider ones by header."""
        rows = []
        for tr in tbl.iter(W_TR):
            if _nearest(tr, W_TBL) is not tbl:
                continue
            cells = [join_blocks(self.read_blocks(tc)) for tc in tr.iter(W_TC)
                     if _nearest(tc, W_TR) is tr]
            if any(cell.strip() for cell in cells):
                rows.append(cells)
        if not rows:
            return ""
        if max(len(row) for row in rows) <= 2:
            # A label whose answer cell is empty may head the next row's text: keep it.
            return join_parts([render_fields([(plain_label(row[0]), row[1])]) or row[0]
                               if len(row) == 2 else row[0] for row in rows])
        header = [plain_label(cell) for cell in rows[0]]
        records = [render_fields(list(zip(header + [""] * (len(row) - len(header)), row)))
                   for row in rows[1:]]
        return join_parts(records) or join_parts([" ".join(rows[0])])


def heading_level(ppr, chain: list[Style]) -> int | None:
    """The heading level of a paragraph from its style name or outline level."""
    for style in chain:
        name = style.name.strip().casefold()
        match = re.match(rf"^(?:{'|'.join(docx_styles('heading'))})\s*(\d)$", name)
        if match:
            return max(int(match.group(1)), 1)
        if name in docx_styles("title"):
            return 1
    outline = None
    if ppr is not None:
        outline = _int(_val(ppr.find(qn("w:outlineLvl"))))
    if outline is None:
        outline = next((s.outline for s in chain if s.outline is not None), None)
    return outline + 1 if outline is not None and outline < 9 else None


def docx_styles(kind: str) -> list[str]:
    """Word's localised heading or title style names in every lexicon language, escaped."""
    return sorted({re.escape(n.casefold()) for language in load_lexicon().languages.values()
                   for n in language.docx_styles[kind]})


def paragraph_text(p, styles: dict[str, Style], bold: bool) -> str:
    """The paragraph's visible text; bold runs marked `**…**` when `bold` is asked for."""
    segments: list[tuple[str, bool]] = []
    collect_runs(p, styles, segments)
    if not bold:
        return "".join(text for text, _ in segments)
    return mark_bold(segments)


def collect_runs(element, styles: dict[str, Style], segments: list[tuple[str, bool]]) -> None:
    """Append (text, bold) for every run below `element`, skipping deleted text and boxes."""
    for child in element:
        if child.tag in SKIPPED:
            continue
        if child.tag == W_R:
            segments.append((run_text(child), run_is_bold(child, styles)))
        elif len(child):
            collect_runs(child, styles, segments)


def run_text(run) -> str:
    """A run's text with tabs and line breaks."""
    parts = []
    for child in run:
        if child.tag == W_T:
            parts.append(child.text or "")
        elif child.tag == W_TAB:
            parts.append("\t")
        elif child.tag in (W_BR, W_CR):
            parts.append("\n")
        elif child.tag == W_NOBREAK_HYPHEN:
            parts.append("-")
    return "".join(parts)


def run_is_bold(run, styles: dict[str, Style]) -> bool:
    """Bold set on the run itself, else by its character style."""
    rpr = run.find(qn("w:rPr"))
    bold = read_bold(rpr)
    if bold is None and rpr is not None:
        style = styles.get(_val(rpr.find(qn("w:rStyle"))) or "")
        bold = style.bold if style else None
    return bool(bold)


def plain_label(text: str) -> str:
    """A table cell used as a label: one line, without bold markers."""
    return " ".join(text.replace("**", "").split())


def join_blocks(blocks: list[Block]) -> str:
    """Join blocks with blank lines; items of one list stay on consecutive lines."""
    out = ""
    previous = None
    for block in blocks:
        if out:
            out += "\n" if block.kind == "list" and previous == "list" else "\n\n"
        out += block.text
        previous = block.kind
    return out


def join_parts(parts: list[str]) -> str:
    return "\n\n".join(part for part in parts if part.strip())


def _val(element) -> str | None:
    return None if element is None else element.get(W_VAL)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _nearest(element, tag: str):
    """The closest ancestor with the given tag."""
    return next(element.iterancestors(tag), None)


def _inside(element, top, tags: tuple[str, ...]) -> bool:
    """True when an element between `element` and `top` has one of the tags."""
    for ancestor in element.iterancestors():
        if ancestor is top:
            return False
        if ancestor.tag in tags:
            return True
    return False
