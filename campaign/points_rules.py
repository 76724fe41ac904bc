"""The points rules (党员积分规则): a TOML file in the data directory that the secretary edits.

``DATA_DIR/points.toml`` is written from the shipped defaults (``campaign/points_default.toml``, commented) on
first use. Every load validates the whole file; each mistake becomes a :class:`RuleProblem` with a catalog message
and, where it can be found, the line. A broken file never takes the boards down: the last good rules (a copy kept
in ``DATA_DIR/points.last-good.toml``, written whenever a good file is read) stay in force, and
:func:`rules_status` says exactly what is wrong for the admin home screen and ``chuangyou check``.

No point value lives in code: :class:`Rules` is only ever built from a TOML text.
"""

from __future__ import annotations

import contextlib
import difflib
import math
import os
import re
import threading
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from storage.records import AttendanceStatus, PledgeGrade

from .i18n import t

RULES_FILE = "points.toml"
LAST_GOOD_FILE = "points.last-good.toml"
DEFAULT_RESOURCE = "points_default.toml"
#: Points of one rule may not exceed this in either direction: a typo like 200 instead of 2 is refused.
MAX_RULE_POINTS = 1000

JUDGES = ("wilson", "rate")
_ATTENDANCE_KEYS = tuple(str(s) for s in AttendanceStatus)
_PLEDGE_KEYS = tuple(str(g) for g in PledgeGrade)
_SCHEMA: dict[str, tuple[str, ...]] = {
    "attendance": (*_ATTENDANCE_KEYS, "cap_per_year"),
    "pledge": (*_PLEDGE_KEYS, "missing_per_term"),
    "satisfaction": ("min_answers", "judge", "band"),
    "adjustment": ("max_points",),
}
_OPTIONAL = {("attendance", "cap_per_year"), ("satisfaction", "band")}
_BAND_KEYS = ("at_least", "below", "points")


@dataclass(frozen=True)
class Band:
    """A satisfaction band: ``at_least`` (percent reached) or ``below`` (percent not reached), and its points."""

    points: int
    at_least: float | None = None
    below: float | None = None

    @property
    def key(self) -> str:
        """The rule name of this band, as breakdown lines show it: ``satisfaction.at_least_95``."""
        if self.at_least is not None:
            return f"satisfaction.at_least_{_pct(self.at_least)}"
        return f"satisfaction.below_{_pct(self.below or 0.0)}"


@dataclass(frozen=True)
class Rules:
    """The rules in force. Points are whole numbers; percentages are fractions (0.95)."""

    attendance: dict[AttendanceStatus, int]
    #: The most points study sessions add in a calendar year; deductions are never capped. None: no cap.
    attendance_cap_per_year: int | None
    pledge_grades: dict[PledgeGrade, int]
    pledge_missing_per_term: int
    satisfaction_min_answers: int
    #: "wilson" (95% Wilson lower bound) or "rate" (the plain rate).
    satisfaction_judge: str
    #: ``at_least`` bands highest first, then ``below`` bands lowest first.
    satisfaction_bands: tuple[Band, ...]
    adjustment_max_points: int

    def band_for(self, value: float) -> Band | None:
        """The band a judged satisfaction value falls in (the highest ``at_least`` reached, else the lowest
        ``below`` not reached), or None."""
        for band in self.satisfaction_bands:
            if band.at_least is not None and value >= band.at_least - 1e-12:
                return band
        for band in self.satisfaction_bands:
            if band.below is not None and value < band.below - 1e-12:
                return band
        return None


@dataclass(frozen=True)
class RuleProblem:
    """One mistake in a rules file, worded by the catalog key ``key`` (``points.err_*``) with ``params``."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    #: The line of the rules file (1-based), when known.
    line: int | None = None

    def message(self, lang: str | None = None) -> str:
        text = t(self.key, lang=lang, **self.params)
        return t("points.at_line", lang=lang, line=self.line, text=text) if self.line else text


@dataclass(frozen=True)
class RulesStatus:
    """Which rules are in force and why."""

    rules: Rules
    path: Path
    #: "file": the rules file is good; "last_good": the file has problems, the last good copy is in force;
    #: "defaults": the file has problems and no good copy exists, the shipped defaults are in force.
    source: str
    problems: tuple[RuleProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def messages(self, lang: str | None = None) -> list[str]:
        """One line per problem, headed by which rules are in force instead."""
        if self.ok:
            return []
        head = t(f"points.in_force_{self.source}", lang=lang, path=str(self.path))
        return [head, *(p.message(lang) for p in self.problems)]


# ----------------------------------------------------------------------------------------------- validation
def default_text() -> str:
    """The shipped default rules file, comments included."""
    return (resources.files("campaign") / DEFAULT_RESOURCE).read_text(encoding="utf-8")


def validate_rules(text: str) -> tuple[Rules | None, list[RuleProblem]]:
    """Parse and check a rules file's text: the rules, or None and every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        detail = str(exc)
        match = re.search(r"line (\d+)", detail)
        return None, [RuleProblem("points.err_syntax", {"detail": detail}, int(match.group(1)) if match else None)]
    lines = _Locator(text)
    problems: list[RuleProblem] = []
    for table, value in data.items():
        if table not in _SCHEMA:
            problems.append(_unknown("points.err_unknown_rule", table, list(_SCHEMA), lines.table(table)))
        elif not isinstance(value, dict):
            problems.append(RuleProblem("points.err_not_table", {"name": table}, lines.key(None, table)))
    # A misspelt name is reported once, as unknown with its likely meaning, not again as a missing one.
    meant = {p.params["hint"] for p in problems}
    for table, keys in _SCHEMA.items():
        if table not in data:
            if table not in meant:
                problems.append(RuleProblem("points.err_missing_rule", {"name": table}))
            continue
        section = data[table]
        if not isinstance(section, dict):
            continue
        misspelt: set[str] = set()
        for key in section:
            if key not in keys:
                problem = _unknown("points.err_unknown_key", f"{table}.{key}", _qualified(table, keys), None)
                problems.append(_with_line(problem, lines.key(table, key)))
                misspelt.add(problem.params["hint"])
        for key in keys:
            name = f"{table}.{key}"
            if key not in section and (table, key) not in _OPTIONAL and name not in misspelt:
                problems.append(RuleProblem("points.err_missing_key", {"name": name}, lines.table(table)))
    checker = _Checker(data, lines, problems)
    attendance = {s: checker.points("attendance", str(s)) for s in AttendanceStatus}
    cap = checker.cap("attendance", "cap_per_year")
    grades = {g: checker.points("pledge", str(g)) for g in PledgeGrade}
    missing = checker.points("pledge", "missing_per_term")
    min_answers = checker.count("satisfaction", "min_answers")
    judge = checker.choice("satisfaction", "judge", JUDGES)
    bands = checker.bands()
    max_adjust = checker.count("adjustment", "max_points")
    if problems:
        return None, problems
    rules = Rules(
        attendance=attendance,  # type: ignore[arg-type]
        attendance_cap_per_year=cap,
        pledge_grades=grades,  # type: ignore[arg-type]
        pledge_missing_per_term=missing or 0,
        satisfaction_min_answers=min_answers or 0,
        satisfaction_judge=judge or "",
        satisfaction_bands=bands,
        adjustment_max_points=max_adjust or 0,
    )
    return rules, []


def _qualified(table: str, keys: tuple[str, ...]) -> list[str]:
    return [f"{table}.{k}" for k in keys]


def _unknown(key: str, name: str, known: list[str], line: int | None) -> RuleProblem:
    close = difflib.get_close_matches(name, known, n=1)
    hint = close[0] if close else ", ".join(known)
    return RuleProblem(key, {"name": name, "hint": hint}, line)


def _with_line(problem: RuleProblem, line: int | None) -> RuleProblem:
    return RuleProblem(problem.key, problem.params, line)


def _pct(fraction: float) -> str:
    value = round(fraction * 100, 4)
    return f"{value:g}"


class _Locator:
    """Finds the line of a table header or a key in a TOML text (plain scanning: good enough for messages)."""

    _HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.tables: dict[str, int] = {}
        self.keys: dict[tuple[str | None, str], int] = {}
        self.band_lines: list[int] = []
        current: str | None = None
        for n, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                current = header.group(1).strip()
                self.tables.setdefault(current, n)
                if current == "satisfaction.band":
                    self.band_lines.append(n)
                continue
            key = self._KEY.match(line)
            if key:
                self.keys.setdefault((current, key.group(1)), n)

    def table(self, name: str) -> int | None:
        return self.tables.get(name)

    def key(self, table: str | None, key: str) -> int | None:
        return self.keys.get((table, key))

    def band(self, index: int) -> int | None:
        return self.band_lines[index] if index < len(self.band_lines) else None


class _Checker:
    def __init__(self, data: dict[str, Any], lines: _Locator, problems: list[RuleProblem]) -> None:
        self.data = data
        self.lines = lines
        self.problems = problems

    def _value(self, table: str, key: str) -> Any:
        section = self.data.get(table)
        return section.get(key) if isinstance(section, dict) else None

    def _problem(self, key: str, table: str, name: str, **params: Any) -> None:
        line = self.lines.key(table, name)
        self.problems.append(RuleProblem(key, {"name": f"{table}.{name}", **params}, line))

    def _integer(self, table: str, key: str, value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._problem("points.err_bad_type", table, key, value=_shown(value), expected=t("points.type_integer"))
            return None
        if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
            self._problem("points.err_bad_number", table, key, value=_shown(value))
            return None
        number = int(value)
        if abs(number) > MAX_RULE_POINTS:
            self._problem("points.err_too_large", table, key, value=number, limit=MAX_RULE_POINTS)
            return None
        return number

    def points(self, table: str, key: str) -> int | None:
        value = self._value(table, key)
        return None if value is None else self._integer(table, key, value)

    def cap(self, table: str, key: str) -> int | None:
        value = self._value(table, key)
        if value is None:
            return None
        number = self._integer(table, key, value)
        if number is not None and number < 0:
            self._problem("points.err_negative_cap", table, key, value=number)
            return None
        return number

    def count(self, table: str, key: str) -> int | None:
        value = self._value(table, key)
        if value is None:
            return None
        number = self._integer(table, key, value)
        if number is not None and number < 1:
            self._problem("points.err_not_positive", table, key, value=number)
            return None
        return number

    def choice(self, table: str, key: str, choices: tuple[str, ...]) -> str | None:
        value = self._value(table, key)
        if value is None:
            return None
        if not isinstance(value, str) or value not in choices:
            self._problem("points.err_bad_choice", table, key, value=_shown(value), choices=", ".join(choices))
            return None
        return value

    def bands(self) -> tuple[Band, ...]:
        raw = self._value("satisfaction", "band")
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(b, dict) for b in raw):
            self._problem("points.err_bad_type", "satisfaction", "band", value=_shown(raw), expected="[[...]]")
            return ()
        bands: list[tuple[Band, int | None]] = []
        for i, entry in enumerate(raw):
            line = self.lines.band(i)
            name = f"satisfaction.band #{i + 1}"
            unknown = [k for k in entry if k not in _BAND_KEYS]
            for k in unknown:
                self.problems.append(_unknown("points.err_unknown_key", f"{name}.{k}", list(_BAND_KEYS), line))
            has = [k for k in ("at_least", "below") if k in entry]
            if len(has) != 1 or "points" not in entry:
                self.problems.append(RuleProblem("points.err_band_keys", {"name": name}, line))
                continue
            points = self._band_number(entry["points"], name, "points", line, integer=True)
            threshold = self._band_number(entry[has[0]], name, has[0], line, integer=False)
            if points is None or threshold is None:
                continue
            if not 0 <= threshold <= 100:
                self.problems.append(
                    RuleProblem("points.err_percent", {"name": f"{name}.{has[0]}", "value": _shown(threshold)}, line)
                )
                continue
            fraction = threshold / 100
            band = Band(int(points), at_least=fraction) if has[0] == "at_least" else Band(int(points), below=fraction)
            bands.append((band, line))
        self._overlaps(bands)
        at_least = sorted((b for b, _ in bands if b.at_least is not None), key=lambda b: -(b.at_least or 0))
        below = sorted((b for b, _ in bands if b.below is not None), key=lambda b: b.below or 0)
        return (*at_least, *below)

    def _band_number(self, value: Any, name: str, key: str, line: int | None, *, integer: bool) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            expected = t("points.type_integer") if integer else t("points.type_number")
            self.problems.append(
                RuleProblem(
                    "points.err_bad_type", {"name": f"{name}.{key}", "value": _shown(value), "expected": expected}, line
                )
            )
            return None
        if not math.isfinite(value) or (integer and not float(value).is_integer()):
            self.problems.append(RuleProblem("points.err_bad_number", {"name": f"{name}.{key}", "value": value}, line))
            return None
        if integer and abs(value) > MAX_RULE_POINTS:
            self.problems.append(
                RuleProblem(
                    "points.err_too_large", {"name": f"{name}.{key}", "value": value, "limit": MAX_RULE_POINTS}, line
                )
            )
            return None
        return float(value)

    def _overlaps(self, bands: list[tuple[Band, int | None]]) -> None:
        seen: dict[tuple[str, float], int | None] = {}
        for band, line in bands:
            kind, value = ("at_least", band.at_least) if band.at_least is not None else ("below", band.below)
            assert value is not None
            if (kind, value) in seen:
                self.problems.append(RuleProblem("points.err_overlap_same", {"kind": kind, "value": _pct(value)}, line))
            seen[(kind, value)] = line
        lowest_reach = min((b.at_least for b, _ in bands if b.at_least is not None), default=None)
        highest_below = max(((b.below, line) for b, line in bands if b.below is not None), default=None)
        if lowest_reach is not None and highest_below is not None and highest_below[0] > lowest_reach + 1e-12:
            self.problems.append(
                RuleProblem(
                    "points.err_overlap",
                    {"below": _pct(highest_below[0]), "at_least": _pct(lowest_reach)},
                    highest_below[1],
                )
            )


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


# ------------------------------------------------------------------------------------------- files on disk
def rules_path(data_dir: Path) -> Path:
    return data_dir / RULES_FILE


def last_good_path(data_dir: Path) -> Path:
    return data_dir / LAST_GOOD_FILE


def write_default_rules(data_dir: Path) -> bool:
    """Write the commented default rules file unless one exists; True if written. Safe against a concurrent
    writer (the file appears whole or not at all, and an existing file is never replaced)."""
    path = rules_path(data_dir)
    if path.exists():
        return False
    tmp = data_dir / f".{RULES_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(default_text(), encoding="utf-8")
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


_Signature = tuple[int, int, int, int]
_cache: dict[Path, tuple[_Signature | None, RulesStatus]] = {}
_cache_guard = threading.Lock()


def _signature(path: Path) -> _Signature | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def load_rules(data_dir: Path, *, create: bool = True) -> RulesStatus:
    """The rules in force for ``data_dir`` and any problems of its rules file (one ``stat`` when unchanged).

    With ``create``, a missing rules file is written from the defaults first. A good file is copied to the
    last-good file; a bad one leaves the last good rules (or, without any, the defaults) in force.
    """
    path = rules_path(data_dir)
    if create and not path.exists():
        # A read-only data directory: the defaults are in force, as if the file were the default one.
        with contextlib.suppress(OSError):
            write_default_rules(data_dir)
    sig = _signature(path)
    with _cache_guard:
        hit = _cache.get(path)
    if hit is not None and hit[0] == sig:
        return hit[1]
    status = _load_uncached(data_dir, path, sig)
    with _cache_guard:
        _cache[path] = (sig, status)
    return status


def _load_uncached(data_dir: Path, path: Path, sig: _Signature | None) -> RulesStatus:
    if sig is None:
        return RulesStatus(_defaults(), path, "defaults")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems = [RuleProblem("points.err_encoding", {"detail": str(exc)})]
        return _fallback(data_dir, path, problems)
    except OSError as exc:
        problems = [RuleProblem("points.err_unreadable", {"detail": exc.strerror or str(exc)})]
        return _fallback(data_dir, path, problems)
    rules, problems = validate_rules(text)
    if rules is None:
        return _fallback(data_dir, path, problems)
    good = last_good_path(data_dir)
    try:
        if not good.exists() or good.read_text(encoding="utf-8") != text:
            _replace_text(good, text)
    except OSError:
        pass  # keeping the copy is a convenience; the rules themselves are good
    return RulesStatus(rules, path, "file")


def _fallback(data_dir: Path, path: Path, problems: list[RuleProblem]) -> RulesStatus:
    try:
        rules, _ = validate_rules(last_good_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        rules = None
    if rules is not None:
        return RulesStatus(rules, path, "last_good", tuple(problems))
    return RulesStatus(_defaults(), path, "defaults", tuple(problems))


def _defaults() -> Rules:
    rules, problems = validate_rules(default_text())
    if rules is None:  # pragma: no cover - a test checks the shipped file
        raise RuntimeError(f"the shipped default rules are invalid: {problems}")
    return rules


def check_rules_file(data_dir: Path) -> list[RuleProblem]:
    """The problems of the rules file, without writing anything (for ``chuangyou check``); a missing file is fine."""
    path = rules_path(data_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except UnicodeDecodeError as exc:
        return [RuleProblem("points.err_encoding", {"detail": str(exc)})]
    except OSError as exc:
        return [RuleProblem("points.err_unreadable", {"detail": exc.strerror or str(exc)})]
    return validate_rules(text)[1]


# ------------------------------------------------------------------------------------------ in plain words
_GROUP_ORDER = ("attendance", "pledge", "satisfaction", "adjustment")


@dataclass(frozen=True)
class RuleDescription:
    """One rule in plain words, for the rules screen and ``chuangyou points rules``."""

    #: The rule's name as breakdown lines use it ("attendance.on_time"), or a group's general rule ("attendance.cap").
    rule: str
    #: "attendance", "pledge", "satisfaction" or "adjustment".
    group: str
    text: str
    points: int | None = None


def signed(points: int | float) -> str:
    """Points with their sign: "+2", "-3", "0" (a float keeps one decimal)."""
    text = f"{points:.1f}" if isinstance(points, float) else str(points)
    return f"+{text}" if points > 0 else text


def rule_label(rule: str, lang: str | None = None) -> str:
    """The short name of a rule ("attendance.on_time" → "集中学习 按时签到") as breakdown lines show it."""
    if rule.startswith("satisfaction.at_least_") or rule.startswith("satisfaction.below_"):
        kind, _, pct = rule.removeprefix("satisfaction.").rpartition("_")
        return t(f"points.label_satisfaction_{kind}", lang=lang, percent=pct)
    return t(f"points.label_{rule.replace('.', '_')}", lang=lang)


def describe_rules(rules: Rules, lang: str | None = None) -> list[RuleDescription]:
    """Every rule in plain words, in the order of the rules file."""
    out: list[RuleDescription] = []
    for status in AttendanceStatus:
        rule = f"attendance.{status}"
        pts = rules.attendance[status]
        text = t("points.describe_each", lang=lang, label=rule_label(rule, lang), points=signed(pts))
        out.append(RuleDescription(rule, "attendance", text, pts))
    cap = rules.attendance_cap_per_year
    cap_text = t("points.describe_no_cap", lang=lang) if cap is None else t("points.describe_cap", lang=lang, cap=cap)
    out.append(RuleDescription("attendance.cap", "attendance", cap_text, cap))
    for grade in PledgeGrade:
        rule = f"pledge.{grade}"
        pts = rules.pledge_grades[grade]
        out.append(
            RuleDescription(
                rule,
                "pledge",
                t("points.describe_once", lang=lang, label=rule_label(rule, lang), points=signed(pts)),
                pts,
            )
        )
    missing = rules.pledge_missing_per_term
    out.append(
        RuleDescription(
            "pledge.missing", "pledge", t("points.describe_missing", lang=lang, points=signed(missing)), missing
        )
    )
    judge_text = t(f"points.describe_judge_{rules.satisfaction_judge}", lang=lang, min=rules.satisfaction_min_answers)
    out.append(RuleDescription("satisfaction.judge", "satisfaction", judge_text))
    for band in rules.satisfaction_bands:
        text = t("points.describe_band", lang=lang, label=rule_label(band.key, lang), points=signed(band.points))
        out.append(RuleDescription(band.key, "satisfaction", text, band.points))
    out.append(
        RuleDescription(
            "adjustment",
            "adjustment",
            t("points.describe_adjustment", lang=lang, max=rules.adjustment_max_points),
            rules.adjustment_max_points,
        )
    )
    return out
