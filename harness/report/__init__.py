"""Reports for one system or a comparison: self-contained HTML, Markdown summary, JSON."""

from ragshift.harness.report.html import render_html
from ragshift.harness.report.jsonout import to_json
from ragshift.harness.report.markdown import render_markdown
from ragshift.harness.report.model import Report, build_report
from ragshift.harness.report.write import HTML, JSON, MARKDOWN, write_atomic, write_report

__all__ = [
    "HTML", "JSON", "MARKDOWN", "Report", "build_report", "render_html", "render_markdown",
    "to_json", "write_atomic", "write_report",
]
