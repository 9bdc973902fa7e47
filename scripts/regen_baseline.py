"""Regenerate the cost baseline of the named scenarios and the golden report.

Usage: python scripts/regen_baseline.py

Writes ``tests/golden/scenarios_baseline.json`` (every option's monthly cost and
key sizing per named scenario) and ``tests/golden/mid-size-saas.md`` (the
Markdown report). Commit the result on its own, with the reason for the drift
in the message: tests fail whenever the numbers move.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from planner.plan.model import make_plan  # noqa: E402
from planner.report.markdown import render_markdown  # noqa: E402
from planner.workload.scenarios import GOLDEN_REPORTS, SCENARIOS, scenario  # noqa: E402

GOLDEN = REPO / "tests" / "golden"


def baseline() -> dict[str, object]:
    out: dict[str, object] = {}
    for name in SCENARIOS:
        d = make_plan(scenario(name)).to_dict()
        out[name] = {
            "recommended": d["recommended"],
            "options": {
                o["name"]: {"feasible": o["feasible"], "monthly_usd": o["monthly_usd"],
                            "availability_pct": o["availability_pct"], "sizing": o["sizing"]}
                for o in d["options"]
            },
        }
    return out


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    (GOLDEN / "scenarios_baseline.json").write_text(json.dumps(baseline(), indent=2, sort_keys=True) + "\n")
    for name in GOLDEN_REPORTS:
        (GOLDEN / f"{name}.md").write_text(render_markdown(make_plan(scenario(name))))
    print(f"wrote {GOLDEN}/scenarios_baseline.json and {', '.join(f'{n}.md' for n in GOLDEN_REPORTS)}")


if __name__ == "__main__":
    main()
