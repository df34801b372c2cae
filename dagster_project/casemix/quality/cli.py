"""``casemix check``: the coding-quality rules on one extract file, without the warehouse.

The file is parsed exactly as ingest does (``casemix.ingest.load_extract_to_duckdb`` into an in-memory
DuckDB), then the same rule runner as the pipeline checks it. Output: one CSV row per finding
(``ZZJGDM, BAH, ZYCS, rule_id, severity, field, value, message, message_en``) and a per-rule summary on
the terminal. Records that do not parse are quarantined by the loader and are *not* checked: their count
and reasons are printed.

Exit status: 0 when the rules ran (findings or not), 1 on a usage/file error, 2 on a structural failure
(missing column, empty file).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

OUTPUT_COLUMNS = ["ZZJGDM", "BAH", "ZYCS", "rule_id", "severity", "field", "value", "message", "message_en"]


def check_file(input_path: str | Path, output_path: str | Path | None = None,
               rules_dir: str | Path | None = None, code_table_dir: str | Path | None = None):
    """Run the rules on one extract; write the findings CSV; return (QualityResult, load stats, quarantine)."""
    import duckdb

    from casemix.ingest.stage import load_extract_to_duckdb
    from casemix.quality.codelists import load_code_table
    from casemix.quality.rules import load_ruleset
    from casemix.quality.runner import check_partitions

    ruleset = load_ruleset(rules_dir)
    code_table = load_code_table(code_table_dir)
    con = duckdb.connect(":memory:")
    stats = load_extract_to_duckdb(con, Path(input_path))
    quarantine = con.execute(
        "SELECT source_line, field, raw_value, reason FROM front_page.quarantine ORDER BY source_line"
    ).df()
    res = check_partitions(con, None, ruleset, code_table=code_table)
    if output_path is not None:
        out = res.issues.rename(columns={"zzjgdm": "ZZJGDM", "bah": "BAH", "zycs": "ZYCS"})[OUTPUT_COLUMNS]
        out.to_csv(output_path, index=False, encoding="utf-8-sig", lineterminator="\n")
    con.close()
    return res, stats, quarantine


def cli_check(args: argparse.Namespace) -> int:
    from casemix.quality.rules import RuleSpecError
    from casemix.quality.runner import format_summary

    t = time.perf_counter()
    try:
        res, stats, quarantine = check_file(args.input, args.output, args.rules, args.code_table)
    except (FileNotFoundError, RuleSpecError, ValueError) as e:
        print(f"casemix check: {e}", file=sys.stderr)
        return 1
    read = sum(s.rows_read for s in stats)
    loaded = sum(s.rows_loaded for s in stats)
    print(f"{args.input}: {read} records read, {loaded} checked, {read - loaded} not checked "
          f"(quarantined by the loader: unparsable values, missing key fields or superseded)")
    if len(quarantine):
        for r in quarantine.head(5).itertuples():
            print(f"  line {r.source_line}: {r.field} {r.raw_value!r}: {r.reason}")
        if len(quarantine) > 5:
            print(f"  … {len(quarantine) - 5} more")
    print(f"rule set {res.ruleset_version}; code table: {res.code_table_version or 'not configured (CMP-005 not checked)'}")
    print(format_summary(res.summary))
    n_e = int((res.issues["severity"] == "E").sum())
    n_w = int((res.issues["severity"] == "W").sum())
    print(f"{len(res.issues)} findings ({n_e} errors, {n_w} warnings) in "
          f"{res.issues['discharge_id'].nunique()} cases → {args.output}  [{time.perf_counter() - t:.1f} s]")
    for s in res.structural:
        print(f"STRUCTURAL: {s['check']}: {s['detail']}", file=sys.stderr)
    return 2 if res.blocking else 0


def add_check_subparser(subparsers) -> argparse.ArgumentParser:
    """Register ``check`` on an argparse subparsers object; sets ``func``."""
    p = subparsers.add_parser(
        "check", help="run the coding-quality rules on one extract file (no warehouse)",
        description="Checks a front-page extract (CSV/XLSX, the ingest layouts) with the quality rules "
                    "and writes one row per finding.")
    p.add_argument("--input", required=True, help="front-page extract (CSV/XLSX)")
    p.add_argument("--output", required=True, help="findings CSV to write (UTF-8 with BOM)")
    p.add_argument("--rules", default=None,
                   help="expectations folder (rules/*.yml, code_lists/*.csv); default: the project's")
    p.add_argument("--code-table", default=None,
                   help="code table folder for CMP-005 (default: $CASEMIX_CODE_TABLE_DIR; unset = not checked)")
    p.set_defaults(func=cli_check)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="casemix")
    add_check_subparser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
