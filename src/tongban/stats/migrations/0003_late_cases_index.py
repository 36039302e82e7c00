"""A partial index for the late-case list per officer and the drill-down into late cases: the
cases concluded late are under 1% of those concluded, and Django writes `on_time=False` as
`NOT on_time`, which SQLite matches to a partial index but not to an index on (on_time, ...).
Same style as 0001_stats_indexes (the cases app's models do not need it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_rollup")]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS stats_case_late ON cases_case (concluded_on) WHERE NOT on_time",
            reverse_sql="DROP INDEX IF EXISTS stats_case_late",
        )
    ]
