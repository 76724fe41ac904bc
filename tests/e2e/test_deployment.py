"""The deployment files the README points to: systemd units that systemd itself accepts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import require_tool

pytestmark = pytest.mark.e2e

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
CHUANGYOU = Path(sys.executable).parent / "chuangyou"


def test_every_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = require_tool("systemd-analyze", "apt-get install systemd")
    for program in ("cage", "foot"):  # the kiosk unit runs them; verify checks that they exist
        require_tool(program, f"apt-get install {program}")
    units = sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])
    assert {u.name for u in units} >= {
        "chuangyou-serve.service",
        "chuangyou-backup.service",
        "chuangyou-backup.timer",
        "chuangyou-kiosk.service",
    }
    for unit in units:
        # Installed, chuangyou is /usr/local/bin/chuangyou; here it is this checkout's.
        text = unit.read_text(encoding="utf-8").replace("/usr/local/bin/chuangyou", str(CHUANGYOU))
        for program in ("cage", "foot"):
            text = text.replace(f"/usr/bin/{program}", str(shutil.which(program)))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [analyze, "verify", *(str(tmp_path / u.name) for u in units)], capture_output=True, text=True, timeout=60
    )
    # systemd-analyze exits 0 on unknown keys and only warns: any output at all is a mistake in a unit.
    assert done.returncode == 0 and done.stderr.strip() == "" and done.stdout.strip() == "", done.stderr
