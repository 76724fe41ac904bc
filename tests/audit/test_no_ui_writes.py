"""Screens, web routes and CLI handlers never open a store transaction nor write an audit entry themselves.

The campaign function that makes a secretary's change records it in the same transaction; a screen that opened
its own could forget the entry or split one change over two commits. Checked on the syntax tree, so a comment or a
string mentioning ``transaction(`` does not count, and a call spelled any way (``c.store.transaction()``,
``store.transaction()``, ``self.c.audit(...)``) does.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"transaction", "audit"}


def offending_calls(source: str, filename: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN:
            found.append(f"{filename}:{node.lineno}: .{node.func.attr}(...)")
    return found


def test_the_check_sees_each_way_of_writing_the_call() -> None:
    source = (
        "with c.store.transaction():\n    c.audit('x')\n"
        "with self.c.store.transaction() as txn:\n    pass\n"
        "# c.audit('in a comment')\nx = 'store.transaction()'\n"
    )
    assert len(offending_calls(source, "sample.py")) == 3


def test_no_screen_route_or_cli_handler_writes_the_store_or_the_audit_log_itself() -> None:
    found: list[str] = []
    for package in ("tui", "web"):
        for path in sorted((ROOT / package).rglob("*.py")):
            found += offending_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == [], "move these into a campaign function:\n" + "\n".join(found)
