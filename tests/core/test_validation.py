from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from tests.factories import credit_code, id_number
from tongban.core.errors import InvalidInput
from tongban.core.validation import parse_id_number, validate_credit_code, validate_phone


def test_a_valid_number_yields_birth_date_gender_and_region():
    number = id_number(region="610402", birth="19850612", seq="123")
    parts = parse_id_number(number)
    assert parts.birth_date == date(1985, 6, 12)
    assert parts.gender == "M"  # 17th digit 3 is odd
    assert parts.region_code == "610402"


def test_an_80_year_old_in_pudong_is_valid_though_pudong_is_younger_than_her():
    # 310115 (浦东新区) was created in 1992; the code is where the number was issued.
    number = id_number(region="310115", birth="19440301", seq="002")
    with pytest.raises(Exception):  # noqa: B017  stdnum's own verdict rejects it
        ric.validate(number)
    assert parse_id_number(number).region_code == "310115"


def test_a_historical_county_code_is_accepted():
    assert parse_id_number(id_number(region="110103", birth="19700101", seq="011"))  # 崇文区, merged 2010


@given(position=st.integers(0, 16), delta=st.integers(1, 9))
def test_any_single_mistyped_digit_is_caught(position, delta):
    number = id_number(region="610402", birth="19900101", seq="456")
    wrong = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(InvalidInput):
        parse_id_number(wrong)


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("61040219850612123", "应为18位"),
        ("6104021985061212A3", "17位数字"),
        (id_number(birth="19850230"), "不是有效日期"),
        (id_number(region="999999"), "地址码"),
        (id_number(birth="18700101"), "早于1880年"),
    ],
)
def test_invalid_numbers_say_why(number, fragment):
    with pytest.raises(InvalidInput) as exc:
        parse_id_number(number)
    assert fragment in str(exc.value.message)
    assert exc.value.field == "id_number"


def test_a_birth_date_in_the_future_is_rejected():
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(InvalidInput, match="出生日期晚于今天"):
        parse_id_number(id_number(birth=tomorrow.strftime("%Y%m%d")))


def test_lower_case_x_and_spaces_are_normalised():
    number = id_number(region="110105", birth="19491231", seq="002")
    assert parse_id_number(number.lower().replace("", " ").strip()).number == number


def test_credit_codes_valid_and_corrupted():
    code = credit_code(7)
    assert validate_credit_code(code.lower()) == code
    corrupted = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(InvalidInput, match="校验码"):
        validate_credit_code(corrupted)
    with pytest.raises(InvalidInput, match="统一社会信用代码应为18位"):
        validate_credit_code(code[:10])


def test_phone_numbers():
    assert validate_phone("+86 138-0013-8000") == "13800138000"
    for bad in ("12800138000", "1380013800", "029-12345678"):
        with pytest.raises(InvalidInput):
            validate_phone(bad)


def test_validate_command_exit_codes():
    out = StringIO()
    call_command("validate", "id", id_number(region="310115", birth="19440301"), stdout=out)
    assert out.getvalue().startswith("valid")
    with pytest.raises(SystemExit) as exc:
        call_command("validate", "id", "110105194912310021", stdout=StringIO(), stderr=StringIO())
    assert exc.value.code == 1
    call_command("validate", "credit-code", credit_code(3), stdout=StringIO())
    with pytest.raises(SystemExit) as exc:
        call_command("validate", "credit-code", "91611100ABCDEFGHIJ", stdout=StringIO(), stderr=StringIO())
    assert exc.value.code == 1


def test_nul_characters_are_refused_at_the_edge(client, db):
    response = client.get("/api/catalog/items", {"q": "a\x00b"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    response = client.post("/api/public/cases/query", '{"number": "x\\u0000", "id_number": "y"}',
                           content_type="application/json")
    assert response.status_code == 400
