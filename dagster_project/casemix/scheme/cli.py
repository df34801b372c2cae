"""``casemix scheme import|show``: the CLI hook wired by ``casemix/cli.py`` through add_scheme_subparser()."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casemix.scheme.io import load_scheme, write_scheme, write_scheme_duckdb
from casemix.scheme.tables import TABLE_NAMES


def _summary(tables) -> str:
    sv = tables["scheme_versions"]
    lines = []
    for _, r in sv.iterrows():
        flag = "  [ILLUSTRATIVE - not for payment]" if bool(r["is_illustrative"]) else ""
        lines.append(f"scheme {r['scheme_version']}: {r['scheme_name']}{flag}")
    width = max(len(t) for t in TABLE_NAMES)
    for t in TABLE_NAMES:
        lines.append(f"  {t:<{width}}  {len(tables[t]):>7}")
    res = tables["residue"]
    lines.append(f"residue: {len(res)} rows")
    if len(res):
        by = res.assign(problem=res["problem"].str.replace(r"\b[A-Z]{2}\d(\.\w+)?\b", "<list>", regex=True)
                        .str.replace(r"\bMDC[A-Z]\b", "MDC?", regex=True)
                        .str.replace(r"7-\d+", "7-n", regex=True))
        for (f, p), n in by.groupby(["file", "problem"], dropna=False).size().items():
            lines.append(f"  {n:>6}  {f}: {p}")
    return "\n".join(lines)


def cli_scheme_import(args: argparse.Namespace) -> int:
    tables = load_scheme(args.source, getattr(args, "version", None))
    if getattr(args, "version", None) and not (Path(str(args.source)) / "1_MDC.txt").exists():
        # renaming a normalized scheme: rewrite the version column everywhere
        for t, df in tables.items():
            df["scheme_version"] = args.version
    if not args.out and not args.warehouse:
        print("nothing to do: give --out DIR and/or --warehouse PATH", file=sys.stderr)
        print(_summary(tables))
        return 2
    if args.out:
        out = write_scheme(tables, args.out)
        print(f"wrote {len(TABLE_NAMES)} CSVs to {out}")
    if args.warehouse:
        from casemix.warehouse import connection
        with connection(args.warehouse) as con:
            counts = write_scheme_duckdb(tables, con, schema=args.schema)
        print(f"loaded into {args.warehouse} schema {args.schema}: "
              + ", ".join(f"{t}={n}" for t, n in counts.items()))
    print(_summary(tables))
    return 0


def cli_scheme_show(args: argparse.Namespace) -> int:
    print(_summary(load_scheme(args.source)))
    return 0


def add_scheme_subparser(subparsers) -> argparse.ArgumentParser:
    """Register ``scheme import`` and ``scheme show`` on an argparse subparsers object; sets ``func``."""
    p = subparsers.add_parser("scheme", help="import / inspect DRG grouping schemes")
    sp = p.add_subparsers(dest="scheme_command", required=True)
    imp = sp.add_parser("import", help="import a DRG_Rules folder or a normalized scheme folder")
    imp.add_argument("--source", required=True, help="DRG_Rules folder (has 1_MDC.txt), normalized folder, or 'demo'")
    imp.add_argument("--version", default=None, help="scheme_version to store (default: from the source)")
    imp.add_argument("--out", default=None, help="write normalized CSVs to this folder")
    imp.add_argument("--warehouse", default=None, help="DuckDB file to load into (replaces this version's rows)")
    imp.add_argument("--schema", default="scheme", help="DuckDB schema (default: scheme)")
    imp.set_defaults(func=cli_scheme_import)
    show = sp.add_parser("show", help="print table counts and the residue summary")
    show.add_argument("source", help="folder (DRG_Rules or normalized) or 'demo'")
    show.set_defaults(func=cli_scheme_show)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="casemix")
    add_scheme_subparser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
