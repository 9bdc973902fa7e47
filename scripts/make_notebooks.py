"""Write the example notebooks (outputs cleared): python scripts/make_notebooks.py

The notebooks import ``planner`` only; no logic lives in them. CI executes them (pytest --nbmake).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks"

QUICKSTART = [
    new_markdown_cell("# planner quick start\n\nPlan a workload with the library API, look at its options, "
                      "its report and its charts, then sweep traffic and availability."),
    new_code_cell("import numpy as np\nimport pandas as pd\nfrom IPython.display import Markdown\n\n"
                  "from planner.running.explore import cost_vs_load, pair_crossover, sweep_grid\n"
                  "from planner.plan.model import make_plan\n"
                  "from planner.report.figures import cost_breakdown_figure, cost_vs_load_figure\n"
                  "from planner.report.markdown import render_markdown\n"
                  "from planner.workload.model import Workload"),
    new_markdown_cell("## One workload\n\nEvery field has a unit in its name and a documented default "
                      "(`planner example` prints them all)."),
    new_code_cell("workload = Workload(name=\"checkout-api\", peak_rps=800, data_size_gb=250, availability_target=99.9,\n"
                  "                    rto_minutes=60, rpo_minutes=15, purchase_option=\"savings_1yr\")\n"
                  "plan = make_plan(workload)\n"
                  "rec = plan.recommended\n"
                  "print(f\"{rec.name}: ${rec.monthly_usd:,.0f}/month, availability {rec.availability_pct:.3f}%, "
                  "DR {rec.dr_tier}\")"),
    new_code_cell("pd.DataFrame([{\"option\": o.name, \"feasible\": o.feasible, \"monthly_usd\": o.monthly_usd,\n"
                  "               \"availability_pct\": o.availability_pct, \"dr_tier\": o.dr_tier,\n"
                  "               \"why not\": \"; \".join(o.reasons)} for o in plan.options])"),
    new_code_cell("pd.DataFrame([d.__dict__ for d in plan.decisions])"),
    new_code_cell("rec.bom"),
    new_markdown_cell("## The design-review report"),
    new_code_cell("Markdown(render_markdown(plan))"),
    new_markdown_cell("## Charts"),
    new_code_cell("cost_breakdown_figure(plan)"),
    new_code_cell("table = cost_vs_load(workload, np.geomspace(5, 20_000, 30))\n"
                  "cost_vs_load_figure(table, pair_crossover(table, \"vertical\", \"horizontal\"))"),
    new_markdown_cell("## What if: traffic x availability\n\nOne engine run prices every combination."),
    new_code_cell("grid = sweep_grid(workload, peak_rps=[50, 200, 800, 3200, 12800],\n"
                  "                  availability_target=[99.0, 99.5, 99.9, 99.95, 99.99])\n"
                  "best = grid[grid.recommended]\n"
                  "best.pivot_table(index=\"availability_target\", columns=\"peak_rps\", values=\"monthly_usd\").round(0)"),
    new_code_cell("import plotly.express as px\n\n"
                  "px.density_heatmap(best, x=\"peak_rps\", y=\"availability_target\", z=\"monthly_usd\",\n"
                  "                   histfunc=\"sum\", text_auto=\".3s\", log_x=True,\n"
                  "                   title=\"Recommended monthly cost by traffic and availability target\")"),
    new_markdown_cell("## Three clouds\n\nThe same workload on AWS, Google Cloud and Azure, each in the region "
                      "nearest the workload's (`planner/clouds/regions.py`)."),
    new_code_cell("from planner.running.multicloud import clouds_table, plans_across_clouds\n"
                  "from planner.report.figures import clouds_figure\n\n"
                  "clouds = clouds_table(plans_across_clouds(workload, [\"aws\", \"gcp\", \"azure\"]))\n"
                  "clouds[[\"cloud\", \"region\", \"recommended\", \"monthly_usd\", \"vs_cheapest_pct\", "
                  "\"estimated_lines\"]].round(1)"),
    new_code_cell("clouds_figure(clouds)"),
]

MODELS = [
    new_markdown_cell("# The capacity models, made visible\n\nEach chart calls the same functions the planner "
                      "uses (`planner.sizing`); their formulas and references are in `docs/model.md`."),
    new_code_cell("import numpy as np\nimport pandas as pd\nimport plotly.express as px\n\n"
                  "from planner.running.explore import sweep_grid\n"
                  "from planner.workload.policy import SizingPolicy\n"
                  "from planner.pricing import default_book\n"
                  "from planner.pricing.queries import instance_candidates\n"
                  "from planner.sizing.cache import hit_ratio\n"
                  "from planner.sizing.queueing import erlang_c, min_servers, wait_quantile_s\n"
                  "from planner.sizing.usl import usl_capacity, usl_peak_cores\n"
                  "from planner.workload.model import Workload\n\npolicy = SizingPolicy()"),
    new_markdown_cell("## p99 latency against vCPU count (Erlang C)\n\n500 req/s x 50 ms = 25 busy vCPU. "
                      "The p99 response is the 50 ms of work plus the p99 wait of an M/M/c queue."),
    new_code_cell("a, s = 25.0, 0.050\nc = np.arange(26, 61)\n"
                  "curve = pd.DataFrame({\"vCPU\": c, \"p99 ms\": 1000 * (s + wait_quantile_s(c, a, s)),\n"
                  "                      \"P(wait)\": erlang_c(c, a), \"utilisation\": a / c})\n"
                  "chosen = min_servers(a, s, 0.250, 0.6)[0]\n"
                  "fig = px.line(curve, x=\"vCPU\", y=\"p99 ms\", log_y=True, title=f\"p99 latency; chosen: {chosen:.0f} vCPU "
                  "(p99 <= 250 ms and utilisation <= 60%)\")\n"
                  "fig.add_hline(y=250, line_dash=\"dash\")\nfig.add_vline(x=chosen, line_dash=\"dot\")\nfig"),
    new_markdown_cell("## The Universal Scalability Law: where one bigger machine stops paying"),
    new_code_cell("n = np.arange(1, 385)\nusl = pd.DataFrame({\"cores\": n, \"capacity\": usl_capacity(n, policy.usl_sigma, "
                  "policy.usl_kappa), \"linear\": n})\n"
                  "fig = px.line(usl, x=\"cores\", y=[\"capacity\", \"linear\"], title=f\"USL: capacity peaks at "
                  "{usl_peak_cores(policy.usl_sigma, policy.usl_kappa):.0f} cores\")\nfig"),
    new_code_cell("cands = instance_candidates(default_book(), \"aws\", \"ec2\", policy.vertical_family_pattern)\n"
                  "us = cands[cands.region == \"us-east-1\"].copy()\n"
                  "us[\"usable\"] = usl_capacity(us.vcpu.to_numpy(), policy.usl_sigma, policy.usl_kappa)\n"
                  "us[\"usd_per_usable_vcpu_hour\"] = us.hourly_usd / us.usable\n"
                  "best = us.sort_values(\"usd_per_usable_vcpu_hour\").groupby(\"vcpu\").head(1)\n"
                  "px.scatter(best, x=\"vcpu\", y=\"usd_per_usable_vcpu_hour\", hover_name=\"sku\", log_x=True,\n"
                  "           title=\"Cheapest price per usable vCPU-hour by instance size (us-east-1)\")"),
    new_markdown_cell("## Cache and buffer hit ratio against size\n\nThe hot 20 % of the data draws 90 % of reads; "
                      "within it, and beyond, access is self-similar (the 80-20 rule applied again and again), so a "
                      "cache of 1 % of the data already serves about three reads in four."),
    new_code_cell("x = np.logspace(-4, 0, 101)\n"
                  "px.line(pd.DataFrame({\"cache share of data\": x, \"hit ratio\": hit_ratio(x, 0.2, policy.hot_read_share)}),\n"
                  "        x=\"cache share of data\", y=\"hit ratio\", log_x=True,\n"
                  "        title=\"Hit ratio under self-similar locality (hot 20% draws 90%)\")"),
    new_markdown_cell("## DR tiers on an RTO/RPO chart, priced for one workload"),
    new_code_cell("from planner.plan.model import make_plan\n"
                  "from planner.sizing.dr import tier_rto_minutes\n\n"
                  "w = Workload(peak_rps=500, data_size_gb=200, availability_target=99.9)\n"
                  "tiers = policy.dr_tiers\n"
                  "# backup & restore's RTO grows with the database it restores\n"
                  "rto = tier_rto_minutes([make_plan(w).sizing.db_storage_gb], policy)[0]\n"
                  "rows = []\n"
                  "for t, r in zip(tiers, rto):\n"
                  "    g = sweep_grid(w, rto_minutes=[r], rpo_minutes=[t.rpo_minutes])\n"
                  "    h = g[g.option == \"horizontal\"].iloc[0]\n"
                  "    rows.append({\"tier\": t.name, \"RTO min\": r, \"RPO min\": t.rpo_minutes,\n"
                  "                 \"monthly USD (horizontal)\": h.monthly_usd, \"tier priced\": h.dr_tier})\n"
                  "dr = pd.DataFrame(rows)\n"
                  "px.scatter(dr, x=\"RTO min\", y=\"RPO min\", size=\"monthly USD (horizontal)\", text=\"tier\",\n"
                  "           log_x=True, log_y=True, title=\"DR tiers: what they achieve and what they cost\")"),
    new_code_cell("dr"),
]


def write(name: str, cells: list) -> None:
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    OUT.mkdir(exist_ok=True)
    nbformat.write(nb, OUT / name)


if __name__ == "__main__":
    write("quickstart.ipynb", QUICKSTART)
    write("capacity_models.ipynb", MODELS)
    print(f"wrote {OUT}/quickstart.ipynb and capacity_models.ipynb")
