"""Statistics on the review queue's case-insensitive filters (docs/review-queue.md, "Speed").

The queue filters on UPPER(area) and UPPER(officer) (`iexact`): without statistics on those
expressions the planner guessed 0.5% of rows, chose to read every flagged log and sort them,
and a filtered page took hundreds of milliseconds at a million logs. Extended statistics on
the expressions (PostgreSQL 14+) cost nothing on writes, only ANALYZE, and let it walk the
queue index in order instead.
"""

from django.db import migrations

STATISTICS = {
    "crimelog_area_upper_stats": "upper((area)::text)",
    "crimelog_officer_upper_stats": "upper((officer)::text)",
}


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_restrictions_break_glass_unusual_access")]

    operations = [
        migrations.RunSQL(
            sql=[
                f"CREATE STATISTICS IF NOT EXISTS {name} ON ({expression}) FROM cases_crimelog"
                for name, expression in STATISTICS.items()
            ]
            + ["ANALYZE cases_crimelog"],
            reverse_sql=[f"DROP STATISTICS IF EXISTS {name}" for name in STATISTICS],
        )
    ]
