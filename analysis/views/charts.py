"""The thread dashboard's views: one function per chart, each returning an altair chart, registered by
name in ``CHARTS`` (the name is also the page's ``data-chart`` attribute and the image file suffix), with
a plain-words ``HELP`` line for each.

Every chart takes the analysed comments of one thread (see ``chart_data``) and ``limit``: up to ``limit``
comments a view draws one mark per comment; above it, the view switches to an aggregated form so no view
embeds more than ``chart_data.MAX_ROWS`` rows (altair's own ``MaxRowsError`` stays on). Selection,
dimming and fading are ``chart_style``'s.
"""

from __future__ import annotations

from typing import Callable

import altair as alt
import polars as pl

from commentscope.analysis.views import chart_data as data
from commentscope.analysis.views.chart_data import AGREEMENTS, DETAIL_LIMIT, EVIDENCE_CLASS, STANCES
from commentscope.analysis.views.chart_style import (  # noqa: F401  (re-exported for the comparison views)
    AGREEMENT_COLOURS, COUNT_AXIS, STANCE_COLOURS, WIDTH, agreement_colour, by_rank, comment_tooltip, count_axis,
    finish, highlight, placeholder, ranked, stance_colour)
from commentscope.analysis.views.trust import CONFIDENT

#: Line styles of the reply tree: solid where the source threads, dashed for explicit cues, dotted for weak ones.
LINK_DASHES = {"the source's threading": [1, 0], "explicit cue (@name, quote, header)": [7, 4],
               "weak cue (a name, shared words)": [1.5, 3]}
#: Author names next to the tree's points up to this many comments.
TREE_LABELS = 80
#: Above this many comments the tree's lines make a tangle: it shows how many comments sit at each depth.
TREE_LIMIT = 500
#: Up to this many parts a stacked bar chart draws a white seam between them.
SEAMS = 120
CHAIN_TEST = ("(sel_author == null || indexof(datum.authors, sel_author) >= 0)"
              " && (sel_stance == null || datum.stance == sel_stance) && (sel_chain == null || datum.root_id == sel_chain)")
PAIR_TEST = ("(sel_author == null || datum.author == sel_author || datum.target == sel_author)"
             " && (sel_stance == null || datum['n_' + sel_stance] > 0)"
             " && (sel_chain == null || indexof(datum.chains, sel_chain) >= 0)")
FADED_NOTE = f"faded: confidence below {CONFIDENT:g}"


def _seams(rows: pl.DataFrame) -> dict[str, object]:
    """A white line between a bar's parts while they are few enough to tell apart; without it where there
    are hundreds (a large thread's authors and chains), which the lines would wash out."""
    return {"stroke": "white", "strokeWidth": 0.5} if rows.height <= SEAMS else {}


def _top(rows: pl.DataFrame, by: str) -> int:
    """The largest total of ``n`` over the groups of ``by``: where a stacked count axis ends."""
    return int(rows.group_by(by).agg(pl.col("n").sum()).get_column("n").max() or 0)


def reply_tree(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Comments by depth (x) and thread order (y), a line from each reply to the comment it answers:
    points coloured by stance, lines by the reply's agreement with its parent, line style by how the link
    is known. Above ``limit`` (at most ``TREE_LIMIT``) comments: a per-depth summary."""
    title = "Who answers whom"
    if frame.height == 0:
        return placeholder("No comments in this thread.", title)
    if frame.height > min(limit, TREE_LIMIT):
        rows = data.depth_rows(frame)
        chart = alt.Chart(rows).mark_bar().encode(
            y=alt.Y("depth:O", title="depth (0 = answers the article)"),
            x=alt.X("n:Q", title="comments", axis=count_axis(_top(rows, "depth"))), color=stance_colour(),
            order=alt.Order("stance_rank:Q"),
            opacity=highlight("sel_stance == null || datum.stance == sel_stance", None),
            tooltip=["depth:O", "stance:N", alt.Tooltip("n:Q", title="comments"),
                     alt.Tooltip("markup_share:Q", format=".0%", title="linked by the source")],
        ).properties(width=WIDTH, height=alt.Step(18))
        return finish(chart, title, [f"{frame.height:,} comments: how many sit at each depth of the reply chains",
                                     "follow single exchanges in the conversation and the chains"])
    points = data.comment_points(frame)
    count, deepest = points.height, int(points.get_column("depth").max() or 0)
    links = [c for c in LINK_DASHES if c in set(points.get_column("link").drop_nulls().to_list())]
    answers = points.get_column("reply_label").drop_nulls().unique().to_list()
    x_scale = alt.Scale(domain=[-0.3, deepest + (1.2 if count <= TREE_LABELS else 0.3)], nice=False)
    y_scale = alt.Scale(domain=[0.5, count + 0.5], reverse=True, nice=False)
    x_axis = alt.Axis(format="d", values=list(range(deepest + 1)))
    base = alt.Chart(points)
    edges = base.transform_filter("datum.parent_seq != null").mark_rule(strokeWidth=1.6).encode(
        x=alt.X("parent_depth:Q", title="depth (0 = answers the article)", scale=x_scale, axis=x_axis),
        y=alt.Y("parent_seq:Q", title="comment (thread order)", scale=y_scale, axis=count_axis(count, start=1)),
        x2="depth:Q", y2="seq:Q",
        color=agreement_colour("reply_label", answers, "line: agreement with parent"),
        strokeDash=alt.StrokeDash("link:N", title="line style: how the link is known",
                                  scale=alt.Scale(domain=links or ["the source's threading"],
                                                  range=[LINK_DASHES[c] for c in links or ["the source's threading"]]),
                                  legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=1.6, symbolStrokeColor="#555",
                                                    labelLimit=240) if links else None),
        opacity=highlight(faded="datum.agreement_uncertain"),
        tooltip=[alt.Tooltip("position:Q", title="#"), alt.Tooltip("author:N", title="reply by"),
                 alt.Tooltip("parent_author:N", title="answers"), alt.Tooltip("reply_label:N", title="agreement"),
                 alt.Tooltip("reply_evidence:N", title="link found by")],
    )
    nodes = base.mark_point(filled=True, size=60, stroke="#333", strokeWidth=0.4).encode(
        x=alt.X("depth:Q", scale=x_scale), y=alt.Y("seq:Q", scale=y_scale),
        color=stance_colour("point: stance"), opacity=highlight(), tooltip=comment_tooltip(),
    )
    layers = [edges, nodes]
    if count <= TREE_LABELS:
        layers.append(base.mark_text(align="left", dx=7, fontSize=10, color="#333", limit=110).encode(
            x=alt.X("depth:Q", scale=x_scale), y=alt.Y("seq:Q", scale=y_scale), text="author:N",
            opacity=highlight(faded=None), tooltip=comment_tooltip()))
    height = min(max(count * 16, 160), 2400)
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(
        width=min(max(120 * (deepest + 1) + 110, 240), WIDTH), height=height)
    replies = int(points.get_column("parent_seq").is_not_null().sum())
    return finish(chart, title, f"{count} comments, {replies} of them replies; deepest level {deepest}").configure_legend(
        orient="bottom", direction="vertical", titleLimit=300, labelLimit=260)


def chains(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """The conversations: each reply chain (a top-level comment and every reply below it) that drew
    replies, largest first, its comments stacked by stance and its back-and-forth replies counted.
    A click selects the chain."""
    title = "Where the conversation happened"
    rows = data.chain_bars(frame) if frame.height else pl.DataFrame()
    if rows.height == 0:
        return placeholder("No comment drew a reply: every comment answers the article alone.", title)
    heads = int(data.normalise(frame).get_column("depth").eq(0).sum())
    chains_total = data.chain_rows(frame).filter(pl.col("size") > 1).height
    y = alt.Y("label:N", sort=by_rank("rank"), title=None, axis=alt.Axis(labelLimit=200))
    biggest = int(rows.get_column("size").max())
    room = biggest + max(1, (biggest * 2 + 2) // 3) if bool((rows.get_column("aba") > 0).any()) else biggest
    bars = alt.Chart(rows).mark_bar(stroke="white", strokeWidth=0.6).encode(
        y=y, x=alt.X("n:Q", stack="zero", title="comments in the chain", axis=count_axis(biggest),
                     scale=alt.Scale(domain=[0, room], nice=False)),
        color=stance_colour(), order=alt.Order("stance_rank:Q"), opacity=highlight(CHAIN_TEST),
        tooltip=[alt.Tooltip("label:N", title="chain opened by"), alt.Tooltip("size:Q", title="comments"),
                 alt.Tooltip("length:Q", title="longest reply path"), alt.Tooltip("aba:Q", title="back-and-forth replies"),
                 "stance:N", alt.Tooltip("n:Q", title="comments with this stance")],
    )
    notes = (rows.filter(pl.col("aba") > 0).unique("root_id", keep="first", maintain_order=True)
             .select("root_id", "label", "rank", "size", "authors", pl.lit(None, dtype=pl.String).alias("stance"),
                     pl.format("↔ {} back-and-forth", "aba").alias("note")))
    layers = [bars]
    if notes.height:
        layers.append(alt.Chart(notes).mark_text(align="left", dx=5, fontSize=11, color="#7b3294").encode(
            y=y, x=alt.X("size:Q"), text="note:N",
            opacity=highlight(CHAIN_TEST.replace(" && (sel_stance == null || datum.stance == sel_stance)", ""), None)))
    chart = alt.layer(*layers).properties(width=WIDTH - 200, height=alt.Step(20))
    shown = "" if chains_total <= rows.get_column("rank").max() + 1 else f" (the {rows.get_column('rank').max() + 1} largest shown)"
    return finish(chart, title, [f"{chains_total} of {heads} top-level comment{'s' if heads != 1 else ''} drew replies{shown}",
                                 "↔ back-and-forth: A answers B, who had answered A · click a bar to follow that chain"])


def exchanges(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Who answers whom, and whether they agree: one bar per pair of authors (replier -> replied-to),
    the replies stacked by agreement with the comment answered (the 20 busiest pairs)."""
    title = "Who argues with whom"
    rows = data.exchange_rows(frame) if frame.height else pl.DataFrame()
    if rows.height == 0:
        return placeholder("No replies in this thread: every comment answers the article.", title)
    present = rows.get_column("agreement").unique().to_list()
    chart = alt.Chart(rows).mark_bar(stroke="white", strokeWidth=0.6).encode(
        y=alt.Y("pair:N", sort=by_rank("rank"), title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("n:Q", stack="zero", title="replies", axis=count_axis(int(rows.get_column("total").max()))),
        color=agreement_colour("agreement", present, "reply to the comment it answers"),
        order=alt.Order("agreement_rank:Q"), opacity=highlight(PAIR_TEST),
        tooltip=[alt.Tooltip("author:N", title="reply by"), alt.Tooltip("target:N", title="answers"),
                 "agreement:N", alt.Tooltip("n:Q", title="replies"), alt.Tooltip("total:Q", title="all replies in pair")],
    ).properties(width=WIDTH - 260, height=alt.Step(20))
    links = data.replies(frame)
    counts = {a: int((links.get_column("agreement") == a).sum()) for a in AGREEMENTS}
    said = " · ".join(f"{counts[a]} {a}" for a in AGREEMENTS if counts[a])
    return finish(chart, title, [f"{said} (of {links.height} repl{'y' if links.height == 1 else 'ies'})",
                                 "replier → the author answered; the busiest pairs first"])


def stance(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Favor / against / none for the whole thread and per depth; each bar split into its authors' (and
    chains') parts so a selection lights up, uncertain labels faded. The title names what stance was
    judged toward (``stance_target``): the article, or the opening comment of a thread without one."""
    targets = set(frame.get_column("stance_target").drop_nulls()) if "stance_target" in frame.columns else set()
    title = f"Stance toward the {'opening comment' if targets == {'opening comment'} else 'article'}"
    if frame.height == 0:
        return placeholder("No comments in this thread.", title)
    rows = data.stance_rows(frame, author_limit=None if frame.height <= limit else 30)
    rows = rows.with_row_index("stack").with_columns(pl.col("stack").cast(pl.Int64))
    chart = alt.Chart(rows).mark_bar(**_seams(rows)).encode(
        y=alt.Y("group:N", sort=by_rank("group_rank"), title=None),
        x=alt.X("n:Q", stack="zero", title="comments", axis=count_axis(frame.height)),
        color=stance_colour(), detail="author:N", order=alt.Order("stack:Q"), opacity=highlight(),
        tooltip=["group:N", "stance:N", "author:N", alt.Tooltip("n:Q", title="comments"),
                 alt.Tooltip("uncertain:N", title=f"confidence below {CONFIDENT:g}")],
    ).properties(width=WIDTH, height=alt.Step(24))
    overall = rows.filter(pl.col("group") == "all comments")
    totals = {s: int(overall.filter(pl.col("stance") == s).get_column("n").sum()) for s in STANCES}
    faded = int(overall.filter(pl.col("uncertain")).get_column("n").sum())
    return finish(chart, title, [" · ".join(f"{s} {totals[s]}" for s in STANCES) + f" · {FADED_NOTE}: {faded}",
                                 "depth 0 answers the article; depth 1 answers a depth-0 comment, and so on"])


def participation(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Comments per author, most active first, each bar stacked by stance (top 30 authors, the rest
    pooled)."""
    title = "Who comments most"
    if frame.height == 0:
        return placeholder("No comments in this thread.", title)
    rows = data.participation_rows(frame, detailed=frame.height <= limit)
    chart = alt.Chart(rows).mark_bar(**_seams(rows)).encode(
        y=alt.Y("author:N", sort=by_rank("rank"), title=None, axis=alt.Axis(labelLimit=180)),
        x=alt.X("n:Q", title="comments", axis=count_axis(int(rows.get_column("total").max()))),
        color=stance_colour(), order=alt.Order("stance_rank:Q"), opacity=highlight(),
        tooltip=["author:N", "stance:N", alt.Tooltip("n:Q", title="comments"),
                 alt.Tooltip("total:Q", title="all comments by author")],
    ).properties(width=WIDTH - 180, height=alt.Step(18))
    authors = int(data.normalise(frame).get_column("author").n_unique())
    pooled = " (the 30 most active shown)" if authors > 30 else ""
    return finish(chart, title, f"{authors} authors{pooled}; bars stacked by stance, {FADED_NOTE}")


def sentiment_time(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """Each comment's sentiment in reading order with a smoothed mean and a rule where a new day
    starts. Above ``limit`` comments: binned means with a 95% interval."""
    title = "Mood along the thread"
    if frame.height == 0:
        return placeholder("No comments in this thread.", title)
    x = alt.X("seq:Q", title="comment (thread order)", axis=count_axis(frame.height, start=1),
              scale=alt.Scale(domain=[0.5, frame.height + 0.5], nice=False))
    scale = alt.Scale(domain=[-1, 1])
    zero = alt.Chart(pl.DataFrame({"zero": [0.0]})).mark_rule(color="#bbb").encode(y="zero:Q")
    days = data.day_marks(frame)
    layers: list[alt.TopLevelMixin] = [zero]
    if days.height:
        rule = alt.Chart(days).encode(x=alt.X("seq:Q"))
        layers += [rule.mark_rule(color="#999", strokeDash=[3, 3]),
                   rule.mark_text(align="left", dx=3, y=-5, fontSize=10, color="#777").encode(text="label:N")]
    if frame.height > limit:
        rows = data.binned_sentiment(frame)
        band = alt.Chart(rows).mark_area(opacity=0.3, color="#4c78a8").encode(
            x=x, y=alt.Y("lo:Q", title="mean sentiment", scale=scale), y2="hi:Q")
        line = alt.Chart(rows).mark_line(color="#1f3b5c").encode(
            x=x, y="mean:Q", tooltip=[alt.Tooltip("seq:Q", title="from #"), "time:N", alt.Tooltip("n:Q", title="comments"),
                                       alt.Tooltip("mean:Q", format="+.2f"), alt.Tooltip("lo:Q", format="+.2f"),
                                       alt.Tooltip("hi:Q", format="+.2f")])
        chart = alt.layer(band, line, *layers).properties(width=WIDTH, height=220)
        return finish(chart, title, f"{frame.height:,} comments: mean per bin of {data.bin_size(frame.height, 300)} with a 95% interval")
    points = data.comment_points(frame)
    dots = alt.Chart(points).mark_circle(size=45, stroke="#333", strokeWidth=0.3).encode(
        x=x, y=alt.Y("sentiment:Q", title="sentiment (−1 negative, +1 positive)", scale=scale),
        color=stance_colour(), opacity=highlight(), tooltip=comment_tooltip())
    layers.append(dots)
    notes = ["each dot is a comment's tone in its own words (VADER), in reading order"]
    if points.height >= 10:
        half = max(2, min(25, points.height // 10))
        layers.append(alt.Chart(points).transform_window(
            rolling="mean(sentiment)", frame=[-half, half], sort=[alt.SortField("seq")]
        ).mark_line(color="#333", strokeWidth=1.5, interpolate="monotone").encode(x=x, y="rolling:Q"))
        notes.append(f"line = mean of the {2 * half + 1} comments around each point"
                     + ("; dashed rules: a new day begins" if days.height else ""))
    elif days.height:
        notes.append("dashed rules: a new day begins")
    chart = alt.layer(*layers).properties(width=WIDTH, height=220)
    return finish(chart, title, notes)


def confidence(frame: pl.DataFrame, limit: int = DETAIL_LIMIT) -> alt.TopLevelMixin:
    """How sure the labels are: every stance and agreement label at its confidence, with the line below
    which pages draw it faded. Above ``limit`` comments: counts per 0.05 of confidence."""
    title = "How sure the labels are"
    rows = data.confidence_rows(frame) if frame.height else pl.DataFrame()
    if rows.height == 0 or rows.get_column("confidence").is_null().all():
        return placeholder("No label here carries a confidence.", title)
    order = [("stance", s) for s in STANCES] + [("agreement", a) for a in AGREEMENTS]
    names = [f"{kind}: {label}" for kind, label in order]
    colours = [*STANCE_COLOURS, *(AGREEMENT_COLOURS[a] for a in AGREEMENTS)]
    label = (pl.col("kind") + ": " + pl.col("label")).alias("row")
    y = alt.Y("row:N", sort=by_rank("row_rank"), title=None)
    colour = alt.Color("row:N", scale=alt.Scale(domain=names, range=colours), legend=None)
    x_scale = alt.Scale(domain=[0, 1])
    threshold = alt.Chart(pl.DataFrame({"x": [CONFIDENT], "note": [f"← faded below {CONFIDENT:g}"]}))
    layers = [threshold.mark_rule(color="#555", strokeDash=[4, 3]).encode(x="x:Q"),
              threshold.mark_text(align="right", dx=-4, y=-6, fontSize=10, color="#555").encode(x="x:Q", text="note:N")]
    faded = rows.filter(pl.col("faded"))
    if frame.height > limit:
        binned = data.binned_confidence(frame).with_columns(label)
        binned = ranked(binned, names, "row", "row_rank")
        marks = alt.Chart(binned).mark_circle(opacity=0.85).encode(
            x=alt.X("start:Q", title="confidence", scale=x_scale), y=y, color=colour,
            size=alt.Size("n:Q", title="labels", legend=alt.Legend(format="d")),
            tooltip=["row:N", alt.Tooltip("start:Q", title="from"), alt.Tooltip("end:Q", title="to"),
                     alt.Tooltip("n:Q", title="labels")])
    else:
        rows = ranked(rows.with_columns(label), names, "row", "row_rank").with_columns(
            ((pl.col("seq") * 0.6180339887) % 1).round(3).alias("jitter"))
        marks = alt.Chart(rows).mark_point(filled=True, size=40, stroke="#333", strokeWidth=0.3).encode(
            x=alt.X("confidence:Q", title="confidence (the model's own estimate that its label is right)", scale=x_scale),
            y=y, yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-0.6, 1.6])), color=colour,
            shape=alt.Shape("human:N", scale=alt.Scale(domain=[False, True], range=["circle", "diamond"]), legend=None),
            opacity=highlight(faded="datum.faded"),
            tooltip=[alt.Tooltip("position:Q", title="#"), "author:N", "row:N", alt.Tooltip("confidence:Q", format=".2f")])
    chart = alt.layer(marks, *layers).properties(width=WIDTH - 80, height=alt.Step(30))
    counts = {kind: (faded.filter(pl.col("kind") == kind).height, rows.filter(pl.col("kind") == kind).height)
              for kind in ("stance", "agreement")}
    return finish(chart, title, [f"below {CONFIDENT:g}: {counts['stance'][0]} of {counts['stance'][1]} stance labels, "
                                 f"{counts['agreement'][0]} of {counts['agreement'][1]} agreement labels",
                                 "each dot a label; further right = the model is surer"])


#: Every view of the thread dashboard, by the name used for ``data-chart`` and image files, in page order.
CHARTS: dict[str, Callable[..., alt.TopLevelMixin]] = {
    "reply-tree": reply_tree,
    "chains": chains,
    "exchanges": exchanges,
    "stance": stance,
    "participation": participation,
    "sentiment-time": sentiment_time,
    "confidence": confidence,
}

#: What each view is for, in plain words, shown under it.
HELP: dict[str, str] = {
    "reply-tree": "Each point is a comment, placed by how deep in a reply chain it sits; a line joins a reply to the "
                  "comment it answers. Where the source page has no threading, links were inferred from cues "
                  f"(an @name, a quotation, a name, shared words), shown by the line style. Above {TREE_LIMIT} "
                  "comments the lines would tangle, so the view counts the comments at each depth instead.",
    "chains": "A chain is a top-level comment and every reply below it: the bigger the bar, the longer the "
              "discussion it started, and its colours show which sides took part.",
    "exchanges": "Agreement says whether a reply agrees with the comment it answers, disagrees, or neither "
                 "(neutral); it is judged from the reply's opening, rebuttal cues and negations.",
    "stance": "Stance is a comment's position on the article's argument: favor supports it, against opposes it, "
              "none takes no side or talks about something else.",
    "participation": "How many comments each author wrote, and on which side: a few voices often make most of a thread.",
    "sentiment-time": "Sentiment is the tone of a comment's own words (quotes removed), from −1 (hostile, negative) "
                      "to +1 (warm, positive); it is not the same as agreeing with the article.",
    "confidence": "Confidence is the model's own estimate that a label is right. Labels below "
                  f"{CONFIDENT:g} are drawn faded in every view; diamonds are labels a person set.",
}
