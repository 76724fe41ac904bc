"""The one place exports go: a file name (or relative path) lands in ``<data dir>/exports/``; an absolute path is
kept. Every screen and command shows the full path it wrote (issue 8: "one export location, and the full path")."""

from __future__ import annotations

from pathlib import Path

from .context import Campaign
from .locations import exports_dir


def export_folder(c: Campaign) -> Path:
    """``<data dir>/exports/``, absolute (not created)."""
    return exports_dir(Path(c.store.root)).resolve()


def export_path(c: Campaign, given: str | Path) -> Path:
    """Where an export named ``given`` is written, absolute. The exports folder is created when needed; a folder
    the secretary named explicitly must exist (a typo there is refused where the file is written)."""
    path = Path(given).expanduser()
    if path.is_absolute():
        return path.resolve()
    path = (export_folder(c) / path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
