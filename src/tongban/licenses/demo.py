"""Demo licenses: the business license type and one demo business license (idempotent)."""

from tongban.licenses.models import License
from tongban.licenses.services import license_issue, license_type_ensure

DEMO_CASE = "DEMO-YYZZ-0001"
BUSINESS_LICENSE_FIELDS = [
    {"key": "type", "label": "类型"},
    {"key": "legal_representative", "label": "法定代表人"},
    {"key": "registered_capital", "label": "注册资本"},
    {"key": "established", "label": "成立日期"},
    {"key": "address", "label": "住所"},
    {"key": "scope", "label": "经营范围", "required": False},
]


def ensure_types():
    business = license_type_ensure(code="YYZZ", name="营业执照", category="license", holder_kind="entity",
                                   data_fields=BUSINESS_LICENSE_FIELDS, issuing_authority_level="区县级")
    license_type_ensure(code="SPJY", name="食品经营许可证", category="permit", holder_kind="entity",
                        validity_years=5, issuing_authority_level="区县级",
                        data_fields=[{"key": "operator", "label": "经营者"},
                                     {"key": "premises", "label": "经营场所"},
                                     {"key": "items", "label": "经营项目"}])
    return business


def load() -> str:
    from tongban.catalog.models import Department
    from tongban.signing import demo as signing_demo

    signing_demo.load()
    business = ensure_types()
    existing = License.objects.filter(source_case_number=DEMO_CASE).first()
    if existing:
        return f"demo business license {existing.identifier} present"
    lic = license_issue(
        license_type=business, holder_name="西安沣东示范科技有限公司", holder_credit_code="91611100MA6TGKQ878",
        data={"type": "有限责任公司（自然人投资或控股）", "legal_representative": "张伟",
              "registered_capital": "伍佰万元整", "established": "2024年03月15日",
              "address": "陕西省西咸新区沣东新城科技路88号", "scope": "软件开发；信息技术咨询服务"},
        issuer_department=Department.objects.get(code="market"), source_case_number=DEMO_CASE, actor=None,
    )
    return f"demo business license {lic.identifier} issued"
