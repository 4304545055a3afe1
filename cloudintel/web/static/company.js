"use strict";
// Company page (/company/<name>): one row per counterparty, the events between them on a shared
// time axis with their titles, then the company's own capacity/pricing events. Uses app.js's helpers.

async function initCompany() {
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
  document.title = `cloudintel · ${data.company}`;
  document.getElementById("summary").append(" ", el("a", { href: "/?company=" + encodeURIComponent(data.company) }, "Filter the timeline to it."));
  const draw = () => drawCompany(rows, data.counterparties);
  onResize(draw);
  draw();
}

function drawCompany(rows, counterparties) {
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
    return el("section", { class: "counterparty", "data-testid": "counterparty", "data-name": group.name },
      strip, el("ol", { class: "titles" }, ...titles));
  }));
}

initCompany();
