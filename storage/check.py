"""A full check of a store: every file parses, the schema is known, nothing is left half-done."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from . import schema
from .schema import read_schema
from .store import Store


@dataclass(frozen=True)
class Problem:
    path: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "detail": self.detail}


def check_store(store: Store) -> list[Problem]:
    """Every problem found; an empty list means the store is sound. Reads only; changes nothing."""
    problems: list[Problem] = []
    for dirpath, _dirs, names in os.walk(store.dir):
        for name in sorted(names):
            path = os.path.join(dirpath, name)
            if not name.endswith(".json"):
                problems.append(Problem(path, "unexpected file in the store"))
                continue
            try:
                with open(path, "rb") as fh:
                    data = json.load(fh)
            except (ValueError, OSError) as exc:
                problems.append(Problem(path, f"does not parse: {exc}"))
                continue
            if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
                problems.append(Problem(path, "not a TinyDB document (tables of documents)"))
    if not problems:
        version = read_schema(store)
        if version is None:
            problems.append(Problem(str(store.path("meta")), "no schema version"))
        elif version != schema.CURRENT_SCHEMA:
            expected = schema.CURRENT_SCHEMA
            problems.append(Problem(str(store.path("meta")), f"schema {version}, expected {expected}"))
    return problems
