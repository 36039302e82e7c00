"""Personal data: key rotation re-encrypts every encrypted column under the new key (old values
still readable before, nothing readable by the old key alone after), and log records never
carry a clear ID number or mobile number."""

import base64
import logging

import pytest
from django.apps import apps
from django.core.management import call_command

from tests import factories
from tongban.cases.applicants import ApplicantInput, applicant_resolve
from tongban.cases.models import Applicant
from tongban.core import pii
from tongban.security.logmask import MaskPersonalData, mask_text
from tongban.security.pii_rotation import COLUMNS, pii_status

OLD = "k1:" + base64.b64encode(b"\x01" * 32).decode()
NEW = "k2:" + base64.b64encode(b"\x02" * 32).decode()


@pytest.fixture
def key_ring(settings):
    def use(value):
        settings.TONGBAN_PII_KEYS = value
        pii.key_ring.cache_clear()
    yield use
    pii.key_ring.cache_clear()


def test_every_encrypted_column_is_in_the_rotation_list():
    listed = {(c.model.lower(), c.field) for c in COLUMNS}
    encrypted = {(f"{m._meta.app_label}.{m._meta.model_name}", f.name) for m in apps.get_models()
                 for f in m._meta.get_fields() if f.get_internal_type() == "BinaryField"
                 and (f.name.endswith("_enc") or f.name.endswith("_encrypted"))}
    assert encrypted <= listed, encrypted - listed


def test_rotation_moves_every_value_to_the_new_key_and_keeps_it_readable(db, key_ring):
    key_ring(OLD)
    numbers = [factories.id_number() for _ in range(3)]
    for n in numbers:
        applicant_resolve(ApplicantInput(kind="person", name="王小明", id_number=n, phone="13800138000"))
    assert pii_status()["cases.Applicant.id_number_enc"] == {"k1": 3}
    key_ring(f"{NEW},{OLD}")  # the new key first; the old one still readable
    call_command("pii", "rotate")
    assert pii_status()["cases.Applicant.id_number_enc"] == {"k2": 3}
    assert pii_status()["cases.Applicant.phone_enc"] == {"k2": 3}
    key_ring(NEW)  # the old key removed: everything still reads
    clear = sorted(pii.decrypt(bytes(a.id_number_enc), context="applicant.id_number") for a in Applicant.objects.all())
    assert clear == sorted(numbers)
    call_command("pii", "rotate")  # twice: nothing left to do
    assert pii_status()["cases.Applicant.id_number_enc"] == {"k2": 3}


def test_log_records_mask_id_numbers_and_mobile_numbers(caplog):
    number = factories.id_number()
    logger = logging.getLogger("tongban.test")
    logger.addFilter(MaskPersonalData())
    try:
        with caplog.at_level(logging.WARNING, logger="tongban.test"):
            logger.warning("lookup for %s failed, phone %s", number, "13912345678")
            try:
                raise ValueError(f"bad applicant {number}")
            except ValueError:
                logger.exception("boom")
    finally:
        logger.filters.clear()
    text = caplog.text
    assert number not in text and "13912345678" not in text
    assert pii.mask_id_number(number) in text and "139****5678" in text
    assert mask_text("订单号 202306050000123456789") == "订单号 202306050000123456789"  # longer digit runs untouched
