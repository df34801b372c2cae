"""``casemix check`` on a hand-written extract file: same rules, findings CSV, summary on the terminal."""

from __future__ import annotations

import copy

import pandas as pd

from quality_fixtures import clean_case, to_extract_rows


def test_check_cli_writes_one_row_per_finding(tmp_path, gx_loaded, capsys):
    from casemix.quality.cli import main

    good = clean_case(1)
    bad = copy.deepcopy(clean_case(2))
    bad["XB"] = "2"                                   # female …
    bad["dx"].append(("前列腺增生", "N40.x00", "1"))   # … with a male-only dx in other slot 3 → SEX-001
    bad["SJZYTS"] = 9                                 # 4 days → DT-003
    unparsable = copy.deepcopy(clean_case(3))
    unparsable["ZFY"] = "abc"                         # quarantined by the loader, not a rule finding
    src = tmp_path / "extract.csv"
    to_extract_rows([good, bad, unparsable]).to_csv(src, index=False, encoding="utf-8")
    out = tmp_path / "issues.csv"

    rc = main(["check", "--input", str(src), "--output", str(out)])
    assert rc == 0
    issues = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(issues.columns) == ["ZZJGDM", "BAH", "ZYCS", "rule_id", "severity", "field", "value",
                                    "message", "message_en"]
    got = {(r.BAH, r.ZYCS, r.rule_id, r.severity, r.field, r.value) for r in issues.itertuples()}
    assert got == {("B000002", "1", "DT-003", "E", "SJZYTS", "9"),
                   ("B000002", "1", "SEX-001", "E", "JBDM3", "N40.x00")}
    text = capsys.readouterr().out
    assert "3 records read, 2 checked, 1 not checked" in text
    assert "ZFY" in text and "SEX-001" in text and "not checked" in text   # quarantine line, summary, CMP-005
