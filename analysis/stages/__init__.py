"""The analysis stages: pure ``frame -> frame`` functions that add named columns (structure, sentiment,
agreement, stance) and the user's labels over them."""
