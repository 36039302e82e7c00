"""Parse a year's holiday schedule transcribed from the State Council notice.

Two formats, both small enough to type by hand:

YAML (periods, as the notice is written)::

    year: 2027
    note: 国务院办公厅关于2027年部分节假日安排的通知
    holidays:
      - name: 春节
        from: 2027-02-05
        to: 2027-02-11
        workdays: [2027-02-14]      # make-up working days (调休上班)

CSV (one row a day, header ``date,kind,name``; kind is ``holiday`` or ``workday``).

Every error names the line or entry and the rule; nothing is returned half-parsed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from tongban.core.errors import InvalidInput


@dataclass
class YearSchedule:
    year: int
    note: str = ""
    days: dict[date, tuple[str, str]] = field(default_factory=dict)  # date -> (kind, name)


def _parse_date(value, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput(
            _("%(where)s: %(value)r is not a date in YYYY-MM-DD form.") % {"where": where, "value": value},
            field="date",
        ) from None


def _add(schedule: YearSchedule, day: date, kind: str, name: str, where: str) -> None:
    if day.year != schedule.year:
        raise InvalidInput(
            _("%(where)s: %(day)s is outside the year %(year)s declared by the file.")
            % {"where": where, "day": day, "year": schedule.year},
            field="date",
        )
    if day in schedule.days:
        raise InvalidInput(
            _("%(where)s: %(day)s is listed twice (overlapping entries).") % {"where": where, "day": day},
            field="date",
        )
    if kind == "workday" and day.weekday() < 5:
        raise InvalidInput(
            _("%(where)s: %(day)s is a weekday; a make-up working day must fall on a weekend.")
            % {"where": where, "day": day},
            field="kind",
        )
    schedule.days[day] = (kind, name)


def parse_yaml(text: str) -> YearSchedule:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(_("The file is not valid YAML: %(error)s") % {"error": exc}) from None
    except ValueError as exc:  # YAML's own date parsing, e.g. 2030-02-30
        raise InvalidInput(_("The file contains an impossible date: %(error)s") % {"error": exc}, field="date") from None
    if not isinstance(data, dict) or "year" not in data or "holidays" not in data:
        raise InvalidInput(_("The YAML file needs the keys 'year' and 'holidays'."))
    year = data["year"]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput(_("'year' must be a year between 2000 and 2100."), field="year")
    schedule = YearSchedule(year=year, note=str(data.get("note") or ""))
    if not isinstance(data["holidays"], list) or not data["holidays"]:
        raise InvalidInput(_("'holidays' must be a non-empty list of periods."), field="holidays")
    for number, period in enumerate(data["holidays"], start=1):
        where = _("holiday %(n)s") % {"n": number}
        if not isinstance(period, dict) or not period.get("name") or "from" not in period:
            raise InvalidInput(
                _("%(where)s: each period needs 'name', 'from' and 'to'.") % {"where": where},
                field="holidays",
            )
        name = str(period["name"])
        first = _parse_date(period["from"], where)
        last = _parse_date(period.get("to", period["from"]), where)
        if last < first:
            raise InvalidInput(
                _("%(where)s: 'to' (%(last)s) is before 'from' (%(first)s).")
                % {"where": where, "last": last, "first": first},
                field="to",
            )
        if (last - first).days > 14:
            raise InvalidInput(
                _("%(where)s: a holiday period longer than 15 days is not plausible.") % {"where": where},
                field="to",
            )
        day = first
        while day <= last:
            _add(schedule, day, "holiday", name, where)
            day += timedelta(days=1)
        for value in period.get("workdays") or []:
            _add(schedule, _parse_date(value, where), "workday", name, where)
    return schedule


def parse_csv(text: str) -> YearSchedule:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames[:3]] != ["date", "kind", "name"]:
        raise InvalidInput(_("The CSV header must be: date,kind,name"))
    rows = list(reader)
    if not rows:
        raise InvalidInput(_("The CSV file lists no days."))
    parsed = []
    for line, row in enumerate(rows, start=2):
        where = _("line %(n)s") % {"n": line}
        day = _parse_date(row.get("date"), where)
        kind = (row.get("kind") or "").strip()
        if kind not in {"holiday", "workday"}:
            raise InvalidInput(
                _("%(where)s: kind must be 'holiday' or 'workday', not %(kind)r.") % {"where": where, "kind": kind},
                field="kind",
            )
        parsed.append((day, kind, (row.get("name") or "").strip(), where))
    years = {d.year for d, *_rest in parsed}
    if len(years) != 1:
        raise InvalidInput(_("A calendar file must describe exactly one year; this one spans %(years)s.") % {
            "years": ", ".join(str(y) for y in sorted(years))
        })
    schedule = YearSchedule(year=years.pop())
    for day, kind, name, where in parsed:
        _add(schedule, day, kind, name, where)
    return schedule


def parse_file(path: Path) -> YearSchedule:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc}) from None
    if path.suffix.lower() == ".csv":
        return parse_csv(text)
    if path.suffix.lower() in {".yaml", ".yml"}:
        return parse_yaml(text)
    raise InvalidInput(_("Unsupported calendar file type %(suffix)s: use .yaml or .csv.") % {"suffix": path.suffix})
