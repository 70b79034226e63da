"""The browser dashboard: explore, compare and explain scenarios; teach with a village.

Built with Solara (``coopsim dashboard`` serves it; every browser asset is served
locally). One module per page — :mod:`~coopsim.dashboard.explore`,
:mod:`~coopsim.dashboard.compare`, :mod:`~coopsim.dashboard.explain`,
:mod:`~coopsim.dashboard.classroom`, :mod:`~coopsim.dashboard.about` — composed by
:mod:`~coopsim.dashboard.app`; per-session state in :mod:`~coopsim.dashboard.state`;
texts in ``locales/`` (:mod:`~coopsim.dashboard.i18n`). The dashboard uses only the
library's public API. This package needs the ``dashboard`` extra.
"""
