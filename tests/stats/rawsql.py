"""Independent recomputation of the case metrics with raw SQL (SQLite), from their written
definitions: the oracle the report and metric tests compare against. It shares no code with
tongban.stats."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import connection

OFFSET = timedelta(hours=8)  # Asia/Shanghai


def utc_text(day: date) -> str:
    """The stored (UTC, naive text) form of local midnight of `day`."""
    return (datetime.combine(day, datetime.min.time()) - OFFSET).strftime("%Y-%m-%d %H:%M:%S")


def _where(f, alias: str = "c") -> tuple[str, list]:
    sql, params = [], []
    if f.region:
        sql.append(f"{alias}.region_code = %s")
        params.append(f.region)
    if f.center:
        sql.append(f"{alias}.center_id = (SELECT id FROM org_center WHERE code = %s)")
        params.append(f.center)
    if f.window:
        sql.append(f"{alias}.window_id = %s")
        params.append(f.window)
    if f.staff:
        sql.append(f"({alias}.received_by_id = %s OR {alias}.assigned_to_id = %s)")
        params += [f.staff, f.staff]
    if f.item:
        sql.append(f"{alias}.item_version_id IN (SELECT v.id FROM catalog_itemversion v JOIN catalog_item i "
                   "ON i.id = v.item_id WHERE i.code = %s)")
        params.append(f.item)
    if f.category:
        sql.append(f"{alias}.item_version_id IN (SELECT id FROM catalog_itemversion WHERE category = %s)")
        params.append(f.category)
    if f.channel:
        sql.append(f"{alias}.channel = %s")
        params.append(f.channel)
    if f.id_only is not None:
        sql.append(f"{alias}.id_only = %s")
        params.append(bool(f.id_only))
    if f.scope is not None:
        ids = ",".join(str(int(i)) for i in f.scope) or "NULL"
        sql.append(f"{alias}.center_id IN ({ids})")
    return (" AND ".join(sql) or "1=1"), params


def one(sql: str, params: list):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return _plain(cur.fetchone()[0])


def median(sql_values: str, params: list):
    with connection.cursor() as cur:
        cur.execute(f"SELECT v FROM ({sql_values}) AS m WHERE v IS NOT NULL ORDER BY v", params)
        values = [r[0] for r in cur.fetchall()]
    if not values:
        return None
    n = len(values)
    return (values[(n - 1) // 2] + values[n // 2]) / 2


def value(metric: str, f):
    w, p = _where(f)
    lo, hi = utc_text(f.start), utc_text(f.end + timedelta(days=1))
    s, e = f.start.isoformat(), f.end.isoformat()
    received = f"c.submitted_at >= '{lo}' AND c.submitted_at < '{hi}'"
    concluded = f"c.concluded_on >= '{s}' AND c.concluded_on <= '{e}'"
    count = "SELECT COUNT(*) FROM cases_case c WHERE " + w + " AND "
    if metric == "received":
        return one(count + received, p)
    if metric == "accepted":
        return one(count + f"c.accepted_on BETWEEN '{s}' AND '{e}'", p)
    if metric == "concluded":
        return one(count + concluded, p)
    if metric == "refused":
        return one(count + f"c.state = 'refused' AND c.decided_at >= '{lo}' AND c.decided_at < '{hi}'", p)
    if metric in ("withdrawn", "returned"):
        action = "withdraw" if metric == "withdrawn" else "request_correction"
        return one(f"SELECT COUNT(DISTINCT e.case_id) FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id "
                   f"WHERE {w} AND e.action = '{action}' AND e.at >= '{lo}' AND e.at < '{hi}'", p)
    if metric == "late":
        return one(count + concluded + " AND c.on_time = FALSE", p)
    if metric == "late_legal":
        return one(count + concluded + " AND c.concluded_on > c.legal_due", p)
    if metric in ("carried_over", "in_progress"):
        if metric == "carried_over":
            cond = (f"c.accepted_on < '{s}' AND (c.concluded_on IS NULL OR c.concluded_on >= '{s}')")
            moment = lo
        else:
            cond = (f"c.accepted_on <= '{e}' AND (c.concluded_on IS NULL OR c.concluded_on > '{e}')")
            moment = hi
        gone = (f"(c.state = 'withdrawn' AND EXISTS (SELECT 1 FROM cases_caseevent x WHERE x.case_id = c.id "
                f"AND x.action = 'withdraw' AND x.at < '{moment}'))")
        return one(count + cond + f" AND NOT {gone}", p)
    if metric == "id_only":
        return one(count + received + " AND c.id_only = TRUE", p)
    if metric == "cross_region":
        return one(count + received + " AND c.channel = 'cross_region'", p)
    if metric == "holiday":
        if connection.vendor == "postgresql":
            local = "(c.submitted_at AT TIME ZONE 'Asia/Shanghai')::date"
            weekend = f"EXTRACT(DOW FROM {local}) IN (0, 6)"
        else:
            local = "date(c.submitted_at, '+8 hours')"
            weekend = f"strftime('%%w', {local}) IN ('0', '6')"
        rest = (f"(({local} IN (SELECT date FROM core_calendarday WHERE kind = 'holiday')) OR "
                f"({weekend} AND {local} NOT IN "
                "(SELECT date FROM core_calendarday WHERE kind = 'workday')))")
        return one(count + received + f" AND (c.channel = 'holiday_window' OR {rest})", p)
    if metric == "on_time_rate":
        n, d = _two(f"SELECT SUM(CASE WHEN c.on_time THEN 1 ELSE 0 END), COUNT(c.on_time) FROM cases_case c WHERE {w} AND {concluded}", p)
        return n / d if d else None
    if metric == "on_time_rate_legal":
        n, d = _two(f"SELECT SUM(CASE WHEN c.concluded_on <= c.legal_due THEN 1 ELSE 0 END), COUNT(c.legal_due) FROM cases_case c "
                    f"WHERE {w} AND {concluded}", p)
        return n / d if d else None
    if metric == "mean_duration_days":
        return one(f"SELECT AVG(c.duration_days) FROM cases_case c WHERE {w} AND {concluded}", p)
    if metric == "median_duration_days":
        return median(f"SELECT c.duration_days AS v FROM cases_case c WHERE {w} AND {concluded}", p)
    spot = (f"FROM cases_case c JOIN catalog_itemversion v ON v.id = c.item_version_id WHERE {w} AND {concluded} "
            "AND c.channel IN ('window', 'holiday_window') AND v.promised_limit_days = 0 "
            "AND c.concluded_at IS NOT NULL")
    if connection.vendor == "postgresql":
        seconds = "ROUND(EXTRACT(EPOCH FROM (c.concluded_at - c.submitted_at)))"
    else:
        seconds = "ROUND((julianday(c.concluded_at) - julianday(c.submitted_at)) * 86400.0)"
    if metric == "mean_minutes":
        return one(f"SELECT AVG({seconds}) / 60.0 {spot}", p)
    if metric == "median_minutes":  # whole minutes
        return median(f"SELECT CAST({seconds} AS INTEGER) / 60 AS v {spot}", p)
    rated = (f"FROM cases_rating r JOIN cases_case c ON c.id = r.case_id WHERE {w} "
             f"AND r.created_at >= '{lo}' AND r.created_at < '{hi}'")
    if metric == "ratings":
        return one(f"SELECT COUNT(*) {rated}", p)
    if metric == "satisfaction_rate":
        n, d = _two(f"SELECT SUM(CASE WHEN r.score >= 4 THEN 1 ELSE 0 END), COUNT(*) {rated}", p)
        return n / d if d else None
    if metric == "rectification_closure":
        n, d = _two(f"SELECT SUM(CASE WHEN x.state = 'closed' THEN 1 ELSE 0 END), COUNT(*) FROM cases_rectification x JOIN cases_rating r "
                    f"ON r.id = x.rating_id JOIN cases_case c ON c.id = r.case_id WHERE {w} "
                    f"AND r.created_at >= '{lo}' AND r.created_at < '{hi}'", p)
        return n / d if d else None
    raise KeyError(metric)


def _two(sql: str, params: list):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        n, d = cur.fetchone()
    return _plain(n or 0), _plain(d or 0)


def _plain(value):
    """PostgreSQL returns numeric aggregates as Decimal; SQLite as int/float."""
    from decimal import Decimal

    return float(value) if isinstance(value, Decimal) else value
