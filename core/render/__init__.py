"""Output formats: text, Markdown, HTML (Jinja2), JSON, CSV, FHIR, JSON Schema."""
