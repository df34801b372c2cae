"""Hospital cost accounting inputs (成本核算): table specs, loaders and validators (no Dagster imports)."""
