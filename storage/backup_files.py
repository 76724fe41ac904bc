"""Reading and judging the files of a backup (or of the live store) safely.

A backup directory may come from anywhere (a USB stick, a crafted archive), so nothing in it is trusted: a
symbolic link is never followed (it could point at a private key), a FIFO is never opened for a blocking read (it
would hang), a device is never read (``/dev/zero`` never ends), and no file is read past :data:`MAX_FILE_BYTES`.
Each file must parse as a TinyDB document (tables of documents), the schema version must be one this program
knows, and the records of the tables every command reads at start must decode.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from .records import Member, Record, School, Settings, StudySession

#: No partition comes near this (the stress data's largest is a few MB); anything larger is refused unread.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: The whole store, likewise (the stress data, ten years of a 2,000-member district, is ~250 MB).
MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024

#: Tables whose every record must decode: every command reads them (a wrong shape would crash them all).
RECORD_TABLES: dict[tuple[str, str], type[Record]] = {
    ("core", "schools"): School,
    ("core", "members"): Member,
    ("core", "settings"): Settings,
    ("sessions", "sessions"): StudySession,
}


class Unsafe(ValueError):
    """A file that is not read: not a regular file, or too large."""


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``; :class:`Unsafe` for a link, FIFO, device, socket or over-large file.

    Opened without following a link and without blocking (a FIFO with no writer), then checked on the open file
    itself, so a file swapped for a link after a check cannot slip through.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Unsafe("a symbolic link") from None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unsafe(_kind(st.st_mode))
        if st.st_size > limit:
            raise Unsafe(f"larger than {limit} bytes")
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise Unsafe(f"larger than {limit} bytes")
        return data
    finally:
        os.close(fd)


def walk(root: Path) -> tuple[list[str], list[str]]:
    """Every regular file under ``root`` (relative paths, sorted) and a problem for every other kind of entry
    (links, FIFOs, devices, sockets); directories are entered, links to them are not."""
    files: list[str] = []
    problems: list[str] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            problems.append(f"{folder}: {exc.strerror or exc}")
            continue
        for entry in entries:
            path = Path(entry.path)
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISDIR(mode):
                pending.append(path)
            elif stat.S_ISREG(mode):
                files.append(os.fspath(path.relative_to(root)))
            else:
                problems.append(f"{path}: {_kind(mode)}")
    return sorted(files), problems


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document(data: bytes) -> dict[str, Any]:
    """``data`` parsed as a TinyDB document: ``{table: {doc_id: {field: value}}}``; ValueError if it is not."""
    doc = json.loads(data)
    if not isinstance(doc, dict):
        raise ValueError("top level is not an object")
    for name, table in doc.items():
        if not isinstance(table, dict):
            raise ValueError(f"table {name!r} is not an object")
        for doc_id, record in table.items():
            if not (isinstance(doc_id, str) and doc_id.isdigit()) or not isinstance(record, dict):
                raise ValueError(f"table {name!r} holds something that is not a document")
    return doc


def partition_of(rel: str) -> str:
    return rel[: -len(".json")] if rel.endswith(".json") else rel


def record_problems(rel: str, doc: dict[str, Any]) -> list[str]:
    """Records of the tables every command reads (:data:`RECORD_TABLES`) that do not decode."""
    problems = []
    for (partition, table), cls in RECORD_TABLES.items():
        if partition_of(rel) != partition:
            continue
        for doc_id, record in doc.get(table, {}).items():
            try:
                cls.from_doc(record)
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                problems.append(f"{rel}: {table} #{doc_id} does not decode ({type(exc).__name__})")
                break
    return problems


def schema_problem(meta: dict[str, Any] | None, current: int) -> str | None:
    """Why the schema stamp in ``meta.json`` is unusable, or None: a version from 1 to ``current``."""
    if meta is None:
        return "meta.json is missing"
    try:
        (stamp,) = meta["meta"].values()
        version = stamp["schema"]
    except (KeyError, ValueError, TypeError, AttributeError):
        return "meta.json holds no schema version"
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= current:
        return f"schema {version!r} is not one this program knows (1 to {current})"
    return None


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_TOTAL_BYTES",
    "Unsafe",
    "checksum",
    "document",
    "read_regular",
    "record_problems",
    "schema_problem",
    "walk",
]
