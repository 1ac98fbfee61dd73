"""Fetching comment pages over http(s): the fetcher (``fetcher``), its response helpers (``headers``),
robots.txt (``robots``) and the cache of raw pages replayed by ``--offline`` (``cache``)."""
