"""Reading a generated PDF the way a reviewer would: its text, page sizes and fonts."""

import io
import subprocess
import tempfile
from pathlib import Path

from pypdf import PdfReader


def pdf_text(data: bytes, *, layout=False) -> str:
    """The text in reading order (or laid out like the page, for tables)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        args = ["pdftotext", *(["-layout"] if layout else []), handle.name, "-"]
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def page_sizes(data: bytes):
    """(width, height) of every page, in millimetres, rounded."""
    reader = PdfReader(io.BytesIO(data))
    return [
        (round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72)) for p in reader.pages
    ]


def font_names(data: bytes):
    """The base names of every font used on every page (subset prefix removed)."""
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def font_covers_vietnamese(path: Path) -> bool:
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(path)).getBestCmap()
    return all(code in cmap for code in range(0x1EA0, 0x1EFA))


PT_TO_MM = 25.4 / 72


def glyph_extents(data: bytes):
    """For every page: (page width, page height, left, top, right, bottom) in millimetres, the
    margins measured from the words actually printed (pdftotext -bbox), the page number in the
    top margin left out."""
    import re

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        html = subprocess.run(
            ["pdftotext", "-bbox", handle.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        width, height = float(page.group(1)), float(page.group(2))
        boxes = [
            tuple(float(v) for v in m.groups())
            for m in re.finditer(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page.group(3)
            )
        ]
        body = [b for b in boxes if b[1] * PT_TO_MM > 18] or boxes
        if not body:
            pages.append((width * PT_TO_MM, height * PT_TO_MM, None, None, None, None))
            continue
        pages.append(
            (
                width * PT_TO_MM,
                height * PT_TO_MM,
                min(b[0] for b in body) * PT_TO_MM,
                min(b[1] for b in body) * PT_TO_MM,
                (width - max(b[2] for b in body)) * PT_TO_MM,
                (height - max(b[3] for b in body)) * PT_TO_MM,
            )
        )
    return pages
