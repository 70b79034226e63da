"""The docstrings' Sphinx markup in Markdown, for the documentation site (``mkdocs.yml``).

The docstrings name other objects the way Sphinx does, ``:func:`load_scenario```,
``:mod:`~coopsim.economics.rules```, which Markdown would show as it is written. This
extension of griffe (the reader of the sources behind mkdocstrings) rewrites each such
name, before the pages are made, into a cross-reference: a link to the object's entry
when the site documents it, otherwise just its name in code. A name is looked up from
where the docstring is, as Python would (``:meth:`farm``` in a class is its method);
``~`` shows only the last part of the name, as in Sphinx. A paragraph ending in
``::`` (Sphinx's mark of the indented code that follows) ends in ``:``, as Sphinx shows
it; Markdown shows the indented lines as code already.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:mod|func|class|meth|attr|data|obj|exc|const):`([^`]+)`")
"""A Sphinx cross-reference role with its target (``:func:`name```)."""

TITLED = re.compile(r"(?P<title>.+?)\s*<(?P<target>[^<>]+)>")
"""A target with a title of its own (``:func:`the loader <load_scenario>```)."""

LITERAL_MARK = re.compile(r"(?<=\S)::$(?=\n\s*\n)", re.MULTILINE)
"""The ``::`` ending a paragraph that an indented block of code follows."""


def target_of(obj: griffe.Object, name: str) -> str:
    """The full path of ``name`` as seen from ``obj``, or ``name`` when it is not found."""
    head, _, rest = name.partition(".")
    try:
        base = obj.resolve(head)
    except griffe.NameResolutionError:
        return name
    return f"{base}.{rest}" if rest else base


def cross_reference(obj: griffe.Object, written: str) -> str:
    """The HTML of one cross-reference, as written between the role's backquotes."""
    titled = TITLED.fullmatch(written)
    if titled:
        title, name = titled["title"], titled["target"]
    else:
        name = written.lstrip("~.")
        title = name.rsplit(".", 1)[-1] if written.startswith("~") else name
    # An optional reference is a link when its target has a page, else the title alone
    return (
        f'<autoref identifier="{escape(target_of(obj, name))}" optional>'
        f"<code>{escape(title)}</code></autoref>"
    )


class SphinxMarkup(griffe.Extension):
    """Rewrites the Sphinx markup of every docstring of a package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite the docstrings of ``pkg`` and everything defined in it."""
        todo: list[griffe.Object] = [pkg]
        while todo:
            obj = todo.pop()
            if obj.docstring is not None:
                text = ROLE.sub(lambda m, obj=obj: cross_reference(obj, m[1]), obj.docstring.value)
                obj.docstring.value = LITERAL_MARK.sub(":", text)
            todo.extend(member for member in obj.members.values() if not member.is_alias)
