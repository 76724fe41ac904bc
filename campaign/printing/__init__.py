"""Printable sheets: parent-feedback slips and member badges as A4 PDFs with an embedded Chinese font."""
