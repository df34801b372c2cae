"""The one partitioning scheme: discharge month (month of 出院时间 CYSJ)."""

from __future__ import annotations

import datetime as dt

from dagster import MonthlyPartitionsDefinition

from casemix.config import settings

# end_offset=1: the month in progress is a partition too, so files for it can be loaded as they arrive.
monthly_partitions = MonthlyPartitionsDefinition(start_date=settings().first_month, end_offset=1)


def month_of(partition_key: str) -> dt.date:
    return dt.date.fromisoformat(partition_key)


def partition_key_of(month: dt.date) -> str:
    return month.replace(day=1).isoformat()
