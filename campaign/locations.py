"""Every path the program uses, in one place."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

DATA_DIR_ENV = "CHUANGYOU_DATA_DIR"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir``, else ``$CHUANGYOU_DATA_DIR``, else the platform's user data directory."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(user_data_dir("chuangyou", appauthor=False))


def exports_dir(root: Path) -> Path:
    return root / "exports"
