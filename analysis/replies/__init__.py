"""Who answers whom: reply links inferred in flat threads (``infer``), the cues tried in order (``cues``)
and the author names and readings of comment text they rely on (``names``)."""
