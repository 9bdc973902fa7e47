"""The nearest equivalent region of each cloud: one row per metro area, the region each cloud runs there.

Used to price one workload on several clouds side by side (``planner plan --clouds``): a region maps to the
other clouds' regions of its row. Rows pair regions in the same metro area, or failing that the same country
(typed from the providers' public region lists, 2026). Override any pair with ``--cloud-region CLOUD=REGION``.
"""

from __future__ import annotations

from collections.abc import Mapping

from planner.base.errors import PlannerError

# metro: {cloud: region}
EQUIVALENT_REGIONS: dict[str, dict[str, str]] = {
    "Northern Virginia": {"aws": "us-east-1", "gcp": "us-east4", "azure": "eastus"},
    "Ohio / Iowa": {"aws": "us-east-2", "gcp": "us-central1", "azure": "centralus"},
    "Oregon / Washington": {"aws": "us-west-2", "gcp": "us-west1", "azure": "westus2"},
    "California": {"aws": "us-west-1", "gcp": "us-west2", "azure": "westus"},
    "Montreal / Toronto": {"aws": "ca-central-1", "gcp": "northamerica-northeast1", "azure": "canadacentral"},
    "Calgary": {"aws": "ca-west-1", "gcp": "northamerica-northeast2", "azure": "canadaeast"},
    "Mexico": {"aws": "mx-central-1", "gcp": "northamerica-south1", "azure": "mexicocentral"},
    "Sao Paulo": {"aws": "sa-east-1", "gcp": "southamerica-east1", "azure": "brazilsouth"},
    "Ireland / Belgium": {"aws": "eu-west-1", "gcp": "europe-west1", "azure": "northeurope"},
    "London": {"aws": "eu-west-2", "gcp": "europe-west2", "azure": "uksouth"},
    "Paris": {"aws": "eu-west-3", "gcp": "europe-west9", "azure": "francecentral"},
    "Frankfurt": {"aws": "eu-central-1", "gcp": "europe-west3", "azure": "germanywestcentral"},
    "Zurich": {"aws": "eu-central-2", "gcp": "europe-west6", "azure": "switzerlandnorth"},
    "Stockholm": {"aws": "eu-north-1", "gcp": "europe-north2", "azure": "swedencentral"},
    "Milan": {"aws": "eu-south-1", "gcp": "europe-west8", "azure": "italynorth"},
    "Madrid": {"aws": "eu-south-2", "gcp": "europe-southwest1", "azure": "spaincentral"},
    "Netherlands": {"aws": "eu-west-1", "gcp": "europe-west4", "azure": "westeurope"},
    "Tokyo": {"aws": "ap-northeast-1", "gcp": "asia-northeast1", "azure": "japaneast"},
    "Osaka": {"aws": "ap-northeast-3", "gcp": "asia-northeast2", "azure": "japanwest"},
    "Seoul": {"aws": "ap-northeast-2", "gcp": "asia-northeast3", "azure": "koreacentral"},
    "Singapore": {"aws": "ap-southeast-1", "gcp": "asia-southeast1", "azure": "southeastasia"},
    "Hong Kong": {"aws": "ap-east-1", "gcp": "asia-east2", "azure": "eastasia"},
    "Jakarta": {"aws": "ap-southeast-3", "gcp": "asia-southeast2", "azure": "indonesiacentral"},
    "Mumbai / Pune": {"aws": "ap-south-1", "gcp": "asia-south1", "azure": "centralindia"},
    "Hyderabad / Delhi": {"aws": "ap-south-2", "gcp": "asia-south2", "azure": "southindia"},
    "Sydney": {"aws": "ap-southeast-2", "gcp": "australia-southeast1", "azure": "australiaeast"},
    "Melbourne": {"aws": "ap-southeast-4", "gcp": "australia-southeast2", "azure": "australiasoutheast"},
    "Tel Aviv": {"aws": "il-central-1", "gcp": "me-west1", "azure": "israelcentral"},
    "Gulf": {"aws": "me-central-1", "gcp": "me-central1", "azure": "uaenorth"},
    "South Africa": {"aws": "af-south-1", "gcp": "africa-south1", "azure": "southafricanorth"},
    # regions of one cloud with no twin above: the nearest of the others (a region listed twice maps by its
    # first row)
    "South Carolina / Virginia": {"aws": "us-east-1", "gcp": "us-east1", "azure": "eastus2"},
    "Columbus": {"aws": "us-east-2", "gcp": "us-east5", "azure": "centralus"},
    "Texas": {"aws": "us-east-2", "gcp": "us-south1", "azure": "southcentralus"},
    "Arizona / Nevada": {"aws": "us-west-2", "gcp": "us-west4", "azure": "westus3"},
    "Utah / Wyoming": {"aws": "us-west-2", "gcp": "us-west3", "azure": "westcentralus"},
    "Illinois": {"aws": "us-east-2", "gcp": "us-central1", "azure": "northcentralus"},
    "Finland / Norway": {"aws": "eu-north-1", "gcp": "europe-north1", "azure": "norwayeast"},
    "Warsaw": {"aws": "eu-central-1", "gcp": "europe-central2", "azure": "polandcentral"},
    "Berlin": {"aws": "eu-central-1", "gcp": "europe-west10", "azure": "germanywestcentral"},
    "Turin": {"aws": "eu-south-1", "gcp": "europe-west12", "azure": "italynorth"},
    "Taiwan": {"aws": "ap-east-1", "gcp": "asia-east1", "azure": "eastasia"},
    "Bangkok / Kuala Lumpur": {"aws": "ap-southeast-7", "gcp": "asia-southeast3", "azure": "malaysiawest"},
    "Santiago": {"aws": "sa-east-1", "gcp": "southamerica-west1", "azure": "chilecentral"},
    "Doha / Dammam": {"aws": "me-south-1", "gcp": "me-central2", "azure": "qatarcentral"},
}


def equivalent_region(cloud: str, region: str, target: str, overrides: Mapping[str, str] | None = None) -> str:
    """The region of cloud ``target`` nearest to ``region`` of ``cloud`` (``overrides``: target cloud -> region,
    taken as given)."""
    if overrides and target in overrides:
        return overrides[target]
    if target == cloud:
        return region
    for metro, regions in EQUIVALENT_REGIONS.items():
        if regions.get(cloud) == region:
            if target in regions:
                return regions[target]
            raise PlannerError(f"{target} has no region in the {metro} area of {cloud} {region}; choose one with "
                               f"--cloud-region {target}=REGION")
    raise PlannerError(f"no equivalent {target} region is listed for {cloud} {region}; choose one with "
                       f"--cloud-region {target}=REGION")
