"""Schema 3 → 4: slip codes move from ``tokens/<xx>`` (every year's codes in one file per two letters) to
``tokens_<yyyy>/<xx>`` (by the year of their batch, see :func:`storage.slips.token_partition`).

A code keeps its record unchanged; only the file it is kept in changes. The old files are left empty (a file is
never deleted inside a transaction).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store


def tokens_by_year(store: Store) -> None:
    from .records import FeedbackToken
    from .slips import LEGACY_TOKENS, Tokens

    repo = Tokens(store)
    for partition in store.partitions(LEGACY_TOKENS):
        docs = store.read(partition).get("tokens", {})
        if docs:
            repo.add_many([FeedbackToken.from_doc(d) for d in docs.values()])
            store.write(partition, {})
