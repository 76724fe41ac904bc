"""A real OpenSSH server for end-to-end tests: its own host key, config and port on 127.0.0.1, a test user with a
test key, and the secretary's login forced into ``chuangyou admin`` as the README's deployment example does.

Nothing of the system's own sshd is touched: the server runs from a private config in a temporary directory and
is stopped (with the test user removed) when the test ends. Needs root (to start sshd and add a user).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.accounts import temporary_account
from tests.tools import require_tool

SSHD_CONFIG = """\
Port {port}
ListenAddress 127.0.0.1
HostKey {root}/host_ed25519
PidFile {root}/sshd.pid
AuthorizedKeysFile {root}/authorized_keys/%u
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers {user}
AcceptEnv LANG LC_*
SetEnv CHUANGYOU_NOW={now}
LogLevel VERBOSE

"""


@dataclass(frozen=True)
class SshServer:
    port: int
    user: str
    group: str
    key: Path

    def client(self, ssh: str) -> list[str]:
        """The ssh command that logs the test user in (a terminal forced: ``-tt``)."""
        return [
            ssh,
            "-tt",
            "-p",
            str(self.port),
            "-i",
            str(self.key),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "SetEnv=LANG=C.UTF-8",
            f"{self.user}@127.0.0.1",
        ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def shared_data_dir(group: str) -> Path:
    """A data directory outside the private pytest tree, owned by the chuangyou group: setgid, rwx for the group."""
    path = Path(tempfile.mkdtemp(prefix="chuangyou-ssh-"))
    os.chown(path, 0, grp.getgrnam(group).gr_gid)
    path.chmod(0o2770)
    return path


def give_to(path: Path, user: str, group: str) -> None:
    """Hand every file of a data directory made by the test (as root) to the test user and the group."""
    uid, gid = pwd.getpwnam(user).pw_uid, grp.getgrnam(group).gr_gid
    for dirpath, dirs, files in os.walk(path):
        for name in [*dirs, *files]:
            os.chown(Path(dirpath) / name, uid, gid)
    os.chown(path, uid, gid)


@contextmanager
def ssh_server(deployment: Callable[[str], str], now: str) -> Iterator[SshServer]:
    """sshd on a free port of 127.0.0.1 for a new test user; ``deployment(user)`` gives the config's last part
    (the README's ``Match User`` block for that user)."""
    # sshd lives in sbin, which is not on every PATH.
    sshd = shutil.which("sshd") or shutil.which("sshd", path="/usr/sbin:/usr/local/sbin")
    if sshd is None:
        sshd = require_tool("sshd", "apt-get install openssh-server")
    keygen = require_tool("ssh-keygen", "apt-get install openssh-client")
    with temporary_account("cysec") as (user, group):
        # Outside pytest's own temporary tree, which pytest keeps private (0700) whenever a test session starts:
        # sshd reads the authorized keys as the user, who must be able to reach them.
        root = Path(tempfile.mkdtemp(prefix="chuangyou-sshd-"))
        root.chmod(0o711)
        (root / "authorized_keys").mkdir()
        proc: subprocess.Popen[bytes] | None = None
        try:
            subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(root / "host_ed25519")], check=True)
            key = root / "secretary_ed25519"
            subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
            shutil.copyfile(key.with_suffix(".pub"), root / "authorized_keys" / user)
            # sshd reads it as the user; the test process's umask may be chuangyou's 007 (CLI tests run in-process).
            (root / "authorized_keys").chmod(0o755)
            (root / "authorized_keys" / user).chmod(0o644)
            # sshd checks its privilege-separation directory (normally made by the system service).
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
            port = free_port()
            config = root / "sshd_config"
            config.write_text(SSHD_CONFIG.format(port=port, root=root, user=user, now=now) + deployment(user))
            proc = subprocess.Popen([sshd, "-D", "-E", str(root / "sshd.log"), "-f", str(config)])
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if proc.poll() is not None:
                    raise AssertionError(f"sshd did not start: {(root / 'sshd.log').read_text(errors='replace')}")
                time.sleep(0.05)
            yield SshServer(port, user, group, key)
        finally:
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=10)
            shutil.rmtree(root, ignore_errors=True)
