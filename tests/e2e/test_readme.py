"""The README's promise: it opens with exactly two commands, and the first one runs the product on a demo district."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.terminal import Terminal, open_terminal
from tests.tools import require_tool

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.DOTALL)
    assert block is not None and text.index(block.group(0)) < text.index("\n## "), "README must open with commands"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_exactly_the_two_make_commands() -> None:
    assert readme_commands() == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.MULTILINE), ".ci/run must run the README's test command"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = open_terminal(tmp_path, "demo", now=None)
    yield term
    term.stop()


def test_make_demo_opens_the_kiosk_on_a_demo_district(tmp_path: Path, terminal: Terminal) -> None:
    make = require_tool("make", "apt-get install make")
    if not (ROOT / ".venv" / "bin" / ".installed").exists():
        pytest.fail("run through `make test`, which builds .venv first")
    demo_dir = tmp_path / "demo-data"
    # The same make target a new user runs; the virtualenv is already built, so make goes straight to the demo.
    dry = subprocess.run([make, "-n", "demo", f"DEMO_DIR={demo_dir}"], cwd=ROOT, capture_output=True, text=True)
    assert dry.returncode == 0 and "pip install" not in dry.stdout, dry.stdout + dry.stderr
    terminal.start([make, "-s", "demo", f"DEMO_DIR={demo_dir}"], width=110, height=36, cwd=ROOT)
    terminal.wait_for("创先争优动员会", deadline_s=60)  # the demo's open session, on the kiosk's home screen
    assert (demo_dir / "store" / "core.json").is_file()
    shutil.rmtree(demo_dir, ignore_errors=True)
