"""What the analysis draws: chart data aggregated in polars, altair charts registered by name, and the
self-contained HTML pages (one per thread, one comparison) rendered from templates."""
