"""Run dbt in this process (``dbtRunner``) against one DuckDB warehouse file.

The one place that sets the environment dbt's profile reads (``CASEMIX_WAREHOUSE``, the DuckDB spill
directory, threads), points dbt's target and log folders at a private work folder (so concurrent runs
never share ``dbt/target``), passes vars, releases the DuckDB instance dbt-duckdb keeps open in the
process, and turns a failed invocation into one error that names every failed node. The grouper CLI,
the benchmarks and the test fixtures all call it; Dagster runs dbt through dagster-dbt instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

# dbt statuses that are not a failure (``warn`` is a test at severity warn: reported, never fatal)
_OK_STATUSES = {"success", "pass", "warn", "skipped", "no-op"}


class DbtRunError(RuntimeError):
    """A dbt invocation that did not succeed; the message names the command and each failed node."""


@contextlib.contextmanager
def scoped_env(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of the block, restoring the old values after."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def release_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb keeps open in this process after a run, so the file is
    checkpointed and other connections (or a copy of the file) see every table."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager as M
    except ImportError:  # pragma: no cover
        return
    with M._LOCK:
        if M._ENV is not None:
            try:
                M._ENV.close()
            except Exception:  # noqa: BLE001 - best effort, as dbt-duckdb does itself
                pass
            M._ENV = None


def dbt_project_dir() -> Path:
    from casemix.config import settings
    return settings().dbt_project_dir


def failure_message(args: Sequence[str], res) -> str:
    """``dbt <command> failed: <exception>; <node>: <status>: <message>; …``"""
    msgs = [str(res.exception)] if getattr(res, "exception", None) is not None else []
    for r in getattr(res.result, "results", None) or []:
        status = str(getattr(r, "status", "")).lower()
        if status not in _OK_STATUSES:
            msgs.append(f"{r.node.name}: {status}: {r.message}")
    return f"dbt {args[0] if args else ''} failed: " + "; ".join(msgs or ["see the dbt log"])


def run_dbt(args: Sequence[str], *, warehouse: str | Path, work_dir: str | Path | None = None,
            dbt_vars: Mapping[str, Any] | None = None, threads: int | None = None,
            check: bool = True, manifest=None):
    """Run ``dbt <args>`` against ``warehouse`` and return the ``dbtRunnerResult``.

    ``args`` is the dbt command and its selection (``["build", "--select", "…"]``); project, profiles,
    target and log paths are added here. dbt's target/logs and DuckDB's spill directory go to
    ``work_dir`` (a temp folder, removed afterwards, when None). ``threads`` sets the profile's
    ``CASEMIX_DBT_THREADS`` (the profile's default when None). With ``check`` (the default) a failed run
    raises :class:`DbtRunError` naming every failed node. ``manifest`` (the ``result`` of a ``parse``
    run) skips parsing, so a series of invocations pays dbt's parse once.
    """
    from dbt.cli.main import dbtRunner

    project = dbt_project_dir()
    own_tmp = work_dir is None
    work = Path(tempfile.mkdtemp(prefix="casemix-dbt-")) if own_tmp else Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    full = [*args, "--project-dir", str(project), "--profiles-dir", str(project),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet"]
    if dbt_vars:
        full += ["--vars", json.dumps(dict(dbt_vars), ensure_ascii=False)]
    env = {"CASEMIX_WAREHOUSE": str(Path(warehouse).resolve()),
           "CASEMIX_DUCKDB_TEMP_DIR": str(work / "duckdb_tmp"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "False", "DBT_VERSION_CHECK": "False"}
    if threads is not None:
        env["CASEMIX_DBT_THREADS"] = str(threads)
    try:
        with scoped_env(**env):
            try:
                res = dbtRunner(manifest=manifest).invoke(full)
            finally:
                release_duckdb()
        if check and not res.success:
            raise DbtRunError(failure_message(args, res))
        return res
    finally:
        if own_tmp:
            shutil.rmtree(work, ignore_errors=True)
