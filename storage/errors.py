"""Errors the store raises. Each carries the facts a person needs; the UI words them (see campaign.i18n)."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base class for every failure of the store."""


class StoreCorrupt(StoreError):
    """A data file does not parse. It is left untouched; ``backup`` is the newest backup that has a good copy."""

    def __init__(self, path: Path, detail: str, backup: Path | None, *, data_dir: Path | None = None) -> None:
        self.path = path
        self.detail = detail
        self.backup = backup
        #: The data directory the file belongs to (for a recovery command that works when pasted).
        self.data_dir = data_dir
        super().__init__(f"corrupt data file {path}: {detail}; newest good backup: {backup}")


class StoreWriteFailed(StoreError):
    """A durable write failed (disk full, I/O error).

    Normally the previous files are intact and nothing was changed. With ``pending``, the change was already
    recorded in the commit journal but could not be finished: the next process to take the lock completes it.
    """

    def __init__(self, path: Path, cause: OSError, *, pending: bool = False) -> None:
        self.path = path
        self.cause = cause
        self.pending = pending
        super().__init__(
            f"could not write {path}: {cause.strerror or cause}" + (" (completed later)" if pending else "")
        )


class StoreNoPermission(StoreError):
    """This account may not ``access`` ("read" or "write") ``path`` in the data directory ``root``.

    The fix is the group setup of the README: the directory and everything in it owned by the ``chuangyou``
    group, group-readable and writable, directories setgid; and this account in that group.
    """

    def __init__(self, path: Path, root: Path, access: str) -> None:
        self.path = path
        self.root = root
        self.access = access
        super().__init__(f"no permission to {access} {path}")


class StoreBusy(StoreError):
    """Another process held the store's lock for longer than the timeout."""

    def __init__(self, lock_path: Path, timeout: float) -> None:
        self.lock_path = lock_path
        self.timeout = timeout
        super().__init__(f"the store is busy (lock {lock_path} held for more than {timeout:g}s)")


class SchemaTooNew(StoreError):
    """The data was written by a newer chuangyou than this one."""

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(f"data schema {found} is newer than this program supports ({supported})")


class UnsafeFilesystem(StoreError):
    """The data directory is on a network filesystem, where file locks cannot be trusted."""

    def __init__(self, path: Path, fstype: str) -> None:
        self.path = path
        self.fstype = fstype
        super().__init__(f"{path} is on a network filesystem ({fstype}); locks are unreliable there")


class OutsideTransaction(StoreError):
    """A write was attempted outside ``with store.transaction():`` (it would be a lost-update race)."""


class TransactionFromAnotherTask(StoreError):
    """An asyncio task entered a transaction while another task on the same thread holds one.

    A thread-reentrant lock cannot tell the two apart, so they would not exclude each other.
    Run store calls in a worker thread (``asyncio.to_thread``) and never await inside a transaction.
    """


class BackupRefused(StoreError):
    """A backup was not made, or not kept: a live file is damaged (it would be no good copy), or the copy did not
    verify. ``problems`` names each file and what is wrong with it; the store itself was not changed."""

    def __init__(self, problems: list[str], *, damaged_store: bool) -> None:
        self.problems = problems
        #: True: the live store has damaged files (restore a good backup); False: the copy failed to verify.
        self.damaged_store = damaged_store
        super().__init__("; ".join(problems))


class BackupInvalid(StoreError):
    """A backup that must not be restored: not a chuangyou backup, damaged, of an unknown schema or shape, or holding
    links, devices, FIFOs or over-large files. Nothing was changed."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


class MigrationFailed(StoreError):
    """Updating the data to this program's schema failed. The store and every backup are as they were."""

    def __init__(self, found: int, target: int, backup: Path | None, cause: BaseException, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.found = found
        self.target = target
        self.backup = backup
        self.cause = cause
        super().__init__(f"migrating the data from schema {found} to {target} failed: {type(cause).__name__}")
