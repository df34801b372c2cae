"""Compare two warehouses table by table: ``python -m casemix.compare A.duckdb B.duckdb [--schemas …]``.

For every base table of the chosen schemas (default: every schema but DuckDB's own) it prints the row
count on each side and how many rows are only in A and only in B (``EXCEPT ALL`` both ways, so a row
that appears twice on one side and once on the other counts once). Values are compared exactly: a
float that differs in its last bit is a difference. That is the point: two builds of the same input must
give the same numbers (README, "Same input, same numbers").

A table found on one side only, or with different columns (names or types), is reported as such and not
compared row by row. Tables whose names match ``--skip`` (fnmatch patterns on ``schema.table``) are left
out, e.g. ``front_page_stage.*`` or ``front_page.partition_stats`` (load times and file paths differ
between two loads by design). Exit status: 0 when everything compared is identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
from dataclasses import dataclass
from pathlib import Path

SYSTEM_SCHEMAS = {"information_schema", "pg_catalog"}


@dataclass(frozen=True)
class TableDiff:
    name: str                       # schema.table
    rows_a: int | None              # None: the table is not on that side
    rows_b: int | None
    only_a: int | None = None       # None: not compared (missing, or different columns)
    only_b: int | None = None
    note: str = ""

    @property
    def identical(self) -> bool:
        return self.only_a == 0 and self.only_b == 0 and not self.note


def _tables(con, catalog: str, schemas: list[str] | None) -> dict[str, list[tuple[str, str]]]:
    """schema.table -> [(column, type)] for the base tables of ``catalog``, and the views of the schema
    ``front_page`` (``front_page.discharges`` is a view of the published stage rows)."""
    rows = con.execute(
        """select table_schema, table_name, column_name, data_type
           from information_schema.columns c
           where table_catalog = ?
             and (table_schema, table_name) in (
                 select table_schema, table_name from information_schema.tables
                 where table_catalog = ?
                   and (table_type = 'BASE TABLE' or (table_schema = 'front_page' and table_type = 'VIEW')))
           order by table_schema, table_name, ordinal_position""", [catalog, catalog]).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for schema, table, col, typ in rows:
        if schema in SYSTEM_SCHEMAS or (schemas and schema not in schemas):
            continue
        out.setdefault(f"{schema}.{table}", []).append((col, typ))
    return out


def _q(name: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def compare(a: Path, b: Path, schemas: list[str] | None = None, skip: list[str] | None = None,
            threads: int | None = None, memory_limit: str | None = None) -> list[TableDiff]:
    """The differences between the base tables of warehouses ``a`` and ``b`` (both opened read-only)."""
    import duckdb

    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"set threads = {int(threads)}")
        if memory_limit:
            con.execute(f"set memory_limit = '{memory_limit}'")
        for path, alias in ((a, "wa"), (b, "wb")):
            con.execute(f"attach '{str(path).replace(chr(39), chr(39) * 2)}' as {alias} (read_only)")
        ta, tb = _tables(con, "wa", schemas), _tables(con, "wb", schemas)
        out: list[TableDiff] = []
        for name in sorted(set(ta) | set(tb)):
            if any(fnmatch.fnmatchcase(name, pat) for pat in skip or []):
                continue
            na = con.execute(f"select count(*) from wa.{_q(name)}").fetchone()[0] if name in ta else None
            nb = con.execute(f"select count(*) from wb.{_q(name)}").fetchone()[0] if name in tb else None
            if na is None or nb is None:
                out.append(TableDiff(name, na, nb, note="only in " + ("B" if na is None else "A")))
                continue
            if ta[name] != tb[name]:
                sa, sb = set(ta[name]), set(tb[name])
                detail = ", ".join([f"A: {c} {t}" for c, t in sorted(sa - sb)] + [f"B: {c} {t}" for c, t in sorted(sb - sa)])
                out.append(TableDiff(name, na, nb, note="different columns" + (f" ({detail})" if detail else
                                                                                 " (order)")))
                continue
            cols = ", ".join(_q(c) for c, _ in ta[name])
            only_a = con.execute(f"select count(*) from (select {cols} from wa.{_q(name)} except all "
                                 f"select {cols} from wb.{_q(name)})").fetchone()[0]
            only_b = con.execute(f"select count(*) from (select {cols} from wb.{_q(name)} except all "
                                 f"select {cols} from wa.{_q(name)})").fetchone()[0]
            out.append(TableDiff(name, na, nb, only_a, only_b))
        return out
    finally:
        con.close()


def _n(v: int | None) -> str:
    return "-" if v is None else f"{v:,}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    ap.add_argument("--schemas", nargs="+", default=None, help="only these schemas (default: all)")
    ap.add_argument("--skip", nargs="+", default=[], help="fnmatch patterns of schema.table to leave out")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--memory-limit", default=None)
    ap.add_argument("--all", action="store_true", help="print identical tables too")
    args = ap.parse_args(argv)
    for p in (args.a, args.b):
        if not p.exists():
            print(f"no such warehouse: {p}", file=sys.stderr)
            return 2
    diffs = compare(args.a, args.b, args.schemas, args.skip, args.threads, args.memory_limit)
    width = max([len(d.name) for d in diffs] + [5])
    print(f"{'table':<{width}}  {'rows A':>12}  {'rows B':>12}  {'only A':>9}  {'only B':>9}")
    for d in diffs:
        if d.identical and not args.all:
            continue
        print(f"{d.name:<{width}}  {_n(d.rows_a):>12}  {_n(d.rows_b):>12}  {_n(d.only_a):>9}  {_n(d.only_b):>9}"
              + (f"  {d.note}" if d.note else ""))
    same = sum(d.identical for d in diffs)
    print(f"{same} of {len(diffs)} tables identical" + ("" if same == len(diffs) else
                                                         f"; {len(diffs) - same} differ"))
    return 0 if same == len(diffs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
