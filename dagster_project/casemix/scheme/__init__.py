"""Grouping-scheme import: CHS-DRG rule folders and normalized scheme CSVs -> the scheme tables.

Pure Python (no Dagster imports). See docs/scheme.md for the table contract.
"""

from casemix.scheme.chs_drg import import_chs_drg
from casemix.scheme.io import load_scheme, write_scheme, write_scheme_duckdb, read_scheme_csv, DEMO_DIR
from casemix.scheme.tables import TABLES, TABLE_NAMES, conform

__all__ = ["import_chs_drg", "load_scheme", "write_scheme", "write_scheme_duckdb", "read_scheme_csv",
           "DEMO_DIR", "TABLES", "TABLE_NAMES", "conform"]
