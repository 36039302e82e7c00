"""The metric registry: a metric is a name, a Chinese label, a definition in words and a
function of a `StatsFilter`. Case metrics live in `tongban.stats.metrics`; other apps add
theirs without importing this app: a module `tongban.<app>.stats_metrics` exposing
`METRICS`, a list of dicts with the keys of `Metric` (compute takes the filter; the filter's
attributes are plain: start, end, region, center, scope, ...). A report shows a section
only when at least one of its metrics is registered and available.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from tongban.stats.filters import StatsFilter

Number = int | float | None


def _always() -> bool:
    return True


@dataclass(frozen=True)
class Metric:
    name: str
    label: str  # Chinese, as printed in reports
    definition: str  # what is counted, in words
    compute: Callable[[StatsFilter], Number]
    unit: str = "件"
    kind: str = "count"  # count | rate (0..1) | duration | money
    section: str = "cases"
    # values for several periods at once (one query instead of one per period)
    series: Callable[[StatsFilter, list[StatsFilter]], list[Number]] | None = None
    # the cases behind the figure (drill-down); None when the metric is not about cases
    cases: Callable[[StatsFilter], Any] | None = None
    available: Callable[[], bool] = field(default=_always)
    # values grouped by a case field (e.g. "center_id", "item_version__item__code"): {key: value}
    breakdown: Callable[[StatsFilter, str], dict] | None = None

    def values(self, base: StatsFilter, periods: list[StatsFilter]) -> list[Number]:
        if self.series is not None:
            return self.series(base, periods)
        return [self.compute(p) for p in periods]


_REGISTRY: dict[str, Metric] = {}


def register(metric: Metric | dict) -> Metric:
    if isinstance(metric, dict):
        metric = Metric(**metric)
    _REGISTRY[metric.name] = metric
    return metric


def get(name: str) -> Metric:
    ensure_loaded()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no metric named {name!r}") from None


def has(name: str) -> bool:
    ensure_loaded()
    metric = _REGISTRY.get(name)
    return metric is not None and metric.available()


def all_metrics(section: str | None = None) -> list[Metric]:
    ensure_loaded()
    return [m for m in _REGISTRY.values() if (section is None or m.section == section) and m.available()]


_loaded = False


def ensure_loaded() -> None:
    """Import the case metrics and every installed app's `stats_metrics` module (once)."""
    global _loaded
    if _loaded:
        return
    from django.apps import apps

    import_module("tongban.stats.metrics")
    for config in apps.get_app_configs():
        name = f"{config.name}.stats_metrics"
        if config.name.startswith("tongban.") and config.name != "tongban.stats" and find_spec(name):
            for entry in getattr(import_module(name), "METRICS", []):
                register(entry)
    _loaded = True
