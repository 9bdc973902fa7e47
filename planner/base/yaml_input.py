"""Safe YAML for the files a user hands planner (workloads, saved plan JSON: JSON is YAML).

On top of PyYAML's safe loader: no aliases (nested aliases expand exponentially, "billion laughs"), no key
given twice in a mapping (PyYAML keeps the last one silently), and numbers read as every planner input reads
them (:mod:`planner.base.numbers`): decimal digits with ``_`` between them, a decimal point and an exponent
(``1e3`` too, which YAML 1.1 leaves as text). YAML 1.1's other number forms (``0x1F``, ``0o17``, ``017`` as
octal, ``1:30`` as base 60) are plain text here, which a number field then refuses. An integer too long for
Python to convert (more than 4,300 digits) is refused as a YAML error, not a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Hashable

import yaml

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_DIGITS = r"[0-9](?:_?[0-9])*"
_INT_FORM = re.compile(rf"^[-+]?{_DIGITS}$")
_FLOAT_FORM = re.compile(rf"^(?:[-+]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][-+]?{_DIGITS})?"
                         r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_SPECIAL_FLOATS = {".inf": float("inf"), ".nan": float("nan")}


class InputRefused(yaml.MarkedYAMLError):
    """Valid YAML that an input file may not hold (an alias, a repeated key, an unreadable number)."""


class SafeInputLoader(yaml.SafeLoader):
    """:class:`yaml.SafeLoader` with the restrictions of the module docstring."""

    # YAML 1.1's int and float resolvers replaced by the decimal forms (the int one first: "12" is an int)
    yaml_implicit_resolvers = {first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT)]
                               for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise InputRefused(None, None, f"aliases (*{event.anchor}) are not allowed in a workload file; write "
                                           "the value out", event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            first: dict[Hashable, yaml.Node] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if not isinstance(key, Hashable):
                    continue  # PyYAML's own check names it
                if key in first:
                    line = first[key].start_mark.line + 1
                    raise InputRefused(None, None, f"the key {key!r} is given twice (first at line {line}); give "
                                                   "each key once", key_node.start_mark)
                first[key] = key_node
        return super().construct_mapping(node, deep=deep)

    def construct_decimal_int(self, node: yaml.ScalarNode) -> int:
        text = self.construct_scalar(node)
        try:
            return int(text.replace("_", ""))
        except ValueError:  # not decimal (an explicit !!int 0x1F), or longer than Python converts
            digits = sum(c.isdigit() for c in text)
            what = f"an integer of {digits:,} digits is too long" if digits > 4_300 else f"{text!r} is not a " \
                                                                                          "decimal integer"
            raise InputRefused(None, None, what, node.start_mark) from None

    def construct_decimal_float(self, node: yaml.ScalarNode) -> float:
        text = self.construct_scalar(node)
        special = text.lstrip("+-").lower()
        if special in _SPECIAL_FLOATS:  # kept so that a number field says "must be a finite number"
            return -_SPECIAL_FLOATS[special] if text.startswith("-") else _SPECIAL_FLOATS[special]
        try:
            return float(text.replace("_", ""))
        except ValueError:
            raise InputRefused(None, None, f"{text[:40]!r} is not a decimal number", node.start_mark) from None


SafeInputLoader.add_implicit_resolver(_INT, _INT_FORM, list("-+0123456789"))
SafeInputLoader.add_implicit_resolver(_FLOAT, _FLOAT_FORM, list("-+0123456789."))
SafeInputLoader.add_constructor(_INT, SafeInputLoader.construct_decimal_int)
SafeInputLoader.add_constructor(_FLOAT, SafeInputLoader.construct_decimal_float)
