"""The DRG grouper's Python side: run the grouper's dbt models (the one implementation) on a warehouse or
on a single front-page file. Pure Python, no Dagster imports. The grouping logic lives in SQL:
dbt/models/intermediate/grouping/ (see docs/grouper.md)."""

from casemix.grouper.run import GROUPER_SELECT, QY_MODES, REQUIRED_COLUMNS, group_file, run_grouper_dbt

__all__ = ["GROUPER_SELECT", "QY_MODES", "REQUIRED_COLUMNS", "group_file", "run_grouper_dbt"]
