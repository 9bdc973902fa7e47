"""The loader rejects bad tables with the file, line and column in the message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.base.errors import PlannerError, PriceTableError
from planner.pricing import PriceBook
from tests.conftest import edit_table

PRICES = "aws/ec2_on_demand.csv"


def _problems(folder: Path) -> str:
    with pytest.raises(PriceTableError) as info:
        PriceBook.load(folder)
    assert isinstance(info.value, PlannerError)
    return str(info.value)


def test_mini_folder_is_valid(mini_tables):
    book = PriceBook.load(mini_tables())
    assert book.instance_price("aws", "eu-west-1", "ec2", "m5.large").hourly_usd == 0.107


def test_missing_column_names_file_and_column(mini_tables):
    folder = mini_tables()
    edit_table(folder, PRICES, lambda df: df.drop(columns="hourly_usd"))
    msg = _problems(folder)
    assert f"{folder}/{PRICES}: missing column(s) hourly_usd" in msg


def test_unknown_column_is_rejected(mini_tables):
    folder = mini_tables()
    edit_table(folder, PRICES, lambda df: df.assign(hourly_eur="1"))
    assert "unknown column(s) hourly_eur" in _problems(folder)


def test_negative_price_names_line_and_column(mini_tables):
    folder = mini_tables()

    def negate(df):
        df.loc[3, "hourly_usd"] = "-0.5"
        return df

    edit_table(folder, PRICES, negate)
    # data row 3 is line 5: the header is line 1 and rows count from 0
    assert f"{folder}/{PRICES}, line 5, column hourly_usd: negative value (found '-0.5')" in _problems(folder)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("abc", "not a number"), ("", "empty value"), ("nan", "not a number"), ("inf", "not a finite number")],
)
def test_bad_price_values(mini_tables, value, expected):
    folder = mini_tables()

    def spoil(df):
        df.loc[0, "hourly_usd"] = value
        return df

    edit_table(folder, PRICES, spoil)
    assert f"line 2, column hourly_usd: {expected}" in _problems(folder)


def test_duplicate_key_is_rejected(mini_tables):
    folder = mini_tables()
    edit_table(folder, PRICES, lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True))
    n_rows = len(pd.read_csv(folder / PRICES))
    msg = _problems(folder)
    first = pd.read_csv(folder / PRICES, dtype=str).iloc[0]
    assert first.sku == "m5.12xlarge"
    assert (f"{folder}/{PRICES}, line 2 and {folder}/{PRICES}, line {n_rows + 1}: duplicate instance_prices key "
            f"(region={first.region}, service=ec2, sku=m5.12xlarge, option=on_demand)") in msg


def test_duplicate_across_files_of_one_kind(mini_tables):
    """The same price in two files of a kind is a duplicate too."""
    folder = mini_tables()
    first_on_demand = pd.read_csv(folder / PRICES, dtype=str, keep_default_na=False).iloc[[0]]
    edit_table(folder, "aws/ec2_spot.csv", lambda df: pd.concat([df, first_on_demand], ignore_index=True))
    msg = _problems(folder)
    assert "duplicate instance_prices key" in msg
    assert f"{folder}/{PRICES}, line 2 and {folder}/aws/ec2_spot.csv, line" in msg


def test_bad_unit_is_rejected(mini_tables):
    folder = mini_tables()

    def spoil(df):
        df.loc[2, "unit"] = "GB-mnth"
        return df

    edit_table(folder, "aws/service_prices.csv", spoil)
    msg = _problems(folder)
    assert "aws/service_prices.csv, line 4, column unit: not one of" in msg
    assert "(found 'GB-mnth')" in msg


def test_bad_option_and_date(mini_tables):
    folder = mini_tables()

    def spoil(df):
        df.loc[0, "option"] = "reserved_5yr"
        df.loc[1, "prices_as_of"] = "2025-13-01"
        return df

    edit_table(folder, PRICES, spoil)
    msg = _problems(folder)
    assert "line 2, column option: not one of" in msg
    assert "line 3, column prices_as_of: not a date (YYYY-MM-DD)" in msg


def test_checksum_mismatch_names_the_file(mini_tables):
    folder = mini_tables()
    path = folder / PRICES
    path.write_text(path.read_text().replace("0.107", "0.108", 1))
    msg = _problems(folder)
    assert f"{folder}/{PRICES}: checksum mismatch" in msg
    assert "scripts/build_pricing_data.py" in msg


def test_missing_and_unlisted_files(mini_tables):
    folder = mini_tables()
    (folder / "aws/ec2_spot.csv").rename(folder / "aws/extra.csv")
    msg = _problems(folder)
    assert "aws/ec2_spot.csv: listed in MANIFEST.csv but missing" in msg
    assert "aws/extra.csv: not listed in MANIFEST.csv" in msg


def test_unknown_source_and_spec(mini_tables):
    folder = mini_tables()

    def spoil(df):
        df.loc[0, "source_id"] = "my-spreadsheet"
        df.loc[1, "sku"] = "m5.huge"
        return df

    edit_table(folder, PRICES, spoil)
    msg = _problems(folder)
    assert "cites source_id 'my-spreadsheet' (aws) that no sources table defines" in msg
    assert "ec2 SKU 'm5.huge' (aws) has prices but no row in an instance_specs table" in msg


def test_not_a_folder_of_tables(tmp_path):
    assert "no MANIFEST.csv" in _problems(tmp_path)


def test_every_problem_is_reported_not_just_the_first(mini_tables):
    folder = mini_tables()

    def negative_price(df):
        df.loc[0, "hourly_usd"] = "-1"
        return df

    def zero_vcpu(df):
        df.loc[1, "vcpu"] = "0"
        return df

    edit_table(folder, PRICES, negative_price)
    edit_table(folder, "aws/instance_specs.csv", zero_vcpu)
    msg = _problems(folder)
    assert "ec2_on_demand.csv, line 2, column hourly_usd: negative value" in msg
    assert "instance_specs.csv, line 3, column vcpu: must be greater than zero" in msg
