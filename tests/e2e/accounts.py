"""Running chuangyou as another Unix account in an end-to-end test (the secretary's SSH login, a kiosk account).

The test's own interpreter may live where other accounts cannot reach it (pyenv under a 0700 ``/root``). Then the
other account runs the same code and packages with the system's interpreter of the same version, through a small
launcher script that every account can execute.
"""

from __future__ import annotations

import shutil
import stat
import sys
import sysconfig
import tempfile
from pathlib import Path

from tests.tools import require_tool

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
