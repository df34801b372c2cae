"""``casemix generate``: synthetic front-page extracts (registered by ``casemix.cli``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def cmd_generate(args: argparse.Namespace) -> int:
    from casemix.config import settings
    from casemix.generate import generate
    from casemix.pseudonymise import ensure_key_file, load_key

    s = settings()
    ensure_key_file(s.key_file)
    scheme = args.scheme or s.scheme_dir
    out = Path(args.out) if args.out else s.landing
    res = generate(
        out, args.seed, key=load_key(s.key_file), hospitals=args.hospitals, start=args.start,
        months=args.months, cases_per_month=args.cases_per_month, cases=args.cases,
        defect_rate=args.defect_rate, scheme=scheme, gb18030_share=args.gb18030_share,
        xlsx_share=args.xlsx_share, chinese_header_share=args.chinese_header_share,
        single_file=args.single_file, dx_slots=args.dx_slots, px_slots=args.px_slots,
        costing=not args.no_costing,
    )
    secs = ", ".join(f"{k} {v:.1f}s" for k, v in res.seconds.items())
    print(f"wrote {res.n_cases} cases in {len(res.files)} file(s) to {out / 'front_page'} ({secs})")
    if res.defects_available:
        print(f"{res.n_defects} injected defects listed in {out / 'manifest' / 'defects.csv'}")
    else:
        print("defect injector (casemix.generate.defects) not available: no defects injected",
              file=sys.stderr)
    if args.verbose:
        summary = json.loads((out / "manifest" / "summary.json").read_text(encoding="utf-8"))
        print(json.dumps(summary["distributions"], ensure_ascii=False, indent=1))
    return 0


def add_generate_subparser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "generate", help="write synthetic front-page extracts (HQMS layout) with a defect manifest",
        description="Deterministic synthetic 住院病案首页 extracts: one file per hospital × month "
                    "(<ZZJGDM>_<YYYYMM>.csv/.xlsx), manifest/defects.csv, manifest/summary.json, "
                    "reference/hospitals.csv + departments.csv + staff.csv.")
    p.add_argument("--out", default=None, help="output folder (default: the landing folder, CASEMIX_LANDING)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--hospitals", type=int, default=3, help="number of hospitals (alternating 三级/二级)")
    p.add_argument("--start", default="2022-01", help="first discharge month YYYY-MM")
    p.add_argument("--months", type=int, default=36)
    p.add_argument("--cases-per-month", type=float, default=60.0,
                   help="mean discharges per month of a tertiary hospital (secondary: half)")
    p.add_argument("--cases", type=int, default=None,
                   help="exact total number of cases (spread over hospitals × months by volume)")
    p.add_argument("--defect-rate", type=float, default=0.02)
    p.add_argument("--scheme", default=None, help="'demo' or a scheme folder (default CASEMIX_DRG_SCHEME_DIR)")
    p.add_argument("--gb18030-share", type=float, default=0.25)
    p.add_argument("--xlsx-share", type=float, default=0.08)
    p.add_argument("--chinese-header-share", type=float, default=0.2)
    p.add_argument("--single-file", default=None, metavar="NAME.csv",
                   help="write every case into one UTF-8 CSV (benchmarks) instead of hospital × month files")
    p.add_argument("--dx-slots", type=int, default=15)
    p.add_argument("--px-slots", type=int, default=7)
    p.add_argument("--no-costing", action="store_true",
                   help="do not write the costing inputs (landing/costing/) that match these cases")
    p.add_argument("-v", "--verbose", action="store_true", help="print the distribution summary")
    p.set_defaults(func=cmd_generate)
    return p
