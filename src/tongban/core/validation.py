"""Validation of citizen ID numbers (GB 11643), unified social credit codes (GB 32100) and
mainland mobile phone numbers.

`stdnum.cn.ric.validate` rejects real numbers whose county code was created after the holder
was born; but the address code is the county of residence when the number was issued (GB 11643
section 5.2), so we use stdnum's check digit and date parts and accept any county code that
exists now or existed at any time in stdnum's GB/T 2260 table, whatever the birth year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.translation import gettext as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

from tongban.core.errors import InvalidInput


@lru_cache(maxsize=8192)  # GB/T 2260 has about 3,500 counties, current and historical
def county_name(region_code: str) -> str | None:
    """The county of a 6-digit GB/T 2260 code, current or historical; None when unknown."""
    from stdnum import numdb

    info = {k: v for _part, props in numdb.get("cn/loc").info(region_code) for k, v in props.items()}
    county = info.get("county")
    if not county or region_code.endswith("00"):
        return None
    # historical entries look like "[1992-]浦东新区" or "[-2010]崇文区,[2011-]..."; any will do
    return re.sub(r"\[[0-9-]*\]", "", county.split(",")[-1])


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    gender: str  # "M" or "F"
    region_code: str


def parse_id_number(value: str, *, today: date | None = None) -> IdNumber:
    """Return the parts of a valid 18-digit citizen ID number or raise InvalidInput naming the rule."""
    number = re.sub(r"[\s-]", "", value or "").upper()
    field = "id_number"
    if len(number) != 18:
        raise InvalidInput(_("An ID number has 18 characters; this one has %(n)s.") % {"n": len(number)}, field=field)
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidInput(_("An ID number is 17 digits followed by a digit or X."), field=field)
    if ric.calc_check_digit(number) != number[17]:
        raise InvalidInput(_("The check digit (last character) of the ID number is wrong: please check it was typed correctly."), field=field)
    try:
        birth = ric.get_birth_date(number)
    except (InvalidComponent, InvalidFormat, ValueError):
        raise InvalidInput(_("The birth date in the ID number (digits 7-14) is not a real date."), field=field) from None
    today = today or date.today()
    if birth > today:
        raise InvalidInput(_("The birth date in the ID number is in the future."), field=field)
    if birth.year < 1880:
        raise InvalidInput(_("The birth date in the ID number is before 1880."), field=field)
    if county_name(number[:6]) is None:
        raise InvalidInput(_("The address code (first 6 digits) of the ID number is not a known region."), field=field)
    gender = "M" if int(number[16]) % 2 else "F"
    return IdNumber(number=number, birth_date=birth, gender=gender, region_code=number[:6])


def validate_id_number(value: str) -> str:
    return parse_id_number(value).number


def validate_credit_code(value: str) -> str:
    code = uscc.compact(value or "").upper()
    field = "credit_code"
    try:
        return uscc.validate(code)
    except InvalidLength:
        raise InvalidInput(_("A unified social credit code has 18 characters; this one has %(n)s.") % {"n": len(code)}, field=field) from None
    except InvalidChecksum:
        raise InvalidInput(_("The check character (last character) of the unified social credit code is wrong."), field=field) from None
    except (InvalidFormat, InvalidComponent):
        raise InvalidInput(_("The unified social credit code contains characters not allowed by GB 32100 (I, O, Z, S, V are never used)."), field=field) from None


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_phone(value: str) -> str:
    phone = re.sub(r"[\s-]", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.match(phone):
        raise InvalidInput(_("A mobile phone number has 11 digits and starts with 13-19."), field="phone")
    return phone
