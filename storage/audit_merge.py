"""Keeping the audit log across a restore: the live entries and the backup's are merged, nothing is dropped.

The log lives in ``audit/<yyyy-mm>.json`` partitions (TinyDB layout ``{"audit": {id: entry}}``). A restore puts
the backup's store in place; before it does, :func:`merge_audit` writes into the restored copy the union of its
entries and the live store's (an entry present in both is kept once), sorted by time, plus any new entries (the
restore itself). Runs under the store's lock, on the staging copy, so it takes effect with the swap.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from .records import AuditEntry
from .store import encode

AUDIT_DIR = "audit"


def _read_entries(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return []
    except ValueError:
        # A damaged month of the live log cannot be merged; the restore goes on with what parses (the damaged
        # file itself stays in the replaced store, kept under backups/).
        return []
    table = data.get("audit", {}) if isinstance(data, dict) else {}
    return [d for d in table.values() if isinstance(d, dict)] if isinstance(table, dict) else []


def _when(doc: dict[str, Any]) -> tuple[float, str]:
    try:
        return (datetime.fromisoformat(str(doc.get("at"))).timestamp(), json.dumps(doc, sort_keys=True))
    except ValueError:
        return (0.0, json.dumps(doc, sort_keys=True))


def merge_audit(live_store: Path, staging_store: Path, extra: Iterable[AuditEntry] = ()) -> None:
    """Merge the audit partitions of ``live_store`` (and ``extra`` entries) into ``staging_store``, in place."""
    months: dict[str, list[dict[str, Any]]] = {}
    for folder in (staging_store / AUDIT_DIR, live_store / AUDIT_DIR):
        try:
            names = [e.name for e in os.scandir(folder) if e.name.endswith(".json")]
        except FileNotFoundError:
            continue
        for name in names:
            months.setdefault(name, []).extend(_read_entries(folder / name))
    for entry in extra:
        months.setdefault(f"{entry.at:%Y-%m}.json", []).append(entry.to_doc())
    if not months:
        return
    (staging_store / AUDIT_DIR).mkdir(parents=True, exist_ok=True)
    for name, docs in months.items():
        unique: dict[str, dict[str, Any]] = {}
        for doc in docs:
            unique.setdefault(json.dumps(doc, sort_keys=True, ensure_ascii=False), doc)
        ordered = sorted(unique.values(), key=_when)
        data = {"audit": {str(i): doc for i, doc in enumerate(ordered, start=1)}}
        (staging_store / AUDIT_DIR / name).write_bytes(encode(data))
