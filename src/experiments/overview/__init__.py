"""00_data_overview: what the raw sources hold."""
