"""The log file: in the data directory, private whatever the umask, rotated, and holding what a screen must not."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign import logfile
from campaign.logfile import log_failure, log_path, setup_logging


@pytest.fixture(autouse=True)
def _fresh_logger() -> Iterator[None]:
    log = logging.getLogger(logfile.LOGGER)
    saved = list(log.handlers)
    yield
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    for handler in saved:
        log.addHandler(handler)


@pytest.mark.parametrize("shared", [False, True], ids=["private", "shared-group"])
def test_the_log_is_private_and_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: bool) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    os.chmod(data_dir, 0o2770 if shared else 0o700)
    monkeypatch.setattr(logfile, "MAX_BYTES", 2_000)
    old = os.umask(0)  # the worst umask: nothing masked
    try:
        assert setup_logging(data_dir) == log_path(data_dir)
        for n in range(40):
            try:
                raise OSError(28, "No space left on device", f"/x/{n}")
            except OSError as exc:
                log_failure("sign-in", exc)
    finally:
        os.umask(old)
    files = sorted(log_path(data_dir).parent.iterdir())
    assert len(files) > 1 and len(files) <= logfile.BACKUP_COUNT + 1  # rotated, and bounded
    expected = 0o660 if shared else 0o600
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {expected}
    assert "Traceback" in log_path(data_dir).read_text(encoding="utf-8")


def test_nothing_reaches_the_terminal_when_the_log_cannot_be_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "logs").write_text("not a directory")  # the log cannot be made
    setup_logging(data_dir)
    log_failure("sign-in", OSError(13, "Permission denied"))
    out, err = capsys.readouterr()
    assert out == "" and err == ""
