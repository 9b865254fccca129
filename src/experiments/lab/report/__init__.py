"""Reports for people who will not read code: notebook HTML with code hidden, and the runs index."""

from experiments.lab.report.index import write_index
from experiments.lab.report.render import render_notebook_html

__all__ = ["render_notebook_html", "write_index"]
