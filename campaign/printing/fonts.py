"""Finding a Chinese font to embed in the PDFs, offline.

reportlab's built-in CID fonts (``STSong-Light``) are only *referenced*: a viewer or printer without CJK fonts
draws every character as an empty box. So the slips and badges embed a real TrueType font found on this host:
fontconfig's best match for Chinese first, then every font fontconfig lists for Chinese, then the Debian paths of
WenQuanYi. A candidate counts only if reportlab can load it (TrueType outlines, embedding allowed) and it has the
glyphs of our printed texts. With none, printing is refused with a message that names the package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from campaign.errors import Refused

#: The Debian package that makes printing work; named in the refusal.
FONT_PACKAGE = "fonts-wqy-microhei"
#: Point this at a ``.ttf``/``.ttc`` file to choose the font; it is then the only candidate.
FONT_ENV = "CHUANGYOU_CJK_FONT"
#: Where Debian's TrueType CJK packages put their fonts (index 0 of a collection is the proportional face).
KNOWN_PATHS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
)
#: Characters every printed slip and badge needs; fontconfig's "best match" may be a Latin font without them.
SAMPLE = "中文教师班级扫码评价有效期学校二维码满意"
_FC_TIMEOUT_S = 10


@dataclass(frozen=True)
class CjkFont:
    """A Chinese TrueType font registered with reportlab under ``name``."""

    name: str
    path: Path
    subfont: int


def cjk_font() -> CjkFont:
    """The Chinese font for PDFs, registered with reportlab; refuses ``printing.no_cjk_font`` if there is none."""
    for path, subfont in candidates():
        font = _load(path, subfont)
        if font is not None:
            return font
    raise Refused("printing.no_cjk_font", package=FONT_PACKAGE)


def candidates() -> Iterator[tuple[Path, int]]:
    """Font files to try, best first, as ``(path, index in the collection)``; may repeat."""
    chosen = os.environ.get(FONT_ENV)
    if chosen:
        yield Path(chosen), 0
        return
    yield from _fontconfig(["fc-match", "-f", "%{file}|%{index}\n", ":lang=zh-cn"])
    yield from _fontconfig(["fc-list", ":lang=zh-cn", "file", "index", "--format", "%{file}|%{index}\n"])
    for path in KNOWN_PATHS:
        yield path, 0


def _fontconfig(command: list[str]) -> Iterator[tuple[Path, int]]:
    program = shutil.which(command[0])
    if program is None:
        return
    try:
        done = subprocess.run(
            [program, *command[1:]], capture_output=True, text=True, timeout=_FC_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return
    for line in sorted(done.stdout.splitlines()) if command[0] == "fc-list" else done.stdout.splitlines():
        file, _, index = line.strip().partition("|")
        if file:
            yield Path(file), int(index) if index.isdigit() else 0


def _load(path: Path, subfont: int) -> CjkFont | None:
    try:
        return _register(str(path.resolve()), subfont)
    except (OSError, TTFError, ValueError, KeyError, IndexError, AssertionError):
        # Not there, not TrueType (CFF-flavoured OTF), embedding forbidden, or a damaged file: try the next.
        return None


@cache
def _register(path: str, subfont: int) -> CjkFont | None:
    font_name = f"CJK-{Path(path).stem}-{subfont}"
    font = TTFont(font_name, path, subfontIndex=subfont)
    glyphs = font.face.charToGlyph
    if any(ord(ch) not in glyphs for ch in SAMPLE):
        return None
    pdfmetrics.registerFont(font)
    return CjkFont(name=font_name, path=Path(path), subfont=subfont)
