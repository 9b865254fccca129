"""Data access: paths, flat tables, the catalog, the processed-table contracts and the input loader."""
