"""How ``planner prices update`` reads a large AWS offer file: time and peak memory of the streaming converter
(ijson, three passes) against loading the whole file with ``json.load``.

A synthetic AmazonEC2 regional offer file of N products (Linux/Windows/RHEL x tenancies x capacity states, each
with an on-demand term and six reserved terms, like the real file's shape) is written once; each converter runs in
a fresh subprocess so its peak RSS is its own. Prints medians of ``--repeat`` runs.

    python benchmarks/bench_price_update.py --products 150000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SYSTEMS = ("Linux", "Windows", "RHEL", "SUSE")
TENANCY = ("Shared", "Dedicated", "Host")
CAPACITY = ("Used", "UnusedCapacityReservation", "AllocatedCapacityReservation")


def write_offer(path: Path, products: int) -> list[str]:
    """A synthetic offer file of ``products`` SKUs over ~products/36 instance types; the types it prices."""
    types = [f"m{g}.{size}" for g in range(5, 9) for size in
             ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge")]
    types += [f"x{i}.metal" for i in range(max(0, products // 36 - len(types)))]
    with open(path, "w") as fh:
        fh.write('{"formatVersion":"v1.0","offerCode":"AmazonEC2","version":"bench","products":{')
        skus = []
        n = 0
        for t in types:
            for system in SYSTEMS:
                for tenancy in TENANCY:
                    for capacity in CAPACITY:
                        if n == products:
                            break
                        sku = f"SKU{n:08d}"
                        attrs = {"servicecode": "AmazonEC2", "location": "US East (N. Virginia)",
                                 "regionCode": "us-east-1", "instanceType": t, "vcpu": "2", "memory": "8 GiB",
                                 "operatingSystem": system, "tenancy": tenancy, "preInstalledSw": "NA",
                                 "capacitystatus": capacity, "licenseModel": "No License required",
                                 "usagetype": f"BoxUsage:{t}", "operation": "RunInstances"}
                        fh.write(("," if n else "") + json.dumps(sku) + ":" + json.dumps(
                            {"sku": sku, "productFamily": "Compute Instance", "attributes": attrs}))
                        skus.append(sku)
                        n += 1
        fh.write('},"terms":{"OnDemand":{')
        for i, sku in enumerate(skus):
            term = {f"{sku}.JRTCKXETXF": {"offerTermCode": "JRTCKXETXF", "sku": sku, "effectiveDate": "2026-11-01",
                                          "priceDimensions": {f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                                              "unit": "Hrs", "beginRange": "0", "endRange": "Inf",
                                              "description": "$ per On Demand Linux Hrs",
                                              "pricePerUnit": {"USD": f"{0.05 + (i % 97) / 100:.10f}"},
                                              "appliesTo": []}}, "termAttributes": {}}}
            fh.write(("," if i else "") + json.dumps(sku) + ":" + json.dumps(term))
        fh.write('},"Reserved":{')
        for i, sku in enumerate(skus):
            offers = {}
            for k, (length, cls, option) in enumerate((y, c, o) for y in ("1yr", "3yr") for c in ("standard",
                                                       "convertible") for o in ("No Upfront", "All Upfront")):
                dims = {f"{sku}.R{k}.1": {"unit": "Hrs", "pricePerUnit": {"USD": "0.0300000000"}, "appliesTo": []},
                        f"{sku}.R{k}.2": {"unit": "Quantity", "pricePerUnit": {"USD": "250"}, "appliesTo": []}}
                offers[f"{sku}.R{k}"] = {"offerTermCode": f"R{k}", "sku": sku, "priceDimensions": dims,
                                         "termAttributes": {"LeaseContractLength": length, "OfferingClass": cls,
                                                            "PurchaseOption": option}}
            fh.write(("," if i else "") + json.dumps(sku) + ":" + json.dumps(offers))
        fh.write("}}}")
    return types


CHILD = """
import datetime as dt, json, resource, sys, time
path, how = sys.argv[1], sys.argv[2]
known = set(json.loads(sys.argv[3]))
t0 = time.perf_counter()
if how == "stream":
    from planner.pricing.update.aws import ec2_rows
    rows, _ = ec2_rows(__import__("pathlib").Path(path), "us-east-1", known, dt.date(2026, 12, 1))
    n = len(rows)
else:
    doc = json.load(open(path))
    n = sum(1 for p in doc["products"].values() if p["attributes"]["operatingSystem"] == "Linux")
print(json.dumps({"s": time.perf_counter() - t0, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": n}))
"""


def run(path: Path, how: str, types: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), how, json.dumps(types)], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--products", type=int, default=150_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "AmazonEC2-us-east-1.json"
        t0 = time.perf_counter()
        types = write_offer(path, args.products)
        size_mb = path.stat().st_size / 2**20
        print(f"offer file: {args.products:,} products, {size_mb:,.0f} MB (written in {time.perf_counter() - t0:.1f} s)")
        for how in ("stream", "json.load"):
            runs = [run(path, "stream" if how == "stream" else "load", types) for _ in range(args.repeat)]
            s = statistics.median(r["s"] for r in runs)
            rss = statistics.median(r["rss_mb"] for r in runs)
            print(f"{how:>9}: median {s:6.2f} s ({size_mb / s:5.0f} MB/s), peak RSS {rss:6.0f} MB, "
                  f"{runs[0]['rows']:,} rows")


if __name__ == "__main__":
    main()
