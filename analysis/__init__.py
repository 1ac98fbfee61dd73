"""commentscope's analyses: reply inference, sentiment, stance, agreement, chains, tallies, charts.

Importing this package is cheap: altair is only imported when a chart is drawn.
"""
