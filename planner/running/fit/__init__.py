"""``planner fit``: from a running system's monitoring exports to a workload with fitted inputs and their ranges.

:mod:`sources` reads the exports people already have (the JSON of ``aws cloudwatch get-metric-data``, a
Prometheus ``query_range`` answer, a CSV of a timestamp and metric columns) into one table of series;
:mod:`estimate` fits the workload's inputs from the series their names are mapped to, each with a 90 %
interval; :mod:`workload_file` writes them as a commented workload YAML whose uncertain fields are ranges;
:mod:`backtest` plans the observed load with the observed instance type beside the instances the system ran;
:mod:`run` is the one fit the CLI and the dashboard's Fit page call (the report for reading is
:mod:`planner.report.fit_report`); :mod:`synthetic` makes traffic with known parameters (daily and weekly
seasonality, trend, noise, gaps), what the tests recover.
"""
