"""The ``casemix`` command line.

Subcommands are registered by the module that owns them (generate, check, scheme, group), so each
feature keeps its CLI next to its code; this file wires them together and holds the pipeline commands
(run, summary, init-key).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import logging
import os
import sys

# (module, registration function) — each adds its own subcommand(s)
_FEATURE_COMMANDS = [
    ("casemix.generate.cli", "add_generate_subparser"),
    ("casemix.quality.cli", "add_check_subparser"),
    ("casemix.scheme.cli", "add_scheme_subparser"),
    ("casemix.grouper.cli", "add_group_subparser"),
]


def _month(s: str) -> dt.date:
    return dt.date.fromisoformat(s + "-01" if len(s) == 7 else s).replace(day=1)


def _landing_months() -> list[dt.date]:
    from casemix.config import settings
    from casemix.defs.ingest import _file_months
    from casemix.ingest.stage import landing_files

    s = settings()
    months = {k for p in landing_files(s.front_page_landing) for k in _file_months(p)}
    first = _month(s.first_month)
    return sorted(m for m in (dt.date.fromisoformat(k) for k in months) if m >= first)


def cmd_run(args: argparse.Namespace) -> int:
    """Materialize every asset for a range of discharge months in one run (recorded in DAGSTER_HOME)."""
    from dagster import DagsterInstance

    from casemix.definitions import defs

    if args.months:
        start, _, end = args.months.partition("..")
        start_m, end_m = _month(start), _month(end or start)
    else:
        months = _landing_months()
        if not months:
            print("no landing files: run `casemix generate` first or copy extracts into the landing "
                  "folder", file=sys.stderr)
            return 1
        start_m, end_m = months[0], months[-1]
    job = defs.resolve_job_def("casemix_pipeline")
    print(f"materializing all assets for discharge months {start_m:%Y-%m} .. {end_m:%Y-%m} "
          f"(one run, one dbt invocation)")
    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    result = job.execute_in_process(
        instance=instance,
        run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
        tags={"dagster/asset_partition_range_start": start_m.isoformat(),
              "dagster/asset_partition_range_end": end_m.isoformat()},
        raise_on_error=False,
    )
    if not result.success:
        for ev in result.all_events:
            if ev.is_failure:
                print(ev.message, file=sys.stderr)
        return 1
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from casemix.summary import print_summary

    return print_summary()


def cmd_init_key(args: argparse.Namespace) -> int:
    from casemix.config import settings
    from casemix.pseudonymise import ensure_key_file

    p = ensure_key_file(settings().key_file)
    print(f"pseudonymisation key: {p}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="casemix", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="materialize every asset for a range of discharge months")
    p.add_argument("--months", help="START..END as YYYY-MM..YYYY-MM (default: months in landing files)")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                   help="Dagster console log level (default INFO)")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("summary", help="print what the warehouse holds (hospitals, months, row counts)")
    p.set_defaults(func=cmd_summary)
    p = sub.add_parser("init-key", help="create the local pseudonymisation key file if missing")
    p.set_defaults(func=cmd_init_key)

    for module, fn in _FEATURE_COMMANDS:
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:  # a feature not built yet
            if e.name and not module.startswith(e.name):
                raise
            continue
        getattr(mod, fn)(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
