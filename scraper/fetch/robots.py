"""robots.txt rules, read as RFC 9309 says: the most specific (longest) matching rule wins, and Allow wins
a tie. The standard library's ``urllib.robotparser`` takes the first rule that matches instead, so
``Disallow: /comments/`` before ``Allow: /comments/public/`` would wrongly close the public part;
``protego`` (the parser Scrapy uses) implements the RFC.
"""

from __future__ import annotations

from protego import Protego


class Rules:
    """What one host's robots.txt allows. ``Rules(None)`` allows everything (no robots.txt, or one the
    RFC says to read as "no rules": a 4xx answer or too many redirects)."""

    def __init__(self, text: str | None) -> None:
        self._parsed = Protego.parse(text) if text else None

    def allows(self, url: str, user_agent: str) -> bool:
        return self._parsed is None or bool(self._parsed.can_fetch(url, user_agent))
