"""Case-mix reasonable-range checks (合理区间) as Dagster WARN asset checks.

The checks themselves are dbt tests: ``case_mix_range_<check_name>`` on ``marts/fct_case_mix_range_checks``
(generic test ``case_mix_in_reasonable_range``, ``severity: warn``; bounds in the versioned seed
``reasonable_ranges``). dagster-dbt 0.29 turns a dbt test into an asset check whose spec is non-blocking
when its severity is warn, and a test that returns rows into ``AssetCheckResult(passed=False,
severity=WARN)``; dbt itself does not skip downstream models on a warn, so an out-of-range value never fails
the run nor blocks anything.

dbt reports only how many rows a test returned. :func:`with_range_check_details` holds the failed range
check results until dbt has exited (DuckDB admits one process per file while dbt writes) and re-emits each
with the hospital-months it found (hospital, month, value, bounds, range version) in its metadata and
description, so the UI names them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

RANGE_TEST_PREFIX = "case_mix_range_"
RANGE_MODEL = "marts.fct_case_mix_range_checks"
MAX_LISTED = 50  # rows in the table and description of a check; warn_count is always complete
MAX_NAMED = 2000  # hospital-months in the hospital_months list (more: hospital_months_complete false)


def is_range_check(event: Any) -> bool:
    return isinstance(event, AssetCheckResult) and (event.check_name or "").startswith(RANGE_TEST_PREFIX)


def warn_rows(warehouse: str | Path, check_names: Iterable[str]) -> dict[str, list[tuple]]:
    """check_name → its warn rows (hospital_id, discharge_month, value, lower, upper, range_version,
    message), ordered by hospital and month."""
    from casemix.warehouse import connection

    names = sorted(set(check_names))
    out: dict[str, list[tuple]] = {n: [] for n in names}
    if not names:
        return out
    with connection(warehouse, read_only=True) as con:
        rows = con.execute(
            f"SELECT check_name, hospital_id, strftime(discharge_month, '%Y-%m'), value, lower_bound, upper_bound,"
            f" range_version, message FROM {RANGE_MODEL}"
            f" WHERE status = 'warn' AND check_name IN ({', '.join('?' for _ in names)})"
            f" ORDER BY check_name, hospital_id, discharge_month", names).fetchall()
    for r in rows:
        out[r[0]].append(r[1:])
    return out


def _table(rows: list[tuple]) -> str:
    head = "| hospital | month | value | lower | upper | range version | message |\n|---|---|---|---|---|---|---|\n"
    fmt = lambda v: "" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v))  # noqa: E731
    return head + "".join("| " + " | ".join(fmt(v) for v in r) + " |\n" for r in rows)


def detailed(result: AssetCheckResult, rows: list[tuple] | None, error: str | None = None) -> AssetCheckResult:
    """The dbt test's result with the hospital-months it found: metadata ``warn_count``,
    ``hospital_months`` (``H1 2024-03``, …), ``warn_rows`` (a table) and a description naming them."""
    md = dict(result.metadata or {})
    if rows is None:
        md["details_error"] = MetadataValue.text(error or "warn rows not read")
        desc = f"out of range (rows not read: {error})"
    else:
        listed = rows[:MAX_LISTED]
        more = f" … and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
        md["warn_count"] = MetadataValue.int(len(rows))
        md["hospital_months"] = MetadataValue.json([f"{h} {m}" for h, m, *_ in rows[:MAX_NAMED]])
        md["hospital_months_complete"] = MetadataValue.bool(len(rows) <= MAX_NAMED)
        md["warn_rows"] = MetadataValue.md(_table(listed) + (f"\n{more.strip()}\n" if more else ""))
        desc = f"{len(rows)} hospital-month(s) out of range: " + "; ".join(
            f"{h} {m}: {msg}" for h, m, *_, msg in listed) + more
    return AssetCheckResult(passed=result.passed, asset_key=result.asset_key, check_name=result.check_name,
                            severity=result.severity or AssetCheckSeverity.WARN, metadata=md,
                            description=desc)


def with_range_check_details(events: Iterable[Any], warehouse: str | Path | None = None) -> Iterator[Any]:
    """Pass dagster-dbt's events through; hold the failed range checks until the stream ends (dbt has
    exited), then emit them with their warn rows. A failure to read the rows keeps the result (with
    ``details_error``): the check is still reported, never dropped."""
    held: list[AssetCheckResult] = []
    try:
        for ev in events:
            if is_range_check(ev) and not ev.passed:
                held.append(ev)
            else:
                yield ev
    except Exception:
        # dbt failed elsewhere (dagster-dbt raises after the process has exited): still report the warnings
        yield from _emit(held, warehouse)
        raise
    yield from _emit(held, warehouse)


def _emit(held: list[AssetCheckResult], warehouse: str | Path | None) -> Iterator[AssetCheckResult]:
    if not held:
        return
    if warehouse is None:
        from casemix.config import settings
        warehouse = settings().warehouse
    try:
        found = warn_rows(warehouse, [ev.check_name[len(RANGE_TEST_PREFIX):] for ev in held])
    except Exception as e:  # noqa: BLE001 - the result must still be reported
        for ev in held:
            yield detailed(ev, None, f"{type(e).__name__}: {e}")
        return
    for ev in held:
        yield detailed(ev, found.get(ev.check_name[len(RANGE_TEST_PREFIX):], []))
