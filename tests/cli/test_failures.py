"""Every failure a user can cause from the command line is one line on stderr in their language, exit status 1
(DESIGN's refusal), and never a traceback: real processes, real files, real sockets, real accounts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.context import Campaign
from campaign.feedback import issue_batch
from campaign.settings import update_setting
from tests.e2e.accounts import launcher, remove_launcher, temporary_account

CHUANGYOU = Path(sys.executable).parent / "chuangyou"


def run(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    user: str | None = None,
    program: Path = CHUANGYOU,
) -> subprocess.CompletedProcess[str]:
    command = [str(program), *args]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "CHUANGYOU_LANG": "en", **(env or {})},
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def one_line_refusal(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The refusal DESIGN promises: exit 1, exactly one line on stderr naming ``words``, no traceback."""
    assert "Traceback" not in done.stderr and "Error:" not in done.stderr.split(":", 1)[0], done.stderr
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


@pytest.fixture
def data(roster: Campaign) -> Path:
    root: Path = roster.store.root
    return root


def test_an_output_path_that_cannot_be_written(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "report.pdf"
    done = run("--data-dir", str(data), "report", "term", "--out", str(target))
    one_line_refusal(done, str(target))


def test_a_port_already_in_use(data: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run("--data-dir", str(data), "serve", "--host", "127.0.0.1", "--port", str(port), timeout=60)
    # The announcement of the address comes first on stdout; the refusal is the one line on stderr.
    one_line_refusal(done, str(port))


def test_no_chinese_font_to_print_with(roster: Campaign, data: Path, tmp_path: Path) -> None:
    update_setting(roster, "public_url", "http://192.168.1.20:8080")
    batch = issue_batch(roster, "T001", 2)
    done = run(
        "--data-dir",
        str(data),
        "feedback",
        "sheet",
        "--batch",
        batch.batch.id,
        "--out",
        str(tmp_path / "s.pdf"),
        env={"CHUANGYOU_CJK_FONT": str(tmp_path / "missing.ttf")},
    )
    one_line_refusal(done, "fonts-wqy-microhei")
    assert not (tmp_path / "s.pdf").exists()


def test_no_lp_to_print_with(roster: Campaign, data: Path, tmp_path: Path) -> None:
    update_setting(roster, "public_url", "http://192.168.1.20:8080")
    batch = issue_batch(roster, "T001", 2)
    bare = tmp_path / "bin"  # a PATH with nothing on it but what chuangyou itself needs
    bare.mkdir()
    done = run(
        "--data-dir",
        str(data),
        "feedback",
        "sheet",
        "--batch",
        batch.batch.id,
        "--out",
        str(tmp_path / "s.pdf"),
        "--print",
        env={"PATH": str(bare)},
    )
    one_line_refusal(done, "lp")


HOLD_LOCK = textwrap.dedent(
    """
    import sys, time
    from filelock import FileLock
    lock = FileLock(sys.argv[1])
    lock.acquire()
    print("held", flush=True)
    time.sleep(120)
    """
)


@pytest.fixture
def held_lock(data: Path) -> Iterator[None]:
    lock_file = next(data.rglob("*.lock"))
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock_file)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    try:
        yield
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_the_store_lock_held_too_long(data: Path, held_lock: None) -> None:
    done = run("--data-dir", str(data), "member", "add", "T009", "赵敏", "--school", "第十八中学", timeout=120)
    one_line_refusal(done)


def test_a_closed_pipe_ends_the_listing_quietly(data: Path) -> None:
    proc = subprocess.Popen(
        [str(CHUANGYOU), "--data-dir", str(data), "member", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    stderr = proc.stderr.read()
    proc.wait(timeout=60)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def test_a_data_directory_the_account_cannot_write_or_reach(data: Path) -> None:
    chuangyou = launcher()
    try:
        with temporary_account("cyuser") as (user, _group):
            unwritable = run("--data-dir", str(data), "member", "list", user=user, program=chuangyou)
            one_line_refusal(unwritable, str(data))
            unreachable = Path("/root/chuangyou-data")
            missing = run("--data-dir", str(unreachable), "member", "list", user=user, program=chuangyou)
            one_line_refusal(missing, str(unreachable))
    finally:
        remove_launcher(chuangyou)
