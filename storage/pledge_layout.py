"""Schema 1 → 2: pledges move from one file per year (``pledges/<year>``) to small files per year and member
(``pledges_<year>/<bb>``, see :class:`storage.pledge_repos.Pledges`).

Before schema 2 nothing but the demo district wrote pledges, so their ids (``<year>-<n>``) are assigned afresh;
the old files are left empty (a file is never deleted inside a transaction).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store


def pledges_by_member_bucket(store: Store) -> None:
    from .pledge_repos import Pledges
    from .records import Pledge

    repo = Pledges(store)
    for partition in store.partitions("pledges"):
        docs = store.read(partition).get("pledges", {})
        for doc in sorted(docs.values(), key=lambda d: d.get("created", "")):
            repo.add(Pledge.from_doc(doc))
        store.write(partition, {})
