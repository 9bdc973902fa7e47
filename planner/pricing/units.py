"""Definitions shared by price tables and pricing code: units and purchase options."""

from __future__ import annotations

HOURS_PER_MONTH = 730
"""Hours in a billing month, as AWS, Google and Azure calculators use (8,760 h / 12)."""

# Every unit a price may be quoted in, with what one unit means.
UNITS: dict[str, str] = {
    "hour": "one resource for one hour",
    "GB": "one gigabyte transferred or processed (1 TB = 1,024 GB)",
    "GB-month": "one gigabyte stored for a month",
    "GB-hour": "one gigabyte of memory or storage for one hour",
    "GB-second": "one gigabyte of memory for one second (Lambda duration)",
    "GB-second-month": "GB-seconds per month (free-tier allowance)",
    "vCPU-hour": "one vCPU for one hour",
    "LCU-hour": "one Application Load Balancer capacity unit for one hour",
    "NLCU-hour": "one Network Load Balancer capacity unit for one hour",
    "GLCU-hour": "one Gateway Load Balancer capacity unit for one hour",
    "ACU-hour": "one Aurora capacity unit for one hour",
    "ECPU": "one ElastiCache processing unit",
    "IOPS": "one provisioned I/O operation per second (allowance)",
    "IOPS-month": "one provisioned I/O operation per second for a month",
    "MiBps": "one MiB/s of throughput (allowance)",
    "MiBps-month": "one MiB/s of provisioned throughput for a month",
    "MBps-month": "one MB/s of provisioned throughput for a month",
    "MB": "one megabyte (allowance)",
    "MiB": "one mebibyte ingested (Cloud Monitoring metric data)",
    "VM-hour": "one VM served for one hour (Cloud NAT)",
    "vCPU-second": "one vCPU for one second (functions billing CPU apart from memory)",
    "1k requests": "one thousand requests",
    "10k requests": "ten thousand requests",
    "1M requests": "one million requests",
    "requests-month": "requests per month (free-tier allowance)",
    "1M queries": "one million DNS queries",
    "1M samples": "one million metric samples ingested (Azure Monitor custom metrics)",
    "1M change-records": "one million change records (Aurora backtrack)",
    "1k objects-month": "one thousand objects monitored for a month",
    "alarm-month": "one alarm for a month",
    "metric-month": "one custom metric for a month",
    "key-month": "one KMS key for a month",
    "secret-month": "one secret for a month",
    "zone-month": "one hosted zone for a month",
    "check-month": "one health check for a month",
    "RCU-hour": "one DynamoDB read capacity unit (a 4 KB strongly consistent read per second) for one hour",
    "WCU-hour": "one DynamoDB write capacity unit (a 1 KB write per second) for one hour",
    "rWCU-hour": "one DynamoDB replicated write capacity unit (global tables) for one hour",
    "1M RRU": "one million DynamoDB read request units (on-demand reads of up to 4 KB)",
    "1M WRU": "one million DynamoDB write request units (on-demand writes of up to 1 KB)",
    "1M rWRU": "one million DynamoDB replicated write request units (global tables, on demand)",
    "1M deliveries": "one million SNS notifications delivered",
    "1M PUT payload units": "one million Kinesis PUT payload units (25 KB each)",
    "shard-hour": "one Kinesis shard for one hour",
    "stream-hour": "one on-demand Kinesis stream for one hour",
    "web ACL-month": "one WAF web ACL for a month",
    "rule-month": "one WAF rule or rule group for a month",
    "KB": "one kilobyte (a unit size rule)",
}

# Purchase options of an instance price, and what each means.
PURCHASE_OPTIONS: dict[str, str] = {
    "on_demand": "pay by the hour, no commitment",
    "reserved_1yr": "1-year reservation (least upfront payment the price list offers)",
    "reserved_3yr": "3-year reservation (least upfront payment the price list offers)",
    "savings_1yr": "1-year Compute Savings Plan (EC2: the bundled book prices it at the Convertible RI rate, a "
                   "refreshed one at the plan's own rate where AWS publishes it; each price's notes say which)",
    "savings_3yr": "3-year Compute Savings Plan (EC2: the bundled book prices it at the Convertible RI rate, a "
                   "refreshed one at the plan's own rate where AWS publishes it; each price's notes say which)",
    "spot": "spare capacity at a discount, may be interrupted",
    "sustained_use": "an instance running the whole month at Google's automatic sustained-use discount "
                     "(Compute Engine N1, N2, N2D, C2, M1, M2; other families: the on-demand rate)",
}
