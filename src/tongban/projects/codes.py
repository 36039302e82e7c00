"""The national investment project code (全国投资项目在线审批监管平台 项目代码).

Shape: YYYY-RRRRRR-II-TT-NNNNNN, e.g. 2023-610000-48-01-000123:
- YYYY   year the code was assigned: 2000 up to this year
- RRRRRR GB/T 2260 administrative region: 6 digits whose first two are a real province
         (the rest is not checked against a table: new areas such as 西咸新区 611100 are not in
         GB/T 2260 but do assign codes)
- II     GB/T 4754 industry division: 01-97
- TT     project type: 01 审批 (approval), 02 核准 (verification), 03 备案 (filing)
- NNNNNN serial number within the year and region, not 000000
The code carries no check digit, so a typo in the serial cannot be detected.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from tongban.core.errors import InvalidInput

CODE_RE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
PROJECT_TYPES = {"01": "审批", "02": "核准", "03": "备案"}


def _is_province(prefix: str) -> bool:
    from stdnum import numdb

    parts = numdb.get("cn/loc").info(prefix + "0000")
    return any("province" in props for _part, props in parts)


def validate_project_code(value: str, *, today: date | None = None) -> str:
    code = re.sub(r"\s", "", value or "")
    field = "code"
    match = CODE_RE.match(code)
    if not match:
        raise InvalidInput(
            _("A project code looks like 2023-610000-48-01-000123: year (4 digits), region (6), "
              "industry (2), type (2) and serial number (6), separated by hyphens."), field=field)
    year, region, industry, kind, serial = match.groups()
    this_year = (today or date.today()).year
    if not 2000 <= int(year) <= this_year:
        raise InvalidInput(_("The year in the project code must be between 2000 and %(y)s.") % {"y": this_year},
                           field=field)
    if not _is_province(region[:2]):
        raise InvalidInput(_("The region in the project code (digits 6-11) does not start with a province code."),
                           field=field)
    if not 1 <= int(industry) <= 97:
        raise InvalidInput(_("The industry in the project code must be a GB/T 4754 division (01-97)."), field=field)
    if kind not in PROJECT_TYPES:
        raise InvalidInput(_("The project type in the code must be 01 (approval), 02 (verification) or 03 (filing)."),
                           field=field)
    if serial == "000000":
        raise InvalidInput(_("The serial number of the project code cannot be 000000."), field=field)
    return code
