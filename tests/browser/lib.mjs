// What the browser tests share: the server under test (the csp-hub binary named by CSP_HUB_BIN,
// on a fresh SQLite database with the demo data, on a free loopback port), tokens, GraphQL calls
// from Node, headless Chromium with the network closed, and the artefact folder.

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The server binary under test. */
export function binary() {
  const bin = process.env.CSP_HUB_BIN;
  if (!bin) throw new Error("set CSP_HUB_BIN to the csp-hub binary (run.sh does)");
  return bin;
}

/** Where screenshots go (a CI artefact folder), created on first use. */
export function artefactDir() {
  const dir = process.env.BROWSER_ARTEFACTS || join(repoRoot, "target", "browser-artefacts");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A free loopback port: bind port 0, read the port, release it. */
export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => ok(port));
    });
  });
}

/**
 * Starts csp-hub on a fresh database with the demo data; resolves once /healthz answers.
 * @param {{ corsOrigins?: string[] }} [options]
 */
export async function startServer(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "csp-hub-browser-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  // Only the settings the tests need, the same everywhere.
  for (const key of Object.keys(env)) if (key.startsWith("CSP_") && key !== "CSP_HUB_BIN") delete env[key];
  Object.assign(env, {
    DATABASE_URL: `sqlite://${dir}/browser.db?mode=rwc`,
    CSP_LISTEN: `127.0.0.1:${port}`,
    CSP_SEED_DEMO: "true",
    CSP_CORS_ORIGINS: (options.corsOrigins || []).join(","),
    RUST_LOG: process.env.RUST_LOG || "warn",
  });
  const child = spawn(binary(), ["serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  let exited = false;
  child.on("exit", () => (exited = true));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`csp-hub exited before /healthz answered:\n${log.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`csp-hub did not answer /healthz in time:\n${log.slice(-4000)}`);
    try {
      const r = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    log: () => log,
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        await Promise.race([new Promise((r) => child.once("exit", r)), new Promise((r) => setTimeout(r, 5000))]);
        if (!exited) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** @type {Map<string, string>} */
const tokens = new Map();
/** A development token for a demo person (`csp-hub token <subject>`). */
export function token(subject) {
  let t = tokens.get(subject);
  if (!t) {
    const out = spawnSync(binary(), ["token", subject], { encoding: "utf8" });
    if (out.status !== 0) throw new Error(`csp-hub token ${subject}: ${out.stderr}`);
    t = out.stdout.trim();
    tokens.set(subject, t);
  }
  return t;
}

/**
 * A GraphQL request from Node; throws on errors.
 * @param {string} base
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @param {string | null} [subject] a demo person, or anonymous
 */
export async function graphql(base, query, variables = {}, subject = null) {
  /** @type {Record<string, string>} */
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (subject) headers.Authorization = `Bearer ${token(subject)}`;
  const response = await fetch(`${base}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Headless Chromium (Debian's, at /usr/bin/chromium unless CHROMIUM says otherwise). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/**
 * Closes the network of a browser context to everything but the given origins: every other
 * request (HTTP or WebSocket) is aborted and recorded. Also records Content-Security-Policy
 * violations, console errors and uncaught errors of its pages.
 * @param {import("playwright-core").BrowserContext} context
 * @param {string[]} origins e.g. "http://127.0.0.1:1234"
 */
export async function closeNetwork(context, origins) {
  const refused = /** @type {string[]} */ ([]);
  const problems = /** @type {string[]} */ ([]);
  const sockets = new Set(origins.map((o) => o.replace(/^http/, "ws")));
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (origins.includes(url.origin)) return route.continue();
    refused.push(url.href);
    return route.abort("blockedbyclient");
  });
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const w = /** @type {any} */ (window);
      (w.__cspViolations ||= []).push(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  context.on("page", (page) => watch(page, problems));
  return { refused, problems, sockets };
}

/**
 * @param {import("playwright-core").Page} page
 * @param {string[]} problems
 */
function watch(page, problems) {
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
}

/** The CSP violations a page recorded. @param {import("playwright-core").Page} page */
export function cspViolations(page) {
  return page.evaluate(() => /** @type {any} */ (window).__cspViolations || []);
}

/** The repository's copy of a file, as bytes. @param {string} path relative to the root */
export function repoFile(path) {
  return readFileSync(join(repoRoot, path));
}
