"""threshold: children's-safeguarding threshold documents as software."""
