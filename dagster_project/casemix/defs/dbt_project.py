"""The dbt project as Dagster sees it. No relative imports (dagster-dbt's packaging loads this file
on its own), and no parsing at import: `make manifest` (dbt parse) writes target/manifest.json, and
``prepare_if_dev`` re-parses only under ``dagster dev``."""

import os

from dagster_dbt import DbtProject

from casemix.config import settings

_s = settings()
# dbt reads the same CASEMIX_* variables; make them absolute before any dbt subprocess starts.
os.environ.setdefault("CASEMIX_WAREHOUSE", str(_s.warehouse))
os.environ.setdefault("CASEMIX_DUCKDB_TEMP_DIR", str(_s.temp_dir))
os.environ.setdefault("CASEMIX_DUCKDB_MEMORY_LIMIT", _s.memory_limit)
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
os.environ.setdefault("DBT_VERSION_CHECK", "False")

casemix_dbt_project = DbtProject(project_dir=_s.dbt_project_dir, profiles_dir=_s.dbt_project_dir)
casemix_dbt_project.prepare_if_dev()
