"""bench/RESULTS.md is written by the benchmarks: sections replaced in place, none written by hand."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from bench.__main__ import benches
from bench.results import RESULTS, section_titles, write_section


def test_a_section_is_replaced_in_place_and_the_others_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    write_section("Kiosk", "python -m bench.kiosk", "first run\n\n### detail\n\nx", path=path)
    write_section("Store", "python -m bench.store", "store figures", path=path)
    write_section("Kiosk", "python -m bench.kiosk", "second run", path=path)
    text = path.read_text(encoding="utf-8")
    assert section_titles(path) == ["Kiosk", "Store"]
    assert "second run" in text and "first run" not in text and "### detail" not in text
    assert "store figures" in text
    # Every section says when and under what load it was measured.
    assert text.count("load average") == 2


def test_a_body_cannot_smuggle_in_a_section_of_its_own(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="## "):
        write_section("Kiosk", "python -m bench.kiosk", "## Store\n\nforged", path=tmp_path / "RESULTS.md")


def test_every_section_of_results_is_written_by_a_benchmark() -> None:
    owned = {
        getattr(importlib.import_module(name), "SECTION", None) for name in benches()
    }  # each benchmark names the section it writes
    titles = section_titles(RESULTS)
    assert titles, "bench/RESULTS.md has no sections"
    assert set(titles) <= owned, f"sections no benchmark writes: {sorted(set(titles) - owned)}"
