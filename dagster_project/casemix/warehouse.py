"""DuckDB connections with the configured memory limit, temp directory and thread count."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from casemix.config import Settings, settings as _settings


def sql_literal(v: object) -> str:
    """``v`` as a SQL string literal (single quotes doubled)."""
    return "'" + str(v).replace("'", "''") + "'"


def connect(path: str | Path | None = None, s: Settings | None = None,
            read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (or ``:memory:``) with ``memory_limit``/``temp_directory`` from settings."""
    s = s or _settings()
    target = str(path if path is not None else s.warehouse)
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target, read_only=read_only)
    s.temp_dir.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = '{s.memory_limit}'")
    con.execute(f"SET temp_directory = '{s.temp_dir}'")
    con.execute("SET preserve_insertion_order = false")
    if s.threads:
        con.execute(f"SET threads = {int(s.threads)}")
    return con


@contextmanager
def connection(path: str | Path | None = None, s: Settings | None = None,
               read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection that is always closed: DuckDB allows one writer process per file, and the dbt
    subprocess must find the file free."""
    con = connect(path, s, read_only)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def optimizers_disabled(con: duckdb.DuckDBPyConnection, *names: str) -> Iterator[None]:
    """DuckDB's optimizers ``names`` off (added to those the connection already disables) for a block,
    the previous ``disabled_optimizers`` set back after, also after an error."""
    prev = con.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0] or ""
    off = sorted({m for m in prev.split(",") if m} | set(names))
    con.execute(f"SET disabled_optimizers = {sql_literal(','.join(off))}")
    try:
        yield
    finally:
        con.execute(f"SET disabled_optimizers = {sql_literal(prev)}")


@contextmanager
def memory_limit_during(con: duckdb.DuckDBPyConnection, limit: str | None,
                        s: Settings | None = None) -> Iterator[None]:
    """DuckDB's ``memory_limit`` at ``limit`` for a step (nothing when empty), then back at the configured
    ``CASEMIX_DUCKDB_MEMORY_LIMIT`` (DuckDB prints the current limit rounded, "3.7 GiB", so the
    configured text is what is restored). The setting is the database's: every connection of the process
    to the same file sees it meanwhile. Ingest (``CASEMIX_INGEST_MEMORY_LIMIT``) and the quality step
    (``CASEMIX_QUALITY_MEMORY_LIMIT``) use it."""
    if not limit:
        yield
        return
    s = s or _settings()
    con.execute(f"SET memory_limit = {sql_literal(limit)}")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = {sql_literal(s.memory_limit)}")
