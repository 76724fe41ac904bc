"""``chuangyou check``, ``chuangyou backup``, ``chuangyou restore``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from campaign.i18n import t
from storage import Store
from storage.backup import create_backup, list_backups, read_backup, restore, verify_backup
from storage.check import Problem, check_store
from storage.errors import StoreError

from .common import EXIT_OK, EXIT_REFUSED, add_json, emit, refuse, resolved_data_dir, store_error_message


def register(sub: Any) -> None:
    p = sub.add_parser("check", help=t("cli.check"))
    add_json(p)
    p.set_defaults(handler=_check)
    p = sub.add_parser("backup", help=t("cli.backup"))
    p.add_argument("--to", metavar="DIR", default=None, help=t("cli.backup_to"))
    p.add_argument("--list", action="store_true", help=t("cli.backup_list"))
    add_json(p)
    p.set_defaults(handler=_backup)
    p = sub.add_parser("restore", help=t("cli.restore"))
    p.add_argument("path", metavar="PATH")
    p.add_argument("--yes", action="store_true", help=t("cli.restore_yes"))
    add_json(p)
    p.set_defaults(handler=_restore)


def _raw_store(args: argparse.Namespace) -> Store:
    # check / backup / restore must work on a damaged store, so they do not open it through the campaign.
    return Store(resolved_data_dir(args))


def _check(args: argparse.Namespace) -> int:
    try:
        store = _raw_store(args)
        with store.locked():
            problems = check_store(store)
    except StoreError as exc:
        return refuse(store_error_message(exc))
    problems.extend(_points_rules_problems(store))
    warnings = _backup_warnings(store)
    doc = {"ok": not problems, "problems": [p.to_json() for p in problems], "warnings": warnings}
    human = t("cli.check_ok") if not problems else "\n".join(f"{p.path}: {p.detail}" for p in problems)
    emit(args, doc, "\n".join([human, *warnings]))
    return EXIT_OK if not problems else EXIT_REFUSED


def _points_rules_problems(store: Store) -> list[Problem]:
    from campaign.points_rules import check_rules_file, rules_path

    path = str(rules_path(store.root))
    return [Problem(path, p.message()) for p in check_rules_file(store.root)]


def _backup_warnings(store: Store) -> list[str]:
    backups = list_backups(store)
    if not backups:
        return [t("cli.check_no_backup")]
    try:
        age = datetime.now(UTC) - datetime.fromisoformat(backups[0].created)
    except ValueError:
        return []
    if age > timedelta(hours=48):
        return [t("cli.check_old_backup", days=age.days, path=backups[0].path)]
    return []


def _backup(args: argparse.Namespace) -> int:
    try:
        store = _raw_store(args)
        if args.list:
            backups = list_backups(store)
            doc = {"backups": [{"path": b.path, "created": b.created, "reason": b.reason} for b in backups]}
            return emit(args, doc, "\n".join(f"{b.path}\t{b.reason}" for b in backups))
        from storage.repositories import SettingsRepo

        keep = SettingsRepo(store).get().backup_keep
        path = create_backup(store, to=Path(args.to) if args.to else None, keep=keep)
    except StoreError as exc:
        return refuse(store_error_message(exc))
    except OSError as exc:
        return refuse(t("cli.backup_failed", reason=exc.strerror or str(exc)))
    return emit(args, {"path": path}, t("cli.backup_done", path=path))


def _restore(args: argparse.Namespace) -> int:
    backup = Path(args.path)
    info = read_backup(backup)
    if info is None:
        return refuse(t("cli.restore_not_backup", path=backup))
    problems = verify_backup(backup)
    if problems:
        return refuse(t("cli.restore_bad_backup", path=backup, problems="; ".join(problems)))
    store = _raw_store(args)
    summary = t("cli.restore_summary", current=store.dir, backup=backup, created=info.created, files=info.files)
    if not args.yes:
        print(summary, file=sys.stderr)
        return refuse(t("cli.restore_confirm"))
    try:
        kept = restore(store, backup)
    except StoreError as exc:
        return refuse(store_error_message(exc))
    return emit(args, {"restored": backup, "previous": kept}, t("cli.restore_done", backup=backup, kept=kept))
