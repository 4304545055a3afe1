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
  if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : `HTTP ${response.status}`);
  return body;
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
function drawLanes(svg, lanes, scale, { top = 28, labels = true } = {}) {
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

// The detail panel: an event's facts, then each source (a link only for http(s) URLs) and its evidence.
function showDetail(event) {
  const facts = [
    ["Type", event.type],
    ["Status", event.status.replace("_", " ")],
    ["Date", event.date],
    ["Parties", event.parties.flatMap((p, i) => (i ? [", ", companyLink(p)] : [companyLink(p)]))],
    ["Amount", event.amount_usd != null ? money(event.amount_usd) : null],
    ["Capacity", event.capacity_mw != null ? `${number(event.capacity_mw)} MW` : null],
    ["GPUs", event.gpus != null ? number(event.gpus) : null],
    ["Duration", event.duration_years != null ? `${event.duration_years} years` : null],
    ["Impact", event.impact.level ? `${event.impact.level} (score ${event.impact.score ?? "–"})` : "not rated"],
    ["Themes", event.impact.themes.join(", ") || null],
    ["Judged by", event.judged_by],
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
  panel.replaceChildren(
    close,
    el("h2", {}, event.title),
    el("dl", {}, ...facts.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, ...[value].flat())])),
    el("h3", {}, `${event.sources.length} source${event.sources.length === 1 ? "" : "s"}`),
    el("ol", { class: "sources" }, ...sources));
}

// Redraw on resize (the charts fill their container's width).
function onResize(redraw) {
  let timer;
  window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(redraw, 150); });
}

// ---------------------------------------------------------------------------------------------
// 2. Timeline page: filters -> /api/events -> one lane per company
// ---------------------------------------------------------------------------------------------

const FILTERS = ["type", "status", "since", "until", "min_impact"]; // sent as they are; plus company
let shown = []; // events drawn now
let latest = 0; // the newest request; older answers are dropped

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

async function refresh(form) {
  const params = query(form);
  history.replaceState(null, "", params.size ? "?" + params : location.pathname); // shareable view
  const request = ++latest;
  const count = document.querySelector("[data-testid=event-count]");
  try {
    const page = await getJSON(`/api/events?${params}&limit=1000`);
    if (request !== latest) return;
    shown = page.items;
    count.textContent = `${page.total} event${page.total === 1 ? "" : "s"}` +
      (page.items.length < page.total ? ` (showing the first ${page.items.length})` : "");
  } catch (error) {
    if (request !== latest) return;
    shown = [];
    count.textContent = `No events: ${error.message}`;
  }
  drawTimeline();
}

// One lane per party, busiest first; an event appears in the lane of each of its parties.
function drawTimeline() {
  const svg = document.querySelector("[data-testid=timeline]");
  if (!shown.length) {
    svg.replaceChildren();
    build(svg, { width: 0, height: 0 }, []);
    return;
  }
  const lanes = new Map();
  for (const event of shown) {
    for (const party of event.parties) {
      if (!lanes.has(party)) lanes.set(party, { name: party, events: [] });
      lanes.get(party).events.push(event);
    }
  }
  const ordered = [...lanes.values()].sort((a, b) => b.events.length - a.events.length || a.name.localeCompare(b.name));
  const width = Math.max(svg.parentElement.clientWidth - 20, GUTTER + 300);
  drawLanes(svg, ordered, timeScale(shown, GUTTER, width));
}

async function initTimeline() {
  const form = document.getElementById("filters");
  const url = new URLSearchParams(location.search);
  try {
    for (const { name, events } of await getJSON("/api/companies")) {
      form.elements.company.append(el("option", { value: name }, `${name} (${events})`));
    }
  } catch (error) {
    form.elements.company.append(el("option", { disabled: "" }, `companies unavailable: ${error.message}`));
  }
  // The filters of the address (?company=..&type=..): a filtered view can be shared.
  const companies = url.getAll("company");
  const select = form.elements.company;
  if ([...select.options].some((o) => o.value && o.value === companies[0])) select.value = companies.shift();
  form.elements.company_text.value = companies.join(", ");
  for (const name of FILTERS) form.elements[name].value = url.get(name) || "";
  form.addEventListener("change", () => refresh(form));
  form.addEventListener("submit", (e) => { e.preventDefault(); refresh(form); });
  form.addEventListener("reset", () => setTimeout(() => refresh(form)));
  onResize(drawTimeline);
  await refresh(form);
}

if (document.body.dataset.page === "timeline") initTimeline();
