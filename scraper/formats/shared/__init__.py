"""Helpers the format modules share: reply trees and ids (``tree``), user tables (``tabular``),
WordPress (``wordpress``; a saved page's comment elements in ``wordpress_comments``) and Hacker News
(``hacker_news``). Formats import these, never each other."""
