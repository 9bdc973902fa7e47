"""What a change costs: two plans side by side, option by option and line by line, and the budget gates a CI
job fails on.

Both sides are plan documents (the JSON contract, ``docs/plan-json.md``): a saved ``planner plan -f json``, or
a workload file planned on the spot. Lines of the bill of materials are matched by option and component (a
component's SKU may change: ``m5.large`` -> ``m5.xlarge`` is one line that moved).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError

from planner.base.errors import PlannerError
from planner.pricing.book import PriceBook

EXIT_GATE = 3  # a budget gate was exceeded (usage errors exit 2)
PLAN_KEYS = ("schema_version", "workload", "options", "decisions", "recommended")


def load_side(path: str | Path, book_for: Callable[[str], PriceBook] | None = None) -> dict[str, Any]:
    """A plan document from a saved plan JSON (as saved, its prices included), or from a workload file (YAML or
    JSON, ranges at their medians) planned now on ``book_for(cloud)`` (default: the bundled book)."""
    from planner.plan.model import make_plan
    from planner.running.uncertainty.ranges import uncertain_from_dict
    from planner.workload.model import read_workload_data, read_workload_file

    text, source = read_workload_file(path)
    data = read_workload_data(text, source)
    if isinstance(data, dict) and "schema_version" in data:
        missing = [k for k in PLAN_KEYS if k not in data]
        if missing:
            raise PlannerError(f"{source}: a plan document lacks {', '.join(missing)} (save one with "
                               "`planner plan FILE -f json -o plan.json`)")
        check_plan_document(data, source)
        return data
    workload = uncertain_from_dict(data, source).workload
    return make_plan(workload, book_for(workload.cloud) if book_for else None).to_dict()


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")  # the contract has more keys; a diff reads these


class _Line(_Loose):
    component: str
    sku: str | None = None
    quantity: float
    unit: str | None = None
    monthly_usd: float


class _Option(_Loose):
    name: str
    feasible: bool
    recommended: bool
    monthly_usd: float | None = None
    bom: list[_Line] | None = None


class _Decision(_Loose):
    topic: str
    choice: str


class _Workload(_Loose):
    name: str
    cloud: str = "aws"
    region: str


class _PlanDocument(_Loose):
    """The parts of a plan document (``docs/plan-json.md``) a diff reads, with their types."""

    workload: _Workload
    options: list[_Option]
    decisions: list[_Decision]


def check_plan_document(data: dict[str, Any], source: str) -> None:
    """Refuse, in one line, a plan document whose parts a diff reads are missing or of the wrong type (a saved
    plan edited by hand, truncated or from elsewhere), before anything reads them."""
    try:
        _PlanDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        msg = re.sub(r" or instance of \w+", "", first["msg"])  # pydantic names the model class: not for users
        raise PlannerError(f"{source}: not a plan document planner wrote: {where}: {msg}{more}") from None


@dataclass(frozen=True)
class PlanDiff:
    """Two plans compared: the recommendations, every option, every line, and the decisions that changed."""

    old: dict[str, Any]
    new: dict[str, Any]
    options: pd.DataFrame  # option, old/new feasible, recommended, monthly_usd; delta_usd, delta_pct
    lines: pd.DataFrame  # option, component, old/new sku, quantity, unit, monthly_usd; delta_usd, delta_pct
    decisions: pd.DataFrame  # topic, old, new: the decisions whose choice changed

    @property
    def old_recommended(self) -> tuple[str | None, float]:
        return _recommended(self.old)

    @property
    def new_recommended(self) -> tuple[str | None, float]:
        return _recommended(self.new)

    @property
    def delta_usd(self) -> float:
        """The change of the recommended monthly bill (NaN when either side has no recommendation)."""
        return self.new_recommended[1] - self.old_recommended[1]

    @property
    def delta_pct(self) -> float:
        return _pct(self.old_recommended[1], self.new_recommended[1])

    def to_dict(self) -> dict[str, Any]:
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return json.loads(frame.to_json(orient="records"))

        (old_name, old_usd), (new_name, new_usd) = self.old_recommended, self.new_recommended
        return {
            "old": {"name": self.old["workload"]["name"], "recommended": old_name, "monthly_usd": _num(old_usd)},
            "new": {"name": self.new["workload"]["name"], "recommended": new_name, "monthly_usd": _num(new_usd)},
            "delta_usd": _num(self.delta_usd), "delta_pct": _num(self.delta_pct),
            "options": records(self.options), "lines": records(self.lines), "decisions": records(self.decisions),
        }


def diff_plans(old: dict[str, Any], new: dict[str, Any]) -> PlanDiff:
    """Compare two plan documents of one cloud; plans of different clouds are refused (``--clouds`` compares
    clouds)."""
    a, b = old["workload"].get("cloud", "aws"), new["workload"].get("cloud", "aws")
    if a != b:
        raise PlannerError(f"the plans are on different clouds ({a} and {b}); a diff compares changes on one "
                           "cloud (`planner plan FILE --clouds aws,gcp,azure` compares clouds)")
    return PlanDiff(old=old, new=new, options=_options(old, new), lines=_lines(old, new),
                    decisions=_decisions(old, new))


def _options(old: dict[str, Any], new: dict[str, Any]) -> pd.DataFrame:
    before = {o["name"]: o for o in old["options"]}
    rows = []
    for o in new["options"]:
        was = before.get(o["name"], {})
        was_usd, now_usd = _usd(was.get("monthly_usd")), _usd(o.get("monthly_usd"))
        rows.append({"option": o["name"], "old_feasible": bool(was.get("feasible")), "new_feasible": o["feasible"],
                     "old_recommended": bool(was.get("recommended")), "new_recommended": o["recommended"],
                     "old_monthly_usd": was_usd, "new_monthly_usd": now_usd, "delta_usd": now_usd - was_usd,
                     "delta_pct": _pct(was_usd, now_usd)})
    return pd.DataFrame(rows)


def _bom(plan: dict[str, Any]) -> pd.DataFrame:
    """Every option's lines, one per (option, component): a component billed in several lines (by volume
    type, by deployment) is summed, its SKUs joined."""
    rows = [{"option": o["name"], **line} for o in plan["options"] for line in o.get("bom") or []]
    if not rows:
        return pd.DataFrame(columns=["option", "component", "sku", "quantity", "unit", "monthly_usd"])
    frame = pd.DataFrame(rows)
    return (frame.groupby(["option", "component"], sort=False)
            .agg(sku=("sku", lambda s: " + ".join(dict.fromkeys(map(str, s)))), quantity=("quantity", "sum"),
                 unit=("unit", "first"), monthly_usd=("monthly_usd", "sum")).reset_index())


def _lines(old: dict[str, Any], new: dict[str, Any]) -> pd.DataFrame:
    a, b = _bom(old), _bom(new)
    both = a.merge(b, on=["option", "component"], how="outer", suffixes=("_old", "_new"), sort=False)
    out = pd.DataFrame({
        "option": both.option, "component": both.component,
        "old_sku": both.sku_old.fillna(""), "new_sku": both.sku_new.fillna(""),
        "unit": both.unit_new.fillna(both.unit_old),
        "old_quantity": both.quantity_old.fillna(0.0), "new_quantity": both.quantity_new.fillna(0.0),
        "old_monthly_usd": both.monthly_usd_old.fillna(0.0), "new_monthly_usd": both.monthly_usd_new.fillna(0.0),
    })
    out["delta_usd"] = out.new_monthly_usd - out.old_monthly_usd
    out["delta_pct"] = [_pct(x, y) for x, y in zip(out.old_monthly_usd, out.new_monthly_usd)]
    # the new plan's order (options, then the bill's own order), lines only the old plan had after its own
    keys = list(dict.fromkeys([*zip(b.option, b.component), *zip(a.option, a.component)]))
    position = {k: i for i, k in enumerate(keys)}
    out["_at"] = [position[k] for k in zip(out.option, out.component)]
    return out.sort_values("_at").drop(columns="_at").reset_index(drop=True)


def _decisions(old: dict[str, Any], new: dict[str, Any]) -> pd.DataFrame:
    before = {d["topic"]: d["choice"] for d in old["decisions"]}
    after = {d["topic"]: d["choice"] for d in new["decisions"]}
    rows = [{"topic": t, "old": before.get(t, "—"), "new": after.get(t, "—")}
            for t in dict.fromkeys([*before, *after]) if before.get(t) != after.get(t)]
    return pd.DataFrame(rows, columns=["topic", "old", "new"])


def gates(diff: PlanDiff | None, recommended_usd: float, *, fail_above_usd: float | None = None,
          fail_on_increase_pct: float | None = None) -> list[str]:
    """The budget gates exceeded, one sentence each (empty: pass). ``recommended_usd`` is the bill checked
    against ``fail_above_usd`` (NaN: no option is feasible, which fails any gate); the increase is the diff's."""
    out = []
    if fail_above_usd is not None and not recommended_usd <= fail_above_usd:
        out.append(f"the recommended monthly bill ${recommended_usd:,.2f} is above the budget ${fail_above_usd:,.2f}"
                   if not math.isnan(recommended_usd) else "no option meets every target, so no bill fits the "
                                                           f"budget ${fail_above_usd:,.2f}")
    if fail_on_increase_pct is not None and diff is not None and not diff.delta_pct <= fail_on_increase_pct:
        out.append(f"the recommended monthly bill rose {diff.delta_pct:+.1f}% (+${diff.delta_usd:,.2f}), more than "
                   f"the allowed {fail_on_increase_pct:g}%" if not math.isnan(diff.delta_pct) else
                   "the change cannot be measured: one side has no feasible option")
    return out


def _recommended(plan: dict[str, Any]) -> tuple[str | None, float]:
    rec = next((o for o in plan["options"] if o.get("recommended")), None)
    return (rec["name"], _usd(rec.get("monthly_usd"))) if rec else (None, float("nan"))


def _usd(x: object) -> float:
    return float(x) if isinstance(x, (int, float)) else float("nan")


def _pct(old: float, new: float) -> float:
    if math.isnan(old) or math.isnan(new):
        return float("nan")
    if old == 0:
        return 0.0 if new == 0 else float("inf")
    return (new / old - 1) * 100


def _num(x: float) -> float | None:
    return None if x is None or math.isnan(x) or math.isinf(x) else float(x)
