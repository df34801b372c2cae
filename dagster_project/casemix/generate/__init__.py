"""Synthetic front-page extracts (住院病案首页, HQMS layout) for demos, tests and benchmarks.

``generate(out_dir, seed, …)`` samples cases from a grouping scheme (ADRG-first), writes one extract per
hospital × month (UTF-8/GB18030 CSV or XLSX, pinyin or Chinese header), the defect manifest and the
hospital/department roster. See docs/generator.md.
"""

from casemix.generate.core import GenerateParams, GenerateResult, generate, load_catalog
from casemix.generate.roster import Roster, roster

__all__ = ["generate", "GenerateParams", "GenerateResult", "load_catalog", "roster", "Roster"]
