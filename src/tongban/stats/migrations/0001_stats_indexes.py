"""Indexes the statistics read by (cases counted by conclusion and clock-start dates, ratings by
time). They live here rather than in the cases app's models because only statistics need them;
`IF NOT EXISTS` works on SQLite and PostgreSQL alike."""

from django.db import migrations

INDEXES = [
    ("stats_case_concluded_on", "cases_case", "concluded_on"),
    ("stats_case_accepted_on", "cases_case", "accepted_on"),
    ("stats_rating_created_at", "cases_rating", "created_at"),
]


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, column in INDEXES
    ]
