"""Admins extend the calendar year by year from the State Council notice."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tongban.core import calendar
from tongban.core.calendar_import import parse_csv, parse_yaml
from tongban.core.errors import InvalidInput
from tongban.core.models import CalendarDay, CalendarYear
from tongban.core.services import calendar_import

NOTICE_2030 = """
year: 2030
note: 测试用通知
holidays:
  - name: 元旦
    from: 2030-01-01
    to: 2030-01-01
  - name: 春节
    from: 2030-02-02
    to: 2030-02-08
    workdays: [2030-01-26, 2030-02-09]
  - name: 国庆节
    from: 2030-10-01
    to: 2030-10-07
    workdays: [2030-09-29, 2030-10-12]
"""


def test_a_yaml_notice_adds_the_year_and_deadlines_use_it(seeded_calendar, tmp_path):
    path = tmp_path / "2030.yaml"
    path.write_text(NOTICE_2030, encoding="utf-8")
    call_command("calendar", "import", str(path), stdout=StringIO())
    calendar.invalidate()
    assert CalendarYear.objects.filter(year=2030, source="import").exists()
    # Friday Feb 1 2030; Feb 2-8 off; Saturday Feb 9 worked.
    assert calendar.add_working_days(date(2030, 2, 1), 1) == date(2030, 2, 9)
    assert calendar.is_working_day(date(2030, 1, 26))  # a Saturday worked
    assert not calendar.is_working_day(date(2030, 10, 3))
    out = StringIO()
    call_command("calendar", "years", stdout=out)
    assert "2030\timport" in out.getvalue()


def test_csv_rows_parse_to_the_same_days():
    schedule = parse_csv("date,kind,name\n2031-01-01,holiday,元旦\n2031-02-08,workday,春节\n")
    assert schedule.year == 2031
    assert schedule.days[date(2031, 2, 8)] == ("workday", "春节")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("year: 2030\nholidays:\n  - {name: 春节, from: 2030-02-02, to: 2030-02-08}\n"
         "  - {name: 重叠, from: 2030-02-08, to: 2030-02-09}\n", "重复列出"),
        ("year: 2030\nholidays:\n  - {name: 春节, from: 2030-02-08, to: 2030-02-02}\n", "早于"),
        ("year: 2030\nholidays:\n  - {name: 春节, from: 2030-02-30}\n", "不存在的日期"),
        ("year: 2030\nholidays:\n  - {name: 春节, from: 2030/02/03}\n", "不是 YYYY-MM-DD 格式的日期"),
        ("year: 2030\nholidays:\n  - {name: 元旦, from: 2031-01-01}\n", "不在文件声明的年份"),
        ("year: 2030\nholidays:\n  - {name: 元旦, from: 2030-01-01, workdays: [2030-01-02]}\n", "调休工作日必须在周末"),
        ("holidays: []\n", "year"),
        ("year: [unclosed\n", "YAML"),
    ],
)
def test_malformed_notices_are_rejected_with_the_rule_named(text, fragment):
    with pytest.raises(InvalidInput) as exc:
        parse_yaml(text)
    assert fragment in str(exc.value.message)


def test_a_csv_spanning_two_years_is_rejected():
    with pytest.raises(InvalidInput):
        parse_csv("date,kind,name\n2031-01-01,holiday,元旦\n2032-01-01,holiday,元旦\n")


def test_a_bad_file_writes_nothing(seeded_calendar, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(NOTICE_2030 + "  - {name: 重复, from: 2030-10-07}\n", encoding="utf-8")
    before = CalendarDay.objects.count()
    with pytest.raises(CommandError, match="重复列出"):
        call_command("calendar", "import", str(path), stdout=StringIO())
    assert CalendarDay.objects.count() == before
    assert not CalendarYear.objects.filter(year=2030).exists()


def test_a_covered_year_is_not_overwritten_without_replace(seeded_calendar):
    schedule = parse_csv("date,kind,name\n2023-01-03,holiday,测试\n")
    with pytest.raises(InvalidInput, match="已导入.*--replace"):
        calendar_import(schedule=schedule)
    assert CalendarYear.objects.get(year=2023).source == "seed"


def test_due_prints_the_date_and_fails_clearly_for_an_uncovered_year(seeded_calendar):
    out = StringIO()
    call_command("calendar", "due", "2023-01-20", "3", stdout=out)
    assert out.getvalue().strip() == "2023-01-30"
    last = CalendarYear.objects.order_by("-year").first().year
    with pytest.raises(CommandError, match=str(last + 1)):
        call_command("calendar", "due", f"{last}-12-20", "20", stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("calendar", "due", "20230120", "3", stdout=StringIO())
