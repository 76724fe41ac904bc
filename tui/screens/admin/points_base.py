"""What the secretary's points screens share: the admin style sheet and their own (``points.tcss``)."""

from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar

from .base import AdminScreen


class PointsAdminScreen(AdminScreen):
    CSS_PATH: ClassVar[str | PurePath | list[str | PurePath] | None] = ["admin.tcss", "points.tcss"]
