"""Costing landing files → ``costing.*`` DuckDB tables, every row loaded or quarantined.

Mirrors the front-page ingest: files are read with the same streaming readers (CSV in UTF-8 or
GB18030, XLSX), each record is typed and validated field by field, and a record that fails goes to
``costing.quarantine`` with table, file, line, field, raw value and reason (one quarantine row per
failing field; the record counts once). ``costing.load_stats`` records, per file, rows read = rows
loaded + rows quarantined.

The tables are small (months × cost centres), so loading is a full refresh: every load rebuilds all
five tables from every file in the folder, in one transaction. Validation order matters because of
references: departments first, then the tables that name cost centres.

Checks: required field present; number/month parses; code in its value set (English code or Chinese
term); quantity ≥ 0; amounts with at most 2 decimals; a named cost centre exists in ``departments`` for
the same hospital; mapping targets are clinical cost centres of the right half (inpatient/outpatient);
duplicate keys (the first record in file-name, line order is kept).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import pyarrow as pa

from casemix.costing.tables import LOAD_ORDER, SQL_TYPES, TABLES, VOCAB, TableSpec
from casemix.ingest.reader import ExtractError, open_extract

SUFFIXES = (".csv", ".txt", ".xlsx")
_MONTH = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})(?:[-/.月]?(\d{1,2})?日?)?$")


@dataclass
class FileStats:
    table_name: str
    source_file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""


def files_for(folder: Path, table: str) -> list[Path]:
    """Files of one table: ``<table>.csv`` or ``<table>_<anything>.csv|xlsx``, sorted by name."""
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.suffix.lower() in SUFFIXES:
            stem = p.stem.lower()
            if stem == table or stem.startswith(table + "_") or stem.startswith(table + "-"):
                # 'departments' must not swallow 'dept_...' and vice versa: names are distinct prefixes
                out.append(p)
    return out


def parse_month(text: str) -> dt.date | None:
    m = _MONTH.match(text.strip())
    if not m:
        return None
    y, mo = int(m.group(1)), int(m.group(2))
    if not 1 <= mo <= 12:
        return None
    if m.group(3) and int(m.group(3)) != 1:
        return None  # a date that is not the first of a month is not a month
    return dt.date(y, mo, 1)


def parse_decimal(text: str) -> Decimal | None:
    try:
        v = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None
    return v if v.is_finite() else None


def _resolve(spec: TableSpec, header: list[str]) -> dict[str, int]:
    """Column name → position in the file, by name or alias (case-insensitive, BOM and spaces trimmed)."""
    norm = [h.strip().lstrip("\ufeff").lower() for h in header]
    pos: dict[str, int] = {}
    for c in spec.columns:
        for n in (c.name, *c.aliases):
            if n.lower() in norm:
                pos[c.name] = norm.index(n.lower())
                break
    return pos


class Loader:
    """Validates records table by table; holds the loaded departments for reference checks."""

    def __init__(self) -> None:
        self.rows: dict[str, list[tuple]] = {t: [] for t in TABLES}
        self.quarantine: list[tuple] = []
        self.stats: list[FileStats] = []
        self.departments: dict[tuple[str, str], tuple[str, str]] = {}  # (hosp, cc) -> (class, setting)
        self._keys: dict[str, dict] = {}   # table -> key -> (file, line) of the kept record

    # one field -------------------------------------------------------------------------------
    def _value(self, col, raw: str):
        """(value, error reason or None)."""
        t = raw.strip()
        if t == "":
            return None, (f"missing required field {col.name}" if col.required else None)
        if col.dtype == "str":
            return t, None
        if col.dtype.startswith("code:"):
            v = VOCAB[col.dtype[5:]].get(t.lower(), VOCAB[col.dtype[5:]].get(t))
            return (v, None) if v else (None, f"unknown {col.name} '{t}'")
        if col.dtype == "month":
            v = parse_month(t)
            return (v, None) if v else (None, f"cannot parse {col.name} as a month (YYYY-MM)")
        v = parse_decimal(t)
        if v is None:
            return None, f"cannot parse {col.name} as a number"
        if col.nonnegative and v < 0:
            return None, f"negative {col.name}"
        if col.dtype == "decimal" and v != v.quantize(Decimal("0.01")):
            return None, f"{col.name} has more than 2 decimal places"
        if col.dtype == "quantity":
            return float(v), None
        return v, None

    # one file --------------------------------------------------------------------------------
    def load_file(self, spec: TableSpec, path: Path, name: str) -> FileStats:
        st = FileStats(spec.name, name)
        try:
            ex, batches = open_extract(path)
        except ExtractError as e:
            st.message = str(e)
            self.quarantine.append((spec.name, name, None, None, None, f"file rejected: {e}"))
            self.stats.append(st)
            return st
        pos = _resolve(spec, ex.header)
        missing = [c.name for c in spec.columns if c.required and c.name not in pos]
        keys = self._keys.setdefault(spec.name, {})
        for batch in batches:
            cols = {c: batch.column(f"c{i}").to_pylist() for c, i in pos.items()}
            lines = batch.column("_line").to_pylist()
            for j, line in enumerate(lines):
                st.rows_read += 1
                errs: list[tuple[str, str | None, str]] = []
                if missing:
                    errs = [(m, None, f"missing required column {m}") for m in missing]
                rec: dict = {}
                if not errs:
                    for c in spec.columns:
                        raw = cols[c.name][j] if c.name in cols else ""
                        v, err = self._value(c, raw or "")
                        if err:
                            errs.append((c.name, raw, err))
                        rec[c.name] = v
                if not errs:
                    errs = self._references(spec, rec)
                if not errs:
                    k = tuple(rec[c] for c in spec.key)
                    if k in keys:
                        f0, l0 = keys[k]
                        errs = [(",".join(spec.key), "|".join("" if x is None else str(x) for x in k),
                                 f"duplicate key (first at {f0} line {l0})")]
                    else:
                        keys[k] = (name, line)
                if errs:
                    st.rows_quarantined += 1
                    for f, v, r in errs:
                        self.quarantine.append((spec.name, name, line, f, v, r))
                    continue
                st.rows_loaded += 1
                self.rows[spec.name].append(tuple(rec[c] for c in spec.names) + (name, line))
                if spec.name == "departments":
                    self.departments[(rec["hospital_id"], rec["cost_center_code"])] = (
                        rec["dept_class"], rec["care_setting"] or "none")
        for b in ex.bad_records:
            st.rows_read += 1
            st.rows_quarantined += 1
            self.quarantine.append((spec.name, name, b.line, None, b.text, b.reason))
        self.stats.append(st)
        return st

    def _references(self, spec: TableSpec, rec: dict) -> list[tuple[str, str | None, str]]:
        errs = []
        h = rec.get("hospital_id")
        for c in spec.columns:
            if c.refers_to_department and rec.get(c.name) is not None and (h, rec[c.name]) not in self.departments:
                errs.append((c.name, rec[c.name], f"unknown cost centre {rec[c.name]} for hospital {h}"))
        if errs or "inpatient_clinical" not in spec.checks:
            return errs
        for col, setting in (("inpatient_cost_center_code", "inpatient"),
                             ("outpatient_cost_center_code", "outpatient")):
            cc = rec.get(col)
            if cc is None:
                continue
            cls, st = self.departments[(h, cc)]
            if cls != "clinical" or st != setting:
                errs.append((col, cc, f"{cc} is {cls}/{st}, not a clinical {setting} cost centre"))
        return errs


def load_folder(folder: str | Path) -> Loader:
    """Validate every costing file in ``folder`` (pure Python; nothing written)."""
    folder = Path(folder)
    ld = Loader()
    for t in LOAD_ORDER:
        for p in files_for(folder, t):
            ld.load_file(TABLES[t], p, str(p.relative_to(folder)))
    return ld


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS costing")
    for spec in TABLES.values():
        cols = ", ".join(f"{c.name} {_sql_type(c.dtype)}" for c in spec.columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS costing.{spec.name} ({cols}, source_file VARCHAR, "
                    f"source_line BIGINT)")
    con.execute("""CREATE TABLE IF NOT EXISTS costing.quarantine (table_name VARCHAR, source_file VARCHAR,
        source_line BIGINT, field VARCHAR, raw_value VARCHAR, reason VARCHAR)""")
    con.execute("""CREATE TABLE IF NOT EXISTS costing.load_stats (table_name VARCHAR, source_file VARCHAR,
        rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, message VARCHAR)""")


def _sql_type(dtype: str) -> str:
    return "VARCHAR" if dtype.startswith("code:") else SQL_TYPES[dtype]


def _arrow(spec: TableSpec, rows: list[tuple]) -> pa.Table:
    types = {"str": pa.string(), "decimal": pa.decimal128(18, 2), "quantity": pa.float64(),
             "month": pa.date32()}
    fields = [pa.field(c.name, pa.string() if c.dtype.startswith("code:") else types[c.dtype])
              for c in spec.columns] + [pa.field("source_file", pa.string()), pa.field("source_line", pa.int64())]
    cols = list(zip(*rows)) if rows else [[] for _ in fields]
    return pa.Table.from_arrays([pa.array(list(v), type=f.type) for v, f in zip(cols, fields)],
                                schema=pa.schema(fields))


def write_tables(con: duckdb.DuckDBPyConnection, ld: Loader) -> None:
    """Replace the costing.* tables with the loader's rows (one transaction)."""
    ensure_schema(con)
    con.execute("BEGIN TRANSACTION")
    try:
        for spec in TABLES.values():
            con.execute(f"DELETE FROM costing.{spec.name}")
            tbl = _arrow(spec, ld.rows[spec.name])
            con.register("_costing_rows", tbl)
            con.execute(f"INSERT INTO costing.{spec.name} SELECT * FROM _costing_rows")
            con.unregister("_costing_rows")
        con.execute("DELETE FROM costing.quarantine")
        if ld.quarantine:
            con.executemany("INSERT INTO costing.quarantine VALUES (?, ?, ?, ?, ?, ?)",
                            [tuple(None if v is None else (str(v) if i == 4 else v) for i, v in enumerate(q))
                             for q in ld.quarantine])
        con.execute("DELETE FROM costing.load_stats")
        if ld.stats:
            con.executemany("INSERT INTO costing.load_stats VALUES (?, ?, ?, ?, ?, ?)",
                            [(s.table_name, s.source_file, s.rows_read, s.rows_loaded, s.rows_quarantined,
                              s.message or None) for s in ld.stats])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def load_costing(con: duckdb.DuckDBPyConnection, folder: str | Path) -> list[FileStats]:
    """Validate and load every costing file of ``folder`` into ``con``; returns per-file stats."""
    ld = load_folder(folder)
    write_tables(con, ld)
    return ld.stats
