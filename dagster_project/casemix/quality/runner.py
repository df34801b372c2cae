"""Run the rule set with Great Expectations 1.x on the prepared frames; results as tables.

- :func:`run_rules` — GX on the three frames (one suite per dataset, one validation per frame), returning
  a :class:`QualityResult`: ``issues`` (one row per finding: discharge_id, rule_id, severity, field,
  value, message …), ``summary`` (per partition month × rule: applicable, failed, rate, status) and
  ``structural`` (whole-partition failures: missing table/column, empty partition, a rule that crashed).
- :func:`check_partitions` — prepare + run for a set of partition months of a warehouse connection, in
  groups of whole months or, for a month larger than the group budget, slices of its cases
  (:func:`plan_chunks`).
- :func:`write_results` — replace those months in ``quality.qc_case_issues`` / ``quality.qc_rule_summary``.
- :func:`build_data_docs` — GX Data Docs (HTML) for the last run, into a folder; returns ``index.html``.

A case-level finding never drops a case: frames are not filtered, findings are rows of ``issues``.
Whether a case can be *grouped* is decided by the grouper's pre-check model, not here.

GX is imported lazily (it costs 7–10 s) and kept in one ephemeral context per process. GX results do not
raise: each result's ``exception_info`` is read, and a crashed expectation is reported as structural with
status ``error`` (never as "passed").
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from casemix.quality import gx_kwargs
from casemix.quality import prepare as prep
from casemix.quality.codelists import CodeTable, load_code_table
from casemix.quality.rules import Check, Condition, RuleSet, load_ruleset, rule_sort_key

log = logging.getLogger(__name__)

ISSUE_COLUMNS = ["partition_month", "discharge_id", "zzjgdm", "bah", "zycs", "rule_id", "severity", "field",
                 "value", "message", "message_en", "ruleset_version", "code_table_version"]
SUMMARY_COLUMNS = ["partition_month", "rule_id", "severity", "family", "applicable", "failed", "rate",
                   "status", "ruleset_version", "code_table_version"]
DATE_COLUMNS = {"csrq", "ssjczrq", "rysj_date", "cysj_date", "partition_month"}
TIMESTAMP_COLUMNS = {"rysj", "cysj"}
MONEY_COLUMNS = set(prep.FEE_COLS) | {"zfy", "zfje", "fee_item_sum", "fee_sum_diff", "maf_ssf"}
# Principal diagnosis fields as the extract names them (dx_seq 0); other slots are <CODE><n>.
PRINCIPAL_DX_FIELDS = {"jbdm": "JBDM", "qtzd": "ZYZD", "rybq": "RYBQ"}
DX_SLOT_COLUMNS = {"jbdm", "qtzd", "rybq"}
PX_SLOT_COLUMNS = {"ssjczbm", "ssjczmc", "ssjczrq", "ssjb", "sz", "yz", "ez", "qkdj", "qkyhlb", "mzfs",
                   "mzys"}


@dataclass
class QualityResult:
    issues: pd.DataFrame
    summary: pd.DataFrame
    structural: list[dict]
    ruleset_version: str
    code_table_version: str | None
    months: list[dt.date]
    gx_results: dict = field(default_factory=dict, repr=False)   # dataset:rule -> GX suite validation result
    timings: dict = field(default_factory=dict)
    chunks: list = field(default_factory=list)     # the month groups checked one after another (a month
    #                                                cut into case slices appears once per slice)
    chunk_cases: list = field(default_factory=list)   # cases checked in each group (same order)
    chunk_slices: list = field(default_factory=list)  # (slice, of) per group; None = whole months

    @property
    def blocking(self) -> bool:
        """True when a whole-partition structural failure should block downstream assets."""
        return any(s["check"] in ("missing_table", "missing_column", "empty_partition")
                   for s in self.structural)


# ------------------------------------------------------------------------------------------------- GX

class _GX:
    """One ephemeral GX context per process, with a pandas data source and one asset per dataset."""

    _lock = threading.Lock()
    _inst: "_GX | None" = None

    def __init__(self) -> None:
        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.expectations.row_conditions import Column

        from great_expectations.execution_engine import pandas_execution_engine

        # GX fingerprints every pandas batch under HASH_THRESHOLD (1e9 bytes) with hash_pandas_object
        # over all its rows, only to store the hash among the batch's markers ("pandas_data_fingerprint");
        # a larger batch gets none, and nothing reads it. One validation per rule part made that ≈ 2 s
        # of CPU per 240,000 cases (a quarter of the rules' time), so no batch gets one here.
        pandas_execution_engine.HASH_THRESHOLD = 0
        # one expectation configuration per kwargs lookup instead of one per key (casemix.quality.gx_kwargs)
        gx_kwargs.install()
        self.gx, self.gxe, self.Column = gx, gxe, Column
        self.ctx = gx.get_context(mode="ephemeral")
        self.ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.ds = self.ctx.data_sources.add_pandas("casemix_quality")
        self.batch_defs = {}
        for name in prep.DATASET_COLUMNS:
            asset = self.ds.add_dataframe_asset(name)
            self.batch_defs[name] = asset.add_batch_definition_whole_dataframe(f"{name}_frame")
        self.suites: dict[str, object] = {}

    @classmethod
    def get(cls) -> "_GX":
        with cls._lock:
            if cls._inst is None:
                cls._inst = cls()
            return cls._inst

    def condition(self, conds: tuple[Condition, ...]):
        if not conds:
            return None
        parts = []
        for c in conds:
            col = self.Column(c.column)
            v = c.value
            if c.op == "eq":
                parts.append(col == v)
            elif c.op == "ne":
                parts.append(col != v)
            elif c.op == "gt":
                parts.append(col > v)
            elif c.op == "ge":
                parts.append(col >= v)
            elif c.op == "lt":
                parts.append(col < v)
            elif c.op == "le":
                parts.append(col <= v)
            elif c.op == "in":
                parts.append(col.is_in(v))
            elif c.op == "not_in":
                parts.append(col.is_not_in(v))
            elif c.op == "is_null":
                parts.append(col.is_null() if v else col.is_not_null())
            elif c.op == "not_null":
                parts.append(col.is_not_null() if v else col.is_null())
        out = parts[0]
        for p in parts[1:]:
            out = out & p
        return out

    def suite(self, ruleset: RuleSet, dataset: str, checks: list[Check], conditions: bool = True):
        """The suite of these checks, with their row conditions, or (``conditions=False``) without them,
        for a frame of only the rows the conditions select (:func:`run_rules`)."""
        rules = sorted({c.rule_id for c in checks})
        name = (f"casemix_{'_'.join(rules) if len(rules) <= 2 else dataset}_{dataset}_{ruleset.version}_"
                f"{abs(hash(tuple(c.key for c in checks))) % 10**8}" + ("" if conditions else "_selected"))
        if name in self.suites:
            return self.suites[name]
        suite = self.gx.ExpectationSuite(name=name)
        for c in checks:
            cls = getattr(self.gxe, c.expectation)
            kw = dict(c.kwargs)
            cond = self.condition(c.conditions) if conditions else None
            if cond is not None:
                kw["row_condition"] = cond
            rule = ruleset.parts(c.rule_id)[0]
            suite.add_expectation(cls(**kw, meta={"casemix_check": c.key, "rule_id": c.rule_id,
                                                   "severity": rule.severity, "title": rule.title}))
        if conditions:      # the suites without conditions are not the context's (nor in Data Docs)
            suite = self.ctx.suites.add(suite)
        self.suites[name] = suite
        return suite

    def validate(self, dataset: str, suite, df: pd.DataFrame):
        from great_expectations.validator.v1_validator import Validator

        # COMPLETE for the full unexpected_index_list; no unexpected_index_query (for pandas a string of
        # every failing index, built with one more pass over the rows a condition selects): unused here
        v = Validator(batch_definition=self.batch_defs[dataset], batch_parameters={"dataframe": df},
                      result_format={"result_format": "COMPLETE", "return_unexpected_index_query": False})
        return v.validate_expectation_suite(suite)


# ------------------------------------------------------------------------------------------- helpers

def _as_validated_by(res, suite) -> None:
    """A result of the suite without row conditions (on the rows they select) made the result of
    ``suite`` (with them): its name and each expectation's configuration, so that Data Docs and
    ``expectation_config`` show the rule's condition. The counts and index lists are those GX gives for
    ``suite`` on the whole frame (``tests/quality/test_selected_rows.py``)."""
    configs = {(e.meta or {}).get("casemix_check"): e.configuration for e in suite.expectations}
    res.suite_name = suite.name
    for r in res.results:
        own = r.expectation_config
        cfg = configs[(own.meta or {}).get("casemix_check")]
        for k, v in own.kwargs.items():     # what GX adds when it validates (batch_id)
            cfg.kwargs.setdefault(k, v)
        r.expectation_config = cfg


def _rule_order(rule_ids: pd.Series) -> pd.Series:
    """The catalogue order of each row's rule (``rule_sort_key``) as an integer rank: the key computed
    once per distinct rule, not once per finding, and an integer column to sort on."""
    rank = {rid: i for i, rid in enumerate(sorted(pd.unique(rule_ids), key=rule_sort_key))}
    return rule_ids.map(rank)


def _ordered_issues(issues: pd.DataFrame) -> pd.DataFrame:
    """The issues in the order of the results table: month, case, rule (catalogue order), field."""
    issues = issues.assign(_o=_rule_order(issues["rule_id"]))
    issues = issues.sort_values(["partition_month", "discharge_id", "_o", "field"], kind="stable")
    return issues.drop(columns="_o").reset_index(drop=True)


def _mask(df: pd.DataFrame, conds: tuple[Condition, ...]) -> np.ndarray:
    """The rows a condition selects, with pandas ``query`` semantics (as GX applies it)."""
    m = np.ones(len(df), dtype=bool)
    for c in conds:
        s = df[c.column]
        v = c.value
        if c.op == "eq":
            r = s == v
        elif c.op == "ne":
            r = s != v
        elif c.op == "gt":
            r = s > v
        elif c.op == "ge":
            r = s >= v
        elif c.op == "lt":
            r = s < v
        elif c.op == "le":
            r = s <= v
        elif c.op == "in":
            r = s.isin(v)
        elif c.op == "not_in":
            r = ~s.isin(v)
        elif c.op == "is_null":
            r = s.isna() if v else s.notna()
        else:  # not_null
            r = s.notna() if v else s.isna()
        m &= np.asarray(r.fillna(False) if hasattr(r, "fillna") else r, dtype=bool)
    return m


def _fmt(values: pd.Series, column: str) -> pd.Series:
    """Offending values as text, as a coder would type them."""
    if len(values) == 0:
        return pd.Series([], dtype=object)
    s = values
    if column in TIMESTAMP_COLUMNS:
        out = pd.to_datetime(s).dt.strftime("%Y-%m-%d %H:%M:%S")
    elif column in DATE_COLUMNS:
        out = pd.to_datetime(s).dt.strftime("%Y-%m-%d")
    elif s.dtype.kind == "b":
        out = s.map({True: "true", False: "false"})
    elif s.dtype.kind == "f":
        if column in MONEY_COLUMNS:
            out = s.map(lambda x: "" if pd.isna(x) else f"{x:.2f}")
        else:
            out = s.map(lambda x: "" if pd.isna(x) else (str(int(x)) if float(x).is_integer() else str(x)))
    else:
        out = s.astype(object).where(s.notna(), "").astype(str)
    return out.fillna("").astype(object)


def _fields(dataset: str, column: str, seq: np.ndarray | None) -> np.ndarray | str:
    if dataset == "diagnoses" and column in DX_SLOT_COLUMNS:
        base = column.upper()
        return np.where(seq == 0, PRINCIPAL_DX_FIELDS[column],
                        np.char.add(base, seq.astype(int).astype(str)))
    if dataset == "procedures" and column in PX_SLOT_COLUMNS:
        return np.char.add(column.upper(), seq.astype(int).astype(str))
    return column.upper()


def _raised(exception_info) -> str | None:
    """The message of an exception GX caught for an expectation, else None. GX reports it in one of two
    shapes: flat (``{"raised_exception": True, "exception_message": …}``, the expectation failed) or,
    when a metric it depends on could not be computed (e.g. a row condition comparing text with a
    number), one such dict per metric, keyed by the metric's id — with ``success`` False and an empty
    result, which must not be read as "no finding"."""
    info = exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for v in info.values():
        if isinstance(v, dict) and v.get("raised_exception"):
            return str(v.get("exception_message"))
    return None


def _empty_issues() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ISSUE_COLUMNS})


# ----------------------------------------------------------------------------------------------- run

def run_rules(frames: dict[str, pd.DataFrame], ruleset: RuleSet | None = None,
              code_table_version: str | None = None, months: list[dt.date] | None = None,
              structural: list[dict] | None = None, only_rules: list[str] | None = None) -> QualityResult:
    """GX on the prepared frames. ``code_table_version`` None means no code table is configured, so
    rules that require one are reported ``not checked``."""
    import time

    ruleset = ruleset or load_ruleset()
    structural = list(structural or [])
    t0 = time.perf_counter()
    gxh = _GX.get()
    timings = {"gx_context": time.perf_counter() - t0}

    cases = frames["discharges"]
    case_index = pd.Index(cases["discharge_id"])
    if months is None:
        months = sorted({pd.Timestamp(m).date() for m in cases["partition_month"].dropna().unique()})
    month_index = pd.Index([pd.Timestamp(m) for m in months])
    case_month = month_index.get_indexer(pd.to_datetime(cases["partition_month"]))
    n_cases, n_months = len(cases), len(months)
    case_info = cases[["discharge_id", "partition_month", "zzjgdm", "bah", "zycs"]]
    ctv = code_table_version

    issues_parts: list[pd.DataFrame] = []
    applicable: dict[str, np.ndarray] = {}      # rule_id -> bool per case
    status: dict[str, str] = {}
    gx_results = {}
    missing_cols = {s["detail"] for s in structural if s["check"] in ("missing_table", "missing_column")}

    for dataset in prep.DATASET_COLUMNS:
        df = frames[dataset]
        checks: list[Check] = []
        for rule in ruleset.by_dataset(dataset):
            if only_rules and rule.id not in only_rules:
                continue
            applicable.setdefault(rule.id, np.zeros(n_cases, dtype=bool))
            if missing_cols:
                status[rule.id] = "not run"
                continue
            if "code_table" in rule.requires and ctv is None:
                status.setdefault(rule.id, "not checked")
                continue
            status.setdefault(rule.id, "checked")
            checks.extend(rule.checks)
        if not checks or df is None:
            continue
        df = df.reset_index(drop=True)
        seq = df[prep.SEQ_COLUMN[dataset]].to_numpy() if dataset in prep.SEQ_COLUMN else None
        row_case = df["case_idx"].to_numpy() if dataset != "discharges" else np.arange(len(df))
        by_key = {c.key: c for c in checks}
        # One GX validation per rule part and distinct row condition, on only the columns its checks
        # read and only the rows that condition selects (_mask, pandas query semantics, the rows the
        # applicable counts use too), with the suite's expectations without their row conditions: GX
        # applies a condition with DataFrame.query for every metric of every expectation, copying the
        # batch each time (docs/quality.md, Speed). The result is then labelled as the result of the
        # suite with the conditions (_as_validated_by), which is what Data Docs show.
        groups: dict[str, list[Check]] = {}
        for c in checks:
            groups.setdefault(c.rule_id, []).append(c)
        masks: dict[str, np.ndarray | None] = {}    # repr(conditions) -> rows they select (None: all)
        unmasked: set[str] = set()                  # conditions the mask could not be computed for
        results = []
        t = time.perf_counter()
        for rid, cs in groups.items():
            need = sorted({col for c in cs for col in (*c.columns, c.value_column)}
                          | {cd.column for c in cs for cd in c.conditions})
            by_cond: dict[str, list[Check]] = {}     # a condition's value may be a list: key by repr
            for c in cs:
                by_cond.setdefault(repr(c.conditions), []).append(c)
            for j, (ck, cs_c) in enumerate(by_cond.items()):
                if ck not in masks:
                    conds = cs_c[0].conditions
                    try:
                        masks[ck] = _mask(df, conds) if conds else None
                    except Exception:       # GX gets every row and reports its own error, as before
                        masks[ck] = None
                        unmasked.add(ck)
                m = masks[ck]
                suite = gxh.suite(ruleset, dataset, cs_c)
                if m is None:       # no condition, or one the runner could not evaluate: GX applies it
                    res = gxh.validate(dataset, suite, df[need])
                else:
                    res = gxh.validate(dataset, gxh.suite(ruleset, dataset, cs_c, conditions=False),
                                       df.loc[m, need])
                    _as_validated_by(res, suite)
                gx_results[f"{dataset}:{rid}" + (f".when{j + 1}" if len(by_cond) > 1 else "")] = res
                results.extend(res.results)
        timings[f"gx_{dataset}"] = time.perf_counter() - t
        t = time.perf_counter()
        for r in results:
            key = (r.expectation_config.meta or {}).get("casemix_check")
            c = by_key[key]
            rule = next(p for p in ruleset.parts(c.rule_id) if p.dataset == dataset)
            raised = _raised(r.exception_info)
            if raised is not None:
                status[c.rule_id] = "error"
                structural.append({"partition_month": None, "check": "rule_error",
                                   "detail": f"{c.rule_id} ({c.expectation} on {dataset}): {raised}"})
                continue
            # applicable rows: the condition, and (except null checks) a value in every checked column
            ck = repr(c.conditions)
            if ck in unmasked:
                m = _mask(df, c.conditions)
            else:
                m = masks[ck]
                m = np.ones(len(df), dtype=bool) if m is None else m.copy()
            if not c.null_check:
                for col in c.columns:
                    m &= df[col].notna().to_numpy()
            applicable[c.rule_id][row_case[m]] = True
            idx = r.result.get("unexpected_index_list") or []
            if not idx:
                continue
            idx = np.asarray(idx, dtype=np.int64)
            vals = _fmt(df[c.value_column].iloc[idx].reset_index(drop=True), c.value_column)
            fld = c.field or _fields(dataset, c.value_column, seq[idx] if seq is not None else None)
            rows = row_case[idx]
            part = case_info.iloc[rows].reset_index(drop=True).assign(
                rule_id=c.rule_id, severity=rule.severity, field=fld, value=vals.to_numpy(),
                message=rule.message_zh, message_en=rule.message_en)
            issues_parts.append(part)
        timings[f"collect_{dataset}"] = time.perf_counter() - t

    if issues_parts:
        issues = pd.concat(issues_parts, ignore_index=True)
        issues = issues.drop_duplicates(["discharge_id", "rule_id", "field", "value"], ignore_index=True)
    else:
        issues = _empty_issues()
    issues["ruleset_version"] = ruleset.version
    issues["code_table_version"] = ctv
    issues = _ordered_issues(issues)[ISSUE_COLUMNS]

    # ---- summary: per month × rule, distinct cases
    failed_case = {}
    if len(issues):
        ic = case_index.get_indexer(issues["discharge_id"])
        for rid, pos in issues.groupby("rule_id").indices.items():
            f = np.zeros(n_cases, dtype=bool)
            f[ic[pos]] = True
            failed_case[rid] = f
    rows = []
    valid_month = case_month >= 0
    for rid in sorted(applicable, key=rule_sort_key):
        part0 = ruleset.parts(rid)[0]
        a = np.bincount(case_month[valid_month & applicable[rid]], minlength=n_months)
        f = np.bincount(case_month[valid_month & failed_case.get(rid, np.zeros(n_cases, bool))],
                        minlength=n_months)
        st = status.get(rid, "checked")
        for i, m in enumerate(months):
            rows.append(_summary_row(m, rid, part0.severity, part0.family, int(a[i]), int(f[i]), st,
                                     ruleset.version, ctv))
    summary = _summary_frame(rows)
    # the findings are collected: keep for Data Docs only results without the full unexpected lists
    gx_results = {k: _slim(v) for k, v in gx_results.items()}
    timings["total"] = time.perf_counter() - t0
    return QualityResult(issues, summary, structural, ruleset.version, ctv, list(months), gx_results,
                         timings)


def _summary_row(month, rule_id: str, severity: str, family: str, applicable: int | None,
                 failed: int | None, status: str, ruleset_version: str, ctv: str | None) -> dict:
    """One summary row (month × rule); counts are kept only for a rule that was checked."""
    checked = status in ("checked", "error")
    a = int(applicable or 0) if checked else None
    f = int(failed or 0) if checked else None
    return {"partition_month": month, "rule_id": rule_id, "severity": severity, "family": family,
            "applicable": a, "failed": f,
            "rate": (float(f) / float(a) if a else None) if checked else None,
            "status": status, "ruleset_version": ruleset_version, "code_table_version": ctv}


def _summary_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def month_chunks(counts: dict[dt.date, int], months: list[dt.date], max_cases: int | None) -> list[list[dt.date]]:
    """Whole partition months grouped in order, each group holding at most ``max_cases`` cases (a month
    larger than that is a group of its own, which :func:`plan_chunks` cuts into case slices; months
    without cases join the group they fall in). ``max_cases`` 0 = one month per group; None = all months
    in one group."""
    if not months:
        return []
    if max_cases is None:
        return [list(months)]
    out: list[list[dt.date]] = []
    cur: list[dt.date] = []
    n = 0
    for m in months:
        c = counts.get(m, 0)
        if cur and (max_cases == 0 or n + c > max_cases):
            out.append(cur)
            cur, n = [], 0
        cur.append(m)
        n += c
    out.append(cur)
    return out


@dataclass(frozen=True)
class Chunk:
    """What one prepare + run pass checks: whole months, or one case slice of one month."""
    months: tuple | None              # None: every month in the tables (only when nothing to plan)
    cases: int                        # planned (from the month counts / the slice bounds)
    id_range: tuple | None = None     # (lo, hi): lo <= discharge_id < hi (None = open end)
    slice: tuple | None = None        # (i, n): slice i of n of its month (1-based); None = whole months

    @property
    def tag(self) -> str:
        """The group's name in Data Docs / the GX result keys (file-name safe: no '/' or '#')."""
        t = f"{self.months[0]:%Y-%m}..{self.months[-1]:%Y-%m}"
        return t if self.slice is None else f"{t}.slice{self.slice[0]}of{self.slice[1]}"


def plan_chunks(con, counts: dict[dt.date, int], months: list[dt.date], max_cases: int | None,
                schema: str = "front_page") -> list[Chunk]:
    """:func:`month_chunks`, then a month holding more than ``max_cases`` cases (``max_cases`` > 0) is
    cut into ``ceil(n / max_cases)`` slices of consecutive discharge_ids (ordered in DuckDB) of at most
    ``ceil(n / slices)`` ≤ ``max_cases`` cases each. A case and all its diagnoses and procedures are in one
    slice, and no rule compares cases with each other (every GX expectation here is row-wise and every
    derived column is computed within one case), so the findings of the slices are those of the month."""
    out: list[Chunk] = []
    for group in month_chunks(counts, months, max_cases):
        n = sum(counts.get(m, 0) for m in group)
        if len(group) == 1 and max_cases and n > max_cases:
            m = group[0]
            k = -(-n // max_cases)
            size = -(-n // k)
            bounds = prep.month_slice_bounds(con, m, size, schema)
            edges = [None, *bounds, None]
            k = len(edges) - 1
            for i in range(k):
                out.append(Chunk((m,), min(size, n - i * size), (edges[i], edges[i + 1]), (i + 1, k)))
        else:
            out.append(Chunk(tuple(group), n))
    return out


def _chunk_label(ch: Chunk) -> str:
    """A chunk's name for messages (also when it has no months)."""
    return "every month" if not ch.months else ch.tag


def _prepare_chunk(con, ch: Chunk, code_table, schema: str, ruleset: RuleSet):
    """``prepare_frames`` for one chunk, with its wall and CPU seconds (the process's CPU: DuckDB threads
    included, and with prefetch the main thread's GX work of the same seconds too). The slices of a
    month are cut from one read of the month (``month_cache``; the chunks of a month follow each other,
    and :func:`_check_partitions` drops the cache at the end)."""
    import time

    t, c = time.perf_counter(), time.process_time()
    p = prep.prepare_frames(con, None if ch.months is None else list(ch.months), code_table,
                            schema=schema, expectations_dir=ruleset.directory,
                            columns=ruleset.columns_by_dataset(), id_range=ch.id_range, month_cache=True)
    return p, time.perf_counter() - t, time.process_time() - c


class _Prefetcher:
    """Prepares chunks one at a time in a background thread, on its own DuckDB cursor (a connection is
    not used from two threads at once): :meth:`get` waits for chunk ``i`` and then starts chunk ``i + 1``,
    so at most one chunk is prepared ahead. An error of the background prepare is raised by :meth:`get`,
    naming the chunk.

    The first chunk is prepared with all of DuckDB's threads (nothing else runs yet); from the second on,
    while GX runs on the main thread, DuckDB has one thread fewer (at least one), so that GX keeps a core:
    on 2 cores the 1M-case step took ≈ 27.5 s instead of ≈ 29.2 s with both threads (docs/quality.md).
    ``threads`` is a setting of the database, not of the cursor; :meth:`close` sets it back."""

    def __init__(self, con, chunks: list[Chunk], *args) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.con, self.chunks, self.args = con, chunks, args
        self.cur = con.cursor()
        self.threads = int(self.cur.execute("SELECT current_setting('threads')").fetchone()[0])
        self.reduced = False
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="casemix-quality-prefetch")
        self.fut = self.pool.submit(_prepare_chunk, self.cur, chunks[0], *args)

    def get(self, i: int):
        import time

        t = time.perf_counter()
        fut, self.fut = self.fut, None
        try:
            out = fut.result()
        except Exception as e:
            raise RuntimeError(f"quality: preparing chunk {i + 1} of {len(self.chunks)} "
                               f"({_chunk_label(self.chunks[i])}) failed: {e}") from e
        wait = time.perf_counter() - t
        if i + 1 < len(self.chunks):
            if not self.reduced and self.threads > 1:
                self.cur.execute(f"SET threads = {self.threads - 1}")
                self.reduced = True
            self.fut = self.pool.submit(_prepare_chunk, self.cur, self.chunks[i + 1], *self.args)
        return (*out, wait)

    def close(self) -> None:
        """Stop: interrupt a prepare still running (after an error in the main thread), wait, close the
        cursor, set DuckDB's threads back (on ``con``: the background thread is done by then)."""
        if self.fut is not None and not self.fut.cancel() and self.fut.running():
            try:
                self.cur.interrupt()
            except Exception:
                pass
        self.pool.shutdown(wait=True)
        try:
            self.cur.close()
        except Exception:
            pass
        if self.reduced:
            self.con.execute(f"SET threads = {self.threads}")


def check_partitions(con, months: list[dt.date] | None, ruleset: RuleSet | None = None,
                     code_table: CodeTable | None | str = "env", schema: str = "front_page",
                     chunk_cases: int | None | str = "env", prefetch: bool | str = "env",
                     memory_limit: str | None = "env") -> QualityResult:
    """:func:`_check_partitions` with DuckDB's ``memory_limit`` at ``memory_limit`` meanwhile (``"env"`` =
    ``CASEMIX_QUALITY_MEMORY_LIMIT``, default 2GB; empty or None = leave the configured limit), then set
    back to ``CASEMIX_DUCKDB_MEMORY_LIMIT``: the step holds pandas frames beside DuckDB, whose buffer only
    caches table blocks here (10M cases: peak 7.25 GB at 4GB, 5.99 GB at 2GB; docs/quality.md)."""
    from casemix.config import settings
    from casemix.warehouse import memory_limit_during

    if memory_limit == "env":
        memory_limit = settings().quality_memory_limit
    with memory_limit_during(con, memory_limit):
        return _check_partitions(con, months, ruleset, code_table, schema, chunk_cases, prefetch)


def _check_partitions(con, months: list[dt.date] | None, ruleset: RuleSet | None = None,
                      code_table: CodeTable | None | str = "env", schema: str = "front_page",
                      chunk_cases: int | None | str = "env", prefetch: bool | str = "env") -> QualityResult:
    """Prepare the frames of ``months`` from ``con`` and run the rules (the pipeline and the CLI).

    Partition by partition: months are prepared and checked in groups of at most ``chunk_cases`` cases
    (``"env"`` = ``CASEMIX_QUALITY_CHUNK_CASES``, see :func:`casemix.config.settings`; 0 = one month at a
    time; None = everything at once): whole months are grouped, and a month larger than ``chunk_cases``
    is cut into slices of discharge_ids (:func:`plan_chunks`), so memory follows the group, neither the
    run nor the largest month. Each group has the fixed GX cost of one validation per rule part; the
    results are merged into exactly those of one pass (the slices' per-month counts are added up).

    ``prefetch`` (``"env"`` = ``CASEMIX_QUALITY_PREFETCH``, default on): with more than one group, the
    next group's frames are prepared in a background thread (its own cursor of ``con``) while GX checks
    the current one — at most one group ahead, so the frames of two groups are in memory at once; during
    that DuckDB runs with one thread fewer (:class:`_Prefetcher`; set back at the end). The results are
    the same either way. ``timings["prepare"]`` is then the background prepare's wall time
    (overlapping the rules), ``prepare_wait`` the main thread's wait for the frames; ``prepare_cpu`` and
    ``rules_cpu`` are process CPU seconds during each, so with prefetch they overlap and their sum is more
    than the step's CPU.
    """
    import time

    from casemix.config import settings

    ruleset = ruleset or load_ruleset()
    if code_table == "env":
        code_table = load_code_table()
    if chunk_cases == "env":
        chunk_cases = settings().quality_chunk_cases
    if prefetch == "env":
        prefetch = settings().quality_prefetch
    t = time.perf_counter()
    missing = prep.missing_structure(con, schema)
    counts = {} if missing else prep.month_case_counts(con, months, schema)
    if months is None and not missing:
        months = sorted(m for m in counts if m is not None)
    if missing or not months:
        chunks = [Chunk(None if months is None else tuple(months), sum(counts.values()))]
    else:
        chunks = plan_chunks(con, counts, list(months), chunk_cases, schema)
    t_plan = time.perf_counter() - t
    parts: list[QualityResult] = []
    sizes: list[int] = []
    ahead = _Prefetcher(con, chunks, code_table, schema, ruleset) if prefetch and len(chunks) > 1 else None
    try:
        for i, ch in enumerate(chunks):
            if ahead is not None:
                p, t_prep, c_prep, t_wait = ahead.get(i)
            else:
                p, t_prep, c_prep = _prepare_chunk(con, ch, code_table, schema, ruleset)
            sizes.append(len(p.frames["discharges"]))
            c = time.process_time()
            r = run_rules(p.frames, ruleset, p.code_table_version, p.months, p.structural)
            del p
            r.timings["prepare"] = t_prep
            if ahead is not None:
                r.timings["prepare_wait"] = t_wait
            r.timings["prepare_cpu"] = c_prep      # CPU seconds of the process (DuckDB threads included)
            r.timings["rules_cpu"] = time.process_time() - c
            if len(chunks) > 1:     # one Data Docs entry per rule and group (month group or month slice)
                r.gx_results = {f"{k}:{ch.tag}": v for k, v in r.gx_results.items()}
            parts.append(r)
    finally:
        if ahead is not None:
            ahead.close()       # the cursor's month cache goes with it
        else:
            prep.drop_month_cache(con)
    res = _merge(parts, ruleset, code_table.version if code_table else None)
    res.timings["plan"] = t_plan
    res.chunks = [list(p.months) for p in parts]
    res.chunk_cases = sizes
    res.chunk_slices = [ch.slice for ch in chunks]
    return res


def _merge(parts: list[QualityResult], ruleset: RuleSet, ctv: str | None) -> QualityResult:
    """One result from the results of the groups (month groups, or slices of one month's cases: a case is
    in exactly one group). Issues: concatenated and ordered as :func:`run_rules` orders them. Summary:
    per month × rule the applicable and failed cases of the groups are added up (a month cut into slices
    gives one row per rule, as one pass does), the rate recomputed, status ``error`` when any group had
    it. Timings summed; identical structural entries once."""
    if len(parts) == 1:
        return parts[0]
    issues = pd.concat([p.issues for p in parts if len(p.issues)] or [parts[0].issues], ignore_index=True)
    issues = _ordered_issues(issues)

    def num(v):
        return None if v is None or pd.isna(v) else int(v)

    def add(x, y):      # None (not checked) stays None; counts add up
        return None if x is None and y is None else (x or 0) + (y or 0)

    acc: dict[tuple, dict] = {}
    month_pos: dict = {}
    for p in parts:
        for r in p.summary.to_dict("records"):
            m = r["partition_month"]
            month_pos.setdefault(m, len(month_pos))
            key = (m, r["rule_id"])
            a, f = num(r["applicable"]), num(r["failed"])
            if key not in acc:
                acc[key] = dict(r, applicable=a, failed=f)
                continue
            cur = acc[key]
            cur["applicable"], cur["failed"] = add(cur["applicable"], a), add(cur["failed"], f)
            if r["status"] == "error":
                cur["status"] = "error"
    rows = [_summary_row(r["partition_month"], r["rule_id"], r["severity"], r["family"], r["applicable"],
                         r["failed"], r["status"], r["ruleset_version"], r["code_table_version"])
            for _, r in sorted(acc.items(), key=lambda kv: (rule_sort_key(kv[0][1]), month_pos[kv[0][0]]))]
    summary = _summary_frame(rows)
    timings: dict = {}
    for p in parts:
        for k, v in p.timings.items():
            timings[k] = timings.get(k, 0.0) + v
    structural: list[dict] = []
    for p in parts:
        for f in p.structural:
            if f not in structural:
                structural.append(f)
    months = list(dict.fromkeys(m for p in parts for m in p.months))
    return QualityResult(
        issues=issues[ISSUE_COLUMNS].reset_index(drop=True), summary=summary,
        structural=structural, ruleset_version=ruleset.version,
        code_table_version=parts[0].code_table_version if parts else ctv,
        months=months,
        gx_results={k: v for p in parts for k, v in p.gx_results.items()}, timings=timings)


# ------------------------------------------------------------------------------------------ persist

def ensure_quality_schema(con) -> None:
    con.execute("""
      CREATE SCHEMA IF NOT EXISTS quality;
      CREATE TABLE IF NOT EXISTS quality.qc_case_issues (
        partition_month DATE, discharge_id VARCHAR, rule_id VARCHAR, severity VARCHAR, field VARCHAR,
        value VARCHAR, message VARCHAR, message_en VARCHAR, ruleset_version VARCHAR,
        code_table_version VARCHAR);
      CREATE TABLE IF NOT EXISTS quality.qc_rule_summary (
        partition_month DATE, rule_id VARCHAR, severity VARCHAR, family VARCHAR, applicable BIGINT,
        failed BIGINT, rate DOUBLE, status VARCHAR, ruleset_version VARCHAR, code_table_version VARCHAR);
    """)


def write_results(con, months: list[dt.date], issues: pd.DataFrame, summary: pd.DataFrame) -> dict:
    """Replace ``months`` in quality.qc_case_issues and quality.qc_rule_summary (delete + insert, one
    transaction, idempotent). Rows of other months in the frames are rejected."""
    ensure_quality_schema(con)
    mset = {pd.Timestamp(m).date() for m in months}
    for name, df in (("issues", issues), ("summary", summary)):
        bad = {pd.Timestamp(m).date() for m in df["partition_month"].dropna().unique()} - mset
        if bad:
            raise ValueError(f"{name} holds months outside {sorted(mset)}: {sorted(bad)}")
    ic = ["partition_month", "discharge_id", "rule_id", "severity", "field", "value", "message", "message_en",
          "ruleset_version", "code_table_version"]
    iss = issues[ic].copy()
    summ = summary[SUMMARY_COLUMNS].copy()
    for d in (iss, summ):
        d["partition_month"] = pd.to_datetime(d["partition_month"]).dt.date
    m_list = ", ".join(f"DATE '{m.isoformat()}'" for m in sorted(mset)) or "NULL"
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM quality.qc_case_issues WHERE partition_month IN ({m_list})")
        con.execute(f"DELETE FROM quality.qc_rule_summary WHERE partition_month IN ({m_list})")
        con.register("_qc_iss", iss)
        con.register("_qc_sum", summ)
        con.execute(f"INSERT INTO quality.qc_case_issues SELECT {', '.join(ic)} FROM _qc_iss")
        con.execute(f"INSERT INTO quality.qc_rule_summary SELECT {', '.join(SUMMARY_COLUMNS)} FROM _qc_sum")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for n in ("_qc_iss", "_qc_sum"):
            try:
                con.unregister(n)
            except Exception:
                pass
    return {"issues": len(iss), "summary_rows": len(summ)}


# ----------------------------------------------------------------------------------------- data docs

def _slim(result) -> object:
    """A copy of a suite result without the full unexpected lists (Data Docs show the partial ones)."""
    import copy

    out = copy.copy(result)
    new = []
    for r in result.results:
        rr = copy.copy(r)
        rr.result = {k: v for k, v in (r.result or {}).items()
                     if k not in ("unexpected_list", "unexpected_index_list", "unexpected_index_query")}
        new.append(rr)
    out.results = new
    return out


def build_data_docs(result: QualityResult, folder: str | Path, site_name: str = "casemix_quality") -> Path:
    """Write GX Data Docs for ``result`` into ``folder`` (rebuilt from scratch); return index.html."""
    import datetime as _dt
    import shutil

    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier, ValidationResultIdentifier)

    gxh = _GX.get()
    folder = Path(folder).resolve()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ctx = gxh.ctx
    sites = ctx.get_config().data_docs_sites or {}
    if site_name in sites:
        ctx.delete_data_docs_site(site_name)
    ctx.add_data_docs_site(site_name=site_name, site_config={
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    store = ctx.validation_results_store
    run_id = RunIdentifier(run_name=f"quality {result.ruleset_version}",
                           run_time=_dt.datetime.now(_dt.timezone.utc))
    ids = []
    for dataset, res in result.gx_results.items():
        suite_id = ExpectationSuiteIdentifier(name=res.suite_name)
        vid = ValidationResultIdentifier(expectation_suite_identifier=suite_id, run_id=run_id,
                                         batch_identifier=f"{dataset}")
        store.set(vid, _slim(res))
        ids.append(vid)
    ctx.build_data_docs(site_names=[site_name])
    index = folder / "index.html"
    if not index.exists():
        raise RuntimeError(f"GX did not write {index}")
    return index


# ------------------------------------------------------------------------------------------ summary text

def format_summary(summary: pd.DataFrame) -> str:
    """Per-rule totals over all months, one line per rule (for the terminal)."""
    if summary.empty:
        return "(no rules run)"
    g = summary.groupby(["rule_id", "severity", "status"], sort=False, dropna=False).agg(
        applicable=("applicable", lambda s: None if s.isna().all() else int(s.sum())),
        failed=("failed", lambda s: None if s.isna().all() else int(s.sum()))).reset_index()
    g["_o"] = _rule_order(g["rule_id"])
    g = g.sort_values("_o")
    lines = [f"{'rule':<10} {'sev':<3} {'applicable':>10} {'failed':>8} {'rate':>8}  status"]
    for r in g.itertuples():
        if r.applicable is None or pd.isna(r.applicable):
            lines.append(f"{r.rule_id:<10} {r.severity:<3} {'-':>10} {'-':>8} {'-':>8}  {r.status}")
        else:
            rate = f"{100.0 * r.failed / r.applicable:.2f}%" if r.applicable else "-"
            lines.append(f"{r.rule_id:<10} {r.severity:<3} {int(r.applicable):>10} {int(r.failed):>8} "
                         f"{rate:>8}  {r.status}")
    return "\n".join(lines)
