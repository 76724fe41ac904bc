"""Branch settings: read, explained, and changed one at a time with validation (and an audit entry)."""

from __future__ import annotations

import ast
import inspect
from dataclasses import fields
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.records import Settings

from .context import Campaign
from .errors import Refused
from .i18n import LANGUAGES, known, t

_NON_NEGATIVE = {
    "signin_opens_before_min",
    "late_after_min",
    "signin_closes_after_min",
    "pledge_publicity_days",
    "pledge_due_soon_days",
}
_POSITIVE = {"idle_timeout_s", "backup_keep", "web_port", "pledge_link_minutes", "satisfaction_min_n"}
_POINTS_SETTINGS = {"term_spring_start", "term_autumn_start", "points_ranking"}
#: The largest whole number a setting takes.
MAX_INT = 65535


def setting_names() -> list[str]:
    return [f.name for f in fields(Settings)]


def describe() -> dict[str, str]:
    """What each setting means, in the active language (``settings_help.toml``); a setting the catalogs do not
    describe yet falls back to the ``#:`` comment above it in :class:`Settings` (a test requires the catalogs)."""
    docs = _source_comments()
    for name in setting_names():
        if known(f"settings_help.{name}"):
            docs[name] = t(f"settings_help.{name}")
    return docs


def _source_comments() -> dict[str, str]:
    source = inspect.getsource(Settings)
    docs: dict[str, str] = {}
    pending: list[str] = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
        elif ":" in stripped and pending:
            docs[stripped.split(":")[0]] = " ".join(pending)
            pending = []
    return docs


def _parse(name: str, raw: str, current: object) -> object:
    raw = raw.strip()
    if isinstance(current, bool):
        if raw.lower() in ("1", "true", "yes", "on", "是"):
            return True
        if raw.lower() in ("0", "false", "no", "off", "否"):
            return False
        raise Refused("settings.bad_bool", name=name, value=raw)
    if isinstance(current, int):
        try:
            value = int(raw)
        except ValueError:
            raise Refused("settings.bad_number", name=name, value=raw) from None
        low = 1 if name in _POSITIVE else 0 if name in _NON_NEGATIVE else None
        if (low is not None and value < low) or value > MAX_INT:
            if low is None:
                raise Refused("limits.out_of_range_max", name=name, value=raw, high=MAX_INT)
            raise Refused("limits.out_of_range", name=name, value=raw, low=low, high=MAX_INT)
        return value
    if isinstance(current, float):
        try:
            value_f = float(raw[:-1]) / 100 if raw.endswith("%") else float(ast.literal_eval(raw))
        except (ValueError, SyntaxError):
            raise Refused("settings.bad_number", name=name, value=raw) from None
        if not 0 < value_f <= 1:
            raise Refused("limits.out_of_share", name=name, value=raw)
        return value_f
    return raw


def update_setting(c: Campaign, name: str, raw: str) -> Settings:
    """Change one setting from its text form; refuses unknown names and bad values, changing nothing."""
    if name not in setting_names():
        raise Refused("settings.unknown", name=name, names=", ".join(setting_names()))
    with c.store.transaction():
        settings = c.settings
        value = _parse(name, raw, getattr(settings, name))
        if name == "timezone":
            try:
                ZoneInfo(str(value))
            except (ZoneInfoNotFoundError, ValueError):
                raise Refused("settings.bad_timezone", value=raw) from None
        if name == "public_url":
            from .urls import check_public_url

            value = check_public_url(str(value))
        if name == "language" and value not in LANGUAGES:
            raise Refused("settings.bad_language", value=raw, languages=", ".join(LANGUAGES))
        updated = Settings.from_doc({**settings.to_doc(), name: value})
        if name in _POINTS_SETTINGS:
            from .points_periods import check_points_setting

            check_points_setting(updated, name, raw)
        c.repos.settings.put(updated)
        c.audit("settings.set", name=name, value=str(value))
    return updated
