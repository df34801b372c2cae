"""Landing files → typed stage tables → published monthly partitions, all in DuckDB SQL.

Two steps, so that the expensive parse happens once per file content and a partition can be
re-published cheaply and identically:

1. **stage** (per file, one transaction): a reader thread parses the file into string batches and
   replaces the identifier columns by their keyed HMACs (``casemix.ingest.hashing``); the batches
   stream through one DuckDB ``INSERT … SELECT`` (per 200,000 records) into
   ``front_page_stage.rows``: every field typed with ``try_cast``/``try_strptime``,
   ``discharge_id`` (keyed HMAC in SQL) and the partition month (month of 出院时间 ``CYSJ``) derived, the wide diagnosis and
   procedure slots kept as lists of their non-empty entries. A record with a field that does not
   parse, a missing key field or no usable discharge month is staged with ``ok`` false and its
   problems; ``front_page_stage.errors`` lists them with file, line, field, raw value and reason. A
   file whose content changed is staged again (its old rows are removed in the same transaction).
2. **publish** (per month): replace exactly that month in ``front_page.discharges``, ``diagnoses``,
   ``procedures``, ``quarantine`` and ``replacements``. A case sent
   again (same ZZJGDM+BAH+ZYCS) keeps the record from the latest file (file time, then path, then
   line); the others are quarantined as superseded and logged in ``front_page.replacements``.
   ``front_page.partition_stats`` records rows read = loaded + quarantined for the month.

``front_page.discharges`` is a view of the stage rows whose ``published`` flag is set: publishing a
month sets the flag of its winning records instead of copying the ~110 wide columns of a million
records a second time (≈ 11 cpu s a million cases). ``front_page.diagnoses`` and ``procedures`` are
views of the same rows' slot lists, unnested (≈ 2 s wall a million cases not spent copying them). The
published rows of a file whose content changed stay visible, in ``front_page_stage.retired_rows``,
until their month is published again.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from casemix.layout import DX_SLOT_FIELDS, PX_SLOT_FIELDS, ColumnMap, load_column_map, resolve_header
from casemix.pseudonymise import discharge_id_sql
from casemix.warehouse import optimizers_disabled, sql_literal as _q
from casemix.ingest.hashing import BatchHasher, hashed_reader
from casemix.ingest.reader import ExtractError, detect_encoding, month_from_name, open_extract

log = logging.getLogger(__name__)

EXTRACT_SUFFIXES = (".csv", ".txt", ".xlsx")
DATETIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
    "%Y%m%d%H%M%S", "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d",
]
SQL_TYPES = {"str": "VARCHAR", "int": "BIGINT", "decimal": "DECIMAL(14,2)", "date": "DATE",
             "datetime": "TIMESTAMP", "age_days": "INTEGER"}
# Typed slot fields (everything else in a slot is text).
PX_SLOT_TYPES = {"SSJCZRQ": "date"}


def _typed_expr(t: str, dtype: str) -> str:
    """SQL turning trimmed text ``t`` (NULL when empty) into the column's type; NULL when it fails."""
    fmts = "[" + ", ".join(_q(f) for f in DATETIME_FORMATS) + "]"
    if dtype == "str":
        return t
    if dtype == "int":
        return (f"CASE WHEN regexp_full_match({t}, '[+-]?[0-9]+(\\.0*)?') "
                f"THEN try_cast(try_cast({t} AS DECIMAL(18,2)) AS BIGINT) END")
    if dtype == "decimal":
        return f"try_cast({t} AS DECIMAL(14,2))"
    # ISO forms go through the fast cast; the other layouts through strptime
    if dtype == "date":
        return f"coalesce(try_cast({t} AS DATE), CAST(try_strptime({t}, {fmts}) AS DATE))"
    if dtype == "datetime":
        return f"coalesce(try_cast({t} AS TIMESTAMP), try_strptime({t}, {fmts}))"
    if dtype == "age_days":
        # days as a number; the 2011 paper form writes months as "n/30" (15/30 = 15 days) or "m n/30"
        return (f"CASE WHEN regexp_full_match({t}, '[0-9]+') THEN try_cast({t} AS INTEGER) "
                f"WHEN regexp_full_match({t}, '[0-9]+/30') "
                f"THEN try_cast(split_part({t}, '/', 1) AS INTEGER) "
                f"WHEN regexp_full_match({t}, '[0-9]+ +[0-9]+/30') "
                f"THEN try_cast(split_part({t}, ' ', 1) AS INTEGER) * 30 "
                f"+ try_cast(split_part(split_part(trim({t}), ' ', -1), '/', 1) AS INTEGER) END")
    raise ValueError(dtype)


@dataclass
class StageResult:
    path: str
    file_hash: str
    status: str                 # staged | unchanged | rejected
    encoding: str = ""
    rows_read: int = 0
    rows_staged: int = 0
    rows_quarantined: int = 0
    months: list[str] = field(default_factory=list)
    message: str = ""


# Compression methods ingest does not use for what it writes. FSST (string compression) costs about
# half the CPU of writing the wide stage and published rows (200,000 cases: 4.6 s -> 2.7 s) for a
# larger file; dictionary, RLE, bit-packing and the others stay on. Measured in docs/ingest.md.
INGEST_DISABLED_COMPRESSION = ("fsst",)
# These settings are GLOBAL in DuckDB: every connection to the same database in this process sees them
# while ingest holds them (set back by ``_ingest_writes`` and ``_planning``).
_INGEST_SETTINGS = {"disabled_compression_methods": INGEST_DISABLED_COMPRESSION}
# A file smaller than this is staged with DuckDB's common-subexpression optimizer off. It spends
# ≈ 0.3 cpu s planning every staging statement (≈ 300 columns) whatever the file's size, and makes the
# statement's execution cheaper by about as much per 130,000 records: a 2,000-case file staged in
# 1.01-1.05 cpu s without it against 1.28-1.36 with it, a 200,000-case one in 8.73-9.21 against
# 8.46-9.18 (docs/ingest.md, "Speed"). 64 MB is ≈ 57,000 records of the 1M extract (≈ 1.1 KB each).
# (It had been kept on everywhere after the end-to-end test's case-mix unit test, a float compared to
# the last digit, failed twice with it off; the aggregates over doubles are exact since 80bf416 and the
# whole suite passes with it off.)
SMALL_FILE_BYTES = 64 << 20


@contextmanager
def _ingest_writes(con: duckdb.DuckDBPyConnection):
    """While ingest stages or publishes: the compression methods above off (added to what the connection
    already disables) and DuckDB's memory limit at ``CASEMIX_INGEST_MEMORY_LIMIT`` (``casemix.config``);
    afterwards the compression setting as it was and the memory limit at the configured
    ``CASEMIX_DUCKDB_MEMORY_LIMIT``."""
    from casemix.config import settings
    from casemix.warehouse import memory_limit_during

    prev = {k: con.execute(f"SELECT current_setting('{k}')").fetchone()[0] or ""
            for k in _INGEST_SETTINGS}
    for k, off in _INGEST_SETTINGS.items():
        methods = sorted({m for m in prev[k].split(",") if m} | set(off))
        con.execute(f"SET {k} = {_q(','.join(methods))}")
    try:
        with memory_limit_during(con, settings().ingest_memory_limit):
            yield
    finally:
        for k, v in prev.items():
            con.execute(f"SET {k} = {_q(v)}")


@contextmanager
def _planning(con: duckdb.DuckDBPyConnection, path: Path):
    """For a file below ``SMALL_FILE_BYTES``: the common-subexpression optimizer off (added to the
    optimizers the connection already disables) while its staging statements run, set back after."""
    size = Path(path).stat().st_size if Path(path).exists() else 0
    if size >= SMALL_FILE_BYTES:
        yield
        return
    with optimizers_disabled(con, "common_subexpressions"):
        yield


# --------------------------------------------------------------------------------------------- DDL

# The stage's keyed hashes (discharge_id, patient_id, the identifiers' <code>_hash): 64 (32) hex digits,
# nearly every value different, which DuckDB stores uncompressed in any case (pragma_storage_info of the
# 1M bench: all of them but the work address, which repeats and is left to DuckDB). Its
# dictionary analysis hashed every such value first for nothing: declared uncompressed, staging 1M cases
# took ≈ 1 s less (docs/ingest.md). A column option of DuckDB's CREATE TABLE; for new warehouses (an
# existing stage table keeps its columns, and works as before).
UNIQUE_TEXT = " USING COMPRESSION uncompressed"
UNIQUE_HASHES = ("sfzh_hash", "jkkh_hash", "dh_hash", "dh1_hash", "dwdh_hash", "xm_hash", "lxrxm_hash",
                 "xzz_hash", "hkdz_hash", "dz_hash")
# The identifiers' keyed hashes are stored in the stage as the HMAC's 32 bytes (BLOB), not as its 64 hex
# digits: half the bytes DuckDB's one staging thread copies and keeps statistics of for ten nearly unique
# columns (the 1M extract staged in 18.8–19.4 s against 20.0–20.8 together with the hashing change of
# the same day, docs/ingest.md). ``front_page.discharges`` shows them as before, as 64 lower-case hex
# digits (``HASH_TEXT``), which is what readers and ``insert_discharges`` see and give.
HASH_STAGE_TYPE = "BLOB"


def HASH_TEXT(col: str) -> str:
    """The view's text of a stored identifier hash: its 64 lower-case hex digits."""
    return f"lower(hex({col}))"


def hash_columns(cmap: ColumnMap | None = None) -> list[str]:
    """The identifiers' hash columns (``<code>_hash``) of the column map."""
    cmap = cmap or load_column_map()
    return [f"{s.canonical.lower()}_hash" for s in cmap.fixed if s.role == "identifier"]


def fixed_columns(cmap: ColumnMap) -> list[tuple[str, str, str]]:
    """(canonical, published column name, SQL type) for the non-slot columns of discharges."""
    out = []
    for s in cmap.fixed:
        if s.role == "identifier":
            out.append((s.canonical, f"{s.canonical.lower()}_hash", "VARCHAR"))
        else:
            out.append((s.canonical, s.canonical.lower(), SQL_TYPES[s.dtype]))
    return out


def px_columns() -> list[tuple[str, str]]:
    return [(f.lower(), SQL_TYPES[PX_SLOT_TYPES.get(f, "str")]) for f in PX_SLOT_FIELDS]


def ensure_schema(con: duckdb.DuckDBPyConnection, cmap: ColumnMap | None = None) -> None:
    cmap = cmap or load_column_map()
    hashes = set(hash_columns(cmap))
    fixed = ",\n  ".join(f"{name} {HASH_STAGE_TYPE if name in hashes else typ}"
                          f"{UNIQUE_TEXT if name in UNIQUE_HASHES else ''}"
                          for _, name, typ in fixed_columns(cmap))
    px = ",\n  ".join(f"{name} {typ}" for name, typ in px_columns())
    prov = "source_file VARCHAR, source_file_hash VARCHAR, source_line BIGINT"
    _drop_old_stage_layout(con)
    con.execute(f"""
    CREATE SCHEMA IF NOT EXISTS front_page_stage;
    CREATE SCHEMA IF NOT EXISTS front_page;
    CREATE TABLE IF NOT EXISTS front_page_stage.files (
      source_file VARCHAR, source_file_hash VARCHAR, encoding VARCHAR, header_layout VARCHAR,
      dx_slots INTEGER, px_slots INTEGER, column_map_version VARCHAR, unknown_columns VARCHAR,
      modified_at TIMESTAMP, name_month DATE, rows_read BIGINT, rows_staged BIGINT,
      rows_quarantined BIGINT, status VARCHAR, message VARCHAR);
    CREATE TABLE IF NOT EXISTS front_page_stage.rows (
      {prov}, discharge_id VARCHAR{UNIQUE_TEXT}, patient_id VARCHAR{UNIQUE_TEXT}, partition_month DATE,
      ok BOOLEAN, zycs_raw VARCHAR, problems STRUCT(f VARCHAR, v VARCHAR, r VARCHAR)[],
      dx STRUCT(dx_seq INTEGER, qtzd VARCHAR, jbdm VARCHAR, rybq VARCHAR)[],
      px STRUCT(px_seq INTEGER, {px})[],
      published BOOLEAN, column_map_version VARCHAR,
      {fixed});
    CREATE TABLE IF NOT EXISTS front_page_stage.errors (
      {prov}, partition_month DATE, zzjgdm VARCHAR, bah VARCHAR, zycs VARCHAR,
      field VARCHAR, raw_value VARCHAR, reason VARCHAR);
    CREATE TABLE IF NOT EXISTS front_page.quarantine (
      partition_month DATE, {prov}, zzjgdm VARCHAR, bah VARCHAR, zycs VARCHAR,
      field VARCHAR, raw_value VARCHAR, reason VARCHAR);
    CREATE TABLE IF NOT EXISTS front_page.replacements (
      partition_month DATE, discharge_id VARCHAR, kept_file VARCHAR, kept_line BIGINT,
      replaced_file VARCHAR, replaced_line BIGINT);
    CREATE TABLE IF NOT EXISTS front_page.partition_stats (
      partition_month DATE, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT,
      rows_superseded BIGINT, files INTEGER, column_map_version VARCHAR);
    """)
    _add_published_flag(con)
    con.execute("CREATE TABLE IF NOT EXISTS front_page_stage.retired_rows AS "
                "SELECT * FROM front_page_stage.rows WHERE false")
    _store_hashes_as_bytes(con, cmap)
    if _relation_type(con, "front_page", "discharges") == "BASE TABLE":
        _move_published_table_to_stage(con, cmap)
    if _relation_type(con, "front_page", "discharges") is None:
        create_discharges_view(con, cmap)
    _slot_tables_to_views(con)
    for view in ("diagnoses", "procedures"):
        if _relation_type(con, "front_page", view) is None:
            create_slot_views(con, view)


# The columns of front_page.discharges, in order: the keys, provenance, the column map's version
# and the fixed fields (typed; identifiers as their keyed hashes).
def discharge_columns(cmap: ColumnMap | None = None) -> list[str]:
    cmap = cmap or load_column_map()
    return (["discharge_id", "patient_id", "partition_month", "source_file", "source_file_hash",
             "source_line", "column_map_version"] + [name for _, name, _ in fixed_columns(cmap)])


def create_discharges_view(con: duckdb.DuckDBPyConnection, cmap: ColumnMap | None = None,
                           exclude: tuple[str, ...] = ()) -> None:
    """``front_page.discharges``: the published stage rows (flag ``published``, set by
    :func:`publish_months`), and the published rows of files changed since, until their month is
    published again. ``exclude`` leaves columns out (tests of a front page without a column)."""
    hashes = set(hash_columns(cmap))
    cols = ", ".join(f"{HASH_TEXT(c)} AS {c}" if c in hashes else c
                     for c in discharge_columns(cmap) if c not in exclude)
    con.execute(f"""
      CREATE OR REPLACE VIEW front_page.discharges AS
      SELECT {cols} FROM front_page_stage.rows WHERE published
      UNION ALL
      SELECT {cols} FROM front_page_stage.retired_rows WHERE published""")


# The slot lists of the stage rows and the long views over them: (view, list column, sequence field,
# the struct's fields with their SQL types, the sequence first).
def slot_lists() -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    dx = [("dx_seq", "INTEGER")] + [(f.lower(), "VARCHAR") for f in DX_SLOT_FIELDS]
    return [("diagnoses", "dx", "dx_seq", dx), ("procedures", "px", "px_seq", [("px_seq", "INTEGER")] + px_columns())]


def _slot_struct(fields: list[tuple[str, str]], given: dict[str, str]) -> str:
    """One entry of a slot list: ``struct_pack`` of the fields, each from its expression in ``given``
    (cast to its type), NULL where none is given."""
    return "struct_pack(" + ", ".join(f"{f} := CAST({given.get(f, 'NULL')} AS {t})" for f, t in fields) + ")"


def create_slot_views(con: duckdb.DuckDBPyConnection, only: str | None = None) -> None:
    """``front_page.diagnoses`` and ``front_page.procedures``: the slot lists of the rows that
    ``front_page.discharges`` shows (published stage rows and published retired rows), unnested, one row
    per coded diagnosis / procedure. Views, so that publishing copies nothing: reading them unnests
    the lists again, ≈ 0.07 s more than a table for all 4.3 M diagnoses of the 1M extract and 0.02 s for
    one month (docs/ingest.md)."""
    for view, col, _seq, fields in slot_lists():
        if only not in (None, view):
            continue
        names = ", ".join(f"s.e.{f}" for f, _ in fields)
        src = " UNION ALL ".join(
            f"SELECT discharge_id, partition_month, unnest({col}) AS e FROM front_page_stage.{t} "
            f"WHERE published" for t in ("rows", "retired_rows"))
        con.execute(f"CREATE OR REPLACE VIEW front_page.{view} AS "
                    f"SELECT s.discharge_id, s.partition_month, {names} FROM ({src}) AS s")


def _slot_tables_to_views(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse written before the slot views (tables ``front_page.diagnoses`` / ``procedures``,
    filled by publishing): a published row whose list is missing (a row kept from the earlier
    discharges table as a retired row) gets it from the table; the table is dropped and the view
    created, and the row count is checked. One transaction per table; nothing is lost."""
    for view, col, seq, fields in slot_lists():
        if _relation_type(con, "front_page", view) != "BASE TABLE":
            continue
        entry = _slot_struct(fields, {c: c for c in _columns(con, "front_page", view)})
        n_table = con.execute(f"SELECT count(*) FROM front_page.{view}").fetchone()[0]
        con.execute("BEGIN TRANSACTION")
        try:
            for t in ("rows", "retired_rows"):
                con.execute(f"""
                  UPDATE front_page_stage.{t} AS r SET {col} = l.v
                  FROM (SELECT discharge_id, partition_month, list({entry} ORDER BY {seq}) AS v
                        FROM front_page.{view} GROUP BY discharge_id, partition_month) AS l
                  WHERE r.published AND r.{col} IS NULL AND r.discharge_id = l.discharge_id
                    AND r.partition_month IS NOT DISTINCT FROM l.partition_month""")
            con.execute(f"DROP TABLE front_page.{view}")
            create_slot_views(con, view)
            n_view = con.execute(f"SELECT count(*) FROM front_page.{view}").fetchone()[0]
            if n_view != n_table:
                raise AssertionError(f"front_page.{view}: {n_table} rows as a table, {n_view} as the "
                                     "view of the published stage rows; the table is kept")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        log.warning("front_page.%s was a table: now a view of the published stage rows' lists "
                    "(%s rows, the same as before)", view, n_table)


def insert_slots(con: duckdb.DuckDBPyConnection, view: str, columns: list[str], rows_sql: str) -> None:
    """Diagnoses or procedures written without a landing file (benchmarks): the rows of ``rows_sql``,
    whose columns are ``columns`` of ``front_page.<view>`` in that order (``discharge_id`` and the
    sequence among them; a field not given is NULL), become the slot list of the published stage row
    with that ``discharge_id`` (written by ``insert_discharges``), replacing its list."""
    col, seq, fields = next((c, q, f) for v, c, q, f in slot_lists() if v == view)
    names = ", ".join(f"_c{i}" for i in range(len(columns)))
    pos = {c: f"_c{i}" for i, c in enumerate(columns)}
    con.execute(f"""
      UPDATE front_page_stage.rows AS r SET {col} = l.v
      FROM (SELECT {pos['discharge_id']} AS discharge_id,
                   list({_slot_struct(fields, pos)} ORDER BY {pos[seq]}) AS v
            FROM ({rows_sql}) AS _r({names}) GROUP BY 1) AS l
      WHERE r.published AND r.discharge_id = l.discharge_id""")


def insert_discharges(con: duckdb.DuckDBPyConnection, columns: list[str], rows_sql: str, params=None, *,
                      many: bool = False) -> None:
    """Cases written without a landing file (fixtures, benchmarks): the rows of ``rows_sql`` (a query or
    ``VALUES (…)``; with ``many`` a statement for ``executemany``), whose columns are ``columns`` of
    ``front_page.discharges`` in that order, become published stage rows, i.e. rows of the view. An
    identifier hash is given as the view shows it (hex digits) and stored as its bytes."""
    hashes = set(hash_columns())
    names = ", ".join(f"_c{i}" for i in range(len(columns)))
    sel = ", ".join(f"from_hex(_c{i})" if c in hashes else f"_c{i}" for i, c in enumerate(columns))
    sql = (f"INSERT INTO front_page_stage.rows (ok, published, {', '.join(columns)}) "
           f"SELECT true, true, {sel} FROM ({rows_sql}) AS _r({names})")
    (con.executemany if many else con.execute)(sql, params)


def _relation_type(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> str | None:
    row = con.execute("SELECT table_type FROM information_schema.tables WHERE table_schema = ? "
                      "AND table_name = ?", [schema, name]).fetchone()
    return row[0] if row else None


def _columns(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position", [schema, name]).fetchall()]


def _add_published_flag(con: duckdb.DuckDBPyConnection) -> None:
    """A stage written before front_page.discharges became a view has no ``published`` flag and no
    ``column_map_version`` column: they are added (the flag false; the migration below sets it)."""
    have = set(_columns(con, "front_page_stage", "rows"))
    if "published" not in have:
        con.execute("ALTER TABLE front_page_stage.rows ADD COLUMN published BOOLEAN DEFAULT false")
    if "column_map_version" not in have:
        con.execute("ALTER TABLE front_page_stage.rows ADD COLUMN column_map_version VARCHAR")


def _store_hashes_as_bytes(con: duckdb.DuckDBPyConnection, cmap: ColumnMap) -> None:
    """A stage written before the identifier hashes were stored as bytes (64 hex digits, VARCHAR): its
    hash columns, in ``rows`` and ``retired_rows``, become BLOB (``from_hex``), in one transaction; the
    view shows the same text as before (``HASH_TEXT``)."""
    hashes = hash_columns(cmap)
    todo = [(t, c) for t in ("rows", "retired_rows") for c, typ in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = "
        "'front_page_stage' AND table_name = ?", [t]).fetchall() if c in hashes and typ == "VARCHAR"]
    if not todo:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        for t, c in todo:
            con.execute(f"ALTER TABLE front_page_stage.{t} ALTER COLUMN {c} "
                        f"SET DATA TYPE {HASH_STAGE_TYPE} USING from_hex({c})")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if _relation_type(con, "front_page", "discharges") == "VIEW":
        create_discharges_view(con, cmap)
    log.warning("front_page_stage: %d identifier hash column(s) stored as hex text are now bytes "
                "(front_page.discharges shows the same hex digits)", len(todo))


def _move_published_table_to_stage(con: duckdb.DuckDBPyConnection, cmap: ColumnMap) -> None:
    """A warehouse whose front_page.discharges is still a table (the layout before the view): the
    stage rows it was published from get their flag (and the table's column map version); its rows
    that are no longer in the stage (their file changed since) are kept as retired rows; then the
    table is dropped and the view takes its place. One transaction; nothing is lost."""
    cols = _columns(con, "front_page", "discharges")
    # a stage row is the table's row when its file content and line are the same
    same = ("r.source_file = d.source_file AND r.source_file_hash = d.source_file_hash "
            "AND r.source_line = d.source_line AND r.ok")
    n_table = con.execute("SELECT count(*) FROM front_page.discharges").fetchone()[0]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"""
          UPDATE front_page_stage.rows AS r SET published = true, column_map_version = d.column_map_version
          FROM front_page.discharges AS d WHERE {same}""")
        hashes = set(hash_columns(cmap))
        sel = ", ".join(f"from_hex(d.{c}) AS {c}" if c in hashes else f"d.{c}" for c in cols)
        con.execute(f"""
          INSERT INTO front_page_stage.retired_rows BY NAME
          SELECT true AS ok, true AS published, {sel} FROM front_page.discharges AS d
          WHERE NOT EXISTS (SELECT 1 FROM front_page_stage.rows AS r WHERE {same})""")
        con.execute("DROP TABLE front_page.discharges")
        create_discharges_view(con, cmap)
        n_view = con.execute("SELECT count(*) FROM front_page.discharges").fetchone()[0]
        if n_view != n_table:
            raise AssertionError(f"front_page.discharges: {n_table} rows as a table, {n_view} as the view")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    log.warning("front_page.discharges was a table: now a view of the published stage rows "
                "(%s rows, the same as before)", n_table)


def _drop_old_stage_layout(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse staged by an earlier layout (slots in separate stage tables, good records only):
    its stage is dropped, so every landing file is staged again; the published tables stay."""
    old = (_relation_type(con, "front_page_stage", "rows") is not None
           and "dx" not in _columns(con, "front_page_stage", "rows"))
    if old:
        log.warning("front_page_stage has an earlier layout: dropped; every landing file is staged again")
        for t in ("rows", "diagnoses", "procedures", "errors", "files"):
            con.execute(f"DROP TABLE IF EXISTS front_page_stage.{t}")


# ------------------------------------------------------------------------------------------- stage

def _header_layout(headers: list[str]) -> str:
    ascii_ = sum(h.strip().lstrip("\ufeff").isascii() for h in headers)
    return "pinyin" if ascii_ == len(headers) else ("chinese" if ascii_ == 0 else "mixed")


def _clean(col: str) -> str:
    """Text of a field: trimmed, NULL when empty. ``trim`` copies every string it is given, so it is
    only called on the rare value that starts or ends with a space. The definition of a cleaned field:
    the staging statement reads batches cleaned this way on the reader thread
    (``hashing.clean_columns``, tested against this), a file missing a required column is read here."""
    return f"nullif(CASE WHEN {col} LIKE ' %' OR {col} LIKE '% ' THEN trim({col}) ELSE {col} END, '')"


def _entries(items: list[tuple[str, str]]) -> str:
    """SQL list of the ``value`` of each (condition, value) whose condition holds, in order:
    ``flatten([CASE WHEN c THEN [v] ELSE [] END, …])``, which DuckDB builds for about three quarters of the
    CPU of ``list_filter([CASE WHEN c THEN v END, …], x -> x IS NOT NULL)`` (docs/ingest.md)."""
    return "flatten([" + ", ".join(f"CASE WHEN {c} THEN [{v}] ELSE [] END" for c, v in items) + "])"


_REASON = {"int": "an integer", "decimal": "a number", "date": "a date", "datetime": "a date-time",
           "age_days": "an age in days"}


def _stage_select(name: str, ex, hdr, cmap: ColumnMap, key: bytes, name_month, nm: str,
                  first_month, today: dt.date, out_of_partition: str) -> str:
    """The one streaming statement of staging: every record of the batches becomes one stage row,
    typed, its identifiers hashed, its slots as lists, and (when it cannot be loaded) the list of its
    problems with the month it is quarantined in."""
    idx = hdr.index()

    def src(canon: str) -> str:
        # the batches come cleaned (hashing.BatchHasher: stage._clean, applied by Arrow on the reader thread)
        return f"c{idx[canon]}" if canon in idx else "CAST(NULL AS VARCHAR)"

    hashed = {s.canonical.lower() for s in cmap.fixed if s.role == "identifier"}
    raw: list[str] = ["_line"]          # level 0: cleaned text of every field used
    if "ZZJGDM" in idx and "BAH" in idx:
        raw.append("patient_id")        # computed on the batch, as the identifiers' hashes
        if "ZYCS" in idx:
            raw.append("_discharge_id")  # likewise, where ZYCS is a plain count (hashing.BatchHasher)
    typed: list[str] = []               # level 1: typed values
    checks: list[tuple[str, str]] = []  # (condition "raw present but typed NULL", problem struct)

    def add(canon: str, dtype: str, alias: str) -> None:
        if alias in hashed:  # keyed hash computed on the batch (hashing.BatchHasher)
            raw.append(f"{alias}_hash" if canon in idx else f"CAST(NULL AS BLOB) AS {alias}_hash")
            return
        if dtype == "str":
            raw.append(f"{src(canon)} AS {alias}")
            return
        raw.append(f"{src(canon)} AS r_{alias}")
        typed.append(f"{_typed_expr(f'r_{alias}', dtype)} AS {alias}")
        if canon in idx:
            checks.append((f"(r_{alias} IS NOT NULL AND {alias} IS NULL)",
                           f"{{'f': {_q(canon)}, 'v': r_{alias}, "
                           f"'r': {_q(f'cannot parse {canon} as {_REASON[dtype]}')}}}"))

    for s in cmap.fixed:
        add(s.canonical, s.dtype, s.canonical.lower())
    for n in range(1, hdr.dx_slots + 1):
        for f in DX_SLOT_FIELDS:
            add(f"{f}{n}", "str", f"{f.lower()}_{n}")
    for n in range(1, hdr.px_slots + 1):
        for f in PX_SLOT_FIELDS:
            add(f"{f}{n}", PX_SLOT_TYPES.get(f, "str"), f"{f.lower()}_{n}")
    q = f"SELECT {', '.join(raw)} FROM _batches"
    if typed:
        q = f"SELECT *, {', '.join(typed)} FROM ({q})"

    # level 2: parse errors and record-level problems (keys, partition month)
    month = "CAST(date_trunc('month', cysj) AS DATE)"
    fm = f"DATE '{first_month.isoformat()}'" if first_month else "DATE '1900-01-01'"
    tm = f"DATE '{today.replace(day=1).isoformat()}'"
    ts = "strftime(cysj, '%Y-%m-%d %H:%M:%S')"
    perr = " OR ".join(c for c, _ in checks) or "false"
    errs = _entries(checks)
    oop = ""
    if out_of_partition == "quarantine" and name_month:
        oop = (f"WHEN _m <> {nm} THEN [{{'f': 'CYSJ', 'v': {ts}, "
               f"'r': 'out of partition: discharged in ' || strftime(cysj, '%Y-%m') || "
               f"', file is for {name_month:%Y-%m}'}}] ")
    nullv = "CAST(NULL AS VARCHAR)"
    q = f"SELECT *, {month} AS _m, {perr} AS _perr FROM ({q})"
    q = f"""SELECT *,
        CASE WHEN _perr THEN {errs if checks else 'NULL'}
             WHEN zzjgdm IS NULL THEN [{{'f': 'ZZJGDM', 'v': {nullv}, 'r': 'missing key field ZZJGDM'}}]
             WHEN bah IS NULL THEN [{{'f': 'BAH', 'v': {nullv}, 'r': 'missing key field BAH'}}]
             WHEN zycs IS NULL OR zycs < 1 THEN [{{'f': 'ZYCS', 'v': r_zycs,
                  'r': 'missing or non-positive key field ZYCS'}}]
             WHEN cysj IS NULL THEN [{{'f': 'CYSJ', 'v': {nullv},
                  'r': 'missing discharge time CYSJ: no partition month'}}]
             WHEN _m < {fm} THEN [{{'f': 'CYSJ', 'v': {ts},
                  'r': 'discharge month before the first partition {first_month or ""}'}}]
             WHEN _m > {tm} THEN [{{'f': 'CYSJ', 'v': {ts}, 'r': 'discharge date in the future'}}]
             {oop}
        END AS problems,
        cysj IS NOT NULL AND _m BETWEEN {fm} AND {tm} AS _m_ok
      FROM ({q})"""

    # slots as lists of their non-empty entries (dx_seq 0 = principal diagnosis)
    dx_items = [("coalesce(zyzd, jbdm, rybq) IS NOT NULL",
                 "{'dx_seq': 0, 'qtzd': zyzd, 'jbdm': jbdm, 'rybq': rybq}")]
    dx_items += [(f"coalesce(qtzd_{n}, jbdm_{n}, rybq_{n}) IS NOT NULL",
                  f"{{'dx_seq': {n}, 'qtzd': qtzd_{n}, 'jbdm': jbdm_{n}, 'rybq': rybq_{n}}}")
                 for n in range(1, hdr.dx_slots + 1)]
    pf = [f.lower() for f in PX_SLOT_FIELDS]
    px_items = [(f"coalesce({', '.join(f'CAST({f}_{n} AS VARCHAR)' for f in pf)}) IS NOT NULL",
                 f"{{'px_seq': {n}, {', '.join(f'{chr(39)}{f}{chr(39)}: {f}_{n}' for f in pf)}}}")
                for n in range(1, hdr.px_slots + 1)]
    dx = _entries(dx_items)
    px = _entries(px_items) if px_items else "[]"
    fixed = []
    for s in cmap.fixed:
        c = s.canonical.lower()
        fixed.append(f"{c}_hash" if s.role == "identifier" else c)
    # the month a record counts in: its discharge month when loaded; when quarantined, that month if
    # usable (and not the field at fault), else the month the file name announces
    qmonth = (f"CASE WHEN _perr THEN CASE WHEN _m_ok THEN _m ELSE {nm} END "
              f"WHEN _m_ok AND problems[1].f <> 'CYSJ' THEN _m "
              f"ELSE coalesce({nm}, CASE WHEN _m_ok THEN _m END) END")
    did = discharge_id_sql(key, "zzjgdm", "bah", "zycs")
    if "ZZJGDM" in idx and "BAH" in idx and "ZYCS" in idx:
        # the reader thread's hash where it made one; DuckDB evaluates its own only for the other rows
        did = f"coalesce(_discharge_id, {did})"
    pid = "patient_id" if "ZZJGDM" in idx and "BAH" in idx else "CAST(NULL AS VARCHAR)"
    return f"""
      SELECT {_q(name)} AS source_file, {_q(ex.file_hash)} AS source_file_hash, _line AS source_line,
             {did} AS discharge_id, {pid} AS patient_id,
             CASE WHEN problems IS NULL THEN _m ELSE {qmonth} END AS partition_month,
             problems IS NULL AS ok, CASE WHEN problems IS NOT NULL THEN r_zycs END AS zycs_raw,
             problems, {dx} AS dx, {px} AS px, false AS published,
             {_q(cmap.version)} AS column_map_version, {', '.join(fixed)}
      FROM ({q})"""


# Records per staging statement. DuckDB keeps much of the Arrow data a statement has scanned until
# the statement ends, so one statement over a 1,000,000-case file peaked at 2.18 GB (memory_limit
# 600MB) and statements of 100,000 cases at 1.45 GB; each statement is planned again (≈ 0.1 s).
STAGE_CHUNK_ROWS = 200_000


def _chunks(reader: pa.RecordBatchReader, rows: int):
    """The reader as consecutive readers of at least ``rows`` records each (the last may be shorter).
    Each is lazy: DuckDB pulls (and pyarrow parses) its batches while the statement runs."""
    it = iter(reader)
    pending = [next(it, None)]

    def chunk():
        n = 0
        while pending[0] is not None and n < rows:
            b = pending[0]
            n += b.num_rows
            yield b
            pending[0] = next(it, None)

    while pending[0] is not None:
        yield pa.RecordBatchReader.from_batches(reader.schema, chunk())


# Batches the reader thread may parse and hash ahead of DuckDB (≈ 1,800 records each).
PREFETCH_BATCHES = 8


@contextmanager
def _stage_threads(con: duckdb.DuckDBPyConnection):
    """DuckDB's ``threads`` one lower while the staging statements run (at least 1), set back after:
    the reader thread (``_prefetched``: pyarrow's parse and the identifiers' hashes) needs a core of
    its own. On 2 cores one DuckDB thread beside the reader staged 1,000,000 cases in 27 s (43 cpu s);
    two DuckDB threads beside it in 34 s (49 cpu s), each operator costing about twice the CPU
    (docs/ingest.md)."""
    n = int(con.execute("SELECT current_setting('threads')").fetchone()[0])
    con.execute(f"SET threads = {max(1, n - 1)}")
    try:
        yield
    finally:
        con.execute(f"SET threads = {n}")


class _Failed:
    def __init__(self, exc: BaseException):
        self.exc = exc


def _prefetched(reader: pa.RecordBatchReader, depth: int = PREFETCH_BATCHES) -> pa.RecordBatchReader:
    """The reader's batches produced by a thread of their own, up to ``depth`` ahead of DuckDB."""
    q: queue.Queue = queue.Queue(depth)
    stop = threading.Event()
    end = object()

    def put(x) -> bool:
        while not stop.is_set():
            try:
                q.put(x, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def produce():
        try:
            for b in reader:
                if not put(b):
                    return
            put(end)
        except BaseException as e:  # handed to the consumer, which raises it in DuckDB's scan
            put(_Failed(e))

    th = threading.Thread(target=produce, name="casemix-ingest-reader", daemon=True)
    th.start()

    def consume():
        try:
            while True:
                x = q.get()
                if x is end:
                    return
                if isinstance(x, _Failed):
                    raise x.exc
                yield x
        finally:
            stop.set()
            th.join()

    return pa.RecordBatchReader.from_batches(reader.schema, consume())


def _open_stream(path: Path, encoding: str | None):
    ex, batches = open_extract(path, encoding, head_only=True, empty_as_null=True)
    ncols = len(ex.header)
    schema = pa.schema([(f"c{i}", pa.string()) for i in range(ncols)] + [("_line", pa.int64())])
    return ex, pa.RecordBatchReader.from_batches(schema, batches)


def stage_file(con: duckdb.DuckDBPyConnection, path: Path, key: bytes, *,
               source_name: str | None = None, cmap: ColumnMap | None = None,
               required: list[str] | None = None, first_month: dt.date | None = None,
               today: dt.date | None = None, out_of_partition: str = "relocate",
               force: bool = False) -> StageResult:
    """Parse one landing file into the stage tables (idempotent on the file's content hash).

    One transaction: the old stage rows of the file are replaced, or nothing changes."""
    cmap = cmap or load_column_map()
    path = Path(path)
    name = source_name or path.name
    encoding = None
    for attempt in (1, 2):
        try:
            ex, reader = _open_stream(path, encoding)
        except ExtractError as e:
            _record_file(con, name, "", "", "", 0, 0, cmap, "", path, None, 0, 0, 0, "rejected", str(e))
            log.error("%s", e)
            return StageResult(name, "", "rejected", message=str(e))
        prev = con.execute("SELECT source_file_hash FROM front_page_stage.files WHERE source_file = ?",
                           [name]).fetchall()
        if prev and prev[0][0] == ex.file_hash and not force:
            return StageResult(name, ex.file_hash, "unchanged", ex.encoding)
        try:
            with _ingest_writes(con):
                con.execute("BEGIN TRANSACTION")
                try:
                    res = _stage(con, name, path, ex, reader, key, cmap, required, first_month,
                                 today, out_of_partition)
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
            return res
        except BaseException:
            if not ex.not_utf8 or attempt == 2:
                raise
            # the head of the file read as UTF-8 but a later value does not: detect on the whole file
            try:
                encoding = detect_encoding(path, full=True)
            except ExtractError as e:
                _record_file(con, name, ex.file_hash, "", "", 0, 0, cmap, "", path, None, 0, 0, 0,
                             "rejected", str(e))
                log.error("%s", e)
                return StageResult(name, ex.file_hash, "rejected", message=str(e))
        finally:
            del reader
    raise AssertionError("unreachable")


def _stage(con, name, path, ex, reader, key, cmap, required, first_month, today,
           out_of_partition) -> StageResult:
    # the file's earlier content: its published rows stay visible (front_page.discharges) until
    # their month is published again, as the other published tables keep theirs
    con.execute("INSERT INTO front_page_stage.retired_rows BY NAME "
                "SELECT * FROM front_page_stage.rows WHERE source_file = ? AND published", [name])
    con.execute("DELETE FROM front_page_stage.rows WHERE source_file = ?", [name])
    con.execute("DELETE FROM front_page_stage.errors WHERE source_file = ?", [name])
    hdr = resolve_header(ex.header, cmap)
    required = cmap.required if required is None else required
    missing = hdr.missing(required)
    name_month = month_from_name(path)
    today = today or dt.date.today()
    nm = f"DATE '{name_month.isoformat()}'" if name_month else "CAST(NULL AS DATE)"
    idx = hdr.index()

    def src(canon: str) -> str:
        return _clean(f"c{idx[canon]}") if canon in idx else "CAST(NULL AS VARCHAR)"

    if missing:
        con.register("_batches", reader)
        try:
            _reject_missing_columns(con, name, ex, path, hdr, cmap, missing, name_month, nm, src)
        finally:
            con.unregister("_batches")
        n = con.execute("SELECT count(*) FROM front_page_stage.errors WHERE source_file = ?",
                        [name]).fetchone()[0]
        msg = (f"{path.name}: missing required column(s) {', '.join(missing)} "
               f"(header has {len(ex.header)} columns)")
        _record_file(con, name, ex.file_hash, ex.encoding, _header_layout(ex.header), hdr.dx_slots,
                     hdr.px_slots, cmap, ";".join(hdr.unknown), path, name_month, n, 0, n,
                     "rejected", msg)
        log.error(msg)
        return StageResult(name, ex.file_hash, "rejected", ex.encoding, n, 0, n, message=msg)
    # 1. the one pass over the file: the same statement over consecutive chunks of batches, the
    # identifiers hashed on each batch before DuckDB scans it
    reader = hashed_reader(reader, BatchHasher(
        key, len(ex.header),
        {f"{s.canonical.lower()}_hash": idx[s.canonical] for s in cmap.fixed
         if s.role == "identifier" and s.canonical in idx},
        idx.get("ZZJGDM"), idx.get("BAH"), idx.get("ZYCS")))
    insert = "INSERT INTO front_page_stage.rows BY NAME " + _stage_select(
        name, ex, hdr, cmap, key, name_month, nm, first_month, today, out_of_partition)
    reader = _prefetched(reader)
    with _stage_threads(con), _planning(con, path):
        for chunk in _chunks(reader, STAGE_CHUNK_ROWS):
            con.register("_batches", chunk)
            try:
                con.execute(insert)
            finally:
                con.unregister("_batches")
            del chunk

    # 2. the problems of records that cannot be loaded, one row per field at fault
    con.execute("""
      INSERT INTO front_page_stage.errors
      SELECT source_file, source_file_hash, source_line, partition_month, zzjgdm, bah, zycs_raw,
             p.f, p.v, p.r
      FROM (SELECT *, unnest(problems) AS p FROM front_page_stage.rows
            WHERE source_file = ? AND NOT ok)""", [name])
    _add_bad_records(con, name, ex, nm)

    in_rows, staged = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE ok) FROM front_page_stage.rows WHERE source_file = ?",
        [name]).fetchone()
    quarantined = con.execute(
        "SELECT count(DISTINCT source_line) FROM front_page_stage.errors WHERE source_file = ?",
        [name]).fetchone()[0]
    read = in_rows + len(ex.bad_records)
    if staged + quarantined != read:  # the invariant that nothing is lost
        raise AssertionError(f"{name}: read {read} != staged {staged} + quarantined {quarantined}")
    months = [r[0].strftime("%Y-%m") for r in con.execute(
        "SELECT DISTINCT partition_month FROM (SELECT partition_month FROM front_page_stage.rows "
        "WHERE source_file = ? UNION SELECT partition_month FROM front_page_stage.errors "
        "WHERE source_file = ?) WHERE partition_month IS NOT NULL ORDER BY 1", [name, name]).fetchall()]
    _record_file(con, name, ex.file_hash, ex.encoding, _header_layout(ex.header), hdr.dx_slots,
                 hdr.px_slots, cmap, ";".join(hdr.unknown), path, name_month, read, staged,
                 quarantined, "staged", "")
    return StageResult(name, ex.file_hash, "staged", ex.encoding, read, staged, quarantined, months)


def _reject_missing_columns(con, name, ex, path, hdr, cmap, missing, name_month, nm, src) -> None:
    """A file without a required column: every record is quarantined, naming the column."""
    cysj_month = f"CAST(date_trunc('month', {_typed_expr(src('CYSJ'), 'datetime')}) AS DATE)"
    con.execute(f"""
      INSERT INTO front_page_stage.errors
      SELECT {_q(name)}, {_q(ex.file_hash)}, _line, coalesce({cysj_month}, {nm}),
             {src('ZZJGDM')}, {src('BAH')}, {src('ZYCS')},
             {_q(missing[0])}, NULL, {_q('missing required column: ' + ', '.join(missing))}
      FROM _batches""")
    _add_bad_records(con, name, ex, nm)


def _add_bad_records(con, name: str, ex, nm: str) -> None:
    if not ex.bad_records:
        return
    con.executemany(
        f"INSERT INTO front_page_stage.errors VALUES (?, ?, ?, {nm}, NULL, NULL, NULL, '*', ?, ?)",
        [[name, ex.file_hash, b.line, b.text, b.reason] for b in ex.bad_records])


def _record_file(con, name, file_hash, encoding, layout, dx_slots, px_slots, cmap, unknown, path,
                 name_month, read, staged, quarantined, status, message) -> None:
    con.execute("DELETE FROM front_page_stage.files WHERE source_file = ?", [name])
    mtime = dt.datetime.fromtimestamp(Path(path).stat().st_mtime) if Path(path).exists() else None
    con.execute("INSERT INTO front_page_stage.files VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [name, file_hash, encoding, layout, dx_slots, px_slots, cmap.version, unknown, mtime,
                 name_month, read, staged, quarantined, status, message])


# ----------------------------------------------------------------------------------------- publish

@dataclass
class PartitionStats:
    month: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_superseded: int
    files: int


def publish_months(con: duckdb.DuckDBPyConnection, months: list[dt.date],
                   cmap: ColumnMap | None = None) -> list[PartitionStats]:
    """Replace exactly these months of the published front_page tables from the stage, in one
    transaction and one set-based pass (a 36-month backfill costs about what one month does)."""
    cmap = cmap or load_column_map()
    if not months:
        return []
    months = sorted(set(months))
    m_in = "(" + ", ".join(f"DATE '{m.isoformat()}'" for m in months) + ")"
    with _ingest_writes(con):
        return _publish(con, months, m_in, cmap)


def _publish(con, months, m_in, cmap) -> list[PartitionStats]:
    con.execute("BEGIN TRANSACTION")
    try:
        for t in ("quarantine", "replacements", "partition_stats"):
            con.execute(f"DELETE FROM front_page.{t} WHERE partition_month IN {m_in}")
        # front_page.discharges, diagnoses and procedures are views: the retired rows of these months
        # go, the flags are set below
        con.execute(f"DELETE FROM front_page_stage.retired_rows WHERE partition_month IN {m_in}")
        # A case sent more than once: the latest file wins (file time, then path, then line). Only
        # the cases staged more than once are ranked; the records that lose are kept out below.
        con.execute(f"""
          CREATE OR REPLACE TEMP TABLE _ranked AS
          WITH resent AS (
            SELECT partition_month, discharge_id FROM front_page_stage.rows
            WHERE ok AND partition_month IN {m_in}
            GROUP BY partition_month, discharge_id HAVING count(*) > 1)
          SELECT r.discharge_id, r.partition_month, r.source_file, r.source_line,
                 row_number() OVER (PARTITION BY r.partition_month, r.discharge_id
                   ORDER BY f.modified_at DESC NULLS LAST, r.source_file DESC, r.source_line DESC) AS rn
          FROM front_page_stage.rows r JOIN resent USING (partition_month, discharge_id)
          JOIN front_page_stage.files f USING (source_file)
          WHERE r.ok AND r.partition_month IN {m_in}""")
        con.execute("CREATE OR REPLACE TEMP TABLE _losers AS "
                    "SELECT source_file, source_line FROM _ranked WHERE rn > 1")
        # publishing the wide rows = setting their flag (only the rows whose flag changes are
        # written): the records that can be loaded, but those that lost to a later file
        wins = ("(coalesce(r.ok, false) AND NOT EXISTS (SELECT 1 FROM _losers AS l "
                "WHERE l.source_file = r.source_file AND l.source_line = r.source_line))")
        con.execute(f"""
          UPDATE front_page_stage.rows AS r SET published = {wins}
          WHERE r.partition_month IN {m_in} AND r.published IS DISTINCT FROM {wins}""")
        con.execute("""
          INSERT INTO front_page.replacements
          SELECT o.partition_month, o.discharge_id, w.source_file, w.source_line, o.source_file,
                 o.source_line
          FROM _ranked o JOIN _ranked w
            ON w.partition_month = o.partition_month AND w.discharge_id = o.discharge_id AND w.rn = 1
          WHERE o.rn > 1""")
        con.execute(f"""
          INSERT INTO front_page.quarantine
          SELECT e.partition_month, e.source_file, e.source_file_hash, e.source_line, e.zzjgdm, e.bah,
                 e.zycs, e.field, e.raw_value, e.reason
          FROM front_page_stage.errors e WHERE e.partition_month IN {m_in}
          UNION ALL
          SELECT x.partition_month, r.source_file, r.source_file_hash, r.source_line, r.zzjgdm, r.bah,
                 CAST(r.zycs AS VARCHAR), 'ZZJGDM+BAH+ZYCS', NULL,
                 'superseded by ' || x.kept_file || ':' || x.kept_line
          FROM front_page.replacements x
          JOIN front_page_stage.rows r
            ON r.source_file = x.replaced_file AND r.source_line = x.replaced_line
          WHERE x.partition_month IN {m_in}""")
        # rows read = loaded + quarantined, per month: checked here, recorded in partition_stats
        rows = con.execute(f"""
          WITH m AS (SELECT unnest([{', '.join(f"DATE '{x.isoformat()}'" for x in months)}]) AS pm),
          staged AS (SELECT partition_month pm, count(*) n, list(DISTINCT source_file) files
                     FROM front_page_stage.rows WHERE ok AND partition_month IN {m_in} GROUP BY 1),
          errs AS (SELECT partition_month pm, count(DISTINCT (source_file, source_line)) n,
                          list(DISTINCT source_file) files
                   FROM front_page_stage.errors WHERE partition_month IN {m_in} GROUP BY 1),
          loaded AS (SELECT partition_month pm, count(*) n FROM front_page.discharges
                     WHERE partition_month IN {m_in} GROUP BY 1),
          quar AS (SELECT partition_month pm, count(DISTINCT (source_file, source_line)) n
                   FROM front_page.quarantine WHERE partition_month IN {m_in} GROUP BY 1),
          sup AS (SELECT partition_month pm, count(*) n FROM front_page.replacements
                  WHERE partition_month IN {m_in} GROUP BY 1)
          SELECT m.pm, coalesce(staged.n, 0) + coalesce(errs.n, 0), coalesce(loaded.n, 0),
                 coalesce(quar.n, 0), coalesce(sup.n, 0),
                 len(list_distinct(list_concat(coalesce(staged.files, []), coalesce(errs.files, []))))
          FROM m LEFT JOIN staged USING (pm) LEFT JOIN errs USING (pm)
          LEFT JOIN loaded USING (pm) LEFT JOIN quar USING (pm) LEFT JOIN sup USING (pm)
          ORDER BY m.pm""").fetchall()
        stats = []
        for pm, read, loaded_n, q, sup_n, files in rows:
            if read != loaded_n + q:
                raise AssertionError(f"{pm:%Y-%m}: read {read} != loaded {loaded_n} + quarantined {q}")
            stats.append(PartitionStats(f"{pm:%Y-%m}", read, loaded_n, q, sup_n, files))
        con.executemany("INSERT INTO front_page.partition_stats VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [[dt.date.fromisoformat(p.month + "-01"), p.rows_read, p.rows_loaded,
                          p.rows_quarantined, p.rows_superseded, p.files, cmap.version] for p in stats])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return stats


def publish_month(con: duckdb.DuckDBPyConnection, month: dt.date,
                  cmap: ColumnMap | None = None) -> PartitionStats:
    """Replace exactly one month of the published front_page tables from the stage."""
    return publish_months(con, [month], cmap)[0]


def landing_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in EXTRACT_SUFFIXES
                  and not p.name.startswith((".", "~$")))


def stage_folder(con: duckdb.DuckDBPyConnection, folder: Path, key: bytes, **kw) -> list[StageResult]:
    """Stage every extract below ``folder`` whose content is new or changed."""
    results = []
    for p in landing_files(folder):
        r = stage_file(con, p, key, source_name=str(p.relative_to(folder)), **kw)
        if r.status != "unchanged":
            log.info("staged %s: %s, %s read, %s quarantined", r.path, r.status, r.rows_read,
                     r.rows_quarantined)
        results.append(r)
    return results


def staged_months(con: duckdb.DuckDBPyConnection) -> list[dt.date]:
    return [r[0] for r in con.execute(
        "SELECT DISTINCT partition_month FROM (SELECT partition_month FROM front_page_stage.rows "
        "UNION SELECT partition_month FROM front_page_stage.errors) WHERE partition_month IS NOT NULL "
        "ORDER BY 1").fetchall()]


def load_extract_to_duckdb(con: duckdb.DuckDBPyConnection, path: str | Path, key: bytes | None = None,
                           required: list[str] | None = None, first_month: dt.date | None = None,
                           today: dt.date | None = dt.date(9999, 12, 1)) -> list[PartitionStats]:
    """One extract into the front_page tables of ``con`` (e.g. ``:memory:``), staged and every staged
    month published: used by the check and group CLIs, so they parse exactly as the pipeline does, and
    by the benchmarks. ``first_month`` / ``today`` as :func:`stage_file` (the CLIs accept any date; the
    benchmarks pass ``today=None``, the real date). Returns per-month stats."""
    if key is None:
        key = b"casemix-cli-ephemeral-key"
    ensure_schema(con)
    stage_file(con, Path(path), key, required=required, first_month=first_month, today=today)
    return publish_months(con, staged_months(con))


def read_loaded_quarantined(stats: list[PartitionStats]) -> str:
    """The invariant as a note: "read N = loaded L + quarantined Q" over the months of ``stats``."""
    return (f"read {sum(p.rows_read for p in stats):,} = loaded {sum(p.rows_loaded for p in stats):,} + "
            f"quarantined {sum(p.rows_quarantined for p in stats):,}")
