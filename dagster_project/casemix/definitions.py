"""Dagster entry point (``dagster dev -m casemix.definitions``)."""

import sys
from pathlib import Path

from dagster import AssetSelection, Definitions, define_asset_job, in_process_executor
from dagster_dbt import DbtCliResource

from casemix.defs.dbt import casemix_dbt_models
from casemix.defs.dbt_project import casemix_dbt_project
from casemix.defs.ingest import front_page_ingest, landing_file_sensor, monthly_pipeline_schedule
from casemix.defs.partitions import monthly_partitions
from casemix.defs.scheme import drg_scheme
from casemix.defs.costing import costing_ingest
from casemix.defs.quality import coding_quality

casemix_pipeline = define_asset_job(
    "casemix_pipeline",
    selection=AssetSelection.all(),
    partitions_def=monthly_partitions,
    description="Ingest the selected discharge months, check them, then rebuild the dbt models once.",
)

defs = Definitions(
    assets=[front_page_ingest, coding_quality, drg_scheme, costing_ingest, casemix_dbt_models],
    jobs=[casemix_pipeline],
    sensors=[landing_file_sensor],
    schedules=[monthly_pipeline_schedule],
    resources={"dbt": DbtCliResource(
        project_dir=casemix_dbt_project,
        # the dbt of this environment, whether or not its bin folder is on PATH
        dbt_executable=str(Path(sys.executable).with_name("dbt")),
    )},
    # DuckDB admits one writer per file: steps run one after another in the run's process.
    executor=in_process_executor,
)
