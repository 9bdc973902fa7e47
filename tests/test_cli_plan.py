"""``planner plan`` and ``planner example`` from the command line."""

from __future__ import annotations

import io
import json

import pytest

from planner.cli import main


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def workload_file(tmp_path, capsys):
    path = tmp_path / "w.yaml"
    assert main(["example", "-o", str(path)]) == 0
    capsys.readouterr()
    return path


def test_example_then_plan_markdown(capsys, workload_file):
    code, out, err = run(capsys, "plan", str(workload_file), "--format", "md")
    assert code == 0, err
    assert out.startswith("# Capacity plan: checkout-api")
    for heading in ("## Recommendation", "## Options compared", "## Architecture", "```mermaid", "## Decisions",
                    "## Bill of materials", "## Assumptions", "## Price provenance"):
        assert heading in out


def test_plan_json_to_file_and_stdin(capsys, workload_file, tmp_path, monkeypatch):
    out_file = tmp_path / "plan.json"
    code, out, _ = run(capsys, "plan", str(workload_file), "-f", "json", "-o", str(out_file))
    assert code == 0 and out == ""
    from_file = json.loads(out_file.read_text())
    code, out, _ = run(capsys, "plan", "-", "-f", "json", stdin=workload_file.read_text(), monkeypatch=monkeypatch)
    assert code == 0
    assert json.loads(out)["options"] == from_file["options"]


def test_plan_table(capsys, workload_file):
    code, out, _ = run(capsys, "plan", str(workload_file))
    assert code == 0
    assert "Recommended: horizontal" in out and "Decisions" in out


def test_bad_workload_lists_every_field_and_writes_nothing(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("peak_rps: -1\nread_fraction: 3\nregion: us-east-1\n")
    out_file = tmp_path / "out.md"
    code, out, err = run(capsys, "plan", str(bad), "-f", "md", "-o", str(out_file))
    assert code == 2 and out == ""
    assert f"{bad}: peak_rps: value -1" in err and f"{bad}: read_fraction: value 3" in err
    assert "Traceback" not in err
    assert not out_file.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temporary file left behind either


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("peak_rps: 5\nregion: us-eest-1\n", "unknown region 'us-eest-1' for aws; did you mean"),
        ("peak_rps: [1, 2\n", "not valid YAML or JSON"),
        ("", "empty workload file"),
    ],
)
def test_bad_files(capsys, tmp_path, content, message):
    path = tmp_path / "w.yaml"
    path.write_text(content)
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2
    assert message in err and "Traceback" not in err


def test_missing_file(capsys):
    code, _, err = run(capsys, "plan", "/no/such/workload.yaml")
    assert code == 2 and err.strip() == "planner: error: /no/such/workload.yaml: no such file"


def test_binary_file(capsys, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_bytes(b"\xff\xfe\x00\x01binary")
    code, _, err = run(capsys, "plan", str(path))
    assert code == 2 and "not a text file" in err


@pytest.mark.parametrize("fmt", ["md", "table"])
def test_purchase_option_in_words_where_people_read_it(capsys, tmp_path, fmt):
    """The report and the terminal say "1-year savings plan", not the value ``savings_1yr``; JSON keeps the value
    (the contract)."""
    path = tmp_path / "w.yaml"
    path.write_text("name: words\npeak_rps: 300\npurchase_option: savings_1yr\n")
    code, out, err = run(capsys, "plan", str(path), "-f", fmt)
    assert code == 0, err
    assert "1-year savings plan" in out and "savings_1yr" not in out
    code, out, _ = run(capsys, "plan", str(path), "-f", "json")
    decisions = {d["topic"]: d["choice"] for d in json.loads(out)["decisions"]}
    assert decisions["purchase"] == "savings_1yr"
