"""License identifiers: 1.2.156.3005.2.{type}.{issuer}.{serial}.{version}.{check}

The check character is ISO 7064 MOD 37,36 (stdnum.iso7064.mod_37_36) over the type, issuer,
serial and version components concatenated without dots (upper case, 0-9 A-Z).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum.iso7064 import mod_37_36

from tongban.core.errors import InvalidInput

PREFIX = "1.2.156.3005.2"
COMPONENT_RE = re.compile(r"^[0-9A-Z]+$")


@dataclass(frozen=True)
class LicenseId:
    type_code: str
    issuer: str
    serial: str
    version: int
    check: str

    def __str__(self) -> str:
        return f"{PREFIX}.{self.type_code}.{self.issuer}.{self.serial}.{self.version}.{self.check}"


def check_character(type_code: str, issuer: str, serial: str, version: int) -> str:
    return mod_37_36.calc_check_digit(f"{type_code}{issuer}{serial}{version}")


def build(*, type_code: str, issuer: str, serial: str, version: int) -> LicenseId:
    for part in (type_code, issuer, serial):
        if not COMPONENT_RE.match(part):
            raise InvalidInput(_("Identifier components use digits and capital letters only."))
    return LicenseId(type_code, issuer, serial, version, check_character(type_code, issuer, serial, version))


def parse(value: str) -> LicenseId:
    text = (value or "").strip().upper()
    if not text.startswith(PREFIX + "."):
        raise InvalidInput(_("A license identifier starts with %(p)s.") % {"p": PREFIX}, field="identifier")
    parts = text[len(PREFIX) + 1 :].split(".")
    if len(parts) != 5 or not all(parts):
        raise InvalidInput(_("A license identifier has five parts after the prefix: type, issuer, serial, "
                             "version and check character."), field="identifier")
    type_code, issuer, serial, version, check = parts
    if not all(COMPONENT_RE.match(p) for p in (type_code, issuer, serial)) or not version.isdigit():
        raise InvalidInput(_("The license identifier contains characters that are not allowed."), field="identifier")
    if len(check) != 1:
        raise InvalidInput(_("The check character of a license identifier is one character."), field="identifier")
    expected = check_character(type_code, issuer, serial, int(version))
    if check != expected:
        raise InvalidInput(_("The check character of the license identifier is wrong: please check it was "
                             "typed correctly."), field="identifier", code="identifier_check_failed")
    return LicenseId(type_code, issuer, serial, int(version), check)
