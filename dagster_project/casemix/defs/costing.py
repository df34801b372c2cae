"""Costing ingest asset: landing/costing files → costing.* tables (full refresh, unpartitioned).

The asset keys match the dbt source ``costing`` so lineage joins the staging models by itself.
"""

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from casemix.config import settings
from casemix.costing.load import load_costing
from casemix.costing.tables import TABLES
from casemix.warehouse import connection

COSTING_TABLES = {**{t: s.description for t, s in TABLES.items()},
                  "quarantine": "Costing rows not loaded: table, file, line, field, raw value, reason.",
                  "load_stats": "Per file: rows read = rows loaded + rows quarantined."}


@multi_asset(
    name="costing_ingest",
    specs=[AssetSpec(AssetKey(["costing", t]), description=d, group_name="ingest", kinds={"duckdb", "python"})
           for t, d in COSTING_TABLES.items()],
    can_subset=False,
    pool="duckdb_writer",
)
def costing_ingest(context: AssetExecutionContext):
    s = settings()
    with connection(s=s) as con:
        stats = load_costing(con, s.costing_landing)
    if not stats:
        context.log.warning(f"no costing files in {s.costing_landing}: costing tables are empty")
    for f in stats:
        log = context.log.warning if f.rows_quarantined else context.log.info
        log(f"{f.table_name} {f.source_file}: read {f.rows_read} = loaded {f.rows_loaded} "
            f"+ quarantined {f.rows_quarantined}{' — ' + f.message if f.message else ''}")
    per_table: dict[str, dict[str, int]] = {}
    for f in stats:
        t = per_table.setdefault(f.table_name, {"files": 0, "read": 0, "loaded": 0, "quarantined": 0})
        t["files"] += 1
        t["read"] += f.rows_read
        t["loaded"] += f.rows_loaded
        t["quarantined"] += f.rows_quarantined
    for t in COSTING_TABLES:
        md = per_table.get(t, {})
        yield MaterializeResult(asset_key=AssetKey(["costing", t]), metadata={
            "rows_read": md.get("read", 0), "rows_loaded": md.get("loaded", 0),
            "rows_quarantined": md.get("quarantined", 0), "files": md.get("files", 0),
            "all_tables": MetadataValue.json(per_table)})
