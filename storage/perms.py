"""Who may read the data: the owner and the ``chuangyou`` group only, whatever the umask.

The data directory holds PIN hashes, the passphrase hash and parents' comments. Directories are ``2770`` (the
setgid bit makes everything created inside belong to the directory's group, so the kiosk account, the
secretary's SSH account and the web server's account, all in one group, share it); files are ``0660``. Modes are
set explicitly on everything the store creates (a umask only ever removes bits, and a lax one would leave files
readable by every local account); :func:`restrict_umask` makes whatever else a process creates (exports, logs,
files written by libraries) private too.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

DIR_MODE = 0o2770
FILE_MODE = 0o660
#: The umask every chuangyou process runs with: nothing for "other".
UMASK = 0o007


def restrict_umask() -> int:
    """Make what this process creates from now on readable and writable by owner and group only (umask 007,
    whatever the caller's: a stricter 077 would lock the other accounts of the group out of exports and logs)."""
    return os.umask(UMASK)


def make_dirs(path: Path) -> None:
    """Create ``path`` and any missing parents as ``2770``; existing directories are left as they are."""
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o770)
        except FileExistsError:
            continue
        os.chmod(d, DIR_MODE)


def close_to_others(path: Path) -> None:
    """Take every permission for "other" off ``path`` if this account owns it (a data directory made by an older
    version, 0755 with 0644 files: closing the directory closes everything in it, whatever the files' modes)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    if st.st_uid == os.geteuid() and st.st_mode & 0o007:
        with contextlib.suppress(PermissionError):
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~0o007)


def secure_fd(fd: int) -> None:
    """Give a file the store just created its mode (``0660``), whatever the umask."""
    os.fchmod(fd, FILE_MODE)


def secure_tree(root: Path) -> None:
    """Set ``2770`` / ``0660`` on ``root`` and everything below it that this account owns (a backup's copy)."""
    me = os.geteuid()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            _chmod_own(Path(dirpath) / name, me)
    _chmod_own(root, me)


def _chmod_own(path: Path, me: int) -> None:
    st = os.lstat(path)
    if st.st_uid != me or stat.S_ISLNK(st.st_mode):
        return
    # A filesystem without Unix modes (a FAT USB stick for `backup --to`) refuses: there is nothing to set.
    with contextlib.suppress(OSError):
        os.chmod(path, DIR_MODE if stat.S_ISDIR(st.st_mode) else FILE_MODE)
