// The API's interactive docs, from the app's own copy of Swagger UI (no CDN; see cloudintel/web/app.py).
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
});
