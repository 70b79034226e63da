"""Pieces the pages are built from: charts, the village map, the settings panel, downloads.

:mod:`~coopsim.dashboard.widgets.common` holds what several pages share (the session
context, prose, big numbers, the village and farm pickers).
"""
