"""The workload a user describes: validated at the boundary, units in every name.

Traffic is given either as ``peak_rps`` or as ``daily_active_users`` x
``requests_per_user_per_day`` (with ``peak_to_average``). Every field's
description states its unit, default and allowed range; a bad value raises
:class:`WorkloadError` naming the field, the value and the range.
"""

from __future__ import annotations

import difflib
from enum import Enum
from pathlib import Path
from typing import Any

import annotated_types as at
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from planner.base.errors import PlannerError
from planner.base.input_files import STDIN, InputFileError, read_limited
from planner.base.numbers import NotANumber, parse_number
from planner.base.yaml_input import InputRefused, SafeInputLoader
from planner.workload.policy import SizingPolicy


class PurchaseOption(str, Enum):
    on_demand = "on_demand"
    savings_1yr = "savings_1yr"
    savings_3yr = "savings_3yr"
    spot_mix = "spot_mix"
    optimise = "optimise"


# the purchase options that buy a commitment (a plan says what it commits and what that saves)
COMMITTING = (PurchaseOption.savings_1yr.value, PurchaseOption.savings_3yr.value, PurchaseOption.optimise.value)


class CdnMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


class ObjectAccess(str, Enum):
    hot = "hot"
    warm = "warm"
    archive = "archive"


class QueueKind(str, Enum):
    standard = "standard"
    fifo = "fifo"
    stream = "stream"


class DataModel(str, Enum):
    relational = "relational"
    key_value = "key_value"


class Workload(BaseModel):
    """A backend workload to size and price."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True, validate_default=True,
                              allow_inf_nan=False)

    # identity
    name: str = Field("workload", min_length=1, max_length=120, description="Name shown in reports.")
    cloud: str = Field("aws", description="Cloud provider: aws, gcp or azure.")
    region: str = Field("us-east-1", description="Region code of the primary deployment on that cloud, e.g. "
                                                 "eu-west-1 (aws), europe-west1 (gcp), westeurope (azure).")

    # traffic
    peak_rps: float | None = Field(
        None, gt=0, le=10_000_000,
        description="Peak requests per second [req/s], 0 < x <= 10,000,000. Give this, or daily_active_users "
                    "and requests_per_user_per_day.")
    daily_active_users: float | None = Field(
        None, gt=0, le=5_000_000_000, description="Daily active users [users], 0 < x <= 5e9 (instead of peak_rps).")
    requests_per_user_per_day: float | None = Field(
        None, gt=0, le=1_000_000, description="Requests per user per day [req/user/day], 0 < x <= 1e6.")
    peak_to_average: float = Field(
        3.0, ge=1, le=20, description="Peak / average request rate over a day (over a week where "
                                      "policy.diurnal_profile gives a week's hours) [ratio], 1 <= x <= 20. Default 3.")
    read_fraction: float = Field(0.9, ge=0, le=1, description="Share of requests that only read [0-1]. Default 0.9.")
    cpu_ms_per_request: float = Field(
        50.0, gt=0, le=60_000, description="CPU time one request needs on one vCPU [ms], 0 < x <= 60,000. Default 50.")
    response_kb: float = Field(20.0, ge=0, le=1_000_000, description="Mean response size [KB], 0 <= x <= 1e6. "
                                                                     "Default 20.")
    latency_target_ms: float = Field(250.0, gt=0, le=600_000, description="p99 latency target [ms], 0 < x <= "
                                                                           "600,000. Default 250.")

    # data
    data_size_gb: float = Field(100.0, ge=0, le=1_000_000, description="Database size today [GB], 0 <= x <= 1e6. "
                                                                       "Default 100.")
    monthly_growth: float = Field(0.03, ge=0, le=1, description="Monthly growth of traffic and data [fraction], "
                                                                "0 <= x <= 1. Default 0.03.")
    horizon_months: int = Field(12, ge=1, le=60, description="Planning horizon [months], 1 <= x <= 60. Default 12.")
    object_storage_gb: float = Field(0.0, ge=0, le=100_000_000, description="Object storage today [GB], 0 <= x <= "
                                                                            "1e8. Default 0.")
    hot_data_fraction: float = Field(0.2, gt=0, le=1, description="Share of the data most reads touch [0-1], "
                                                                  "0 < x <= 1. Default 0.2.")
    object_storage_access: ObjectAccess = Field(
        ObjectAccess.hot, description="How objects are read once they cool: hot (stay in the standard class), warm "
                                      "(move to an infrequent-access class) or archive (move to an archive class, "
                                      "read back rarely and slowly). Default hot.")
    object_cool_after_days: float = Field(30.0, ge=0, le=3650, description="Days after upload when objects cool "
                                                                            "and a lifecycle rule moves them [days], "
                                                                            "0 <= x <= 3,650. Default 30.")
    object_retention_days: float | None = Field(
        None, gt=0, le=36_500, description="Days after upload when objects are deleted [days], 0 < x <= 36,500; "
                                           "empty: kept for ever. Default empty.")
    data_model: DataModel = Field(
        DataModel.relational, description="relational (a SQL database) or key_value (data read and written by key "
                                          "only: a key-value store such as DynamoDB is weighed against the "
                                          "relational database and replaces it where cheaper). Default relational.")

    # edge
    cacheable_fraction: float = Field(0.0, ge=0, le=1, description="Share of responses (and static assets) a CDN "
                                                                   "may cache [0-1]. Default 0.")
    cdn_hit_ratio: float = Field(0.9, ge=0, le=1, description="Share of cacheable requests the CDN answers from "
                                                              "its edge caches [0-1]. Default 0.9.")
    cdn: CdnMode = Field(CdnMode.auto, description="auto (a CDN in front where it pays), always or never. "
                                                   "Default auto.")
    public: bool = Field(False, description="Reachable from the internet and guarded at the edge: a web "
                                            "application firewall (web ACL, rules, requests) is planned. "
                                            "Default false.")

    # asynchronous work
    async_jobs_per_second: float = Field(0.0, ge=0, le=1_000_000, description="Background jobs queued at peak "
                                                                                "[jobs/s], 0 <= x <= 1,000,000. "
                                                                                "Default 0 (none).")
    job_cpu_ms: float = Field(200.0, gt=0, le=900_000, description="CPU time one job needs on one vCPU [ms], "
                                                                   "0 < x <= 900,000. Default 200.")
    job_message_kb: float = Field(4.0, gt=0, le=1024, description="Size of one job's message [KB], 0 < x <= 1,024. "
                                                                  "Default 4.")
    max_queue_delay_seconds: float = Field(60.0, gt=0, le=86_400, description="Longest a job may wait in the "
                                                                              "queue at p99 [s], 0 < x <= 86,400. "
                                                                              "Default 60.")
    queue_kind: QueueKind = Field(QueueKind.standard, description="standard (at-least-once queue), fifo (ordered, "
                                                                  "exactly-once queue) or stream (ordered, "
                                                                  "replayable stream). Default standard.")

    # reliability
    availability_target: float = Field(99.9, ge=90, lt=100, description="Availability target [percent], "
                                                                        "90 <= x < 100. Default 99.9.")
    rto_minutes: float = Field(240.0, ge=0, le=100_000, description="Recovery time objective after a regional "
                                                                    "disaster [minutes], 0 <= x <= 100,000. Default 240.")
    rpo_minutes: float = Field(60.0, ge=0, le=100_000, description="Recovery point objective: data loss tolerated "
                                                                   "[minutes], 0 <= x <= 100,000. Default 60.")

    # money
    purchase_option: PurchaseOption = Field(
        PurchaseOption.on_demand, description="on_demand, savings_1yr, savings_3yr (commit the baseline), spot_mix "
                                              "(baseline on demand, burst on spot) or optimise (the cheapest "
                                              "commitment mix for the load profile and horizon). Default on_demand.")
    target_cpu_utilization: float = Field(0.6, gt=0.05, le=0.95, description="CPU utilisation to run at, at peak "
                                                                             "[0-1], 0.05 < x <= 0.95. Default 0.6.")

    policy: SizingPolicy = Field(default_factory=SizingPolicy, description="Sizing tunables; override any of them.")

    @field_validator("*", mode="before")
    @classmethod
    def _one_number_spelling(cls, value: Any, info: ValidationInfo) -> Any:
        """A number field's text is read by :func:`planner.base.numbers.parse_number` (the spellings a scenario CSV
        accepts, no more: pydantic alone would take others), and a boolean is no number (pydantic would read
        ``true`` as 1)."""
        if info.field_name and _is_number_field(cls.model_fields[info.field_name].annotation):
            return strict_number(value)
        return value

    @field_validator("cloud")
    @classmethod
    def _known_cloud(cls, value: str) -> str:
        from planner.clouds import catalogs

        if value not in catalogs():
            close = difflib.get_close_matches(value, list(catalogs()), n=1)
            raise ValueError(f"unknown cloud '{value}'" + (f"; did you mean {close[0]}?" if close else
                                                           f"; known: {', '.join(catalogs())}"))
        return value

    @model_validator(mode="before")
    @classmethod
    def _cloud_default_region(cls, data: object) -> object:
        """A workload that names a cloud but no region is in that cloud's default region (us-central1 on gcp,
        eastus on azure): the field's own default is AWS's."""
        if isinstance(data, dict) and not data.get("region") and data.get("cloud") not in (None, "", "aws"):
            from planner.clouds import catalogs

            catalog = catalogs().get(str(data["cloud"]))
            if catalog is not None:
                data = {**data, "region": catalog.default_region}
        return data

    @model_validator(mode="after")
    def _traffic_given_once(self) -> Workload:
        by_users = self.daily_active_users is not None or self.requests_per_user_per_day is not None
        if self.peak_rps is None and not by_users:
            raise ValueError("give peak_rps, or daily_active_users and requests_per_user_per_day")
        if self.peak_rps is not None and by_users:
            raise ValueError(f"give peak_rps ({self.peak_rps:g}) or daily_active_users x requests_per_user_per_day, "
                             "not both")
        if by_users and (self.daily_active_users is None or self.requests_per_user_per_day is None):
            raise ValueError("daily_active_users and requests_per_user_per_day go together: give both")
        if self.data_model == "key_value" and self.policy.cache_mode == "always":
            raise ValueError("data_model key_value with policy.cache_mode always: a cache in front of the key-value "
                             "store is not modelled (reads by key need none); set cache_mode auto, or data_model "
                             "relational")
        if self.cacheable_fraction > self.read_fraction:
            raise ValueError(f"cacheable_fraction ({self.cacheable_fraction:g}) cannot exceed read_fraction "
                             f"({self.read_fraction:g}): only reads are cacheable")
        if self.cpu_ms_per_request >= self.latency_target_ms:
            raise ValueError(f"cpu_ms_per_request ({self.cpu_ms_per_request:g} ms) must be below latency_target_ms "
                             f"({self.latency_target_ms:g} ms): no number of servers can answer faster than the "
                             "work takes")
        return self


NUMERIC_FIELDS: tuple[str, ...] = tuple(
    name for name, f in Workload.model_fields.items() if f.annotation in (float, int, float | None))
BOOL_FIELDS: tuple[str, ...] = tuple(name for name, f in Workload.model_fields.items() if f.annotation is bool)
TEXT_FIELDS: tuple[str, ...] = tuple(
    name for name in Workload.model_fields if name not in NUMERIC_FIELDS and name != "policy")
ENUM_FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(m.value for m in f.annotation) for name, f in Workload.model_fields.items()
    if isinstance(f.annotation, type) and issubclass(f.annotation, Enum)}


def field_constraints(name: str) -> list[tuple[str, float]]:
    """The numeric bounds of a workload field as (op, bound) with op one of gt, ge, lt, le (read off the model,
    so the batch validator and the dashboard's inputs cannot drift from it)."""
    out = []
    for m in Workload.model_fields[name].metadata:
        for kind, op in ((at.Gt, "gt"), (at.Ge, "ge"), (at.Lt, "lt"), (at.Le, "le")):
            if isinstance(m, kind):
                out.append((op, float(getattr(m, op))))
    return out


def strict_number(value: Any) -> Any:
    """``value`` as a number field takes it: text through the one number parser, a boolean refused (a
    ``ValueError`` saying why), anything else as given (the field's own type check follows)."""
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is a yes/no value, not a number")
    if isinstance(value, str):
        try:
            return parse_number(value)
        except NotANumber as exc:
            raise ValueError(str(exc)) from None
    return value


def _is_number_field(annotation: Any) -> bool:
    return annotation in (float, int, float | None, int | None)


def strict_numbers(model: type[BaseModel], data: Any, prefix: str = "") -> tuple[Any, list[tuple[str, str]]]:
    """``data`` for ``model`` (nested models included) with every number field's value passed through
    :func:`strict_number`, and the (dotted field, message) of each that is no number. For models (the sizing
    policy) whose own fields take pydantic's wider reading of numbers."""
    if not isinstance(data, dict):
        return data, []
    out, problems = dict(data), []
    for name, field in model.model_fields.items():
        key = next((k for k in (name, field.alias) if k and k in data), None)
        if key is None:
            continue
        if _is_number_field(field.annotation):
            try:
                out[key] = strict_number(data[key])
            except ValueError as exc:
                problems.append((f"{prefix}{key}", f"value {shown(data[key])}: {exc}"))
                del out[key]  # reported here; pydantic would read it its own way (true as 1) or report it again
        elif isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            out[key], more = strict_numbers(field.annotation, data[key], f"{prefix}{key}.")
            problems += more
    return out, problems


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)`` for a message, cut to ``limit`` characters (a 4,000-digit number is not a message)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}… ({len(text):,} characters)"


MAX_PROBLEMS_SHOWN = 20  # a message lists this many problems, then counts the rest


class WorkloadError(PlannerError):
    """A workload failed validation; ``problems`` holds (field, message) pairs (every one; the message shows the
    first :data:`MAX_PROBLEMS_SHOWN` and counts the rest)."""

    def __init__(self, problems: list[tuple[str, str]], source: str = "") -> None:
        self.problems = problems
        where = f"{source}: " if source else ""
        lines = [f"{where}{field}: {msg}" if field else f"{where}{msg}" for field, msg in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(f"{where}... and {len(problems) - MAX_PROBLEMS_SHOWN:,} more problem(s)")
        super().__init__("\n".join(lines))


def describe_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """Turn pydantic's errors into (field, 'value X: why; allowed range') pairs."""
    fields = Workload.model_fields
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        top = str(err["loc"][0]) if err["loc"] else ""
        if err["type"] == "extra_forbidden":
            out.append((loc, f"unknown field (value {shown(err['input'])}); known fields: {', '.join(fields)}"))
            continue
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "finite_number":
            msg = "must be a finite number, not NaN or infinity"
        if top in fields and len(err["loc"]) == 1 and err["type"] != "value_error":
            desc = fields[top].description or ""
            out.append((loc, f"value {shown(err['input'])}: {msg}. {desc}"))
        elif err["type"] == "value_error" and not top:
            out.append(("", msg))
        else:
            out.append((loc, f"value {shown(err.get('input'))}: {msg}"))
    return out


def workload_from_dict(data: Any, source: str = "") -> Workload:
    """Validate a mapping as a :class:`Workload`; raise :class:`WorkloadError` listing every bad field."""
    if not isinstance(data, dict):
        raise WorkloadError([("", f"expected a mapping of workload fields, found {type(data).__name__}")], source)
    policy, problems = strict_numbers(SizingPolicy, data.get("policy"), "policy.")
    if "policy" in data:
        data = {**data, "policy": policy}
    try:
        workload = Workload.model_validate(data)
    except ValidationError as exc:
        raise WorkloadError(problems + describe_errors(exc), source) from None
    if problems:
        raise WorkloadError(problems, source)
    return workload


MAX_WORKLOAD_BYTES = 1_000_000  # a workload is a few dozen lines; anything near this is not one


def parse_workload_text(text: str, source: str = "<input>") -> Workload:
    """Parse YAML or JSON text (JSON is YAML) into a validated :class:`Workload`."""
    return workload_from_dict(read_workload_data(text, source), source)


def read_workload_data(text: str, source: str = "<input>") -> Any:
    """YAML or JSON text (JSON is YAML) as data, not yet validated: at most ``MAX_WORKLOAD_BYTES``, no aliases."""
    if len(text.encode("utf-8", errors="replace")) > MAX_WORKLOAD_BYTES:
        raise WorkloadError([("", f"larger than {MAX_WORKLOAD_BYTES:,} bytes: not a workload file")], source)
    try:
        data = yaml.load(text, Loader=SafeInputLoader) if text.strip() else None  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or exc
        if isinstance(exc, InputRefused):  # valid YAML, but not in an input file
            at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise WorkloadError([("", f"{problem}{at}")], source) from None
        raise WorkloadError([("", f"not valid YAML or JSON{where}: {problem}")], source) from None
    except RecursionError:
        raise WorkloadError([("", "nested too deeply to be a workload")], source) from None
    except (ValueError, OverflowError) as exc:  # a value PyYAML's own constructors cannot build (a 13th month)
        raise WorkloadError([("", f"not valid YAML or JSON: {exc}")], source) from None
    if data is None:
        raise WorkloadError([("", "empty workload file")], source)
    return data


def load_workload(path: str | Path) -> Workload:
    """Read a workload from a ``.yaml``/``.yml``/``.json`` file of at most ``MAX_WORKLOAD_BYTES``."""
    return parse_workload_text(*read_workload_file(path))


def read_workload_file(path: str | Path) -> tuple[str, str]:
    """The text of a workload file (``-``: standard input) and its name for messages; refused with a clear
    message when it is a directory, missing, not a regular file, too large or not text
    (:func:`planner.base.input_files.read_limited`: nothing past the limit is read)."""
    try:
        data = read_limited(path, MAX_WORKLOAD_BYTES, "workload file")
    except InputFileError as exc:
        problem = exc.problem
        if exc.too_large:
            problem += f"; workload files are limited to {MAX_WORKLOAD_BYTES:,} bytes"
        raise WorkloadError([("", problem)], exc.source) from None
    source = "<stdin>" if str(path) == STDIN else str(path)
    try:
        return data.decode("utf-8"), source
    except UnicodeDecodeError:
        raise WorkloadError([("", "not a text file (expected YAML or JSON)")], source) from None
