// Starts Swagger UI on a service's API docs page (/<service>/docs). A static file, not an
// inline script, so the page works under the Content-Security-Policy "script-src 'self'".
// The page names the OpenAPI document in data-openapi-url; nothing leaves this origin
// (no validator badge, no remote configuration).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    configUrl: null,
    queryConfigEnabled: false,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    showExtensions: true,
    persistAuthorization: false,
    tryItOutEnabled: false,
    syntaxHighlight: { activated: true, theme: "agate" },
  });
})();
