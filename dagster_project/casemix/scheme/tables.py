"""The normalized scheme tables: names, columns, types (documented in docs/scheme.md).

Every table carries ``scheme_version`` as its first column, so several schemes live side by side in one
warehouse. Types are given as DuckDB types; :func:`conform` casts a DataFrame to the matching pandas
dtypes (strings stay strings: ``33.6x00`` must never become a number).
"""

from __future__ import annotations

import pandas as pd

# table -> [(column, duckdb type)]; column order is the on-disk and in-warehouse order.
TABLES: dict[str, list[tuple[str, str]]] = {
    "scheme_versions": [
        ("scheme_version", "VARCHAR"), ("scheme_name", "VARCHAR"), ("effective_from", "DATE"),
        ("effective_to", "DATE"), ("dx_edition", "VARCHAR"), ("px_edition", "VARCHAR"),
        ("source", "VARCHAR"), ("is_illustrative", "BOOLEAN"), ("notes", "VARCHAR"),
    ],
    "mdcs": [
        ("scheme_version", "VARCHAR"), ("mdc_code", "VARCHAR"), ("mdc_name", "VARCHAR"),
        ("precedence", "INTEGER"), ("sex_restriction", "VARCHAR"), ("entry_rule", "VARCHAR"),
    ],
    "mdc_principal_dx": [
        ("scheme_version", "VARCHAR"), ("mdc_code", "VARCHAR"), ("dx_code", "VARCHAR"),
        ("body_region", "VARCHAR"), ("dx_name", "VARCHAR"),
    ],
    "adrgs": [
        ("scheme_version", "VARCHAR"), ("adrg_code", "VARCHAR"), ("adrg_name", "VARCHAR"),
        ("mdc_code", "VARCHAR"), ("kind", "VARCHAR"), ("file_order", "INTEGER"),
    ],
    "adrg_conditions": [
        ("scheme_version", "VARCHAR"), ("adrg_code", "VARCHAR"), ("alt_no", "INTEGER"),
        ("cond_no", "INTEGER"), ("cond_type", "VARCHAR"), ("list_id", "VARCHAR"), ("attr", "VARCHAR"),
        ("min_value", "DOUBLE"), ("max_value", "DOUBLE"), ("source", "VARCHAR"), ("note", "VARCHAR"),
    ],
    "code_lists": [
        ("scheme_version", "VARCHAR"), ("list_id", "VARCHAR"), ("code", "VARCHAR"),
        ("code_name", "VARCHAR"), ("code_type", "VARCHAR"), ("section", "VARCHAR"),
    ],
    "drgs": [
        ("scheme_version", "VARCHAR"), ("drg_code", "VARCHAR"), ("drg_name", "VARCHAR"),
        ("adrg_code", "VARCHAR"), ("severity_digit", "VARCHAR"),
    ],
    "cc_codes": [
        ("scheme_version", "VARCHAR"), ("dx_code", "VARCHAR"), ("cc_level", "VARCHAR"),
        ("exclusion_table", "VARCHAR"), ("dx_name", "VARCHAR"),
    ],
    "cc_exclusions": [
        ("scheme_version", "VARCHAR"), ("exclusion_table", "VARCHAR"), ("pdx_code", "VARCHAR"),
        ("pdx_name", "VARCHAR"),
    ],
    "or_procedures": [
        ("scheme_version", "VARCHAR"), ("px_code", "VARCHAR"), ("source", "VARCHAR"),
    ],
    "residue": [
        ("scheme_version", "VARCHAR"), ("file", "VARCHAR"), ("line_no", "INTEGER"), ("token", "VARCHAR"),
        ("problem", "VARCHAR"),
    ],
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)

# Primary keys (checked by tests and by validate()).
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "scheme_versions": ("scheme_version",),
    "mdcs": ("scheme_version", "mdc_code"),
    "mdc_principal_dx": ("scheme_version", "mdc_code", "dx_code", "body_region"),
    "adrgs": ("scheme_version", "adrg_code"),
    "adrg_conditions": ("scheme_version", "adrg_code", "alt_no", "cond_no"),
    "code_lists": ("scheme_version", "list_id", "code"),
    "drgs": ("scheme_version", "drg_code"),
    "cc_codes": ("scheme_version", "dx_code"),
    "cc_exclusions": ("scheme_version", "exclusion_table", "pdx_code"),
    "or_procedures": ("scheme_version", "px_code"),
    "residue": (),
}

COND_TYPES: frozenset[str] = frozenset({
    "pdx_in", "ppx_in", "any_px_in", "any_dx_in", "or_proc_any", "not_any_px_in", "no_or_proc",
    "attr_range", "mdc_pdx", "min_body_regions",
})
ATTRS: frozenset[str] = frozenset({"age_days", "birth_weight_g", "vent_hours"})
ENTRY_RULES: frozenset[str] = frozenset({"pdx_table", "age_lt_1y", "multi_trauma", "adrg_rules"})
KINDS: frozenset[str] = frozenset({"surgical", "non_or", "medical"})

_PANDAS = {"VARCHAR": "str", "INTEGER": "Int64", "DOUBLE": "Float64", "BOOLEAN": "boolean", "DATE": "date"}


def columns(table: str) -> list[str]:
    return [c for c, _ in TABLES[table]]


def empty(table: str) -> pd.DataFrame:
    return conform(table, pd.DataFrame({c: [] for c in columns(table)}))


def _to_bool(v):
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return pd.NA
    if isinstance(v, str):
        s = v.strip().lower()
        if s in ("", "nan", "none"):
            return pd.NA
        return s in ("true", "1", "t", "yes", "y")
    return bool(v)


def conform(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` with exactly the table's columns, in order, cast to the table's dtypes.

    Missing columns raise; extra columns are dropped. Strings keep their text (missing -> NA), integers
    become ``Int64``, numbers ``Float64``, booleans ``boolean``, dates ``datetime64[s]`` (day precision).
    """
    missing = [c for c in columns(table) if c not in df.columns]
    if missing:
        raise ValueError(f"table {table!r} lacks columns {missing}")
    out = pd.DataFrame(index=range(len(df)))
    for col, typ in TABLES[table]:
        s = df[col].reset_index(drop=True)
        kind = _PANDAS[typ]
        if kind == "str":
            s = s.astype("object").where(s.notna(), None)
            s = s.map(lambda v: None if v is None or (isinstance(v, str) and v == "") else str(v))
            s = s.astype("string")
        elif kind == "Int64":
            s = pd.to_numeric(s, errors="raise").astype("Int64")
        elif kind == "Float64":
            s = pd.to_numeric(s, errors="raise").astype("Float64")
        elif kind == "boolean":
            s = s.map(_to_bool).astype("boolean")
        elif kind == "date":
            s = pd.to_datetime(s, errors="raise").astype("datetime64[s]")
        out[col] = s
    return out
