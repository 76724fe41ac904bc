"""Backups of the whole store: consistent copies, rotated, verified, and restorable.

A backup is a directory ``backups/<stamp>[-reason]/`` holding a copy of ``store/`` and a ``manifest.json``.
Files are copied (not hard-linked), so damage to a live file can never reach its backup. The copy is made
without the lock, then checked against the live files under the lock and any file that changed meanwhile is
copied again, so the backup is one consistent moment while sign-ins wait only for the few re-copied files.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from . import journal
from .atomic import fsync_dir
from .errors import StoreError
from .perms import make_dirs, secure_tree

if TYPE_CHECKING:
    from .store import Store

MANIFEST = "manifest.json"
PARTIAL_PREFIX = ".partial-"
#: A partial copy older than this belongs to a backup that was killed (a running one finishes in seconds).
PARTIAL_MAX_AGE_S = 3600


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: str
    reason: str
    files: int
    schema: int | None


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _files(root: Path) -> dict[str, tuple[int, int, int, int]]:
    # ctime too: answers' files carry a day-granular mtime (storage/store.py), so mtime alone misses a rewrite.
    out: dict[str, tuple[int, int, int, int]] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            p = Path(dirpath) / name
            st = p.stat()
            out[os.fspath(p.relative_to(root))] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return out


def _copy_tree(src: Path, dst: Path, names: list[str]) -> None:
    for rel in names:
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, target)


def _fsync_tree(root: Path) -> None:
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            fd = os.open(Path(dirpath) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(dirpath))


def create_backup(store: Store, *, to: Path | None = None, reason: str = "manual", keep: int | None = None) -> Path:
    """Copy the store to a new backup directory (under ``to`` if given) and return its path.

    Backups in the store's own ``backups/`` are rotated down to the newest ``keep`` when ``keep`` is given.
    """
    parent = to if to is not None else store.backup_dir
    make_dirs(parent)
    make_dirs(store.backup_dir)
    name = f"{_stamp()}-{reason}" if to is None else f"chuangyou-backup-{_stamp()}"
    _sweep_partials(store)
    # Not under .tmp/: the lock's recovery empties .tmp/, and this copy is made without the lock.
    work = store.backup_dir / f"{PARTIAL_PREFIX}{name}"
    before = _files(store.dir)
    _copy_tree(store.dir, work / "store", list(before))
    with store.locked():
        now = _files(store.dir)
        changed = [rel for rel, sig in now.items() if before.get(rel) != sig]
        _copy_tree(store.dir, work / "store", changed)
        for rel in set(before) - set(now):
            (work / "store" / rel).unlink(missing_ok=True)
        schema = _schema_of(work / "store")
        manifest = {
            "created": datetime.now(UTC).isoformat(),
            "reason": reason,
            "files": len(now),
            "schema": schema,
        }
        (work / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        secure_tree(work)
        _fsync_tree(work)
        final = parent / name
        if to is None:
            os.replace(work, final)
        else:  # another filesystem, possibly: a plain copy, then the temporary copy goes
            shutil.copytree(work, final)
            secure_tree(final)
            _fsync_tree(final)
            shutil.rmtree(work)
        fsync_dir(parent)
    if keep is not None and to is None:
        rotate(store, keep)
    return final


def _sweep_partials(store: Store) -> None:
    """Remove what backups killed midway left behind (a partial copy has no manifest and is never listed)."""
    cutoff = datetime.now(UTC).timestamp() - PARTIAL_MAX_AGE_S
    try:
        entries = list(os.scandir(store.backup_dir))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name.startswith(PARTIAL_PREFIX) and entry.stat().st_mtime < cutoff:
            shutil.rmtree(entry.path, ignore_errors=True)


def _schema_of(store_dir: Path) -> int | None:
    try:
        meta = json.loads((store_dir / "meta.json").read_bytes())
        return int(meta["meta"]["1"]["schema"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def list_backups(store: Store) -> list[BackupInfo]:
    """The store's own backups, newest first."""
    out: list[BackupInfo] = []
    try:
        entries = list(os.scandir(store.backup_dir))
    except FileNotFoundError:
        return []
    for entry in entries:
        info = read_backup(Path(entry.path))
        if info is not None:
            out.append(info)
    out.sort(key=lambda b: b.path.name, reverse=True)
    return out


def read_backup(path: Path) -> BackupInfo | None:
    try:
        manifest = json.loads((path / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None
    if not (path / "store").is_dir():
        return None
    return BackupInfo(
        path,
        str(manifest.get("created", "")),
        str(manifest.get("reason", "")),
        int(manifest.get("files", 0)),
        manifest.get("schema"),
    )


def rotate(store: Store, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; return what was deleted."""
    doomed = [b.path for b in list_backups(store)[max(keep, 1) :]]
    for p in doomed:
        shutil.rmtree(p, ignore_errors=True)
    return doomed


def newest_good_backup(store: Store, damaged: Path) -> Path | None:
    """The newest backup whose copy of ``damaged`` (a file in the store) parses, or that lacks it."""
    rel = damaged.relative_to(store.dir) if damaged.is_relative_to(store.dir) else Path(damaged.name)
    for info in list_backups(store):
        copy = info.path / "store" / rel
        try:
            json.loads(copy.read_bytes())
        except FileNotFoundError:
            return info.path
        except (OSError, ValueError):
            continue
        return info.path
    return None


def verify_backup(path: Path) -> list[str]:
    """Problems with a backup directory (empty when every file in it parses)."""
    info = read_backup(path)
    if info is None:
        return [f"{path}: not a chuangyou backup (no {MANIFEST} or no store/)"]
    problems = []
    for dirpath, _dirs, names in os.walk(path / "store"):
        for name in names:
            p = Path(dirpath) / name
            try:
                json.loads(p.read_bytes())
            except ValueError as exc:
                problems.append(f"{p}: {exc}")
    return problems


def restore(store: Store, backup: Path, *, prepare: Callable[[Path], None] | None = None) -> Path:
    """Make ``backup`` the live store. The current store is moved (never deleted) into ``backups/``.

    ``prepare``, if given, is called under the lock with the staged copy of the backup's ``store/`` before the
    swap (the campaign merges the live audit log into it there).

    Returns where the replaced store was kept. Both directory moves happen through the journal, so a crash
    leaves either the old store or the restored one in place, never neither.
    """
    problems = verify_backup(backup)
    if problems:
        raise StoreError("; ".join(problems))
    with store.locked():
        staging = store.tmp_dir / f"restore-{_stamp()}"
        shutil.copytree(backup / "store", staging)
        if prepare is not None:
            prepare(staging)
        secure_tree(staging)
        _fsync_tree(staging)
        kept = store.backup_dir / f"{_stamp()}-replaced-by-restore"
        kept_store = kept / "store"
        kept.mkdir(parents=True)
        manifest = {
            "created": datetime.now(UTC).isoformat(),
            "reason": "replaced-by-restore",
            "files": len(_files(store.dir)),
            "schema": _schema_of(store.dir),
        }
        (kept / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        secure_tree(kept)
        _fsync_tree(kept)
        journal.commit_renames(store.root, store.tmp_dir, [(store.dir, kept_store), (staging, store.dir)])
        store.forget_snapshots()
    return kept
