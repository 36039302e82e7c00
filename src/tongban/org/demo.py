"""Demo organisation: Xixian New Area (five new cities and their stations) and Xianyang.

Demo staff sign in with the password DEMO_PASSWORD (documented in the README; demo only).
"""

from tongban.org.models import Center, CenterLevel, Hall, Region, Role, StaffProfile, Window
from tongban.org.services import staff_create

DEMO_PASSWORD = "tongban-demo-2023"  # noqa: S105  (documented demo-only password)

REGIONS = [
    ("611100", "西咸新区", "西咸新区行政审批服务局"),
    ("610400", "咸阳市", "咸阳市行政审批服务局"),
]

# code, name, level, parent code, address
CENTERS = [
    ("xixian", "西咸新区政务服务中心", CenterLevel.AREA, None, "西咸新区沣东新城统一路"),
    ("fengdong", "沣东新城政务服务中心", CenterLevel.CITY, "xixian", "沣东新城协同创新港"),
    ("fengxi", "沣西新城政务服务中心", CenterLevel.CITY, "xixian", "沣西新城总部经济园"),
    ("qinhan", "秦汉新城政务服务中心", CenterLevel.CITY, "xixian", "秦汉新城兰池大道"),
    ("konggang", "空港新城政务服务中心", CenterLevel.CITY, "xixian", "空港新城自贸大厦"),
    ("jinghe", "泾河新城政务服务中心", CenterLevel.CITY, "xixian", "泾河新城泾华大道"),
    ("fengdong-wangsi", "王寺街道便民服务站", CenterLevel.STATION, "fengdong", "沣东新城王寺街道"),
    ("fengdong-doumen", "斗门街道便民服务站", CenterLevel.STATION, "fengdong", "沣东新城斗门街道"),
    ("fengxi-gaoqiao", "高桥街道便民服务站", CenterLevel.STATION, "fengxi", "沣西新城高桥街道"),
    ("fengxi-dawang", "大王街道便民服务站", CenterLevel.STATION, "fengxi", "沣西新城大王街道"),
    ("qinhan-yaodian", "窑店街道便民服务站", CenterLevel.STATION, "qinhan", "秦汉新城窑店街道"),
    ("qinhan-zhengyang", "正阳街道便民服务站", CenterLevel.STATION, "qinhan", "秦汉新城正阳街道"),
    ("konggang-dizhang", "底张街道便民服务站", CenterLevel.STATION, "konggang", "空港新城底张街道"),
    ("konggang-beidu", "北杜街道便民服务站", CenterLevel.STATION, "konggang", "空港新城北杜街道"),
    ("jinghe-yongle", "永乐镇便民服务站", CenterLevel.STATION, "jinghe", "泾河新城永乐镇"),
    ("jinghe-gaozhuang", "高庄镇便民服务站", CenterLevel.STATION, "jinghe", "泾河新城高庄镇"),
]
XIANYANG_CENTERS = [
    ("xianyang", "咸阳市政务服务中心", CenterLevel.AREA, None, "咸阳市秦都区"),
    ("xianyang-qindu", "秦都区政务服务中心", CenterLevel.CITY, "xianyang", "咸阳市秦都区"),
    ("xianyang-weicheng", "渭城区政务服务中心", CenterLevel.CITY, "xianyang", "咸阳市渭城区"),
]

WINDOWS = [
    ("A01", "综合受理窗口", ["business_registration", "enterprise_investment"]),
    ("A02", "综合受理窗口", ["business_registration", "construction"]),
    ("B01", "税务窗口", ["tax", "invoice"]),
    ("C01", "住房公积金窗口", ["housing_fund"]),
    ("D01", "社保医保窗口", ["social_security", "medical_insurance", "pension"]),
    ("E01", "车驾管窗口", ["vehicle_driver"]),
    ("F01", "跨区通办窗口", ["cross_region"]),
    ("G01", "帮办代办窗口", ["construction", "enterprise_investment"]),
]

# username, name, center, role, window number
STAFF = [
    ("leader", "王局长", "xixian", Role.LEADER, None),
    ("xx_admin", "赵主任", "xixian", Role.CENTER_ADMIN, None),
    ("fd_clerk", "李娜", "fengdong", Role.CLERK, "A01"),
    ("fd_clerk2", "张伟", "fengdong", Role.CLERK, "C01"),
    ("fd_approver", "陈静", "fengdong", Role.APPROVER, None),
    ("fd_admin", "刘洋", "fengdong", Role.CENTER_ADMIN, None),
    ("fd_agent", "杨帆", "fengdong", Role.AGENT, "G01"),
    ("fx_clerk", "黄丽", "fengxi", Role.CLERK, "A01"),
    ("fx_approver", "周强", "fengxi", Role.APPROVER, None),
    ("fx_agent", "吴敏", "fengxi", Role.AGENT, "G01"),
    ("qh_clerk", "徐磊", "qinhan", Role.CLERK, "A01"),
    ("qh_approver", "孙婷", "qinhan", Role.APPROVER, None),
    ("qh_agent", "马超", "qinhan", Role.AGENT, "G01"),
    ("kg_clerk", "朱琳", "konggang", Role.CLERK, "A01"),
    ("kg_approver", "胡军", "konggang", Role.APPROVER, None),
    ("kg_agent", "郭芳", "konggang", Role.AGENT, "G01"),
    ("jh_clerk", "何勇", "jinghe", Role.CLERK, "A01"),
    ("jh_approver", "高洁", "jinghe", Role.APPROVER, None),
    ("jh_agent", "林涛", "jinghe", Role.AGENT, "G01"),
    ("wangsi_clerk", "罗红", "fengdong-wangsi", Role.CLERK, "A01"),
    ("xy_clerk", "梁晨", "xianyang", Role.CLERK, "F01"),
    ("xy_approver", "宋佳", "xianyang", Role.APPROVER, None),
]


def load() -> str:
    created = 0
    regions = {}
    for code, name, bureau in REGIONS:
        regions[code], new = Region.objects.get_or_create(code=code, defaults={"name": name, "bureau": bureau})
        created += new
    for region_code, rows in (("611100", CENTERS), ("610400", XIANYANG_CENTERS)):
        for code, name, level, parent, address in rows:
            center, new = Center.objects.get_or_create(
                code=code,
                defaults={
                    "region": regions[region_code], "name": name, "level": level,
                    "parent": Center.objects.get(code=parent) if parent else None,
                    "address": address, "phone": "029-12345" if level != CenterLevel.STATION else "",
                    "opening_hours": "周一至周五 9:00-12:00, 13:00-17:00",
                },
            )
            created += new
            hall, new = Hall.objects.get_or_create(center=center, name="综合服务大厅", defaults={"floor": "1F"})
            created += new
            windows = WINDOWS if level != CenterLevel.STATION else WINDOWS[:1]
            for number, wname, categories in windows:
                _w, new = Window.objects.get_or_create(
                    hall=hall, number=number, defaults={"name": wname, "categories": categories}
                )
                created += new
    for username, name, center_code, role, window_number in STAFF:
        if StaffProfile.objects.filter(user__username=username).exists():
            continue
        window = (
            Window.objects.filter(hall__center__code=center_code, number=window_number).first()
            if window_number
            else None
        )
        staff_create(username=username, password=DEMO_PASSWORD, display_name=name,
                     center_code=center_code, role=role, window=window)
        created += 1
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.invalid", DEMO_PASSWORD)
        created += 1
    return f"{created} records created"
