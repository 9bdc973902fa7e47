"""Microsoft Azure: Virtual Machine Scale Sets, Azure Database for PostgreSQL flexible server, Azure Cache for
Redis Premium, Container Apps, Azure Functions, Standard Load Balancer and NAT gateway, as priced in
``pricing_data/azure``.

SLA figures were read from Microsoft's SLA for Online Services (VMs across availability zones 99.99 %, in an
availability set 99.95 %, a single VM on Premium SSD 99.9 %; PostgreSQL flexible server 99.99 % with
zone-redundant HA, 99.9 % without; Azure Cache for Redis 99.9 %, zone-redundant Premium 99.99 %; Container
Apps and Functions 99.95 %; Standard Load Balancer 99.99 %), typed as of 2026-07 and unverified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.clouds.catalog import CloudCatalog, DatabaseVariant, PriceRef
from planner.workload.policy import Availability, SizingPolicy


def burstable_share(skus: pd.Series, policy: SizingPolicy) -> np.ndarray:
    """Sustained share of each vCPU: 1 for fixed-performance sizes; B-series v2 baselines from Microsoft's
    B-series docs (per vCPU: 20 % for the t sizes, 30 % for the l sizes, 40 % otherwise; unverified) and 20 % for
    the B1ms database class."""
    letters = skus.str.extract(r"^Standard_B\d+([a-z]*)_v2$", expand=False)
    share = np.select([letters.str.contains("t", na=False), letters.str.contains("l", na=False), letters.notna()],
                      [0.2, 0.3, 0.4], 1.0)
    return np.where(skus.str.startswith("B_Standard_B").to_numpy(), 0.2, share)


_FLEX_STORAGE = {d: PriceRef("postgresql_flexible", "storage", f"flexible/{d}/premium-ssd", "Premium SSD storage")
                 for d in ("single-az", "multi-az")}

CATALOG = CloudCatalog(
    name="azure",
    label="Azure",
    products={
        "kubernetes": "AKS", "node_group": "node pool",
        "fleet": "Virtual Machine Scale Set", "vm": "Azure VM", "containers": "Container Apps",
        "function": "Azure Functions", "api_gateway": "HTTP trigger of the function",
        "database": "Azure Database for PostgreSQL flexible server", "cache": "Azure Cache for Redis Premium",
        "load_balancer": "Standard Load Balancer", "public_ip": "public IPv4 address", "nat": "NAT gateways",
        "object_storage": "Blob Storage", "monitoring": "Azure Monitor", "dns": "Traffic Manager",
        "autoscaling": "scale-set autoscale", "arm": "Arm (Cobalt, Ampere)", "fleet_short": "VMSS",
        "tasks": "Container Apps replicas", "concurrency_limit": "the maximum instances",
    },
    compute_service="vm",
    architectures=("x86_64", "arm64"),
    cache_service="redis_cache",
    cache_copies_min=2,  # a Premium cache always runs a primary and a replica per shard
    # flexible server's built-in PgBouncer (server parameter pgbouncer.enabled; no charge): Azure Database for
    # PostgreSQL docs, "PgBouncer in Azure Database for PostgreSQL flexible server"
    database_pooler="flexible server's built-in PgBouncer",
    databases=(
        # Premium SSD IOPS grow with the disk: about 3 per GiB (P10 128 GiB 500, P30 1 TiB 5,000) up to 20,000
        # (P80); paid extra IOPS are not in the price book
        DatabaseVariant(
            name="flexible", label="Azure Database for PostgreSQL flexible server", short="Flexible server",
            service="postgresql_flexible", storage="scaled", engine={"postgresql": "postgresql"},
            volume="Premium SSD", iops_per_gb=3.0, max_iops=20_000.0, storage_ref=_FLEX_STORAGE,
            backup_ref=PriceRef("postgresql_flexible", "backup_storage", "flexible/any/backup", "backups",
                                note="beyond the free allowance of 100% of provisioned storage"),
            replica_storage_ref=_FLEX_STORAGE["single-az"],
            # Premium SSD storage up to 32 TiB (Azure Database for PostgreSQL flexible server docs, "Storage
            # options"; Premium SSD v2's 64 TiB is not in the price book); typed from the docs, unverified
            max_storage_gb=32_768),
    ),
    prices={
        "root_volume": PriceRef("managed_disk", "os_disk", "", "Premium SSD P4 OS disk"),
        "lb_hour": PriceRef("load_balancer", "rules_hour", "", "Standard Load Balancer (first 5 rules)"),
        "lb_capacity": PriceRef("load_balancer", "data_processed", "", "GB processed"),
        "public_ip": PriceRef("public_ip", "static_ipv4_hour", "", "Standard static IPv4"),
        "nat_hour": PriceRef("nat_gateway", "gateway_hour", "", "NAT gateway (one per zone)"),
        "nat_data": PriceRef("nat_gateway", "data_processed", "", "GB"),
        "inter_az": None,  # Azure does not bill traffic between availability zones
        "inter_region": PriceRef("bandwidth", "inter_region", "{dr_region}", "GB to {dr_region}"),
        "egress": PriceRef("bandwidth", "internet_egress", "", "GB out", tiered=True),
        "object_storage": PriceRef("blob_storage", "storage_hot_lrs", "", "Blob Hot LRS"),
        "k8s_control_plane": PriceRef("aks", "cluster_hour_standard", "", "AKS Standard tier"),
        "object_writes": PriceRef("blob_storage", "write_operations", "", "1k write operations"),
        "object_reads": PriceRef("blob_storage", "read_operations", "", "1k read operations"),
        "log_ingest": PriceRef("log_analytics", "ingestion", "", "GB ingested (31 days kept)", tiered=True),
        "log_storage": None,  # 31 days of retention are included in the ingestion price
        "alarms": PriceRef("azure_monitor", "metric_alert", "", "metric alert rules"),
        # a custom metric sampled once a minute: 43,800 samples a month
        "metrics": PriceRef("azure_monitor", "custom_metric_samples", "", "1M custom metric samples",
                            per_unit=43_800 / 1e6),
        "dns_health_check": PriceRef("traffic_manager", "health_check", "", "Traffic Manager health checks"),
        "container_vcpu": PriceRef("container_apps", "vcpu_hour", "", note="Consumption plan, active rate; no "
                                   "savings-plan rates in the price book"),
        "container_memory": PriceRef("container_apps", "memory_gb_hour", "", note="Consumption plan, active rate"),
        "function_requests": PriceRef("functions", "executions", "", "1M executions"),
        "function_duration": PriceRef("functions", "execution_time", "", "GB-seconds", tiered=True),
        "function_provisioned": None,  # no provisioned-concurrency price in the book: cold starts refuse functions
        "api_requests": None,  # an HTTP-triggered function is its own endpoint
    },
    allowances={
        "function_requests": ("functions", "free_tier_executions"),
        "function_duration": ("functions", "free_tier_execution_time"),
        "log_ingest": ("log_analytics", "free_tier_ingestion"),
    },
    purchase_notes={
        "on_demand": "everything pay-as-you-go: no commitment",
        "savings_1yr": "no reservation or savings-plan rates in the price book: everything at pay-as-you-go "
                       "rates (a commitment would cost less; not priced here)",
        "savings_3yr": "no reservation or savings-plan rates in the price book: everything at pay-as-you-go "
                       "rates (a commitment would cost less; not priced here)",
        "spot_mix": "no Spot rates in the price book: everything at pay-as-you-go rates",
        "optimise": "no reservation or savings-plan rates in the price book: nothing to commit to, everything "
                    "pay-as-you-go",
    },
    # no reservation, savings-plan or spot rates in the book: committed and spot choices bill pay-as-you-go,
    # and every such line says so
    commitments={},
    nat_billing="per_az",
    nat_max_billed_vms=0,
    load_balancer_capacity="gb",
    function_mb_per_vcpu=1536,  # Consumption plan: an instance has 1.5 GB and one core
    # Azure region pairs (Microsoft's "cross-region replication" list); unpaired regions use their geography
    dr_regions={
        "eastus": "westus", "westus": "eastus", "eastus2": "centralus", "centralus": "eastus2",
        "westus2": "westcentralus", "westcentralus": "westus2", "westus3": "eastus",
        "northcentralus": "southcentralus", "southcentralus": "northcentralus", "canadacentral": "canadaeast",
        "canadaeast": "canadacentral", "brazilsouth": "southcentralus", "northeurope": "westeurope",
        "westeurope": "northeurope", "uksouth": "ukwest", "ukwest": "uksouth", "francecentral": "francesouth",
        "francesouth": "francecentral", "germanywestcentral": "germanynorth", "germanynorth": "germanywestcentral",
        "switzerlandnorth": "switzerlandwest", "switzerlandwest": "switzerlandnorth", "norwayeast": "norwaywest",
        "norwaywest": "norwayeast", "swedencentral": "swedensouth", "swedensouth": "swedencentral",
        "eastasia": "southeastasia", "southeastasia": "eastasia", "japaneast": "japanwest", "japanwest": "japaneast",
        "koreacentral": "koreasouth", "koreasouth": "koreacentral", "australiaeast": "australiasoutheast",
        "australiasoutheast": "australiaeast", "australiacentral": "australiacentral2",
        "australiacentral2": "australiacentral", "centralindia": "southindia", "southindia": "centralindia",
        "westindia": "southindia", "southafricanorth": "southafricawest", "southafricawest": "southafricanorth",
        "uaenorth": "uaecentral", "uaecentral": "uaenorth",
    },
    default_region="eastus",
    availability=Availability(ec2_single_instance=99.9, ec2_multi_az=99.99, active_standby_pair=99.95,
                              fargate=99.95, lambda_=99.95, api_gateway=100.0, load_balancer=99.99,
                              rds_single_az=99.9, rds_multi_az=99.99, cache_single_node=99.9, cache_multi_az=99.99),
    sla_as_of="2026-07",
    sustained_share=burstable_share,
    policy_defaults={
        # general purpose (D) and compute optimised (F) v5/v6, x86 and Arm, without local disks
        "horizontal_family_pattern": r"^(D(a|p|l|al|pl)?s_v[56]|Fa?l?s_v6)$",
        "vertical_family_pattern": r"^(D(a|p|l|al|pl)?s_v[56]|E(a|p)?s_v[56]|Fa?l?s_v6|B(a|p)?[lt]?s_v2)$",
        "database_family_pattern": r"^(GP|MO|B)$",
        "cache_node_pattern": r"^premium$",
        "lambda_memory_mb": 1536,
        "ebs_gb_per_instance": 32,  # an OS disk is a whole P4 (32 GiB)
    },
    notes=(
        "Azure prices are pay-as-you-go: the price book has no reservation, savings-plan or spot rates, so "
        "committed and spot purchase options are billed at pay-as-you-go rates (each line says so).",
        "The flexible server, Redis, load balancer, NAT and storage prices come from one or a few regions; "
        "elsewhere they are flagged estimates scaled by the region's VM price level.",
    ),
)
