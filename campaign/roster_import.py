"""Importing a roster from a CSV or XLSX file: a preview with row-by-row problems, then all or nothing.

The secretary's spreadsheet usually comes out of Excel: CSVs in UTF-8, UTF-8 with a BOM, or GBK (read as its
superset GB18030); codes typed as numbers; a header row in Chinese or English. :func:`preview_import` reads and
checks the file without writing; :func:`apply_import` checks it again inside one transaction and adds every member
or none.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from storage.records import Member, Role

from .context import Campaign
from .errors import Refused
from .i18n import t
from .roster import add_school, new_member
from .roster_sheet import Ignored, SheetNotes, find_header, is_total_row

#: ``progress(rows_done, rows_total)``; called every few hundred rows and once at the end.
Progress = Callable[[int, int], None]

PROGRESS_EVERY = 200

#: Header cells we recognise (compared lower-cased, without spaces), by the field they fill.
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "membercode", "id", "编号", "代码", "党员编号", "会员编号", "工号"),
    "name": ("name", "姓名", "名字"),
    "school": ("school", "学校", "单位"),
    "role": ("role", "角色", "身份"),
    "pin": ("pin", "密码", "pin码"),
}
REQUIRED = ("code", "name", "school")

#: Role cells we recognise, besides the role's own value.
ROLE_WORDS: dict[str, Role] = {
    "党员": Role.MEMBER,
    "成员": Role.MEMBER,
    "支委": Role.COMMITTEE,
    "委员": Role.COMMITTEE,
    "支部委员": Role.COMMITTEE,
    "书记": Role.SECRETARY,
    "支部书记": Role.SECRETARY,
}

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; ``row`` is the spreadsheet's row number (the header is row 1), 0 for the file."""

    row: int
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang=lang, **self.params)


@dataclass(frozen=True)
class ImportPreview:
    """What importing the file would do: the members it would add, or the problems that stop it."""

    file: str
    #: "utf-8", "utf-8-sig", "gb18030", "utf-16" for a CSV; "xlsx" for a workbook.
    encoding: str
    members: tuple[Member, ...]
    problems: tuple[Problem, ...]
    rows: int
    #: What the reading skipped: title rows above the header, columns it does not use (序号), total rows (合计).
    ignored: tuple[Ignored, ...] = ()
    blank_rows: int = 0
    #: Schools named in the file that do not exist yet: created with the members on apply.
    new_schools: tuple[str, ...] = ()
    #: Codes of members the file gives no PIN: they cannot sign in until one is set.
    without_pin: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.members)


class ImportRefused(Refused):
    """The file has problems; nothing was written. ``preview`` lists them."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__("import.refused", count=len(preview.problems), file=preview.file)
        self.preview = preview


def decode_csv(raw: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in; raises ValueError if it is none we know."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw.decode("utf-8-sig"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw:
        raise ValueError("binary")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Excel on a Chinese Windows saves "CSV" in the ANSI code page, GBK; GB18030 is its superset.
    return raw.decode("gb18030"), "gb18030"


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # A code typed into Excel as a number comes back as 1001.0.
        return str(int(value))
    return str(value).strip()


def _csv_rows(text: str) -> list[list[str]]:
    sample = text[:4096]
    first = sample.splitlines()[0] if sample else ""
    delimiter = max(",\t;", key=first.count) if first else ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _typed(value: object, number_format: str) -> str:
    """A cell as the secretary sees it in Excel: a number shown with leading zeros ("000123") keeps them."""
    text = _cell(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and text.isdigit():
        zeros = number_format.strip('"')
        if len(zeros) > len(text) and set(zeros) == {"0"}:
            return text.zfill(len(zeros))
    return text


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows():
            yield [_typed(c.value, getattr(c, "number_format", "General") or "General") for c in row]
    finally:
        wb.close()


def _columns(header: list[str]) -> tuple[dict[str, int], list[Problem]]:
    wanted = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = wanted.get(cell.lower().replace(" ", "").lstrip("\ufeff"))
        if name and name not in columns:
            columns[name] = i
    problems = [
        Problem(1, "import.missing_column", {"column": t(f"import.column_{name}")})
        for name in REQUIRED
        if name not in columns
    ]
    return columns, problems


def _role(text: str) -> Role | None:
    if not text:
        return Role.MEMBER
    if text in ROLE_WORDS:
        return ROLE_WORDS[text]
    try:
        return Role(text.lower())
    except ValueError:
        return None


def _read(path: Path) -> tuple[str, list[list[str]] | None, list[Problem]]:
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        try:
            return "xlsx", list(_xlsx_rows(path)), []
        except zipfile.BadZipFile:
            return "xlsx", None, [Problem(0, "import.xlsx_unreadable", {"detail": "not a zip archive"})]
        except Exception as exc:
            # openpyxl raises many kinds of error on a damaged workbook (KeyError, ValueError, lxml errors...).
            return "xlsx", None, [Problem(0, "import.xlsx_unreadable", {"detail": type(exc).__name__})]
    if suffix in CSV_SUFFIXES:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return "", None, [Problem(0, "import.unreadable", {"detail": exc.strerror or str(exc)})]
        try:
            text, encoding = decode_csv(raw)
        except (UnicodeDecodeError, ValueError):
            return "", None, [Problem(0, "import.bad_encoding")]
        try:
            return encoding, _csv_rows(text), []
        except csv.Error as exc:
            return encoding, None, [Problem(0, "import.csv_unreadable", {"detail": str(exc)})]
    return "", None, [Problem(0, "import.unsupported", {"suffix": suffix or "?"})]


def check_rows(
    c: Campaign, rows: list[list[str]], *, progress: Progress | None = None
) -> tuple[list[Member], list[Problem], int]:
    """Members from a header row and data rows, checked against each other and against the roster."""
    members, problems, total, _ = check_sheet(c, rows, progress=progress)
    return members, problems, total


def check_sheet(
    c: Campaign, rows: list[list[str]], *, progress: Progress | None = None
) -> tuple[list[Member], list[Problem], int, SheetNotes]:
    """As :func:`check_rows`, with what was ignored on the way and the schools the file would create."""
    notes = SheetNotes()
    if not rows or not any(any(cell for cell in row) for row in rows):
        return [], [Problem(0, "import.empty_file")], 0, notes
    at = find_header(rows, lambda row: not _columns(row)[1])
    if at is None:
        at = 0
    notes.ignored.extend(Ignored(i + 1, "title", " ".join(x for x in rows[i] if x)) for i in range(at) if any(rows[i]))
    columns, problems = _columns(rows[at])
    notes.ignored.extend(
        Ignored(at + 1, "column", h) for i, h in enumerate(rows[at]) if h and i not in columns.values()
    )
    if problems:
        return [], problems, max(len(rows) - 1, 0), notes
    rows = [[""] * len(rows[at])] * at + rows[at:]  # keep the spreadsheet's row numbers
    schools = {s.name for s in c.repos.schools.all()}
    taken = {m.code for m in c.repos.members.all()}
    first_row: dict[str, int] = {}
    members: list[Member] = []
    data = rows[at + 1 :]
    total = len(data)

    def get(row: list[str], name: str) -> str:
        i = columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    for n, row in enumerate(data, start=at + 2):
        if progress is not None and (n - at - 2) % PROGRESS_EVERY == 0:
            progress(n - at - 2, total)
        if not any(cell.strip() for cell in row):
            notes.blank_rows += 1
            continue
        if is_total_row(row, get(row, "code"), get(row, "name")):
            notes.ignored.append(Ignored(n, "total", " ".join(x for x in row if x)))
            continue
        code, name, school = get(row, "code"), get(row, "name"), get(row, "school")
        row_problems: list[Problem] = []
        if not code:
            row_problems.append(Problem(n, "import.missing_code"))
        elif code in first_row:
            row_problems.append(Problem(n, "import.duplicate_in_file", {"code": code, "first": first_row[code]}))
        elif code in taken:
            row_problems.append(Problem(n, "import.code_taken", {"code": code}))
        if code and code not in first_row:
            first_row[code] = n
        if not name:
            row_problems.append(Problem(n, "import.missing_name"))
        if not school:
            row_problems.append(Problem(n, "import.missing_school"))
        elif school not in schools and school not in notes.new_schools:
            # Offered for creation in the preview (first-time setup), created with the members on apply.
            notes.new_schools.append(school)
        role = _role(get(row, "role"))
        if role is None:
            row_problems.append(Problem(n, "import.unknown_role", {"role": get(row, "role")}))
        pin = get(row, "pin") or None
        if not pin and code:
            notes.without_pin.append(code)
        if not row_problems:
            try:
                members.append(new_member(code, name, school, role=role or Role.MEMBER, pin=pin))
            except Refused as exc:
                row_problems.append(Problem(n, exc.key, dict(exc.params)))
        problems.extend(row_problems)
    if progress is not None:
        progress(total, total)
    if not members and not problems:
        problems.append(Problem(0, "import.empty_file"))
    return members, problems, total, notes


def preview_import(c: Campaign, path: Path, *, progress: Progress | None = None) -> ImportPreview:
    """Read and check ``path`` without writing anything."""
    encoding, rows, problems = _read(path)
    if rows is None:
        return ImportPreview(path.name, encoding, (), tuple(problems), 0)
    members, problems, total, notes = check_sheet(c, rows, progress=progress)
    return ImportPreview(
        path.name,
        encoding,
        tuple(members),
        tuple(problems),
        total,
        ignored=tuple(notes.ignored),
        blank_rows=notes.blank_rows,
        new_schools=tuple(notes.new_schools),
        without_pin=tuple(notes.without_pin),
    )


def apply_import(c: Campaign, path: Path, *, progress: Progress | None = None) -> ImportPreview:
    """Read, check and add every member of ``path`` in one transaction, or none (see :func:`commit_preview`)."""
    return commit_preview(c, preview_import(c, path, progress=progress))


def commit_preview(c: Campaign, preview: ImportPreview) -> ImportPreview:
    """Add every member of a clean ``preview`` in one transaction, or none: raises :class:`ImportRefused` if the
    preview has problems, or if since it was made someone took one of its codes or removed one of its schools.

    What is written is exactly what the secretary was shown, even if the file changed since.
    """
    if not preview.ok:
        raise ImportRefused(preview)
    # Pinyin keys and PIN hashes were computed by the preview, outside the lock: the kiosk must not wait for them.
    with c.store.transaction():
        schools = {s.name for s in c.repos.schools.all()}
        taken = {m.code for m in c.repos.members.all()}
        late = [Problem(0, "import.code_taken", {"code": m.code}) for m in preview.members if m.code in taken]
        late += [
            Problem(0, "import.unknown_school", {"school": m.school})
            for m in preview.members
            if m.school not in schools and m.school not in preview.new_schools
        ]
        if late:
            raise ImportRefused(ImportPreview(preview.file, preview.encoding, (), tuple(late), preview.rows))
        for school in preview.new_schools:
            if school not in schools:
                add_school(c, school)  # offered in the preview; audited as a school of its own
        joined = c.now()
        c.repos.members.add_many([replace(m, joined=joined) for m in preview.members])
        c.audit("member.import", file=preview.file, count=len(preview.members), encoding=preview.encoding)
    return preview


def problem_lines(problems: Iterable[Problem], lang: str | None = None) -> list[str]:
    """One line per problem, prefixed by its row ("Row 7: ..."), for the CLI and the import screen."""
    return [
        t("import.row_prefix", lang=lang, row=p.row, message=p.message(lang)) if p.row else p.message(lang)
        for p in problems
    ]


def preview_notes(preview: ImportPreview, lang: str | None = None) -> list[str]:
    """What the preview says besides its members: what was ignored, schools to create, members without a PIN."""
    lines = [i.message(lang) for i in preview.ignored]
    if preview.blank_rows:
        lines.append(t("roster_sheet.blank_rows", lang=lang, count=preview.blank_rows))
    if preview.new_schools:
        lines.append(t("roster_sheet.new_schools", lang=lang, schools="、".join(preview.new_schools)))
    if preview.without_pin:
        shown = ", ".join(preview.without_pin[:10]) + (" …" if len(preview.without_pin) > 10 else "")
        lines.append(t("roster_sheet.without_pin", lang=lang, count=len(preview.without_pin), codes=shown))
    return lines
