/* commentscope dashboard: embeds the views, shows the conversation and what each side says, and links
 * their selection.
 *
 * Everything drawn from the data goes through JSON.parse and textContent: no innerHTML, no attribute
 * and no link built from data. The selection (an author, a stance, a chain) is three Vega signals that
 * every view declares (sel_author, sel_stance, sel_chain); this script sets them on all views at once
 * and filters the conversation to match.
 */
(function () {
  "use strict";
  var STEP = 300;  // conversation items drawn at a time
  var payload = JSON.parse(document.getElementById("cs-data").textContent);
  var comments = payload.comments || [];
  var views = {};
  var state = { author: null, stance: null, chain: null };
  var collapsed = {};
  var shown = STEP;
  var api = { views: views, state: state, select: select, focus: focus, ready: null };
  window.commentscope = api;
  var LINKS = {
    markup: "threaded by the source", address: "addresses them (@name, “To name:”)",
    header: "a “Name wrote:” header", quote: "quotes their comment", mention: "names them (weak cue)",
    inferred: "shares their words (weak cue)"
  };
  var AGREES = { agree: "agrees with ", disagree: "disagrees with ", neutral: "neutral toward " };

  function byId(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var element = document.createElement(tag);
    if (text !== undefined && text !== null) { element.textContent = text; }
    if (className) { element.className = className; }
    return element;
  }

  function button(text, className, action) {
    var element = el("button", text, className);
    element.type = "button";
    element.addEventListener("click", action);
    return element;
  }

  function fixed(value, digits) { return typeof value === "number" ? value.toFixed(digits) : null; }

  function signed(value) { return (value >= 0 ? "+" : "−") + Math.abs(value).toFixed(2); }

  function clock(time) { return typeof time === "string" ? time.slice(0, 16).replace("T", " ") : ""; }

  /* ---- the views ---------------------------------------------------------------------------------- */

  function fullSpec(spec) {
    var copy = Object.assign({}, spec);
    var names = (spec.usermeta && spec.usermeta.datasets) || [];
    copy.datasets = {};
    names.forEach(function (name) { copy.datasets[name] = payload.datasets[name]; });
    return copy;
  }

  function onClick(kind) {
    return function (event, item) {
      var datum = item && item.datum;
      if (!kind || !datum || datum.grouped) { return; }
      if (kind === "author" && typeof datum.author === "string") {
        select(state.author === datum.author ? null : datum.author, state.stance, state.chain);
      } else if (kind === "stance" && typeof datum.stance === "string") {
        select(state.author, state.stance === datum.stance ? null : datum.stance, state.chain);
      } else if (kind === "chain" && typeof datum.root_id === "string") {
        select(state.author, state.stance, state.chain === datum.root_id ? null : datum.root_id);
      }
    };
  }

  function setSignals(view) {
    return view.signal("sel_author", state.author).signal("sel_stance", state.stance)
      .signal("sel_chain", state.chain).runAsync();
  }

  function embed(chart) {
    var element = byId("cs-view-" + chart.name);
    var options = { renderer: "svg", actions: false, mode: "vega-lite" };
    return window.vegaEmbed(element, fullSpec(chart.spec), options).then(function (result) {
      views[chart.name] = result.view;
      result.view.addEventListener("click", onClick(chart.click));
      return state.author !== null || state.stance !== null || state.chain !== null ? setSignals(result.view) : null;
    });
  }

  /* ---- the controls ------------------------------------------------------------------------------- */

  function option(value, label) {
    var element = el("option", label);
    element.value = value;
    return element;
  }

  function fillControls() {
    var boxes = { author: byId("cs-author"), stance: byId("cs-stance"), chain: byId("cs-chain") };
    if (!boxes.author) { return; }
    (payload.authors || []).forEach(function (pair, i) { boxes.author.appendChild(option(String(i), pair[0] + " (" + pair[1] + ")")); });
    (payload.stances || []).forEach(function (stance, i) { boxes.stance.appendChild(option(String(i), stance)); });
    (payload.chains || []).forEach(function (pair, i) { boxes.chain.appendChild(option(String(i), pair[1])); });
    boxes.author.addEventListener("change", function () {
      select(boxes.author.value === "" ? null : payload.authors[Number(boxes.author.value)][0], state.stance, state.chain);
    });
    boxes.stance.addEventListener("change", function () {
      select(state.author, boxes.stance.value === "" ? null : payload.stances[Number(boxes.stance.value)], state.chain);
    });
    boxes.chain.addEventListener("change", function () {
      select(state.author, state.stance, boxes.chain.value === "" ? null : payload.chains[Number(boxes.chain.value)][0]);
    });
    byId("cs-clear").addEventListener("click", function () { select(null, null, null); });
  }

  function syncControls() {
    var author = byId("cs-author");
    if (!author) { return; }
    var a = (payload.authors || []).findIndex(function (pair) { return pair[0] === state.author; });
    var c = (payload.chains || []).findIndex(function (pair) { return pair[0] === state.chain; });
    var s = (payload.stances || []).indexOf(state.stance);
    author.value = a < 0 ? "" : String(a);
    byId("cs-stance").value = s < 0 ? "" : String(s);
    byId("cs-chain").value = c < 0 ? "" : String(c);
  }

  /* ---- the conversation --------------------------------------------------------------------------- */

  function chip(text, className, hint) {
    var element = el("span", text, "cs-chip " + className);
    if (hint) { element.title = hint; }
    return element;
  }

  function labels(c) {
    var box = el("div", null, "cs-labels");
    var sure = fixed(c.stance_confidence, 2);
    var human = c.stance_source === "human";
    box.appendChild(chip(c.stance + (human ? " ✎" : sure === null ? "" : " " + sure),
                         "cs-" + c.stance + (c.uncertain ? " cs-faded" : "") + (human ? " cs-human" : ""),
                         human ? "stance set by a person" : "stance; confidence " + (sure === null ? "not given" : sure)));
    if (c.agreement && c.replies_to !== null) {
      var agreeSure = fixed(c.agreement_confidence, 2);
      box.appendChild(chip((AGREES[c.agreement] || c.agreement + " ") + c.replies_to + (agreeSure === null ? "" : " " + agreeSure),
                           "cs-" + c.agreement + (c.agreement_uncertain ? " cs-faded" : ""),
                           "agreement with the comment it answers; confidence " + (agreeSure === null ? "not given" : agreeSure)));
    }
    box.appendChild(chip("tone " + signed(c.sentiment), "cs-tone", "sentiment of its own words, −1 to +1"));
    return box;
  }

  function why(c) {
    var parts = [];
    if (c.parent !== null && c.reply_evidence) {
      parts.push("reply link: " + (LINKS[c.reply_evidence] || c.reply_evidence) +
                 (typeof c.reply_confidence === "number" && c.reply_evidence !== "markup" ? " (" + c.reply_confidence.toFixed(2) + ")" : ""));
    }
    if (c.stance_evidence) { parts.push("stance: " + c.stance_evidence); }
    if (c.agreement_evidence) { parts.push("agreement: " + c.agreement_evidence); }
    if ((c.flags || []).indexOf("orphan") >= 0) { parts.push("answers a comment this page does not include"); }
    return parts.length ? el("p", parts.join(" · "), "cs-why") : null;
  }

  function item(c, index) {
    var li = el("li", null, "cs-c");
    li.id = "cs-c-" + index;
    li.style.marginLeft = (Math.min(c.depth, 10) * 16) + "px";
    var head = el("div", null, "cs-c-head");
    if (c.replies > 0 && !filtering()) {
      var open = !collapsed[index];
      var toggle = button(open ? "▾" : "▸", "cs-toggle", function () { collapsed[index] = open; renderConversation(); });
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.title = (open ? "hide" : "show") + " the replies below";
      head.appendChild(toggle);
    }
    head.appendChild(button(c.author, "cs-who", function () { select(state.author === c.author ? null : c.author, state.stance, state.chain); }));
    head.appendChild(el("span", "#" + c.position + (c.time ? " · " + clock(c.time) : "") + " · id " + c.id, "cs-meta"));
    if (c.parent !== null) {
      head.appendChild(el("span", "↩ answers " + c.replies_to + " (#" + c.parent + ")", "cs-to"));
    }
    if (c.depth === 0 && c.replies > 0) {
      head.appendChild(button("follow this chain", "cs-follow", function () { select(null, null, c.root); }));
    }
    li.appendChild(head);
    li.appendChild(labels(c));
    li.appendChild(el("p", c.text, "cs-c-text"));
    var evidence = why(c);
    if (evidence) { li.appendChild(evidence); }
    return li;
  }

  function filtering() { return state.author !== null || state.stance !== null || state.chain !== null; }

  function matches(c) {
    return (state.author === null || c.author === state.author) && (state.stance === null || c.stance === state.stance) &&
           (state.chain === null || c.root === state.chain);
  }

  function visible() {
    var out = [];
    var hideBelow = null;
    comments.forEach(function (c, index) {
      if (filtering()) {
        if (matches(c)) { out.push(index); }
        return;
      }
      if (hideBelow !== null && c.depth > hideBelow) { return; }
      hideBelow = collapsed[index] ? c.depth : null;
      out.push(index);
    });
    return out;
  }

  function renderConversation() {
    var list = byId("cs-conversation");
    if (!list) { return; }
    var indexes = visible();
    var fresh = el("ol");
    fresh.id = "cs-conversation";
    indexes.slice(0, shown).forEach(function (index) { fresh.appendChild(item(comments[index], index)); });
    list.parentNode.replaceChild(fresh, list);
    var status = indexes.length + " of " + comments.length + " comments, replies under the comment they answer";
    if (state.author !== null) { status += " · author: " + state.author; }
    if (state.stance !== null) { status += " · stance: " + state.stance; }
    if (state.chain !== null) { status += " · one chain"; }
    byId("cs-talk-status").textContent = status;
    var more = byId("cs-more");
    more.hidden = indexes.length <= shown;
    more.textContent = "Show " + Math.min(STEP, indexes.length - shown) + " more of the " + (indexes.length - shown) + " not shown";
  }

  /* Show comment ``index`` of the conversation: clear the selection, open what hides it, scroll to it. */
  function focus(index) {
    collapsed = {};
    shown = Math.max(shown, index + 1);
    select(null, null, null);
    var target = byId("cs-c-" + index);
    if (target) {
      target.scrollIntoView({ block: "center" });
      target.classList.add("cs-flash");
      setTimeout(function () { target.classList.remove("cs-flash"); }, 1600);
    }
  }

  function jumpTo(position) {
    var index = comments.findIndex(function (c) { return c.position === position; });
    return button("#" + position, "cs-jump", function () { if (index >= 0) { focus(index); } });
  }

  /* ---- what each side says ------------------------------------------------------------------------ */

  function by(author, position, uncertain) {
    var span = el("span", null, "cs-by");
    span.appendChild(document.createTextNode(" — "));
    span.appendChild(button(author, "cs-who", function () { select(author, null, null); }));
    span.appendChild(document.createTextNode(" "));
    span.appendChild(jumpTo(position));
    if (uncertain) { span.appendChild(document.createTextNode(" (uncertain label)")); }
    return span;
  }

  function renderSides() {
    var sides = payload.sides || {};
    ["favor", "against"].forEach(function (side) {
      var box = byId("cs-side-" + side);
      var summary = sides[side];
      if (!box || !summary) { return; }
      box.querySelector(".cs-side-count").textContent = summary.comments === 0 ? "No comment was labelled " + side + "." :
        summary.comments + " comment" + (summary.comments === 1 ? "" : "s") + " labelled " + side +
        (summary.uncertain ? " (" + summary.uncertain + " uncertain)" : "") + "; the sentences most typical of this side:";
      var list = box.querySelector("ol");
      summary.quotes.forEach(function (quote) {
        var li = el("li", null, quote.uncertain ? "cs-faded" : null);
        li.appendChild(el("q", quote.sentence));
        li.appendChild(by(quote.author, quote.position, quote.uncertain));
        list.appendChild(li);
      });
    });
    var answered = byId("cs-answered");
    if (!answered) { return; }
    if (!(payload.answered || []).length) { answered.querySelector(".cs-side-count").textContent = "Nobody replied to anyone."; }
    (payload.answered || []).forEach(function (c) {
      var li = el("li");
      li.appendChild(el("b", c.replies + " repl" + (c.replies === 1 ? "y" : "ies") + (c.below > c.replies ? " (" + c.below + " below)" : "") + ": "));
      li.appendChild(el("span", c.snippet));
      li.appendChild(by(c.author, c.position, false));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", c.stance, "cs-chip cs-" + c.stance + (c.uncertain ? " cs-faded" : "")));
      answered.querySelector("ol").appendChild(li);
    });
  }

  /* ---- the selection ------------------------------------------------------------------------------ */

  function select(author, stance, chain) {
    state.author = author;
    state.stance = stance;
    state.chain = chain === undefined ? state.chain : chain;
    syncControls();
    renderConversation();
    return Promise.all(Object.keys(views).map(function (name) { return setSignals(views[name]); }));
  }

  fillControls();
  renderSides();
  renderConversation();
  if (byId("cs-more")) {
    byId("cs-more").addEventListener("click", function () { shown += STEP; renderConversation(); });
  }
  api.ready = Promise.all(payload.charts.map(embed)).then(function () {
    document.body.classList.add("cs-ready");
  }).catch(function (error) {
    console.error("commentscope: a view failed to draw:", error);
    throw error;
  });
})();
