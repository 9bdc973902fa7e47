"""Renderers of a :class:`~planner.plan.Plan`: JSON contract, Markdown report, Mermaid diagram."""
