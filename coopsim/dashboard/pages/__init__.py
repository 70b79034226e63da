"""The dashboard's pages, one module each: explore, compare, explain, classroom, about.

Each module has a ``Page`` component that takes the session state (given by the app's
layout) and draws the page from the library's public API and the dashboard's widgets.
"""
