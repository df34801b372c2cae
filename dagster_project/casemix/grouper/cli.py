"""``casemix group``: group a front-page file with a scheme (wired by casemix/cli.py)."""

from __future__ import annotations

import argparse
import sys

from casemix.grouper.run import QY_MODES, REQUIRED_COLUMNS


def cli_group(args: argparse.Namespace) -> int:
    from casemix.grouper.run import group_file

    try:
        counts = group_file(args.scheme, args.input, args.output, qy_mode=args.qy_mode,
                            scheme_version=args.scheme_version)
    except (FileNotFoundError, ValueError, RuntimeError) as e:
        print(f"casemix group: {e}", file=sys.stderr)
        return 1
    total = sum(counts.values())
    print(f"grouped {total} records into {args.output}: "
          + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    return 0


def add_group_subparser(subparsers) -> argparse.ArgumentParser:
    """Register ``group`` on an argparse subparsers object; sets ``func``."""
    p = subparsers.add_parser(
        "group", help="group a front-page CSV/XLSX with a DRG scheme (same SQL as the pipeline)",
        description="Groups a front-page extract (the ingest layout; needs "
                    + ", ".join(REQUIRED_COLUMNS) + ") and writes BAH, ZYCS, mdc, adrg, drg_code, "
                    "grouping_status, status_reason and the rule trace.")
    p.add_argument("--scheme", required=True,
                   help="'demo', a DRG_Rules folder (e.g. CHS_DRG_11) or a normalized scheme folder")
    p.add_argument("--input", required=True, help="front-page extract (CSV/XLSX)")
    p.add_argument("--output", required=True, help="CSV to write (UTF-8)")
    p.add_argument("--qy-mode", choices=QY_MODES, default="principal",
                   help="QY when an operating-room procedure fits no surgical ADRG: in the principal slot "
                        "(default), in any slot, or never")
    p.add_argument("--scheme-version", default=None, help="version to use when the scheme holds several")
    p.set_defaults(func=cli_group)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="casemix")
    add_group_subparser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
