"""The TUI on a terminal that cannot draw Chinese says so in both languages, and ``--version``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHUANGYOU = Path(sys.executable).parent / "chuangyou"


def test_the_linux_console_is_told_why_and_what_to_do_in_english_first_and_in_chinese(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    for command in (["kiosk"], ["admin"], []):
        env = {**os.environ, "TERM": "linux"}
        env.pop("CHUANGYOU_LANG", None)
        done = subprocess.run(
            [str(CHUANGYOU), "--data-dir", str(data_dir), *command],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 1, done.stderr
        english, chinese = done.stderr.strip().splitlines()
        # The console's font has no Chinese glyphs: the first line must be readable there, so plain ASCII.
        assert english.isascii() and "TERM=linux" in english and "cage" in english
        assert "不能显示中文" in chinese and "cage" in chinese
        assert "Traceback" not in done.stderr
        assert not data_dir.exists()  # refused before anything was opened or created


def test_version_prints_the_installed_version() -> None:
    from importlib import metadata

    done = subprocess.run([str(CHUANGYOU), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stdout.strip() == f"chuangyou {metadata.version('chuangyou')}"


def test_the_tui_commands_build_their_parser_from_their_own_module_only(tmp_path: Path) -> None:
    from tui.cli import APP_COMMANDS, build_parser

    parser = build_parser(["cmd_app"])
    (sub,) = (a for a in parser._actions if a.dest == "command")  # argparse keeps subparsers among its actions
    assert set(sub.choices or ()) == APP_COMMANDS
    # `chuangyou demo --no-open` (the TUI's module, without opening a screen) imports no other command's module.
    probe = (
        "import sys; from tui.cli import main; main(['--data-dir', sys.argv[1], 'demo', '--no-open']); "
        "print(sorted(m for m in sys.modules if m.startswith('tui.cli.cmd_')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "data")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "['tui.cli.cmd_app']"
