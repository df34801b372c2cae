"""Weight tables (权重表): helpers around the dbt seeds weight_versions / official_weights (no Dagster imports).
The weights themselves are computed in dbt (models/intermediate/case_mix, docs/case_mix.md)."""

from casemix.weights.official import import_official

__all__ = ["import_official"]
