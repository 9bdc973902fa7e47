"""Extract DynamoDB, SQS, SNS, Kinesis Data Streams, WAF and RDS Proxy list prices from a local clone of
iann0036/aws-price-watcher into ``scripts/sources/aws-extra-services.csv`` (services.csv's columns).

The shared AWS sources lack these services; the same repository (at the same commit the shared tables cite)
holds AWS's public pricing-calculator files for them. Only numbers are taken, into our own schema. Run once by
hand when the sources move (CI never runs it: the clone is not part of the project)::

    git clone https://github.com/iann0036/aws-price-watcher /tmp/apw
    git -C /tmp/apw checkout d65c44f0cbfbfc8bf647809576a504ecf1587e8d
    python scripts/extract_aws_extra_services.py /tmp/apw
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "scripts" / "sources" / "aws-extra-services.csv"
COMMIT = "d65c44f0cbfbfc8bf647809576a504ecf1587e8d"

# (price-watcher file, source id)
FILES = {"dynamodb": "pricewatcher-dynamodb", "queueservice": "pricewatcher-sqs", "sns": "pricewatcher-sns",
         "kinesis": "pricewatcher-kinesis", "waf": "pricewatcher-waf", "rds-proxy": "pricewatcher-rds-proxy"}

# (file, price-list item) -> (service, item, dimension, unit, per-unit multiplier, tier start, tier end);
# tier bounds in requests (written in the unit), from AWS's public pricing pages: the calculator files name the tiers
# ("Tier2") without their bounds
M = 1_000_000
ITEMS: dict[tuple[str, str], tuple[str, str, str, str, float, float | None, float | None]] = {
    ("dynamodb", "PayPerRequest Read Request Units"): ("dynamodb", "read_request_units", "standard", "1M RRU", M,
                                                       None, None),
    ("dynamodb", "PayPerRequest Write Request Units"): ("dynamodb", "write_request_units", "standard", "1M WRU", M,
                                                        None, None),
    ("dynamodb", "PayPerRequest Replicated Write Request Units"): ("dynamodb", "replicated_write_request_units",
                                                                   "standard", "1M rWRU", M, None, None),
    ("dynamodb", "Provisioned Read Units"): ("dynamodb", "read_capacity_unit_hour", "standard", "RCU-hour", 1,
                                             None, None),
    ("dynamodb", "Provisioned Write Units"): ("dynamodb", "write_capacity_unit_hour", "standard", "WCU-hour", 1,
                                              None, None),
    ("dynamodb", "Provisioned Replicated Write Units"): ("dynamodb", "replicated_write_capacity_unit_hour",
                                                         "standard", "rWCU-hour", 1, None, None),
    ("dynamodb", "Data Storage Indexed GB-Mo"): ("dynamodb", "storage", "standard", "GB-month", 1, None, None),
    ("dynamodb", "PITR Backup Storage GB-Mo"): ("dynamodb", "pitr_backup_storage", "", "GB-month", 1, None, None),
    ("dynamodb", "On-Demand Backup Storage GB-Month"): ("dynamodb", "backup_storage", "", "GB-month", 1, None,
                                                        None),
    ("queueservice", "Standard per Requests"): ("sqs", "requests", "standard", "1M requests", M, 0, 100e9),
    ("queueservice", "Standard per Requests Tier2"): ("sqs", "requests", "standard", "1M requests", M, 100e9,
                                                      200e9),
    ("queueservice", "Standard per Requests Tier3"): ("sqs", "requests", "standard", "1M requests", M, 200e9,
                                                      None),
    ("queueservice", "FIFO first-in first-out per Requests"): ("sqs", "requests", "fifo", "1M requests", M, 0,
                                                               100e9),
    ("queueservice", "FIFO first-in first-out per Requests Tier2"): ("sqs", "requests", "fifo", "1M requests", M,
                                                                     100e9, 200e9),
    ("queueservice", "FIFO first-in first-out per Requests Tier3"): ("sqs", "requests", "fifo", "1M requests", M,
                                                                     200e9, None),
    ("sns", "Amazon SNS API Requests"): ("sns", "publish_requests", "standard", "1M requests", M, None, None),
    ("sns", "Amazon SQS Notifications"): ("sns", "deliveries", "sqs", "1M deliveries", M, None, None),
    ("sns", "HTTP Notifications"): ("sns", "deliveries", "http", "1M deliveries", M, None, None),
    ("kinesis", "Provisioned shard hour per ShardHour"): ("kinesis", "shard_hour", "provisioned", "shard-hour", 1,
                                                          None, None),
    ("kinesis", "Payload Units per PutRequest"): ("kinesis", "put_payload_units", "provisioned",
                                                  "1M PUT payload units", M, None, None),
    ("kinesis", "Addon shard hour per ShardHour"): ("kinesis", "extended_retention_shard_hour", "provisioned",
                                                    "shard-hour", 1, None, None),
    ("kinesis", "OnDemandStreamHr per StreamHr"): ("kinesis", "stream_hour", "on-demand", "stream-hour", 1, None,
                                                   None),
    ("kinesis", "OnDemandDataIngested per GB"): ("kinesis", "data_ingested", "on-demand", "GB", 1, None, None),
    ("kinesis", "OnDemandDataRetrieval per GB"): ("kinesis", "data_retrieved", "on-demand", "GB", 1, None, None),
    ("waf", "Web ACL Activated per Month"): ("waf", "web_acl", "", "web ACL-month", 1, None, None),
    ("waf", "Rule Activated per Month"): ("waf", "rule", "", "rule-month", 1, None, None),
    ("waf", "Request Processed Tier1 per Request"): ("waf", "requests", "", "1M requests", M, None, None),
    # RDS Proxy in front of provisioned instances: per vCPU of the instances behind it (RDS and Aurora lines)
    ("rds-proxy", "RDSProxy"): ("rds", "proxy", "rds", "vCPU-hour", 1, None, None),
    ("rds-proxy", "RDSProxy Aurora PostgreSQL Hrs"): ("rds", "proxy", "aurora-postgresql", "vCPU-hour", 1, None,
                                                      None),
    ("rds-proxy", "RDSProxy Aurora MySQL Hrs"): ("rds", "proxy", "aurora-mysql", "vCPU-hour", 1, None, None),
}


def region_code(name: str) -> str | None:
    """The region code of a price-list location name ("EU (Ireland)" -> eu-west-1); None outside the book."""
    from build_pricing_data import AWS_REGIONS  # the book's region list, so the two cannot drift

    by_name = {n: code for code, n, _, _ in AWS_REGIONS}
    return by_name.get(name.replace("EU (", "Europe ("))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clone", type=Path, help="a clone of iann0036/aws-price-watcher")
    args = parser.parse_args()
    rows = []
    for file, source_id in FILES.items():
        def show(path: str) -> dict:
            return json.loads(subprocess.run(["git", "-C", str(args.clone), "show", f"{COMMIT}:{path}"],
                                             check=True, capture_output=True, text=True).stdout)
        as_of = show(f"raw/{file}.json")["manifest"]["hawkFilePublicationDate"][:10]
        processed = show(f"processed/{file}.json")
        for (f, name), (service, item, dim, unit, mult, lo, hi) in ITEMS.items():
            if f != file:
                continue
            for location, price in processed[name].items():
                code = region_code(location)
                if code is None or price is None:
                    continue
                rows.append({"service": service, "region": code, "item": item, "dimension": dim, "unit": unit,
                             "usd_per_unit": round(float(price) * mult, 10),
                             "tier_start": None if lo is None else lo / mult,
                             "tier_end": None if hi is None else hi / mult,
                             "notes": f"price-list item '{name}'", "price_as_of": as_of, "source_id": source_id})
    out = pd.DataFrame(rows).sort_values(["service", "item", "dimension", "region", "tier_start"])
    out.to_csv(OUT, index=False, lineterminator="\n")
    print(f"wrote {len(out)} rows to {OUT}")


if __name__ == "__main__":
    main()
