"""The grouping scheme(s) as warehouse tables ``scheme.*`` (reference data, versioned, unpartitioned).

``CASEMIX_DRG_SCHEME_DIR`` names one scheme or several separated by commas: ``demo``, a DRG_Rules
folder such as ``CHS_DRG_11``, or a folder of normalized CSVs. Each is loaded under its own
``scheme_version``, replacing only that version's rows, so schemes live side by side.
"""

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from casemix.config import settings
from casemix.scheme.tables import TABLE_NAMES
from casemix.warehouse import connection


@multi_asset(
    name="drg_scheme",
    specs=[AssetSpec(AssetKey(["scheme", t]), group_name="reference", kinds={"duckdb", "python"},
                     description=f"Normalized CHS-DRG scheme table `{t}` (see docs/scheme.md).")
           for t in TABLE_NAMES],
    can_subset=False,
    pool="duckdb_writer",
)
def drg_scheme(context: AssetExecutionContext):
    from casemix.scheme import load_scheme, write_scheme_duckdb

    sources = [s.strip() for s in settings().scheme_dir.split(",") if s.strip()]
    loaded = {}
    totals: dict[str, int] = {t: 0 for t in TABLE_NAMES}
    for src in sources:
        tables = load_scheme(src)
        versions = sorted(set(tables["scheme_versions"]["scheme_version"]))
        residue = len(tables.get("residue", []))
        with connection() as con:
            counts = write_scheme_duckdb(tables, con)
        for t, n in counts.items():
            totals[t] = totals.get(t, 0) + n
        loaded[src] = {"versions": versions, "residue": residue}
        context.log.info(f"scheme {src}: versions {versions}, {counts.get('drgs', 0)} DRGs, "
                         f"{residue} residue rows (see scheme.residue)")
    for t in TABLE_NAMES:
        yield MaterializeResult(asset_key=AssetKey(["scheme", t]),
                                metadata={"rows_loaded": totals.get(t, 0), "sources": str(loaded)})
