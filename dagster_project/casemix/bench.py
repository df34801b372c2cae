"""End-to-end benchmark: ``python -m casemix.bench --size 1000000`` (``make bench SIZE=…``).

Generates (and caches) one UTF-8 CSV extract of N cases over 12 discharge months, then runs every
stage of the pipeline into a fresh warehouse and prints, per stage: wall seconds, CPU seconds (this
process and its children), peak RSS of the whole process tree (sampled every 50 ms, dbt subprocesses
included) and cases/s. Fixed start-up costs (imports, dbt start) are reported apart from the work.
It also measures a floor: DuckDB reading the same file once and computing one group-by over it, after
one plain read of the file (a start-up line), so the floor and ingest both read it from the page cache.

Nothing here asserts a time: it prints measured figures (and writes them as JSON beside the data).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil


@dataclass
class Stage:
    name: str
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_gb: float = 0.0
    cases_per_s: float | None = None
    note: str = ""
    slowest: list = field(default_factory=list)   # dbt stages: the slowest nodes, (name, seconds)


class TreeRSS:
    """Peak resident memory of this process plus all its descendants.

    This process's own peak is the kernel's high-water mark (``VmHWM`` of ``/proc/self/status``, reset when
    the block starts by writing 5 to ``/proc/self/clear_refs``), so it is exact and costs nothing while the
    stage runs. Descendants (none in the usual run: dbt runs in this process) are found once a second and
    their RSS sampled every ``interval`` by a thread, added to this process's RSS of the same moment; the
    peak is the larger of that sum and the own high-water mark plus the largest sum of descendants seen.
    Without ``/proc/self/clear_refs`` (another kernel) every sample is taken with psutil, as before.

    Why not psutil alone every 50 ms: walking the process table holds Python's GIL for ≈ 0.5 ms a sample,
    and ingest's reader thread, which needs the GIL, lost 0.3-0.8 s of a 28 s run to it (docs/benchmarks.md)."""

    CHILDREN_EVERY = 1.0    # seconds between two walks of the process table

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._hwm = _reset_hwm()
        self._children_peak = 0

    def _run(self) -> None:
        me = psutil.Process()
        children: list = []
        found = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now - found >= self.CHILDREN_EVERY or not self._hwm:
                try:
                    children = me.children(recursive=True)
                except psutil.Error:
                    children = []
                found = now
            total = 0
            for p in children:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self._children_peak = max(self._children_peak, total)
            if children or not self._hwm:
                try:
                    total += me.memory_info().rss
                except psutil.Error:
                    pass
                self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self) -> "TreeRSS":
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()
        if self._hwm:
            own = _hwm_bytes()
            if own is not None:
                self.peak = max(self.peak, own + self._children_peak)


def _reset_hwm() -> bool:
    """Reset this process's peak RSS (VmHWM); False where the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return _hwm_bytes() is not None
    except OSError:
        return False


def _hwm_bytes() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


@contextmanager
def measure(stages: list[Stage], name: str, cases: int | None = None, note: str = ""):
    st = Stage(name, note=note)
    t0, c0 = time.perf_counter(), _cpu()
    with TreeRSS() as rss:
        yield st
    st.wall_s = time.perf_counter() - t0
    st.cpu_s = _cpu() - c0
    st.peak_rss_gb = rss.peak / 1e9
    if cases and st.wall_s > 0:
        st.cases_per_s = cases / st.wall_s
    stages.append(st)


GENERATE_CHUNK = 1_000_000   # cases per generator run (one run holds its cases in memory: ~6.6 GB at 1M)


def _read_through(path: Path, block: int = 1 << 24) -> None:
    """Read a file once, in 16 MB blocks, into the page cache."""
    with open(path, "rb", buffering=0) as f:
        while f.read(block):
            pass


def _generate(size: int, out: Path, seed: int, chunk: int = GENERATE_CHUNK) -> Path:
    """The cached extract: one UTF-8 CSV of ``size`` cases over 12 months (the generator's own CLI).

    Above ``chunk`` cases the generator runs once per chunk, each run with its own seed and therefore its
    own hospitals (their codes derive from the seed), and the chunks' front-page, costing and manifest
    files are appended into one set, so 10,000,000 cases never sit in one process."""
    name = f"extract_{size}.csv"
    path = out / "front_page" / name
    if path.exists():
        return path
    scheme = os.environ.get("CASEMIX_DRG_SCHEME_DIR")

    def gen(n: int, dest: Path, s: int, file_name: str) -> None:
        hospitals = max(3, min(60, n // 20000))
        cmd = [sys.executable, "-m", "casemix.cli", "generate", "--out", str(dest), "--seed", str(s),
               "--hospitals", str(hospitals), "--start", "2024-01", "--months", "12",
               "--cases", str(n), "--single-file", file_name]
        if scheme:
            cmd += ["--scheme", scheme]
        subprocess.run(cmd, check=True)

    if size <= chunk:
        gen(size, out, seed, name)
        return path
    sizes = [chunk] * (size // chunk) + ([size % chunk] if size % chunk else [])
    tmp = out / "chunk"
    for k, n in enumerate(sizes):
        shutil.rmtree(tmp, ignore_errors=True)
        gen(n, tmp, seed + k, "chunk.csv")
        pairs = [(tmp / "front_page" / "chunk.csv", out / "front_page" / (name + ".part")),
                 (tmp / "manifest" / "defects.csv", out / "manifest" / "defects.csv")]
        pairs += [(f, out / "costing" / f.name) for f in sorted((tmp / "costing").glob("*.csv"))]
        for src, dst in pairs:
            _append_csv(src, dst, with_header=(k == 0))
    shutil.rmtree(tmp, ignore_errors=True)
    (out / "front_page" / (name + ".part")).rename(path)
    return path


def _append_csv(src: Path, dst: Path, with_header: bool) -> None:
    """Append ``src`` to ``dst`` (created on the first chunk); later chunks leave out their header line."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fi, open(dst, "wb" if with_header else "ab") as fo:
        if not with_header:
            fi.readline()
        shutil.copyfileobj(fi, fo, 16 << 20)


def run(size: int, workdir: Path, seed: int = 7, chunk: int = GENERATE_CHUNK) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    data = workdir / f"data_{size}"
    stages: list[Stage] = []
    with measure(stages, "generate (cached)", note="not part of the pipeline"):
        extract = _generate(size, data, seed, chunk)
    wh = workdir / f"bench_{size}.duckdb"
    for p in (wh, Path(str(wh) + ".wal")):
        p.unlink(missing_ok=True)
    os.environ["CASEMIX_WAREHOUSE"] = str(wh)
    os.environ["CASEMIX_LANDING"] = str(data)
    os.environ.setdefault("CASEMIX_PSEUDONYM_KEY", "benchmark-key")

    with measure(stages, "start-up: imports", note="duckdb, pyarrow, pandas, casemix.ingest"):
        # pandas: DuckDB's Python client imports it at the first query with parameters (≈ 0.8 s once a
        # process), which put it in the ingest stage before 2026-12-03; the pipeline's quality step and
        # dbt import it anyway
        import pandas  # noqa: F401

        from casemix.config import settings
        from casemix.ingest.stage import load_extract_to_duckdb, read_loaded_quarantined
        from casemix.pseudonymise import load_key
        from casemix.warehouse import connection

    s = settings()
    key = load_key()
    # the floor and ingest both read the extract from the page cache: a cached extract generated in an
    # earlier run may have left it, and the first reader would pay the disk (4.0 s against 1.7 s at 1M)
    with measure(stages, "start-up: page cache", note="the extract read once, so the floor is not a cold read"):
        _read_through(extract)
    with measure(stages, "floor: DuckDB read + group-by", size) as st:
        import duckdb

        con = duckdb.connect()
        con.execute(f"SET memory_limit = '{s.memory_limit}'")
        n = con.execute(
            f"SELECT count(*) FROM (SELECT JBDM, count(*), sum(TRY_CAST(ZFY AS DOUBLE)) "
            f"FROM read_csv('{extract}', all_varchar = true, header = true) GROUP BY JBDM)").fetchone()
        con.close()
        st.note = f"{n[0]} principal diagnoses"
    floor = stages[-1].wall_s

    with measure(stages, "ingest (stage + publish)", size) as st:
        with connection(s=s) as con:
            stats = load_extract_to_duckdb(con, extract, key, first_month=dt.date(2022, 1, 1), today=None)
        st.note = read_loaded_quarantined(stats)

    with measure(stages, "reference: scheme + costing inputs") as st:
        from casemix.costing.load import load_costing
        from casemix.scheme import load_scheme, write_scheme_duckdb

        with connection(s=s) as con:
            write_scheme_duckdb(load_scheme(s.scheme_dir), con)
            cst = load_costing(con, s.costing_landing)
        st.note = f"scheme {s.scheme_dir}; {sum(f.rows_loaded for f in cst):,} costing rows"

    quality = _try_quality(stages, size, s)
    _dbt_stages(stages, size, s)

    work = [x for x in stages if not x.name.startswith(("generate", "start-up", "floor", "CI only"))]
    total_wall = sum(x.wall_s for x in work)
    total = Stage("total (pipeline stages)", total_wall, sum(x.cpu_s for x in work),
                  max((x.peak_rss_gb for x in work), default=0), size / total_wall if total_wall else None,
                  f"total / floor = {total_wall / floor:.1f}")
    stages.append(total)
    result = {
        "size": size, "date": dt.datetime.now().isoformat(timespec="seconds"),
        "commit": _commit(), "machine": _machine(), "quality_stage": quality,
        "stages": [asdict(x) for x in stages],
    }
    (workdir / f"bench_{size}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


def _try_quality(stages: list[Stage], size: int, s) -> str:
    from casemix.warehouse import connection

    with measure(stages, "start-up: great_expectations import"):
        import great_expectations  # noqa: F401  (7-10 s, paid once per process)
    with measure(stages, "quality checks (GX, all months)", size) as st:
        from casemix.quality.runner import check_partitions, write_results

        with connection(s=s) as con:
            months = [r[0] for r in con.execute(
                "SELECT partition_month FROM front_page.partition_stats ORDER BY 1").fetchall()]
            res = check_partitions(con, months)
            write_results(con, months, res.issues, res.summary)
        st.note = f"{len(res.issues):,} findings on {res.issues['discharge_id'].nunique():,} cases"
    return "measured"


# The dbt part of the pipeline, stage by stage (models only; the tests after them in one step). The
# pipeline itself runs all of it as one `dbt build`; here each stage is its own invocation on one parsed
# manifest, so every stage gets its own wall, CPU and memory figures and dbt's parse is paid once.
DBT_STAGES = [
    ("reference: dbt seeds", ["seed"]),
    ("grouping (staging + grouper)", ["run", "--select", "path:models/staging", "path:models/intermediate/grouping",
                                      "path:models/marts/grouping"]),
    ("weights and CMI", ["run", "--select", "path:models/intermediate/case_mix", "path:models/marts/case_mix"]),
    ("costing, margins and payment", ["run", "--select", "path:models/intermediate/costing",
                                      "path:models/marts/costing", "path:models/marts/payment"]),
    ("quality mart", ["run", "--select", "path:models/marts/quality"]),
    ("dbt data tests", ["test", "--exclude-resource-type", "unit_test"]),
    # not part of the pipeline (casemix.defs.dbt.PIPELINE_BUILD_ARGS leaves them out; make test runs them):
    # measured for the record, outside the total
    ("CI only: dbt unit tests", ["test", "--select", "test_type:unit"]),
]


SLOWEST_NODES = 5


def _dbt_stages(stages: list[Stage], size: int, s) -> None:
    """The dbt stages in this process (casemix.dbt_runner) on one parsed manifest; per-node times from the
    run results. Warns in the last note when a model of the project was in no stage."""
    from casemix.dbt_runner import run_dbt

    work = Path(s.warehouse).parent / "dbt_work"
    shutil.rmtree(work, ignore_errors=True)
    with measure(stages, "start-up: dbt import + parse"):
        manifest = run_dbt(["parse"], warehouse=s.warehouse, work_dir=work).result
    # ephemeral models are never run: dbt inlines them as CTEs into the models that read them
    models = {uid for uid, n in manifest.nodes.items()
              if n.resource_type == "model" and n.config.materialized != "ephemeral"}
    built: set[str] = set()
    for name, args in DBT_STAGES:
        with measure(stages, name, None if name.startswith(("reference", "CI only")) else size) as st:
            res = run_dbt(args, warehouse=s.warehouse, work_dir=work, manifest=manifest, check=False)
        results = list(getattr(res.result, "results", None) or [])
        built |= {r.node.unique_id for r in results}
        st.slowest = [(r.node.name, round(float(r.execution_time or 0), 2)) for r in
                      sorted(results, key=lambda r: -float(r.execution_time or 0))[:SLOWEST_NODES]]
        failed = [r.node.name for r in results if str(r.status).lower() in ("error", "fail", "runtime error")]
        st.note = (f"{len(results)} nodes, {sum(float(r.execution_time or 0) for r in results):.1f} s node time "
                   f"({res.result.elapsed_time:.1f} s dbt elapsed)" if results else "nothing selected")
        if failed or not res.success:
            st.note += f"; FAILED: {', '.join(failed[:5]) or res.exception}"
    missing = sorted(m.split(".")[-1] for m in models - built)
    if missing:
        stages[-1].note += f"; models in no stage: {', '.join(missing)}"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _machine() -> str:
    return (f"{platform.machine()}, {psutil.cpu_count()} cores, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}")


def print_table(result: dict) -> None:
    print(f"\ncasemix benchmark: {result['size']:,} cases, {result['date']}, commit {result['commit']}, "
          f"{result['machine']}")
    print(f"{'stage':<36}{'wall s':>9}{'cpu s':>9}{'peak RSS GB':>13}{'cases/s':>12}  note")
    for st in result["stages"]:
        cps = f"{st['cases_per_s']:,.0f}" if st["cases_per_s"] else ""
        print(f"{st['name']:<36}{st['wall_s']:>9.1f}{st['cpu_s']:>9.1f}{st['peak_rss_gb']:>13.2f}"
              f"{cps:>12}  {st['note']}")
    for st in result["stages"]:
        if st.get("slowest"):
            print(f"slowest nodes of {st['name']}: "
                  + ", ".join(f"{n} {t:.1f} s" for n, t in st["slowest"]))
    print(f"quality stage: {result['quality_stage']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--workdir", type=Path, default=Path("warehouse/bench"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--chunk", type=int, default=GENERATE_CHUNK,
                    help="cases per generator run when generating a larger extract (default 1,000,000)")
    a = ap.parse_args(argv)
    print_table(run(a.size, a.workdir.resolve(), a.seed, a.chunk))
    return 0


if __name__ == "__main__":
    sys.exit(main())
