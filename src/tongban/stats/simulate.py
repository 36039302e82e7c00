"""A simulated year for the demo regions (`tongban simulate --year 2023 --scale 1`).

The shape follows the mission year: arrivals by weekday and season, popular items, ID-card-only
cases (about 220,000 at scale 1), cross-region cases from the agreement day (2 August), holiday
windows over the Spring Festival (59 cases at scale 1), online applications on rest days,
refusals, corrections (clock paused), special procedures, late cases, ratings and the
rectifications poor ratings open. About 1,050,000 cases at scale 1.

Write path: the first cases of the year go through the platform's own services
(tongban.cases.services / ratings, at the simulated instant) to prove the path; the rest are
inserted in bulk with values from the same clock functions (tongban.cases.clock,
tongban.core.calendar), the same case-number format and PII encryption, and CaseSequence rows
updated at the end so that new submissions never collide.
"""

from __future__ import annotations

import json
import math
import queue
import random
import threading
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from types import SimpleNamespace
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from stdnum.cn import ric, uscc

from tongban.cases import clock
from tongban.cases.applicants import ID_CONTEXT, PHONE_CONTEXT, id_index
from tongban.cases.models import (
    Applicant,
    Case,
    CaseEvent,
    CaseMaterial,
    CasePause,
    CaseSequence,
    Channel,
    CorrectionNotice,
    Light,
    Rating,
    Rectification,
    RectificationState,
    S,
)
from tongban.catalog.models import ItemVersion, Subject
from tongban.core import calendar, pii
from tongban.org.models import Center, CenterLevel, Role, StaffProfile, Window

PEOPLE_PER_SCALE = 180_000
ENTITIES_PER_SCALE = 12_000
CASES_PER_SCALE = 1_050_000
ID_ONLY_PER_SCALE = 220_000
HOLIDAY_WINDOW_PER_SCALE = 59
CROSS_REGION_FROM = (8, 2)  # month, day the agreement took effect
SEASON = {1: 0.85, 2: 0.95, 3: 1.15, 4: 1.05, 5: 1.0, 6: 1.05, 7: 1.1, 8: 1.05, 9: 1.0, 10: 0.9, 11: 1.0,
          12: 1.1}
WEEKDAY = {0: 1.25, 1: 1.1, 2: 1.0, 3: 0.95, 4: 0.9, 5: 0.85, 6: 0.85}  # weekend = make-up days
REST_DAY_ONLINE = 0.12  # rest days: only online applications, at this share of a working day
CATEGORY_WEIGHT = {
    "social_security": 3.0, "medical_insurance": 3.0, "housing_fund": 2.5, "vehicle_driver": 2.5,
    "tax": 2.2, "household": 1.5, "business_registration": 1.6, "pension": 1.2, "invoice": 1.5,
    "gas_payment": 1.3, "civil_affairs": 0.8, "enterprise_investment": 0.4, "construction": 0.3,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉鹏飞玲丹萍红梅宁博浩宇欣怡子涵思雨晨阳俊凯佳琪嘉欣雪梦婷振华志强晓东海燕春梅"
COUNTIES = ["610402", "610403", "610404", "610422", "610423", "610424", "610425", "610426", "610481",
            "610102", "610103", "610104", "610111", "610112", "610113", "610116", "610124"]
COMPANY_WORDS = ["秦创", "沣东", "泾渭", "长安", "丝路", "华夏", "西咸", "汉唐", "未来", "智慧", "新城", "空港"]
COMPANY_KINDS = ["科技有限公司", "实业有限公司", "建设工程有限公司", "商贸有限公司", "物流有限公司", "餐饮管理有限公司"]


@dataclass
class Result:
    cases: int = 0
    via_services: int = 0
    events: int = 0
    materials: int = 0
    ratings: int = 0
    applicants: int = 0
    counts: dict = field(default_factory=lambda: defaultdict(int))
    rollup_seconds: float = 0.0  # rebuilding the statistics roll-up at the end


# -- low-level bulk writer ----------------------------------------------------------------------
class Rows:
    """Rows for one table, written with executemany (values already in database form)."""

    def __init__(self, model, fields: list[str]):
        self.model = model
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = [model._meta.get_field(f).column for f in fields]
        self.rows: list[tuple] = []
        self.written = 0

    def flush(self, cursor, rows: list[tuple] | None = None) -> None:
        rows = self.rows if rows is None else rows
        if not rows:
            return
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        # table and column names come from the models, never from input
        cursor.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
        self.written += len(rows)
        if rows is self.rows:
            self.rows = []


class Writer(threading.Thread):
    """Inserts batches on its own database connection, one transaction per batch, so that SQLite
    works while Python generates the next chunk. Errors surface in the caller at put()/drain()."""

    def __init__(self, pragmas: list[str]):
        super().__init__(name="simulate-writer", daemon=True)
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.pragmas = pragmas
        self.error: BaseException | None = None

    def run(self) -> None:
        from django.db import connection as conn

        try:
            with conn.cursor() as cur:
                for pragma in self.pragmas:
                    cur.execute(pragma)
            while True:
                batch = self.queue.get()
                try:
                    if batch is None:
                        return
                    if self.error is None:
                        with transaction.atomic(), conn.cursor() as cur:
                            for rows, data in batch:
                                rows.flush(cur, data)
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    self.error = exc
                finally:
                    self.queue.task_done()
        finally:
            conn.close()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, batch) -> None:
        self._check()
        self.queue.put(batch)

    def drain(self) -> None:
        self.queue.join()
        self._check()

    def stop(self) -> None:
        self.queue.put(None)
        self.join()
        self._check()


class DbForm:
    """Database forms of datetimes, dates and JSON for the current backend."""

    def __init__(self):
        self.sqlite = connection.vendor == "sqlite"
        if not self.sqlite:
            from psycopg.types.json import Jsonb

            self._jsonb = Jsonb

    def dt(self, utc_naive: datetime | None):
        if utc_naive is None:
            return None
        return utc_naive.isoformat(" ") if self.sqlite else utc_naive.replace(tzinfo=UTC)

    def d(self, day: date | None):
        if day is None:
            return None
        return day.isoformat() if self.sqlite else day

    def json(self, value):
        return json.dumps(value, ensure_ascii=False) if self.sqlite else self._jsonb(value)


class _InlineWriter:
    """Writes at once on the caller's connection (inside an open transaction, e.g. a test)."""

    def start(self) -> None:
        pass

    def put(self, batch) -> None:
        with connection.cursor() as cur:
            for rows, data in batch:
                rows.flush(cur, data)

    def drain(self) -> None:
        pass

    def stop(self) -> None:
        pass


# -- reference data ------------------------------------------------------------------------------
@dataclass
class ItemRef:
    version_id: int
    code: str
    category: str
    subject: str
    promised: int
    legal: int
    online: bool
    window: bool
    self_service: bool
    id_only: bool
    cross_region: bool
    holiday_open: bool
    special_steps: list
    materials: list  # [(name, shared_source)] of the required materials
    weight: float = 1.0

    @property
    def spot(self) -> bool:
        return self.promised == 0


@dataclass
class CenterRef:
    id: int
    code: str
    level: str
    weight: float
    windows: dict  # category -> window id; "" -> the general window
    cross_window: int | None
    clerks: list  # [(user id, username)]
    approvers: list


def _ensure_demo(stdout) -> None:
    from django.core.management import call_command

    local = settings.TONGBAN_REGION_CODE
    if not Center.objects.filter(region__code=local).exists() or not ItemVersion.objects.exists():
        call_command("demo", stdout=stdout)


def _random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _ensure_staff(rng: random.Random) -> None:
    """Every local center gets at least two clerks and one approver (through org.services)."""
    from tongban.org.services import staff_create

    for center in Center.objects.filter(region__code=settings.TONGBAN_REGION_CODE):
        roles = list(StaffProfile.objects.filter(center=center).values_list("role", flat=True))
        for role, want in ((Role.CLERK, 2), (Role.APPROVER, 1)):
            for n in range(roles.count(role), want):
                username = f"sim-{center.code}-{role}-{n + 1}"
                if StaffProfile.objects.filter(user__username=username).exists():
                    continue
                window = Window.objects.filter(hall__center=center).order_by("number").first()
                # no usable password: simulated officers never sign in (and hashing would be slow)
                staff_create(username=username, password=None, display_name=_random_name(rng),
                             center_code=center.code, role=role, window=window if role == Role.CLERK else None)


def _items() -> list[ItemRef]:
    refs = []
    versions = ItemVersion.objects.filter(is_current=True, item__is_active=True).select_related("item") \
        .prefetch_related("materials").order_by("item__code")
    for v in versions:
        refs.append(ItemRef(
            version_id=v.id, code=v.item.code, category=v.category, subject=v.subject,
            promised=v.promised_limit_days, legal=v.legal_limit_days, online=v.channel_online,
            window=v.channel_window, self_service=v.channel_self_service, id_only=v.id_only,
            cross_region=v.cross_region, holiday_open=v.holiday_open, special_steps=list(v.special_steps or []),
            materials=[(m.name, m.shared_source) for m in v.materials.all() if m.required],
        ))
    return refs


def _centers() -> list[CenterRef]:
    level_weight = {CenterLevel.AREA: 20.0, CenterLevel.CITY: 12.0, CenterLevel.STATION: 2.0}
    staff = defaultdict(lambda: {"clerk": [], "approver": []})
    for p in StaffProfile.objects.select_related("user").filter(role__in=[Role.CLERK, Role.APPROVER]):
        staff[p.center_id][p.role].append((p.user_id, p.user.username))
    refs = []
    for c in Center.objects.filter(region__code=settings.TONGBAN_REGION_CODE).order_by("code"):
        windows, cross = {}, None
        for w in Window.objects.filter(hall__center=c, is_active=True).order_by("number"):
            if "cross_region" in (w.categories or []):
                cross = w.id
                continue
            windows.setdefault("", w.id)
            for cat in w.categories or []:
                windows.setdefault(cat, w.id)
        refs.append(CenterRef(id=c.id, code=c.code, level=c.level, weight=level_weight[c.level], windows=windows,
                              cross_window=cross, clerks=staff[c.id]["clerk"], approvers=staff[c.id]["approver"]))
    return refs


# -- applicants ------------------------------------------------------------------------------------
def _id_number(rng: random.Random) -> str:
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    body = f"{rng.choice(COUNTIES)}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _credit_code(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + "611100" + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


# -- the simulator -----------------------------------------------------------------------------------
class YearSimulator:
    def __init__(self, *, year: int, scale: float, seed: int = 2023, sample: int | None = None,
                 progress: bool = True, stdout=None, chunk: int = 20_000):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.year, self.scale, self.chunk = year, scale, chunk
        self.rng = random.Random(seed)  # noqa: S311 - simulation, not security
        self.sample = sample if sample is not None else max(20, min(200, int(2000 * scale)))
        self.progress, self.stdout = progress, stdout
        self.region = settings.TONGBAN_REGION_CODE
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.cal = calendar.get_calendar()
        self.form = DbForm()
        self.result = Result()
        jan, jul = (datetime(year, m, 1, tzinfo=self.tz).utcoffset() for m in (1, 7))
        self.offset = jan if jan == jul else None  # a fixed offset (Asia/Shanghai) makes times cheap

    # -- times ---------------------------------------------------------------------------------
    def utc(self, day: date, minute_of_day: float) -> datetime:
        """UTC (naive) instant of a local day + minutes after midnight."""
        local = datetime.combine(day, time.min) + timedelta(minutes=minute_of_day)
        if self.offset is not None:
            return local - self.offset
        return local.replace(tzinfo=self.tz).astimezone(UTC).replace(tzinfo=None)

    def local_day(self, utc_naive: datetime) -> date:
        if self.offset is not None:
            return (utc_naive + self.offset).date()
        return utc_naive.replace(tzinfo=UTC).astimezone(self.tz).date()

    def next_working_day(self, day: date) -> date:
        return self.cal.add_working_days(day, 1)

    # -- plan: how many cases each day, which items and channels ------------------------------------
    def day_plan(self) -> list[tuple[date, int, bool]]:
        """(day, cases, working) for each day of the year, totalling about CASES_PER_SCALE * scale."""
        self.cal.require_range(date(self.year, 1, 1), date(self.year + 1, 12, 31))
        days, weights = [], []
        day = date(self.year, 1, 1)
        while day.year == self.year:
            working = self.cal.is_working_day(day)
            w = SEASON[day.month] * (WEEKDAY[day.weekday()] if working else REST_DAY_ONLINE)
            days.append((day, working))
            weights.append(w)
            day += timedelta(days=1)
        total = CASES_PER_SCALE * self.scale
        unit = total / sum(weights)
        plan, carry = [], 0.0
        for (day, working), w in zip(days, weights, strict=True):
            exact = w * unit + carry
            n = int(exact)
            carry = exact - n
            plan.append((day, n, working))
        return plan

    def holiday_window_days(self) -> list[date]:
        """The Spring Festival holiday of the year (the calendar's named days)."""
        return sorted(d for d, name in self.cal.holiday_names.items()
                      if d.year == self.year and name == "春节" and not self.cal.is_working_day(d))

    # -- run -------------------------------------------------------------------------------------------
    def run(self) -> Result:
        _ensure_demo(self.stdout)
        _ensure_staff(self.rng)
        self.items = _items()
        self.centers = _centers()
        if not self.items or not self.centers:
            raise RuntimeError("no catalog items or service centers to simulate with")
        for it in self.items:
            it.weight = CATEGORY_WEIGHT.get(it.category, 1.0) / (1 + self.rng.random() * 20) ** 1.1
            if it.id_only:  # ID-card-only items are the high-frequency ones
                it.weight *= 3.0
        self._prepare_pools()
        plan = self.day_plan()
        total = sum(n for _d, n, _w in plan)
        holiday_days = self.holiday_window_days()
        holiday_n = round(HOLIDAY_WINDOW_PER_SCALE * self.scale)
        self.id_only_p = self._id_only_probability(plan)
        self._bar = self._make_bar(total + holiday_n)
        self._applicants_bulk()
        self._seq = {s.day: s.last for s in CaseSequence.objects.filter(
            region_code=self.region, day__year=self.year)}
        self._next_ids()
        sqlite = connection.vendor == "sqlite" and not connection.in_atomic_block
        # Bulk load only, on the writer's own connection: WAL with synchronous=NORMAL cannot corrupt
        # the database; a power cut may lose the last chunks of this (re-runnable) load. The web
        # processes keep their own connections with synchronous=FULL.
        pragmas = ["PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-262144", "PRAGMA temp_store=MEMORY"] \
            if sqlite else []
        in_test_transaction = connection.in_atomic_block
        self._writer = _InlineWriter() if in_test_transaction else Writer(pragmas)
        self._writer.start()
        try:
            sampled = 0
            holiday_plan = defaultdict(int)
            for i in range(holiday_n):
                if holiday_days:
                    holiday_plan[holiday_days[i % len(holiday_days)]] += 1
            for day, n, working in plan:
                arrivals = self._arrivals(day, n, working) + self._holiday_arrivals(day, holiday_plan[day])
                arrivals.sort(key=lambda a: a[0])
                for arrival in arrivals:
                    how = self._sample_case(arrival) if sampled < self.sample else None
                    if how == "service":
                        sampled += 1
                    elif how is None:
                        self._bulk_case(arrival)
                    if self._pending >= self.chunk:
                        self._flush()
            self._flush(wait=True)
            self._finish_sequences()
        finally:
            self._writer.stop()
            if self._bar is not None:
                self._bar.close()
        self.result.via_services = sampled
        # the statistics roll-up holds every simulated day (tongban.stats.rollup)
        from tongban.stats.rollup import rollup_rebuild

        self.result.rollup_seconds = rollup_rebuild().seconds
        return self.result

    def _make_bar(self, total: int):
        if not self.progress:
            return None
        from tqdm import tqdm

        return tqdm(total=total, unit="case", desc=f"simulate {self.year}", file=self.stdout, mininterval=0.5)

    # -- pools ------------------------------------------------------------------------------------------
    def _prepare_pools(self) -> None:
        n_people = max(300, int(PEOPLE_PER_SCALE * self.scale))
        n_entities = max(50, int(ENTITIES_PER_SCALE * self.scale))
        taken = set(Applicant.objects.filter(kind="person").values_list("id_number_index", flat=True))
        taken_codes = set(Applicant.objects.filter(kind="entity").values_list("credit_code", flat=True))
        self.people: list[tuple[str, str, str]] = []  # (id number, name, phone)
        seen = set()
        while len(self.people) < n_people:
            number = _id_number(self.rng)
            if number in seen:
                continue
            seen.add(number)
            self.people.append((number, _random_name(self.rng), f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"))
        self._people_taken = taken
        self.entities: list[tuple[str, str, str]] = []
        codes = set()
        while len(self.entities) < n_entities:
            code = _credit_code(self.rng)
            if code in codes or code in taken_codes:
                continue
            codes.add(code)
            name = f"陕西{self.rng.choice(COMPANY_WORDS)}{self.rng.choice(COMPANY_WORDS)}{self.rng.choice(COMPANY_KINDS)}"
            self.entities.append((code, name, _random_name(self.rng)))
        # citizens return: a few people make many of the visits
        self.people_cum = list(accumulate(1 / (1 + i) ** 0.35 for i in range(n_people)))
        self.entity_cum = list(accumulate(1 / (1 + i) ** 0.5 for i in range(n_entities)))
        self.item_cum = list(accumulate(it.weight for it in self.items))
        self.online_items = [i for i, it in enumerate(self.items) if it.online]
        self.online_cum = list(accumulate(self.items[i].weight for i in self.online_items))
        self.holiday_items = [i for i, it in enumerate(self.items) if it.holiday_open] or list(range(len(self.items)))
        self.center_cum = list(accumulate(c.weight for c in self.centers))
        self.cross_centers = [c for c in self.centers if c.cross_window is not None] or self.centers

    def _applicants_bulk(self) -> None:
        """Insert the applicant pools (encrypted ID numbers and phones, blind indexes, masks)."""
        now = self.form.dt(self.utc(date(self.year, 1, 1), 0))
        rows = Rows(Applicant, ["id", "kind", "name", "id_number_enc", "id_number_index", "id_number_masked",
                                "phone_enc", "phone_index", "phone_masked", "credit_code", "legal_representative",
                                "created_at"])
        next_id = (Applicant.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        self.person_ids: list[int] = []
        existing = dict(Applicant.objects.filter(kind="person").values_list("id_number_index", "id"))
        for number, name, phone in self.people:
            index = id_index(number)
            if index in existing:
                self.person_ids.append(existing[index])
                continue
            rows.rows.append((next_id, "person", name, pii.encrypt(number, context=ID_CONTEXT), index,
                              pii.mask_id_number(number), pii.encrypt(phone, context=PHONE_CONTEXT),
                              pii.blind_index(phone, kind="phone"), pii.mask_phone(phone), "", "", now))
            self.person_ids.append(next_id)
            next_id += 1
        self.entity_ids: list[int] = []
        for code, name, rep in self.entities:
            rows.rows.append((next_id, "entity", name, None, "", "", None, "", "", code, rep, now))
            self.entity_ids.append(next_id)
            next_id += 1
        with transaction.atomic(), connection.cursor() as cur:
            self.result.applicants = len(rows.rows)
            rows.flush(cur)

    def _id_only_probability(self, plan) -> float:
        """The chance an eligible case is handled ID-only so that the year has ~220,000 * scale."""
        total_w = self.item_cum[-1]
        eligible_w = 0.0
        for it in self.items:
            if not it.id_only or it.subject == Subject.ENTITY or not (it.window or it.self_service):
                continue
            person = 1.0 if it.subject == Subject.PERSON else 0.6
            in_hall = 0.78 - (0.025 * 0.4 if it.cross_region else 0) if it.online else 0.99
            eligible_w += it.weight * person * in_hall
        working_cases = sum(n for _d, n, w in plan if w)
        expected = working_cases * eligible_w / total_w
        return min(1.0, ID_ONLY_PER_SCALE * self.scale / expected) if expected else 0.0

    # -- arrivals -----------------------------------------------------------------------------------------
    def _arrivals(self, day: date, n: int, working: bool) -> list[tuple]:
        """(submitted utc, item index, channel, center) for the day's cases."""
        rng, out = self.rng, []
        cross_ok = (day.month, day.day) >= CROSS_REGION_FROM
        for _ in range(n):
            if not working:
                idx = self.online_items[bisect_right(self.online_cum, rng.random() * self.online_cum[-1])]
                minute = rng.uniform(7 * 60, 23 * 60)
                out.append((self.utc(day, minute), idx, Channel.ONLINE, self.centers[0]))
                continue
            idx = bisect_right(self.item_cum, rng.random() * self.item_cum[-1])
            it = self.items[idx]
            r = rng.random()
            if it.online and (r < 0.22 or not it.window):
                channel, minute = Channel.ONLINE, rng.uniform(7 * 60, 23 * 60)
            elif it.self_service and r < 0.30:
                channel, minute = Channel.SELF_SERVICE, rng.uniform(8 * 60 + 30, 19 * 60)
            elif cross_ok and it.cross_region and r > 0.975:
                channel, minute = Channel.CROSS_REGION, self._hall_minute()
            else:
                channel, minute = Channel.WINDOW, self._hall_minute()
            if channel == Channel.CROSS_REGION:
                center = rng.choice(self.cross_centers)
            elif channel == Channel.ONLINE:
                center = self.centers[0] if self.centers[0].level == CenterLevel.AREA else self._center()
            else:
                center = self._center()
            out.append((self.utc(day, minute), idx, channel, center))
        return out

    def _holiday_arrivals(self, day: date, n: int) -> list[tuple]:
        big = [c for c in self.centers if c.level != CenterLevel.STATION] or self.centers
        return [(self.utc(day, self.rng.uniform(9 * 60, 16 * 60)), self.rng.choice(self.holiday_items),
                 Channel.HOLIDAY_WINDOW, self.rng.choice(big)) for _ in range(n)]

    def _hall_minute(self) -> float:
        # morning peak, lunch lull
        if self.rng.random() < 0.62:
            return self.rng.uniform(9 * 60, 12 * 60)
        return self.rng.uniform(13 * 60, 17 * 60)

    def _center(self) -> CenterRef:
        return self.centers[bisect_right(self.center_cum, self.rng.random() * self.center_cum[-1])]

    def _applicant(self, entity: bool) -> int:
        rng = self.rng
        if entity:
            return self.entity_ids[bisect_right(self.entity_cum, rng.random() * self.entity_cum[-1])]
        return self.person_ids[bisect_right(self.people_cum, rng.random() * self.people_cum[-1])]

    def _number(self, day: date) -> str:
        seq = self._seq.get(day, 0) + 1
        self._seq[day] = seq
        return f"{self.region}-{day:%Y%m%d}-{seq:06d}"

    # -- one case's story ---------------------------------------------------------------------------
    def _story(self, arrival) -> dict:
        """Decide what happens to a case: outcome, instants, clock values (same clock functions)."""
        submitted, idx, channel, center = arrival
        rng, it = self.rng, self.items[idx]
        year_end = date(self.year, 12, 31)
        entity = it.subject == Subject.ENTITY or (it.subject == Subject.BOTH and rng.random() < 0.4)
        person = not entity
        id_only = (it.id_only and person and channel in (Channel.WINDOW, Channel.SELF_SERVICE)
                   and rng.random() < self.id_only_p)
        story = {"id_only": id_only, "entity": entity, "submitted": submitted, "pauses": [], "paused_days": 0}
        r = rng.random()
        if not id_only and r < 0.012:
            story["outcome"] = "refused"
            story["decided"] = submitted + timedelta(minutes=rng.uniform(5, 90))
            return story
        if not id_only and r < 0.016:
            story["outcome"] = "withdrawn"
            story["withdrawn"] = submitted + timedelta(hours=rng.uniform(1, 72))
            return story
        sub_day = self.local_day(submitted)
        if channel == Channel.ONLINE or not self.cal.is_working_day(sub_day) and channel != Channel.HOLIDAY_WINDOW:
            acc_day = self.next_working_day(sub_day) if channel == Channel.ONLINE else sub_day
            accepted = self.utc(acc_day, rng.uniform(9 * 60, 11 * 60)) if acc_day != sub_day else \
                submitted + timedelta(minutes=rng.uniform(10, 180))
        else:
            accepted = submitted + timedelta(minutes=rng.uniform(1, 4))
        if not id_only and not it.spot and r < 0.07:
            # 一次性告知: correction requested, the clock starts when the materials arrive
            asked = submitted + timedelta(minutes=rng.uniform(5, 60))
            ask_day = self.local_day(asked)
            back_day = self.cal.add_working_days(ask_day, rng.randint(1, 6))
            story["correction"] = (asked, ask_day, back_day)
            accepted = self.utc(back_day, rng.uniform(9 * 60, 16 * 60))
        acc_day = self.local_day(accepted)
        story["accepted"], story["accepted_on"] = accepted, acc_day
        version = SimpleNamespace(promised_limit_days=it.promised, legal_limit_days=it.legal)
        ns = SimpleNamespace(item_version=version, accepted_on=acc_day, paused_days=0, extension_days=0,
                             concluded_on=None, promised_due=None, state=S.UNDER_REVIEW, light=Light.NONE,
                             paused_since=None)
        if it.special_steps and rng.random() < 0.10:
            start = self.cal.add_working_days(acc_day, rng.randint(1, max(1, it.promised // 2)))
            days = rng.randint(3, 15)
            end = self.cal.add_working_days(start, days)
            story["pauses"].append((it.special_steps[0], start, end, days))
            ns.paused_days = days
        story["paused_days"] = ns.paused_days
        promised_due, legal_due = clock.due_dates(ns)
        story["promised_due"], story["legal_due"] = promised_due, legal_due
        if it.spot:
            minutes = rng.lognormvariate(math.log(8.5), 0.45) if id_only else rng.lognormvariate(math.log(15), 0.6)
            concluded = submitted + timedelta(minutes=max(2.0, minutes))
            if channel == Channel.ONLINE or self.local_day(concluded) < acc_day:
                concluded = accepted + timedelta(minutes=max(2.0, minutes))
            concluded_on = self.local_day(concluded)
        else:
            q = rng.random()
            if id_only or q < 0.975:
                target = rng.randint(max(1, it.promised // 3), max(1, it.promised))
            elif q < 0.997:
                target = rng.randint(it.promised + 1, max(it.promised + 1, it.legal))
            else:
                target = it.legal + rng.randint(1, 5)
            concluded_on = self.cal.add_working_days(acc_day, target + ns.paused_days)
            concluded = self.utc(concluded_on, rng.uniform(9 * 60, 17 * 60))
        if concluded_on > year_end:
            story["outcome"] = "open"
            ns.promised_due = promised_due
            story["light"] = clock.light_for(ns, on=year_end)
            return story
        ns.concluded_on = concluded_on
        story["outcome"] = "concluded"
        story["denied"] = not it.spot and rng.random() < 0.02
        story["concluded"], story["concluded_on"] = concluded, concluded_on
        story["on_time"] = concluded_on <= promised_due
        story["duration_days"] = clock.duration_working_days(ns)
        if rng.random() < 0.85:
            delivered = concluded + timedelta(minutes=rng.uniform(1, 60 * 24 * 2))
            if self.local_day(delivered) <= year_end:
                story["delivered"] = delivered
        if rng.random() < 0.65:
            rated = concluded + timedelta(minutes=rng.uniform(2, 600))
            if self.local_day(rated) <= year_end:
                if id_only:
                    score = 5 if rng.random() < 0.93 else 4
                else:
                    s = rng.random()
                    score = 5 if s < 0.90 else 4 if s < 0.985 else 3 if s < 0.995 else 2 if s < 0.998 else 1
                story["rating"] = (rated, score)
        return story

    # -- through the real services ---------------------------------------------------------------------
    def _sample_case(self, arrival) -> str | None:
        """Run a window case through tongban.cases.services at its simulated instants: "service";
        "bulk" when its story takes a path the sample does not cover; None when not a candidate."""
        from django.contrib.auth import get_user_model

        from tongban.cases.applicants import ApplicantInput
        from tongban.cases.ratings import rating_submit
        from tongban.cases.services import (
            MaterialInput,
            case_accept,
            case_approve,
            case_conclude,
            case_deliver,
            case_start_review,
            case_submit,
        )

        submitted, idx, channel, center = arrival
        it = self.items[idx]
        if channel != Channel.WINDOW or it.subject == Subject.ENTITY or not center.clerks or not center.approvers:
            return None
        story = self._story(arrival)
        if story["entity"] or story["outcome"] != "concluded" or story["paused_days"] or "correction" in story:
            self._bulk_case(arrival, story=story)
            return "bulk"
        users = get_user_model().objects.in_bulk([center.clerks[0][0], center.approvers[0][0]])
        clerk, approver = users[center.clerks[0][0]], users[center.approvers[0][0]]
        number, name, phone = self.people[self.rng.randrange(len(self.people))]
        materials = [MaterialInput(name=m, status="exempted", source=src, exemption_reason="共享数据")
                     if src else MaterialInput(name=m) for m, src in it.materials]

        self._flush(wait=True)  # the services take ids and case numbers from the database: bulk rows first
        self._finish_sequences()

        def at(utc_naive):
            return mock.patch("django.utils.timezone.now", return_value=utc_naive.replace(tzinfo=UTC))

        s = story
        with at(s["submitted"]):
            case = case_submit(actor=clerk, item_code=it.code, applicant=ApplicantInput(
                kind="person", name=name, id_number=number, phone=phone), materials=materials,
                channel=Channel.WINDOW, id_only=s["id_only"])
        with at(s["accepted"]):
            case_accept(actor=clerk, number=case.number)
        review = s["accepted"] + (s["concluded"] - s["accepted"]) / 3
        with at(review):
            case_start_review(actor=approver, number=case.number)
        with at(review + (s["concluded"] - review) / 2):
            case_approve(actor=approver, number=case.number)
        with at(s["concluded"]):
            case = case_conclude(actor=clerk, number=case.number)
        if "delivered" in s:
            with at(s["delivered"]):
                case_deliver(actor=clerk, number=case.number)
        if "rating" in s:
            rated, score = s["rating"]
            with at(rated):
                rating_submit(case=case, score=score, channel="window", actor=clerk)
        self._seq[self.local_day(s["submitted"])] = max(
            self._seq.get(self.local_day(s["submitted"]), 0), int(case.number.rsplit("-", 1)[1]))
        self.result.cases += 1
        self.result.counts["concluded"] += 1
        self._refresh_ids()
        self._tick()
        return "service"

    def _tick(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    # -- bulk -------------------------------------------------------------------------------------------
    def _refresh_ids(self) -> None:
        def nxt(model):
            return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1

        self.ids = {m: nxt(m) for m in (Case, CaseEvent, CaseMaterial, Rating, Rectification, CasePause,
                                         CorrectionNotice)}

    def _next_ids(self) -> None:
        self._refresh_ids()
        self.w = {
            Case: Rows(Case, [
                "id", "number", "region_code", "item_version", "applicant", "channel", "center", "window", "state",
                "version", "id_only", "submitted_at", "accepted_at", "accepted_on", "decided_at", "concluded_at",
                "concluded_on", "delivered_at", "promised_due", "legal_due", "paused_days", "paused_since",
                "extension_days", "light", "on_time", "duration_days", "received_by", "assigned_to",
                "delivery_method", "delivery_reference", "outcome_note"]),
            CaseEvent: Rows(CaseEvent, ["id", "case", "at", "actor", "actor_label", "action", "from_state",
                                        "to_state", "note", "data"]),
            CaseMaterial: Rows(CaseMaterial, ["id", "case", "name", "status", "exemption_reason", "source",
                                              "file_path", "sha256", "content_type", "size", "original_name",
                                              "received_at"]),
            Rating: Rows(Rating, ["id", "case", "score", "text", "channel", "created_at"]),
            Rectification: Rows(Rectification, ["id", "rating", "center", "state", "due_on", "answer",
                                                 "answered_at", "follow_up_note", "closed_at"]),
            CasePause: Rows(CasePause, ["id", "case", "kind", "reason", "started_on", "ended_on", "working_days"]),
            CorrectionNotice: Rows(CorrectionNotice, ["id", "case", "missing", "note", "issued_at", "issued_by",
                                                      "resolved_at"]),
        }
        self._pending = 0
        self._empty = self.form.json({})
        self._json_cache: dict = {}

    def _new_id(self, model) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def _bulk_case(self, arrival, story: dict | None = None) -> None:
        submitted, idx, channel, center = arrival
        it = self.items[idx]
        s = story or self._story(arrival)
        f, rng, w = self.form, self.rng, self.w
        case_id = self._new_id(Case)
        sub_day = self.local_day(submitted)
        clerk = rng.choice(center.clerks) if center.clerks else (None, "system")
        approver = rng.choice(center.approvers) if center.approvers else clerk
        window = None
        if channel == Channel.CROSS_REGION:
            window = center.cross_window
        elif channel != Channel.ONLINE:
            window = center.windows.get(it.category) or center.windows.get("")
        received_by = clerk[0] if channel != Channel.ONLINE else None
        events = w[CaseEvent].rows
        submit_actor = (None, "applicant") if channel == Channel.ONLINE else clerk

        cache = self._json_cache

        def ev(at, actor, action, frm="", to="", note="", data=None, cached=True):
            if not data:
                value = self._empty
            elif cached:
                key = (action, *data.values())
                value = cache.get(key)
                if value is None:
                    value = cache[key] = f.json(data)
            else:
                value = f.json(data)
            events.append((self._new_id(CaseEvent), case_id, f.dt(at), actor[0], actor[1], action, frm, to, note,
                           value))

        ev(submitted, submit_actor, "submit", "", S.SUBMITTED,
           data={"channel": channel, "materials": len(it.materials), "id_only": s["id_only"]})
        for name, src in it.materials:
            exempt = bool(src) and (s["id_only"] or rng.random() < 0.5)
            w[CaseMaterial].rows.append((
                self._new_id(CaseMaterial), case_id, name, "exempted" if exempt else "received",
                "共享数据" if exempt else "", src if exempt else "", "", "", "", 0, "", f.dt(submitted)))
        self.result.materials += len(it.materials)
        outcome = s["outcome"]
        version = 2
        state = S.SUBMITTED
        accepted_at = accepted_on = decided = concluded = concluded_on = delivered = None
        promised_due = legal_due = on_time = duration = None
        light, assigned, note = Light.NONE, None, ""
        if outcome == "refused":
            state, decided = S.REFUSED, s["decided"]
            note = "申请事项不属于本机关职权范围"
            ev(decided, clerk, "refuse", S.SUBMITTED, S.REFUSED, note)
        elif outcome == "withdrawn":
            state = S.WITHDRAWN
            ev(s["withdrawn"], submit_actor, "withdraw", S.SUBMITTED, S.WITHDRAWN, "申请人主动撤回")
        else:
            if "correction" in s:
                asked, ask_day, back_day = s["correction"]
                missing = [it.materials[0][0]] if it.materials else ["申请表"]
                ev(asked, clerk, "request_correction", S.SUBMITTED, S.CORRECTION_REQUESTED, data={"missing": missing},
                   cached=False)
                w[CorrectionNotice].rows.append((self._new_id(CorrectionNotice), case_id, f.json(missing), "",
                                                 f.dt(asked), clerk[0], f.dt(s["accepted"])))
                w[CasePause].rows.append((self._new_id(CasePause), case_id, "correction", "、".join(missing)[:200],
                                          f.d(ask_day), f.d(s["accepted_on"]), None))
                ev(s["accepted"] - timedelta(minutes=1), clerk, "add_material", data={"material": missing[0]})
                version += 2
                prev = S.CORRECTION_REQUESTED
            else:
                prev = S.SUBMITTED
            accepted_at, accepted_on = s["accepted"], s["accepted_on"]
            promised_due, legal_due = s["promised_due"], s["legal_due"]
            ev(accepted_at, clerk, "accept", prev, S.ACCEPTED,
               data={"promised_due": promised_due.isoformat(), "legal_due": legal_due.isoformat()}, cached=False)
            review_at = accepted_at + timedelta(minutes=1)
            ev(review_at, approver, "start_review", S.ACCEPTED, S.UNDER_REVIEW)
            assigned, state, version = approver[0], S.UNDER_REVIEW, version + 2
            for reason, start, end, days in s["pauses"]:
                w[CasePause].rows.append((self._new_id(CasePause), case_id, "special_procedure", reason,
                                          f.d(start), f.d(end), days))
                ev(self.utc(start, 10 * 60), approver, "start_special_procedure", S.UNDER_REVIEW,
                   S.SPECIAL_PROCEDURE, reason, {"procedure": reason}, cached=False)
                ev(self.utc(end, 10 * 60), approver, "end_special_procedure", S.SPECIAL_PROCEDURE,
                   S.UNDER_REVIEW, data={"paused_days": days})
                version += 2
            if outcome == "open":
                light = s["light"]
            else:
                concluded, concluded_on = s["concluded"], s["concluded_on"]
                decided = concluded - (concluded - review_at) / 4
                verdict = S.DENIED if s["denied"] else S.APPROVED
                ev(decided, approver, "deny" if s["denied"] else "approve", S.UNDER_REVIEW, verdict)
                on_time, duration = s["on_time"], s["duration_days"]
                ev(concluded, clerk, "conclude", verdict, S.CONCLUDED,
                   data={"on_time": on_time, "duration_days": duration})
                state, version = S.CONCLUDED, version + 2
                if "delivered" in s:
                    delivered = s["delivered"]
                    ev(delivered, clerk, "deliver", S.CONCLUDED, S.DELIVERED,
                       data={"method": "pickup", "reference": ""})
                    state, version = S.DELIVERED, version + 1
                if "rating" in s:
                    self._bulk_rating(case_id, center, clerk, s["rating"], ev)
        w[Case].rows.append((
            case_id, self._number(sub_day), self.region, it.version_id, self._applicant(s["entity"]), channel, center.id,
            window, state, version, s["id_only"], f.dt(submitted), f.dt(accepted_at), f.d(accepted_on),
            f.dt(decided), f.dt(concluded), f.d(concluded_on), f.dt(delivered), f.d(promised_due), f.d(legal_due),
            s["paused_days"], None, 0, light, on_time, duration, received_by, assigned, "pickup", "", note))
        self.result.cases += 1
        self.result.counts[outcome] += 1
        self._pending += 1
        self._tick()

    def _bulk_rating(self, case_id, center, clerk, rating, ev) -> None:
        rated, score = rating
        f, rng = self.form, self.rng
        rating_id = self._new_id(Rating)
        labels = {1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}
        self.w[Rating].rows.append((rating_id, case_id, score, "", "window", f.dt(rated)))
        ev(rated, clerk, "rate", data={"score": score, "label": labels[score], "channel": "window"})
        self.result.ratings += 1
        if score <= 2:
            due = self.cal.add_working_days(self.local_day(rated), 5)
            r = rng.random()
            state = RectificationState.CLOSED if r < 0.95 else RectificationState.ANSWERED if r < 0.98 \
                else RectificationState.OPEN
            answered = rated + timedelta(days=1) if state != RectificationState.OPEN else None
            closed = rated + timedelta(days=3) if state == RectificationState.CLOSED else None
            self.w[Rectification].rows.append((
                self._new_id(Rectification), rating_id, center.id, state, f.d(due),
                "已联系申请人说明情况并改进" if answered else "", f.dt(answered),
                "回访满意" if closed else "", f.dt(closed)))

    def _flush(self, wait: bool = False) -> None:
        """Hand the pending rows to the writer thread (which inserts while the next chunk is
        generated); `wait` until everything is in the database."""
        batch = []
        for model in (Case, CaseEvent, CaseMaterial, Rating, Rectification, CasePause, CorrectionNotice):
            rows = self.w[model]
            if model is CaseEvent:
                self.result.events += len(rows.rows)
            if rows.rows:
                batch.append((rows, rows.rows))
                rows.rows = []
        self._pending = 0
        if batch:
            self._writer.put(batch)
        if wait:
            self._writer.drain()

    def _finish_sequences(self) -> None:
        """CaseSequence rows catch up with the numbers used, so later submissions never collide."""
        with transaction.atomic():
            have = {s.day: s for s in CaseSequence.objects.select_for_update().filter(
                region_code=self.region, day__year=self.year)}
            new = []
            for day, last in self._seq.items():
                if day in have:
                    if have[day].last < last:
                        have[day].last = last
                        have[day].save(update_fields=["last"])
                else:
                    new.append(CaseSequence(region_code=self.region, day=day, last=last))
            CaseSequence.objects.bulk_create(new)
            if connection.vendor != "sqlite":
                models = [Applicant, Case, CaseEvent, CaseMaterial, Rating, Rectification, CasePause,
                          CorrectionNotice]
                with connection.cursor() as cur:
                    for sql in connection.ops.sequence_reset_sql(no_style(), models):
                        cur.execute(sql)
