"""`casemix group` end to end: a front-page CSV in, BAH/ZYCS + grouping columns out, same SQL as the pipeline."""

from __future__ import annotations

import csv

from grouper_fixtures import case, hand_scheme, write_cases


def test_group_cli_writes_every_record_in_input_order(tmp_path):
    from casemix.cli import main
    from casemix.scheme import write_scheme

    scheme_dir = write_scheme(hand_scheme("T-1", "2020-01-01", "2021-01-01"), tmp_path / "scheme")
    cases = [
        case("C1", "J18.900", px=("47.0100",)),          # QY under principal, ES15 with --qy-mode off
        case("C2", "J18.900", sdx=("I50.900",)),         # ES11
        case("C3", "J18.900", age="abc"),                # NL does not parse: quarantined by the ingest
        case("C4", "Q99.999"),                           # 0000
    ]
    # discharged in 2023 although T-1 ends in 2021: the CLI groups every case with the scheme it is given
    inp = write_cases(tmp_path / "cases.csv", cases)
    out = tmp_path / "grouped.csv"
    rc = main(["group", "--scheme", str(scheme_dir), "--input", str(inp), "--output", str(out),
               "--qy-mode", "off"])
    assert rc == 0
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["BAH", "ZYCS", "scheme_version", "mdc", "adrg", "drg_code", "severity_level",
                             "grouping_status", "status_reason", "dx_match", "trace"]
    got = [(r["BAH"], r["ZYCS"], r["adrg"], r["drg_code"], r["grouping_status"]) for r in rows]
    assert got == [("C1", "1", "ES1", "ES15", "grouped"),
                   ("C2", "1", "ES1", "ES11", "grouped"),
                   ("C3", "1", "", "", "invalid"),
                   ("C4", "1", "", "0000", "0000")]
    assert "NL" in rows[2]["status_reason"]
    assert "ES11" in rows[1]["trace"] and "I50.900" in rows[1]["trace"]
