"""Shared by the printing tests: render a PDF with poppler, decode QR codes with zxing-cpp and zbar, read words."""

from __future__ import annotations

import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image

from tests.tools import require_tool

#: Resolution of the rendered pages: about what an office scanner or a phone sees of a printed slip.
DPI = 150
PT_PER_PX = 72 / DPI


@dataclass(frozen=True)
class Decoded:
    """A decoded QR code and its bounding box in PDF points (origin top left, like pdftotext)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    left: float
    top: float
    right: float
    bottom: float


def render_pages(pdf: Path, folder: Path) -> list[Path]:
    """Every page of ``pdf`` as a grey PNG at :data:`DPI` (poppler's pdftoppm), in page order."""
    pdftoppm = require_tool("pdftoppm", "Debian package poppler-utils")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([pdftoppm, "-r", str(DPI), "-gray", "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def decode_zxing(png: Path, *, try_invert: bool = True) -> list[Decoded]:
    """Every QR code zxing-cpp finds in ``png``, with its box in points."""
    found = zxingcpp.read_barcodes(
        Image.open(png), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode), try_invert=try_invert
    )
    out = []
    for code in found:
        corners = [code.position.top_left, code.position.top_right, code.position.bottom_left]
        corners.append(code.position.bottom_right)
        xs, ys = [p.x for p in corners], [p.y for p in corners]
        out.append(Decoded(code.text, *(v * PT_PER_PX for v in (min(xs), min(ys), max(xs), max(ys)))))
    return out


def decode_zbar(png: Path) -> list[str]:
    """Every QR code zbar finds in ``png`` (without trying inverted codes)."""
    zbarimg = require_tool("zbarimg", "Debian package zbar-tools")
    done = subprocess.run([zbarimg, "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)], capture_output=True)
    return done.stdout.decode("utf-8").splitlines()


def cells(png: Path, folder: Path, *, margin_pt: float, columns: int, rows: int) -> list[Path]:
    """Cut a rendered page into its slips or badges (row by row), as a person with scissors would."""
    page = Image.open(png)
    scale = 1 / PT_PER_PX
    left, top = margin_pt * scale, margin_pt * scale
    width = (page.width - 2 * left) / columns
    height = (page.height - 2 * top) / rows
    out = []
    for row in range(rows):
        for col in range(columns):
            box = (left + col * width, top + row * height, left + (col + 1) * width, top + (row + 1) * height)
            path = folder / f"{png.stem}-cell-{row}-{col}.png"
            page.crop(box).save(path)
            out.append(path)
    return out


def pdf_words(pdf: Path) -> list[Word]:
    """Every word poppler extracts from ``pdf``, with its box in points."""
    pdftotext = require_tool("pdftotext", "Debian package poppler-utils")
    xhtml = subprocess.run([pdftotext, "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    words: list[Word] = []
    for page, body in enumerate(xhtml.split("<page ")[1:], start=1):
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body
        ):
            x0, y0, x1, y1 = (float(v) for v in m.groups()[:4])
            words.append(Word(page, html.unescape(m.group(5)), x0, y0, x1, y1))
    return words


def pdf_text(pdf: Path) -> str:
    pdftotext = require_tool("pdftotext", "Debian package poppler-utils")
    return subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout


def pdf_fonts(pdf: Path) -> list[dict[str, str]]:
    """``pdffonts`` as rows: name, type, emb."""
    pdffonts = require_tool("pdffonts", "Debian package poppler-utils")
    lines = subprocess.run([pdffonts, str(pdf)], capture_output=True, check=True, text=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name, type words..., encoding, emb, sub, uni, object, generation
        rows.append({"name": parts[0], "emb": parts[-5], "type": " ".join(parts[1:-6])})
    return rows


def page_count(pdf: Path) -> int:
    pdfinfo = require_tool("pdfinfo", "Debian package poppler-utils")
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, check=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert match
    return int(match.group(1))
