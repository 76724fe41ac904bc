"""``chuangyou feedback issue | sheet | stats | comments``: parent feedback for the secretary and scripts."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from campaign import feedback as fb
from campaign import satisfaction as sat
from campaign.context import Campaign
from campaign.errors import Refused
from campaign.exports import export_path
from campaign.i18n import t
from campaign.urls import slip_urls

from .common import add_json, emit, with_campaign


def register(sub: Any) -> None:
    feedback = sub.add_parser("feedback", help=t("cli_feedback.feedback")).add_subparsers(dest="action", required=True)

    p = feedback.add_parser("issue", help=t("cli_feedback.issue"))
    p.add_argument("--member", required=True, metavar="CODE", help=t("cli_feedback.issue_member"))
    p.add_argument("--count", required=True, type=int, metavar="N", help=t("cli_feedback.issue_count"))
    p.add_argument("--class", dest="class_label", default="", metavar="LABEL", help=t("cli_feedback.issue_class"))
    p.add_argument("--expires", default=None, metavar="YYYY-MM-DD", help=t("cli_feedback.issue_expires"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_issue))

    p = feedback.add_parser("sheet", help=t("cli_feedback.sheet"))
    p.add_argument("--batch", required=True, metavar="BATCH", help=t("cli_feedback.sheet_batch"))
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help=t("cli_feedback.sheet_out"))
    p.add_argument("--print", dest="send_to_printer", action="store_true", help=t("cli_feedback.sheet_print"))
    add_json(p)
    p.set_defaults(handler=with_campaign(_sheet))

    for name, handler in (("stats", _stats), ("comments", _comments)):
        p = feedback.add_parser(name, help=t(f"cli_feedback.{name}"))
        p.add_argument("--member", default=None, metavar="CODE", help=t("cli_feedback.stats_member"))
        p.add_argument("--school", default=None, metavar="SCHOOL", help=t("cli_feedback.stats_school"))
        p.add_argument(
            "--period", choices=[str(x) for x in sat.Period], default="all", help=t("cli_feedback.stats_period")
        )
        p.add_argument("--from", dest="first", default=None, metavar="YYYY-MM-DD", help=t("cli_feedback.stats_from"))
        p.add_argument("--to", dest="last", default=None, metavar="YYYY-MM-DD", help=t("cli_feedback.stats_to"))
        add_json(p)
        p.set_defaults(handler=with_campaign(handler))


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Refused("cli_feedback.bad_date", text=text) from None


def _issue(c: Campaign, args: argparse.Namespace) -> int:
    issued = fb.issue_batch(c, args.member, args.count, class_label=args.class_label, expires=_date(args.expires))
    batch = issued.batch
    member = c.repos.members.get(batch.member)
    urls = slip_urls(c, issued.codes)
    doc = {
        "batch": batch.id,
        "member": batch.member,
        "class": batch.class_label,
        "expires": batch.expires.isoformat(),
        "codes": list(issued.codes),
        "display": [fb.display_code(k) for k in issued.codes],
        "urls": urls,
    }
    head = t(
        "cli_feedback.issued",
        name=member.name if member else batch.member,
        batch=batch.id,
        count=batch.count,
        expires=batch.expires.isoformat(),
    )
    lines = [head, *(f"{fb.display_code(k)}  {u}" for k, u in zip(issued.codes, urls, strict=True))]
    return emit(args, doc, "\n".join(lines))


def _sheet(c: Campaign, args: argparse.Namespace) -> int:
    fb.batch_slips(c, args.batch)  # refuses an unknown batch before anything is drawn
    # Imported lazily: reportlab and the QR renderer are only loaded when a sheet is drawn.
    from campaign.printing.slips import write_slip_sheet

    path = write_slip_sheet(c, args.batch.strip(), export_path(c, args.out))
    doc: dict[str, Any] = {"batch": args.batch.strip(), "path": str(path), "printed": False}
    lines = [t("cli_feedback.sheet_done", path=path)]
    if args.send_to_printer:
        from campaign.printing.printer import print_pdf

        lines.append(t("cli_feedback.lp_done", detail=print_pdf(path)))
        doc["printed"] = True
    return emit(args, doc, "\n".join(lines))


def _period(c: Campaign, args: argparse.Namespace) -> tuple[date | None, date | None]:
    first, last = sat.period_bounds(sat.Period(args.period), fb.today(c))
    return _date(args.first) or first, _date(args.last) or last


def _figures(s: sat.Satisfaction, target: float, min_n: int = 1) -> dict[str, Any]:
    return {
        "n": s.n,
        "satisfied": s.satisfied,
        "basically": s.basically,
        "unsatisfied": s.unsatisfied,
        "unknown": s.unknown,
        "rate": _round(s.rate),
        "score": _round(s.score, 2),
        "wilson_low": _round(s.wilson_low),
        "met": s.meets(target, min_n),
        "confidently_met": s.confidently_meets(target) if s.n >= min_n else None,
        "verdict": str(s.verdict(target, min_n)),
    }


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def _percent(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def _line(label: str, s: sat.Satisfaction) -> str:
    return t(
        "cli_feedback.stats_line",
        label=label,
        n=s.n,
        satisfied=s.satisfied,
        basically=s.basically,
        unsatisfied=s.unsatisfied,
        unknown=s.unknown,
        rate=_percent(s.rate),
        score="—" if s.score is None else f"{s.score:.1f}",
        low=_percent(s.wilson_low),
    )


def _check_scope(c: Campaign, args: argparse.Namespace) -> None:
    if args.member is not None and c.repos.members.get(args.member) is None:
        raise Refused("cli_feedback.unknown_member", code=args.member)
    if args.school is not None and not c.repos.schools.exists(args.school):
        raise Refused("cli_feedback.unknown_school", school=args.school)


def _stats(c: Campaign, args: argparse.Namespace) -> int:
    _check_scope(c, args)
    first, last = _period(c, args)
    report = sat.satisfaction_report(c, first, last)
    names = {m.code: m.name for m in c.repos.members.all()}
    target, min_n = report.target, report.min_n
    if args.member is not None:
        scope, label = report.by_teacher.get(args.member, sat.Satisfaction()), names.get(args.member, args.member)
    elif args.school is not None:
        scope, label = report.by_school.get(args.school, sat.Satisfaction()), args.school
    else:
        scope, label = report.branch, t("cli_feedback.stats_branch")
    doc: dict[str, Any] = {
        **_figures(scope, target, min_n),
        "target": target,
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
        "member": args.member,
        "school": args.school,
    }
    lines = [_line(label, scope)]
    if args.member is None and args.school is None:
        doc["branch_met"] = report.target_met
        doc["schools"] = [{"school": k, **_figures(v, target, min_n)} for k, v in report.by_school.items()]
        doc["teachers"] = [
            {"member": k, "name": names.get(k, ""), **_figures(v, target, min_n)}
            for k, v in report.teachers_worst_first()
        ]
        verdict = {
            sat.Verdict.NO_ANSWERS: t("feedback.no_answers"),
            sat.Verdict.TOO_FEW: t("slips.too_few", n=report.branch.n, min_n=min_n),
            sat.Verdict.MET: t("feedback.target_met"),
            sat.Verdict.NOT_MET: t("feedback.target_not_met"),
        }[report.verdict]
        doc["min_n"] = min_n
        lines.append(t("cli_feedback.stats_target", target=_percent(target), verdict=verdict))
        lines += [_line(k, v) for k, v in report.by_school.items()]
        lines += [_line(f"{k} {names.get(k, '')}", v) for k, v in report.teachers_worst_first()]
    elif args.school is not None:
        teachers = {m.code for m in c.repos.members.all() if m.school == args.school}
        doc["teachers"] = [
            {"member": k, "name": names.get(k, ""), **_figures(v, target, min_n)}
            for k, v in report.by_teacher.items()
            if k in teachers
        ]
    return emit(args, doc, "\n".join(lines))


def _comments(c: Campaign, args: argparse.Namespace) -> int:
    _check_scope(c, args)
    first, last = _period(c, args)
    school_of = {m.code: m.school for m in c.repos.members.all()}
    rows = [
        x
        for x in sat.comments(c, args.member, first, last)
        if args.school is None or school_of.get(x.member) == args.school
    ]
    doc = {
        "comments": [
            {"member": x.member, "day": x.day.isoformat(), "option": str(x.option), "text": x.text} for x in rows
        ]
    }
    human = [f"{x.day.isoformat()}\t{x.member}\t{t('feedback.option_' + str(x.option))}\t{x.text}" for x in rows]
    return emit(args, doc, "\n".join(human) if human else t("cli_feedback.no_comments"))
