"""The HTML report: one self-contained file (plotly.js embedded) that answers the weekly QA meeting."""
