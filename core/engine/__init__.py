"""The routing engine: one case and one authority in, one guidance out."""
