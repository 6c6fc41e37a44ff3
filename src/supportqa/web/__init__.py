"""Server-rendered pages (Jinja2, autoescaped) over the same services as the API."""
