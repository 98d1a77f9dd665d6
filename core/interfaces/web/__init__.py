"""The guided web tool: the pages of ``threshold serve`` for practitioners."""
