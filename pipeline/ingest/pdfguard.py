"""Keep pdfminer inside a document's limits: bounded inflation, and a clock checked per glyph.

pdfminer inflates every FlateDecode stream whole with `zlib.decompress`, so a 0.5 MB PDF
can ask for gigabytes. Its stream module gets a zlib whose inflaters stop at the document's
remaining unpacked-bytes budget (PRAXIS_MAX_UNPACKED_BYTES), counted over all its streams,
and LZW and run-length decoders that count what they produce the same way. These are
process-wide patches of pdfminer's module globals, made once when this module is imported.
"""

from __future__ import annotations

import io
import zlib

import pdfminer.pdfinterp
import pdfminer.pdftypes
from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter, PDFResourceManager
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfpage import PDFPage
from pdfminer.runlength import rldecode

from pipeline.limits import LimitExceeded, check_deadline, current_budget

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
        check_deadline()  # pdfminer's repair path feeds a damaged stream one byte at a time
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


def bounded_lzwdecode(data: bytes) -> bytes:
    """pdfminer's LZW decoder, stopped at the document's unpacked-bytes limit."""
    chunks = []
    for number, chunk in enumerate(LZWDecoder(io.BytesIO(data)).run()):
        if number % 10_000 == 0:
            check_deadline()
        spend_unpacked(len(chunk))
        chunks.append(chunk)
    return b"".join(chunks)


def bounded_rldecode(data: bytes) -> bytes:
    """pdfminer's run-length decoder, refused before it starts when the output is too big."""
    spend_unpacked(runlength_size(data))
    return rldecode(data)


def runlength_size(data: bytes) -> int:
    """The decoded size of RunLengthDecode data, read from its length bytes alone."""
    size = position = 0
    while position < len(data) and data[position] != 128:
        length = data[position]
        if length < 128:
            size, position = size + length + 1, position + length + 2
        else:
            size, position = size + 257 - length, position + 2
    return size


pdfminer.pdftypes.zlib = BoundedZlib
pdfminer.pdftypes.lzwdecode = bounded_lzwdecode
pdfminer.pdftypes.rldecode = bounded_rldecode


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
