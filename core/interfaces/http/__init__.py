"""The HTTP service (``threshold serve``): JSON API for intake systems."""
