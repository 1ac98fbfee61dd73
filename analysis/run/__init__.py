"""Running the analysis: one worker policy and process pool, streaming in batches of whole threads, and
Dask for a cluster."""
