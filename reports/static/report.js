/* openesx-license report: filters, sorting, pagination and evidence of report.html.
 *
 * Hand-written, no framework, no network. The data comes from the JSON in #report-data.
 * Every text from the audit is put in the page with textContent, never innerHTML, so a path
 * with a script tag in its name stays text. Big tables (20,000 files) are rendered one page at a time.
 */
(function () {
  "use strict";

  var D = JSON.parse(document.getElementById("report-data").textContent);
  var SEV_RANK = { error: 3, warning: 2, note: 1 };
  var SEV_ICON = { error: "✖", warning: "▲", note: "●" };
  var STATUS_TEXT = {
    new: "New: not accepted",
    waived: "Waived",
    baselined: "Accepted in the baseline"
  };
  var NO_LICENSE = "(no licence found)";
  var PRINT_CAP = 2000; /* findings printed with their evidence, at most */

  /* el("td", {className: "n"}, "text", child...) -> element; strings become text nodes. */
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        if (k === "text") node.textContent = props[k];
        else if (k.indexOf("aria-") === 0 || k.indexOf("data-") === 0) node.setAttribute(k, props[k]);
        else node[k] = props[k];
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function fmt(n) { return n.toLocaleString("en"); }

  function cmp(a, b) {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b), "en", { numeric: true });
  }

  /* ---- a paginated table: rows are rendered only for the page shown ---- */
  function Pager(tableId, renderRow, pageSize) {
    this.table = document.getElementById(tableId);
    this.tbody = this.table.tBodies[0];
    this.box = document.querySelector('.pager[data-for="' + tableId + '"]');
    this.renderRow = renderRow;
    this.pageSize = pageSize;
    this.page = 0;
    this.rows = [];
    var self = this;
    this.prev = el("button", { type: "button", text: "◀ Previous" });
    this.next = el("button", { type: "button", text: "Next ▶" });
    this.info = el("span", { className: "pageinfo" });
    this.size = el("select", { "aria-label": "Rows per page" });
    [25, 100, 500].forEach(function (n) {
      self.size.appendChild(el("option", { value: String(n), text: n + " per page", selected: n === pageSize }));
    });
    this.prev.addEventListener("click", function () { self.go(self.page - 1); });
    this.next.addEventListener("click", function () { self.go(self.page + 1); });
    this.size.addEventListener("change", function () {
      self.pageSize = Number(self.size.value);
      self.go(0);
    });
    this.box.append(this.prev, this.info, this.next, this.size);
  }
  Pager.prototype.set = function (rows) { this.rows = rows; this.go(0); };
  Pager.prototype.pages = function () { return Math.max(1, Math.ceil(this.rows.length / this.pageSize)); };
  Pager.prototype.go = function (page) {
    this.page = Math.min(Math.max(0, page), this.pages() - 1);
    var start = this.page * this.pageSize;
    var end = Math.min(this.rows.length, start + this.pageSize);
    var frag = document.createDocumentFragment();
    for (var i = start; i < end; i++) this.renderRow(this.rows[i], frag);
    this.tbody.replaceChildren(frag);
    this.info.textContent = this.rows.length
      ? "rows " + fmt(start + 1) + "–" + fmt(end) + " of " + fmt(this.rows.length) + " · page " + (this.page + 1) + " of " + this.pages()
      : "no rows";
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= this.pages() - 1;
  };
  Pager.prototype.showAll = function () {
    var frag = document.createDocumentFragment();
    for (var i = 0; i < this.rows.length; i++) this.renderRow(this.rows[i], frag);
    this.tbody.replaceChildren(frag);
  };

  /* Clickable column headers: th[data-key] > button; calls onSort(key, dir). */
  function sortable(tableId, state, onSort) {
    var heads = document.querySelectorAll("#" + tableId + " th[data-key]");
    heads.forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () {
        var key = th.getAttribute("data-key");
        state.dir = state.key === key ? -state.dir : 1;
        state.key = key;
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
        onSort();
      });
    });
  }

  function formValues(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (e) { if (e.name) out[e.name] = e.value.trim(); });
    return out;
  }

  function watch(form, onChange) {
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(onChange, 120);
    });
    form.addEventListener("change", onChange);
    form.addEventListener("reset", function () { setTimeout(onChange, 0); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); onChange(); });
  }

  /* ---------------------------- findings ---------------------------- */
  var findings = D.findings;
  findings.forEach(function (f, i) { f.i = i; });
  var fState = { key: null, dir: 1 };
  var expanded = {};
  var findingForm = document.getElementById("finding-filters");

  function findingText(f) {
    if (f._q === undefined) {
      var parts = [f.r, f.p, f.m, f.c || "", f.t || "", f.sn || "", f.st];
      f.e.forEach(function (e) { parts.push(e[0], e[2]); });
      f._q = parts.join("\n").toLowerCase();
    }
    return f._q;
  }

  function codeBlock(idx) {
    var x = D.excerpts[idx];
    if (!x) return null;
    if (x.n) return el("p", { className: "nocode", text: "No code shown: " + x.n + "." });
    var pre = el("pre", { className: "code" });
    x.l.forEach(function (line, k) {
      var no = x.s + k;
      var hit = no === x.h;
      var row = el("span", { className: hit ? "line hit" : "line" },
        el("span", { className: "ln", text: (hit ? "▶ " : "  ") + no }), line || " ");
      pre.appendChild(row);
    });
    return pre;
  }

  function location(path, line) { return line ? path + ":" + line : path; }

  /* A path in a <code> that may break only after a "/" (never inside a name). */
  function pathCode(path, line) {
    var code = el("code", { className: "path" });
    var parts = location(path, line).split("/");
    parts.forEach(function (p, k) {
      code.appendChild(document.createTextNode(k < parts.length - 1 ? p + "/" : p));
      if (k < parts.length - 1) code.appendChild(el("wbr"));
    });
    return code;
  }

  /* Copied code: the open region and the proprietary one, aligned, shared tokens marked. */
  function segmentsCell(segs) {
    var td = el("td", { className: segs ? "code" : "code gap" });
    (segs || []).forEach(function (s) {
      td.appendChild(s[1] ? el("mark", { text: s[0] }) : document.createTextNode(s[0]));
    });
    if (!segs) td.textContent = " ";
    return td;
  }

  function pairView(cp) {
    var box = el("div");
    var a = cp.a, b = cp.b;
    box.appendChild(el("p", null, "Left: the open file ", pathCode(a.p), ", lines " + a.s + "–" + a.e +
      ". Right: the proprietary file ", pathCode(b.p), ", lines " + b.s + "–" + b.e +
      ". Highlighted: code the two have in common" +
      (cp.shared && cp.shared[1] ? " (" + fmt(cp.shared[0]) + " of " + fmt(cp.shared[1]) + " tokens of the open side)." : ".")));
    if (a.n) box.appendChild(el("p", { className: "nocode", text: "Open side not shown: " + a.n + "." }));
    if (b.n) box.appendChild(el("p", { className: "nocode", text: "Proprietary side not shown: " + b.n + "." }));
    if (!cp.rows.length) return box;
    var table = el("table", { className: "pair" },
      el("colgroup", null, el("col", { className: "ln" }), el("col"), el("col", { className: "ln" }), el("col")),
      el("thead", null, el("tr", null,
        el("th", { scope: "col", colSpan: 2, text: "Open code (" + a.p + ")" }),
        el("th", { scope: "col", colSpan: 2, text: "Proprietary code (" + b.p + ")" }))));
    var tbody = el("tbody");
    cp.rows.forEach(function (r) {
      tbody.appendChild(el("tr", null,
        el("td", { className: "ln", text: r[0] === null ? "" : String(r[0]) }), segmentsCell(r[1]),
        el("td", { className: "ln", text: r[2] === null ? "" : String(r[2]) }), segmentsCell(r[3])));
    });
    table.appendChild(tbody);
    box.appendChild(el("div", { className: "scrollbox" }, table));
    return box;
  }

  function evidenceBody(f) {
    var box = el("div", { className: "evidence-body" });
    var rule = D.rules[f.r] || {};
    box.appendChild(el("p", { className: "why" }, el("strong", { text: "Finding: " }), f.m));
    if (f.x !== undefined && f.x >= 0) {
      box.append(el("h4", { text: "Code at " + location(f.p, f.l) }), codeBlock(f.x));
    }
    if (f.cp) {
      box.append(el("h4", { text: "The two pieces of code side by side" }), pairView(f.cp));
    }
    if (f.in !== undefined) {
      box.appendChild(el("p", { className: "tag-old", text: f.in ? "Introduced by this change" :
        "Already in the tree before this change: not new to it, but it blocks every merge until fixed" }));
    }
    if (f.e.length) {
      box.appendChild(el("h4", { text: f.e.length > 1 ? "Evidence, step by step" : "Evidence" }));
      var ol = el("ol", { className: "hops" });
      f.e.forEach(function (e) {
        var li = el("li", null, el("span", { className: "kind", text: e[3] }), " ",
          pathCode(e[0], e[1]));
        if (e[2]) li.appendChild(el("pre", { className: "evtext", text: e[2] }));
        if (e[4] >= 0) li.appendChild(codeBlock(e[4]));
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
    var file = D.files[f.p] || inventoryLicence(f.p);
    if (file) {
      box.appendChild(el("h4", { text: "Licence of " + f.p }));
      box.appendChild(el("p", null, "Concluded: ", el("code", { text: file.lic || NO_LICENSE }),
        " (from: " + file.src + ")"));
      file.det.forEach(function (d) {
        var head = el("p", { className: "det" }, el("code", { text: d.e || "(invalid)" }),
          " · " + d.m + (d.a ? " · lines " + d.a + (d.b && d.b !== d.a ? "–" + d.b : "") : "") +
          (d.sc !== null && d.sc !== undefined ? " · score " + d.sc : "") +
          (d.r ? " · rule " + d.r : "") + (d.g ? " · from " + d.g : "") +
          (d.v === false ? " · NOT VALID" : "") + (d.n ? " · " + d.n : ""));
        box.appendChild(head);
        if (d.t) box.appendChild(el("pre", { className: "lictext", text: d.t }));
      });
    }
    if (f.d) {
      var dl = el("dl", { className: "data" });
      f.d.forEach(function (kv) { dl.append(el("dt", { text: kv[0] }), el("dd", { text: kv[1] === null ? "—" : kv[1] })); });
      box.append(el("h4", { text: "Details" }), dl);
    }
    if (rule.guidance || rule.description) {
      box.appendChild(el("h4", { text: "What to do" }));
      if (rule.guidance) box.appendChild(el("p", { className: "guidance", text: rule.guidance }));
      if (rule.description) box.appendChild(el("p", { className: "about-rule", text: "About this rule: " + rule.description }));
    }
    box.appendChild(el("h4", { text: "Status" }));
    box.appendChild(el("p", { className: "status " + f.st },
      STATUS_TEXT[f.st] || f.st, f.sn ? " — " + f.sn : "",
      f.fp ? el("span", { className: "fp", text: " · fingerprint " + f.fp }) : null));
    return box;
  }

  /* Concluded licence of a file without detections, from its inventory row. */
  var byPath = null;
  function inventoryLicence(path) {
    if (!byPath) {
      byPath = {};
      D.inventory.f.forEach(function (row) { byPath[row[0]] = row; });
    }
    var row = byPath[path];
    if (!row) return null;
    return { lic: D.inventory.lic[row[2]] || null, src: D.inventory.src[row[3]] || "none", det: [] };
  }

  function renderFinding(f, frag, forceOpen) {
    var open = forceOpen || !!expanded[f.i];
    var id = "ev-" + f.i;
    var btn = el("button", { type: "button", className: "toggle", "aria-expanded": String(open), "aria-controls": id,
      title: "Show or hide the evidence of this finding", text: open ? "Hide" : "Evidence" });
    var status = f.st + (f.in === 0 ? " · already in the tree" : f.in === 1 ? " · introduced" : "");
    var tr = el("tr", { className: "finding sev-" + f.s + " st-" + f.st },
      el("td", { "data-label": "Severity" }, el("span", { className: "sev " + f.s, text: SEV_ICON[f.s] + " " + f.s })),
      el("td", { "data-label": "Rule" }, el("code", { text: f.r })),
      el("td", { className: "path", "data-label": "Location" }, pathCode(f.p, f.l)),
      el("td", { "data-label": "Component", text: f.c || "—" }),
      el("td", { className: "msg", text: f.m }),
      el("td", { "data-label": "Status" }, el("span", { className: "status " + f.st, text: status })),
      el("td", null, btn));
    var ev = el("tr", { className: "evidence", id: id, hidden: !open });
    var cell = el("td", { colSpan: 7 });
    ev.appendChild(cell);
    if (open) cell.appendChild(evidenceBody(f));
    btn.addEventListener("click", function () {
      var now = btn.getAttribute("aria-expanded") !== "true";
      expanded[f.i] = now;
      if (now && !cell.firstChild) cell.appendChild(evidenceBody(f));
      ev.hidden = !now;
      btn.setAttribute("aria-expanded", String(now));
      btn.textContent = now ? "Hide" : "Evidence";
    });
    frag.append(tr, ev);
  }

  var fPager = new Pager("findings-table", function (f, frag) { renderFinding(f, frag, false); }, 25);

  function applyFindings() {
    var v = formValues(findingForm);
    var q = v.q.toLowerCase();
    var rows = findings.filter(function (f) {
      return (!v.rule || f.r === v.rule) && (!v.severity || f.s === v.severity) &&
        (!v.component || f.c === v.component) && (!v.status || f.st === v.status) &&
        (!v.introduced || String(f.in) === v.introduced) &&
        (!q || findingText(f).indexOf(q) >= 0);
    });
    if (fState.key) {
      var k = fState.key;
      rows.sort(function (a, b) {
        var r = k === "s" ? SEV_RANK[a.s] - SEV_RANK[b.s] : cmp(a[k], b[k]);
        if (!r && k === "p") r = cmp(a.l, b.l);
        return r * fState.dir || a.i - b.i;
      });
    }
    document.getElementById("findings-count").textContent =
      fmt(rows.length) + " of " + fmt(findings.length) + " findings shown";
    fPager.set(rows);
  }
  watch(findingForm, applyFindings);
  sortable("findings-table", fState, applyFindings);

  function showFindings(values) {
    findingForm.reset();
    Object.keys(values).forEach(function (k) { findingForm.elements[k].value = values[k]; });
    applyFindings();
    document.getElementById("findings").scrollIntoView();
  }
  document.querySelectorAll("a.rule-link").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      showFindings({ rule: a.getAttribute("data-rule") });
    });
  });

  /* ----------------------------- files ----------------------------- */
  var inv = D.inventory;
  var files = inv.f;
  var folder = "";
  var iState = { key: null, dir: 1 };
  var fileForm = document.getElementById("file-filters");

  function holdersOf(row) { return row[4].map(function (h) { return inv.hold[h]; }); }

  function fileText(row) {
    if (row._q === undefined) {
      row._q = [row[0], inv.lic[row[2]] || NO_LICENSE, inv.comp[row[1]] || ""].concat(holdersOf(row)).join("\n").toLowerCase();
    }
    return row._q;
  }

  function crumbButton(label, path) {
    var b = el("button", { type: "button", className: "crumb", text: label });
    b.addEventListener("click", function () { folder = path; applyFiles(); });
    return b;
  }

  function renderFolders() {
    var crumbs = document.getElementById("folder-crumbs");
    var parts = folder ? folder.split("/") : [];
    var nodes = [crumbButton("All files", "")];
    parts.forEach(function (p, i) {
      nodes.push(el("span", { className: "sep", text: " / " }));
      nodes.push(crumbButton(p, parts.slice(0, i + 1).join("/")));
    });
    if (parts.length) nodes[nodes.length - 1].setAttribute("aria-current", "location");
    crumbs.replaceChildren.apply(crumbs, nodes);
    var prefix = folder ? folder + "/" : "";
    var counts = {};
    files.forEach(function (row) {
      var p = row[0];
      if (p.lastIndexOf(prefix, 0) !== 0) return;
      var rest = p.slice(prefix.length);
      var slash = rest.indexOf("/");
      if (slash > 0) { var name = rest.slice(0, slash); counts[name] = (counts[name] || 0) + 1; }
    });
    var names = Object.keys(counts).sort(cmp);
    var list = document.getElementById("subfolders");
    var items = names.slice(0, 300).map(function (n) {
      return el("li", null, crumbButton(n + "/", prefix + n), el("span", { className: "n", text: " " + fmt(counts[n]) }));
    });
    if (names.length > 300) items.push(el("li", { text: "… and " + (names.length - 300) + " more folders (use the text filter)" }));
    list.replaceChildren.apply(list, items);
  }

  function renderFile(row, frag) {
    var hs = holdersOf(row);
    var holderCell = el("td", { className: "holders", text: hs.slice(0, 3).join("; ") + (hs.length > 3 ? "; and " + (hs.length - 3) + " more" : "") });
    if (hs.length > 3) holderCell.title = hs.join("\n");
    var nf = row[6];
    var fcell = el("td", { className: "n" });
    if (nf) {
      var b = el("button", { type: "button", className: "link", text: String(nf), "aria-label": nf + " findings in " + row[0] });
      b.addEventListener("click", function () { showFindings({ q: row[0] }); });
      fcell.appendChild(b);
    }
    var lic = inv.lic[row[2]];
    frag.appendChild(el("tr", row[2] < 0 ? { className: "nolicense" } : null,
      el("td", { className: "path" }, pathCode(row[0])),
      el("td", { text: inv.comp[row[1]] || "—" }),
      el("td", null, lic ? el("code", { text: lic }) : el("span", { className: "warn", text: "▲ " + NO_LICENSE })),
      el("td", { text: inv.src[row[3]] || "" }),
      holderCell, fcell));
  }

  var iPager = new Pager("files-table", renderFile, 100);

  function applyFiles() {
    var v = formValues(fileForm);
    var q = v.q.toLowerCase();
    var prefix = folder ? folder + "/" : "";
    var comp = v.component ? inv.comp.indexOf(v.component) : null;
    var lic = v.license ? (v.license === NO_LICENSE ? -1 : inv.lic.indexOf(v.license)) : null;
    var rows = files.filter(function (row) {
      return (!prefix || row[0].lastIndexOf(prefix, 0) === 0) && (comp === null || row[1] === comp) &&
        (lic === null || row[2] === lic) && (!q || fileText(row).indexOf(q) >= 0);
    });
    if (iState.key !== null) {
      var k = Number(iState.key);
      var table = k === 1 ? inv.comp : k === 2 ? inv.lic : k === 3 ? inv.src : null;
      rows.sort(function (a, b) {
        var x = table ? table[a[k]] : a[k], y = table ? table[b[k]] : b[k];
        return cmp(x, y) * iState.dir || cmp(a[0], b[0]);
      });
    }
    document.getElementById("files-count").textContent =
      fmt(rows.length) + " of " + fmt(files.length) + " files" + (folder ? " in " + folder + "/" : "");
    renderFolders();
    iPager.set(rows);
  }
  watch(fileForm, applyFiles);
  sortable("files-table", iState, applyFiles);

  /* ---------------------------- holders ---------------------------- */
  var holders = D.holders;
  var hState = { key: null, dir: 1 };
  var holderForm = document.getElementById("holder-filters");
  var hPager = new Pager("holders-table", function (h, frag) {
    var name = el("td", null, h[0]);
    if (h[3] && h[3].length) name.appendChild(el("span", { className: "sub spellings", text: " (also written: " + h[3].join("; ") + ")" }));
    frag.appendChild(el("tr", null, name, el("td", { className: "n", text: fmt(h[1]) }),
      el("td", { text: h[2].join(", ") })));
  }, 25);
  function applyHolders() {
    var q = formValues(holderForm).q.toLowerCase();
    var rows = holders.filter(function (h) {
      return !q || (h[0] + "\n" + (h[3] || []).join("\n")).toLowerCase().indexOf(q) >= 0;
    });
    if (hState.key !== null) {
      var k = Number(hState.key);
      rows.sort(function (a, b) { return cmp(a[k], b[k]) * hState.dir; });
    }
    hPager.set(rows);
  }
  watch(holderForm, applyHolders);
  sortable("holders-table", hState, applyHolders);

  /* ----------------------- print: all findings, open ----------------------- */
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.setAttribute("data-print-opened", "");
      d.open = true;
    });
    var frag = document.createDocumentFragment();
    var rows = fPager.rows.slice(0, PRINT_CAP);
    rows.forEach(function (f) { renderFinding(f, frag, true); });
    fPager.tbody.replaceChildren(frag);
    var cap = document.getElementById("print-cap");
    cap.hidden = rows.length === fPager.rows.length;
    cap.textContent = "Printed: the first " + fmt(rows.length) + " of " + fmt(fPager.rows.length) +
      " findings. Filter the findings (by severity or rule) before printing to choose which.";
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-print-opened]").forEach(function (d) {
      d.removeAttribute("data-print-opened");
      d.open = false;
    });
    fPager.go(fPager.page);
  });

  /* ------------------- print, CSV, zoom of the component picture ------------------- */
  function csvCell(v) {
    var t = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(t)) t = "'" + t; /* no formula injection in a spreadsheet */
    return /[",\n\r]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
  }
  function findingsCsv(rows) {
    var head = ["severity", "rule", "path", "line", "component", "message", "status", "introduced", "fingerprint"];
    var lines = [head.join(",")];
    rows.forEach(function (f) {
      lines.push([f.s, f.r, f.p, f.l, f.c, f.m, f.st, f.in === undefined ? "" : f.in ? "true" : "false", f.fp]
        .map(csvCell).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }
  window.findingsCsv = function () { return findingsCsv(fPager.rows); };
  document.getElementById("print-button").addEventListener("click", function () { window.print(); });
  document.getElementById("csv-button").addEventListener("click", function () {
    var blob = new Blob(["\ufeff" + findingsCsv(fPager.rows)], { type: "text/csv;charset=utf-8" });
    var a = el("a", { href: URL.createObjectURL(blob), download: "findings.csv" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  });
  var picture = document.getElementById("component-picture");
  if (picture) {
    var svg = picture.querySelector("svg.graph");
    var base = svg ? Number(svg.getAttribute("width")) : 0;
    var zoom = 1;
    var setZoom = function (z) {
      zoom = Math.min(4, Math.max(0.25, z));
      picture.classList.remove("fit");
      svg.style.width = Math.round(base * zoom) + "px";
      svg.style.height = "auto";
    };
    document.querySelectorAll("[data-zoom]").forEach(function (b) {
      b.addEventListener("click", function () {
        var how = b.getAttribute("data-zoom");
        if (how === "fit") { picture.classList.add("fit"); svg.style.width = ""; zoom = 1; }
        else setZoom(zoom * (how === "in" ? 1.25 : 0.8));
      });
    });
    if (svg) picture.classList.add("fit");
  }

  applyFindings();
  applyFiles();
  applyHolders();
  document.documentElement.setAttribute("data-ready", "1");
  if (window.performance && performance.mark) performance.mark("report-interactive");
})();
