"""Local accounts: the data directory is shared by the chuangyou group and closed to everyone else.

Real Unix users, created here (needs root): ``alice`` and ``bob`` in a fresh group that owns the data directory
(the README's setup: ``chgrp GROUP DIR && chmod 2770 DIR``), ``carol`` outside it. Each command runs in a child
process that has really dropped to that user (``setgid``/``setuid`` after fork: the interpreter lives under
``/root``, which other accounts may not read, so ``runuser python`` would not even start), with the caller's umask
set to something lax or strict, so the kernel checks every permission as it would for that account.

On main: files came out 0644 and directories 0755 (carol read every PIN hash), and bob's ``signin`` died with a
``PermissionError`` traceback on ``store.lock``; a read-only store with a pending journal crashed ``member list``.
"""

from __future__ import annotations

import grp
import importlib
import json
import os
import pwd
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.perms import DIR_MODE
from tests.tools import in_ci, require_tool
from tui.cli import main

NOW = "2026-11-27T07:55:00+08:00"


@dataclass(frozen=True)
class User:
    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]


@dataclass(frozen=True)
class Accounts:
    group: str
    gid: int
    alice: User
    bob: User
    carol: User


def _user(name: str) -> User:
    pw = pwd.getpwnam(name)
    groups = tuple(g.gr_gid for g in grp.getgrall() if name in g.gr_mem)
    return User(name, pw.pw_uid, pw.pw_gid, tuple({pw.pw_gid, *groups}))


@pytest.fixture
def accounts() -> Iterator[Accounts]:
    if os.geteuid() != 0:
        message = "creating Unix users needs root (run the suite as root, as CI does)"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    useradd = require_tool("useradd", "Debian package passwd")
    groupadd = require_tool("groupadd", "Debian package passwd")
    tag = secrets.token_hex(3)
    group = f"cyg{tag}"
    names = {"alice": f"cya{tag}", "bob": f"cyb{tag}", "carol": f"cyc{tag}"}
    subprocess.run([groupadd, group], check=True)
    created: list[str] = []
    try:
        for role, name in names.items():
            extra = ["-G", group] if role != "carol" else []
            subprocess.run([useradd, "-M", "-N", "-s", "/usr/sbin/nologin", *extra, name], check=True)
            created.append(name)
        yield Accounts(
            group, grp.getgrnam(group).gr_gid, _user(names["alice"]), _user(names["bob"]), _user(names["carol"])
        )
    finally:
        for name in created:
            subprocess.run(["userdel", name], check=False)
        subprocess.run(["groupdel", group], check=False)


@dataclass
class Ran:
    code: int
    out: str
    err: str


def run_as(user: User, call: Callable[[], int], *, umask: int = 0o022) -> Ran:
    """Run ``call`` in a child process that has become ``user`` (with ``umask``); its exit status and output."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 99
        try:
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            os.setgroups(list(user.groups))
            os.setgid(user.gid)
            os.setuid(user.uid)
            os.umask(umask)
            os.environ.update(USER=user.name, LOGNAME=user.name, HOME="/nonexistent", CHUANGYOU_NOW=NOW)
            code = call()
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(out_w)
    os.close(err_w)
    with open(out_r, "rb") as o, open(err_r, "rb") as e:
        out = o.read().decode()
        err = e.read().decode()
    _, status = os.waitpid(pid, 0)
    return Ran(os.waitstatus_to_exitcode(status), out, err)


def cli(user: User, data: Path, *args: str, umask: int = 0o022) -> Ran:
    return run_as(user, lambda: main(["--lang", "en", "--data-dir", str(data), *args]), umask=umask)


def ok(ran: Ran) -> str:
    assert ran.code == 0 and "Traceback" not in ran.err, ran.err
    return ran.out


def one_clear_line(ran: Ran, path: Path) -> None:
    assert ran.code == 1, (ran.code, ran.err)
    assert "Traceback" not in ran.err and ran.err.count("\n") == 1, ran.err
    assert str(path) in ran.err and "chmod" in ran.err, ran.err


@pytest.fixture
def shared_dir(accounts: Accounts) -> Iterator[Path]:
    """A data directory set up as the README says: group-owned, setgid, 2770; under a traversable parent."""
    parent = Path(tempfile.mkdtemp(prefix="chuangyou-users-", dir="/tmp"))
    try:
        os.chmod(parent, 0o755)  # noqa: S103  (the other accounts must reach data/ inside)
        data = parent / "data"
        data.mkdir()
        os.chown(data, -1, accounts.gid)
        os.chmod(data, DIR_MODE)
        # Warm every import in this (root) process, so the children need not read /root after dropping to a user.
        scratch = parent / "scratch"
        start = ["--start", "2026-11-27 08:00", "--end", "2026-11-27 09:30"]
        for args in (
            ["school", "add", "S"],
            ["member", "add", "T9", "N", "--school", "S", "--pin", "1234"],
            ["session", "create", "T", *start],
            ["signin", "--session", "1", "--member", "T9", "--pin", "1234", "--json"],
            ["member", "list"],
            ["school", "list"],
            ["backup"],
            ["report", "attendance", "--out", str(scratch / "warm.xlsx")],
            ["report", "attendance", "--out", str(scratch / "warm.csv")],
        ):
            main(["--data-dir", str(scratch), *args])
        shutil.rmtree(scratch)
        importlib.import_module("_strptime")  # imported lazily by datetime.strptime
        import getpass  # noqa: F401  (the permission message names the account)
        import logging.handlers  # noqa: F401  (a failure is logged: campaign.logfile imports it then)

        yield data
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def modes(root: Path) -> list[tuple[str, str, int]]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames, *([""] if dirpath == str(root) else [])]:
            p = Path(dirpath) / name
            st = p.lstat()
            out.append((str(p.relative_to(root)), oct(stat.S_IMODE(st.st_mode)), st.st_gid))
    return out


def test_two_users_share_the_data_and_a_third_cannot_read_it(accounts: Accounts, shared_dir: Path) -> None:
    a, b, c, data = accounts.alice, accounts.bob, accounts.carol, shared_dir
    ok(cli(a, data, "school", "add", "第十八中学"))
    ok(cli(a, data, "member", "add", "T001", "王晓明", "--school", "第十八中学", "--pin", "1234"))
    ok(cli(a, data, "member", "add", "T002", "李红", "--school", "第十八中学", "--pin", "1234"))
    times = ["--start", "2026-11-27 08:00", "--end", "2026-11-27 09:30"]
    created = json.loads(ok(cli(a, data, "session", "create", "集中学习", *times, "--json")))
    ok(cli(a, data, "backup"))
    # Bob, with a strict umask, signs in (the lock file, the attendance partition) and changes a file Alice made.
    session = str(created["id"])
    signed = json.loads(
        ok(cli(b, data, "signin", "--session", session, "--member", "T001", "--pin", "1234", "--json", umask=0o077))
    )
    assert signed["member"] == "T001"
    ok(cli(b, data, "school", "add", "实验二小", umask=0o077))  # core.json, which Alice's program wrote
    ok(cli(b, data, "backup", umask=0o077))
    # An export written by a library (openpyxl), not by the store: private to the group too.
    ok(cli(b, data, "report", "attendance", "--out", str(data / "attendance.xlsx"), umask=0o077))
    ok(cli(a, data, "report", "attendance", "--out", str(data / "attendance.csv"), umask=0o000))
    # Alice, with a lax umask, writes where Bob wrote last.
    ok(cli(a, data, "signin", "--session", str(created["id"]), "--member", "T002", "--pin", "1234", umask=0o000))

    found = modes(data)
    assert any(p.startswith("backups/") and p.endswith("core.json") for p, _, _ in found)
    assert {"attendance.xlsx", "attendance.csv", "store.lock"} <= {p for p, _, _ in found}
    for path, mode, gid in found:
        is_dir = (data / path).is_dir()
        assert mode == ("0o2770" if is_dir else "0o660"), (path, mode)
        assert gid == accounts.gid, (path, gid)

    # Carol, outside the group, reads nothing and is told why in one line.
    one_clear_line(cli(c, data, "member", "list"), data)

    def read_core() -> int:
        try:
            (data / "store" / "core.json").read_bytes()
        except PermissionError:
            return 3
        return 0

    assert run_as(c, read_core).code == 3


def test_a_read_only_store_with_a_pending_journal_is_one_clear_line(accounts: Accounts, shared_dir: Path) -> None:
    a, b, data = accounts.alice, accounts.bob, shared_dir
    ok(cli(a, data, "school", "add", "第十八中学"))
    # A commit left half done: its new file in .tmp/ and the journal that says where it goes.
    core = data / "store" / "core.json"
    pending = data / ".tmp" / "pending.tmp"
    pending.write_bytes(core.read_bytes())
    (data / ".journal").write_text(json.dumps({"renames": [[".tmp/pending.tmp", "store/core.json"]]}))
    for p in (pending, data / ".journal"):
        os.chown(p, -1, accounts.gid)
        os.chmod(p, 0o660)
    os.chmod(data / "store", DIR_MODE & ~0o220)  # the store read-only for the group
    try:
        ran = cli(b, data, "member", "list")
        one_clear_line(ran, data)
        print(ran.err.strip())
        # Without the journal, reading a read-only store works.
        (data / ".journal").unlink()
        assert ok(cli(b, data, "school", "list")).strip() != ""
    finally:
        os.chmod(data / "store", DIR_MODE)


def test_a_data_directory_left_open_by_an_older_version_is_closed_on_open(tmp_path: Path) -> None:
    from storage import open_store

    data = tmp_path / "old"
    (data / "store").mkdir(parents=True)
    os.chmod(data, 0o755)  # noqa: S103  (what main created)
    open_store(data)
    assert stat.S_IMODE(data.stat().st_mode) & 0o007 == 0
