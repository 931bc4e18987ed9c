// sipsleuth HTML report. Trace text only ever reaches the page through
// textContent; the ladders are SVG that sipsleuth escaped when it wrote them.
(function () {
  "use strict";
  const PAGE = 200;  // call rows added at a time, so thousands of calls stay quick
  const data = JSON.parse(document.getElementById("sipsleuth-data").textContent);
  const tbody = document.querySelector("#calls tbody");
  const more = document.getElementById("more");
  const count = document.getElementById("count");
  const filter = document.getElementById("filter");
  document.getElementById("inputs").textContent = "Inputs: " + data.inputs.join(", ");

  const haystacks = data.calls.map(c =>
    [c.call_id, c.kind, c.from, c.to, c.outcome, c.status, c.why, c.answered_by].join("\n").toLowerCase());
  let matching = data.calls.map((_, i) => i);
  let shown = 0;

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function callRow(index) {
    const c = data.calls[index];
    const tr = el("tr", "call");
    tr.dataset.index = index;
    const cells = [
      [c.start, "mono"], [c.kind, ""], [c.from, "mono"], [c.to, "mono"], [c.outcome, "outcome " + c.outcome],
      [c.status, "nowrap"], [String(c.messages), "num"], [String(c.forks), "num"], [c.duration, "num"],
      [c.why, "why"], [c.call_id, "mono"]];
    for (const [text, cls] of cells) tr.appendChild(el("td", cls, text));
    tr.querySelector("td.why").title = c.why;  // the whole sentence on hover
    return tr;
  }

  function showMore() {
    const end = Math.min(matching.length, shown + PAGE);
    const fragment = document.createDocumentFragment();
    for (; shown < end; shown++) fragment.appendChild(callRow(matching[shown]));
    tbody.appendChild(fragment);
    count.textContent = matching.length + " of " + data.calls.length + " calls" +
      (shown < matching.length ? " (" + shown + " listed, scroll for more)" : "");
    more.textContent = "";
    if (matching.length === 0) more.appendChild(el("p", "empty", "No call matches the filter."));
  }

  function applyFilter() {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    matching = [];
    haystacks.forEach((h, i) => { if (words.every(w => h.includes(w))) matching.push(i); });
    tbody.textContent = "";
    shown = 0;
    showMore();
  }

  function renderMessage(container, call, id) {
    const m = call.texts[id];
    container.textContent = "";
    if (!m) return;
    const meta = [m.time, m.where, m.route].filter(Boolean).join("  ·  ");
    container.appendChild(el("div", "meta", meta + (m.retransmission ? "  ·  retransmission" : "")));
    if (m.seen.length > 1) {
      const seen = el("div", "meta seen", "Seen at " + m.seen.length + " points" + (m.path ? "; path " + m.path : "") + ":");
      for (const line of m.seen) seen.appendChild(el("div", "", line));
      container.appendChild(seen);
    }
    const pre = el("pre", "headers");
    pre.appendChild(el("span", "start", m.start));
    pre.appendChild(document.createTextNode("\n"));
    const width = Math.min(24, m.headers.reduce((w, h) => Math.max(w, h[0].length), 0));
    for (const [name, value] of m.headers) {
      pre.appendChild(el("span", "hname", name.padEnd(width)));
      pre.appendChild(document.createTextNode(": " + value + "\n"));
    }
    container.appendChild(pre);
    if (m.body) {
      const sdp = /application\/sdp/i.test(m.content_type);
      container.appendChild(el("h4", "", sdp ? "SDP" : "Body" + (m.content_type ? " (" + m.content_type + ")" : "")));
      container.appendChild(el("pre", "body", m.body));
    }
  }

  function openCall(tr) {
    const next = tr.nextElementSibling;
    if (next && next.classList.contains("detail")) {
      next.remove();
      tr.classList.remove("open");
      return;
    }
    const c = data.calls[Number(tr.dataset.index)];
    tr.classList.add("open");
    const detail = el("tr", "detail");
    const td = el("td");
    td.colSpan = 11;
    // The media path (signalled addresses against any capture) gets its own section.
    const sections = [["", c.findings.filter(f => !f.code.startsWith("media."))],
                      ["Media path", c.findings.filter(f => f.code.startsWith("media."))]];
    for (const [title, list] of sections) {
      if (list.length === 0) continue;
      if (title) td.appendChild(el("h3", "section", title));
      const findings = el("ul", "findings" + (title ? " media" : ""));
      for (const f of list) {
        const li = el("li");
        li.appendChild(el("span", "sev " + f.severity, f.severity));
        li.appendChild(document.createTextNode(f.message + " "));
        li.appendChild(el("code", "", f.code));
        findings.appendChild(li);
      }
      td.appendChild(findings);
    }
    const ladder = el("div", "ladder");
    ladder.innerHTML = c.svg;  // written and escaped by sipsleuth, never raw trace text
    td.appendChild(ladder);
    const message = el("div", "message");
    message.appendChild(el("div", "meta", "Click an arrow to see its message."));
    td.appendChild(message);
    detail.appendChild(td);
    tr.after(detail);
  }

  tbody.addEventListener("click", event => {
    const arrow = event.target.closest("g.msg");
    if (arrow) {
      const detail = arrow.closest("tr.detail");
      detail.querySelectorAll("g.msg.selected").forEach(g => g.classList.remove("selected"));
      arrow.classList.add("selected");
      const call = data.calls[Number(detail.previousElementSibling.dataset.index)];
      renderMessage(detail.querySelector(".message"), call, arrow.dataset.message);
      return;
    }
    const row = event.target.closest("tr.call");
    if (row) openCall(row);
  });
  filter.addEventListener("input", applyFilter);
  new IntersectionObserver(entries => {
    if (entries.some(e => e.isIntersecting) && shown < matching.length) showMore();
  }).observe(more);
  showMore();
  if (data.calls.length === 1) openCall(tbody.querySelector("tr.call"));
})();
