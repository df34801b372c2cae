"""Costing landing files → ``costing.*`` DuckDB tables, every row loaded or quarantined.

Mirrors the front-page ingest: files are read with the same streaming readers (CSV in UTF-8 or
GB18030, XLSX; ``casemix.ingest.reader``) into Arrow batches of text, and each table's records are then
typed and validated in DuckDB SQL over all of that table's files at once (no Python loop over records).
A record that fails goes to ``costing.quarantine`` with table, file, line, field, raw value and reason
(one quarantine row per failing field; the record counts once). ``costing.load_stats`` records, per file,
rows read = rows loaded + rows quarantined.

The tables are small (months × cost centres), so loading is a full refresh: every load rebuilds all
five tables from every file in the folder, in one transaction. Validation order matters because of
references: departments first, then the tables that name cost centres.

Checks, in this order for a record (a later check runs only when the earlier ones pass): required field
present; number/month parses; code in its value set (English code or Chinese term); quantity ≥ 0;
amounts with at most 2 decimals (exact, on the digits); a named cost centre exists in ``departments``
for the same hospital; mapping targets are clinical cost centres of the right half
(inpatient/outpatient); duplicate keys (the first record in file-name, line order is kept).

Text rules (the same as the record-by-record loader this replaced): a value is trimmed of Unicode
whitespace (Python's ``str.strip``, pyarrow ``utf8_trim`` with the same characters); a month is
``YYYY[-/.年]M[M]`` with an optional day that must be 1 (``2024-01``, ``2024/1/1``, ``202401``,
``2024年1月``), any Unicode decimal digits (全角 ``２０２４``) counting as digits; a number is what Python's
``Decimal`` reads after removing thousands commas: optional sign, digits with an optional point, an
optional exponent, underscores ignored, Unicode digits; NaN and infinity are not numbers.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from casemix.costing.tables import LOAD_ORDER, SQL_TYPES, TABLES, VOCAB, Col, TableSpec
from casemix.ingest.reader import BadRecord, ExtractError, open_extract
from casemix.warehouse import optimizers_disabled, sql_literal as _lit

SUFFIXES = (".csv", ".txt", ".xlsx")

# Python's str.isspace() characters, i.e. what str.strip() removes (tests/costing checks the list).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
              "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
MONTH_RE = r"^([0-9]{4})[-/.年]?([0-9]{1,2})(?:[-/.月]?([0-9]{1,2})?日?)?$"   # after digits → ASCII
NUMBER_RE = r"^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$"         # after digits → ASCII
# Plain numbers take a short path: read by a cast, nothing else to check.
PLAIN_AMOUNT_RE = r"-?[0-9]{1,16}(\.[0-9]{1,2})?"
PLAIN_QUANTITY_RE = r"[0-9]{1,15}(\.[0-9]{1,15})?"
FULLWIDTH_DIGITS = "０１２３４５６７８９"
# Python's Decimal: the exponent range of its context (adjusted exponent ≤ Emax, exponent ≥ Etiny).
DECIMAL_EMAX, DECIMAL_ETINY = 999_999_999_999_999_999, -1_999_999_999_999_999_997
_T = "_costing_load"   # prefix of this module's temporary tables


def _pos(alias: str = "") -> str:
    """A record's position in file, line order: file_no · 2^40 + line."""
    return f"({alias}file_no::BIGINT * 1099511627776 + {alias}line)"


QUARANTINE_SCHEMA = pa.schema([("table_name", pa.string()), ("source_file", pa.string()),
                               ("source_line", pa.int64()), ("field", pa.string()),
                               ("raw_value", pa.string()), ("reason", pa.string())])


@dataclass
class FileStats:
    table_name: str
    source_file: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""


@dataclass
class _File:
    no: int
    spec: TableSpec
    path: Path
    name: str
    rows: int = 0                      # records staged (not counting malformed ones)
    loaded: int = 0
    missing: list[str] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    rejected: str = ""


@dataclass
class LoadResult:
    """What ``load_folder`` validated: rows per table (table columns + source_file, source_line, in file,
    line order), quarantine rows (table, file, line, field, raw value, reason) and per-file stats."""
    rows: dict[str, list[tuple]]
    quarantine: list[tuple]
    stats: list[FileStats]


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


# SQL building blocks ---------------------------------------------------------------------------------
@functools.cache
def _unicode_digits() -> tuple[str, str, str]:
    """Non-ASCII decimal digits (what Python's ``\\d``, ``int()`` and ``Decimal`` read as digits), their
    ASCII digits, and a regex class matching any of them (they come in runs of 0-9)."""
    nd = "".join(chr(c) for c in range(128, 0x110000) if chr(c).isdecimal())
    ascii_ = "".join(str(int(ch)) for ch in nd)
    assert all(ord(nd[i + k]) == ord(nd[i]) + k and ascii_[i + k] == str(k)
               for i in range(0, len(nd), 10) for k in range(10))
    runs = "".join(f"{nd[i]}-{nd[i + 9]}" for i in range(0, len(nd), 10))
    return nd, ascii_, f"[{runs}]"


def _ascii_digits(x: str) -> str:
    """SQL: ``x`` with Unicode decimal digits as ASCII digits (full-width ones first: translate() is
    slow with the long list, so that one runs only on values that still hold another script's digit)."""
    nd, ascii_, cls = _unicode_digits()
    fw = f"translate({x}, {_lit(FULLWIDTH_DIGITS)}, '0123456789')"
    return (f"CASE WHEN strlen({x}) = length({x}) THEN {x} "
            f"WHEN regexp_matches({fw}, {_lit(cls)}) THEN translate({fw}, {_lit(nd)}, {_lit(ascii_)}) "
            f"ELSE {fw} END")


def _vocab_sql() -> str:
    # VOCAB keys are lower-case already, so the lookup is VOCAB[lower(t)] (VOCAB.get(t) adds nothing).
    assert all(k == k.lower() for v in VOCAB.values() for k in v)
    rows = ", ".join(f"({_lit(n)}, {_lit(k)}, {_lit(code)})" for n, v in VOCAB.items() for k, code in v.items())
    return f"SELECT * FROM (VALUES {rows}) v(vocab, spelling, code)"


def _months_sql(month_cols: list[str]) -> str:
    """Distinct month texts of the staged table → their date (NULL when not a month)."""
    texts = " UNION ".join(f"SELECT DISTINCT t_{c} AS t FROM {_T}_raw WHERE t_{c} <> ''" for c in month_cols)
    a = _ascii_digits("t")
    return f"""
        SELECT t, CASE WHEN y >= 1 AND m BETWEEN 1 AND 12 AND (d IS NULL OR d = 1)
                       THEN TRY_CAST(printf('%04d-%02d-01', y, m) AS DATE) END AS v
        FROM (SELECT t, TRY_CAST(p.y AS INTEGER) AS y, TRY_CAST(p.m AS INTEGER) AS m,
                     TRY_CAST(NULLIF(p.d, '') AS INTEGER) AS d
              FROM (SELECT t, regexp_extract({a}, {_lit(MONTH_RE)}, ['y', 'm', 'd']) AS p
                    FROM ({texts})))"""


class _Select:
    """A chain of ``SELECT *, <new columns> FROM (<previous>)`` layers, so an expression can use the
    columns the layer before computed."""

    def __init__(self, source: str):
        self.sql = source
        self.layers: list[list[str]] = [[]]

    def add(self, layer: int, expr: str, alias: str) -> None:
        while len(self.layers) <= layer:
            self.layers.append([])
        self.layers[layer].append(f"{expr} AS {alias}")

    def build(self) -> str:
        sql = self.sql
        for cols in self.layers:
            if cols:
                sql = f"SELECT *, {', '.join(cols)} FROM ({sql})"
        return sql


def _number(sel: _Select, c: Col) -> None:
    """Typing of a decimal or quantity column ``c``: v_<c> (value), e_<c> (reason), big_<c> (an amount
    that does not fit DECIMAL(18,2))."""
    n, t = c.name, f"t_{c.name}"
    plain = PLAIN_AMOUNT_RE if c.dtype == "decimal" else PLAIN_QUANTITY_RE
    sel.add(0, f"regexp_full_match({t}, {_lit(plain)})", f"plain_{n}")
    # Decimal(text.replace(',', '').strip()): whitespace trimmed, then underscores dropped
    sel.add(1, f"CASE WHEN NOT plain_{n} THEN replace(trim(replace({t}, ',', ''), {_lit(WHITESPACE)}), '_', '') "
               f"END", f"n1_{n}")
    sel.add(2, _ascii_digits(f"n1_{n}"), f"n2_{n}")
    sel.add(3, f"regexp_extract(n2_{n}, {_lit(NUMBER_RE)}, ['sg', 'i', 'f', 'e'])", f"np_{n}")
    sel.add(4, f"CASE WHEN np_{n}.e = '' THEN 0::HUGEINT ELSE TRY_CAST(np_{n}.e AS HUGEINT) END", f"ex_{n}")
    sel.add(4, f"ltrim(np_{n}.i || np_{n}.f, '0')", f"lead_{n}")      # digits from the first non-zero one
    sel.add(4, f"rtrim(np_{n}.i || np_{n}.f, '0')", f"trail_{n}")     # digits up to the last non-zero one
    exp = f"(ex_{n} - length(np_{n}.f))"                              # exponent of the integer coefficient
    sel.add(5, f"""(np_{n}.i <> '' OR np_{n}.f <> '') AND ex_{n} IS NOT NULL
                   AND {exp} + greatest(length(lead_{n}), 1) - 1 <= {DECIMAL_EMAX}
                   AND {exp} >= {DECIMAL_ETINY}""", f"ok_{n}")
    sel.add(5, f"length(np_{n}.i) + ex_{n}", f"point_{n}")          # digits before the decimal point
    missing = f"'missing required field {n}'" if c.required else "NULL"
    if c.dtype == "quantity":
        sel.add(6, f"CASE WHEN {t} = '' THEN NULL WHEN plain_{n} THEN {t}::DOUBLE "
                   f"WHEN ok_{n} THEN TRY_CAST(n2_{n} AS DOUBLE) END", f"v_{n}")
        neg = f"WHEN np_{n}.sg = '-' AND lead_{n} <> '' THEN 'negative {n}' " if c.nonnegative else ""
        sel.add(6, f"CASE WHEN {t} = '' THEN {missing} WHEN plain_{n} THEN NULL "
                   f"WHEN NOT ok_{n} THEN 'cannot parse {n} as a number' {neg}END", f"e_{n}")
        sel.add(6, "false", f"big_{n}")
        return
    # An amount: the digits past the 2nd decimal must be zeros; the value, exact, from its digits as cents.
    sel.add(6, f"lead_{n} <> '' AND length(trail_{n}) > point_{n} + 2", f"places_{n}")
    sig = f"ltrim(trail_{n}, '0')"
    sel.add(6, f"lead_{n} <> '' AND length({sig}) + point_{n} - length(trail_{n}) > 16", f"big0_{n}")
    sel.add(7, f"""CASE WHEN ok_{n} AND NOT places_{n} AND NOT big0_{n} THEN
                     CASE WHEN lead_{n} = '' THEN '0' ELSE
                       {sig} || repeat('0', (point_{n} - length(trail_{n}) + 2)::BIGINT) END END""", f"c0_{n}")
    sel.add(8, f"lpad(c0_{n}, greatest(length(c0_{n}), 3)::INTEGER, '0')", f"cents_{n}")   # lpad() cuts longer text
    sel.add(9, f"""CASE WHEN {t} = '' THEN NULL WHEN plain_{n} THEN {t}::DECIMAL(18,2)
                        WHEN c0_{n} = '0' THEN 0::DECIMAL(18,2)
                        ELSE TRY_CAST((CASE WHEN np_{n}.sg = '-' THEN '-' ELSE '' END) || left(cents_{n}, -2)
                                      || '.' || right(cents_{n}, 2) AS DECIMAL(18,2)) END""", f"v_{n}")
    sel.add(9, f"CASE WHEN {t} = '' THEN {missing} WHEN plain_{n} THEN NULL "
               f"WHEN NOT ok_{n} THEN 'cannot parse {n} as a number' "
               f"WHEN places_{n} THEN '{n} has more than 2 decimal places' END", f"e_{n}")
    sel.add(9, f"coalesce(NOT plain_{n} AND ok_{n} AND NOT places_{n} AND big0_{n}, false)", f"big_{n}")


def _check_sql(spec: TableSpec) -> str:
    """One statement: the staged text of every file of ``spec`` → typed values and every reason."""
    cols = spec.columns
    months = [c.name for c in cols if c.dtype == "month"]
    ctes = [f"vocab AS ({_vocab_sql()})"]
    if months:
        ctes.append(f"months AS ({_months_sql(months)})")
    joins = []
    for c in cols:
        if c.dtype.startswith("code:"):
            joins.append(f"LEFT JOIN vocab voc_{c.name} ON voc_{c.name}.vocab = {_lit(c.dtype[5:])} AND "
                         f"voc_{c.name}.spelling = CASE WHEN NOT contains(r.t_{c.name}, 'İ') "
                         f"THEN lower(r.t_{c.name}) END")
        elif c.dtype == "month":
            joins.append(f"LEFT JOIN months mon_{c.name} ON mon_{c.name}.t = r.t_{c.name}")
    extra = [f"voc_{c.name}.code AS code_{c.name}" for c in cols if c.dtype.startswith("code:")]
    extra += [f"mon_{c.name}.v AS month_{c.name}" for c in cols if c.dtype == "month"]
    base = f"SELECT r.*{''.join(', ' + e for e in extra)} FROM {_T}_raw r {' '.join(joins)}"
    sel = _Select(base)
    for c in cols:
        n, t = c.name, f"t_{c.name}"
        missing = f"'missing required field {n}'" if c.required else "NULL"
        if c.dtype == "str":
            sel.add(0, f"NULLIF({t}, '')", f"v_{n}")
            sel.add(0, f"CASE WHEN {t} = '' THEN {missing} END", f"e_{n}")
        elif c.dtype.startswith("code:"):
            sel.add(0, f"CASE WHEN {t} <> '' THEN code_{n} END", f"v_{n}")
            sel.add(0, f"CASE WHEN {t} = '' THEN {missing} WHEN code_{n} IS NULL "
                       f"THEN 'unknown {n} ''' || {t} || '''' END", f"e_{n}")
        elif c.dtype == "month":
            sel.add(0, f"CASE WHEN {t} <> '' THEN month_{n} END", f"v_{n}")
            sel.add(0, f"CASE WHEN {t} = '' THEN {missing} WHEN month_{n} IS NULL "
                       f"THEN 'cannot parse {n} as a month (YYYY-MM)' END", f"e_{n}")
        else:
            _number(sel, c)
    ctes.append(f"typed AS ({sel.build()})")
    field_err = " OR ".join(f"e_{c.name} IS NOT NULL" for c in cols)

    # references to departments of the same hospital, then the mapping targets' kind
    refs = [c.name for c in cols if c.refers_to_department]
    ref_joins = " ".join(f"LEFT JOIN {_T}_known_departments d_{n} ON d_{n}.hospital_id = t.v_hospital_id "
                         f"AND d_{n}.cost_center_code = t.v_{n}" for n in refs)
    ref_cols = [f"CASE WHEN NOT ferr AND v_{n} IS NOT NULL AND d_{n}.cost_center_code IS NULL THEN "
                f"'unknown cost centre ' || v_{n} || ' for hospital ' || v_hospital_id END AS re_{n}" for n in refs]
    kind_cols = []
    if "inpatient_clinical" in spec.checks:
        ref_err = " OR ".join(f"d_{n}.cost_center_code IS NULL AND v_{n} IS NOT NULL" for n in refs)
        for n, setting in (("inpatient_cost_center_code", "inpatient"),
                           ("outpatient_cost_center_code", "outpatient")):
            cls, st = f"d_{n}.dept_class", f"coalesce(d_{n}.care_setting, 'none')"
            kind_cols.append(
                f"CASE WHEN NOT ferr AND NOT ({ref_err}) AND v_{n} IS NOT NULL "
                f"AND NOT ({cls} = 'clinical' AND {st} = '{setting}') "
                f"THEN v_{n} || ' is ' || {cls} || '/' || {st} || ', not a clinical {setting} cost centre' "
                f"END AS ke_{n}")
    ctes.append(f"""checked AS (
        SELECT t.*, {', '.join(ref_cols + kind_cols) or 'NULL AS _none'}
        FROM (SELECT *, {field_err} AS ferr FROM typed) t {ref_joins})""")
    # what is kept: the typed values and, for a record that failed, its reasons (field, raw value, reason)
    reasons = [(c.name, f"CASE WHEN e_{c.name} IS NOT NULL THEN coalesce(r_{c.name}, t_{c.name}) END",
                f"e_{c.name}") for c in cols]
    reasons += [(n, f"v_{n}", f"re_{n}") for n in refs]
    if "inpatient_clinical" in spec.checks:
        reasons += [(n, f"v_{n}", f"ke_{n}") for n in ("inpatient_cost_center_code", "outpatient_cost_center_code")]
    failed = " OR ".join(["ferr"] + [f"{e} IS NOT NULL" for _, _, e in reasons[len(cols):]])
    structs = ", ".join(f"{{'field': {_lit(n)}, 'raw_value': {raw}, 'reason': {e}}}" for n, raw, e in reasons)
    keep = ["file_no", "line", *[f"v_{c.name}" for c in cols],
            f"NOT ({failed}) AS passed", f"hash({', '.join(f'v_{k}' for k in spec.key)}) AS key_hash",
            f"CASE WHEN {failed} THEN list_filter([{structs}], x -> x.reason IS NOT NULL) END AS reasons"]
    big = [c.name for c in cols if c.dtype == "decimal"]
    keep.append(f"CASE {' '.join(f'WHEN big_{n} THEN t_{n}' for n in big)} END AS too_big" if big
                else "NULL::VARCHAR AS too_big")
    return f"WITH {', '.join(ctes)} SELECT {', '.join(keep)} FROM checked"


def _dups_sql(spec: TableSpec, checked: str) -> str:
    """The records that passed but hold the key of an earlier one (in file, line order), with the key as
    text and the position (file_no·2^40 + line) of the first. Grouping the 64-bit hash of the key first
    keeps the exact grouping to the few candidates."""
    key = ", ".join(f"v_{k}" for k in spec.key)
    on = " AND ".join(f"d.v_{k} IS NOT DISTINCT FROM c.v_{k}" for k in spec.key)
    key_text = " || '|' || ".join(f"coalesce(CAST(c.v_{k} AS VARCHAR), '')" for k in spec.key)
    return f"""
        WITH candidates AS (SELECT key_hash FROM {checked} WHERE passed GROUP BY key_hash HAVING count(*) > 1),
        firsts AS (SELECT {key}, min({_pos()}) AS first_pos FROM {checked}
                   WHERE passed AND key_hash IN (SELECT key_hash FROM candidates)
                   GROUP BY ALL HAVING count(*) > 1)
        SELECT c.file_no, c.line, {key_text} AS key_text, d.first_pos
        FROM {checked} c JOIN firsts d ON {on}
        WHERE c.passed AND c.key_hash IN (SELECT key_hash FROM candidates) AND {_pos('c.')} <> d.first_pos"""


# staging ---------------------------------------------------------------------------------------------
def _stage(spec: TableSpec, f: _File, raw: list[pa.Table], nocols: list[pa.Table]) -> None:
    """Read one file into Arrow tables: file_no, line and, per column, t_<col> (the trimmed text, '' when
    empty) and r_<col> (the raw text where it differs); when a required column is missing, only file_no
    and line (into ``nocols``)."""
    try:
        ex, batches = open_extract(f.path, empty_as_null=True)
    except ExtractError as e:
        f.rejected = str(e)
        return
    pos = _resolve(spec, ex.header)
    f.missing = [c.name for c in spec.columns if c.required and c.name not in pos]
    for batch in batches:
        n = batch.num_rows
        arrays = [pa.nulls(n, pa.int32()).fill_null(f.no), batch.column("_line")]
        if not f.missing:
            for c in spec.columns:
                if c.name in pos:
                    text = batch.column(f"c{pos[c.name]}").fill_null("")
                    t = pc.utf8_trim(text, WHITESPACE)
                    arrays += [t, pc.if_else(pc.equal(t, text), pa.scalar(None, pa.string()), text)]
                else:
                    arrays += [pa.nulls(n, pa.string()).fill_null(""), pa.nulls(n, pa.string())]
        (nocols if f.missing else raw).append(pa.Table.from_arrays(
            arrays, schema=_NOCOLS_SCHEMA if f.missing else _raw_schema(spec)))
        f.rows += n
    f.bad = ex.bad_records


_NOCOLS_SCHEMA = pa.schema([("file_no", pa.int32()), ("line", pa.int64())])


def _raw_schema(spec: TableSpec) -> pa.Schema:
    return pa.schema([*_NOCOLS_SCHEMA, *[pa.field(f"{p}_{c.name}", pa.string()) for c in spec.columns
                                         for p in ("t", "r")]])


@contextlib.contextmanager
def _small_tables_hashed(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB estimates a scan of an Arrow table at 1 row, so it would build the hash tables of the
    check's lookups (value sets, months, departments) on the staged records instead of on the small
    tables. With the build-side optimizer off for the statement, each LEFT JOIN builds on its right side
    as written (the small table); the connection's previous setting is restored after."""
    with optimizers_disabled(con, "build_side_probe_side"):
        yield


def _check_table(con: duckdb.DuckDBPyConnection, spec: TableSpec, files: list[_File]) -> None:
    """Stage, type and check every file of ``spec``: leaves ``{_T}_checked_<table>`` (file_no, line, typed values,
    passed) and adds the table's reasons to ``{_T}_quarantine``. Runs outside the load's transaction: a
    temporary table written inside a transaction is scanned by one thread only."""
    raw: list[pa.Table] = []
    nocols: list[pa.Table] = []
    for f in files:
        _stage(spec, f, raw, nocols)
        con.execute(f"INSERT INTO {_T}_files VALUES (?, ?, ?)", [f.no, f.name, f.missing])
    # DuckDB reads the staged text straight from Arrow (copying it into a temporary table first costs more)
    con.register(f"{_T}_raw", pa.concat_tables(raw) if raw else _raw_schema(spec).empty_table())
    con.register(f"{_T}_nocols", pa.concat_tables(nocols) if nocols else _NOCOLS_SCHEMA.empty_table())
    del raw, nocols
    checked = f"{_T}_checked_{spec.name}"
    try:
        with _small_tables_hashed(con):
            con.execute(f"CREATE OR REPLACE TEMP TABLE {checked} AS {_check_sql(spec)}")
        con.unregister(f"{_T}_raw")
        # duplicates: the records after the first of a key (few; none in a clean load) fail too
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_T}_dup_rows AS {_dups_sql(spec, checked)}")
        if con.execute(f"SELECT count(*) FROM {_T}_dup_rows").fetchone()[0]:
            con.execute(f"""UPDATE {checked} c SET passed = false FROM {_T}_dup_rows x
                            WHERE x.file_no = c.file_no AND x.line = c.line""")
        row = con.execute(f"SELECT {_file_name(files)}, c.line, c.too_big FROM {checked} c WHERE c.passed "
                          f"AND c.too_big IS NOT NULL LIMIT 1").fetchone()
        if row:   # the old loader stopped here too (pyarrow could not convert the value)
            raise ValueError(f"{spec.name} {row[0]} line {row[1]}: amount {row[2]} does not fit DECIMAL(18,2)")
        con.execute(f"""INSERT INTO {_T}_quarantine
            SELECT {_lit(spec.name)}, f.source_file, c.line, c.r.field, c.r.raw_value, c.r.reason
            FROM (SELECT file_no, line, unnest(reasons) AS r FROM {checked} WHERE reasons IS NOT NULL) c
            JOIN {_T}_files f USING (file_no)
            UNION ALL
            SELECT {_lit(spec.name)}, f.source_file, x.line, {_lit(','.join(spec.key))}, x.key_text,
                   'duplicate key (first at ' || f0.source_file || ' line ' || (x.first_pos % 1099511627776)
                   || ')'
            FROM {_T}_dup_rows x JOIN {_T}_files f USING (file_no)
            JOIN {_T}_files f0 ON f0.file_no = (x.first_pos // 1099511627776)::INTEGER
            UNION ALL
            SELECT {_lit(spec.name)}, m.source_file, n.line, m.col, NULL, 'missing required column ' || m.col
            FROM {_T}_nocols n JOIN (SELECT file_no, source_file, unnest(missing) AS col FROM {_T}_files) m
            USING (file_no)""")
    finally:
        con.unregister(f"{_T}_raw")
        con.unregister(f"{_T}_nocols")
        con.execute(f"DROP TABLE IF EXISTS {_T}_dup_rows")
    loaded = dict(con.execute(f"SELECT file_no, count(*) FROM {checked} WHERE passed GROUP BY ALL").fetchall())
    for f in files:
        f.loaded = loaded.get(f.no, 0)
    if spec.name == "departments":   # what the other tables' references are checked against
        con.execute(f"""CREATE OR REPLACE TEMP TABLE {_T}_known_departments AS
                        SELECT v_hospital_id AS hospital_id, v_cost_center_code AS cost_center_code,
                               v_dept_class AS dept_class, v_care_setting AS care_setting
                        FROM {checked} WHERE passed""")


def _file_name(files: list[_File], alias: str = "c.") -> str:
    """SQL: the file name of a record from a list literal (the files of one table are numbered in a run; a
    join with the file list would make the insert into the costing table single-threaded)."""
    base = files[0].no if files else 0
    return f"[{', '.join(_lit(f.name) for f in files) or 'NULL'}][{alias}file_no - {base} + 1]"


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


def load_costing(con: duckdb.DuckDBPyConnection, folder: str | Path) -> list[FileStats]:
    """Validate and load every costing file of ``folder`` into ``con``, replacing the costing.* tables in
    one transaction (the files are read and checked before it, into temporary tables); returns per-file
    stats in load order."""
    folder = Path(folder)
    files: list[_File] = []
    for t in LOAD_ORDER:
        for p in files_for(folder, t):
            files.append(_File(len(files), TABLES[t], p, str(p.relative_to(folder))))
    ensure_schema(con)
    temp = ["files", "quarantine", "known_departments", *(f"checked_{t}" for t in TABLES)]
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_T}_files (file_no INTEGER, source_file VARCHAR, "
                    f"missing VARCHAR[])")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {_T}_quarantine AS SELECT * FROM costing.quarantine LIMIT 0")
        for t in LOAD_ORDER:   # departments first: the other tables' references are checked against them
            _check_table(con, TABLES[t], [f for f in files if f.spec.name == t])
        extra = [(f.spec.name, f.name, None, None, None, f"file rejected: {f.rejected}")
                 for f in files if f.rejected]
        extra += [(f.spec.name, f.name, b.line, None, b.text, b.reason) for f in files for b in f.bad]
        stats = [FileStats(f.spec.name, f.name, f.rows + len(f.bad), f.loaded, f.rows + len(f.bad) - f.loaded,
                           f.rejected) for f in files]
        con.execute("BEGIN TRANSACTION")
        try:
            for spec in TABLES.values():
                mine = [f for f in files if f.spec.name == spec.name]
                con.execute(f"DELETE FROM costing.{spec.name}")
                con.execute(f"""INSERT INTO costing.{spec.name}
                                SELECT {', '.join(f'c.v_{c.name}' for c in spec.columns)}, {_file_name(mine)},
                                       c.line
                                FROM {_T}_checked_{spec.name} c WHERE c.passed""")
            con.execute("DELETE FROM costing.quarantine")
            con.execute(f"INSERT INTO costing.quarantine SELECT * FROM {_T}_quarantine")
            if extra:
                con.register(f"{_T}_extra", pa.Table.from_arrays(
                    [pa.array(list(v), t) for v, t in zip(zip(*extra), QUARANTINE_SCHEMA.types)],
                    schema=QUARANTINE_SCHEMA))
                con.execute(f"INSERT INTO costing.quarantine SELECT * FROM {_T}_extra")
                con.unregister(f"{_T}_extra")
            con.execute("DELETE FROM costing.load_stats")
            if stats:
                con.executemany("INSERT INTO costing.load_stats VALUES (?, ?, ?, ?, ?, ?)",
                                [(s.table_name, s.source_file, s.rows_read, s.rows_loaded, s.rows_quarantined,
                                  s.message or None) for s in stats])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    finally:
        for t in temp:
            con.execute(f"DROP TABLE IF EXISTS {_T}_{t}")
    return stats


def load_folder(folder: str | Path) -> LoadResult:
    """Validate every costing file in ``folder`` into a throw-away in-memory DuckDB (nothing written)."""
    con = duckdb.connect()
    try:
        stats = load_costing(con, folder)
        order = {t: i for i, t in enumerate(LOAD_ORDER)}
        files = {(s.table_name, s.source_file): i for i, s in enumerate(stats)}
        rows = {t: con.execute(f"SELECT * FROM costing.{t}").fetchall() for t in TABLES}
        for t, r in rows.items():
            r.sort(key=lambda x: (files[(t, x[-2])], x[-1]))
        fields = {t: {n: i for i, n in enumerate(s.names)} for t, s in TABLES.items()}
        quarantine = con.execute("SELECT * FROM costing.quarantine").fetchall()
        quarantine.sort(key=lambda q: (order[q[0]], files[(q[0], q[1])], q[2] or 0,
                                       fields[q[0]].get(q[3], len(fields[q[0]]))))
        return LoadResult(rows, quarantine, stats)
    finally:
        con.close()
