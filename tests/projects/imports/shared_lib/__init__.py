"""A second top-level package of the same project."""
