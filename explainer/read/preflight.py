"""Cheap checks on raw bytes before a parser sees them: decompression bombs and giant pictures.

PDFium and pdfminer unpack every compressed stream they need in full, and PDFium aborts the
whole process when memory runs out (a 600 KB PDF can unpack to gigabytes). So before either
opens a PDF, every stream is unpacked here once, in 1 MB pieces that are counted and thrown
away, and the file is refused (LimitExceeded) when one stream or all of them together would
unpack to more than a billing paper ever holds. What the bytes are decides, not what the
dictionaries say (issue 17): every stream that starts like zlib is inflated whatever its
/Filter claims, a stream's dictionary is read from its own `N G obj` start however long it
is, and indirect /Filter and /DecodeParms are resolved (`read/pdf_objects.py`). Pictures are
measured from their headers (PIL reads only the header), so a 20 KB PNG of 30000 × 30000
pixels is refused unread.

Not covered: the streams of an encrypted PDF (they cannot be unpacked before decryption) and
filters named only inside a compressed object stream; those rely on the time limit in
`explainer/limits.py` and the memory ceiling of the child process that reads PDFs.
"""

from __future__ import annotations

import base64
import binascii
import io
import itertools
import re
import warnings
import zlib
from collections.abc import Iterable, Iterator

from ..errors import LimitExceeded
from .pdf_objects import ObjectIndex, index_objects

MEGABYTE = 1024 * 1024
MAX_STREAM_BYTES = 32 * MEGABYTE
"""One unpacked stream: a page's text is ~100 KB; a 300 dpi colour scan kept lossless ~25 MB."""
MAX_PDF_UNPACKED_BYTES = 256 * MEGABYTE
"""All streams of one PDF together; unpacking this much takes about half a second."""
MAX_PDF_STREAMS = 50_000
"""Streams in one PDF: a 50-page paper has a few thousand at most (fonts, pictures, pages)."""
MAX_IMAGE_PIXELS = 50_000_000
"""A 48-megapixel phone photo fits; 30000 × 30000 (a decompression bomb) does not."""
MAX_IMAGE_FRAMES = 50
"""Frames of a TIFF or GIF, like the pages of a PDF."""

_PIECE = MEGABYTE
_PACKED_READS = 4
"""Packed bytes all inflations of one file may read together, as a multiple of its size: a
real PDF's streams do not overlap, so it reads its size once."""
_NESTED_INFLATES = 2
"""zlib inside zlib inside zlib: bomb makers nest; we count the output of each level."""

PDF_TOO_BIG = (
    "This PDF unpacks to far more data than a billing paper holds, so we did not open it. "
    "Please print it to a new PDF (for example with “Print to PDF”) and upload that copy, or "
    "type the lines of your paper instead."
)
PDF_PICTURE_TOO_BIG = (
    "This PDF holds a picture of {pixels:,} pixels, far larger than any scan of a paper, so we "
    "did not open it. Please scan or save the paper again at a normal size."
)
PICTURE_TOO_BIG = (
    "This picture is {width:,} × {height:,} pixels, too large for us to read. We read photos up "
    "to {limit} megapixels: please send a smaller photo (most phones have a size setting)."
)
PICTURE_FAR_TOO_BIG = (
    "This picture is far too large for us to read. We read photos up to {limit} megapixels: "
    "please send a smaller photo (most phones have a size setting)."
)
TOO_MANY_FRAMES = (
    "This picture file holds {frames:,} pictures. We read up to {limit} at a time: please send "
    "only the pages of your paper."
)

# The keyword that opens a stream's data (not the end of "endstream"), then its end of line.
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
# `[^[\]]*`, not `[^\]]*`: a dictionary of a million '[' must not make the search quadratic.
_FILTER = re.compile(rb"/Filter\s*(\[[^\[\]]*\]|/[^\s/\[\]<>()]+|\d+\s+\d+\s+R)")
_DECODE_PARMS = re.compile(rb"/DecodeParms\s*(<<[^<>]*>>|\[[^\[\]]*\]|\d+\s+\d+\s+R)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_WIDTH = re.compile(rb"/Width\s+(\d+\s+\d+\s+R|\d+)")
_HEIGHT = re.compile(rb"/Height\s+(\d+\s+\d+\s+R|\d+)")
_COLUMNS = re.compile(rb"/Columns\s+(\d+\s+\d+\s+R|\d+)")
_ROWS = re.compile(rb"/Rows\s+(\d+\s+\d+\s+R|\d+)")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
_HEX_START = frozenset(bytes([c]) for c in b"0123456789abcdefABCDEF \t\r\n\x0c")

# Filter names as PDF 2.0 §7.4 spells them, with the abbreviations PDF readers accept.
_ALIASES = {
    "Fl": "FlateDecode",
    "LZW": "LZWDecode",
    "RL": "RunLengthDecode",
    "AHx": "ASCIIHexDecode",
    "A85": "ASCII85Decode",
    "CCF": "CCITTFaxDecode",
}
_UNPACKING = frozenset({"FlateDecode", "LZWDecode", "RunLengthDecode"})
_TEXT_CODINGS = frozenset({"ASCIIHexDecode", "ASCII85Decode"})
_FAX_CODECS = frozenset({"CCITTFaxDecode", "JBIG2Decode"})


class _Budget:
    """Unpacked bytes counted against the per-stream and per-file limits, and packed bytes read.

    Every `stream` keyword is a place to start inflating, even one inside another stream's
    data; the packed bytes all those starts read together are bounded too, so a file cannot
    make us walk its 20 MB over and over.
    """

    def __init__(self, file_size: int, source: str | None) -> None:
        self.total = 0
        self.packed = 0
        self.packed_limit = _PACKED_READS * file_size + _PIECE
        self.source = source

    def refuse(self) -> LimitExceeded:
        """The refusal every limit here ends in."""
        return LimitExceeded(PDF_TOO_BIG, source=self.source)

    def count(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """Pass one stream's unpacked pieces on, counting them; LimitExceeded past a limit."""
        size = 0
        for piece in pieces:
            size += len(piece)
            self.total += len(piece)
            if size > MAX_STREAM_BYTES or self.total > MAX_PDF_UNPACKED_BYTES:
                raise self.refuse()
            yield piece

    def read(self, size: int) -> None:
        """Count packed bytes an inflation consumed; all streams' together are bounded."""
        self.packed += size
        if self.packed > self.packed_limit:
            raise self.refuse()


def check_pdf(data: bytes, source: str | None = None) -> None:
    """Refuse a PDF whose streams unpack beyond our limits, or that holds a giant picture.

    What the bytes are decides, not what the dictionaries claim: every stream whose data
    starts like zlib is inflated (and its output too, if that starts like zlib again), and
    the total is counted per document. The dictionary is read from the stream's own
    `N G obj` start however long it is, with indirect /Filter and /DecodeParms resolved.
    """
    budget = _Budget(len(data), source)
    objects = index_objects(data)
    view = memoryview(data)
    previous_end = 0
    for count, match in enumerate(_STREAM.finditer(data), 1):
        if count > MAX_PDF_STREAMS:
            raise budget.refuse()
        start = objects.header_start(match.start(), previous_end)
        header = data[start : match.start()]
        previous_end = match.end()
        filters = _filters(header, objects)
        _check_pictures(header, objects, filters, source)
        unpacking = [name for name in filters if name in _UNPACKING]
        if len(unpacking) > 1:
            # Packed twice (e.g. Flate inside Flate): no PDF writer does this but bomb makers.
            raise budget.refuse()
        _measure(view[match.end() :], filters, budget)


def _measure(stream: memoryview, filters: list[str], budget: _Budget) -> None:
    """Count what one stream unpacks to: by its bytes first, by its declared filters second."""
    packed: memoryview | bytes = stream
    for name in filters:
        if name not in _TEXT_CODINGS:
            break
        # ASCII codings at most quadruple (A85 'z'); the file is at most 20 MB.
        packed = _undo_text_coding(name, packed)
    if not _looks_like_zlib(packed[:2]):
        packed = _sniff_hex(packed)
    if _looks_like_zlib(packed[:2]):
        _count_inflated(_pieces(packed), budget)
    elif "LZWDecode" in filters:
        _drain(budget.count(_lzw(packed)))
    elif "RunLengthDecode" in filters:
        _drain(budget.count(_run_length(packed)))


def _count_inflated(packed: Iterable[memoryview | bytes], budget: _Budget, depth: int = 0) -> None:
    """Inflate and count; when the output starts like zlib again, inflate and count that too."""
    output = budget.count(_inflate(packed, budget if depth == 0 else None))
    first = next(output, b"")
    rest = itertools.chain([first], output)
    if depth < _NESTED_INFLATES and _looks_like_zlib(first[:2]):
        _count_inflated(rest, budget, depth + 1)
    _drain(rest)


def _drain(pieces: Iterator[bytes]) -> None:
    """Run a counting iterator to its end (the counting is what matters)."""
    for _ in pieces:
        pass


def _looks_like_zlib(head: bytes | memoryview) -> bool:
    """An RFC 1950 header: deflate (CM 8), window ≤ 32 KB, check bits. Junk fails for free."""
    head = bytes(head)
    return (
        len(head) == 2
        and head[0] & 0x0F == 8
        and head[0] >> 4 <= 7
        and not int.from_bytes(head) % 31
    )


def _sniff_hex(packed: memoryview | bytes) -> memoryview | bytes:
    """Hex text whose first bytes decode to a zlib header is undone, declared or not."""
    if packed[:1] not in _HEX_START:
        return packed
    head = b"".join(bytes(packed[:64]).split())[:4]
    if len(head) == 4 and _HEX.fullmatch(head) and _looks_like_zlib(binascii.unhexlify(head)):
        return _undo_text_coding("ASCIIHexDecode", packed)
    return packed


def _filters(header: bytes, objects: ObjectIndex) -> list[str]:
    """The stream's /Filter names in decoding order: references resolved, '#xx' escapes
    undone, abbreviations expanded."""
    found = _FILTER.search(header)
    if not found:
        return []
    value = objects.resolve_all(objects.resolve(found.group(1)))
    names = []
    for raw in _NAME.findall(value):
        if b"#" in raw:
            raw = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        text = raw.decode("latin-1")
        names.append(_ALIASES.get(text, text))
    return names


def _number(header: bytes, key: re.Pattern[bytes], objects: ObjectIndex) -> int | None:
    """An integer entry of a dictionary, written out or behind a reference."""
    found = key.search(header)
    if not found:
        return None
    value = objects.resolve(found.group(1)).strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def _check_pictures(
    header: bytes, objects: ObjectIndex, filters: list[str], source: str | None
) -> None:
    """An image's /Width × /Height, and a fax or JBIG2 page's /Columns × /Rows, against the
    pixel limit (those codecs pack a blank giant page into a few bytes)."""
    sizes = []
    if _IMAGE.search(header):
        sizes.append((_number(header, _WIDTH, objects), _number(header, _HEIGHT, objects)))
    if _FAX_CODECS.intersection(filters):
        parms = _DECODE_PARMS.search(header)
        if parms:
            value = objects.resolve_all(objects.resolve(parms.group(1)))
            sizes.append((_number(value, _COLUMNS, objects), _number(value, _ROWS, objects)))
    for width, height in sizes:
        if width is not None and height is not None and width * height > MAX_IMAGE_PIXELS:
            raise LimitExceeded(PDF_PICTURE_TOO_BIG.format(pixels=width * height), source=source)


def _undo_text_coding(name: str, packed: memoryview | bytes) -> bytes:
    """ASCIIHex or ASCII85 text up to its end marker, decoded; b'' if it is not valid."""
    raw = bytes(packed)
    if name == "ASCIIHexDecode":
        end = raw.find(b">")
        text = re.sub(rb"\s+", b"", raw[: end if end >= 0 else len(raw)])
        if len(text) % 2:
            text += b"0"
        try:
            return binascii.unhexlify(text)
        except (binascii.Error, ValueError):
            return b""
    end = raw.find(b"~>")
    body = raw[: end if end >= 0 else len(raw)]
    try:
        return base64.a85decode(body, ignorechars=b" \t\n\r\x0b\x0c")
    except ValueError:
        return b""


def _pieces(packed: memoryview | bytes) -> Iterator[memoryview]:
    """The packed bytes in 1 MB slices, without copying."""
    view = memoryview(packed)
    for start in range(0, len(view), _PIECE):
        yield view[start : start + _PIECE]


def _inflate(
    packed: Iterable[memoryview | bytes], budget: _Budget | None = None
) -> Iterator[bytes]:
    """zlib output in non-empty pieces of at most 1 MB, until the stream ends or breaks.

    With a budget, the packed bytes zlib really consumed are counted against it.
    """
    inflater = zlib.decompressobj()
    try:
        for piece in packed:
            data: bytes | memoryview = piece
            while data and not inflater.eof:
                size = len(data)
                output = inflater.decompress(data, _PIECE)
                data = inflater.unconsumed_tail
                if budget is not None:
                    budget.read(size - len(data) - len(inflater.unused_data))
                if output:
                    yield output
            if inflater.eof:
                return
    except zlib.error:
        return  # damaged or not zlib at all: what came out so far was counted


def _lzw(packed: memoryview | bytes) -> Iterator[bytes]:
    """LZW output, code by code (pdfminer's decoder yields as it goes)."""
    from pdfminer.lzw import LZWDecoder

    try:
        yield from LZWDecoder(io.BytesIO(packed)).run()
    except Exception:  # pdfminer's decoder raises assorted errors on damaged data
        return


def _run_length(packed: memoryview | bytes) -> Iterator[bytes]:
    """RunLength output sizes (PDF 2.0 §7.4.5), as zero bytes: only the length matters."""
    position, size, pending = 0, len(packed), 0
    while position < size:
        length = packed[position]
        if length == 128:
            break
        if length < 128:
            pending += length + 1
            position += length + 2
        else:
            pending += 257 - length
            position += 2
        if pending >= _PIECE:
            yield bytes(pending)
            pending = 0
    if pending:
        yield bytes(pending)


def check_picture_file(data: bytes, source: str | None = None) -> None:
    """Refuse a photo or scan whose header declares too many pixels or frames.

    PIL reads only the header here; nothing is decoded. Formats PIL does not know (HEIC
    without a plug-in) pass: the reader that decodes them must check their size itself.
    """
    from PIL import Image

    # Later decodes anywhere in the process refuse bombs too (PIL raises past twice this).
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as picture:
                width, height = picture.size
                frames = getattr(picture, "n_frames", 1)
    except Image.DecompressionBombError:  # over twice the limit: PIL stops at the header
        raise LimitExceeded(
            PICTURE_FAR_TOO_BIG.format(limit=MAX_IMAGE_PIXELS // 1_000_000), source=source
        ) from None
    except Exception:  # not a picture PIL knows, or a broken one: its reader says so
        return
    if width * height > MAX_IMAGE_PIXELS:
        raise LimitExceeded(
            PICTURE_TOO_BIG.format(width=width, height=height, limit=MAX_IMAGE_PIXELS // 1_000_000),
            source=source,
        )
    if frames > MAX_IMAGE_FRAMES:
        raise LimitExceeded(
            TOO_MANY_FRAMES.format(frames=frames, limit=MAX_IMAGE_FRAMES), source=source
        )
