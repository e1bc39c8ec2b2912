"""Issue 17: the PDF preflight judges streams by what their bytes are, not by what dictionaries say."""

from __future__ import annotations

import binascii
import time
import zlib

import pytest

from explainer.errors import LimitExceeded
from explainer.read import preflight
from explainer.read.pdf_objects import index_objects

from . import hostile


@pytest.mark.parametrize(
    "build",
    [
        hostile.padded_flate_bomb_pdf,
        lambda: hostile.padded_flate_bomb_pdf(streams=2),
        hostile.indirect_filter_bomb_pdf,
        hostile.lying_filter_bomb_pdf,
        hostile.many_streams_bomb_pdf,
    ],
    ids=["padded-dictionary", "two-padded-streams", "indirect-filter", "no-filter", "ten-streams"],
)
def test_bombs_the_dictionary_hides_are_refused_fast(build: object) -> None:
    data = build()  # type: ignore[operator]
    start = time.monotonic()
    with pytest.raises(LimitExceeded, match="unpacks to far more"):
        preflight.check_pdf(data, "msn.pdf")
    assert time.monotonic() - start < 3


def test_streams_under_the_limits_together_pass() -> None:
    """Nine 20 MB streams (180 MB) stay under the 256 MB per-document total."""
    data = hostile.many_streams_bomb_pdf(each=20 * hostile.MB, streams=9)
    preflight.check_pdf(data)
    with pytest.raises(LimitExceeded):  # and a fourteenth pushes the total past it
        preflight.check_pdf(hostile.many_streams_bomb_pdf(each=20 * hostile.MB, streams=14))


def test_hex_coded_bomb_with_a_filter_we_cannot_resolve_is_sniffed() -> None:
    """`/Filter 99 0 R` names an object we never see (as if inside an object stream)."""
    packed = binascii.hexlify(zlib.compress(b" " * (64 * hostile.MB), 9)) + b">"
    data = hostile.raw_pdf([hostile.CATALOG, hostile.stream(packed, b"/Filter 99 0 R ")])
    with pytest.raises(LimitExceeded):
        preflight.check_pdf(data)


def test_zlib_inside_zlib_is_counted_without_a_declared_filter() -> None:
    inner = zlib.compress(b" " * (64 * hostile.MB), 9)
    data = hostile.raw_pdf([hostile.CATALOG, hostile.stream(zlib.compress(inner * 4, 9))])
    with pytest.raises(LimitExceeded):
        preflight.check_pdf(data)


def test_an_indirect_filter_array_with_two_flates_is_double_packing() -> None:
    small = zlib.compress(zlib.compress(b"BT ET"))
    data = hostile.raw_pdf(
        [hostile.CATALOG, hostile.stream(small, b"/Filter 3 0 R "), b"[/FlateDecode 4 0 R]", b"/Fl"]
    )
    with pytest.raises(LimitExceeded):
        preflight.check_pdf(data)


def test_picture_sizes_behind_references_are_read() -> None:
    image = hostile.stream(
        zlib.compress(b"\x00" * 1024),
        b"/Subtype /Image /Width 3 0 R /Height 4 0 R /BitsPerComponent 8 /Filter /FlateDecode ",
    )
    data = hostile.raw_pdf([hostile.CATALOG, image, b"30000", b"30000"])
    with pytest.raises(LimitExceeded, match="picture of 900,000,000 pixels"):
        preflight.check_pdf(data)


def test_a_giant_fax_page_behind_indirect_decode_parms_is_refused() -> None:
    fax = hostile.stream(b"\x00" * 64, b"/Filter /CCITTFaxDecode /DecodeParms 3 0 R ")
    data = hostile.raw_pdf(
        [hostile.CATALOG, fax, b"<< /K -1 /Columns 40000 /Rows 4 0 R >>", b"40000"]
    )
    with pytest.raises(LimitExceeded, match="pixels"):
        preflight.check_pdf(data)
    normal = hostile.raw_pdf(
        [
            hostile.CATALOG,
            hostile.stream(
                b"\x00" * 64, b"/Filter /CCF /DecodeParms << /K -1 /Columns 2550 /Rows 3300 >> "
            ),
        ]
    )
    preflight.check_pdf(normal)


def test_stream_keywords_inside_stream_data_cannot_multiply_the_work() -> None:
    """A 58 KB stored deflate block carrying `stream` + another zlib stream, nested 1000 deep:
    every start reads on to the end (50 MB in all, unpacking to less than the 256 MB total);
    the packed bytes read by all starts together are bounded by a few times the file."""
    body = b"BT ET" + b" " * 40_000
    for _ in range(1000):
        body = b"stream\n" + zlib.compress(body, 0)
    data = hostile.raw_pdf([hostile.CATALOG, hostile.stream(body)])
    start = time.monotonic()
    with pytest.raises(LimitExceeded):
        preflight.check_pdf(data)
    assert time.monotonic() - start < 1
    shallow = b"stream\n" + zlib.compress(b"stream\n" + zlib.compress(b"BT ET", 0), 0)
    preflight.check_pdf(hostile.raw_pdf([hostile.CATALOG, hostile.stream(shallow)]))


def test_a_dictionary_of_a_million_brackets_is_read_in_linear_time() -> None:
    data = hostile.raw_pdf([hostile.CATALOG, hostile.stream(b"x", b"/Filter " + b"[" * 1_000_000)])
    start = time.monotonic()
    preflight.check_pdf(data)
    assert time.monotonic() - start < 1


def test_the_object_index_resolves_references_and_stops_at_loops() -> None:
    data = hostile.raw_pdf([b"2 0 R", b"1 0 R", b"% a comment\n/FlateDecode"])
    objects = index_objects(data)
    assert objects.resolve(b"3 0 R") == b"/FlateDecode"
    assert objects.resolve(b"1 0 R") in {b"1 0 R", b"2 0 R"}  # a loop ends, unresolved
    assert objects.resolve(b"9 0 R") == b""
    assert objects.resolve_all(b"[/AHx 3 0 R]") == b"[/AHx  /FlateDecode ]"
