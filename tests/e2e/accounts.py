"""Running chuangyou as another Unix account in an end-to-end test (the secretary's SSH login, a kiosk account).

The test's own interpreter may live where other accounts cannot reach it (pyenv under a 0700 ``/root``). Then the
other account runs the same code and packages with the system's interpreter of the same version, through a small
launcher script that every account can execute.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.tools import in_ci, require_tool

ROOT = Path(__file__).resolve().parents[2]


def reachable_by_others(path: Path) -> bool:
    """Whether an account other than the owner can traverse to ``path`` and execute it."""
    for part in [path, *path.parents]:
        mode = part.stat().st_mode
        if not mode & stat.S_IXOTH:
            return False
    return True


def launcher() -> Path:
    """A ``chuangyou`` command any account can run: this checkout, with this virtualenv's packages."""
    python = Path(sys.executable).resolve()
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if not reachable_by_others(python):
        system = shutil.which(version, path="/usr/local/bin:/usr/bin:/bin")
        if system is None or not reachable_by_others(Path(system).resolve()):
            hint = f"a system {version} other accounts can run (apt-get install {version})"
            require_tool(f"/usr/bin/{version}", hint)
        python = Path(str(system))
    site_packages = sysconfig.get_paths()["purelib"]
    folder = Path(tempfile.mkdtemp(prefix="chuangyou-launch-"))
    folder.chmod(0o755)
    script = folder / "chuangyou"
    script.write_text(
        f'#!/bin/sh\nPYTHONPATH="{ROOT}:{site_packages}" exec "{python}" -m tui.cli "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def remove_launcher(script: Path) -> None:
    shutil.rmtree(script.parent, ignore_errors=True)


def require_root() -> None:
    """Adding accounts and starting system daemons need root: skip locally without it, fail under CI."""
    if os.geteuid() != 0:
        message = "adding a test account needs root"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@contextmanager
def temporary_account(prefix: str) -> Iterator[tuple[str, str]]:
    """A new Unix account and its own group, (user, group); removed with its processes afterwards."""
    require_root()
    useradd = require_tool("useradd", "apt-get install passwd")
    suffix = secrets.token_hex(3)
    user, group = f"{prefix}{suffix}", f"{prefix}g{suffix}"
    subprocess.run(["groupadd", group], check=True)
    # A password of "*": no password logs in, yet the account is not locked (sshd refuses locked accounts).
    subprocess.run([useradd, "--create-home", "--shell", "/bin/sh", "--gid", group, "-p", "*", user], check=True)
    try:
        yield user, group
    finally:
        # userdel refuses an account that still has processes: kill them and wait until they are gone.
        for _ in range(100):
            subprocess.run(["pkill", "-KILL", "-u", user], check=False)
            if subprocess.run(["pgrep", "-u", user], capture_output=True, check=False).returncode != 0:
                break
        subprocess.run(["userdel", "--remove", user], check=False, capture_output=True)
        subprocess.run(["groupdel", group], check=False, capture_output=True)
