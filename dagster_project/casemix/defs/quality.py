"""Coding-quality checks per discharge month: quality.qc_case_issues and quality.qc_rule_summary.

Each rule of the rule set is a Dagster asset check on ``quality/qc_case_issues`` (severity WARN: a case
finding never drops a case nor blocks grouping); the structural check (missing table or column, empty
partition) is a blocking ERROR check, so downstream models do not build on a broken partition. When it
fails, nothing is written and the two tables are not materialized (their specs are skippable): the step
fails on the blocking check and Dagster skips the steps downstream (the dbt models).
"""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from casemix.config import settings
from casemix.defs.partitions import month_of, monthly_partitions
from casemix.quality.rules import load_ruleset
from casemix.warehouse import connection

ISSUES = AssetKey(["quality", "qc_case_issues"])
SUMMARY = AssetKey(["quality", "qc_rule_summary"])
_RULESET = load_ruleset(settings().expectations_dir)  # YAML only: GX is imported in the run
_FRONT_PAGE = [AssetKey(["front_page", t]) for t in ("discharges", "diagnoses", "procedures")]


def _check_name(rule_id: str) -> str:
    return rule_id.replace("-", "_").lower()


def _json_safe(structural: list[dict]) -> list[dict]:
    """Structural failures as JSON metadata (partition months as ISO dates)."""
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in f.items()} for f in structural]


@multi_asset(
    name="coding_quality",
    specs=[
        AssetSpec(ISSUES, deps=_FRONT_PAGE, group_name="quality", kinds={"duckdb", "python"}, skippable=True,
                  description="One row per (case, rule) finding: rule id, severity, field, value, message, "
                              "rule-set and code-table versions."),
        AssetSpec(SUMMARY, deps=_FRONT_PAGE, group_name="quality", kinds={"duckdb", "python"}, skippable=True,
                  description="Per month and rule: cases the rule applies to, failed, rate = failed / applicable."),
    ],
    check_specs=[
        AssetCheckSpec("partition_structure", asset=ISSUES, blocking=True,
                       description="Required tables and columns present and the partition not empty."),
        *[AssetCheckSpec(_check_name(rid), asset=ISSUES,
                         description=f"{rid}: {_RULESET.parts(rid)[0].title}")
          for rid in _RULESET.ids],
    ],
    partitions_def=monthly_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    can_subset=False,
    pool="duckdb_writer",
)
def coding_quality(context: AssetExecutionContext):
    from casemix.quality.runner import build_data_docs, check_partitions, write_results

    s = settings()
    months = [month_of(k) for k in context.partition_keys]
    with connection(s=s) as con:
        res = check_partitions(con, months, _RULESET)
        if not res.blocking:
            write_results(con, months, res.issues, res.summary)
    docs = build_data_docs(res, s.warehouse.parent / "gx" / "data_docs")
    structural = _json_safe(res.structural)
    for f in structural:
        context.log.error(f"structural failure, downstream blocked: {f['check']}: {f['detail']}")
    md = {
        "findings": len(res.issues),
        "cases_with_findings": int(res.issues["discharge_id"].nunique()) if len(res.issues) else 0,
        "ruleset_version": res.ruleset_version,
        "month_groups": len(res.chunks),
        "code_table_version": res.code_table_version or "not configured (CMP-005 not checked)",
        "data_docs": MetadataValue.path(str(docs)),
        "structural_failures": MetadataValue.json(structural),
    }
    if not res.blocking:
        yield MaterializeResult(asset_key=ISSUES, metadata=md)
        yield MaterializeResult(asset_key=SUMMARY, metadata={"rules": len(_RULESET.ids),
                                                             "data_docs": MetadataValue.path(str(docs))})
    yield AssetCheckResult(
        check_name="partition_structure", asset_key=ISSUES, passed=not res.blocking,
        severity=AssetCheckSeverity.ERROR,
        metadata={"failures": MetadataValue.json(structural), "data_docs": MetadataValue.path(str(docs))})
    summ = res.summary
    for rid in _RULESET.ids:
        rows = summ[summ["rule_id"] == rid] if len(summ) else summ
        applicable = int(rows["applicable"].sum()) if len(rows) else 0
        failed = int(rows["failed"].sum()) if len(rows) else 0
        status = ",".join(sorted(set(rows["status"]))) if len(rows) else "not run"
        yield AssetCheckResult(
            check_name=_check_name(rid), asset_key=ISSUES, passed=failed == 0,
            severity=AssetCheckSeverity.WARN,
            metadata={"applicable": applicable, "failed": failed,
                      "rate": round(failed / applicable, 6) if applicable else 0.0, "status": status})
