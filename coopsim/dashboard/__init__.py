"""The browser dashboard: explore, compare and explain scenarios; teach with a village.

Built with Solara (``coopsim dashboard`` serves it, :mod:`~coopsim.dashboard.server`;
every browser asset is served locally). One module per page in
:mod:`~coopsim.dashboard.pages`, built from the pieces in
:mod:`~coopsim.dashboard.widgets` and composed by :mod:`~coopsim.dashboard.app`;
per-session state in :mod:`~coopsim.dashboard.session`. Texts come from the library's
locale files (:mod:`coopsim.i18n`), decisions in words from :mod:`coopsim.narration`,
comparisons of policy arms from :mod:`coopsim.experiments.arms`. The dashboard uses
only the library's public API. This package needs the ``dashboard`` extra.
"""
