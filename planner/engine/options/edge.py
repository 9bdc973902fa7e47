"""The edge and the secrets: the CDN in front, the web application firewall of a public workload, and the
secrets manager and encryption keys every deployment keeps (sizing: :mod:`planner.sizing.cdn`).

WAF (AWS WAF pricing page): a web ACL a month, each rule or managed rule group a
month, and every request it inspects; in front of a CDN it inspects the
requests the edge receives, otherwise those reaching the load balancer.
Secrets Manager: each secret a month and every 10,000 API calls; reading a
secret encrypted with a customer-managed key is also a KMS request.
"""

from __future__ import annotations

import numpy as np

from planner.engine.bom import BomBuilder
from planner.engine.options.context import Columns, Context
from planner.pricing.units import HOURS_PER_MONTH


def bill_edge(ctx: Context, bom: BomBuilder, option: str) -> None:
    """CDN data out and requests where a CDN is used, and the WAF of public workloads: alike for every option."""
    cat, rows = ctx.catalog, ctx.rows
    cdn = ctx.col("cdn_used")
    geo = ctx.col("cdn_geography")
    for g in sorted(set(geo[cdn])):
        sel = cdn & (geo == g)
        bom.priced(rows[sel], option, "CDN data out", cat.price("cdn_egress"), "global",
                   ctx.col("edge_egress_gb_month")[sel], fill={"geography": g}, free_units=ctx.allowance("cdn_egress"))
        bom.priced(rows[sel], option, "CDN requests", cat.price("cdn_requests"), "global",
                   ctx.col("edge_requests_month")[sel], fill={"geography": g},
                   free_units=ctx.allowance("cdn_requests"))
    public = ctx.col("public").astype(bool)
    region = ctx.region[public]
    bom.priced(rows[public], option, "WAF web ACL", cat.price("waf_acl"), region, 1.0)
    bom.priced(rows[public], option, "WAF rules", cat.price("waf_rules"), region, float(ctx.policy.waf_rules))
    inspected = np.where(cdn, ctx.col("edge_requests_month"), ctx.col("monthly_requests"))
    bom.priced(rows[public], option, "WAF requests", cat.price("waf_requests"), region, inspected[public],
               note="" if not cdn[public].any() else "on the CDN where one is used: every request at the edge")


def bill_secrets(ctx: Context, opt: Columns, bom: BomBuilder) -> None:
    """Secrets, their reads (per instance or task hour; a function deployment reads as one) and the KMS key."""
    option, p, cat = str(opt["option"][0]), ctx.policy, ctx.catalog
    hours = np.nan_to_num(opt["instance_hours"].astype(float)) + opt["worker_hours"]  # set by bill_async
    reads = np.maximum(hours, HOURS_PER_MONTH) * p.secret_reads_per_instance_hour
    bom.priced(ctx.rows, option, "secrets", cat.price("secrets"), ctx.region, float(p.secrets))
    bom.priced(ctx.rows, option, "secret reads", cat.price("secrets_api"), ctx.region, reads)
    bom.priced(ctx.rows, option, "encryption keys", cat.price("kms_keys"), ctx.region, float(p.kms_keys))
    if p.kms_keys:
        bom.priced(ctx.rows, option, "encryption key requests", cat.price("kms_requests"), ctx.region, reads,
                   free_units=ctx.allowance("kms_requests"))
