"""dbt models as Dagster assets: one dbt invocation per run, whatever the number of partitions."""


from typing import Any, Mapping

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from casemix.defs.case_mix import with_range_check_details
from casemix.defs.dbt_project import casemix_dbt_project


# The pipeline's dbt build: models, seeds and data tests. The dbt unit tests are left out: their inputs are
# static fixtures, so they say nothing about the data of a run (dbt's own advice is to run them in
# development and CI only); `make test` runs every one of them (tests/test_pipeline_e2e.py). At 1 M cases
# the 28 unit tests were 9.6 s of the 22 s of test node time (docs/benchmarks.md).
PIPELINE_BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]


class CasemixDbtTranslator(DagsterDbtTranslator):
    """The one place for dbt asset keys and groups: models are keyed ``[schema, name]`` and grouped by
    their folder; sources keep ``[source, table]`` so they join the Python assets of the same key."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


@dbt_assets(
    manifest=casemix_dbt_project.manifest_path,
    project=casemix_dbt_project,
    dagster_dbt_translator=CasemixDbtTranslator(),
    pool="duckdb_writer",
)
def casemix_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource):
    # case-mix reasonable-range checks (WARN) get the hospital-months they found (casemix.defs.case_mix)
    yield from with_range_check_details(dbt.cli(PIPELINE_BUILD_ARGS, context=context).stream())
