"""Partners (their endpoint and public keys) and agreements: registration and import."""

from __future__ import annotations

import hashlib
from datetime import date

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.catalog.models import ItemVersion
from tongban.core.errors import InvalidInput, NotFound
from tongban.core.services import audit_record
from tongban.federation import conf, jws
from tongban.federation.models import Agreement, AgreementItem, Partner, PartnerKey
from tongban.org.models import Center, CenterLevel, Region
from tongban.signing import platform_keys


def own_key_pem() -> str:
    """This deployment's current platform public key, to give to partners and auditors."""
    key = platform_keys.key_ensure()
    return jws.public_pem(spki_der=bytes(key.public_key), kid=key.kid,
                          alg=platform_keys.KEY_TO_ALG[key.algorithm], region=conf.local_region())


@transaction.atomic
def partner_add(*, region_code: str, url: str, key: jws.PemKey | None = None, name: str = "",
                actor=None) -> Partner:
    """Register a partner deployment or update its URL; add its key (rotation adds another)."""
    region_code = (region_code or "").strip()
    if len(region_code) != 6 or not region_code.isdigit():
        raise InvalidInput(_("A region code has six digits."), field="region")
    if region_code == conf.local_region():
        raise InvalidInput(_("This deployment cannot be its own partner."), field="region")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput(_("The endpoint URL must start with http:// or https://."), field="url")
    if key is not None and key.region and key.region != region_code:
        raise InvalidInput(_("The key file belongs to region %(r)s.") % {"r": key.region}, field="key")
    region = Region.objects.filter(code=region_code).first()
    partner, created = Partner.objects.get_or_create(
        region_code=region_code,
        defaults={"name": name or (region.name if region else region_code), "endpoint_url": url.rstrip("/")},
    )
    if not created:
        partner.endpoint_url = url.rstrip("/")
        partner.name = name or partner.name
        partner.is_active = True
        partner.full_clean()
        partner.save(update_fields=["endpoint_url", "name", "is_active", "updated_at"])
    added = None
    if key is not None:
        if not key.kid:
            raise InvalidInput(_("The key file has no 'kid:' line; pass the key id."), field="kid")
        existing = PartnerKey.objects.filter(partner=partner, kid=key.kid).first()
        if existing is not None and existing.fingerprint != key.fingerprint:
            raise InvalidInput(_("Key %(kid)s is already registered with other key material.") % {"kid": key.kid},
                               field="key")
        if existing is None:
            added = PartnerKey.objects.create(partner=partner, kid=key.kid, alg=key.alg, public_key=key.spki_der,
                                              fingerprint=key.fingerprint)
    audit_record(actor=actor, action="federation.partner_add", object_type="partner", object_id=region_code,
                 detail={"url": partner.endpoint_url, "key_added": added.kid if added else None})
    return partner


@transaction.atomic
def partner_key_revoke(*, region_code: str, kid: str, actor=None) -> None:
    updated = PartnerKey.objects.filter(partner__region_code=region_code, kid=kid, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    if not updated:
        raise NotFound(_("No such active partner key."), code="key_not_found")
    audit_record(actor=actor, action="federation.partner_key_revoke", object_type="partner", object_id=region_code,
                 detail={"kid": kid})


def _date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(_("%(f)s is not a date (YYYY-MM-DD).") % {"f": field}, field=field) from None


def _item_codes(spec: dict) -> list[str]:
    codes = [str(c).strip() for c in spec.get("items") or []]
    categories = [str(c) for c in spec.get("categories") or []]
    if categories:
        codes += list(ItemVersion.objects.filter(is_current=True, cross_region=True, category__in=categories,
                                                 item__is_active=True).values_list("item__code", flat=True))
    codes = sorted(set(codes))
    if not codes:
        raise InvalidInput(_("The agreement lists no items."), field="items")
    current = dict(ItemVersion.objects.filter(is_current=True, item__code__in=codes)
                   .values_list("item__code", "cross_region"))
    unknown = [c for c in codes if c not in current]
    if unknown:
        raise InvalidInput(_("Items not in this catalog: %(codes)s") % {"codes": ", ".join(unknown[:20])},
                           field="items")
    not_eligible = [c for c in codes if not current[c]]
    if not_eligible:
        raise InvalidInput(_("Items not flagged cross-region eligible: %(codes)s")
                           % {"codes": ", ".join(not_eligible[:20])}, field="items")
    return codes


@transaction.atomic
def agreement_import(*, text: str, actor=None) -> Agreement:
    """Import (or update, by code) an agreement file; the same file serves both parties:

        code: XXXY-2023-01
        title: 西咸新区—咸阳市政务服务“跨区通办”合作协议
        parties: ["611100", "610400"]
        valid_from: 2023-08-02
        valid_until: 2025-12-31          # optional
        home_centers: {"611100": fengdong, "610400": xianyang}   # optional, per party
        categories: [tax, housing_fund]   # every cross-region item of these categories, and/or
        items: [GJJ-0001, CJ-0001]
    """
    try:
        spec = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(_("The agreement file is not valid YAML: %(e)s") % {"e": str(exc)[:200]}) from None
    except ValueError as exc:  # YAML dates are checked while loading: 2023-13-02
        raise InvalidInput(_("The agreement file has an impossible date: %(e)s") % {"e": exc},
                           field="valid_from") from None
    if not isinstance(spec, dict):
        raise InvalidInput(_("The agreement file must be a mapping."))
    code = str(spec.get("code") or "").strip()
    title = str(spec.get("title") or "").strip()
    if not code or not title:
        raise InvalidInput(_("An agreement needs a code and a title."), field="code")
    parties = [str(p) for p in spec.get("parties") or []]
    local = conf.local_region()
    if len(parties) != 2 or local not in parties or parties[0] == parties[1]:
        raise InvalidInput(_("The parties must be this region (%(r)s) and one partner.") % {"r": local},
                           field="parties")
    partner_code = parties[1] if parties[0] == local else parties[0]
    partner = Partner.objects.filter(region_code=partner_code).first()
    if partner is None:
        raise InvalidInput(_("Register partner %(r)s first (tongban federation partner add).") % {"r": partner_code},
                           field="parties")
    valid_from = _date(spec.get("valid_from"), "valid_from")
    valid_until = _date(spec.get("valid_until"), "valid_until")
    if valid_from is None or (valid_until is not None and valid_until < valid_from):
        raise InvalidInput(_("The agreement needs valid_from, and valid_until not before it."), field="valid_from")
    center_code = (spec.get("home_centers") or {}).get(local)
    home_center = None
    if center_code:
        home_center = Center.objects.filter(code=center_code, region__code=local).first()
        if home_center is None:
            raise InvalidInput(_("No center %(c)s in this region.") % {"c": center_code}, field="home_centers")
    codes = _item_codes(spec)
    agreement, created = Agreement.objects.update_or_create(
        partner=partner, code=code,
        defaults={"title": title[:200], "valid_from": valid_from, "valid_until": valid_until,
                  "home_center": home_center, "imported_at": timezone.now(),
                  "source_sha256": hashlib.sha256(text.encode()).hexdigest()},
    )
    agreement.items.exclude(item_code__in=codes).delete()
    have = set(agreement.items.values_list("item_code", flat=True))
    AgreementItem.objects.bulk_create(AgreementItem(agreement=agreement, item_code=c) for c in codes if c not in have)
    audit_record(actor=actor, action="federation.agreement_import", object_type="agreement", object_id=code,
                 detail={"partner": partner_code, "items": len(codes), "valid_from": valid_from.isoformat(),
                         "valid_until": valid_until.isoformat() if valid_until else None, "created": created})
    return agreement


def local_home_center(agreement: Agreement) -> Center:
    if agreement.home_center_id:
        return agreement.home_center
    center = Center.objects.filter(region__code=conf.local_region(), level=CenterLevel.AREA).order_by("id").first()
    if center is None:
        raise InvalidInput(_("This deployment has no area service center to handle cross-region cases."))
    return center
