"""The one place that makes a QR code: its module matrix, and the half-block rows a terminal shows.

A terminal cell is about twice as tall as it is wide, so one cell carries two modules: the upper half block
``▀`` drawn with the *foreground* colour = the top module and the *background* colour = the bottom module.
Every cell of the code, quiet zone included, is that same character in pure black and white, so the code reads
dark-on-light whatever the theme (``print_ascii``-style output draws a negative on dark themes and many phone
decoders give up on it). The PDF slips and badges draw the same matrix as squares.

No Textual or Rich here: the TUI widget maps :class:`HalfBlock` cells to its own styles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q

#: Decoders want at least four light modules around the code (ISO/IEC 18004).
QUIET_ZONE = 4
#: The character of every on-screen cell: its foreground is the top module, its background the bottom one.
HALF_BLOCK = "▀"
#: Pure black and white, as ``#rrggbb``: a named ANSI "black" would follow the terminal's palette.
DARK_RGB = "#000000"
LIGHT_RGB = "#ffffff"


class Correction(StrEnum):
    """How much of the code may be damaged and still read; higher levels make a bigger code."""

    LOW = "L"
    MEDIUM = "M"
    QUARTILE = "Q"
    HIGH = "H"


_LEVELS = {
    Correction.LOW: ERROR_CORRECT_L,
    Correction.MEDIUM: ERROR_CORRECT_M,
    Correction.QUARTILE: ERROR_CORRECT_Q,
    Correction.HIGH: ERROR_CORRECT_H,
}


@dataclass(frozen=True)
class QrMatrix:
    """A QR code as rows of modules (``True`` = dark), the quiet zone included; square."""

    data: str
    modules: tuple[tuple[bool, ...], ...]
    quiet_zone: int

    @property
    def size(self) -> int:
        """Modules per side, quiet zone included."""
        return len(self.modules)

    def dark(self, row: int, col: int) -> bool:
        """Whether the module at ``row``, ``col`` is dark; outside the matrix is light (more quiet zone)."""
        if 0 <= row < self.size and 0 <= col < self.size:
            return self.modules[row][col]
        return False


@dataclass(frozen=True)
class HalfBlock:
    """One terminal cell: :data:`HALF_BLOCK` with the top module as foreground, the bottom one as background."""

    top_dark: bool
    bottom_dark: bool


def qr_matrix(data: str, *, correction: Correction = Correction.MEDIUM, quiet_zone: int = QUIET_ZONE) -> QrMatrix:
    """The QR code of ``data`` (the smallest version that holds it) with a quiet zone of ``quiet_zone`` modules.

    A quiet zone below :data:`QUIET_ZONE` is raised to it: codes without one fail to decode.
    """
    return _matrix(data, correction, max(quiet_zone, QUIET_ZONE))


@lru_cache(maxsize=64)
def _matrix(data: str, correction: Correction, quiet_zone: int) -> QrMatrix:
    code = qrcode.QRCode(error_correction=_LEVELS[correction], border=quiet_zone)
    code.add_data(data)
    code.make(fit=True)
    rows = tuple(tuple(bool(module) for module in row) for row in code.get_matrix())
    return QrMatrix(data=data, modules=rows, quiet_zone=quiet_zone)


def half_block_rows(matrix: QrMatrix) -> list[list[HalfBlock]]:
    """The code as terminal rows: ``ceil(size / 2)`` rows of ``size`` cells, each two modules tall.

    An odd last row gets a light bottom half (one more quiet-zone module).
    """
    return [
        [HalfBlock(matrix.dark(row, col), matrix.dark(row + 1, col)) for col in range(matrix.size)]
        for row in range(0, matrix.size, 2)
    ]


def half_block_size(matrix: QrMatrix) -> tuple[int, int]:
    """(columns, rows) of terminal cells the code needs."""
    return matrix.size, (matrix.size + 1) // 2


def dark_runs(matrix: QrMatrix) -> list[tuple[int, int, int]]:
    """Every horizontal run of dark modules as ``(row, first column, length)``.

    Drawing runs instead of single squares leaves no hairline seams between neighbouring modules when a PDF
    is rasterised with anti-aliasing.
    """
    runs: list[tuple[int, int, int]] = []
    for r, row in enumerate(matrix.modules):
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                runs.append((r, start, col - start))
            else:
                col += 1
    return runs
