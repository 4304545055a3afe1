"use strict";
// Company page (/company/<name>): one row per counterparty, the events between them on a shared
// time axis with their titles, then the company's own capacity/pricing events. Uses app.js's helpers.

async function initCompany(again = false) {
  const heading = document.querySelector("[data-testid=company-name]");
  const rows = document.getElementById("rows");
  const asked = decodeURIComponent(location.pathname.slice("/company/".length));
  let data;
  try {
    data = await getJSON("/api/companies/" + encodeURIComponent(asked));
  } catch (error) {
    heading.textContent = asked;
    rows.replaceChildren(el("p", { class: "error" }, error.message));
    return;
  }
  heading.textContent = data.company;
  const [history, states] = await Promise.all([
    getJSON(`/api/companies/${encodeURIComponent(data.company)}/exposure/history`),
    getJSON(`/api/companies/${encodeURIComponent(data.company)}/relationships`),
  ]);
  drawStates(states);
  const stateOf = new Map(states.map((row) => [row.counterparty, row]));
  draw = () => {
    drawExposure(document.getElementById("exposure"), history.points);
    drawCompany(rows, data.counterparties, stateOf);
  };
  draw();
  if (again) return;
  document.title = `cloudintel · ${data.company}`;
  document.getElementById("summary").append(" ", el("a", { href: "/?company=" + encodeURIComponent(data.company) }, "Filter the timeline to it."));
  onResize(() => draw());
  afterCorrection = () => initCompany(true); // an analyst's correction: the company's events again
}
let draw = () => {};

const PALETTE = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777", "#4b5563"];
const label = (state) => state.replaceAll("_", " ");

// Stacked steps of committed dollars by counterparty over time, the HHI as a line on a 0-1 scale.
function drawExposure(box, points) {
  if (!points.some((p) => Object.values(p.amounts_usd).some((v) => v > 0))) {
    box.replaceChildren(el("p", { class: "muted" }, "No committed dollars disclosed yet."));
    return;
  }
  const last = points[points.length - 1];
  const names = Object.keys(last.amounts_usd).filter((n) => points.some((p) => (p.amounts_usd[n] || 0) > 0))
    .sort((a, b) => (last.amounts_usd[b] || 0) - (last.amounts_usd[a] || 0));
  const color = new Map(names.map((n, i) => [n, PALETTE[i % PALETTE.length]]));
  const width = Math.max(box.clientWidth - 20, GUTTER + 300);
  const height = 220, top = 28, bottom = height - 24;
  const ends = [...points, { date: new Date(Date.now()).toISOString().slice(0, 10) }];
  const scale = timeScale(ends, GUTTER, width - 40);
  const peak = Math.max(...points.map((p) => names.reduce((sum, n) => sum + (p.amounts_usd[n] || 0), 0)));
  const y = (dollars) => bottom - (dollars / peak) * (bottom - top);
  const svg = svgEl("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "committed compute over time" });
  drawAxis(svg, scale, top, bottom, true);
  svg.append(svgEl("text", { class: "tick", x: 8, y: top + 4 }, money(peak)), svgEl("text", { class: "tick", x: 8, y: bottom }, "$0"));
  points.forEach((point, i) => {
    const x1 = scale.x(point.date), x2 = scale.x(ends[i + 1].date);
    let base = 0;
    for (const name of names) {
      const value = point.amounts_usd[name] || 0;
      if (value > 0) {
        svg.append(svgEl("rect", { class: "stack", fill: color.get(name), x: x1, width: Math.max(x2 - x1, 1), y: y(base + value), height: y(base) - y(base + value), "data-counterparty": name, "data-date": point.date, "data-usd": value },
          svgEl("title", {}, `${name}: ${money(value)} from ${point.date}`)));
      }
      base += value;
    }
  });
  const hhi = points.filter((p) => p.hhi !== null);
  const hy = (v) => bottom - v * (bottom - top);
  svg.append(svgEl("polyline", { class: "hhi", "data-testid": "hhi-line", "data-values": hhi.map((p) => p.hhi).join(" "),
    points: hhi.flatMap((p, i) => [`${scale.x(p.date)},${hy(p.hhi)}`, `${scale.x((hhi[i + 1] || ends[ends.length - 1]).date)},${hy(p.hhi)}`]).join(" ") }));
  svg.append(svgEl("text", { class: "tick", x: width - 36, y: hy(1) + 4 }, "HHI 1"));
  const legend = el("p", { class: "legend" }, ...names.map((n) => el("span", { "data-testid": "exposure-legend" },
    svgEl("svg", { width: 14, height: 14 }, svgEl("rect", { width: 12, height: 12, fill: color.get(n) })), n)));
  box.replaceChildren(svg, legend);
}

// One row per relationship: its state, since when, and the events that changed it.
function drawStates(states) {
  const body = document.querySelector("[data-testid=relationships] tbody");
  body.replaceChildren(...states.map((row) => el("tr", { "data-testid": "relationship", "data-name": row.counterparty, "data-state": row.state },
    el("td", {}, companyLink(row.counterparty)),
    el("td", {}, el("span", { class: `state s-${row.state}` }, label(row.state))),
    el("td", {}, row.since),
    el("td", {}, el("ol", { class: "transitions" }, ...row.events.filter((e) => new Set(e.transition.split(" -> ")).size === 2)
      .map((e) => el("li", { "data-event-id": e.id }, `${e.date}: ${e.transition.replace(" -> ", " → ").replaceAll("_", " ")}`)))))));
}

function drawCompany(rows, counterparties, stateOf) {
  const all = counterparties.flatMap((group) => group.events);
  if (!all.length) {
    rows.replaceChildren(el("p", { class: "muted" }, "No events yet."));
    return;
  }
  const scale = timeScale(all, GUTTER, Math.max(rows.clientWidth - 20, GUTTER + 300));
  const axis = svgEl("svg", { class: "axis" });
  drawLanes(axis, [], scale); // labels only
  rows.replaceChildren(axis, ...counterparties.map((group) => {
    const strip = svgEl("svg", { role: "img", "aria-label": `events with ${group.name || "no counterparty"}` });
    drawLanes(strip, [{ name: group.name, label: group.name || "own capacity & pricing", events: group.events }], scale, { top: 2, labels: false });
    const titles = group.events.map((event) => {
      const button = el("button", { type: "button", class: "title-button", "data-event-id": event.id },
        el("span", { class: `swatch t-${event.type}` }), `${event.date} · ${event.title}`);
      button.addEventListener("click", () => openEvent(event));
      return el("li", {}, button);
    });
    const state = stateOf.get(group.name);
    return el("section", { class: "counterparty", "data-testid": "counterparty", "data-name": group.name, "data-state": state?.state },
      strip, state ? el("p", { class: "titles" }, el("span", { class: `state s-${state.state}` }, label(state.state)), ` since ${state.since}`) : null,
      el("ol", { class: "titles" }, ...titles));
  }));
}

initCompany();
