"""The store: TinyDB JSON partitions that several processes share safely.

Layout of a data directory::

    DIR/store/meta.json            schema version
    DIR/store/<partition>.json     one TinyDB database per partition ("core", "attendance/12-03", ...)
    DIR/store.lock                 the cross-process lock (flock; never deleted)
    DIR/.tmp/                      temporary files of writes in progress (orphans removed under the lock)
    DIR/.journal                   a multi-file commit in progress (completed by the next lock holder)
    DIR/backups/                   rotating backups

Every write happens inside ``with store.transaction():`` under the lock. Inside a transaction, a partition
about to be modified is parsed afresh from disk, so a read-modify-write cannot race another process. Outside a
transaction, reads return a snapshot that is re-read whenever the file's identity (inode, size, mtime, ctime)
changes, so a process always sees other processes' committed writes without re-parsing unchanged files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio

    from filelock import FileLock

from . import journal
from .atomic import TMP_SUFFIX, atomic_write, replace_durably, write_temp
from .errors import (
    OutsideTransaction,
    StoreBusy,
    StoreCorrupt,
    StoreNoPermission,
    StoreWriteFailed,
    TransactionFromAnotherTask,
    UnsafeFilesystem,
)
from .fs import filesystem_type, is_network_filesystem
from .perms import FILE_MODE, close_to_others, make_dirs

STORE_DIR = "store"
LOCK_NAME = "store.lock"
TMP_DIR = ".tmp"
BACKUP_DIR = "backups"
#: How often a waiting process retries the lock. Commits take a few milliseconds, so waiters retry at that pace.
LOCK_POLL_S = 0.002

#: Partitions whose files get a day-granular modification time (midnight UTC of the day of the write) instead of
#: the commit's: an answer and the mark of its slip as used are committed together, and equal nanosecond mtimes
#: would link them. (Change detection does not need mtime: a commit replaces the file, so inode and ctime change.)
COARSE_MTIME_PREFIXES = ("used/", "feedback/")
_DAY_NS = 86_400 * 1_000_000_000

_PARTITION = re.compile(r"^[a-z][a-z0-9_]*(/[A-Za-z0-9_-]+)?$")

Data = dict[str, Any]
Signature = tuple[int, int, int, int]


def encode(data: Data) -> bytes:
    """The one JSON encoding of a partition (TinyDB's layout: ``{table: {doc_id: doc}}``)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _signature(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@dataclass
class _Snapshot:
    signature: Signature
    data: Data


@dataclass
class Transaction:
    """The partitions one transaction is changing; committed as a whole.

    A partition is copied (parsed afresh from disk, under the lock) only when TinyDB is about to modify it;
    plain reads inside the transaction use the store's snapshot, which the lock guarantees is current.
    """

    store: Store
    task: asyncio.Task[Any] | None
    staged: dict[str, Data] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)

    def for_update(self, partition: str) -> Data:
        if partition not in self.staged:
            self.staged[partition] = self.store._load(partition)
        return self.staged[partition]

    def write(self, partition: str, data: Data) -> None:
        self.staged[partition] = data
        self.dirty.add(partition)


class Store:
    """A data directory shared by every chuangyou process. Create with :func:`storage.open_store`."""

    def __init__(self, root: Path, *, lock_timeout: float = 15.0, allow_network_fs: bool = False) -> None:
        self.root = root
        self.dir = root / STORE_DIR
        self.tmp_dir = root / TMP_DIR
        self.backup_dir = root / BACKUP_DIR
        self.lock_path = root / LOCK_NAME
        self.lock_timeout = lock_timeout
        try:
            for d in (self.root, self.dir, self.tmp_dir):
                make_dirs(d)
            close_to_others(self.root)
        except PermissionError as exc:
            raise StoreNoPermission(Path(exc.filename or self.root), self.root, "write") from exc
        fstype = filesystem_type(self.root)
        if is_network_filesystem(fstype) and not allow_network_fs:
            raise UnsafeFilesystem(self.root, str(fstype))
        self._filelock: FileLock | None = None
        self._filelock_guard = threading.Lock()
        self._local = threading.local()
        self._snapshots: dict[str, _Snapshot] = {}
        self._paths: dict[str, Path] = {}
        self._snapshot_guard = threading.Lock()
        self.commits = 0
        # This process's own commits per directory: (directory mtime before, after, partitions), taken under the
        # lock, so a reader can tell whether a directory's new mtime is explained by them alone (commits_into).
        self._commit_marks: dict[str, deque[tuple[int, int, tuple[str, ...]]]] = {}

    # ----------------------------------------------------------------- paths
    def path(self, partition: str) -> Path:
        path = self._paths.get(partition)
        if path is None:  # a sign-in asks ~10 times: validating and building the Path once saves ~0.2 ms
            if not _PARTITION.match(partition):
                raise ValueError(f"bad partition name {partition!r}")
            path = self._paths[partition] = self.dir / f"{partition}.json"
        return path

    def partitions(self, prefix: str) -> list[str]:
        """Existing partitions under ``prefix/`` (e.g. ``"attendance"``), sorted by name."""
        folder = self.dir / prefix
        try:
            names = sorted(p.name for p in os.scandir(folder) if p.name.endswith(".json"))
        except FileNotFoundError:
            return []
        return [f"{prefix}/{n[:-5]}" for n in names]

    # -------------------------------------------------------------- locking
    @property
    def _lock(self) -> FileLock:
        """The cross-process lock, made (and ``filelock`` imported: ~15 ms) when first needed, so a program that
        starts by reading (the kiosk's first screen) does not wait for it."""
        with self._filelock_guard:
            if self._filelock is None:
                from filelock import FileLock

                # filelock's lock is re-entrant per thread; our own nesting check (below) sits on top of it.
                # filelock waits by retrying a non-blocking flock; at its default 50 ms between tries, a process
                # that commits back to back (a scanner script) wins the lock again and again while others wait.
                self._filelock = FileLock(
                    self.lock_path,
                    timeout=self.lock_timeout,
                    preserve_lock_file=True,
                    poll_interval=LOCK_POLL_S,
                    mode=FILE_MODE,
                )
            return self._filelock

    def needs_recovery(self) -> bool:
        """Whether a writer left something to finish or clean up (its journal, temporary files): only then must
        opening the store wait for the lock (:func:`storage.open_store`)."""
        if (self.root / journal.JOURNAL_NAME).exists():
            return True
        try:
            with os.scandir(self.tmp_dir) as entries:
                return any(True for _ in entries)
        except FileNotFoundError:
            return False

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cross-process lock; on acquiring it, finish or clean up whatever a dead writer left."""
        from filelock import Timeout

        try:
            self._lock.acquire()
        except Timeout as exc:
            raise StoreBusy(self.lock_path, self.lock_timeout) from exc
        except PermissionError as exc:
            raise StoreNoPermission(self.lock_path, self.root, "write") from exc
        try:
            if self._lock.lock_counter == 1:
                try:
                    self._recover()
                except PermissionError as exc:
                    # A commit left half done (its journal) that this account may not finish: say so, and how.
                    raise StoreNoPermission(Path(exc.filename or self.root), self.root, "write") from exc
            yield
        finally:
            self._lock.release()

    def _recover(self) -> None:
        journal.recover(self.root)
        try:
            leftovers = [e.path for e in os.scandir(self.tmp_dir)]
        except FileNotFoundError:
            self.tmp_dir.mkdir(parents=True, exist_ok=True)
            return
        for p in leftovers:
            # Holding the lock, nothing is being written: anything here was left by a killed writer.
            if os.path.isdir(p):
                import shutil

                shutil.rmtree(p, ignore_errors=True)
            else:
                os.unlink(p)

    # --------------------------------------------------------- transactions
    def current(self) -> Transaction | None:
        txn: Transaction | None = getattr(self._local, "txn", None)
        return txn

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One read-modify-write under one lock. Nested calls on the same thread join the outer one."""
        task = _current_task()
        outer = self.current()
        if outer is not None:
            if outer.task is not task:
                raise TransactionFromAnotherTask(
                    "an asyncio task entered a store transaction while another task holds one; "
                    "run store calls in a worker thread"
                )
            yield outer
            return
        with self.locked():
            txn = Transaction(self, task)
            self._local.txn = txn
            try:
                yield txn
                self._commit(txn)
            finally:
                self._local.txn = None

    def _commit(self, txn: Transaction) -> None:
        if not txn.dirty:
            return
        encoded = {p: encode(txn.staged[p]) for p in sorted(txn.dirty)}
        day = time.time_ns() // _DAY_NS * _DAY_NS
        mtimes = {p: day if p.startswith(COARSE_MTIME_PREFIXES) else None for p in encoded}
        finals = {p: self.path(p) for p in encoded}
        for final in finals.values():
            if not final.parent.is_dir():
                try:
                    make_dirs(final.parent)
                except OSError as exc:
                    raise StoreWriteFailed(final.parent, exc) from exc
        marks_before = self._dir_mtimes(finals.values())
        if len(encoded) == 1:
            ((p, blob),) = encoded.items()
            try:
                atomic_write(finals[p], blob, self.tmp_dir, mtime_ns=mtimes[p])
            except OSError as exc:
                raise StoreWriteFailed(finals[p], exc) from exc
        else:
            temps: dict[str, Path] = {}
            try:
                for p, blob in encoded.items():
                    temps[p] = write_temp(self.tmp_dir, blob, mtime_ns=mtimes[p])
                journal.commit_renames(self.root, self.tmp_dir, [(temps[p], finals[p]) for p in encoded])
            except OSError as exc:
                if (self.root / journal.JOURNAL_NAME).exists():
                    # The journal is durable, so the commit is decided: finish it now if the disk lets us.
                    try:
                        journal.recover(self.root)
                    except OSError as again:
                        raise StoreWriteFailed(self.root / journal.JOURNAL_NAME, again, pending=True) from exc
                else:
                    for t in temps.values():
                        t.unlink(missing_ok=True)
                    failed = next((finals[p] for p in encoded if p not in temps), self.root / journal.JOURNAL_NAME)
                    raise StoreWriteFailed(failed, exc) from exc
        self.commits += 1
        self._mark_commit(marks_before, finals)
        with self._snapshot_guard:
            for p in encoded:
                try:
                    st = os.stat(finals[p])
                except FileNotFoundError:
                    continue
                # Our own commit: keep the data we wrote as the snapshot instead of re-reading it.
                self._snapshots[p] = _Snapshot(_signature(st), txn.staged[p])

    # ---------------------------------------------------------------- reads
    def _load(self, partition: str) -> Data:
        """Parse a partition from disk (empty if missing); a file that does not parse raises StoreCorrupt."""
        path = self.path(partition)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {}
        except PermissionError as exc:
            raise StoreNoPermission(path, self.root, "read") from exc
        return self._parse(path, raw)

    def _parse(self, path: Path, raw: bytes) -> Data:
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("top level is not an object")
        except ValueError as exc:
            from .backup import newest_good_backup

            raise StoreCorrupt(path, str(exc), newest_good_backup(self, path), data_dir=self.root) from exc
        return data

    def read(self, partition: str, *, for_update: bool = False) -> Data:
        """The partition's data as this thread should see it.

        Inside a transaction: the transaction's own copy if it is changing the partition (or, with
        ``for_update``, a new private copy), else the current snapshot. Outside: a snapshot that is re-read
        whenever the file changed. Callers must not mutate a snapshot; ``for_update`` outside a transaction
        raises :class:`OutsideTransaction`.
        """
        txn = self.current()
        if txn is not None:
            if for_update:
                return txn.for_update(partition)
            if partition in txn.staged:
                return txn.staged[partition]
        elif for_update:
            raise OutsideTransaction(f"write to {partition!r} outside a transaction")
        return self._snapshot(partition)

    def _snapshot(self, partition: str) -> Data:
        path = self.path(partition)
        snap = self._snapshots.get(partition)
        if snap is not None:
            # One stat() for the common case: the file at this path is still the one the snapshot was parsed from.
            try:
                if _signature(os.stat(path)) == snap.signature:
                    return snap.data
            except FileNotFoundError:
                return {}
        current = self._snapshots.get(partition)
        found = self._read_file(path, skip_if=current.signature if current is not None else None)
        if found is None:
            return {}
        sig, raw = found
        if raw is None:  # another thread parsed this very file meanwhile
            assert current is not None
            return current.data
        data = self._parse(path, raw)
        with self._snapshot_guard:
            self._snapshots[partition] = _Snapshot(sig, data)
        return data

    def read_unkept(self, partition: str) -> tuple[Signature | None, Data]:
        """Parse a partition from disk without keeping a snapshot, with the signature of the file parsed (None and
        empty if missing): for indexes that derive what they need from a file and keep only that."""
        path = self.path(partition)
        found = self._read_file(path)
        if found is None:
            return None, {}
        sig, raw = found
        return sig, self._parse(path, raw or b"")

    def _read_file(self, path: Path, *, skip_if: Signature | None = None) -> tuple[Signature, bytes | None] | None:
        """The file's signature and bytes, from one open (so they belong together); None if it is missing, no bytes
        if its signature is ``skip_if`` (already parsed)."""
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        except PermissionError as exc:
            raise StoreNoPermission(path, self.root, "read") from exc
        try:
            sig = _signature(os.fstat(fd))
            if sig == skip_if:
                return sig, None
            with os.fdopen(os.dup(fd), "rb") as fh:
                return sig, fh.read()
        finally:
            os.close(fd)

    def write(self, partition: str, data: Data) -> None:
        txn = self.current()
        if txn is None:
            raise OutsideTransaction(f"write to {partition!r} outside a transaction")
        txn.write(partition, data)

    def _dir_mtimes(self, finals: Iterable[Path]) -> dict[Path, int]:
        out: dict[Path, int] = {}
        for folder in {f.parent for f in finals}:
            with contextlib.suppress(FileNotFoundError):
                out[folder] = os.stat(folder).st_mtime_ns
        return out

    def _mark_commit(self, before: dict[Path, int], finals: dict[str, Path]) -> None:
        after = self._dir_mtimes(finals.values())
        with self._snapshot_guard:
            for folder, mtime in before.items():
                if folder in after:
                    parts = tuple(p for p, f in finals.items() if f.parent == folder)
                    marks = self._commit_marks.setdefault(str(folder), deque(maxlen=4096))
                    marks.append((mtime, after[folder], parts))

    def commits_into(self, folder: Path, since_mtime: int, now_mtime: int) -> list[str] | None:
        """The partitions this process committed into ``folder`` while its mtime went from ``since_mtime`` to
        ``now_mtime``, or None when this process's commits do not explain that change (another process wrote)."""
        with self._snapshot_guard:
            marks = list(self._commit_marks.get(str(folder), ()))
        current = since_mtime
        parts: list[str] = []
        for before, after, names in marks:
            if before == current:
                current = after
                parts.extend(names)
                if current == now_mtime:
                    return parts
        return None

    def forget_snapshots(self) -> None:
        """Drop every cached snapshot (after the whole directory was swapped, e.g. by a restore)."""
        with self._snapshot_guard:
            self._snapshots.clear()

    def signature(self, partition: str) -> Signature | None:
        try:
            return _signature(os.stat(self.path(partition)))
        except FileNotFoundError:
            return None

    def size(self, partition: str) -> int:
        """The partition's size in bytes as this thread sees it: as the current transaction would write it if it
        changed the partition, else its file's (0 if there is none)."""
        txn = self.current()
        if txn is not None and partition in txn.dirty:
            return len(encode(txn.staged[partition]))
        sig = self.signature(partition)
        return 0 if sig is None else sig[1]

    def generation(self) -> tuple[tuple[str, int], ...]:
        """A cheap fingerprint that changes whenever any partition is committed (directory mtimes)."""
        dirs = [self.dir, *(Path(e.path) for e in os.scandir(self.dir) if e.is_dir())]
        out = []
        for d in sorted(dirs):
            try:
                out.append((d.name, os.stat(d).st_mtime_ns))
            except FileNotFoundError:
                continue
        return tuple(out)

    def all_partitions(self) -> list[str]:
        """Every partition on disk (including ``meta``)."""
        out: list[str] = []
        for entry in sorted(os.scandir(self.dir), key=lambda e: e.name):
            if entry.is_dir():
                out.extend(self.partitions(entry.name))
            elif entry.name.endswith(".json"):
                out.append(entry.name[:-5])
        return out

    def replace_file_durably(self, final: Path, data: bytes) -> None:
        """Durably write a file that is not a partition (used by backups' manifests)."""
        replace_durably(write_temp(self.tmp_dir, data), final)


def _current_task() -> asyncio.Task[Any] | None:
    # asyncio is looked up, not imported: a process that never imported it (a CLI command) has no running task,
    # and need not pay ~40 ms at start to import it.
    aio = sys.modules.get("asyncio")
    if aio is None:
        return None
    try:
        task: asyncio.Task[Any] | None = aio.current_task()
    except RuntimeError:
        return None
    return task


__all__ = ["TMP_SUFFIX", "Data", "Store", "Transaction", "encode"]
