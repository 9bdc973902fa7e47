"""``planner prices update``: recorded Azure Retail Prices API pages served on loopback drive the converter and
the whole update path; nothing here reaches the internet."""

from __future__ import annotations

import datetime as dt
import errno
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from planner.cli import main
from planner.pricing import PriceBook, default_book
from planner.pricing.loader import bundled_folder
from planner.pricing.update import azure
from planner.pricing.update.fetch import UpdateError, get_json
from planner.pricing.update.run import update
from planner.pricing.user_cache import read_update

PAGES = json.loads((Path(__file__).parent / "data" / "price_updates" / "azure_retail_eastus.json").read_text())
SERVICE_PAGE = json.loads((Path(__file__).parent / "data" / "price_updates" / "azure_retail_services_eastus.json")
                          .read_text())


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    """An empty price cache of its own, the choice left at auto, and books loaded afresh around the test."""
    monkeypatch.setenv("PLANNER_PRICES_DIR", str(tmp_path / "prices"))
    monkeypatch.delenv("PLANNER_PRICE_BOOK", raising=False)
    monkeypatch.setattr("time.sleep", lambda s: None)
    default_book.cache_clear()
    yield tmp_path / "prices"
    default_book.cache_clear()


@pytest.fixture()
def api():
    """The recorded pages on a loopback HTTP server: the first request answers 503 (a retry must follow)."""
    state = {"calls": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state["calls"] += 1
            if state["calls"] == 1:
                self.send_error(503, "busy")
                return
            if "productName" in self.path:  # the flexible-server and service meters
                body = json.dumps(SERVICE_PAGE)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(body.encode())
                return
            page = PAGES[1] if "page2" in self.path else PAGES[0]
            body = json.dumps({**page, "NextPageLink": f"{base}/prices?page2" if page["NextPageLink"] else None})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{base}/prices", state
    server.shutdown()


def test_converter_keeps_linux_pay_as_you_go_of_known_sizes():
    items = [i for p in PAGES for i in p["Items"]]
    rows, unknown = azure.vm_rows(items, {"Standard_D2s_v5", "Standard_D4s_v5"}, dt.date(2026, 12, 1))
    assert rows[["sku", "hourly_usd"]].values.tolist() == [["Standard_D2s_v5", 0.1], ["Standard_D4s_v5", 0.2]]
    assert unknown == 1  # Standard_X9_v9 has no spec in the book; Windows and Spot meters are not Linux PAYG
    assert set(rows.prices_as_of) == {"2026-12-01"} and set(rows.source_id) == {azure.SOURCE_ID}
    with pytest.raises(UpdateError, match="lacks armSkuName"):
        azure.vm_rows([{k: v for k, v in items[0].items() if k != "armSkuName"}], set(), dt.date(2026, 12, 1))


def test_update_installs_a_valid_book_that_plans_then_use(cache, api):
    url, state = api
    result = update("azure", ["eastus"], api=url, min_share=0)
    assert state["calls"] == 4  # a 503, then two pages of VMs and one of the other products
    # 2 VMs; 33 flexible-server rows (8 GP + 8 MO sizes, single and HA, and B1ms); 9 service prices
    assert result.rows == 2 + 33 + 9 and result.unknown_skus == 1 and result.folder == cache / "current"
    book = PriceBook.load(result.folder)  # validates
    vm = book.instance_prices[(book.instance_prices.cloud == "azure") & (book.instance_prices.region == "eastus")
                              & (book.instance_prices.service == "vm")]
    assert dict(zip(vm.sku, vm.hourly_usd)) == {"Standard_D2s_v5": 0.1, "Standard_D4s_v5": 0.2}
    bundled = PriceBook.load(clouds=["azure"])
    west = lambda b: b.instance_prices[(b.instance_prices.region == "westeurope")  # noqa: E731
                                       & (b.instance_prices.service == "vm")].hourly_usd.sum()
    assert west(book) == pytest.approx(west(bundled))  # other regions untouched
    provenance = read_update(result.folder)
    source = provenance["sources"][0]
    assert [(s["service"], s["options"]) for s in provenance["sources"]] == [
        ("vm", "on_demand"), ("postgresql_flexible", "on_demand"), ("services", "on_demand")]
    assert source["url"] == url and source["regions"] == ["eastus"] and len(source["sha256"]) == 64
    assert source["retrieved_at"].startswith(dt.date.today().isoformat()[:4])
    # plans use it (auto), and say so; --price-book bundled goes back
    used = default_book("azure")
    assert used.label.startswith("price cache (updated ") and used.prices_as_of >= dt.date.today().isoformat()[:7]
    assert default_book("aws").label.endswith("; aws prices as bundled)")  # the cache holds every cloud
    assert main(["--price-book", "bundled", "prices", "status"]) == 0
    default_book.cache_clear()
    assert default_book("azure").label == "pricing_data"


def test_azure_flexible_servers_and_service_meters(cache, api):
    result = update("azure", ["eastus"], api=api[0], min_share=0)
    book = PriceBook.load(result.folder)
    p = book.instance_prices
    flex = p[(p.cloud == "azure") & (p.region == "eastus") & (p.service == "postgresql_flexible")]
    got = {(sku, d): usd for sku, d, usd in zip(flex.sku, flex.deployment, flex.hourly_usd)}
    # per-SKU meters where listed; the per-vCore meter x vCores for the other sizes; HA bills a standby
    assert got["GP_Standard_D2ds_v5", "single-az"] == 0.178 and got["GP_Standard_D2ds_v5", "multi-az"] == 0.356
    assert got["GP_Standard_D8ds_v5", "single-az"] == pytest.approx(0.72)
    assert got["MO_Standard_E4ds_v5", "multi-az"] == pytest.approx(2 * 4 * 0.1275)
    # Burstable has no HA; a reservation meter is not a pay-as-you-go price
    assert got["B_Standard_B1ms", "single-az"] == 0.0207 and ("B_Standard_B1ms", "multi-az") not in got
    assert set(flex.source_id) == {"azure-retail-prices-api"}  # listed prices replace the scaled estimates
    price = lambda *k: book.service_price("azure", "eastus", *k).usd_per_unit  # noqa: E731
    assert price("blob_storage", "storage_hot_lrs") == 0.0208  # the first tier: the book's item is flat
    assert price("blob_storage", "write_operations") == pytest.approx(0.0055)  # per 10K -> per 1k
    assert price("managed_disk", "os_disk") == pytest.approx(5.28 / 32)  # a whole P4 a month, per GB
    assert price("postgresql_flexible", "storage", "flexible/multi-az/premium-ssd") == pytest.approx(0.23)
    assert price("nat_gateway", "gateway_hour") == 0.045 and price("public_ip", "static_ipv4_hour") == 0.005
    bundled = PriceBook.load(clouds=["azure"])
    assert price("load_balancer", "data_processed") == bundled.service_price(
        "azure", "eastus", "load_balancer", "data_processed").usd_per_unit
    assert any("load_balancer data_processed in eastus: the price list says 3.65" in k for k in result.kept)
    assert "azure load_balancer rules_hour: not in the answer for 1 region(s); the book's rows kept" in result.kept


def test_a_broken_cache_is_never_used(cache, api, capsys, monkeypatch):
    update("azure", ["eastus"], api=api[0], min_share=0)
    table = cache / "current" / "azure" / "regions.csv"
    table.write_text(table.read_text() + "tampered,row,,\n")
    default_book.cache_clear()
    assert default_book("azure").label == "pricing_data"  # auto: the bundled book, and a warning says why
    assert "is not valid, so the bundled price book is used" in capsys.readouterr().err
    monkeypatch.setenv("PLANNER_PRICE_BOOK", "cache")
    default_book.cache_clear()
    with pytest.raises(Exception, match="checksum mismatch"):
        default_book("azure")


def test_unreachable_network_changes_nothing(cache, capsys):
    before = (Path(str(bundled_folder())) / "MANIFEST.csv").read_bytes()
    with pytest.raises(UpdateError, match="Azure Retail Prices API: cannot reach .*the price cache is unchanged"):
        update("azure", ["eastus"], api="http://127.0.0.1:9/prices")
    assert not (cache / "current").exists()
    assert (Path(str(bundled_folder())) / "MANIFEST.csv").read_bytes() == before


def test_cli_failures_are_one_line_and_exit_2(cache, capsys, monkeypatch):
    monkeypatch.setattr(azure, "API", "http://127.0.0.1:9/prices")
    assert main(["prices", "update", "--cloud", "azure", "--regions", "eastus", "-q"]) == 2
    assert "cannot reach" in capsys.readouterr().err
    monkeypatch.delenv("PLANNER_GCP_API_KEY", raising=False)
    assert main(["prices", "update", "--cloud", "gcp"]) == 2
    assert "needs an API key in $PLANNER_GCP_API_KEY" in capsys.readouterr().err
    assert main(["prices", "update", "--cloud", "azure", "--regions", "eastuss"]) == 2
    assert "did you mean eastus" in capsys.readouterr().err
    assert main(["--price-book", "sideways", "prices", "status"]) == 2


def test_bad_answers_name_the_source(cache, api):
    with pytest.raises(UpdateError, match="a page without 'Items'"):
        update("azure", ["eastus"], get=lambda url: {"Oops": []})
    with pytest.raises(UpdateError, match="did not answer JSON"):
        _truncated(api[0])
    assert not (cache / "current").exists()


def _truncated(url: str) -> None:
    import urllib.request

    class Short:
        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def read(self):
            return b'{"Items": [ {"armRegionName": "eas'

    original = urllib.request.urlopen
    urllib.request.urlopen = lambda *a, **k: Short()
    try:
        get_json(url, source="Azure Retail Prices API", retries=0)
    finally:
        urllib.request.urlopen = original


def test_a_full_disk_keeps_the_previous_cache(cache, api, monkeypatch):
    update("azure", ["eastus"], api=api[0], min_share=0)
    before = (cache / "current" / "MANIFEST.csv").read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("planner.pricing.update.install.write_manifest", full)
    with pytest.raises(UpdateError, match="No space left on device.*previous one stays"):
        update("azure", ["eastus"], get=lambda url: PAGES[0] if "page2" not in url else PAGES[1], min_share=0)
    assert (cache / "current" / "MANIFEST.csv").read_bytes() == before
    assert sorted(p.name for p in cache.iterdir()) == ["current"]  # and no half-built folder left behind


def test_reports_name_the_refreshed_book(cache, api, tmp_path):
    update("azure", ["eastus"], api=api[0], min_share=0)
    default_book.cache_clear()
    (tmp_path / "w.yaml").write_text("name: api\ncloud: azure\nregion: eastus\npeak_rps: 200\n")
    assert main(["plan", str(tmp_path / "w.yaml"), "-f", "md", "-o", str(tmp_path / "r.md")]) == 0
    assert "· price book: price cache (updated " in (tmp_path / "r.md").read_text()
    assert main(["plan", str(tmp_path / "w.yaml"), "-f", "json", "-o", str(tmp_path / "r.json")]) == 0
    assert json.loads((tmp_path / "r.json").read_text())["price_book"].startswith("price cache")


def test_a_partial_answer_is_refused(cache, api):
    # two sizes priced where the book has hundreds in eastus: taken for a partial answer
    with pytest.raises(UpdateError, match=r"the answer for eastus prices 2 vm sizes \(on demand\) where the book has"):
        update("azure", ["eastus"], api=api[0])
    assert not (cache / "current").exists()


def test_prices_diff_lists_the_movers(cache, api, capsys):
    update("azure", ["eastus"], api=api[0], min_share=0)
    from planner.pricing.book_diff import diff_books, load_side

    (old, _), (new, _) = load_side("bundled"), load_side("cache")
    d = diff_books(old, new)
    movers = d.movers(200)
    vm = movers[movers.service == "vm"]
    assert vm.what.tolist()[:2] == ["Standard_D2s_v5 on_demand", "Standard_D4s_v5 on_demand"]
    assert vm.change_pct.tolist()[:2] == [pytest.approx(4.17), pytest.approx(4.17)]  # 0.096 -> 0.1
    # the largest mover first: by the size of its change
    assert movers.change_pct.abs().is_monotonic_decreasing
    row = d.by_service().set_index(["cloud", "service"]).loc[("azure", "vm")]
    assert row.changed == 2 and row.gone > 0
    assert main(["prices", "diff", "bundled", "cache", "-f", "csv"]) == 0
    changed = int((d.changes.status == "changed").sum())
    assert changed > 2 and f"{changed:,} prices changed" in capsys.readouterr().err


def test_plan_compare_prices_shows_the_bill_moving(cache, api, tmp_path, capsys):
    (tmp_path / "w.yaml").write_text("name: api\ncloud: azure\nregion: eastus\npeak_rps: 50\n")
    assert main(["plan", str(tmp_path / "w.yaml"), "--compare-prices"]) == 2
    assert "no refreshed price book" in capsys.readouterr().err
    update("azure", ["eastus"], api=api[0], min_share=0)
    default_book.cache_clear()
    assert main(["plan", str(tmp_path / "w.yaml"), "--compare-prices", "-f", "json", "-o",
                 str(tmp_path / "d.json")]) == 0
    d = json.loads((tmp_path / "d.json").read_text())
    assert d["old_price_book"] == "pricing_data" and d["new_price_book"].startswith("price cache")
    assert "delta_usd" in d


# -- AWS bulk offer files -----------------------------------------------------

OFFER = (Path(__file__).parent / "data" / "price_updates" / "aws_ec2_us-east-1.json").read_bytes()
RDS_OFFER = (Path(__file__).parent / "data" / "price_updates" / "aws_rds_us-east-1.json").read_bytes()
CACHE_OFFER = (Path(__file__).parent / "data" / "price_updates" / "aws_elasticache_us-east-1.json").read_bytes()
SPOT_ADVICE = (Path(__file__).parent / "data" / "price_updates" / "aws_spot_advisor.json").read_bytes()
SAVINGS_PLANS = json.loads((Path(__file__).parent / "data" / "price_updates" / "aws_savings_plans.json").read_text())
SERVICE_OFFERS = json.loads((Path(__file__).parent / "data" / "price_updates" / "aws_service_offers_us-east-1.json")
                            .read_text())


def _offer_body(path: str) -> bytes:
    """The recorded file an offer URL names; offers not recorded answer with no products (their items keep the
    book's rows)."""
    if "spot-advisor" in path:
        return SPOT_ADVICE
    if "/savingsPlan/" in path:
        return json.dumps(SAVINGS_PLANS["index"] if path.endswith("region_index.json") else SAVINGS_PLANS["us-east-1"]
                          ).encode()
    offer = path.split("/aws/")[1].split("/")[0] if "/aws/" in path else ""
    recorded = {"AmazonEC2": OFFER, "AmazonRDS": RDS_OFFER, "AmazonElastiCache": CACHE_OFFER}
    if offer in recorded:
        return recorded[offer]
    if offer == "AmazonEKS":  # not offered in the region: no file there
        return b""
    return json.dumps(SERVICE_OFFERS.get(offer, {"offerCode": offer, "products": {}, "terms": {"OnDemand": {}}})
                      ).encode()


@pytest.fixture()
def offers():
    """The recorded offer file on loopback, honouring Range requests; ``cut`` bytes drop the first answer."""
    state = {"calls": 0, "ranges": [], "cut": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            state["calls"] += 1
            start = 0
            if self.headers.get("Range"):
                start = int(self.headers["Range"].removeprefix("bytes=").rstrip("-"))
                state["ranges"].append(start)
            body = _offer_body(self.path)[start:]
            if not body and not start:
                self.send_error(404, "Not Found")
                return
            self.send_response(206 if start else 200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if state["cut"] and state["calls"] == 1:  # a connection that drops half-way
                self.wfile.write(body[:state["cut"]])
                self.wfile.flush()
                self.connection.shutdown(2)
                return
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", state
    server.shutdown()


def test_aws_offer_file_converter(tmp_path):
    from planner.pricing.update import aws

    path = tmp_path / "offer.json"
    path.write_bytes(OFFER)
    rows, unknown = aws.ec2_rows(path, "us-east-1", {"m7g.large", "c7g.xlarge", "t4g.small"}, dt.date(2026, 12, 1))
    # Linux, shared tenancy, used capacity only: Windows, Dedicated and capacity-reservation SKUs are not it
    on_demand = rows[rows.option == "on_demand"]
    assert dict(zip(on_demand.sku, on_demand.hourly_usd)) == {"c7g.xlarge": 0.14, "m7g.large": 0.08}
    assert unknown == 1  # zz9.huge has no spec
    # reservations: the least money up front per term, upfront spread over the term's 8,760 h a year
    # (3-year partial upfront: 0.0155 + 407 / 26,280 = 0.030987); convertible RIs stand in for Savings Plans;
    # a legacy "Light Utilization" offer and the Windows SKU's RI are not it
    m7g = rows[(rows.sku == "m7g.large") & (rows.option != "on_demand")].set_index("option")
    assert m7g.hourly_usd.to_dict() == {"reserved_1yr": 0.0504, "reserved_3yr": 0.030987, "savings_1yr": 0.0576,
                                        "savings_3yr": 0.039}
    assert m7g.payment.to_dict() == {"reserved_1yr": "no-upfront", "reserved_3yr": "partial-upfront",
                                     "savings_1yr": "no-upfront", "savings_3yr": "no-upfront"}
    assert m7g.upfront_usd["reserved_3yr"] == 407 and m7g.notes["savings_1yr"].startswith("Convertible RI")
    with pytest.raises(UpdateError, match="AWS Spot Instance Advisor: no spot_advisor / ranges in the answer"):
        aws.spot_rows({"advice": []}, on_demand, dt.date(2026, 12, 1))
    (tmp_path / "cut.json").write_bytes(OFFER[: len(OFFER) // 2])
    with pytest.raises(UpdateError, match="is not a whole offer file"):
        aws.ec2_rows(tmp_path / "cut.json", "us-east-1", {"m7g.large"}, dt.date(2026, 12, 1))


def test_aws_update_resumes_a_dropped_download_and_installs(cache, offers):
    url, state = offers
    state["cut"] = 2000  # the first answer stops after 2,000 bytes: the retry asks for the rest
    result = update("aws", ["us-east-1"], api=url, min_share=0)
    # EC2 2 on demand + 4 commitments, RDS 5 + 2 reserved, ElastiCache 3, spot 2; service prices 24 (NAT 2,
    # EBS 2, RDS 2, ELB 3, transfer 5, S3 5, CloudWatch 5)
    assert state["ranges"] == [2000] and result.rows == 6 + 7 + 3 + 2 + 24 and result.unknown_skus == 1
    book = PriceBook.load(result.folder)
    ec2 = book.instance_prices[(book.instance_prices.region == "us-east-1") & (book.instance_prices.service == "ec2")]
    assert dict(zip(ec2[ec2.option == "on_demand"].sku, ec2[ec2.option == "on_demand"].hourly_usd)) == {
        "c7g.xlarge": 0.14, "m7g.large": 0.08}
    # spot: the fresh on-demand price x (1 - the advisor's savings), with its interruption band
    spot = ec2[ec2.option == "spot"].set_index("sku")
    assert spot.hourly_usd.to_dict() == {"c7g.xlarge": 0.063, "m7g.large": 0.0304}
    assert spot.interruption.to_dict() == {"c7g.xlarge": ">20%", "m7g.large": "<5%"}
    assert ec2[ec2.option == "reserved_1yr"].set_index("sku").hourly_usd.to_dict() == {"m7g.large": 0.0504}
    # Savings Plans: the no-upfront Compute Savings Plan rate of Linux shared tenancy, not the convertible-RI
    # proxy (0.0576), nor the all-upfront, Windows, dedicated or EC2 Instance Savings Plan rates
    plans = ec2[ec2.option.str.startswith("savings")].set_index("option")
    assert plans.hourly_usd.to_dict() == {"savings_1yr": 0.0612, "savings_3yr": 0.042}
    assert set(plans.notes) == {"Compute Savings Plan rate, no upfront"}
    # what the answer did not bring stays as it was: ElastiCache reservations, other regions
    bundled = PriceBook.load(clouds=["aws"])
    kept = lambda b: b.instance_prices[(b.instance_prices.service == "elasticache")  # noqa: E731
                                       & (b.instance_prices.option.str.startswith("reserved"))
                                       & (b.instance_prices.region == "us-east-1")]
    assert len(kept(book)) == len(kept(bundled)) > 0
    assert result.kept[0] == ("aws elasticache reserved: not in the answer from AWS Price List bulk API; the "
                              "book's rows kept")
    elsewhere = lambda b: (b.instance_prices[b.instance_prices.region == "eu-west-1"]  # noqa: E731
                           .reset_index(drop=True))
    assert elsewhere(book).equals(elsewhere(bundled))
    assert not (cache / "downloads").exists()  # the download is gone once installed
    sources = read_update(result.folder)["sources"]
    assert [(s["service"], s["options"]) for s in sources] == [
        ("ec2", "on_demand"), ("ec2", "reserved"), ("ec2", "savings"), ("rds", "on_demand"), ("rds", "reserved"),
        ("elasticache", "on_demand"), ("ec2", "spot"), ("services", "on_demand")]
    assert all(len(s["sha256"]) == 64 for s in sources)
    nodes = book.instance_prices[(book.instance_prices.region == "us-east-1")
                                 & (book.instance_prices.service == "elasticache")
                                 & (book.instance_prices.option == "on_demand")]
    assert dict(zip(nodes.engine, nodes.hourly_usd)) == {"memcached": 0.205, "redis": 0.21, "valkey": 0.168}
    rds = book.instance_prices[(book.instance_prices.region == "us-east-1") & (book.instance_prices.service == "rds")
                               & (book.instance_prices.option == "on_demand")
                               & (book.instance_prices.sku == "db.r6g.large")]
    got = {(e, d): usd for e, d, usd in zip(rds.engine, rds.deployment, rds.hourly_usd)}
    # each engine and deployment as the book names them; Oracle (licensed) and storage are not instances
    assert got[("postgresql", "single-az")] == 0.23 and got[("postgresql", "multi-az")] == 0.46
    assert got[("aurora-postgresql", "aurora-standard")] == 0.265
    assert got[("aurora-postgresql", "aurora-io-optimized")] == 0.345
    assert got[("mysql", "multi-az-cluster")] == 0.7 and not any(e == "oracle" for e, _ in got)


def test_aws_service_prices_follow_the_usagetype_map(cache, offers):
    url, _ = offers
    result = update("aws", ["us-east-1"], api=url, min_share=0)
    book = PriceBook.load(result.folder)
    price = lambda *k: book.service_price("aws", "us-east-1", *k).usd_per_unit  # noqa: E731
    # the region's own NAT gateway: not the Regional NAT gateway nor another region's row
    assert price("nat_gateway", "gateway_hour") == 0.048 and price("nat_gateway", "data_processed") == 0.048
    # per GiB/s-month in the price list, per MiB/s-month in the book: 40.96 / 1,024
    assert price("ebs", "storage", "gp3") == 0.076 and price("ebs", "provisioned_throughput", "gp3") == 0.04
    # one row per engine in the price list: the cheapest is the list price
    assert price("rds", "storage", "rds/single-az/gp3") == 0.12 and price("rds", "storage", "rds/multi-az/gp3") == 0.24
    assert price("elb", "alb_hour", "application") == 0.0252 and price("elb", "alb_lcu_hour", "application") == 0.0084
    # per request in the price list, per 1,000 in the book
    assert price("s3", "requests_put_copy_post_list", "STANDARD") == 0.0055
    assert price("s3", "requests_get_other", "STANDARD") == 0.00044
    # tiers in the price list's units (GB, metrics) become the book's
    s3 = book.tiers("aws", "us-east-1", "s3", "storage_standard", "STANDARD")
    assert list(s3.tier_start) == [0, 51200, 512000] and list(s3.usd_per_unit) == [0.024, 0.023, 0.022]
    egress = book.tiers("aws", "us-east-1", "data_transfer", "out_to_internet")
    assert list(egress.tier_start) == [0, 10240, 51200, 153600] and egress.source_id == "aws-price-list-services"
    metrics = book.tiers("aws", "us-east-1", "cloudwatch", "custom_metric")
    assert list(metrics.usd_per_unit) == [0.3, 0.1, 0.05, 0.02]
    # a price x1,000 off the book's is a unit the map does not expect: refused, the book's row kept
    bundled = PriceBook.load(clouds=["aws"])
    assert price("s3", "requests_get_other", "STANDARD_IA") == bundled.service_price(
        "aws", "us-east-1", "s3", "requests_get_other", "STANDARD_IA").usd_per_unit
    assert any("s3 requests_get_other/STANDARD_IA in us-east-1: the price list says 1, the book 0.001" in k
               for k in result.kept)
    # items not in the answer (Lambda and Fargate here) keep their rows and say so; other regions are untouched
    assert price("lambda", "requests", "x86_64") == bundled.service_price(
        "aws", "us-east-1", "lambda", "requests", "x86_64").usd_per_unit
    assert "aws lambda requests/x86_64: not in the answer for 1 region(s); the book's rows kept" in result.kept
    # no EKS offer file published for the region (404): its items are kept, the update goes on
    assert "aws eks cluster_hour/standard-support: not in the answer for 1 region(s); the book's rows kept" in (
        result.kept)
    assert book.service_price("aws", "eu-west-1", "nat_gateway", "gateway_hour") == bundled.service_price(
        "aws", "eu-west-1", "nat_gateway", "gateway_hour")
    # prices status, by role: NAT's two prices refreshed in 1 of 34 regions; Lambda not at all
    from planner.pricing.book_status import freshness

    fresh = freshness(book, "aws").set_index("role")
    assert fresh.loc["NAT", "refreshed_pct"] == round(100 * 2 / 68, 1) and fresh.loc["functions", "refreshed_pct"] == 0
    assert fresh.loc["spot", "newest"] == dt.datetime.now(dt.UTC).date().isoformat()


# -- Google Cloud Billing Catalog ---------------------------------------------

CATALOG = json.loads((Path(__file__).parent / "data" / "price_updates" / "gcp_catalog_compute.json").read_text())
CLOUD_SQL = json.loads((Path(__file__).parent / "data" / "price_updates" / "gcp_catalog_cloudsql.json").read_text())


def _catalog(url: str) -> dict:
    assert "key=test-key" in url  # the key goes to the API ...
    if "/services/9662-B51E-5089/" in url:
        return CLOUD_SQL[0]
    return CATALOG[1] if "pageToken=page-2" in url else CATALOG[0]


def test_gcp_machine_types_are_composed_from_unit_rates(cache, monkeypatch, capsys):
    monkeypatch.setenv("PLANNER_GCP_API_KEY", "test-key")
    result = update("gcp", ["us-central1", "us-east1"], get=_catalog, min_share=0)
    book = PriceBook.load(result.folder)
    p = book.instance_prices
    rate = lambda region, sku, option: float(p[(p.cloud == "gcp") & (p.region == region) & (p.sku == sku)  # noqa: E731
                                             & (p.option == option)].hourly_usd.iloc[0])
    # n2-standard-2: 2 vCPU x 0.031611 + 8 GiB x 0.004237, the published price; sustained use keeps its ratio
    assert rate("us-central1", "n2-standard-2", "on_demand") == pytest.approx(2 * 0.031611 + 8 * 0.004237)
    bundled = PriceBook.load(clouds=["gcp"]).instance_prices
    old = lambda sku, option: float(bundled[(bundled.region == "us-central1") & (bundled.sku == sku)  # noqa: E731
                                            & (bundled.option == option)].hourly_usd.iloc[0])
    assert rate("us-central1", "n2-standard-2", "sustained_use") == pytest.approx(
        old("n2-standard-2", "sustained_use"), rel=1e-4)
    assert rate("us-east1", "e2-standard-4", "on_demand") == pytest.approx(4 * 0.021811 + 16 * 0.002923)
    # spot and committed use from their own vCPU and GiB rates ("Spot Preemptible ...", "Commitment v1: ...")
    assert rate("us-central1", "n2-standard-2", "spot") == pytest.approx(2 * 0.00765 + 8 * 0.00102)
    assert rate("us-east1", "n2-standard-2", "reserved_1yr") == pytest.approx(2 * 0.019915 + 8 * 0.002669)
    # GPU and shared-core types, and what the answer does not price (a 3-year N2 commitment, E2 commitments),
    # keep the bundled prices
    for sku, option in (("a2-highgpu-1g", "on_demand"), ("e2-micro", "on_demand"), ("n2-standard-2", "reserved_3yr"),
                        ("e2-standard-4", "reserved_1yr"), ("e2-standard-4", "spot")):
        assert rate("us-central1", sku, option) == pytest.approx(old(sku, option)), (sku, option)
    # Cloud SQL: custom classes from the engine's vCPU and RAM rates, zonal for single-az, regional for HA
    sql = lambda engine, deployment: rate_of(p, "us-central1", "db-custom-1-3840", engine, deployment)  # noqa: E731
    assert sql("postgresql", "single-az") == pytest.approx(0.0413 + 3.75 * 0.007)  # the published 0.06755
    assert sql("postgresql", "multi-az") == pytest.approx(0.0826 + 3.75 * 0.014)
    assert sql("mysql", "single-az") == pytest.approx(0.06755)
    # no regional MySQL rate, and nothing for us-east1, in the answer: those rows stay as they were
    assert sql("mysql", "multi-az") == pytest.approx(rate_of(bundled, "us-central1", "db-custom-1-3840", "mysql",
                                                             "multi-az"))
    assert rate_of(p, "us-east1", "db-custom-1-3840", "postgresql", "single-az") == pytest.approx(
        rate_of(bundled, "us-east1", "db-custom-1-3840", "postgresql", "single-az"))
    assert any(k.startswith("gcp cloudsql on_demand: nothing in the answer for 1 region(s) (us-east1)")
               for k in result.kept)
    storage = book.service_price("gcp", "us-central1", "cloudsql", "storage", "cloudsql/multi-az/ssd")
    assert storage.usd_per_unit == 0.34 and storage.source_id == "gcp-cloud-billing-catalog"
    # service prices by the catalog map: disks, load balancing (the last tier: the free first one is a rule)
    service = lambda *k: book.service_price("gcp", "us-east1", *k)  # noqa: E731
    assert service("persistent_disk", "pd_balanced").usd_per_unit == 0.11
    assert service("persistent_disk", "pd_balanced_regional").usd_per_unit == 0.22
    assert service("cloud_load_balancing", "forwarding_rule_hour").source_id == "gcp-cloud-billing-catalog"
    assert service("cloud_load_balancing", "data_processed").usd_per_unit == 0.008
    assert "gcp persistent_disk pd_ssd: not in the answer for 2 region(s); the book's rows kept" in result.kept
    # ... but never into the provenance or a message
    provenance = json.dumps(read_update(result.folder))
    assert "test-key" not in provenance and "key=***" in provenance
    from planner.pricing.update.fetch import _short

    assert "test-key" not in _short("https://cloudbilling.googleapis.com/v1/services/x/skus?key=test-key&a=1")


def test_gcp_answers_that_price_few_types_are_taken(cache, monkeypatch):
    """Google's rows replace only the rows they price: an answer pricing two families of the dozens the book
    has loses nothing, so it is not refused as partial (AWS and Azure answers, which replace whole groups, are)."""
    monkeypatch.setenv("PLANNER_GCP_API_KEY", "test-key")
    result = update("gcp", ["us-central1"], get=_catalog)  # the default min_share
    book = PriceBook.load(result.folder)
    bundled = PriceBook.load(clouds=["gcp"])
    count = lambda b: int(((b.instance_prices.cloud == "gcp") & (b.instance_prices.region == "us-central1")  # noqa: E731
                           ).sum())
    assert count(book) == count(bundled)


def rate_of(prices, region: str, sku: str, engine: str, deployment: str) -> float:
    hit = prices[(prices.cloud == "gcp") & (prices.region == region) & (prices.sku == sku) & (prices.engine == engine)
                 & (prices.deployment == deployment) & (prices.option == "on_demand")]
    return float(hit.hourly_usd.iloc[0])


def test_gcp_without_a_key_or_with_a_refused_one(cache, monkeypatch):
    monkeypatch.delenv("PLANNER_GCP_API_KEY", raising=False)
    with pytest.raises(UpdateError, match="needs an API key"):
        update("gcp", ["us-central1"], get=_catalog)
    monkeypatch.setenv("PLANNER_GCP_API_KEY", "test-key")
    with pytest.raises(UpdateError, match="a page without 'skus'"):
        update("gcp", ["us-central1"], get=lambda url: {"error": {"code": 403, "message": "API key not valid"}})
    assert not (cache / "current").exists()


def test_every_mapped_item_is_one_the_book_prices():
    """A map row naming an item the book does not have would refresh nothing: each must name a bundled item in
    the book's own unit."""
    from planner.pricing.update import aws_services, azure_services, gcp_services

    for cloud, keys in (("aws", {m.key: m.unit for m in aws_services.load_map()}),
                        ("azure", {m.key: m.unit for m in azure_services.load_map()}),
                        ("gcp", {e.key: e.unit for e in gcp_services.load_map()})):
        s = PriceBook.load(clouds=[cloud]).service_prices
        units = {(a, b, c): u for a, b, c, u in zip(s.service, s["item"], s.dimension.fillna(""), s.unit)}
        assert {k: units.get(k) for k in keys} == keys, cloud


def test_cli_update_lists_what_it_kept(cache, monkeypatch, capsys):
    from planner.pricing.update import run

    kept = tuple(f"aws s3 item_{i}: not in the answer for 1 region(s); the book's rows kept" for i in range(11))
    monkeypatch.setattr(run, "update", lambda *a, **k: run.UpdateResult(
        folder=cache / "current", source="AWS Price List bulk API", regions=("us-east-1",), rows=40, unknown_skus=0,
        kept=kept))
    assert main(["prices", "update", "--cloud", "aws", "--regions", "us-east-1", "-q"]) == 0
    err = capsys.readouterr().err
    assert "updated 40 aws prices in 1 region(s) from AWS Price List bulk API" in err
    assert "kept: aws s3 item_7:" in err and "item_8" not in err
    assert "... and 3 more kept as they were (planner prices status lists them all)" in err


def test_savings_plan_index_in_either_shape_and_a_changed_one():
    from planner.pricing.update import aws

    entry = {"regionCode": "us-east-1",
             "versionUrl": "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/1/us-east-1/index.json"}
    want = {"us-east-1": "https://x" + entry["versionUrl"]}
    assert aws.savings_plan_urls({"regions": [entry]}, ["us-east-1"], "https://x") == want
    assert aws.savings_plan_urls({"regions": {"us-east-1": entry}}, ["us-east-1", "eu-west-1"], "https://x") == want
    with pytest.raises(UpdateError, match="the Savings Plans region index has no 'regions'"):
        aws.savings_plan_urls({"offers": []}, ["us-east-1"])


def test_the_cli_update_packs_the_refreshed_book(cache, api, monkeypatch, tmp_path):
    # as the wheel build packs the bundled tables: the first plan on refreshed prices reads one file per cloud
    from planner.pricing import cache as book_cache
    from planner.pricing.book import PACK_CLASSES, packed_path

    monkeypatch.setattr(azure, "API", api[0])
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(tmp_path / "book-cache"))
    assert main(["prices", "update", "--cloud", "azure", "--regions", "eastus", "--allow-shrink", "-q"]) == 0
    folder = cache / "current"
    for cloud in ("aws", "azure", "gcp"):
        state = book_cache.read_packed(packed_path(folder, cloud), book_cache.content_key(folder, cloud),
                                       PACK_CLASSES, signed=True)
        assert state is not None and len(state["_memo"]) > 10
        # sealed with this account's cache key: unsealed, the pack is not read
        assert book_cache.read_packed(packed_path(folder, cloud), book_cache.content_key(folder, cloud),
                                      PACK_CLASSES, signed=False) is None
    packed = PriceBook.from_state(book_cache.read_packed(packed_path(folder, "azure"),
                                                         book_cache.content_key(folder, "azure"), PACK_CLASSES,
                                                         signed=True))
    assert packed.instance_price("azure", "eastus", "postgresql_flexible", "GP_Standard_D2ds_v5").hourly_usd == 0.178
    default_book.cache_clear()
    assert default_book("azure").kept_memo_size() == packed.kept_memo_size()  # read from the pack
    assert not list((tmp_path / "book-cache").glob("*.pack"))  # and nothing cached besides


def test_an_update_that_cannot_pack_still_installs(cache, api, monkeypatch, capsys):
    # the cache switched off: no key to seal the packs with; the book is installed and derived on first use
    monkeypatch.setattr(azure, "API", api[0])
    monkeypatch.setenv("PLANNER_CACHE_DIR", "off")
    assert main(["prices", "update", "--cloud", "azure", "--regions", "eastus", "--allow-shrink", "-q"]) == 0
    err = capsys.readouterr().err
    assert "warning: the refreshed book's tables were not packed" in err and "switched off" in err
    assert not list((cache / "current").glob("derived/*.pack"))
    default_book.cache_clear()
    book = default_book("azure")
    assert book.label.startswith("price cache (updated ")
    assert book.instance_price("azure", "eastus", "postgresql_flexible", "GP_Standard_D2ds_v5").hourly_usd == 0.178
