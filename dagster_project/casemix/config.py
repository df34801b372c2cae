"""Settings from the environment, with defaults that make the bundled demo work from the repo root.

Every setting has one ``CASEMIX_`` environment variable. Paths are resolved against the project root
(the folder holding ``pyproject.toml``), so commands work from any working directory inside the repo.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("CASEMIX_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "dbt").is_dir():
            return parent
    return Path.cwd()


def _path(var: str, default: Path) -> Path:
    v = os.environ.get(var)
    return Path(v).expanduser().resolve() if v else default


# Ingest streams: a larger DuckDB buffer mostly keeps written blocks cached (peak RSS follows the limit)
# and saves little (1M cases: 62.4 cpu s at 4GB, 64.2 at 1GB; docs/ingest.md), so ingest has its own,
# smaller limit.
INGEST_MEMORY_LIMIT = "1GB"
# The quality step holds two month groups' pandas frames (prefetch); DuckDB's buffer beyond 2 GB only
# caches table blocks there: at 10M cases the step peaked at 7.25 GB with 4GB and 5.99 GB with 2GB
# (240.8 -> 272.2 s), at 1M no difference (docs/quality.md).
QUALITY_MEMORY_LIMIT = "2GB"


@dataclass(frozen=True)
class Settings:
    root: Path
    warehouse: Path            # CASEMIX_WAREHOUSE: the DuckDB file
    landing: Path              # CASEMIX_LANDING: where extracts arrive
    key_file: Path             # CASEMIX_KEY_FILE: pseudonymisation key (CASEMIX_PSEUDONYM_KEY overrides)
    memory_limit: str          # CASEMIX_DUCKDB_MEMORY_LIMIT
    temp_dir: Path             # CASEMIX_DUCKDB_TEMP_DIR
    threads: int | None        # CASEMIX_DUCKDB_THREADS
    scheme_dir: str            # CASEMIX_DRG_SCHEME_DIR: a DRG_Rules folder, a normalized folder, or 'demo'
    first_month: str           # CASEMIX_FIRST_MONTH: first partition (YYYY-MM-01)
    out_of_partition: str      # CASEMIX_OUT_OF_PARTITION: relocate | quarantine
    dbt_project_dir: Path
    expectations_dir: Path
    # CASEMIX_INGEST_MEMORY_LIMIT: DuckDB memory_limit while ingest stages and publishes ('' = memory_limit)
    ingest_memory_limit: str = INGEST_MEMORY_LIMIT
    quality_chunk_cases: int | None = None  # CASEMIX_QUALITY_CHUNK_CASES: cases per quality-check group
    quality_prefetch: bool = True           # CASEMIX_QUALITY_PREFETCH: prepare the next group while GX runs
    # CASEMIX_QUALITY_MEMORY_LIMIT: DuckDB memory_limit during the quality step ('' = memory_limit)
    quality_memory_limit: str = QUALITY_MEMORY_LIMIT

    @property
    def front_page_landing(self) -> Path:
        return self.landing / "front_page"

    @property
    def costing_landing(self) -> Path:
        return self.landing / "costing"


def settings() -> Settings:
    root = project_root()
    wh = _path("CASEMIX_WAREHOUSE", root / "warehouse" / "casemix.duckdb")
    threads = os.environ.get("CASEMIX_DUCKDB_THREADS")
    return Settings(
        root=root,
        warehouse=wh,
        landing=_path("CASEMIX_LANDING", root / "warehouse" / "landing"),
        key_file=_path("CASEMIX_KEY_FILE", root / "warehouse" / ".pseudonym_key"),
        memory_limit=os.environ.get("CASEMIX_DUCKDB_MEMORY_LIMIT", "4GB"),
        temp_dir=_path("CASEMIX_DUCKDB_TEMP_DIR", wh.parent / ".duckdb_tmp"),
        threads=int(threads) if threads else None,
        scheme_dir=os.environ.get("CASEMIX_DRG_SCHEME_DIR", "demo") or "demo",
        first_month=os.environ.get("CASEMIX_FIRST_MONTH", "2022-01-01"),
        out_of_partition=os.environ.get("CASEMIX_OUT_OF_PARTITION", "relocate"),
        dbt_project_dir=root / "dbt",
        expectations_dir=root / "expectations",
        ingest_memory_limit=os.environ.get("CASEMIX_INGEST_MEMORY_LIMIT", INGEST_MEMORY_LIMIT).strip(),
        quality_chunk_cases=_chunk_cases(os.environ.get("CASEMIX_QUALITY_CHUNK_CASES")),
        quality_prefetch=_flag("CASEMIX_QUALITY_PREFETCH", True),
        quality_memory_limit=os.environ.get("CASEMIX_QUALITY_MEMORY_LIMIT", QUALITY_MEMORY_LIMIT).strip(),
    )


QUALITY_CHUNK_CASES = 250_000   # cases the quality rules check at once (months grouped, a larger month sliced)


def _chunk_cases(v: str | None) -> int | None:
    """Unset or '': QUALITY_CHUNK_CASES; 'all': every month at once; 0: one whole month at a time."""
    if v is None or v.strip() == "":
        return QUALITY_CHUNK_CASES
    return None if v.strip().lower() == "all" else int(v)


def _flag(var: str, default: bool) -> bool:
    """An on/off setting: unset or '' = ``default``; 1/true/yes/on or 0/false/no/off (any case)."""
    v = os.environ.get(var, "").strip().lower()
    if v == "":
        return default
    if v in ("1", "true", "yes", "on"):
        return True
    if v in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{var}={os.environ[var]!r}: expected 1/0, true/false, yes/no or on/off")
