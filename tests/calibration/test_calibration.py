"""Calibration: the planner lands on an architect's architecture and within 30 % of the hand-derived bill."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.running.calibration import TOLERANCE, compare, load_references, mismatches

HERE = Path(__file__).parent
REFERENCES = load_references(HERE)


@pytest.fixture(scope="module")
def pairs():
    return {ref.name: (ref, plan) for ref, plan in compare(REFERENCES)}


def test_references_cover_the_ranges_the_issue_names():
    w = [r.workload for r in REFERENCES]
    assert len(w) >= 17
    assert min(x.peak_rps for x in w) <= 1 and max(x.peak_rps for x in w) >= 1_000_000
    assert sum(x.peak_rps >= 50_000 for x in w) >= 3  # large services: 50,000, 300,000 and 1,000,000 req/s
    assert min(x.data_size_gb for x in w) <= 10 and max(x.data_size_gb for x in w) >= 20_000
    assert min(x.availability_target for x in w) <= 99 and max(x.availability_target for x in w) >= 99.99
    assert min(x.rto_minutes for x in w) <= 5 and max(x.rto_minutes for x in w) >= 48 * 60
    assert len({x.region for x in w}) >= 3


def test_hand_derivations_add_up():
    import yaml

    stated = yaml.safe_load((HERE / "references.yaml").read_text())
    for ref in REFERENCES:
        assert ref.total_usd == pytest.approx(stated[ref.name]["total_usd"], abs=0.02), ref.name
        assert all(float(q) >= 0 and float(u) >= 0 for _, q, _, u, _ in ref.lines), ref.name


@pytest.mark.parametrize("name", [r.name for r in REFERENCES])
def test_architecture_matches_the_reference(pairs, name):
    ref, plan = pairs[name]
    assert plan.recommended is not None, name
    assert mismatches(ref, plan) == [], name


@pytest.mark.parametrize("name", [r.name for r in REFERENCES])
def test_bill_within_tolerance_of_the_hand_derivation(pairs, name):
    ref, plan = pairs[name]
    ratio = plan.recommended.monthly_usd / ref.total_usd
    assert 1 - TOLERANCE <= ratio <= 1 + TOLERANCE, f"{name}: planner / hand = {ratio:.2f}"


def test_calibration_doc_is_current(pairs):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_calibration_doc",
                                                  HERE.parents[1] / "scripts" / "make_calibration_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = HERE.parents[1] / "docs" / "calibration.md"
    assert doc.read_text() == module.build([pairs[r.name] for r in REFERENCES]), \
        "docs/calibration.md is stale: run python scripts/make_calibration_doc.py"
