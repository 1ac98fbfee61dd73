"""Reports for other tools: stance tallies (CSV, JSON, Parquet) and ConvoKit corpora."""
