"""A redo journal that makes a group of renames atomic as a whole.

A commit that replaces several files (a feedback answer and its used slip; a restore swapping directories)
first writes every new file, then durably records the planned renames in ``.journal``, then performs them
and deletes the journal. Whoever takes the lock next and finds a journal completes it (the renames after the
last one whose source is gone are redone), so either every rename happens or, if the journal was never written,
none does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from .atomic import atomic_write, fsync_dir
from .errors import StoreCorrupt

JOURNAL_NAME = ".journal"

Rename = tuple[Path, Path]


def _apply(renames: Sequence[Rename]) -> None:
    dirs: set[Path] = set()
    # Renames are made in order, so the last one whose source is gone shows how far an earlier attempt got: it
    # and all before it are done. (An earlier source can exist again: a restore's second rename puts the new
    # store/ where the first took the old one from; redoing the first would move the restored data away.)
    done = max((i for i, (src, _dst) in enumerate(renames) if not src.exists()), default=-1)
    for src, dst in renames[done + 1 :]:
        if src.is_dir() and dst.exists() and not any(src.iterdir()):
            # Done too: an opener re-created the empty store/ after it was moved (Store() makes it if missing);
            # renaming it over the moved one would fail with ENOTEMPTY at every start.
            src.rmdir()
            dirs.add(src.parent)
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
        dirs.add(dst.parent)
        dirs.add(src.parent)
    for d in sorted(dirs):
        if d.exists():
            fsync_dir(d)


def commit_renames(root: Path, tmp_dir: Path, renames: Sequence[Rename]) -> None:
    """Perform ``renames`` so that after a crash at any moment either all or none have happened."""
    journal = root / JOURNAL_NAME
    doc = {"renames": [[os.fspath(s.relative_to(root)), os.fspath(d.relative_to(root))] for s, d in renames]}
    atomic_write(journal, json.dumps(doc).encode(), tmp_dir)
    _apply(renames)
    journal.unlink()
    fsync_dir(root)


def recover(root: Path) -> bool:
    """Complete an interrupted group of renames, if any. Call only while holding the store's lock."""
    journal = root / JOURNAL_NAME
    try:
        raw = journal.read_bytes()
    except FileNotFoundError:
        return False
    try:
        doc = json.loads(raw)
        renames = [(root / s, root / d) for s, d in doc["renames"]]
    except (ValueError, KeyError, TypeError) as exc:
        # Written atomically, so this is damage from outside: stop rather than guess which renames to redo.
        raise StoreCorrupt(journal, f"unreadable commit journal: {exc}", None, data_dir=root) from exc
    _apply(renames)
    journal.unlink()
    fsync_dir(root)
    return True
