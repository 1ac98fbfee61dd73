"""The one stop-word list: function words and fillers, never content, never enough to make a quote, an
overlap or a shared claim. Folded forms ("don't" with a straight apostrophe).

Why these and not more: the reply inference's tf-idf overlap and callouts lean on everyday verbs and
nouns ("people", "think", "see", "like"); taking those out costs the seed thread two right links. The
list is the reply inference's, plus the fillers the stance and agreement cues dropped that change no
reply link ("came" ... "yes" at the end).
"""

from __future__ import annotations

STOPWORDS = frozenset("""
a about above after again against all also although am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
during each either even few for from further get got had hadn't has hasn't have haven't having he he'd he'll
he's her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it
it's its itself just let's may me might more most much must mustn't my myself neither no nor not of off on
once only or other ought our ours ourselves out over own same shall shan't she she'd she'll she's should
shouldn't so some such than that that's the their theirs them themselves then there there's these they
they'd they'll they're they've this those though through to too under until up upon us very was wasn't we
we'd we'll we're we've were weren't what what's when when's where where's whether which while who who's
whom why why's will with won't would wouldn't yet you you'd you'll you're you've your yours yourself
yourselves still many one ok okay
came gets goes knew literally lot lots none now perhaps quite rather seem simply something thus well went yes
""".split())
