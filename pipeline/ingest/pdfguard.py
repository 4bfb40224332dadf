"""Keep pdfminer inside a document's limits: bounded inflation, and a clock checked per glyph.

pdfminer inflates every FlateDecode stream whole with `zlib.decompress`, so a 0.5 MB PDF
can ask for gigabytes. Its module gets a zlib whose inflaters stop at the document's
remaining unpacked-bytes budget (PRAXIS_MAX_UNPACKED_BYTES), counted over all its streams.
"""

from __future__ import annotations

import zlib

import pdfminer.pdfinterp
import pdfminer.pdftypes
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from pipeline.ingest.limits import LimitExceeded, check_deadline, current_budget

CHECK_EVERY_GLYPHS = 2000


def over_unpacked_limit() -> LimitExceeded:
    limit = current_budget().limits.max_unpacked_bytes
    return LimitExceeded("zip_bomb", f"the PDF's compressed streams inflate to more than "
                         f"{limit:,} bytes; not read (a decompression bomb?) "
                         "(PRAXIS_MAX_UNPACKED_BYTES)")


def spend_unpacked(size: int) -> None:
    """Count inflated bytes against the document's budget; refuse past the limit."""
    budget = current_budget()
    budget.unpacked += size
    if budget.unpacked > budget.limits.max_unpacked_bytes:
        raise over_unpacked_limit()


class BoundedInflater:
    """A zlib decompressor object that counts what it produces against the budget."""

    def __init__(self, *args):
        self.inflater = zlib.decompressobj(*args)

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        budget = current_budget()
        room = budget.limits.max_unpacked_bytes - budget.unpacked
        if room < 0:
            raise over_unpacked_limit()
        cap = room + 1 if not max_length else min(max_length, room + 1)
        out = self.inflater.decompress(data, cap)
        spend_unpacked(len(out))
        if self.inflater.unconsumed_tail and not max_length:
            raise over_unpacked_limit()  # stopped at the cap with input left over
        return out

    def __getattr__(self, name):
        return getattr(self.inflater, name)


class BoundedZlib:
    """The parts of the zlib module pdfminer uses, with inflation bounded."""

    error = zlib.error
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def decompressobj(*args) -> BoundedInflater:
        return BoundedInflater(*args)

    @staticmethod
    def decompress(data: bytes, *args) -> bytes:
        inflater = BoundedInflater(*args)
        out = inflater.decompress(data)
        if not inflater.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return out


pdfminer.pdftypes.zlib = BoundedZlib


class GuardedContentParser(PDFContentParser):
    """pdfminer's content-stream parser, checking the clock at every buffer it fills.

    A page's operators can be millions of junk tokens: parsing them is where time goes.
    """

    def fillbuf(self) -> bool:
        check_deadline()
        return super().fillbuf()


pdfminer.pdfinterp.PDFContentParser = GuardedContentParser


class GuardedAggregator(PDFPageAggregator):
    """pdfminer's page aggregator, checking the document's clock every few thousand glyphs."""

    glyphs = 0

    def render_char(self, *args, **kwargs):
        self.glyphs += 1
        if self.glyphs % CHECK_EVERY_GLYPHS == 0:
            check_deadline()
        return super().render_char(*args, **kwargs)


def iter_layouts(stream, laparams, maxpages: int):
    """Lay out pages one by one (pdfminer's extract_pages, with the guarded device)."""
    manager = PDFResourceManager(caching=True)
    device = GuardedAggregator(manager, laparams=laparams)
    interpreter = PDFPageInterpreter(manager, device)
    for page in PDFPage.get_pages(stream, maxpages=maxpages, caching=True):
        check_deadline()
        interpreter.process_page(page)
        yield device.get_result()
