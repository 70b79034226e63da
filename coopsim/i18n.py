"""coopsim's words in English, Kazakh and Russian, read from ``locales/<lang>.toml``.

Every text the library tells and the dashboard shows is looked up here by a dotted key
(``tr("explore.step")``): the decisions in words (:mod:`coopsim.narration`) as well as
the pages' labels. The translations live in data files, not in the code. Lever labels
and help are keyed by the scenario field (``lever.policy.member_grant``), units by the
unit string the schema gives (``unit."currency/coop"``). English falls back to the
scenario schema's own help text, so the English file need not repeat it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from coopsim.scenario import read_toml

LANGUAGES: dict[str, str] = {"en": "English", "kk": "Қазақша", "ru": "Русский"}
"""Language codes and how each language calls itself (shown in the switch)."""

CURRENCY_SIGNS = {"KZT": "₸", "EUR": "€", "USD": "$", "JPY": "¥", "CAD": "C$"}

LOCALES = Path(__file__).with_name("locales")
"""The folder of the language files."""


def sign(currency: str) -> str:
    """The sign of a currency (``₸`` for KZT), or its code when it has none here."""
    return CURRENCY_SIGNS.get(currency, currency)


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


@functools.cache
def catalogue(lang: str) -> dict[str, Any]:
    """All texts of one language by dotted key (read once per process).

    Raises:
        KeyError: ``lang`` is not a key of :data:`LANGUAGES`.
    """
    if lang not in LANGUAGES:
        raise KeyError(f"no such language: {lang!r}")
    return _flatten(read_toml(LOCALES / f"{lang}.toml", "language"))


class Translator:
    """Looks texts up in one language, falling back to English for a key it lacks.

    Args:
        lang: a key of :data:`LANGUAGES`.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._texts = catalogue(lang)
        self._english = catalogue("en")

    def __call__(self, key: str, **values: Any) -> str:
        """The text for ``key``, with ``{name}`` fields filled from ``values``.

        Raises:
            KeyError: no language has the key (a bug: every key is in ``en.toml``).
        """
        text = self._texts.get(key, self._english.get(key))
        if text is None:
            raise KeyError(f"no text for {key!r}")
        return str(text).format(**values) if values else str(text)

    def has(self, key: str) -> bool:
        """Whether this language or English has a text for ``key``."""
        return key in self._texts or key in self._english

    def items(self, key: str) -> list[Any]:
        """A list-valued entry (e.g. the paragraphs of a section)."""
        value = self._texts.get(key, self._english.get(key))
        if not isinstance(value, list):
            raise KeyError(f"no list for {key!r}")
        return value

    def lever(self, section: str, name: str, schema_help: str) -> tuple[str, str]:
        """A lever's label and one-line help; English help is the scenario schema's own."""
        label = self(f"lever.{section}.{name}.label")
        key = f"lever.{section}.{name}.help"
        help_text = self._texts.get(key) if self.lang != "en" else None
        return label, help_text or schema_help

    def unit(self, unit: str, currency: str) -> str:
        """A unit from the schema in this language, with the scenario's currency sign."""
        text = self._texts.get(f"unit.{unit}", self._english.get(f"unit.{unit}", unit))
        return str(text).replace("currency", sign(currency))

    def number(self, value: float, digits: int = 0) -> str:
        """A number with this language's thousands separator (a comma or a thin space).

        A value that rounds to zero is written without a sign ("0.00", not "-0.00").
        """
        text = f"{round(value, digits) + 0.0:,.{digits}f}"
        if self.lang == "en":
            return text
        return text.replace(",", "\u202f").replace(".", ",")

    def money(self, value: float, currency: str) -> str:
        """An amount of money with the currency sign, e.g. ``1,250,000 ₸``."""
        return f"{self.number(value)} {sign(currency)}"

    def problem(self, error: Exception) -> str:
        """What is wrong with an input, in this language.

        A :class:`~coopsim.inputs.ScenarioError` of the schema's validation is said with
        the ``[problem]`` texts (the key and the value as given stay as they are); any
        other error, or a reason this language has no words for, keeps its English text.
        """
        kind = getattr(error, "kind", None)
        if self.lang == "en" or kind is None or f"problem.{kind}" not in self._texts:
            return str(error)
        bounds = {
            k: self.number(v, 0 if float(v).is_integer() else 6).rstrip("0").rstrip(",")
            if isinstance(v, int | float) and not isinstance(v, bool)
            else v
            for k, v in error.bounds.items()  # type: ignore[attr-defined]
        }
        what = self(f"problem.{kind}", **bounds)
        got = error.got  # type: ignore[attr-defined]
        if got is not None:
            what += " " + self("problem.got", value=repr(got)[:60])
        more = error.more  # type: ignore[attr-defined]
        if more:
            what += " " + self("problem.more", n=more)
        return ": ".join(p for p in (error.source, error.key, what) if p)  # type: ignore[attr-defined]

    def percent(self, share: float, digits: int = 1) -> str:
        """A share (0–1) as a percentage."""
        return f"{self.number(100 * share, digits)} %"
