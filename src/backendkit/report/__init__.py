"""``backendkit report``: one self-contained HTML page (or Markdown for a pull-request comment)
with the findings, routes, complexity, largest files and the import graph of one analysis run.

``data.collect`` gathers everything from the engine's result and linked project; ``html`` and
``markdown`` render it; ``layout`` places the import graph for the HTML page's SVG.
"""

from __future__ import annotations

from backendkit.report.data import ReportData, collect

__all__ = ["ReportData", "collect"]
