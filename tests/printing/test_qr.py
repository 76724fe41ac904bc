"""The one QR maker: its matrix, the half-block rows a terminal shows, the runs a PDF draws."""

from __future__ import annotations

import tomllib
from pathlib import Path

import zxingcpp
from PIL import Image

import campaign
from campaign.i18n import placeholders
from campaign.qr import QUIET_ZONE, dark_runs, half_block_rows, half_block_size, qr_matrix

URL = "http://192.168.1.20:8080/f/K7QM2XHD9RTWP"


def _image(modules: list[list[bool]], scale: int = 6) -> Image.Image:
    size = len(modules)
    image = Image.new("L", (size * scale, size * scale), 255)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                image.paste(0, (c * scale, r * scale, (c + 1) * scale, (r + 1) * scale))
    return image


def test_the_matrix_decodes_and_has_a_quiet_zone_of_four_modules() -> None:
    matrix = qr_matrix(URL)
    assert matrix.quiet_zone == QUIET_ZONE == 4
    edge = [*matrix.modules[:4], *matrix.modules[-4:], *(row[:4] for row in matrix.modules)]
    edge += [row[-4:] for row in matrix.modules]
    assert not any(any(part) for part in edge)
    assert all(len(row) == matrix.size for row in matrix.modules)
    decoded = zxingcpp.read_barcodes(_image([list(r) for r in matrix.modules]), try_invert=False)
    assert [d.text for d in decoded] == [URL]


def test_a_smaller_quiet_zone_is_raised_to_four() -> None:
    assert qr_matrix(URL, quiet_zone=1).quiet_zone == QUIET_ZONE
    assert qr_matrix(URL, quiet_zone=6).quiet_zone == 6


def test_a_slip_url_stays_a_small_code() -> None:
    # 37 modules with the quiet zone: 37 x 19 terminal cells, inside an 80 x 24 terminal.
    assert half_block_size(qr_matrix(URL)) == (37, 19)


def test_half_blocks_carry_every_module_once() -> None:
    matrix = qr_matrix("T001")
    rows = half_block_rows(matrix)
    assert len(rows) == (matrix.size + 1) // 2
    rebuilt = [[cell.top_dark for cell in row] for row in rows] + [[cell.bottom_dark for cell in row] for row in rows]
    ordered = [rebuilt[i // 2 + (len(rows) if i % 2 else 0)] for i in range(matrix.size)]
    assert ordered == [list(row) for row in matrix.modules]
    if matrix.size % 2:  # the extra half row below the code is light (more quiet zone)
        assert not any(cell.bottom_dark for cell in rows[-1])


def test_dark_runs_paint_exactly_the_dark_modules() -> None:
    matrix = qr_matrix(URL)
    painted = [[False] * matrix.size for _ in range(matrix.size)]
    for row, col, length in dark_runs(matrix):
        for c in range(col, col + length):
            assert not painted[row][c]
            painted[row][c] = True
    assert painted == [list(row) for row in matrix.modules]


def test_the_printing_catalogs_have_the_same_keys_and_placeholders() -> None:
    folder = Path(campaign.__file__).parent / "locales"
    zh = tomllib.loads((folder / "zh_CN" / "printing.toml").read_text(encoding="utf-8"))
    en = tomllib.loads((folder / "en" / "printing.toml").read_text(encoding="utf-8"))
    assert zh.keys() == en.keys()
    for key in zh:
        assert placeholders(zh[key]) == placeholders(en[key]), key
