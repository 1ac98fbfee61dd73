"""commentscope's readers: every input format, fetching, and the comment records they produce."""

from pathlib import Path

#: The embedded default thread (a WordPress print view with 24 comments).
SEED_PATH = Path(__file__).resolve().parent / "data" / "seed.txt"
