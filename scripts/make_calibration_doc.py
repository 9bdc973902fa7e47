"""Render docs/calibration.md from tests/calibration/ (inputs, hand derivations, the peer table).

Usage: python scripts/make_calibration_doc.py

The hand derivations are data (tests/calibration/references.yaml); this script only lays them out beside
the planner's current answers. Refresh the peer table with ``python benchmarks/peer_sizing.py >
tests/calibration/peer_sizing.md`` (needs the bench extra).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from planner.running.calibration import compare, load_references, render  # noqa: E402

FOLDER = REPO / "tests" / "calibration"

METHOD = """
The model is right when an experienced architect, deriving the same workload by hand from list prices, lands
within about 30 % of the planner's bill and on the same architecture (SPEC, "Calibration"). Seventeen reference
workloads span 1 to 1,000,000 req/s, 10 GB to 20 TB, 99 % to 99.99 %, RTO 5 minutes to 48 hours, in five AWS
regions, one Google Cloud and one Azure region (the last two: workloads of the AWS set moved there).
`tests/calibration/test_calibration.py` asserts, for each, the recommended architecture (option, AZs, static
stability, Multi-AZ database, cache, DR tier) and a bill within ±30 % of the derivation below.

**How the derivations are made.** They bill month 1 (today's traffic, fixed capacity for month 12), the
planner's rule, at the cloud's list prices as bundled (`planner prices lookup`). The architect's rules of thumb are
deliberately simpler than the planner's and reached separately:

* *compute*: peak vCPU = peak req/s x CPU ms / 60 % utilisation, on c7g.large (or c7g.medium / t4g.small for
  tiny loads); x 1.5 over three AZs where 99.95 % or more asks for static stability (WA 4 9s); about 60 % of
  the peak count running on average over a business day (the flat peak/average-2 day keeps ~70 %); committed
  plans put the night-time floor on the Savings Plan rate;
* *database*: vCPU = writes x 6 ms + reads (after a cache) x 2 ms at the horizon peak / 60 %, on the
  smallest m6g / t4g class with headroom; memory is not bought to hold the data (the misses at these rates sit
  inside gp3's or Aurora's included IOPS); Multi-AZ from 99.5 %; Aurora where its shared volume ($0.10/GB)
  beats RDS Multi-AZ's doubled gp3 ($0.23/GB) on large, quiet databases; storage = data x growth x 1.3;
* *cache*: a small Redis cluster where reads run to thousands a second and shrink the database class;
* *network and monitoring*: one ALB (LCUs from processed GB), one NAT gateway per AZ, tiered egress after
  100 GB free, 4 KB a request across AZs, 300 B of logs a request, 10 metrics per instance, 10 alarms;
* *DR* (AWS DR whitepaper): backup & restore = cross-region backups, chosen when 60 min + storage / 5 GB/min
  meets the RTO; pilot light adds a replica of the database class; warm standby adds a quarter of the fleet
  and an ALB; active/active doubles the stack.

Where the planner picks another option of similar cost (serverless instead of a fleet), the reference lists
the options an architect would accept; the bill compared is the planner's recommendation.
"""

PEER_NOTES = """
Netflix's `service-capacity-modeling` (0.3.212) sizes a stateless Java app and an RDS database from read and
write rates, the mean latency and the state size. It knows us-east-1 only and has no growth, so both sides
below size today's peak in us-east-1 (`python benchmarks/peer_sizing.py`). Differences beyond 2x, explained:

* **App vCPU, 2.2-3.2x more here** (commerce-singapore, four-nines-payments, consumer-scale,
  planet-scale-20tb): these targets are 99.95 % or more, where we keep three AZs statically stable (each
  carries half the peak: x 1.5) and run at 60 % utilisation; the peer sizes one regional cluster for the
  load and normalises to its newest cores (c7a / c8a: one vCPU per physical core), so its vCPU count can
  fall below the offered load (consumer-scale: 324 vCPU for 20,000 req/s x 20 ms = 400 busy vCPU of our
  reference core). At 99.9 % and below, without static stability, the two agree within 2x (0.7-1.8x):
  the peer's floor of three instances dominates small loads, its faster cores the large ones.
* **Database memory, 7-90x more in the peer**: its RDS model keeps the state in memory (300 GB -> an
  r5.8xlarge with 244 GiB), the rule this calibration retired: at tens to hundreds of reads per second the
  misses of a small buffer cost a few hundred IOPS, which gp3's included 3,000-12,000 IOPS serve for free. Our
  memory grows where misses would cost provisioned IOPS or break the read-latency budget, and a cache takes
  the hot reads at high rates.
* **No peer database above a few thousand req/s** (read-heavy-api, consumer-scale, planet-scale-20tb) and for
  the 5 TB archive: the peer's RDS model declines those loads (it points them to other data stores); we put
  a cache in front and choose a larger class, or Aurora for the large, quiet volume.
"""


def build(pairs: list) -> str:
    return render(pairs, METHOD, (FOLDER / "peer_sizing.md").read_text(), PEER_NOTES)


def main() -> None:
    pairs = compare(load_references(FOLDER))
    out = REPO / "docs" / "calibration.md"
    out.write_text(build(pairs))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
