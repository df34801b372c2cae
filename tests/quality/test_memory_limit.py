"""The quality step runs under its own DuckDB memory limit (CASEMIX_QUALITY_MEMORY_LIMIT) and gives the
connection back with the configured limit, also after an error."""

import duckdb
import pytest

from casemix.quality import runner


def _limit(c) -> str:
    return c.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_quality_step_runs_under_its_own_memory_limit_and_restores_it(monkeypatch):
    monkeypatch.setenv("CASEMIX_DUCKDB_MEMORY_LIMIT", "3GB")
    monkeypatch.setenv("CASEMIX_QUALITY_MEMORY_LIMIT", "512MB")
    c = duckdb.connect()
    c.execute("SET memory_limit = '3GB'")
    configured = _limit(c)
    seen = []

    def fake(con, *args):
        seen.append(_limit(con))
        return "result"

    monkeypatch.setattr(runner, "_check_partitions", fake)
    assert runner.check_partitions(c, None) == "result"
    assert seen == ["488.2 MiB"]                 # 512 MB as DuckDB prints it
    assert _limit(c) == configured

    # an explicit limit wins over the setting; '' keeps the configured limit throughout
    runner.check_partitions(c, None, memory_limit="256MB")
    assert seen[-1] == "244.1 MiB" and _limit(c) == configured
    monkeypatch.setenv("CASEMIX_QUALITY_MEMORY_LIMIT", "")
    runner.check_partitions(c, None)
    assert seen[-1] == configured

    def failing(con, *args):
        raise RuntimeError("rule failed")

    monkeypatch.setenv("CASEMIX_QUALITY_MEMORY_LIMIT", "512MB")
    monkeypatch.setattr(runner, "_check_partitions", failing)
    with pytest.raises(RuntimeError, match="rule failed"):
        runner.check_partitions(c, None)
    assert _limit(c) == configured
    c.close()


def test_the_default_quality_memory_limit_is_2gb(monkeypatch):
    from casemix.config import QUALITY_MEMORY_LIMIT, settings

    monkeypatch.delenv("CASEMIX_QUALITY_MEMORY_LIMIT", raising=False)
    assert settings().quality_memory_limit == QUALITY_MEMORY_LIMIT == "2GB"
