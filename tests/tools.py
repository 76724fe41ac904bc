"""End-to-end tests need real programs. Locally a missing one skips with a reason; under CI=true it fails."""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(name: str, hint: str) -> str:
    """The path of program ``name``; if missing, fail under CI and skip otherwise (``hint``: how to get it)."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed ({hint})"
    if in_ci():
        pytest.fail(f"{message}; .ci/run must install it", pytrace=False)
    pytest.skip(message)


def require_module(name: str, hint: str) -> None:
    try:
        __import__(name)
    except ImportError:
        message = f"Python module {name} is missing ({hint})"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
