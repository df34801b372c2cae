"""Build the frames the quality rules run on, from the ``front_page`` tables of a DuckDB connection.

Three datasets, one frame each (pandas, narrow: only the columns rules use), for a set of partition
months:

- ``discharges``  one row per case: header, stay, principal-dx and fee fields, plus derived columns;
- ``diagnoses``   one row per diagnosis (``dx_seq`` 0 = principal, 1..n other) with the case's sex/age;
- ``procedures``  one row per procedure (``px_seq`` 1 = principal) with the stay dates and the attribute.

Derived columns are computed here, in SQL, once (a formula lives in one place); the rule specs refer to
them by name and :data:`DATASET_COLUMNS` lists what exists, so a spec naming an unknown column fails at
load. Code-list membership used by *conditions* (e.g. "principal dx is a neoplasm") is computed here with
the list's regex; membership that *is* the check (e.g. SEX-001) stays in the GX expectation.

No Dagster or GX imports here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from casemix.layout import FEE_ITEMS, FEE_SUB_ITEMS
from casemix.quality.codelists import CodeTable, load_code_lists
from casemix.warehouse import sql_literal as _q

KEYS = ["discharge_id", "partition_month"]

FEE_COLS = [c.lower() for c in FEE_ITEMS] + [c.lower() for c in FEE_SUB_ITEMS]

# Columns read from front_page.discharges as they are (VARCHAR / integers / dates).
DISCHARGE_BASE = [
    "zzjgdm", "bah", "zycs", "jgmc", "ylfkfs", "jkkh_hash", "xm_hash", "xb", "csrq", "nl", "bzyzs_nl",
    "xsecstz", "xserytz", "rytj", "rysj", "rykb", "cysj", "cykb", "sjzyts", "zyzd", "jbdm", "rybq",
    "wbyy", "h23", "blzd", "jbmm", "blh", "ywgm", "gmyw", "swhzsj", "xx", "rh", "hy", "zy", "lyfs",
    "yzzy_jgmc", "wsy_jgmc", "sfzzyjh", "md", "mzzd", "jbbm", "zyys", "zzys", "bmy",
]
DISCHARGE_MONEY = ["zfy", "zfje"]          # as DOUBLE, NULL kept (CMP-001 / FEE-001 see it)
DISCHARGE_DERIVED = [
    "age_days",            # age at admission in days: CSRQ → RYSJ, else BZYZS_NL when NL = 0, else NL*365
    "expected_nl",         # completed years between CSRQ and date(RYSJ)
    "expected_sjzyts",     # max(1, date(CYSJ) − date(RYSJ)); NULL when RYSJ > CYSJ (DT-001's business)
    "fee_item_sum",        # Σ items (1)…(24), empty = 0 (the 其中 items excluded)
    "fee_sum_diff",        # ZFY − fee_item_sum
    "maf_ssf",             # MAF + SSF (其中 of 手术治疗费)
    "pdx_neoplasm",        # principal dx on neoplasm_dx (C00–C97, D00–D48)
    "pdx_metastatic",      # principal dx on metastatic_dx (C77–C79)
    "pdx_injury",          # principal dx on injury_dx (S/T)
    "jbmm_behaviour",      # morphology behaviour code: the digit after '/' in JBMM
    "has_delivery_dx",     # any dx on delivery_dx (O80–O84)
    "delivery_code",       # the first such code
    "has_outcome_dx",      # any dx on delivery_outcome_dx (Z37)
    "px_code_count",       # procedures with a code
    "has_anaesthesia",     # any procedure with 麻醉方式
    "has_surgery_px",      # any procedure whose attribute is 手术
    "first_surgery_code",  # the first such code
    "first_anaesthesia_code",
]
DIAGNOSIS_COLUMNS = [
    "dx_seq", "qtzd", "jbdm", "rybq", "xb", "nl", "age_days",
    "is_pdx_repeat",       # other dx (seq > 0) with the principal dx's code
    "is_dup_other",        # other dx whose code already appeared in a lower slot (seq > 0)
    "code_in_table",       # code in the configured code table (NULL when none configured / no code)
    "table_name",          # the table's name for the code
]
PROCEDURE_COLUMNS = [
    "px_seq", "ssjczbm", "ssjczmc", "ssjczrq", "ssjb", "sz", "yz", "ez", "qkdj", "qkyhlb", "mzfs", "mzys",
    "xb", "rysj_date", "cysj_date",
    "px_attribute",        # 手术 / 介入治疗 / 操作 from the procedure_attributes list (NULL: unknown)
    "code_in_table", "table_name",
]

# ``case_idx`` = the case's row in the discharges frame (dx/px rows carry it instead of discharge_id).
DATASET_COLUMNS: dict[str, list[str]] = {
    "discharges": KEYS + ["case_idx"] + DISCHARGE_BASE + DISCHARGE_MONEY + FEE_COLS + DISCHARGE_DERIVED,
    "diagnoses": ["case_idx", "partition_month"] + DIAGNOSIS_COLUMNS,
    "procedures": ["case_idx", "partition_month"] + PROCEDURE_COLUMNS,
}
# Always kept in a frame, whatever the rules read.
FRAME_KEYS = {"discharges": KEYS + ["case_idx", "zzjgdm", "bah", "zycs"],
              "diagnoses": ["case_idx", "partition_month", "dx_seq"],
              "procedures": ["case_idx", "partition_month", "px_seq"]}
# For slot datasets: the sequence column that numbers the slot in the extract.
SEQ_COLUMN = {"diagnoses": "dx_seq", "procedures": "px_seq"}
# Columns each dataset needs from the warehouse table (checked before reading: a missing one is structural).
SOURCE_COLUMNS = {
    "discharges": KEYS + DISCHARGE_BASE + DISCHARGE_MONEY + FEE_COLS,
    "diagnoses": KEYS + ["dx_seq", "qtzd", "jbdm", "rybq"],
    "procedures": KEYS + ["px_seq", "ssjczbm", "ssjczmc", "ssjczrq", "ssjb", "sz", "yz", "ez", "qkdj",
                          "qkyhlb", "mzfs", "mzys"],
}


@dataclass
class Prepared:
    frames: dict[str, pd.DataFrame]
    months: list[dt.date]
    structural: list[dict] = field(default_factory=list)   # {partition_month, check, detail}
    code_table_version: str | None = None


def _months_sql(months: list[dt.date] | None, alias: str = "") -> str:
    if months is None:
        return "TRUE"
    if not months:
        return "FALSE"
    p = f"{alias}." if alias else ""
    within = f"{p}partition_month IN (" + ", ".join(f"DATE {_q(m.isoformat())}" for m in months) + ")"
    if len(months) == 1:
        return within
    # the range as well: DuckDB (1.5) pushes it below the unnest of the front_page.diagnoses /
    # procedures views into the stage scan, an IN list of several months it applies after unnesting
    # every list (docs/ingest.md, "Stage, then publish")
    return (f"({p}partition_month BETWEEN DATE {_q(min(months).isoformat())} AND "
            f"DATE {_q(max(months).isoformat())} AND {within})")


def _range_sql(id_range: tuple[str | None, str | None] | None, alias: str = "") -> str:
    """A case range of the months: ``lo <= discharge_id < hi`` (None = open end; the open upper end also
    keeps a NULL id, which sorts last)."""
    if id_range is None:
        return "TRUE"
    lo, hi = id_range
    col = f"{alias}.discharge_id" if alias else "discharge_id"
    parts = []
    if lo is not None:
        parts.append(f"{col} >= {_q(lo)}" if hi is not None else f"({col} >= {_q(lo)} OR {col} IS NULL)")
    if hi is not None:
        parts.append(f"{col} < {_q(hi)}")
    return " AND ".join(parts) or "TRUE"


def _where_sql(months: list[dt.date] | None, id_range=None, alias: str = "") -> str:
    w = _months_sql(months, alias)
    return w if id_range is None else f"{w} AND {_range_sql(id_range, alias)}"


def _table_columns(con, schema: str, table: str) -> set[str]:
    rows = con.execute("SELECT column_name FROM information_schema.columns "
                       "WHERE table_schema = ? AND table_name = ?", [schema, table]).fetchall()
    return {r[0] for r in rows}


def _register(con, name: str, df: pd.DataFrame) -> None:
    try:
        con.unregister(name)
    except Exception:
        pass
    con.register(name, df)


def _column_from_arrow(col):
    """One Arrow column as the array ``DuckDBPyRelation.df()`` gives for it (same dtype, same values), or
    None for a type not handled here. df() semantics: integers and booleans are numpy without NULLs and
    pandas nullable (Int64, boolean …) with any NULL; DOUBLE float64 (NaN); DATE and TIMESTAMP
    datetime64[us] (NaT); VARCHAR the default ``str`` dtype (NaN), or object None when every value is
    NULL (also when there is no row)."""
    import pyarrow as pa

    t = col.type
    nulls = col.null_count
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        if nulls == len(col):        # every value NULL, or no row
            return np.full(len(col), None, dtype=object)
        if pa.types.is_string_view(t):
            col = col.cast(pa.large_string())
        return pd.array(col, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    if pa.types.is_integer(t) or pa.types.is_boolean(t):
        if not nulls:
            return col.to_numpy()
        values = col.fill_null(False if pa.types.is_boolean(t) else 0).to_numpy()
        mask = col.is_null().to_numpy(zero_copy_only=False)
        if pa.types.is_boolean(t):
            return pd.arrays.BooleanArray(values, mask)
        return pd.arrays.IntegerArray(values, mask)
    if pa.types.is_floating(t):
        return col.to_numpy(zero_copy_only=False) if t == pa.float64() else None
    if pa.types.is_date32(t) or (pa.types.is_timestamp(t) and t.unit == "us" and t.tz is None):
        return col.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False)
    return None


def fetch_df(con, sql: str, sort_by: list[str] | None = None) -> pd.DataFrame:
    """``con.execute(sql).df()``, converted through Arrow: DuckDB builds the Arrow columns without holding
    Python's GIL, and a text column becomes a pandas ``str`` column over the Arrow buffers, not one Python
    object per value (in ``df()`` the text columns are most of the conversion, all of it under the GIL —
    which GX on the main thread waits for while the next group is prepared in the background). The
    result has the dtypes and values ``df()`` gives (:func:`_column_from_arrow`); a result with a column
    type not handled there is run again and converted by ``df()``.

    ``sort_by``: the rows ordered by these columns (ascending; they must identify a row) by Arrow after
    the fetch, instead of an ``ORDER BY`` in DuckDB: DuckDB sorts the whole wide rows, which on the
    one thread the background prepare has took a quarter of the discharges query; Arrow sorts the
    keys and takes each column, without the GIL."""
    tbl = con.execute(sql).to_arrow_table()
    if sort_by:
        tbl = tbl.sort_by([(c, "ascending") for c in sort_by])
    names, columns = tbl.column_names, tbl.columns
    del tbl
    out = {}
    for i, name in enumerate(names):
        arr = _column_from_arrow(columns[i])
        if arr is None:         # not the case for the frames here
            del columns, out
            df = con.execute(sql).df()
            return df.sort_values(sort_by, ignore_index=True) if sort_by else df
        columns[i] = None       # each Arrow column released once converted
        out[name] = arr
    return pd.DataFrame(out)


def missing_structure(con, schema: str = "front_page") -> list[dict]:
    """Structural failures of the source tables: a missing table or a missing column (no month)."""
    out: list[dict] = []
    for ds, cols in SOURCE_COLUMNS.items():
        have = _table_columns(con, schema, ds)
        if not have:
            out.append({"partition_month": None, "check": "missing_table",
                        "detail": f"{schema}.{ds} does not exist"})
            continue
        miss = [c for c in cols if c not in have]
        if miss:
            out.append({"partition_month": None, "check": "missing_column",
                        "detail": f"{schema}.{ds} lacks column(s) {', '.join(miss)}"})
    return out


def month_case_counts(con, months: list[dt.date] | None, schema: str = "front_page") -> dict[dt.date, int]:
    """Cases per partition month in ``schema``.discharges (``months`` None = every month there)."""
    return dict(con.execute(f"SELECT partition_month, count(*) FROM {schema}.discharges "
                            f"WHERE {_months_sql(months)} GROUP BY 1 ORDER BY 1").fetchall())


def month_slice_bounds(con, month: dt.date, cases_per_slice: int, schema: str = "front_page") -> list[str]:
    """The discharge_ids that start the 2nd, 3rd … slice of ``month`` when its cases, ordered by
    discharge_id, are cut into runs of ``cases_per_slice`` (empty: the month fits in one slice). Slice i
    is then ``bounds[i-1] <= discharge_id < bounds[i]`` (:func:`prepare_frames` ``id_range``)."""
    if cases_per_slice <= 0:
        return []
    rows = con.execute(f"""
      SELECT discharge_id FROM (
        SELECT discharge_id, row_number() OVER (ORDER BY discharge_id) - 1 AS rn
        FROM {schema}.discharges WHERE partition_month = ? AND discharge_id IS NOT NULL)
      WHERE rn > 0 AND rn % ? = 0 ORDER BY rn""", [month, int(cases_per_slice)]).fetchall()
    out: list[str] = []
    for (d,) in rows:
        if not out or d != out[-1]:
            out.append(d)
    return out


MONTH_CACHE = ("_qc_month_discharges", "_qc_month_dx", "_qc_month_px")
_MONTH_CACHE_KEY = "_qc_month_key"


def _month_cache(con, schema: str, month: dt.date) -> tuple[str, str, str]:
    """The temp tables (discharges, diagnoses, procedures) holding the columns :func:`prepare_frames`
    reads (``SOURCE_COLUMNS``) of every case of ``month``, which it cuts a slice from: filled on the
    first slice of the month (one read of the month), kept for its other slices (a one-row key table
    names the schema and month they hold), replaced when another month is sliced. Needs
    ``_qc_px_attr`` registered.

    Why: a slice's ``discharge_id`` range selects rows spread over the whole month (the ids are in no
    order), and DuckDB's scan of the stage decodes every column of a vector that holds any such row,
    so each slice cost about the read of the whole month (10M cases, one thread: a quarter of a
    month's wide columns 0.86 s against 0.92 s for all of it; its diagnoses 1.46 s; docs/quality.md).
    The temp tables are not compressed, and a slice read from them costs its own rows."""
    key = f"{schema}|{month.isoformat()}"
    try:
        have = con.execute(f"SELECT k FROM {_MONTH_CACHE_KEY}").fetchone()
    except duckdb.CatalogException:
        have = None
    if have is None or have[0] != key:
        drop_month_cache(con)
        for t, src in zip(MONTH_CACHE, _sources(schema, [month])):
            con.execute(f"CREATE TEMP TABLE {t} AS SELECT * FROM {src}")
        con.execute(f"CREATE TEMP TABLE {_MONTH_CACHE_KEY} AS SELECT {_q(key)} AS k")
    return MONTH_CACHE


def _sources(schema: str, months: list[dt.date] | None, id_range=None) -> tuple[str, str, str]:
    """The discharges, diagnoses and procedures :func:`prepare_frames` reads from ``schema`` for ``months``
    (and the case range ``id_range``), as subqueries of the columns it reads (``SOURCE_COLUMNS``; the
    procedures with their ``px_attribute``, which needs ``_qc_px_attr`` registered)."""
    return (f"(SELECT {', '.join(dict.fromkeys(SOURCE_COLUMNS['discharges']))} FROM {schema}.discharges d "
            f"WHERE {_where_sql(months, id_range, 'd')})",
            f"(SELECT {', '.join(SOURCE_COLUMNS['diagnoses'])} FROM {schema}.diagnoses d "
            f"WHERE {_where_sql(months, id_range, 'd')})",
            f"(SELECT p.*, a.attr AS px_attribute FROM {schema}.procedures p "
            f"LEFT JOIN _qc_px_attr a ON a.code = p.ssjczbm WHERE {_where_sql(months, id_range, 'p')})")


def drop_month_cache(con) -> None:
    """Drop the month cache of :func:`prepare_frames` from ``con`` (nothing when there is none)."""
    for t in (*MONTH_CACHE, _MONTH_CACHE_KEY):
        con.execute(f"DROP TABLE IF EXISTS temp.{t}")


def prepare_frames(con: duckdb.DuckDBPyConnection, months: list[dt.date] | None,
                   code_table: CodeTable | None = None, schema: str = "front_page",
                   expectations_dir=None, columns: dict[str, set[str]] | None = None,
                   id_range: tuple[str | None, str | None] | None = None,
                   month_cache: bool = False) -> Prepared:
    """Read the partitions ``months`` (None = everything in the tables) into the three rule frames.

    Missing tables/columns and empty partitions are returned as structural failures; the frames of a
    dataset whose source columns are missing are empty (its rules are reported as not run).
    ``columns`` (dataset -> column names the rules read) narrows the frames; None keeps every column.
    ``id_range`` = (lo, hi): only the cases with ``lo <= discharge_id < hi`` (None = open end), with all
    their diagnoses and procedures (a slice of a large month; every derived column is within one case).

    ``month_cache``: for a slice of one month, copy the columns read here of the month's discharges,
    diagnoses and procedures once into temp tables of ``con`` (:func:`_month_cache`) and cut every slice
    of that month from them, instead of reading the whole month again for each slice (the ids are in no
    order within a month, so a slice's id range skips no block of the stage). The caller drops the
    cache when it is done (:func:`drop_month_cache`; the quality runner does); a call without a slice
    drops it too. Off by default: the cache does not see data written after it was filled.
    """
    L = load_code_lists(expectations_dir)

    structural = missing_structure(con, schema)
    if structural:
        if months is None and "partition_month" in _table_columns(con, schema, "discharges"):
            months = [r[0] for r in con.execute(
                f"SELECT DISTINCT partition_month FROM {schema}.discharges ORDER BY 1").fetchall()]
        return Prepared({ds: pd.DataFrame(columns=c) for ds, c in DATASET_COLUMNS.items()},
                        list(months or []), structural, code_table.version if code_table else None)

    counts = month_case_counts(con, months, schema)
    if months is None:
        months = sorted(m for m in counts if m is not None)
    for m in months:
        if not counts.get(m):
            structural.append({"partition_month": m, "check": "empty_partition",
                               "detail": f"{schema}.discharges has no case for {m:%Y-%m}"})

    # ---- lookups as relations
    attrs = L["procedure_attributes"]
    _register(con, "_qc_px_attr", pd.DataFrame({"code": list(attrs.values),
                                                "attr": list(attrs.values.values())}, dtype=str))
    if code_table is not None:
        _register(con, "_qc_dx_table", code_table.dx)
        _register(con, "_qc_px_table", code_table.px)
        dx_tab_join = "LEFT JOIN _qc_dx_table ct ON ct.code = d.jbdm"
        dx_tab_cols = ("CASE WHEN d.jbdm IS NULL THEN NULL ELSE ct.code IS NOT NULL END AS code_in_table, "
                       "ct.name AS table_name")
        px_tab_join = "LEFT JOIN _qc_px_table ct ON ct.code = p.ssjczbm"
        px_tab_cols = ("CASE WHEN p.ssjczbm IS NULL THEN NULL ELSE ct.code IS NOT NULL END AS code_in_table, "
                       "ct.name AS table_name")
    else:
        dx_tab_join = px_tab_join = ""
        dx_tab_cols = px_tab_cols = "CAST(NULL AS BOOLEAN) AS code_in_table, CAST(NULL AS VARCHAR) AS table_name"

    def rx(name: str, col: str) -> str:
        return f"coalesce(regexp_matches({col}, {_q(L[name].regex)}), FALSE)"

    want = None if columns is None else set(columns.get("discharges", ())) | set(FRAME_KEYS["discharges"])

    def keep(c: str) -> bool:
        return want is None or c in want

    items = [c.lower() for c in FEE_ITEMS]
    fee_sel = ", ".join(f"CAST(coalesce(d.{c}, 0) AS DOUBLE) AS {c}" for c in FEE_COLS if keep(c)) or "NULL AS _nofee"
    item_sum = " + ".join(f"coalesce(d.{c}, 0)" for c in items)
    base_sel = ", ".join(f"d.{c}" for c in KEYS + DISCHARGE_BASE if keep(c))

    # What is read: the selected cases with their diagnoses and procedures, from the month cache for
    # a slice of a cached month, else from the tables.
    if month_cache and id_range is not None and months is not None and len(months) == 1:
        disc_src, dx_src, px_src = (f"(SELECT * FROM {t} WHERE {_range_sql(id_range)})"
                                    for t in _month_cache(con, schema, months[0]))
    else:
        drop_month_cache(con)
        disc_src, dx_src, px_src = _sources(schema, months, id_range)
    # The cases, narrow: what dx/px rows need from their case, and the case index.
    con.execute(f"""
      CREATE OR REPLACE TEMP TABLE _qc_cases AS
      SELECT discharge_id, partition_month, xb, nl, rysj, cysj,
        CAST(row_number() OVER (ORDER BY partition_month, discharge_id) - 1 AS BIGINT) AS case_idx,
        CASE WHEN csrq IS NOT NULL AND rysj IS NOT NULL AND csrq <= CAST(rysj AS DATE)
               THEN date_diff('day', csrq, CAST(rysj AS DATE))
             WHEN nl = 0 AND bzyzs_nl IS NOT NULL THEN bzyzs_nl
             WHEN nl IS NOT NULL THEN nl * 365 END AS age_days
      FROM {disc_src}""")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _qc_dx AS SELECT * FROM {dx_src}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _qc_px AS SELECT * FROM {px_src}")

    discharges = fetch_df(con, f"""
      WITH dxa AS (
        -- a matching code is never NULL, so "any delivery code" is "delivery_code IS NOT NULL"
        SELECT discharge_id,
               min(CASE WHEN {rx('delivery_dx', 'jbdm')} THEN jbdm END) AS delivery_code,
               bool_or({rx('delivery_outcome_dx', 'jbdm')}) AS has_outcome_dx
        FROM _qc_dx GROUP BY 1),
      pxa AS (
        SELECT discharge_id,
               count(ssjczbm) AS px_code_count,
               bool_or(mzfs IS NOT NULL) AS has_anaesthesia,
               arg_min(ssjczbm, px_seq) FILTER (WHERE mzfs IS NOT NULL) AS first_anaesthesia_code,
               bool_or(px_attribute = '手术') AS has_surgery_px,
               arg_min(ssjczbm, px_seq) FILTER (WHERE px_attribute = '手术') AS first_surgery_code
        FROM _qc_px GROUP BY 1)
      SELECT {base_sel}, c.case_idx,
        CAST(d.zfy AS DOUBLE) AS zfy, CAST(d.zfje AS DOUBLE) AS zfje, {fee_sel},
        c.age_days,
        CASE WHEN d.csrq IS NOT NULL AND d.rysj IS NOT NULL THEN
          date_diff('year', d.csrq, CAST(d.rysj AS DATE))
          - CASE WHEN (month(d.rysj), day(d.rysj)) < (month(d.csrq), day(d.csrq)) THEN 1 ELSE 0 END
        END AS expected_nl,
        CASE WHEN d.rysj IS NOT NULL AND d.cysj IS NOT NULL AND d.rysj <= d.cysj THEN
          greatest(1, date_diff('day', CAST(d.rysj AS DATE), CAST(d.cysj AS DATE))) END AS expected_sjzyts,
        CAST({item_sum} AS DOUBLE) AS fee_item_sum,
        round(CAST(d.zfy - ({item_sum}) AS DOUBLE), 2) AS fee_sum_diff,
        CAST(coalesce(d.maf, 0) + coalesce(d.ssf, 0) AS DOUBLE) AS maf_ssf,
        {rx('neoplasm_dx', 'd.jbdm')} AS pdx_neoplasm,
        {rx('metastatic_dx', 'd.jbdm')} AS pdx_metastatic,
        {rx('injury_dx', 'd.jbdm')} AS pdx_injury,
        nullif(regexp_extract(d.jbmm, '/([0-9])', 1), '') AS jbmm_behaviour,
        coalesce(dxa.delivery_code IS NOT NULL, FALSE) AS has_delivery_dx, dxa.delivery_code,
        coalesce(dxa.has_outcome_dx, FALSE) AS has_outcome_dx,
        coalesce(pxa.px_code_count, 0) AS px_code_count,
        coalesce(pxa.has_anaesthesia, FALSE) AS has_anaesthesia,
        coalesce(pxa.has_surgery_px, FALSE) AS has_surgery_px,
        pxa.first_surgery_code, pxa.first_anaesthesia_code
      FROM {disc_src} d JOIN _qc_cases c USING (discharge_id)
      LEFT JOIN dxa USING (discharge_id) LEFT JOIN pxa USING (discharge_id)""", sort_by=["case_idx"])

    diagnoses = fetch_df(con, f"""
      SELECT c.case_idx, d.partition_month, d.dx_seq, d.qtzd, d.jbdm, d.rybq, c.xb, c.nl, c.age_days,
        (d.dx_seq > 0 AND d.jbdm IS NOT NULL AND coalesce(k.in_principal, FALSE)) AS is_pdx_repeat,
        (d.dx_seq > 0 AND d.jbdm IS NOT NULL AND d.dx_seq > k.first_other_seq) AS is_dup_other,
        {dx_tab_cols}
      FROM _qc_dx d
      JOIN _qc_cases c USING (discharge_id)
      -- per case and code: is it the principal's, and the first other slot that has it (a hash
      -- aggregate; a window over case and code sorted the 1M rows)
      LEFT JOIN (SELECT discharge_id, jbdm, bool_or(dx_seq = 0) AS in_principal,
                        min(dx_seq) FILTER (WHERE dx_seq > 0) AS first_other_seq
                 FROM _qc_dx WHERE jbdm IS NOT NULL GROUP BY discharge_id, jbdm) k
        ON k.discharge_id = d.discharge_id AND k.jbdm = d.jbdm
      {dx_tab_join}""", sort_by=["case_idx", "dx_seq"])

    procedures = fetch_df(con, f"""
      SELECT c.case_idx, p.partition_month, p.px_seq, p.ssjczbm, p.ssjczmc, p.ssjczrq, p.ssjb, p.sz,
        p.yz, p.ez, p.qkdj, p.qkyhlb, p.mzfs, p.mzys, c.xb,
        CAST(c.rysj AS DATE) AS rysj_date, CAST(c.cysj AS DATE) AS cysj_date, p.px_attribute,
        {px_tab_cols}
      FROM _qc_px p JOIN _qc_cases c USING (discharge_id)
      {px_tab_join}""", sort_by=["case_idx", "px_seq"])

    for t in ("_qc_cases", "_qc_dx", "_qc_px"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    frames = {"discharges": discharges, "diagnoses": diagnoses, "procedures": procedures}
    for ds, df in frames.items():
        # booleans as plain numpy bools (GX conditions compare them with == True)
        for c in df.columns:
            if str(df[c].dtype) == "boolean" and not df[c].isna().any():
                df[c] = df[c].astype(bool)
        keep = [c for c in DATASET_COLUMNS[ds]
                if columns is None or c in FRAME_KEYS[ds] or c in columns.get(ds, ())]
        frames[ds] = df[keep].reset_index(drop=True)
    return Prepared(frames, list(months), structural, code_table.version if code_table else None)
