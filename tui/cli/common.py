"""What every subcommand shares: global options, opening the campaign, JSON output, and refusals."""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import shlex
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from campaign.context import Campaign, open_campaign
from campaign.errors import Refused
from campaign.i18n import t
from campaign.locations import data_dir
from storage.errors import (
    BackupInvalid,
    BackupRefused,
    MigrationFailed,
    SchemaTooNew,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreNoPermission,
    StoreWriteFailed,
    UnsafeFilesystem,
)

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

Handler = Callable[[Campaign, argparse.Namespace], int]


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", default=None, help=t("cli.opt_data_dir"))
    parser.add_argument("--lang", choices=["zh_CN", "en"], default=None, help=t("cli.opt_lang"))


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help=t("cli.opt_json"))


def restore_command(data_dir: Path | None, backup: Path) -> str:
    """The exact command that restores ``backup`` into ``data_dir``, ready to paste into a shell."""
    words = ["chuangyou"]
    if data_dir is not None:
        words += ["--data-dir", os.fspath(data_dir.absolute())]
    words += ["restore", os.fspath(backup.absolute()), "--yes"]
    return shlex.join(words)


def store_error_message(exc: StoreError) -> str:
    """One clear message, in the active language, for a storage failure."""
    if isinstance(exc, StoreCorrupt):
        first = t("store.corrupt", path=exc.path, detail=exc.detail)
        if exc.backup:
            command = restore_command(exc.data_dir, exc.backup)
            second = t("store.corrupt_backup", backup=exc.backup, command=command)
        else:
            second = t("store.corrupt_no_backup")
        return f"{first}\n{second}"
    if isinstance(exc, StoreNoPermission):
        return permission_message(exc.path, exc.root, exc.access)
    if isinstance(exc, MigrationFailed):
        from campaign.logfile import log_path

        return t(
            "store.migration_failed",
            found=exc.found,
            target=exc.target,
            backup=exc.backup,
            log=log_path(exc.data_dir),
        )
    if isinstance(exc, BackupRefused):
        key = "store.backup_damaged_store" if exc.damaged_store else "store.backup_unverified"
        return t(key, problems="; ".join(exc.problems))
    if isinstance(exc, BackupInvalid):
        return t("store.backup_invalid", path=exc.path, problems="; ".join(exc.problems))
    if isinstance(exc, StoreWriteFailed):
        if isinstance(exc.cause, PermissionError):
            return permission_message(exc.path, data_root_of(exc.path), "write")
        if not exc.pending and exc.cause.errno in _CLEAR_ERRNOS:
            cause = OSError(exc.cause.errno, exc.cause.strerror, os.fspath(exc.path))
            return os_error_message(cause, _data_dir_of(exc.path))
        key = "store.write_pending" if exc.pending else "store.write_failed"
        return t(key, path=exc.path, reason=exc.cause.strerror or str(exc.cause))
    if isinstance(exc, StoreBusy):
        return t("store.busy", timeout=f"{exc.timeout:g}")
    if isinstance(exc, SchemaTooNew):
        return t("store.schema_too_new", found=exc.found, supported=exc.supported)
    if isinstance(exc, UnsafeFilesystem):
        return t("store.unsafe_fs", path=exc.path, fstype=exc.fstype)
    return t("store.error", detail=str(exc))


#: Errors with a message of their own (a full disk, a permission problem): it says what to do.
_CLEAR_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS})


def _data_dir_of(path: Path) -> Path:
    """The data directory a store file belongs to (``DIR/store/...``), else the file's folder."""
    return next((p.parent for p in path.parents if p.name == "store"), path.parent)


def os_error_message(exc: OSError, data_dir: Path) -> str:
    """One clear message for an operating-system error (a full disk, a permission problem), naming the path."""
    path = exc.filename if exc.filename is not None else data_dir
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return t("fault.admin_full", path=path)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return t("fault.admin_permission", path=path, data_dir=data_dir)
    return t("fault.admin_io", path=path, reason=exc.strerror or type(exc).__name__)


def log_failure_in(data_dir: Path, what: str, exc: BaseException) -> None:
    """Record ``exc`` with its traceback in the data directory's log file (if it can be written at all)."""
    from campaign.logfile import log_failure, setup_logging

    setup_logging(data_dir)
    log_failure(what, exc)


def reader_gone() -> int:
    """Standard output was closed by its reader (``chuangyou ... | head``): stop quietly, as other tools do."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


def permission_message(path: Path, root: Path, access: str) -> str:
    """One line: which path this account may not read or write, and the commands that fix it."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.geteuid())
    return t("perms.no_permission", user=user, access=t(f"perms.{access}"), path=path, root=root)


def data_root_of(path: Path) -> Path:
    """The data directory holding ``path`` (the nearest parent with the store's lock file), else its parent."""
    for parent in [path, *path.parents]:
        if (parent / "store.lock").exists():
            return parent
    return path.parent


#: Set by ``main`` once the command line is parsed: a refusal then also prints its JSON document on stdout.
json_output = False


def one_line(message: str) -> str:
    """A refusal is one line on stderr, whatever the message holds (a multi-line store error, problems)."""
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def refuse(message: str, *, code: str = "refused") -> int:
    """Exit status 1 with one line on stderr; with ``--json`` also ``{"error": {"code", "message"}}`` on stdout."""
    line = one_line(message)
    if json_output:
        print(json.dumps({"error": {"code": code, "message": line}}, ensure_ascii=False))
    print(line, file=sys.stderr)
    return EXIT_REFUSED


def store_error_code(exc: StoreError) -> str:
    """``store.busy``, ``store.corrupt``, ...: the JSON error code of a storage failure."""
    codes = {
        StoreCorrupt: "store.corrupt",
        StoreWriteFailed: "store.write_failed",
        StoreBusy: "store.busy",
        SchemaTooNew: "store.schema_too_new",
        UnsafeFilesystem: "store.unsafe_fs",
    }
    return next((code for kind, code in codes.items() if isinstance(exc, kind)), "store.error")


def resolved_data_dir(args: argparse.Namespace) -> Path:
    return data_dir(args.data_dir)


def with_campaign(handler: Handler, *, opened: Campaign | None = None) -> Callable[[argparse.Namespace], int]:
    """Open the campaign for ``handler`` (unless ``opened``); turn refusals and store failures into exit status 1."""

    def run(args: argparse.Namespace) -> int:
        root = resolved_data_dir(args)
        try:
            c = opened if opened is not None else open_campaign(root)
            return handler(c, args)
        except Refused as exc:
            return refuse(exc.message(), code=exc.key)
        except StoreError as exc:
            log_failure_in(root, getattr(args, "command", None) or "cli", exc)
            return refuse(store_error_message(exc), code=store_error_code(exc))
        except BrokenPipeError:
            return reader_gone()
        except OSError as exc:  # a full disk, a permission problem: one line, never a traceback
            log_failure_in(root, getattr(args, "command", None) or "cli", exc)
            return refuse(os_error_message(exc, root), code="os_error")

    return run


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit(args: argparse.Namespace, document: dict[str, Any], human: str) -> int:
    """Print ``document`` as JSON with ``--json``, else the human-readable ``human`` text."""
    if getattr(args, "json", False):
        print(json.dumps(document, ensure_ascii=False, default=_default))
    else:
        print(human)
    return EXIT_OK
