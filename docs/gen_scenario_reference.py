"""Print the field reference of scenario files as markdown, from the pydantic schema.

Run ``.venv/bin/python docs/gen_scenario_reference.py`` and paste the output into
``docs/scenarios.md`` between the ``reference:start`` and ``reference:end`` markers.
Every table of a scenario file gets one markdown table: key, default, unit, allowed
range and description, exactly as :mod:`coopsim.scenario` declares them.
"""

from __future__ import annotations

import typing

import annotated_types as at
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from coopsim import units
from coopsim.scenario import Scenario

BOUNDS = ((at.Ge, "ge", "≥"), (at.Gt, "gt", ">"), (at.Le, "le", "≤"), (at.Lt, "lt", "<"))


def number(x: float) -> str:
    """A number as TOML would take it, digits grouped by ``_`` from 10,000 on."""
    if float(x).is_integer():
        return f"{int(x):_}" if abs(x) >= 10_000 else str(int(x))
    return f"{x:g}"


def bounds(metadata: typing.Iterable[object]) -> list[str]:
    """The ge/gt/le/lt constraints among a field's metadata, as ``≥ 0``-style strings."""
    out = []
    for item in metadata:
        for kind, attr, sign in BOUNDS:
            if isinstance(item, kind):
                out.append(f"{sign} {number(getattr(item, attr))}")
        if isinstance(item, FieldInfo):  # constraints of an Annotated alias such as Share
            out += bounds(item.metadata)
    return out


def field_range(info: FieldInfo) -> str:
    """The range of a field, looking inside ``X | None`` and ``list[X]`` as well."""
    found = bounds(info.metadata)
    for arg in (info.annotation, *typing.get_args(info.annotation)):
        if typing.get_origin(arg) is typing.Literal:
            found.append("one of " + ", ".join(f'"{v}"' for v in typing.get_args(arg)))
        elif not found:
            found += bounds(getattr(arg, "__metadata__", ()))
    found = list(dict.fromkeys(found))  # a share's bounds come from its type and its unit
    if found and typing.get_origin(info.annotation) is list:
        return "each " + ", ".join(found)
    return ", ".join(found)


def model_in(annotation: object) -> type[BaseModel] | None:
    """The pydantic model a field holds (directly or as list items), if any."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def shown(value: object) -> str:
    """A default value as it would be written in TOML (``empty``: leave the key out)."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def section(
    cls: type[BaseModel], default: BaseModel | None, key: str, array: bool = False
) -> list[str]:
    """Markdown for the table ``key`` of class ``cls``, then for the tables inside it.

    Args:
        cls: the pydantic model of the table.
        default: its default instance (defaults of nested tables differ from the class's).
        key: dotted key of the table; empty for the top level.
        array: the table is an array of tables (``[[key]]``).
    """
    levers = cls.__bases__[0] if "changes" in cls.model_fields else cls
    title = (f"`[[{key}]]`" if array else f"`[{key}]`") if key else "Top level"
    lines = [f"### {title} ({levers.__name__})", "", (levers.__doc__ or "").strip(), ""]
    lines += ["| key | default | unit | range | description |", "|---|---|---|---|---|"]
    inner = []
    for name, info in cls.model_fields.items():
        value = getattr(default, name) if default is not None else info.default
        sub = model_in(info.annotation)
        origin = typing.get_origin(info.annotation)
        if sub is not None and origin is dict:  # tables by language: [translations.kk]
            table = f"{key}.{name}".strip(".")
            text = f"{info.description} Tables `[{table}.kk]` and `[{table}.ru]`, see below."
            lines.append(f"| `{name}` | empty | | | {text} |")
            inner += section(sub, None, f"{table}.<language>")
            continue
        if sub is not None and origin is not list:
            inner += section(sub, value, f"{key}.{name}".strip("."))
            continue
        unit = (info.json_schema_extra or {}).get("unit", "")
        text = info.description or ""
        if name == "changes":
            text += f" Array of tables `[[{key}.changes]]`: a `year` and any key of this table."
        elif sub is not None:
            text += f" Array of tables `[[{key}.{name}]]`, see below."
            inner += section(sub, None, f"{key}.{name}", array=True)
        lines.append(f"| `{name}` | {shown(value)} | {unit} | {field_range(info)} | {text} |")
    return [*lines, "", *inner]


def plausible_ranges() -> list[str]:
    """The plausible maximum of each kind of quantity (``coopsim.units``), as a table."""
    lines = [
        "### Plausible ranges",
        "",
        "A number whose field has no bound of its own is bounded by its unit's kind: at",
        "most the maximum below, and at least 0 (money, multipliers and integers: at least",
        "the maximum's negative). The kinds and maxima are in `coopsim/units.py`.",
        "",
        "| kind | units | at most | why |",
        "|---|---|---|---|",
    ]
    extras = [
        info.json_schema_extra
        for _, info in _leaf_fields(Scenario)
        if isinstance(info.json_schema_extra, dict) and "unit" in info.json_schema_extra
    ]
    numbers = [e for e in extras if e["unit"] not in units.NOT_NUMBERS or "plausible" in e]
    for kind in units.KINDS:
        seen = sorted(
            {
                e["unit"] or "no unit"
                for e in numbers
                if (units.kind_of(e["unit"]) or units.INTEGER) is kind
            }
        )
        maximum = f"{kind.maximum:_}" if isinstance(kind.maximum, int) else f"{kind.maximum:g}"
        lines.append(f"| {kind.name} | {', '.join(seen)} | {maximum} | {kind.reason} |")
    return [*lines, ""]


def _leaf_fields(model: type[BaseModel]) -> list[tuple[str, FieldInfo]]:
    out = []
    for name, info in model.model_fields.items():
        sub = model_in(info.annotation)
        out += _leaf_fields(sub) if sub is not None else [(name, info)]
    return out


def main() -> None:
    """Print the plausible ranges and the reference of every table of a scenario file."""
    print("\n".join([*plausible_ranges(), *section(Scenario, Scenario(), "")]).rstrip())


if __name__ == "__main__":
    main()
