/* commentscope dashboard: embeds the views and links their selection.
 *
 * Everything drawn from the data goes through JSON.parse and textContent: no innerHTML, no attribute
 * built from data, no links. The selection (an author, a stance) is two Vega signals that every view
 * declares (sel_author, sel_stance); this script sets them on all views at once.
 */
(function () {
  "use strict";
  var TABLE_ROWS = 500;
  var payload = JSON.parse(document.getElementById("cs-data").textContent);
  var views = {};
  var state = { author: null, stance: null };
  var api = { views: views, state: state, select: select, ready: null };
  window.commentscope = api;

  function byId(id) { return document.getElementById(id); }

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
        select(state.author === datum.author ? null : datum.author, state.stance);
      } else if (kind === "stance" && typeof datum.stance === "string") {
        select(state.author, state.stance === datum.stance ? null : datum.stance);
      }
    };
  }

  function embed(chart) {
    var element = byId("cs-view-" + chart.name);
    var options = { renderer: "svg", actions: false, mode: "vega-lite" };
    return window.vegaEmbed(element, fullSpec(chart.spec), options).then(function (result) {
      views[chart.name] = result.view;
      result.view.addEventListener("click", onClick(chart.click));
      if (state.author !== null || state.stance !== null) {
        return result.view.signal("sel_author", state.author).signal("sel_stance", state.stance).runAsync();
      }
      return null;
    });
  }

  function option(value, label) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    return element;
  }

  function fillControls() {
    var authorBox = byId("cs-author");
    var stanceBox = byId("cs-stance");
    if (!authorBox || !stanceBox) { return; }
    (payload.authors || []).forEach(function (pair, index) {
      authorBox.appendChild(option(String(index), pair[0] + " (" + pair[1] + ")"));
    });
    (payload.stances || []).forEach(function (stance, index) {
      stanceBox.appendChild(option(String(index), stance));
    });
    authorBox.addEventListener("change", function () {
      var pick = authorBox.value === "" ? null : payload.authors[Number(authorBox.value)][0];
      select(pick, state.stance);
    });
    stanceBox.addEventListener("change", function () {
      var pick = stanceBox.value === "" ? null : payload.stances[Number(stanceBox.value)];
      select(state.author, pick);
    });
    byId("cs-clear").addEventListener("click", function () { select(null, null); });
  }

  function syncControls() {
    var authorBox = byId("cs-author");
    var stanceBox = byId("cs-stance");
    if (!authorBox || !stanceBox) { return; }
    var authorIndex = (payload.authors || []).findIndex(function (pair) { return pair[0] === state.author; });
    authorBox.value = authorIndex < 0 ? "" : String(authorIndex);
    var stanceIndex = (payload.stances || []).indexOf(state.stance);
    stanceBox.value = stanceIndex < 0 ? "" : String(stanceIndex);
  }

  function cell(text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    return td;
  }

  function renderTable() {
    var table = byId("cs-table");
    if (!table || !payload.comments) { return; }
    var rows = payload.comments.filter(function (c) {
      return (state.author === null || c.author === state.author) &&
             (state.stance === null || c.stance === state.stance);
    });
    var body = table.tBodies[0];
    var fresh = document.createElement("tbody");
    rows.slice(0, TABLE_ROWS).forEach(function (c) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(String(c.position), "cs-num"));
      tr.appendChild(cell(c.author));
      tr.appendChild(cell(c.time === null ? "" : c.time));
      tr.appendChild(cell(c.stance, "cs-stance-" + ["favor", "against", "none"].indexOf(c.stance)));
      tr.appendChild(cell((c.sentiment >= 0 ? "+" : "") + c.sentiment.toFixed(2), "cs-num"));
      tr.appendChild(cell(c.text, "cs-text"));
      fresh.appendChild(tr);
    });
    table.replaceChild(fresh, body);
    var status = rows.length + " of " + payload.comments.length + " comments";
    if (state.author !== null) { status += " · author: " + state.author; }
    if (state.stance !== null) { status += " · stance: " + state.stance; }
    if (rows.length > TABLE_ROWS) { status += " · showing the first " + TABLE_ROWS + "; narrow the selection"; }
    byId("cs-table-status").textContent = status;
  }

  function select(author, stance) {
    state.author = author;
    state.stance = stance;
    syncControls();
    renderTable();
    return Promise.all(Object.keys(views).map(function (name) {
      return views[name].signal("sel_author", author).signal("sel_stance", stance).runAsync();
    }));
  }

  fillControls();
  renderTable();
  api.ready = Promise.all(payload.charts.map(embed)).then(function () {
    document.body.classList.add("cs-ready");
  }).catch(function (error) {
    console.error("commentscope: a view failed to draw:", error);
    throw error;
  });
})();
