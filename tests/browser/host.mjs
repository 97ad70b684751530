// A stand-in council intranet on its own origin: pages that embed <csp-rag-panel> with one script
// tag from the API, under a strict Content-Security-Policy of their own, and a stand-in for the
// council's single sign-on that hands the page a CSP Hub token for a demo person.

import { createServer } from "node:http";
import { token } from "./lib.mjs";

/** Escapes text for an HTML attribute. @param {string} s */
const attr = (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** The intranet's sign-in glue: gives the panel a token provider backed by /sso/token. */
const HOST_JS = `
for (const panel of document.querySelectorAll("csp-rag-panel[data-subject]")) {
  const subject = panel.dataset.subject;
  panel.tokenProvider = async () => {
    const r = await fetch("/sso/token?subject=" + encodeURIComponent(subject));
    return r.ok ? r.text() : null;
  };
}
`;

/**
 * Starts the intranet on a free loopback port.
 * @param {() => string} apiBase the API's origin (known once the API has started)
 * @param {number} port
 */
export function startHost(apiBase, port) {
  const server = createServer((req, res) => {
    const url = new URL(req.url || "/", `http://127.0.0.1:${port}`);
    const api = apiBase();
    if (url.pathname === "/panel.html") {
      const p = url.searchParams;
      const owner = p.get("organisation") ? `organisation="${attr(p.get("organisation") || "")}"` : `board="${attr(p.get("board") || "")}"`;
      const subject = p.get("subject");
      const signIn = subject ? ` auth="required" data-subject="${attr(subject)}"` : "";
      const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Council intranet: community safety</title>
<link rel="icon" href="data:,">
<script src="${api}/widgets/rag-panel.js"></script>
</head>
<body>
<main>
<h1>Community safety</h1>
<p>Our partnership's delivery plan at a glance.</p>
<csp-rag-panel ${owner}${signIn}></csp-rag-panel>
<p><a href="#next">A link after the panel</a></p>
</main>
<script src="/host.js"></script>
</body>
</html>`;
      const apiSocket = api.replace(/^http/, "ws");
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        // The intranet allows the API's script and connections, and no inline script or style.
        "Content-Security-Policy": `default-src 'self'; script-src 'self' ${api}; connect-src 'self' ${api} ${apiSocket}; style-src 'self'; img-src 'self' data:`,
      });
      res.end(html);
    } else if (url.pathname === "/host.js") {
      res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" });
      res.end(HOST_JS);
    } else if (url.pathname === "/sso/token") {
      const subject = url.searchParams.get("subject") || "";
      // A subject the SSO cannot vouch for gets a token CSP Hub will refuse.
      const body = subject === "expired-session" ? "not-a-valid-token" : token(subject);
      res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
      res.end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) =>
    server.listen(port, "127.0.0.1", () =>
      ok({ base: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r(undefined))) })
    )
  );
}
