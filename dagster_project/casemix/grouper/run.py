"""Run the grouper's dbt models in-process (dbtRunner) and group a front-page file with them.

``group_file`` loads one extract into a temporary DuckDB file with the ingest's own parser
(``load_extract_to_duckdb``), loads the scheme with ``write_scheme_duckdb``, runs
``dbt build --select +fct_discharge_groupings +fct_discharge_grouping_traces`` (models and seeds only) against that file and exports the
result. The CLI and the pipeline therefore run the very same SQL.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path
from typing import Any, Mapping

QY_MODES = ("off", "principal", "any")
# the grouping mart and the view that writes its trace (dbt selection: the union of the two)
GROUPER_SELECT = "+fct_discharge_groupings +fct_discharge_grouping_traces"
# Columns the group CLI needs: the ingest's key fields (ZZJGDM, BAH, ZYCS), the partition date (CYSJ)
# and the principal diagnosis. Sex, age, weights, LOS, cost and the other slots are read when present;
# when absent the pre-checks say so (e.g. GRP-001 性别无效).
REQUIRED_COLUMNS = ["ZZJGDM", "BAH", "ZYCS", "CYSJ", "JBDM"]

OUTPUT_COLUMNS = ["BAH", "ZYCS", "scheme_version", "mdc", "adrg", "drg_code", "severity_level",
                  "grouping_status", "status_reason", "dx_match", "trace"]


def run_grouper_dbt(warehouse: str | Path, dbt_vars: Mapping[str, Any] | None = None, *,
                    command: str = "build", select: str = GROUPER_SELECT, with_tests: bool = False,
                    work_dir: str | Path | None = None, extra_args: list[str] | None = None):
    """Run dbt (``build`` by default) for the grouper models against ``warehouse``; return the dbtRunnerResult.

    ``with_tests=False`` builds seeds and models only. dbt's target and log folders go to ``work_dir``
    (a temp dir by default) so concurrent runs never share dbt/target. Raises
    :class:`casemix.dbt_runner.DbtRunError` (a RuntimeError) on failure.
    """
    from casemix.dbt_runner import run_dbt

    args = [command]
    if select:
        args += ["--select", select]
    if command == "build" and not with_tests:
        args += ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    args += list(extra_args or [])
    return run_dbt(args, warehouse=warehouse, work_dir=work_dir, dbt_vars=dbt_vars)


def _load_scheme_tables(scheme):
    from casemix.scheme import load_scheme
    if isinstance(scheme, Mapping):
        return dict(scheme)
    return load_scheme(scheme)


def group_file(scheme, input_path: str | Path, output_path: str | Path, qy_mode: str = "principal", *,
               scheme_version: str | None = None, dbt_vars: Mapping[str, Any] | None = None,
               keep_warehouse: str | Path | None = None) -> dict[str, int]:
    """Group one front-page extract (CSV/XLSX, the ingest layout) with ``scheme`` and write ``output_path``.

    ``scheme``: 'demo', a DRG_Rules folder, a normalized scheme folder, or already loaded tables. Every
    case is grouped with that scheme whatever its discharge date (``scheme_version`` picks one when the
    tables hold several). The output has one row per input record: BAH, ZYCS and the grouping columns
    (records the ingest quarantined come out as status 'invalid' with the quarantine reason).
    Returns the count of records per grouping_status.
    """
    import duckdb

    from casemix.ingest.stage import load_extract_to_duckdb
    from casemix.scheme import write_scheme_duckdb

    if qy_mode not in QY_MODES:
        raise ValueError(f"qy_mode must be one of {QY_MODES}, not {qy_mode!r}")
    tables = _load_scheme_tables(scheme)
    versions = sorted(set(tables["scheme_versions"]["scheme_version"].dropna().astype(str)))
    if scheme_version is None:
        if len(versions) != 1:
            raise ValueError(f"the scheme holds versions {versions}: pass scheme_version")
        scheme_version = versions[0]
    elif scheme_version not in versions:
        raise ValueError(f"scheme_version {scheme_version!r} not in {versions}")

    tmp = Path(tempfile.mkdtemp(prefix="casemix-group-"))
    try:
        wh = Path(keep_warehouse) if keep_warehouse else tmp / "group.duckdb"
        if wh.exists():
            wh.unlink()
        con = duckdb.connect(str(wh))
        try:
            load_extract_to_duckdb(con, input_path, required=REQUIRED_COLUMNS)
            write_scheme_duckdb(tables, con)
        finally:
            con.close()
        v = {"scheme_version": scheme_version, "qy_mode": qy_mode, **dict(dbt_vars or {})}
        run_grouper_dbt(wh, v, work_dir=tmp / "dbt")
        con = duckdb.connect(str(wh), read_only=True)
        try:
            rows = con.execute(f"""
                select bah, zycs, scheme_version, mdc, adrg, drg_code, severity_level, grouping_status,
                       status_reason, dx_match, trace
                from (
                    select d.source_line, d.bah, d.zycs, g.scheme_version, g.mdc_code as mdc,
                           g.adrg_code as adrg, g.drg_code, g.severity_level, g.grouping_status,
                           g.status_reason, g.dx_match, t.trace
                    from front_page.discharges as d
                    join marts.fct_discharge_groupings as g on g.discharge_id = d.discharge_id
                    left join marts.fct_discharge_grouping_traces as t on t.discharge_id = d.discharge_id
                    union all
                    select q.source_line, q.bah, try_cast(q.zycs as bigint), ?, null, null, null, null,
                           'invalid', '记录未能读入: ' || q.field || ' ' || q.reason, null,
                           '预检不通过：记录未能读入（' || q.field || '：' || q.reason || '）'
                    from front_page.quarantine as q
                    where q.reason not like 'superseded%'
                ) as t
                order by source_line
            """, [scheme_version]).fetchall()
        finally:
            con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    out = Path(output_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(OUTPUT_COLUMNS)
        for r in rows:
            w.writerow(["" if x is None else x for x in r])
            counts[r[7]] = counts.get(r[7], 0) + 1
    return counts
