/* global window, SwaggerUIBundle, SwaggerUIStandalonePreset */
// A file, not an inline script, so that a strict Content-Security-Policy (script-src 'self') allows it.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
};
