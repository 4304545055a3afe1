"use strict";
// cloudintel pages, no framework. Part 1 is shared by both pages (company.js uses it); part 2 is the
// timeline page. Article text is only ever inserted as text (textContent / text nodes), never as HTML,
// and only http(s) URLs become links.

// ---------------------------------------------------------------------------------------------
// 1. Shared: DOM helpers, API, time scale, event marks, detail panel
// ---------------------------------------------------------------------------------------------

const SVG_NS = "http://www.w3.org/2000/svg";
const RADIUS = { low: 5, medium: 8, high: 12 };
const radius = (event) => RADIUS[event.impact.level] || 4; // unrated: 4
const LANE = 44; // px per lane
const GUTTER = 170; // px left of the time axis, for lane names
const DAY = 86400000;
let picked = null; // id of the event in the detail panel

// An element with attributes and children; strings become text nodes (never parsed as HTML).
function build(element, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) element.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined) element.append(child);
  return element;
}
const el = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);
const svgEl = (tag, attrs, ...children) => build(document.createElementNS(SVG_NS, tag), attrs, children);

// The URL itself if it is an absolute http(s) URL, else null (javascript:, data:, relative...).
function safeUrl(url) {
  try {
    return ["http:", "https:"].includes(new URL(url).protocol) ? url : null;
  } catch {
    return null;
  }
}

function companyLink(name) {
  return el("a", { href: "/company/" + encodeURIComponent(name) }, name);
}

async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(problem(body, response.status));
  return body;
}

// A JSON POST (the corrections); the token goes along as the page's cookie.
async function postJSON(path, payload) {
  const response = await fetch(path, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(payload || {}),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(problem(body, response.status));
  return body;
}

// What the API said went wrong: its message, or each invalid field's.
function problem(body, status) {
  if (typeof body.detail === "string") return body.detail;
  if (Array.isArray(body.detail)) {
    return body.detail.map((d) => `${(d.loc || []).filter((p) => p !== "body").join(".") || "request"}: ${d.msg}`).join("; ");
  }
  return `HTTP ${status}`;
}

const toTime = (isoDate) => Date.parse(isoDate.slice(0, 10) + "T00:00:00Z");
const money = (n) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", notation: "compact" }).format(n);
const number = (n) => new Intl.NumberFormat("en-US").format(n);

// date -> x over [left, right], spanning the events' dates padded by a month on each side.
function timeScale(events, left, right) {
  const times = events.map((e) => toTime(e.date));
  const start = Math.min(...times) - 31 * DAY;
  const end = Math.max(...times) + 31 * DAY;
  const x = (isoDate) => left + ((toTime(isoDate) - start) / (end - start)) * (right - left);
  return { x, start, end, left, right };
}

// Month gridlines with labels (every 1, 3, 6 or 12 months, to fit) from y=top to y=bottom.
function drawAxis(svg, scale, top, bottom, labels) {
  const months = (scale.end - scale.start) / (30 * DAY);
  const step = [1, 3, 6, 12].find((s) => ((scale.right - scale.left) / months) * s >= 60) || 12;
  const day = new Date(scale.start);
  day.setUTCDate(1);
  day.setUTCMonth(Math.ceil((day.getUTCMonth() + 1) / step) * step); // first aligned month after start
  for (; day.getTime() <= scale.end; day.setUTCMonth(day.getUTCMonth() + step)) {
    const x = scale.x(day.toISOString());
    svg.append(svgEl("line", { class: "grid", x1: x, x2: x, y1: top, y2: bottom }));
    if (labels && x + 60 < scale.right + 30) {
      const text = day.toLocaleDateString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });
      svg.append(svgEl("text", { class: "tick", x: x + 3, y: top - 6 }, text));
    }
  }
}

// One clickable circle for an event (an event with several parties gets one per lane, same id).
function eventMark(event, cx, cy) {
  const mark = svgEl("circle", {
    class: `mark t-${event.type}${event.id === picked ? " selected" : ""}`,
    cx, cy,
    r: radius(event),
    tabindex: 0,
    role: "button",
    "data-testid": "event",
    "data-event-id": event.id,
  }, svgEl("title", {}, `${event.date} · ${event.title}`));
  mark.addEventListener("click", () => openEvent(event));
  mark.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openEvent(event); }
  });
  return mark;
}

// Lanes ({name, label?, events}) under an axis; a lane with a name links to its company page. An event
// with several parties has a mark in each of their lanes, joined by a line. An event too close to the
// one before is moved right, so that no mark or joining line hides another (the tooltip has the date).
// `spread: "fit"` moves marks apart only when the moved marks still fit on the axis (with hundreds of
// events on a long axis, spreading would push the newest off its end: they are drawn at their date).
function drawLanes(svg, lanes, scale, { top = 28, labels = true, spread = true } = {}) {
  const height = top + lanes.length * LANE + 6;
  const width = scale.right + 30;
  svg.replaceChildren();
  build(svg, { width, height, viewBox: `0 0 ${width} ${height}` }, []);
  drawAxis(svg, scale, top, height, labels);
  const marks = new Map(); // event id -> {event, x, ys: the y of each of its lanes}
  lanes.forEach((lane, i) => {
    const y = top + i * LANE + LANE / 2;
    svg.append(svgEl("line", { class: "lane", x1: scale.left, x2: scale.right, y1: y, y2: y }));
    const caption = svgEl("text", { class: "lane-name", x: 8, y: y + 4 }, lane.label ?? lane.name);
    svg.append(lane.name ? svgEl("a", { href: "/company/" + encodeURIComponent(lane.name) }, caption) : caption);
    for (const event of lane.events) {
      if (!marks.has(event.id)) marks.set(event.id, { event, ys: [] });
      marks.get(event.id).ys.push(y);
    }
  });
  const placed = [...marks.values()].sort((a, b) => a.event.date.localeCompare(b.event.date));
  let last = { x: -Infinity, r: 0 };
  for (const mark of placed) {
    mark.r = radius(mark.event);
    mark.x = Math.max(scale.x(mark.event.date), last.x + last.r + mark.r + 3);
    last = mark;
  }
  if (spread !== true && placed.length && (!spread || placed.at(-1).x > scale.right)) {
    for (const mark of placed) mark.x = scale.x(mark.event.date);
  }
  for (const { x, ys } of placed) {
    if (ys.length > 1) svg.append(svgEl("line", { class: "link", x1: x, x2: x, y1: Math.min(...ys), y2: Math.max(...ys) }));
  }
  for (const { event, x, ys } of placed) for (const y of ys) svg.append(eventMark(event, x, y));
}

// Highlight an event's marks and show it in the detail panel; the company page's events lack who
// judged their impact, so then their full record is fetched from /api/events/{id}.
function openEvent(event) {
  picked = event.id;
  for (const node of document.querySelectorAll(".selected")) node.classList.remove("selected");
  for (const mark of document.querySelectorAll(`[data-event-id="${CSS.escape(event.id)}"]`)) mark.classList.add("selected");
  showDetail(event);
  if (event.judged_by !== undefined) return;
  getJSON("/api/events/" + encodeURIComponent(event.id))
    .then((full) => picked === full.id && showDetail(full))
    .catch(() => {}); // keep what the page already had
}

// The detail panel: an event's facts (those an analyst edited marked), then the correction controls
// (with the token only), then each source (a link only for http(s) URLs) and its evidence.
function showDetail(event, message) {
  const edited = new Set(event.analyst?.edited || []);
  const facts = [
    ["Type", event.type],
    ["Status", event.status.replace("_", " ")],
    ["Date", event.date],
    ["Parties", event.parties.flatMap((p, i) => [
      ...(i ? [", "] : []),
      companyLink(p),
      ...(event.roles && event.roles[p] ? [` (${event.roles[p]})`] : []),
    ])],
    ["Amount", event.amount_usd != null ? money(event.amount_usd) : null],
    ["Capacity", event.capacity_mw != null ? `${number(event.capacity_mw)} MW` : null],
    ["GPUs", event.gpus != null ? number(event.gpus) : null],
    ["Duration", event.duration_years != null ? `${event.duration_years} years` : null],
    ["Impact", event.impact.level ? `${event.impact.level} (confidence ${event.impact.score ?? "–"})` : "not rated"],
    ["Themes", event.impact.themes.join(", ") || null],
    ["Judged by", event.judged_by],
    ["Id", event.id],
  ].filter(([, value]) => value !== null && value !== undefined);
  const sources = event.sources.map((source) => {
    const href = safeUrl(source.url);
    const title = source.title || source.url;
    return el("li", { "data-testid": "source" },
      href ? el("a", { href, rel: "noopener noreferrer", target: "_blank" }, title) : el("span", {}, title),
      el("div", { class: "muted" }, source.published ? `published ${source.published.slice(0, 10)}` : "no date"),
      el("blockquote", { "data-testid": "evidence" }, source.evidence));
  });
  const panel = document.querySelector("[data-testid=detail]");
  const close = el("button", { type: "button", class: "close", "aria-label": "close" }, "×");
  close.addEventListener("click", () => {
    picked = null;
    panel.replaceChildren(el("p", { class: "muted" }, "Click an event to see its facts and sources."));
    for (const node of document.querySelectorAll(".selected")) node.classList.remove("selected");
  });
  const tag = (name) => (edited.has(FACT_FIELDS[name]) ? [" ", el("span", { class: "tag", "data-testid": "edited-fact" }, "edited")] : []);
  const controls = el("section", { class: "corrections", "data-testid": "corrections", hidden: "" });
  panel.replaceChildren(
    close,
    el("h2", {}, event.title, ...(edited.has("title") ? [" ", el("span", { class: "tag", "data-testid": "edited-fact" }, "edited")] : [])),
    ...(event.analyst ? [el("p", { class: "analyst", "data-testid": "analyst-edited" }, analystText(event.analyst))] : []),
    el("dl", {}, ...facts.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, ...[value].flat(), ...tag(name))])),
    controls,
    el("h3", {}, `${event.sources.length} source${event.sources.length === 1 ? "" : "s"}`),
    el("ol", { class: "sources" }, ...sources));
  session.then((me) => {
    if (me.corrections && panel.contains(controls)) fillCorrections(controls, event, me.analyst, message);
  });
}

// ---------------------------------------------------------------------------------------------
// Analyst corrections in the detail panel: dismiss, edit facts, merge into another event, split a
// source off, undo. Shown only when the app has a token (every request then carries it, so a page
// that loaded has it); each is a POST of JSON to /api/events/{id}/<action>, which records who and why.
// ---------------------------------------------------------------------------------------------

const session = getJSON("/api/session").catch(() => ({ corrections: false })); // {corrections, analyst}
let afterCorrection = () => {}; // each page reloads its events after a correction
const FACT_FIELDS = { Type: "type", Status: "status", Date: "date", Parties: "parties", Amount: "amount_usd",
  Capacity: "capacity_mw", GPUs: "gpus", Duration: "duration_years" };
const FIGURE_FIELDS = [["amount_usd", "Amount (USD)", "38e9, $38B"], ["capacity_mw", "Capacity (MW)", ""],
  ["gpus", "GPUs", ""], ["duration_years", "Duration (years)", ""]];
const SCALE = { k: 1e3, m: 1e6, b: 1e9, bn: 1e9, t: 1e12 };
const FIELD_NAMES = { amount_usd: "amount", capacity_mw: "capacity", gpus: "GPUs", duration_years: "duration" };
const fieldNames = (names) => names.map((n) => FIELD_NAMES[n] || n).join(", ");

function analystText(analyst) {
  const parts = [];
  if (analyst.dismissed) parts.push("dismissed (hidden from the timeline)");
  if (analyst.edited?.length) parts.push(`edited ${fieldNames(analyst.edited)}`);
  if (analyst.merged_from?.length) parts.push(`merged from ${analyst.merged_from.join(", ")}`);
  if (analyst.split_from) parts.push(`split from ${analyst.split_from}`);
  return `Analyst-edited: ${parts.join("; ") || "corrected"}`;
}

// A figure as typed: 38e9, 38,000,000,000, $38B, 1.2k; "" is no figure (null); NaN if unreadable.
function parseFigure(text) {
  const t = text.trim().replace(/[$,\s]/g, "").toLowerCase();
  if (!t) return null;
  const match = /^([0-9.e+-]+?)(k|m|bn|b|t)?$/.exec(t);
  const value = match ? Number(match[1]) * (SCALE[match[2]] || 1) : NaN;
  return Number.isFinite(value) ? value : NaN;
}

const field = (label, control) => el("label", {}, label, control);
const input = (name, value, attrs) => el("input", { name, value: value ?? "", "data-testid": `edit-${name}`, ...attrs });
function choice(name, options, value) {
  const select = el("select", { name, "data-testid": `edit-${name}` }, ...options.map((o) => el("option", { value: o }, o.replace("_", " "))));
  select.value = value;
  return select;
}

// The controls of `event` in `box`; `message` is what the last correction said.
function fillCorrections(box, event, analyst, message) {
  const dismissed = Boolean(event.analyst?.dismissed);
  const status = el("p", { class: "correction-status", "data-testid": "correction-status", "aria-live": "polite" }, message || "");
  const forms = el("div", {});
  const open = (form) => { forms.replaceChildren(form); status.textContent = ""; form.querySelector("input, select, button[type=submit]")?.focus(); };
  const button = (label, testid, make) => {
    const b = el("button", { type: "button", "data-testid": testid }, label);
    b.addEventListener("click", () => open(make()));
    return b;
  };
  // A small form: its fields, a note (kept with the correction; undo takes none), the submit button;
  // `payload()` -> the JSON to POST to /api/events/{target}/{action} (or throws what is wrong).
  const form = (testid, submit, fields, action, payload, target = event.id) => {
    const note = action === "undo" ? null : el("input", { name: "note", "data-testid": "correction-note", placeholder: "why (optional)", maxlength: 2000 });
    const cancel = el("button", { type: "button" }, "Cancel");
    const f = el("form", { class: "correction-form", "data-testid": testid }, ...fields, note && field("Note", note),
      el("div", { class: "actions" }, el("button", { type: "submit", "data-testid": "correction-submit" }, submit), cancel));
    cancel.addEventListener("click", () => forms.replaceChildren());
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      let body;
      try {
        body = payload(f);
      } catch (error) {
        status.textContent = error.message;
        status.classList.add("error");
        return;
      }
      if (note?.value.trim()) body.note = note.value.trim();
      for (const b of box.querySelectorAll("button")) b.disabled = true;
      status.classList.remove("error");
      status.textContent = "saving…";
      try {
        const answer = await postJSON(`/api/events/${encodeURIComponent(target)}/${action}`, body);
        corrected(answer, action);
      } catch (error) {
        for (const b of box.querySelectorAll("button")) b.disabled = false;
        status.classList.add("error");
        status.textContent = `Not saved: ${error.message}`;
      }
    });
    return f;
  };
  const corrected = (answer, action) => {
    const said = {
      dismiss: "Dismissed: hidden from the timeline until undone.",
      edit: `Saved. Edited now: ${fieldNames(Object.keys(answer.edits || {}))}.`,
      merge: `Merged into ${answer.merged_into}.`,
      split: `Split off into ${answer.new_event_id}.`,
      undo: `Undone: ${(answer.undone || []).join("; ")}.`,
    }[action];
    afterCorrection();
    if (answer.event) {
      picked = answer.event.id;
      showDetail(answer.event, said);
    } else {
      picked = null;
      document.querySelector("[data-testid=detail]").replaceChildren(
        el("p", { "data-testid": "correction-status" }, `${said} The event is gone: its source went back to the event it was split from.`));
    }
  };

  const dismiss = () => form("dismiss-form", "Dismiss event", [el("p", { class: "muted" }, "Hide this event everywhere (Undo brings it back).")], "dismiss", () => ({}));
  const edit = () => {
    const figures = FIGURE_FIELDS.map(([name, label, hint]) => field(label, input(name, event[name], { inputmode: "decimal", placeholder: hint })));
    return form("edit-form", "Save edits", [
      field("Title", input("title", event.title, { maxlength: 500 })),
      field("Type", choice("type", ["partnership", "capacity", "pricing"], event.type)),
      field("Status", choice("status", ["announced", "reported", "in_talks"], event.status)),
      field("Date", input("date", event.date, { type: "date", required: "" })),
      field("Parties (comma-separated, any alias)", input("parties", event.parties.join(", "))),
      ...figures,
    ], "edit", (f) => {
      const value = (name) => f.elements[name].value.trim();
      const body = {};
      if (value("title") && value("title") !== event.title) body.title = value("title");
      for (const name of ["type", "status", "date"]) if (value(name) && value(name) !== event[name]) body[name] = value(name);
      const parties = value("parties").split(",").map((p) => p.trim()).filter(Boolean);
      if (parties.join("\n") !== event.parties.join("\n")) body.parties = parties;
      for (const [name, label] of FIGURE_FIELDS) {
        const figure = parseFigure(value(name));
        if (Number.isNaN(figure)) throw new Error(`${label}: "${value(name)}" is not a number`);
        if (figure !== (event[name] ?? null)) body[name] = name === "gpus" && figure !== null ? Math.round(figure) : figure;
      }
      if (!Object.keys(body).length) throw new Error("Nothing changed.");
      return body;
    });
  };
  const merge = () => form("merge-form", "Merge", [
    el("p", { class: "muted" }, "Show this event as part of another: one event with both events' sources."),
    field("Into event id", el("input", { name: "into", "data-testid": "merge-into", required: "", maxlength: 64, placeholder: "2025-11-03-partnership-…" })),
  ], "merge", (f) => ({ into: f.elements.into.value.trim() }));
  const split = () => form("split-form", "Split off", [
    el("p", { class: "muted" }, "Move one source to a new event of its own."),
    field("Source", el("select", { name: "source", "data-testid": "split-source" },
      ...event.sources.map((s) => el("option", { value: s.url }, s.title || s.url)))),
  ], "split", (f) => ({ source: f.elements.source.value }));
  const undo = () => form("undo-form", "Undo corrections", [
    el("p", { class: "muted" }, event.analyst?.split_from
      ? `Put this event's source back into ${event.analyst.split_from} (this event goes away).`
      : "Remove every correction of this event (dismissal, edits, splits): it is what its sources say again."),
  ], "undo", () => ({}));
  // An event merged into this one: undoing its corrections shows it on its own again.
  const unmerge = (id) => () => form("unmerge-form", "Unmerge", [
    el("p", { class: "muted" }, `Show ${id} on its own again (every correction of it is undone).`),
  ], "undo", () => ({}), id);

  const buttons = dismissed ? [] : [
    button("Dismiss", "correct-dismiss", dismiss),
    button("Edit facts", "correct-edit", edit),
    button("Merge into…", "correct-merge", merge),
    event.sources.length > 1 ? button("Split a source off", "correct-split", split) : null,
  ];
  const own = event.analyst && (event.analyst.dismissed || event.analyst.edited.length || event.analyst.split_from);
  if (own) buttons.push(button("Undo", "correct-undo", undo));
  for (const id of event.analyst?.merged_from || []) buttons.push(button(`Unmerge ${id}`, "correct-unmerge", unmerge(id)));
  box.replaceChildren(
    el("h3", {}, "Correct this event ", el("span", { class: "muted" }, `as ${analyst}`)),
    el("div", { class: "correction-buttons" }, ...buttons),
    forms,
    status);
  box.hidden = false;
}

// Redraw on resize (the charts fill their container's width).
function onResize(redraw) {
  let timer;
  window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(redraw, 150); });
}

// ---------------------------------------------------------------------------------------------
// 2. Timeline page: filters and search -> /api/events, newest first, page after page -> a time axis
//    with lanes (brush to zoom) and a sortable table of the same events; downloads of what is shown
// ---------------------------------------------------------------------------------------------

const FILTERS = ["type", "status", "since", "until", "min_impact", "q"]; // sent as they are; plus company
const PAGE = 1000; // events per request (the API's largest page)
// pages fetched without asking (5,000 events); then "load older events" asks (a test sets fewer)
const AUTO_PAGES = Number(window.cloudintelAutoPages) || 5;
const MIN_ZOOM = 7 * DAY; // the narrowest window a brush selects
const LEVEL_RANK = { low: 0, medium: 1, high: 2 };
const COLUMNS = [
  // key, heading, the direction of the first click
  ["date", "Date", "desc"],
  ["title", "Title", "asc"],
  ["parties", "Parties", "asc"],
  ["type", "Type", "asc"],
  ["status", "Status", "asc"],
  ["impact", "Impact", "desc"],
  ["amount", "Amount", "desc"],
];
const view = {
  loaded: [], // the events fetched so far for the current filters, newest first
  ids: new Set(),
  total: 0,
  params: "", // the query they answer
  loading: false,
  error: null,
  zoom: null, // {start, end} in ms (whole days, both included), or null: everything loaded
  sort: { key: "date", dir: "desc" },
};
let latest = 0; // the newest request; older answers are dropped

const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
const plural = (n, word) => `${number(n)} ${word}${n === 1 ? "" : "s"}`;

// The /api/events query of the form (typed names, comma-separated, add to the selected company).
function query(form) {
  const field = (name) => form.elements[name].value.trim();
  const params = new URLSearchParams();
  for (const name of [field("company"), ...field("company_text").split(",")]) {
    if (name.trim()) params.append("company", name.trim());
  }
  for (const name of FILTERS) if (field(name)) params.set(name, field(name));
  return params;
}

// Fetch the filters' events newest first, a page at a time, drawing after each page; after
// AUTO_PAGES pages the rest waits for "load older events" (every event stays reachable).
async function refresh(form, { force = false } = {}) {
  const params = query(form);
  const key = params.toString();
  if (!force && key === view.params && (view.loading || !view.error)) return; // a change event repeating the last query
  history.replaceState(null, "", key ? "?" + key : location.pathname); // shareable view
  const request = ++latest;
  Object.assign(view, { loaded: [], ids: new Set(), total: 0, params: key, loading: true, error: null });
  await loadPages(request, AUTO_PAGES);
}

async function loadPages(request, pages) {
  view.loading = true;
  showStatus();
  try {
    for (let n = 0; n < pages && (n === 0 || view.loaded.length < view.total); n++) {
      const sep = view.params ? "&" : "";
      const page = await getJSON(`/api/events?${view.params}${sep}order=desc&limit=${PAGE}&offset=${view.loaded.length}`);
      if (request !== latest) return;
      view.total = page.total;
      for (const event of page.items) {
        if (!view.ids.has(event.id)) { view.ids.add(event.id); view.loaded.push(event); } // an event stored meanwhile shifts pages
      }
      render();
      if (!page.items.length) break;
    }
  } catch (error) {
    if (request !== latest) return;
    view.error = error.message;
    if (!view.loaded.length) render();
  }
  view.loading = false;
  showStatus();
}

// The count (all matching events), and how many are loaded when not all of them are.
function showStatus() {
  const count = $("event-count");
  const more = $("load-more");
  const remaining = view.total - view.loaded.length;
  if (view.error && !view.loaded.length) {
    count.textContent = `No events: ${view.error}`;
  } else if (remaining > 0 && view.loading) {
    count.textContent = `${plural(view.total, "event")} (loading, ${number(view.loaded.length)} so far)`;
  } else if (remaining > 0) {
    count.textContent = `${plural(view.total, "event")} (the newest ${number(view.loaded.length)} loaded)`;
  } else {
    count.textContent = view.loading && !view.total ? "loading…" : plural(view.total, "event");
  }
  more.hidden = view.loading || remaining <= 0;
  more.textContent = `Load older events (${number(Math.min(PAGE, remaining))} of ${number(remaining)} more)`;
  $("load-error").textContent = view.error && view.loaded.length ? `Loading stopped: ${view.error}` : "";
}

// The events on screen: the loaded ones inside the zoom window (onScreen: in the table's order).
function windowed() {
  if (!view.zoom) return view.loaded;
  return view.loaded.filter((e) => { const t = toTime(e.date); return t >= view.zoom.start && t <= view.zoom.end; });
}
const onScreen = () => sortEvents(windowed(), view.sort);

function render() {
  drawOverview();
  drawTimeline();
  drawTable();
}

// The axis of the lanes: the zoom window, or the loaded events' dates padded by a month.
function mainScale(events, left, right) {
  if (!view.zoom) return timeScale(events, left, right);
  const { start, end } = view.zoom;
  const stop = end + DAY; // the last day is included
  return { x: (isoDate) => left + ((toTime(isoDate) - start) / (stop - start)) * (right - left), start, end: stop, left, right };
}

// One lane per party, busiest first; an event appears in the lane of each of its parties.
function drawTimeline() {
  const svg = $("timeline");
  const events = windowed();
  const range = $("visible-range");
  $("zoom-reset").disabled = !view.zoom;
  if (!events.length) {
    svg.replaceChildren();
    build(svg, { width: 0, height: 0 }, []);
    svg.removeAttribute("data-start");
    svg.removeAttribute("data-end");
    range.textContent = view.zoom && view.loaded.length
      ? `No events between ${iso(view.zoom.start)} and ${iso(view.zoom.end)}: reset the zoom` : "";
    return;
  }
  const lanes = new Map();
  for (const event of events) {
    for (const party of event.parties) {
      if (!lanes.has(party)) lanes.set(party, { name: party, events: [] });
      lanes.get(party).events.push(event);
    }
  }
  const ordered = [...lanes.values()].sort((a, b) => b.events.length - a.events.length || a.name.localeCompare(b.name));
  const width = Math.max(svg.parentElement.clientWidth - 20, GUTTER + 300);
  const scale = mainScale(events, GUTTER, width - 30);
  drawLanes(svg, ordered, scale, { spread: "fit" });
  // Where the axis starts and ends (the tests read these), and what the view holds.
  svg.setAttribute("data-start", iso(scale.start));
  svg.setAttribute("data-end", iso(scale.end - (view.zoom ? DAY : 0)));
  const dates = events.map((e) => e.date).sort();
  range.textContent = (view.zoom ? `Zoomed to ${iso(view.zoom.start)} – ${iso(view.zoom.end)}: ` : "") +
    `${plural(events.length, "event")} from ${dates[0]} to ${dates.at(-1)}`;
}

// The overview strip: every loaded event per month over their whole span, the zoom window on it.
function drawOverview() {
  const svg = $("brush");
  const chart = $("timeline").parentElement;
  const width = Math.max(chart.clientWidth - 20, GUTTER + 300);
  const height = 54;
  svg.replaceChildren();
  build(svg, { width, height, viewBox: `0 0 ${width} ${height}` }, []);
  svg.overviewScale = null;
  if (!view.loaded.length) return;
  const scale = timeScale(view.loaded, GUTTER, width - 30);
  svg.overviewScale = scale;
  const bins = new Map();
  for (const event of view.loaded) {
    const month = event.date.slice(0, 7);
    bins.set(month, (bins.get(month) || 0) + 1);
  }
  const most = Math.max(...bins.values());
  const bottom = height - 4;
  drawAxis(svg, scale, 16, bottom, true);
  for (const [month, n] of bins) {
    const x = scale.x(month + "-01");
    const next = new Date(Date.parse(month + "-01T00:00:00Z"));
    next.setUTCMonth(next.getUTCMonth() + 1);
    const w = Math.max(scale.x(next.toISOString()) - x - 1, 1);
    const h = Math.max((n / most) * (bottom - 18), 1);
    svg.append(svgEl("rect", { class: "bin", x, y: bottom - h, width: w, height: h },
      svgEl("title", {}, `${month}: ${plural(n, "event")}`)));
  }
  svg.append(svgEl("text", { class: "lane-name", x: 8, y: 34 }, "all loaded events"));
  svg.append(svgEl("text", { class: "tick", x: 8, y: 48 }, "drag to zoom"));
  if (view.zoom) {
    const x1 = Math.max(scale.x(iso(view.zoom.start)), scale.left);
    const x2 = Math.min(scale.x(iso(view.zoom.end + DAY)), scale.right);
    svg.append(svgEl("rect", { class: "zoom-window", "data-testid": "zoom-window", x: x1, y: 16, width: Math.max(x2 - x1, 2), height: bottom - 16 }));
  }
}

// Drag across `svg` to select a time range on the scale `scaleOf()` gives. A drag may start anywhere,
// on a mark too; a click (under 5 px of movement) stays a click.
function brushable(svg, scaleOf) {
  let from = null; // x where the button went down
  let band = null; // the selection being drawn, once the pointer has moved
  const at = (e) => {
    const box = svg.getBoundingClientRect();
    const scale = scaleOf();
    return Math.min(Math.max(e.clientX - box.left, scale.left), scale.right);
  };
  svg.addEventListener("pointerdown", (e) => {
    if (!scaleOf() || e.button !== 0 || e.target.closest("a")) return;
    from = at(e);
  });
  svg.addEventListener("pointermove", (e) => {
    if (from === null) return;
    const to = at(e);
    if (!band) {
      if (Math.abs(to - from) < 5) return;
      svg.setPointerCapture(e.pointerId);
      band = svgEl("rect", { class: "brushing", x: from, y: 0, width: 0, height: svg.getAttribute("height") || 0 });
      svg.append(band);
      window.getSelection()?.removeAllRanges();
    }
    band.setAttribute("x", Math.min(from, to));
    band.setAttribute("width", Math.abs(to - from));
  });
  const finish = (e, apply) => {
    const start = from;
    from = null;
    if (start === null || !band) return;
    band.remove();
    band = null;
    // the click that ends a drag is not a click on what it ends over
    const swallow = (c) => { c.stopPropagation(); c.preventDefault(); };
    svg.addEventListener("click", swallow, { capture: true });
    setTimeout(() => svg.removeEventListener("click", swallow, { capture: true }), 0);
    const to = at(e);
    const scale = scaleOf();
    const [a, b] = [Math.min(start, to), Math.max(start, to)];
    if (!apply) return;
    const time = (x) => scale.start + ((x - scale.left) / (scale.right - scale.left)) * (scale.end - scale.start);
    zoomTo(time(a), time(b));
  };
  svg.addEventListener("pointerup", (e) => finish(e, true));
  svg.addEventListener("pointercancel", (e) => finish(e, false));
}

function zoomTo(startMs, endMs) {
  let start = Math.floor(startMs / DAY) * DAY;
  let end = Math.floor(endMs / DAY) * DAY;
  if (end - start < MIN_ZOOM) {
    const middle = (start + end) / 2;
    start = Math.floor((middle - MIN_ZOOM / 2) / DAY) * DAY;
    end = start + MIN_ZOOM;
  }
  view.zoom = { start, end };
  render();
}

function resetZoom() {
  view.zoom = null;
  render();
}

// ---- the table ----

const size = (v) => (v === null || v === undefined ? null : Number(v));
// Nulls last whatever the direction; `dir` 1 ascending, -1 descending.
function compareNullable(a, b, dir) {
  if (a === null || b === null) return (a === null) - (b === null);
  return a < b ? -dir : a > b ? dir : 0;
}
const order = (a, b) => (a < b ? -1 : a > b ? 1 : 0); // code points, as the database compares ids
const byDate = (a, b) => order(a.date, b.date) || order(a.id, b.id);
const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });
// Most important first, as the API's order=impact: level, then dollars, megawatts, GPUs, then newest.
function byImportance(a, b) {
  const la = LEVEL_RANK[a.impact.level] ?? null;
  const lb = LEVEL_RANK[b.impact.level] ?? null;
  return compareNullable(la, lb, -1) ||
    compareNullable(size(a.amount_usd), size(b.amount_usd), -1) ||
    compareNullable(size(a.capacity_mw), size(b.capacity_mw), -1) ||
    compareNullable(size(a.gpus), size(b.gpus), -1) ||
    order(b.date, a.date) || order(a.id, b.id);
}
const text = {
  title: (e) => e.title,
  parties: (e) => e.parties.join(", "),
  type: (e) => e.type,
  status: (e) => e.status,
};

function sortEvents(events, { key, dir }) {
  const sign = dir === "asc" ? 1 : -1;
  let compare;
  if (key === "date") compare = (a, b) => sign * byDate(a, b);
  else if (key === "impact") compare = dir === "desc" ? byImportance : (a, b) => {
    const unrated = (a.impact.level in LEVEL_RANK ? 0 : 1) - (b.impact.level in LEVEL_RANK ? 0 : 1);
    return unrated || -byImportance(a, b); // least important first, the unrated still last
  };
  else if (key === "amount") compare = (a, b) => compareNullable(size(a.amount_usd), size(b.amount_usd), sign) || byDate(b, a);
  else compare = (a, b) => sign * collator.compare(text[key](a), text[key](b)) || byDate(b, a);
  return [...events].sort(compare);
}

function impactText(event) {
  const { level, score } = event.impact;
  if (!level) return "not rated";
  const who = event.judged_by === "analyst" ? ", by an analyst" : "";
  return `${level} (confidence ${score ?? "–"}${who})`;
}

function row(event) {
  const tr = el("tr", {
    "data-testid": "event-row",
    "data-event-id": event.id,
    tabindex: 0,
    class: event.id === picked ? "selected" : null,
  },
  el("td", { class: "nowrap" }, event.date),
  el("td", {}, event.title, event.analyst ? el("span", { class: "tag", "data-testid": "analyst-tag", title: analystText(event.analyst) }, "analyst") : null),
  el("td", {}, event.parties.join(", ")),
  el("td", { class: "nowrap" }, el("span", { class: `swatch t-${event.type}` }), " ", event.type),
  el("td", { class: "nowrap" }, event.status.replace("_", " ")),
  el("td", { class: "nowrap" }, impactText(event)),
  el("td", { class: "num" }, event.amount_usd != null ? money(event.amount_usd) : ""));
  return tr;
}

// The table holds every event on screen; its rows are added ROWS at a time as it is scrolled (a
// sort, search or zoom of 5,000 events then costs one sort and ROWS rows, not 5,000).
const ROWS = 200;
let tableRows = []; // the events of the table, in its order
let tableById = new Map();

function drawTable() {
  tableRows = onScreen();
  tableById = new Map(tableRows.map((e) => [e.id, e]));
  const body = $("events-table").tBodies[0];
  body.replaceChildren();
  moreRows();
  $("events-table").parentElement.scrollTop = 0;
  for (const th of $("events-table").tHead.rows[0].cells) {
    const { key } = th.dataset;
    th.setAttribute("aria-sort", key === view.sort.key ? (view.sort.dir === "asc" ? "ascending" : "descending") : "none");
  }
  $("events-table").dataset.rows = tableRows.length;
  $("table-count").textContent = plural(tableRows.length, "row") +
    (view.zoom ? " in the zoomed range" : "") +
    (view.loaded.length < view.total ? ` (of ${number(view.loaded.length)} loaded)` : "");
  for (const name of ["download-csv", "download-json"]) $(name).disabled = !tableRows.length;
}

// The next ROWS rows, while the end of the table is in (or near) view.
function moreRows() {
  const body = $("events-table").tBodies[0];
  const scroller = $("events-table").parentElement;
  do {
    const done = body.rows.length;
    if (done >= tableRows.length) return;
    body.append(...tableRows.slice(done, done + ROWS).map(row));
  } while (scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 400);
}

function initTable() {
  const body = $("events-table").tBodies[0];
  const open = (tr) => tr && openEvent(tableById.get(tr.dataset.eventId));
  body.addEventListener("click", (e) => open(e.target.closest("tr")));
  body.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(e.target.closest("tr")); }
  });
  $("events-table").parentElement.addEventListener("scroll", moreRows, { passive: true });
}

function tableHead() {
  const head = $("events-table").tHead.rows[0];
  for (const [key, heading, first] of COLUMNS) {
    const button = el("button", { type: "button", class: "sort", "data-testid": `sort-${key}` }, heading);
    button.addEventListener("click", () => {
      view.sort = view.sort.key === key ? { key, dir: view.sort.dir === "asc" ? "desc" : "asc" } : { key, dir: first };
      drawTable();
    });
    head.append(el("th", { "data-key": key, scope: "col" }, button));
  }
}

// ---- downloads: the rows on screen, built from the loaded JSON ----

const CSV_FIELDS = ["id", "date", "type", "status", "parties", "title", "amount_usd", "capacity_mw", "gpus",
  "duration_years", "impact_level", "impact_score", "themes", "sources", "judged_by", "evidence"];
const FORMULA_START = ["=", "+", "-", "@", "\t", "\r"];
const NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?\s*$|^\s*[+-]?(inf|infinity|nan)\s*$/i;

// A CSV cell a spreadsheet will show, never run (as cloudintel/render.py's `cell`): control and
// separator characters dropped, formula-like text gets a leading quote, then CSV quoting.
function csvCell(value) {
  let t = (value === null || value === undefined ? "" : String(value)).replace(/[\p{C}\p{Z}]/gu, (c) => (c === " " ? c : ""));
  if (FORMULA_START.some((s) => t.startsWith(s)) && !NUMBER.test(t)) t = "'" + t;
  return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
}

function csvOf(events) {
  const rows = events.map((e) => [
    e.id, e.date, e.type, e.status, e.parties.join("; "), e.title, e.amount_usd, e.capacity_mw, e.gpus,
    e.duration_years, e.impact.level, e.impact.score, e.impact.themes.join("; "),
    e.sources.map((s) => s.url).join(" "), e.judged_by, e.sources.map((s) => s.evidence).join(" | "),
  ]);
  return [CSV_FIELDS, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

function download(kind) {
  const events = tableRows;
  const body = kind === "csv" ? csvOf(events) : JSON.stringify(events, null, 2) + "\n";
  const type = kind === "csv" ? "text/csv;charset=utf-8" : "application/json";
  const url = URL.createObjectURL(new Blob([body], { type }));
  const range = view.zoom ? `${iso(view.zoom.start)}_${iso(view.zoom.end)}` : new Date().toISOString().slice(0, 10);
  const link = el("a", { href: url, download: `cloudintel-events-${range}.${kind}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function initTimeline() {
  const form = document.getElementById("filters");
  const url = new URLSearchParams(location.search);
  tableHead();
  initTable();
  try {
    for (const { name, events } of await getJSON("/api/companies")) {
      form.elements.company.append(el("option", { value: name }, `${name} (${events})`));
    }
  } catch (error) {
    form.elements.company.append(el("option", { disabled: "" }, `companies unavailable: ${error.message}`));
  }
  // The filters of the address (?company=..&type=..&q=..): a filtered view can be shared.
  const companies = url.getAll("company");
  const select = form.elements.company;
  if ([...select.options].some((o) => o.value && o.value === companies[0])) select.value = companies.shift();
  form.elements.company_text.value = companies.join(", ");
  for (const name of FILTERS) form.elements[name].value = url.get(name) || "";
  afterCorrection = () => refresh(form, { force: true });
  form.addEventListener("change", () => refresh(form));
  form.addEventListener("submit", (e) => { e.preventDefault(); refresh(form); });
  form.addEventListener("reset", () => { // everything again: no filters, no zoom
    if (view.zoom) resetZoom();
    setTimeout(() => refresh(form));
  });
  let typing;
  form.elements.q.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => refresh(form), 400); });
  $("load-more").addEventListener("click", () => loadPages(latest, 1));
  $("zoom-reset").addEventListener("click", resetZoom);
  $("download-csv").addEventListener("click", () => download("csv"));
  $("download-json").addEventListener("click", () => download("json"));
  brushable($("brush"), () => $("brush").overviewScale);
  brushable($("timeline"), () => {
    const svg = $("timeline");
    const events = windowed();
    if (!events.length) return null;
    const width = Number(svg.getAttribute("width"));
    return mainScale(events, GUTTER, width - 30);
  });
  $("brush").addEventListener("dblclick", resetZoom);
  onResize(() => { drawOverview(); drawTimeline(); });
  await refresh(form, { force: true });
}

if (document.body.dataset.page === "timeline") initTimeline();
