// GraphiQL on a locked-down network: the page and every asset come from the binary, the page's
// Content-Security-Policy allows nothing external, and a query typed into the editor runs. The
// browser may reach the server's origin only; anything else it tries is refused and fails the test.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { artefactDir, closeNetwork, cspViolations, graphql, launch, startServer, token } from "./lib.mjs";

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {import("playwright-core").Browser} */
let browser;

before(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * Replaces the text of the CodeMirror editor under `selector` by typing it, as a person would.
 * @param {import("playwright-core").Page} page
 * @param {string} selector
 * @param {string} text
 */
async function typeInto(page, selector, text) {
  await page.click(`${selector} .CodeMirror`);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text, { delay: 5 });
  // GraphiQL closes brackets by itself and may open a completion list: close it, then read
  // back what the editor holds.
  await page.keyboard.press("Escape");
  return page.evaluate((s) => /** @type {any} */ (document.querySelector(`${s} .CodeMirror`)).CodeMirror.getValue(), selector);
}

/** The text of GraphiQL's result pane. @param {import("playwright-core").Page} page */
function result(page) {
  return page.evaluate(() => {
    const cm = /** @type {any} */ (document.querySelector(".graphiql-response .CodeMirror"));
    return cm ? cm.CodeMirror.getValue() : "";
  });
}

test("GraphiQL loads from the binary and runs a typed query with the network closed", async () => {
  const context = await browser.newContext();
  const net = await closeNetwork(context, [server.base]);
  const page = await context.newPage();
  const started = Date.now();
  const response = await page.goto(`${server.base}/graphql`);
  assert.ok(response);
  assert.equal(response.status(), 200);
  const csp = response.headers()["content-security-policy"] || "";
  assert.match(csp, /^default-src 'self';/);
  assert.doesNotMatch(csp, /unsafe|https?:|\*/, csp);
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 20_000 });
  console.log(`GraphiQL ready in ${Date.now() - started} ms`);

  // Every asset came from the server itself, with a long cache lifetime.
  const assets = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name));
  assert.ok(assets.some((a) => a.includes("/graphiql/assets/graphiql-3.9.0/graphiql.min.js")), assets.join("\n"));
  for (const a of assets) assert.ok(a.startsWith(`${server.base}/`), a);
  const js = await fetch(assets.find((a) => a.includes("react.production.min.js")) || "");
  assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.match(js.headers.get("content-type") || "", /^text\/javascript/);

  const query = "{ partnerships(first: 2) { nodes { name } } }";
  const typed = await typeInto(page, ".graphiql-query-editor", query);
  assert.equal(typed.replace(/\s+/g, " ").trim(), query);
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(() => {
    const cm = /** @type {any} */ (document.querySelector(".graphiql-response .CodeMirror"));
    return cm && cm.CodeMirror.getValue().includes('"partnerships"');
  }, null, { timeout: 10_000 });
  const shown = JSON.parse(await result(page));
  const expected = await graphql(server.base, query);
  assert.deepEqual(shown.data, expected);
  assert.ok(expected.partnerships.nodes.length === 2);

  // A signed-in query: the token typed in the Headers tab reaches the server.
  await page.getByText("Headers", { exact: true }).click();
  // The headers editor is the one of the two editor tools that is not hidden.
  await typeInto(page, ".graphiql-editor-tool .graphiql-editor:not(.hidden)", `{"Authorization": "Bearer ${token("luke-baldock")}"}`);
  await typeInto(page, ".graphiql-query-editor", "{ viewer { signedIn person { name } } }");
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(() => {
    const cm = /** @type {any} */ (document.querySelector(".graphiql-response .CodeMirror"));
    return cm && cm.CodeMirror.getValue().includes("Luke Baldock");
  }, null, { timeout: 10_000 });

  await page.screenshot({ path: join(artefactDir(), "graphiql.png") });
  console.log(`screenshot: ${join(artefactDir(), "graphiql.png")}`);
  assert.deepEqual(await cspViolations(page), [], "Content-Security-Policy violations");
  assert.deepEqual(net.refused, [], "requests off the server were attempted");
  assert.deepEqual(net.problems, [], "console errors or uncaught errors");
  await context.close();
});

test("a subscription runs from GraphiQL over the WebSocket the page's policy allows", async () => {
  const context = await browser.newContext();
  const net = await closeNetwork(context, [server.base]);
  const page = await context.newPage();
  await page.goto(`${server.base}/graphql`);
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 20_000 });

  const found = await graphql(
    server.base,
    `{ partnership(slug: "bromley") { actions(filter: { search: "PCSOs visiting" }) { nodes { id version board { id } } } } }`,
    {},
    "luke-baldock"
  );
  const action = found.partnership.actions.nodes[0];
  const subscription = `subscription { actionChanged(boardId: "${action.board.id}") { title rag } }`;
  assert.equal((await typeInto(page, ".graphiql-query-editor", subscription)).trim(), subscription);
  await page.click(".graphiql-execute-button");
  // The subscription is open once the server has acknowledged it; give it a moment.
  await page.waitForTimeout(500);
  await graphql(
    server.base,
    `mutation($input: UpdateActionProgressInput!) { updateActionProgress(input: $input) { rag version } }`,
    { input: { actionId: action.id, expectedVersion: action.version, rag: "AMBER", percentComplete: 40, narrative: "From the GraphiQL test." } },
    "luke-baldock"
  );
  await page.waitForFunction(() => {
    const cm = /** @type {any} */ (document.querySelector(".graphiql-response .CodeMirror"));
    return cm && cm.CodeMirror.getValue().includes("PCSOs visiting Children and Family Centres");
  }, null, { timeout: 10_000 });
  assert.match(await result(page), /"rag": "AMBER"/);
  assert.deepEqual(await cspViolations(page), [], "Content-Security-Policy violations");
  assert.deepEqual(net.refused, [], "requests off the server were attempted");
  assert.deepEqual(net.problems, [], "console errors or uncaught errors");
  await context.close();
});
