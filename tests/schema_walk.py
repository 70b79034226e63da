"""Walking the scenario schema in tests: every field, the types it holds and its bounds."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel


def leaves(annotation: Any) -> tuple[set, list]:
    """The types an annotation may hold, through options and ``Annotated``, and its bounds."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *meta = typing.get_args(annotation)
        held, bounds = leaves(inner)
        return held, bounds + [b for m in meta for b in getattr(m, "metadata", [m])]
    if origin in (typing.Union, types.UnionType):
        held, bounds = set(), []
        for arg in typing.get_args(annotation):
            h, b = leaves(arg)
            held |= h
            bounds += b
        return held, bounds
    return {annotation if origin is None else origin}, []


def fields(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> list[tuple]:
    """Every leaf field of a table: (path, annotation, bounds); inner tables walked.

    An array of tables (``named_farms``, ``changes``) is a leaf: its items are not walked.
    """
    out = []
    for name, info in model.model_fields.items():
        held, bounds = leaves(info.annotation)
        inner = [h for h in held if isinstance(h, type) and issubclass(h, BaseModel)]
        if inner:
            out += fields(inner[0], (*prefix, name))
        else:
            out.append(((*prefix, name), info.annotation, [*info.metadata, *bounds]))
    return out
