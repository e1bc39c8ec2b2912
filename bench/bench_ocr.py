"""OCR speed and memory: seconds per photographed page, against bare RapidOCR and PDF rendering.

Makes, in memory, phone-like photos of two test papers (an MSN claims page and a provider
statement: rendered with pypdfium2, turned, shaded, blurred, JPEG) and a 2-page scanned PDF,
then times in the same run (time.perf_counter, best of RUNS; CPU seconds beside, as the 2
cores may be shared):
  (a) rendering the page from its PDF with pypdfium2 (what a text PDF costs instead);
  (b) a bare RapidOCR call on the decoded photo, default settings, no clean-up;
  (c) ocr_image: decode, clean-up (paper, light, rules, orientation, tilt), OCR, words;
  (d) read_upload: (c) plus the extractors, i.e. what a person waits for per photo;
  (e) a scanned PDF through read_upload, per page.
Peak memory, first (before the bare engine loads): tracemalloc (Python and NumPy
allocations) around one (d), and the process's ru_maxrss before and after (ONNX Runtime's
own buffers included). Target: (d) and (e) at most 6 s per page.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from explainer.read import ocr  # noqa: E402
from explainer.read.upload import Role, Upload, read_upload  # noqa: E402
from tests import image_fixtures as img  # noqa: E402
from tests import pdf_fixtures as fx  # noqa: E402

TARGET_SECONDS = 6.0
RUNS = 2


def timed(runs: int, work: Callable[[], object]) -> tuple[float, float, Any]:
    """Best wall seconds and the CPU seconds of that run, with the last result."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(runs):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        result = work()
        wall = time.perf_counter() - wall0
        if wall < best:
            best, cpu = wall, time.process_time() - cpu0
    return best, cpu, result


def bare_engine() -> Any:
    """RapidOCR as installed (its default settings), on the same packaged model files."""
    from rapidocr import RapidOCR

    return RapidOCR(params={**ocr._model_files(), "Global.log_level": "error"})


def papers() -> list[tuple[str, bytes, bytes, int]]:
    """(name, the PDF, a photo of one page as JPEG, that page's index)."""
    msn, statement = fx.msn_part_b_pdf(), fx.statement_pdf()
    shot = img.PHOTOS["photographed"]
    return [
        (
            "MSN claims page",
            msn,
            img.to_jpeg(img.photograph(img.render_pdf(msn, pages=[2])[0], shot), 90),
            2,
        ),
        (
            "statement",
            statement,
            img.to_jpeg(img.photograph(img.render_pdf(statement)[0], shot), 90),
            0,
        ),
    ]


def render(pdf: bytes, index: int) -> Image.Image:
    return img.render_pdf(pdf, pages=[index])[0]


def main() -> int:
    """Print seconds per page and peak memory; non-zero if a photo takes over the target."""
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; best of {RUNS}")
    inputs = papers()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    start = time.perf_counter()
    ocr.engine()
    print(f"engine load (once per process):         {time.perf_counter() - start:6.2f} s")
    # Memory first, before the bare engine below adds its own models and buffers.
    tracemalloc.start()
    read_upload(Upload(inputs[0][2], "photo.jpg", Role.AUTO))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory for one photo: {peak / 2**20:.0f} MiB traced (Python + NumPy); process "
        f"max resident {after:.0f} MiB ({after - before:+.0f} MiB for the engine and the photo)"
    )
    bare = bare_engine()
    worst = 0.0
    for name, pdf, photo, index in inputs:
        decoded = np.asarray(Image.open(io.BytesIO(photo)).convert("RGB"))
        bare(decoded)  # warm the bare engine's lazy model loading
        render_s, render_cpu, _ = timed(RUNS, lambda pdf=pdf, index=index: render(pdf, index))
        bare_s, bare_cpu, _ = timed(RUNS, lambda decoded=decoded: bare(decoded))
        ours_s, ours_cpu, page = timed(RUNS, lambda photo=photo: ocr.ocr_image(photo))
        full_s, full_cpu, documents = timed(
            RUNS, lambda photo=photo: read_upload(Upload(photo, "photo.jpg", Role.AUTO))
        )
        worst = max(worst, full_s)
        lines = sum(len(document.lines) for document in documents)
        print(f"-- {name}: {len(photo) / 1e6:.2f} MB JPEG, {len(page.words)} words, {lines} lines")
        print(f"(a) pypdfium2 render, scale 2:          {render_s:6.2f} s  cpu {render_cpu:5.2f} s")
        print(f"(b) bare RapidOCR, no clean-up:         {bare_s:6.2f} s  cpu {bare_cpu:5.2f} s")
        print(
            f"(c) ocr_image (clean-up + OCR):         {ours_s:6.2f} s  cpu {ours_cpu:5.2f} s"
            f"  ({ours_s / bare_s:.2f}× bare)"
        )
        print(f"(d) read_upload (+ extract):            {full_s:6.2f} s  cpu {full_cpu:5.2f} s")
    scan = img.scanned_pdf(img.render_pdf(fx.msn_part_b_pdf(), pages=[0, 2]))
    scan_s, scan_cpu, _ = timed(1, lambda: read_upload(Upload(scan, "scan.pdf", Role.AUTO)))
    print(f"(e) scanned PDF, 2 pages, per page:     {scan_s / 2:6.2f} s  cpu {scan_cpu / 2:5.2f} s")
    worst = max(worst, scan_s / 2)
    within = worst <= TARGET_SECONDS
    print(
        f"target: a page in at most {TARGET_SECONDS:.0f} s: {'met' if within else 'MISSED'} "
        f"(slowest {worst:.2f} s)"
    )
    return 0 if within else 1


if __name__ == "__main__":
    raise SystemExit(main())
