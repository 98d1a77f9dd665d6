"""Input and output of data: schemas, parsing, data files, the on-disk cache."""
