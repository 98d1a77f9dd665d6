"""Jinja2 templates shared by all authorities (guidance as text, Markdown and HTML)."""
