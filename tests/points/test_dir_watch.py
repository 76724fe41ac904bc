"""The directory watch: names of replaced files, a replaced directory, and the fallback without inotify."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from campaign import dir_watch

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux only")


def test_a_renamed_file_is_reported_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "attendance"
    folder.mkdir()
    w = dir_watch.watch(folder)
    assert w is not None
    try:
        assert w.changes() == set()
        (tmp_path / "x.tmp").write_text("{}")
        os.replace(tmp_path / "x.tmp", folder / "3-07.json")
        (folder / "4-01.json").write_text("{}")
        assert w.changes() == {"3-07.json", "4-01.json"}
        assert w.changes() == set()
        (folder / "4-01.json").unlink()
        assert w.changes() == {"4-01.json"}
    finally:
        w.close()


def test_a_directory_replaced_under_the_watch_is_noticed(tmp_path: Path) -> None:
    store = tmp_path / "store"
    (store / "attendance").mkdir(parents=True)
    w = dir_watch.watch(store / "attendance")
    assert w is not None
    try:
        os.rename(store, tmp_path / "kept")  # what a restore does: the parent moves, the watched folder does not
        (tmp_path / "store" / "attendance").mkdir(parents=True)
        assert w.changes() is None and w.broken
    finally:
        w.close()


def test_no_watch_for_a_missing_directory(tmp_path: Path) -> None:
    assert dir_watch.watch(tmp_path / "nothing") is None
