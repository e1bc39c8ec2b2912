"""Cheap checks on raw bytes before a parser sees them: decompression bombs and giant pictures.

PDFium and pdfminer unpack every compressed stream they need in full, and PDFium aborts the
whole process when memory runs out (a 600 KB PDF can unpack to gigabytes). So before either
opens a PDF, every stream is unpacked here once, in 1 MB pieces that are counted and thrown
away, and the file is refused (LimitExceeded) when one stream or all of them together would
unpack to more than a billing paper ever holds. Pictures are measured from their headers
(PIL reads only the header), so a 20 KB PNG of 30000 × 30000 pixels is refused unread.

Not covered: the streams of an encrypted PDF (they cannot be unpacked before decryption);
those rely on the time limit in `explainer/limits.py`.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
import zlib
from collections.abc import Iterator

from ..errors import LimitExceeded

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
_DICT_WINDOW = 8192

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
_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_WIDTH = re.compile(rb"/Width\s+(\d+)(?!\s+\d+\s+R)")
_HEIGHT = re.compile(rb"/Height\s+(\d+)(?!\s+\d+\s+R)")

# Filter names as PDF 2.0 §7.4 spells them, with the abbreviations PDF readers accept.
_ALIASES = {
    "Fl": "FlateDecode",
    "LZW": "LZWDecode",
    "RL": "RunLengthDecode",
    "AHx": "ASCIIHexDecode",
    "A85": "ASCII85Decode",
}
_UNPACKING = frozenset({"FlateDecode", "LZWDecode", "RunLengthDecode"})
_TEXT_CODINGS = frozenset({"ASCIIHexDecode", "ASCII85Decode"})


class _Budget:
    """Unpacked bytes counted against the per-stream and per-file limits."""

    def __init__(self) -> None:
        self.total = 0

    def count(self, pieces: Iterator[bytes], source: str | None) -> None:
        """Count one stream's unpacked pieces; LimitExceeded as soon as a limit is passed."""
        size = 0
        for piece in pieces:
            size += len(piece)
            self.total += len(piece)
            if size > MAX_STREAM_BYTES or self.total > MAX_PDF_UNPACKED_BYTES:
                raise LimitExceeded(PDF_TOO_BIG, source=source)


def check_pdf(data: bytes, source: str | None = None) -> None:
    """Refuse a PDF whose streams unpack beyond our limits, or that holds a giant picture."""
    budget = _Budget()
    view = memoryview(data)
    previous_end = 0
    for count, match in enumerate(_STREAM.finditer(data), 1):
        if count > MAX_PDF_STREAMS:
            raise LimitExceeded(PDF_TOO_BIG, source=source)
        # A dictionary never reaches back into the stream before it: this keeps a file full
        # of "stream" keywords linear.
        header = _stream_dict(data, max(previous_end, match.start() - _DICT_WINDOW), match.start())
        previous_end = match.end()
        if _IMAGE.search(header):
            _check_picture(header, source)
        filters = _filters(header)
        if not filters or not _UNPACKING.intersection(filters):
            continue
        unpacking = [name for name in filters if name in _UNPACKING]
        if len(unpacking) > 1:
            # Packed twice (e.g. Flate inside Flate): no PDF writer does this but bomb makers.
            raise LimitExceeded(PDF_TOO_BIG, source=source)
        budget.count(_unpack(view[match.end() :], filters), source)


def _stream_dict(data: bytes, window_start: int, start: int) -> bytes:
    """The object header and dictionary in front of a stream, from `window_start` at most."""
    window = data[window_start:start]
    starts = [found.start() for found in _OBJ.finditer(window)]
    return window[starts[-1] :] if starts else window


def _filters(header: bytes) -> list[str]:
    """The stream's /Filter names in decoding order, '#xx' escapes resolved, aliases expanded."""
    found = _FILTER.search(header)
    if not found:
        return []
    names = []
    for raw in _NAME.findall(found.group(1)):
        name = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        text = name.decode("latin-1")
        names.append(_ALIASES.get(text, text))
    return names


def _check_picture(header: bytes, source: str | None) -> None:
    """An image XObject's /Width × /Height against the pixel limit (when they are written out)."""
    width, height = _WIDTH.search(header), _HEIGHT.search(header)
    if width and height:
        pixels = int(width.group(1)) * int(height.group(1))
        if pixels > MAX_IMAGE_PIXELS:
            raise LimitExceeded(PDF_PICTURE_TOO_BIG.format(pixels=pixels), source=source)


def _unpack(stream: memoryview, filters: list[str]) -> Iterator[bytes]:
    """The output of the stream's one unpacking filter, in pieces (text codings undone first)."""
    packed: memoryview | bytes = stream
    for name in filters:
        if name in _TEXT_CODINGS:
            # ASCII codings at most quadruple (A85 'z'); the file is at most 20 MB.
            packed = _undo_text_coding(name, packed)
            continue
        if name == "FlateDecode":
            return _inflate(packed)
        if name == "LZWDecode":
            return _lzw(packed)
        if name == "RunLengthDecode":
            return _run_length(packed)
        break  # a filter we do not unpack (a picture codec, Crypt): nothing to count
    return iter(())


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


def _inflate(packed: memoryview | bytes) -> Iterator[bytes]:
    """zlib output in pieces of at most 1 MB, until the stream ends or breaks."""
    head = bytes(packed[:2])
    # RFC 1950 header: deflate (CM 8), window ≤ 32 KB, check bits. Junk fails here for free.
    if len(head) < 2 or head[0] & 0x0F != 8 or head[0] >> 4 > 7 or int.from_bytes(head) % 31:
        return
    inflater = zlib.decompressobj()
    try:
        for piece in _pieces(packed):
            data: bytes | memoryview = piece
            while data and not inflater.eof:
                yield inflater.decompress(data, _PIECE)
                data = inflater.unconsumed_tail
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
