"""Load, write and warehouse the normalized scheme tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casemix.scheme.tables import TABLES, TABLE_NAMES, columns, conform, empty

DEMO_DIR = Path(__file__).resolve().parent.parent / "reference" / "demo_scheme"


def read_scheme_csv(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Read a folder of normalized CSVs (``<table>.csv``); a missing table is an empty frame."""
    folder = Path(folder)
    out = {}
    for t in TABLE_NAMES:
        p = folder / f"{t}.csv"
        if p.exists():
            df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
            out[t] = conform(t, df)
        else:
            out[t] = empty(t)
    return out


def load_scheme(path_or_name: str | Path, scheme_version: str | None = None,
                **import_kwargs) -> dict[str, pd.DataFrame]:
    """A scheme from ``'demo'``, a DRG_Rules folder (has ``1_MDC.txt``) or a folder of normalized CSVs.

    ``scheme_version`` renames the version of a DRG_Rules import (ignored for CSV folders, whose version
    is in the data).
    """
    if str(path_or_name) == "demo":
        return read_scheme_csv(DEMO_DIR)
    p = Path(path_or_name)
    if not p.is_dir():
        raise FileNotFoundError(f"scheme folder not found: {p}")
    if (p / "1_MDC.txt").exists():
        from casemix.scheme.chs_drg import import_chs_drg
        return import_chs_drg(p, scheme_version, **import_kwargs)
    if (p / "scheme_versions.csv").exists():
        return read_scheme_csv(p)
    raise ValueError(f"{p} is neither a DRG_Rules folder (1_MDC.txt) nor a normalized scheme (scheme_versions.csv)")


def write_scheme(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> Path:
    """Write one UTF-8 CSV per table (all tables, in contract column order)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for t in TABLE_NAMES:
        df = conform(t, tables[t]) if t in tables else empty(t)
        if "effective_from" in df.columns:
            for c in ("effective_from", "effective_to"):
                df[c] = df[c].dt.strftime("%Y-%m-%d")
        df.to_csv(out / f"{t}.csv", index=False, encoding="utf-8", lineterminator="\n")
    return out


def _versions(tables: dict[str, pd.DataFrame]) -> list[str]:
    vs = set()
    for df in tables.values():
        if len(df):
            vs |= set(df["scheme_version"].dropna().astype(str))
    return sorted(vs)


def write_scheme_duckdb(tables: dict[str, pd.DataFrame], con, schema: str = "scheme") -> dict[str, int]:
    """Replace the rows of the scheme version(s) in ``tables`` in DuckDB tables ``<schema>.<table>``.

    Tables are created when missing; rows of each version present in ``tables`` are deleted and re-inserted
    in one transaction, so loading twice gives the same result and other versions stay untouched.
    Returns the number of rows written per table.
    """
    versions = _versions(tables)
    if not versions:
        raise ValueError("no scheme_version found in the tables")
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    counts = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for t in TABLE_NAMES:
            cols = TABLES[t]
            ddl = ", ".join(f'"{c}" {typ}' for c, typ in cols)
            con.execute(f'CREATE TABLE IF NOT EXISTS "{schema}"."{t}" ({ddl})')
            con.execute(f'DELETE FROM "{schema}"."{t}" WHERE scheme_version IN (SELECT unnest(?::VARCHAR[]))',
                        [versions])
            df = conform(t, tables[t]) if t in tables else empty(t)
            counts[t] = len(df)
            if not len(df):
                continue
            view = f"_scheme_src_{t}"
            con.register(view, df)
            sel = ", ".join(f'CAST("{c}" AS {typ})' for c, typ in cols)
            names = ", ".join(f'"{c}"' for c in columns(t))
            con.execute(f'INSERT INTO "{schema}"."{t}" ({names}) SELECT {sel} FROM {view}')
            con.unregister(view)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return counts
