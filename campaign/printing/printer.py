"""Sending a finished PDF to the printer through CUPS ``lp``, when this host has it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from campaign.errors import Refused

#: A spooler that does not answer within this time is reported, not waited on forever.
LP_TIMEOUT_S = 60


def lp_available() -> bool:
    """Whether printing is offered: CUPS's ``lp`` is on the PATH."""
    return shutil.which("lp") is not None


def print_pdf(path: Path, *, printer: str | None = None) -> str:
    """Send ``path`` to ``printer`` (default: the CUPS default destination); returns what ``lp`` said.

    Refused: no ``lp`` on this host, a missing file, or ``lp`` failing (no default printer, spooler down...)
    with ``lp``'s own message.
    """
    lp = shutil.which("lp")
    if lp is None:
        raise Refused("printing.no_lp", path=str(path))
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise Refused("printing.not_a_pdf", path=str(path))
    command = [lp, *(["-d", printer] if printer else []), "-t", path.name, str(path)]
    try:
        # An absolute path starts with "/", so lp cannot read the file name as an option.
        done = subprocess.run(command, capture_output=True, text=True, timeout=LP_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise Refused("printing.lp_failed", reason=f"timeout {LP_TIMEOUT_S}s", path=str(path)) from exc
    except OSError as exc:
        raise Refused("printing.lp_failed", reason=exc.strerror or str(exc), path=str(path)) from exc
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip() or f"exit {done.returncode}"
        raise Refused("printing.lp_failed", reason=reason, path=str(path))
    return done.stdout.strip()
