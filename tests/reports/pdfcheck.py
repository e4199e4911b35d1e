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
