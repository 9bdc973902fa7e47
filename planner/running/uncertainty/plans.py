"""A plan under uncertainty: the plan at the medians of the ranges, and what the ranges make of its bill."""

from __future__ import annotations

import dataclasses

from planner.plan.model import Plan, make_plan
from planner.pricing.book import PriceBook, default_book
from planner.running.uncertainty.monte_carlo import check_samples, simulate
from planner.running.uncertainty.ranges import UncertainWorkload


def make_uncertain_plan(uw: UncertainWorkload, samples: int, seed: int, book: PriceBook | None = None) -> Plan:
    """The plan at the medians of the ranges, with the Monte Carlo summary over ``samples`` draws of them
    (:func:`planner.running.uncertainty.monte_carlo.simulate`)."""
    check_samples(samples)
    book = book or default_book(uw.workload.cloud)
    plan = make_plan(uw.workload, book)
    return dataclasses.replace(plan, uncertainty=simulate(uw, samples, seed, book))
