"""Ingest assets: landing files → front_page.* tables, one discharge month per partition.

A backfill over many months is one run (single-run backfill policy): every new or changed landing
file is parsed once into the stage, then each selected month is re-published from the stage.
"""


import json
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    multi_asset,
    schedule,
    sensor,
    ScheduleEvaluationContext,
)

from casemix.config import settings
from casemix.defs.partitions import month_of, monthly_partitions, partition_key_of
from casemix.ingest.reader import month_from_name
from casemix.ingest.stage import ensure_schema, landing_files, publish_months, stage_folder
from casemix.layout import load_column_map
from casemix.pseudonymise import ensure_key_file, load_key
from casemix.warehouse import connection

FRONT_PAGE_TABLES = {
    "discharges": "One row per case (grain discharge_id), typed, identifiers pseudonymised (a view of "
                  "the published stage rows).",
    "diagnoses": "Principal (dx_seq 0) and other diagnoses, long form (a view of the published stage "
                 "rows' diagnosis lists).",
    "procedures": "Procedures (px_seq 1 = principal), long form (a view of the published stage rows' "
                  "procedure lists).",
    "quarantine": "Rows not loaded, with file, line, field, raw value and reason.",
}


@multi_asset(
    name="front_page_ingest",
    specs=[
        AssetSpec(AssetKey(["front_page", t]), description=d, group_name="ingest",
                  kinds={"duckdb", "python"})
        for t, d in FRONT_PAGE_TABLES.items()
    ],
    partitions_def=monthly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    can_subset=False,
    pool="duckdb_writer",
)
def front_page_ingest(context: AssetExecutionContext):
    s = settings()
    key = load_key(ensure_key_file(s.key_file)) if not s.key_file.exists() else load_key(s.key_file)
    cmap = load_column_map()
    months = [month_of(k) for k in context.partition_keys]
    with connection(s=s) as con:
        ensure_schema(con, cmap)
        staged = stage_folder(con, s.front_page_landing, key, cmap=cmap,
                              first_month=month_of(s.first_month),
                              out_of_partition=s.out_of_partition)
        new = [r for r in staged if r.status != "unchanged"]
        for r in new:
            if r.status == "rejected":
                context.log.error(f"file rejected: {r.path}: {r.message}")
            else:
                context.log.info(f"staged {r.path} ({r.encoding}): read {r.rows_read}, "
                                 f"staged {r.rows_staged}, quarantined {r.rows_quarantined}, "
                                 f"months {', '.join(r.months)}")
        other = sorted({m for r in new for m in r.months} - {f"{m:%Y-%m}" for m in months})
        if other:
            context.log.warning(f"new files also hold discharges of months outside this run: "
                                f"{', '.join(other)}; materialize those partitions to publish them")
        stats = publish_months(con, months, cmap)
    read = sum(p.rows_read for p in stats)
    loaded = sum(p.rows_loaded for p in stats)
    quarantined = sum(p.rows_quarantined for p in stats)
    context.log.info(f"{len(months)} month(s): read {read} = loaded {loaded} + quarantined {quarantined}")
    per_month = {p.month: {"read": p.rows_read, "loaded": p.rows_loaded,
                           "quarantined": p.rows_quarantined, "superseded": p.rows_superseded}
                 for p in stats}
    common = {
        "rows_read": read, "rows_loaded": loaded, "rows_quarantined": quarantined,
        "rows_superseded": sum(p.rows_superseded for p in stats),
        "files_staged_this_run": len(new),
        "files_rejected_this_run": sum(r.status == "rejected" for r in new),
        "column_map_version": cmap.version,
        "per_month": MetadataValue.json(per_month),
    }
    for t in FRONT_PAGE_TABLES:
        yield MaterializeResult(asset_key=AssetKey(["front_page", t]), metadata=common)


def _file_months(path: Path) -> list[str]:
    """Partition keys a landing file touches: from its name when it says, else by reading CYSJ."""
    m = month_from_name(path)
    if m:
        return [partition_key_of(m)]
    from casemix.ingest.reader import open_extract
    from casemix.layout import resolve_header
    import pyarrow.compute as pc

    ex, batches = open_extract(path)
    idx = resolve_header(ex.header).index().get("CYSJ")
    if idx is None:
        return []
    found: set[str] = set()
    for b in batches:
        col = pc.utf8_slice_codeunits(b.column(idx), 0, 7)
        found.update(v for v in pc.unique(col).to_pylist() if v and len(v) == 7)
    return sorted(f"{v}-01" for v in found)


@sensor(name="landing_file_sensor", minimum_interval_seconds=60, job_name="casemix_pipeline")
def landing_file_sensor(context: SensorEvaluationContext):
    """Requests a pipeline run for each discharge month touched by a new or changed landing file."""
    s = settings()
    seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
    months: dict[str, list[str]] = {}
    now: dict[str, str] = {}
    for p in landing_files(s.front_page_landing):
        st = p.stat()
        sig = f"{st.st_size}:{st.st_mtime_ns}"
        rel = str(p.relative_to(s.front_page_landing))
        now[rel] = sig
        if seen.get(rel) != sig:
            for k in _file_months(p):
                months.setdefault(k, []).append(rel)
    context.update_cursor(json.dumps(now))
    valid = set(monthly_partitions.get_partition_keys())
    if not months:
        return SkipReason("no new or changed files in the landing folder")
    for k, files in sorted(months.items()):
        if k not in valid:
            context.log.warning(f"{', '.join(files)}: month {k} is outside the partitions; not loaded")
            continue
        yield RunRequest(run_key=f"{k}:{hash(tuple(now[f] for f in files))}", partition_key=k,
                         tags={"casemix/trigger": "landing_file_sensor"})


@schedule(cron_schedule="0 2 3 * *", job_name="casemix_pipeline", name="monthly_pipeline_schedule",
          execution_timezone="Asia/Shanghai")
def monthly_pipeline_schedule(context: ScheduleEvaluationContext):
    """On the 3rd of each month at 02:00, (re)build last month's partition and everything downstream."""
    t = context.scheduled_execution_time
    first = t.replace(day=1).date()
    prev = (first.replace(day=1) - __import__("datetime").timedelta(days=1)).replace(day=1)
    return RunRequest(run_key=f"monthly:{prev:%Y-%m}", partition_key=partition_key_of(prev))
