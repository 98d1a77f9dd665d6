"""Tools for authority authors: the scaffold, the conformance kit, scenario files."""
