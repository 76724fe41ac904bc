"""Backups of the whole store: consistent copies, verified before they count, rotated safely, and restorable.

A backup is a directory ``backups/<stamp>-<reason>/`` (or ``DIR/chuangyou-backup-<stamp>/`` with ``--to``) holding
a copy of ``store/`` and a ``manifest.json`` with every file's SHA-256. Files are copied (not hard-linked), so
damage to a live file can never reach its backup.

The store's lock is held only for a moment: the files are copied without it (a file the store writes is replaced
by a rename, never changed in place, so a copy is of one version of it); then, under the lock, every file is
stat'ed and the few that changed meanwhile are read into memory; the lock is released before anything is written
out. Writing, fsync and verification (every file re-read, checksummed and parsed) happen without the lock, so a
backup to a slow USB stick never makes a sign-in wait. The manifest is written last: a directory without one is
a partial copy and never counts.

Rotation keeps the newest verified good backup always, plus good daily, weekly and monthly copies; copies kept by
a restore ("replaced-by-restore") and taken before a migration are never rotated.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import journal
from .atomic import fsync_dir
from .backup_files import (
    MAX_TOTAL_BYTES,
    Unsafe,
    checksum,
    document,
    read_regular,
    record_problems,
    schema_problem,
    walk,
)
from .errors import BackupInvalid, BackupRefused
from .perms import make_dirs, secure_tree

if TYPE_CHECKING:
    from .store import Store

MANIFEST = "manifest.json"
#: Manifests with per-file checksums, written after the copy verified.
FORMAT = 2
PARTIAL_PREFIX = ".partial-"
#: A partial copy older than this belongs to a backup that was killed (a running one finishes in minutes).
PARTIAL_MAX_AGE_S = 3600
REPLACED = "replaced-by-restore"
BEFORE_MIGRATION = "before-migration-v"
#: Good copies rotation keeps beyond the daily ones: one a week for this many weeks, one a month for this many months.
KEEP_WEEKS = 8
KEEP_MONTHS = 12

Signature = tuple[int, int, int, int]


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: str
    reason: str
    files: int
    schema: int | None
    #: Verified when it was made: every file re-read, checksummed and parsed (format 2 manifests).
    verified: bool = False

    @property
    def apart(self) -> bool:
        """Kept apart from rotation: the store a restore replaced, or the store before a migration."""
        return self.reason == REPLACED or self.reason.startswith(BEFORE_MIGRATION)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _signature(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


# ---------------------------------------------------------------------------------------------- copying
def _read_live(path: Path, pin: Path | None = None) -> tuple[bytes, Signature, bool]:
    """A live file's bytes, the identity of the version read, and whether that version is pinned (hard-linked at
    ``pin``, so its inode number cannot be reused while the backup runs). One place, so tests can slow or
    interrupt it."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read()
        pinned = pin is not None and _pin(fd, pin)
    finally:
        os.close(fd)
    return data, _signature(st), pinned


def _pin(fd: int, pin: Path) -> bool:
    """Hard-link the open file ``fd`` (exactly the version read, whatever its name points to now) at ``pin``."""
    try:
        pin.parent.mkdir(parents=True, exist_ok=True)
        root = os.open("/", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.link(f"proc/self/fd/{fd}", pin, src_dir_fd=root, follow_symlinks=True)
        finally:
            os.close(root)
    except OSError:  # no /proc, another filesystem, protected hard links: the file is checked by stat instead
        return False
    return True


def _write_out(path: Path, data: bytes) -> None:
    """Write one file of a backup (one place, so benchmarks can simulate a slow medium); :func:`_flush` makes the
    whole copy durable at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o660)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _flush(root: Path) -> None:
    """Make every file written under ``root`` durable, then its directories' entries.

    One ``sync`` for the whole copy instead of an fsync per file: on a USB stick each fsync costs tens of
    milliseconds, and a store has thousands of files. (Linux's sync waits until the data is written.)
    """
    os.sync()
    for dirpath, _dirs, _names in os.walk(root):
        fsync_dir(Path(dirpath))


def _changed_since(store_dir: Path, copy: _Copy) -> tuple[list[str], set[str]]:
    """Under the lock: the files that are not the version ``copy`` holds, and every file's name.

    A pinned version (see :func:`_read_live`) is recognised by its inode number from the directory listing alone,
    without a ``stat``: its number cannot have been given to another file meanwhile, and the store never changes a
    file in place. Other files are compared by ``stat``. A store has thousands of files; this is most of the time
    a backup keeps writers waiting.
    """
    changed: list[str] = []
    names: set[str] = set()
    for rel, entry in _store_files(store_dir):
        names.add(rel)
        held = copy.signatures.get(rel)
        if held is None:
            changed.append(rel)
            continue
        if rel in copy.pinned and entry.inode() == held[0]:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            names.discard(rel)
            continue
        same = st.st_ino == held[0] if rel in copy.pinned else _signature(st) == held
        if not same:
            changed.append(rel)
    return changed, names


def _store_files(store_dir: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file under ``store_dir`` as (relative path, directory entry): no ``Path`` objects, no stat beyond
    what scandir gives (it runs under the lock; a store has thousands of files)."""
    pending = [("", os.fspath(store_dir))]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                pending.append((f"{prefix}{entry.name}/", entry.path))
            else:
                yield prefix + entry.name, entry


def _live_signatures(store_dir: Path) -> dict[str, Signature]:
    """Every file of the store by relative path, with its identity. Runs under the lock: one ``lstat`` per file,
    no ``Path`` objects (a store has thousands of files)."""
    out: dict[str, Signature] = {}
    for rel, entry in _store_files(store_dir):
        try:
            out[rel] = _signature(entry.stat(follow_symlinks=False))
        except FileNotFoundError:
            continue
    return out


@dataclass
class _Copy:
    """A backup being made: for each file, the version copied and its checksum; and the damaged ones."""

    work: Path
    signatures: dict[str, Signature]
    checksums: dict[str, str]
    damaged: dict[str, str]
    pinned: set[str] = field(default_factory=set)
    schema: int | None = None

    def take(self, rel: str, data: bytes, sig: Signature, pinned: bool = False) -> None:
        if pinned:
            self.pinned.add(rel)
        else:
            self.pinned.discard(rel)
        try:
            doc = document(data)
            problems = record_problems(rel, doc)
            if problems:
                raise ValueError("; ".join(problems))
        except ValueError as exc:
            self.damaged[rel] = str(exc)
        else:
            self.damaged.pop(rel, None)
            if rel == "meta.json":
                self.schema = _schema_in(doc)
        self.signatures[rel] = sig
        self.checksums[rel] = checksum(data)
        _write_out(self.work / "store" / rel, data)


def _schema_in(meta: dict[str, Any]) -> int | None:
    try:
        (stamp,) = meta["meta"].values()
        return int(stamp["schema"])
    except (KeyError, ValueError, TypeError, AttributeError):
        return None


def create_backup(store: Store, *, to: Path | None = None, reason: str = "manual", keep: int | None = None) -> Path:
    """Copy the store to a new, verified backup directory (under ``to`` if given) and return its path.

    Refuses (:class:`BackupRefused`, nothing kept) when a live file is damaged — such a copy would be no good — or
    when the copy does not verify. Backups in the store's own ``backups/`` are rotated (:func:`rotate`) when
    ``keep`` is given.
    """
    parent = to if to is not None else store.backup_dir
    make_dirs(parent)
    make_dirs(store.backup_dir)
    name = f"{_stamp()}-{reason}" if to is None else f"chuangyou-backup-{_stamp()}"
    for folder in {parent, store.backup_dir}:  # also the pins and restores a killed process left
        _sweep_partials(folder)
    # Not under .tmp/: the lock's recovery empties .tmp/, and this copy is made without the lock.
    work = parent / f"{PARTIAL_PREFIX}{name}"
    # Hard links to the versions copied, on the store's filesystem (see _read_live); removed at the end.
    pins = store.backup_dir / f"{PARTIAL_PREFIX}pins-{_stamp()}"
    copy = _Copy(work, {}, {}, {})
    try:
        for rel in _live_signatures(store.dir):  # without the lock
            try:
                data, sig, pinned = _read_live(store.dir / rel, pins / rel)
            except FileNotFoundError:
                continue
            copy.take(rel, data, sig, pinned)
        with store.locked():  # a moment: list the files, read the few that changed meanwhile into memory
            stale, now = _changed_since(store.dir, copy)
            changed = {rel: _read_live(store.dir / rel) for rel in stale}
        shutil.rmtree(pins, ignore_errors=True)
        for rel, (data, sig, _pinned) in changed.items():  # the lock is released: write them out
            copy.take(rel, data, sig)
        for rel in set(copy.signatures) - set(now):
            (work / "store" / rel).unlink(missing_ok=True)
            del copy.signatures[rel], copy.checksums[rel]
            copy.damaged.pop(rel, None)
        if copy.damaged:
            damaged = [f"{store.dir / rel}: {detail}" for rel, detail in sorted(copy.damaged.items())]
            raise BackupRefused(damaged, damaged_store=True)
        _flush(work)  # verified as it is on the medium (as far as the page cache lets us see)
        problems = _verify_files(work / "store", copy.checksums)
        if problems:
            raise BackupRefused(problems, damaged_store=False)
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(),
            "reason": reason,
            "files": len(copy.checksums),
            "schema": copy.schema,
            "checksums": dict(sorted(copy.checksums.items())),
        }
        _write_out(work / MANIFEST, json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
        secure_tree(work)
        _flush(work)
        final = parent / name
        os.replace(work, final)
        fsync_dir(parent)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(pins, ignore_errors=True)
        raise
    if keep is not None and to is None:
        rotate(store, keep)
    return final


def _verify_files(root: Path, checksums: dict[str, str]) -> list[str]:
    """Re-read every file of a copy: present, regular, its checksum that of the bytes that were read from the store
    and parsed there (so they need not be parsed again)."""
    problems = []
    files, unsafe = walk(root)
    problems += unsafe
    for rel in sorted(set(checksums) - set(files)):
        problems.append(f"{root / rel}: missing")
    for rel in files:
        path = root / rel
        expected = checksums.get(rel)
        if expected is None:
            problems.append(f"{path}: not in the manifest")
            continue
        try:
            data = read_regular(path)
        except (Unsafe, OSError) as exc:
            problems.append(f"{path}: {exc}")
            continue
        if checksum(data) != expected:
            problems.append(f"{path}: checksum does not match the manifest")
    return problems


def _sweep_partials(parent: Path) -> None:
    """Remove what backups killed midway left behind (a partial copy has no manifest and is never listed)."""
    cutoff = datetime.now(UTC).timestamp() - PARTIAL_MAX_AGE_S
    try:
        entries = list(os.scandir(parent))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name.startswith(PARTIAL_PREFIX) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
            shutil.rmtree(entry.path, ignore_errors=True)


def _schema_of(store_dir: Path) -> int | None:
    try:
        return _schema_in(json.loads((store_dir / "meta.json").read_bytes()))
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------- listing
def list_backups(store: Store) -> list[BackupInfo]:
    """The store's own backups, newest first."""
    return list(iter_backups(store))


def iter_backups(store: Store) -> Iterator[BackupInfo]:
    """The store's own backups, newest first, each manifest read only when reached (a manifest lists every file's
    checksum: ~3 MB at stress, and a month of rotation keeps ~30 backups)."""
    try:
        entries = sorted(os.scandir(store.backup_dir), key=lambda e: e.name, reverse=True)
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name.startswith(PARTIAL_PREFIX) or entry.is_symlink():
            continue
        info = read_backup(Path(entry.path))
        if info is not None:
            yield info


def _manifest(path: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads(read_regular(path / MANIFEST, limit=16 * 1024 * 1024))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def read_backup(path: Path) -> BackupInfo | None:
    manifest = _manifest(path)
    if manifest is None or path.is_symlink() or not (path / "store").is_dir() or (path / "store").is_symlink():
        return None
    checksums = manifest.get("checksums")
    schema = manifest.get("schema")
    try:
        files = int(manifest.get("files", 0))
    except (TypeError, ValueError):
        files = 0
    return BackupInfo(
        path,
        str(manifest.get("created", "")),
        str(manifest.get("reason", "")),
        files,
        schema if isinstance(schema, int) else None,
        manifest.get("format") == FORMAT and isinstance(checksums, dict),
    )


# ---------------------------------------------------------------------------------------------- rotation
def _created(info: BackupInfo) -> datetime:
    try:
        when = datetime.fromisoformat(info.created)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def keep_set(backups: list[BackupInfo], keep: int, now: datetime | None = None) -> set[Path]:
    """The backups rotation keeps (``backups`` newest first): every copy kept apart; the newest verified good one;
    the newest good one of each of the ``keep`` latest days that have one, of each week of the last
    :data:`KEEP_WEEKS` weeks and of each month of the last :data:`KEEP_MONTHS` months; and unverified
    (older-format) copies among the newest ``keep`` of all."""
    now = now or datetime.now(UTC)
    kept = {b.path for b in backups if b.apart}
    good = [b for b in backups if b.verified and not b.apart]
    if good:
        kept.add(good[0].path)
    days: set[str] = set()
    for b in good:
        day = _created(b).strftime("%Y-%m-%d")
        if day not in days and len(days) < max(keep, 1):
            days.add(day)
            kept.add(b.path)
    for period, window in (("%G-W%V", timedelta(weeks=KEEP_WEEKS)), ("%Y-%m", timedelta(days=31 * KEEP_MONTHS))):
        seen: set[str] = set()
        for b in good:
            created = _created(b)
            key = created.strftime(period)
            if key not in seen and now - created <= window:
                seen.add(key)
                kept.add(b.path)
    rotated = [b for b in backups if not b.apart]
    kept |= {b.path for b in rotated[: max(keep, 1)] if not b.verified}
    return kept


def rotate(store: Store, keep: int) -> list[Path]:
    """Delete the backups :func:`keep_set` does not keep; return what was deleted. Never the newest good one."""
    backups = list_backups(store)
    kept = keep_set(backups, keep)
    doomed = [b.path for b in backups if b.path not in kept]
    for p in doomed:
        shutil.rmtree(p, ignore_errors=True)
    return doomed


def newest_good_backup(store: Store, damaged: Path) -> Path | None:
    """The newest verified backup whose copy of ``damaged`` (a file in the store) parses, or that lacks it."""
    rel = damaged.relative_to(store.dir) if damaged.is_relative_to(store.dir) else Path(damaged.name)
    for info in list_backups(store):
        if not info.verified or info.reason == REPLACED:
            continue
        copy = info.path / "store" / rel
        try:
            document(read_regular(copy))
        except FileNotFoundError:
            return info.path
        except (Unsafe, OSError, ValueError):
            continue
        return info.path
    return None


def _matches_live(store: Store, info: BackupInfo) -> bool:
    """Whether a verified backup holds exactly the live store's files (by checksum)."""
    manifest = _manifest(info.path) or {}
    checksums = manifest.get("checksums")
    if not info.verified or not isinstance(checksums, dict):
        return False
    live = _live_signatures(store.dir)
    if set(live) != set(checksums):
        return False
    try:
        return all(checksum(_read_live(store.dir / rel)[0]) == checksums[rel] for rel in live)
    except OSError:
        return False


def before_migration_backup(store: Store, version: int) -> Path:
    """The backup of the store before migrating it from schema ``version``: at most one per version.

    A program that fails to migrate and is restarted again and again (systemd's ``Restart=on-failure``) reuses the
    copy it made the first time, as long as the store is unchanged; a newer copy replaces an older one only once
    it verified. No other backup is touched.
    """
    reason = f"{BEFORE_MIGRATION}{version}"
    earlier = [b for b in list_backups(store) if b.reason == reason]
    with store.locked():  # nobody writes while the store is compared with the copy
        for info in earlier:
            if _matches_live(store, info):
                return info.path
    made = create_backup(store, reason=reason)
    for info in earlier:
        shutil.rmtree(info.path, ignore_errors=True)
    return made


# ---------------------------------------------------------------------------------------------- verify, restore
def verify_backup(path: Path) -> list[str]:
    """Problems with a backup directory (empty when it may be restored): every file regular, not too large, its
    checksum as in the manifest, parsing as a TinyDB document; a schema this program knows; records that decode."""
    from .schema import CURRENT_SCHEMA

    if path.is_symlink() or (path / "store").is_symlink():
        return [f"{path}: a symbolic link"]
    manifest = _manifest(path)
    if manifest is None or not (path / "store").is_dir():
        return [f"{path}: not a chuangyou backup (no {MANIFEST} or no store/)"]
    root = path / "store"
    files, problems = walk(root)
    checksums = manifest.get("checksums") if manifest.get("format") == FORMAT else None
    if isinstance(checksums, dict):
        problems += [f"{root / rel}: missing" for rel in sorted(set(checksums) - set(files))]
    total = 0
    meta: dict[str, Any] | None = None
    for rel in files:
        p = root / rel
        if not rel.endswith(".json"):
            problems.append(f"{p}: unexpected file")
            continue
        try:
            data = read_regular(p)
        except (Unsafe, OSError) as exc:
            problems.append(f"{p}: {exc}")
            continue
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            problems.append(f"{root}: larger than {MAX_TOTAL_BYTES} bytes")
            break
        if isinstance(checksums, dict) and checksums.get(rel) != checksum(data):
            problems.append(f"{p}: checksum does not match the manifest")
            continue
        try:
            doc = document(data)
        except ValueError as exc:
            problems.append(f"{p}: {exc}")
            continue
        problems += record_problems(rel, doc)
        if rel == "meta.json":
            meta = doc
    if not problems:
        schema = schema_problem(meta, CURRENT_SCHEMA)
        if schema:
            problems.append(f"{root / 'meta.json'}: {schema}")
    return problems


def restore(store: Store, backup: Path, *, prepare: Callable[[Path], None] | None = None) -> Path:
    """Make ``backup`` the live store. The current store is moved (never deleted) into ``backups/``.

    ``prepare``, if given, is called under the lock with the staged copy of the backup's ``store/`` before the
    swap (the campaign merges the live audit log into it there).

    Refuses (:class:`BackupInvalid`, nothing changed) a backup that does not verify (:func:`verify_backup`). The
    files are copied without the lock (each read safely and checked against the manifest again as it is copied);
    the lock is held only for the two directory moves, which happen through the journal, so a crash leaves
    either the old store or the restored one in place, never neither. Returns where the replaced store was kept.
    """
    problems = verify_backup(backup)
    if problems:
        raise BackupInvalid(backup, problems)
    manifest = _manifest(backup) or {}
    checksums = manifest.get("checksums") if manifest.get("format") == FORMAT else None
    make_dirs(store.backup_dir)
    staging = store.backup_dir / f"{PARTIAL_PREFIX}restore-{_stamp()}"
    try:
        files, unsafe = walk(backup / "store")
        late: list[str] = list(unsafe)
        for rel in files:
            data = read_regular(backup / "store" / rel)
            if isinstance(checksums, dict) and checksums.get(rel) != checksum(data):
                late.append(f"{backup / 'store' / rel}: changed while it was restored")
            _write_out(staging / "store" / rel, data)
        if late:
            raise BackupInvalid(backup, late)
        _flush(staging)
        with store.locked():
            if prepare is not None:
                # Under the lock, so what it merges in (the live audit log) is current; then flushed again.
                prepare(staging / "store")
                _flush(staging)
            secure_tree(staging)
            kept = store.backup_dir / f"{_stamp()}-{REPLACED}"
            kept.mkdir(parents=True)
            manifest = {
                "created": datetime.now(UTC).isoformat(),
                "reason": REPLACED,
                "files": len(_live_signatures(store.dir)),
                "schema": _schema_of(store.dir),
            }
            _write_out(kept / MANIFEST, json.dumps(manifest).encode())
            fd = os.open(kept / MANIFEST, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            secure_tree(kept)
            fsync_dir(kept)
            journal.commit_renames(
                store.root, store.tmp_dir, [(store.dir, kept / "store"), (staging / "store", store.dir)]
            )
            store.forget_snapshots()
    finally:
        # Unless a commit journal still names it: then the next lock holder finishes moving it into place.
        if not (store.root / journal.JOURNAL_NAME).exists():
            shutil.rmtree(staging, ignore_errors=True)
    return kept


__all__ = [
    "FORMAT",
    "MANIFEST",
    "REPLACED",
    "BackupInfo",
    "before_migration_backup",
    "create_backup",
    "iter_backups",
    "keep_set",
    "list_backups",
    "newest_good_backup",
    "read_backup",
    "restore",
    "rotate",
    "verify_backup",
]
