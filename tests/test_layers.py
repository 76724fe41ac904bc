"""Layers: ``storage`` and ``campaign`` never import a user interface (Textual, Rich) or a web framework."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("textual", "rich", "starlette", "uvicorn")

IMPORT_ALL = """
import importlib, json, pkgutil, sys
imported = []
for package in ("storage", "campaign"):
    module = importlib.import_module(package)
    imported.append(package)
    for info in pkgutil.walk_packages(module.__path__, prefix=package + "."):
        importlib.import_module(info.name)
        imported.append(info.name)
print(json.dumps({"imported": imported, "loaded": sorted(sys.modules)}))
"""


def test_storage_and_campaign_import_without_textual_rich_or_a_web_framework() -> None:
    proc = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    imported = set(result["imported"])
    # Every module was really imported (a new module is covered without editing this test).
    on_disk = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for package in ("storage", "campaign")
        for p in (ROOT / package).rglob("*.py")
    }
    assert on_disk <= imported
    leaked = [m for m in result["loaded"] if m.split(".")[0] in FORBIDDEN]
    assert leaked == []
