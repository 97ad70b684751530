// <csp-rag-panel> end to end: the API on one origin, a stand-in council intranet on another
// (allowed by CSP_CORS_ORIGINS) embedding the widget with one script tag, headless Chromium with
// the network closed to everything but those two origins.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { join } from "node:path";
import { artefactDir, closeNetwork, cspViolations, freePort, graphql, launch, repoFile, startServer } from "./lib.mjs";
import { startHost } from "./host.mjs";

const PUBLIC_BOARD = "Safer Bromley Partnership Board (formerly Strategic Group)";
const MARAC = "Bromley MARAC (Multi-Agency Risk Assessment Conference)";
const DHR_GROUP = "Domestic Homicide Review Task and Finish Group";
/** The demo data's restricted MARAC actions: an uncleared member must never see them. */
const RESTRICTED_TITLES = ["Improve agency attendance at MARAC", "Improve equality of access to MARAC"];
/** Most milliseconds from a mutation's response to the change shown in an open page. */
const LIVE_BUDGET_MS = 1000;

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {{ base: string, stop: () => Promise<unknown> }} */
let host;
/** @type {import("playwright-core").Browser} */
let browser;
/** @type {Record<string, string>} board name -> id */
const boards = {};

before(async () => {
  const hostPort = await freePort();
  const hostBase = `http://127.0.0.1:${hostPort}`;
  [server, browser] = await Promise.all([startServer({ corsOrigins: [hostBase] }), launch()]);
  host = await startHost(() => server.base, hostPort);
  const data = await graphql(server.base, "{ boards(first: 100) { nodes { id name } } }", {}, "sarah-newman");
  for (const b of data.boards.nodes) boards[b.name] = b.id;
  for (const name of [PUBLIC_BOARD, MARAC, DHR_GROUP]) assert.ok(boards[name], `demo board ${name}`);
  // The delivery plan names a post, not a person, as the lead of the Responsible Retailer
  // action: the council first appoints Sarah Newman to it, so she may rate it.
  const me = await graphql(server.base, "{ viewer { person { id } } }", {}, "sarah-newman");
  const plan = await graphql(
    server.base,
    '{ actions(filter: { search: "Responsible Retailer" }) { nodes { leadPost { id } } } }',
    {},
    "sarah-newman"
  );
  await graphql(
    server.base,
    "mutation($i: AppointToPostInput!) { appointToPost(input: $i) { vacant } }",
    { i: { postId: plan.actions.nodes[0].leadPost.id, personId: me.viewer.person.id } },
    "sarah-newman"
  );
});

after(async () => {
  await browser?.close();
  await host?.stop();
  await server?.stop();
});

/**
 * A fresh browser context with the network closed to the API and the intranet.
 * @param {{ forbidden?: string[] }} [options] texts that must never appear in any panel
 */
async function newContext(options = {}) {
  const context = await browser.newContext();
  const net = await closeNetwork(context, [server.base, host.base]);
  if (options.forbidden) {
    // Watch every shadow root from its creation: a forbidden text shown even for a moment is
    // recorded.
    await context.addInitScript((forbidden) => {
      const w = /** @type {any} */ (window);
      w.__forbiddenSeen = [];
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) {
        const root = attach.call(this, init);
        const check = () => {
          const text = root.textContent || "";
          for (const f of forbidden) if (text.includes(f)) w.__forbiddenSeen.push(f);
        };
        new MutationObserver(check).observe(root, { subtree: true, childList: true, characterData: true });
        return root;
      };
    }, options.forbidden);
  }
  return { context, net };
}

/**
 * Opens the intranet page with a panel and waits until it has rendered or refused.
 * @param {import("playwright-core").BrowserContext} context
 * @param {Record<string, string>} params board | organisation, subject
 */
async function openPanel(context, params) {
  const page = await context.newPage();
  await page.goto(`${host.base}/panel.html?${new URLSearchParams(params)}`);
  await page.waitForFunction(() => {
    const root = document.querySelector("csp-rag-panel")?.shadowRoot;
    const body = root?.querySelector(".body");
    const message = root?.querySelector(".message");
    return (body && !(/** @type {HTMLElement} */ (body).hidden)) || message?.getAttribute("data-kind") === "error";
  }, null, { timeout: 15_000 });
  return page;
}

/** What the panel shows. @param {import("playwright-core").Page} page */
function shown(page) {
  return page.evaluate(() => {
    const root = /** @type {ShadowRoot} */ (document.querySelector("csp-rag-panel")?.shadowRoot);
    const count = (/** @type {string} */ sel) => Number(root.querySelector(`${sel} td`)?.textContent);
    const message = /** @type {HTMLElement} */ (root.querySelector(".message"));
    return {
      counts: {
        red: count('tr[data-rag="RED"]'),
        amber: count('tr[data-rag="AMBER"]'),
        green: count('tr[data-rag="GREEN"]'),
        notRated: count('tr[data-rag="NONE"]'),
        overdue: count('tr[data-count="overdue"]'),
        total: count('tr[data-count="total"]'),
      },
      red: [...root.querySelectorAll("table.red tbody tr")].map((tr) => ({
        title: tr.querySelector(".title")?.textContent,
        cells: [...tr.querySelectorAll("td")].map((td) => td.textContent?.trim()),
      })),
      marking: root.querySelector(".marking")?.textContent,
      heading: root.querySelector(".heading")?.textContent,
      subtitle: root.querySelector(".sub")?.textContent,
      message: message.textContent,
      messageRole: message.getAttribute("role"),
      code: message.getAttribute("data-code"),
      announce: root.querySelector(".announce")?.textContent,
      live: document.querySelector("csp-rag-panel")?.getAttribute("data-live"),
      liveText: root.querySelector(".live")?.textContent,
      bodyHidden: /** @type {HTMLElement} */ (root.querySelector(".body")).hidden,
    };
  });
}

/** The API's own counts for the same caller. */
async function apiCounts(filter, subject) {
  const data = await graphql(
    server.base,
    "query($f: ActionFilter) { ragSummary(filter: $f) { counts { red amber green notRated overdue total } } }",
    { f: filter },
    subject
  );
  return data.ragSummary.counts;
}

/**
 * Records, in the page, when a red row with this title first shows (Date.now(), same clock).
 * @param {import("playwright-core").Page} page
 * @param {string} title
 */
function watchForRed(page, title) {
  return page.evaluate((t) => {
    const w = /** @type {any} */ (window);
    w.__seenRedAt = null;
    const root = /** @type {ShadowRoot} */ (document.querySelector("csp-rag-panel")?.shadowRoot);
    const seen = () => [...root.querySelectorAll("table.red .title")].some((e) => e.textContent === t);
    const observer = new MutationObserver(() => {
      if (w.__seenRedAt === null && seen()) {
        w.__seenRedAt = Date.now();
        observer.disconnect();
      }
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true });
  }, title);
}

/** Waits until the page saw the red row; returns when (ms since epoch). */
async function seenRedAt(page) {
  await page.waitForFunction(() => /** @type {any} */ (window).__seenRedAt !== null, null, { timeout: 10_000 });
  return page.evaluate(() => /** @type {any} */ (window).__seenRedAt);
}

/** Finds an action by title for a caller: id and version. */
async function findAction(boardId, search, subject) {
  const data = await graphql(
    server.base,
    "query($f: ActionFilter) { actions(filter: $f) { nodes { id version title } } }",
    { f: { boardId, search } },
    subject
  );
  assert.equal(data.actions.nodes.length, 1, `one action matching ${search}`);
  return data.actions.nodes[0];
}

/** `subject`, an officer of the action's board, makes themself its lead; the action as it is then. */
async function takeLead(action, subject) {
  const me = await graphql(server.base, "{ viewer { person { id } } }", {}, subject);
  const data = await graphql(
    server.base,
    "mutation($i: ReassignActionInput!) { reassignAction(input: $i) { id version title } }",
    { i: { actionId: action.id, expectedVersion: action.version, leadPersonId: me.viewer.person.id } },
    subject
  );
  return data.reassignAction;
}

/** Rates an action red as `subject`; resolves at the mutation's response (Date.now()). */
async function rateRed(action, subject) {
  await graphql(
    server.base,
    "mutation($input: UpdateActionProgressInput!) { updateActionProgress(input: $input) { rag version } }",
    { input: { actionId: action.id, expectedVersion: action.version, rag: "RED", percentComplete: 10, narrative: "Slipped: rated red by the browser test." } },
    subject
  );
  return Date.now();
}

/** The checks every context ends with: nothing off the two origins, no CSP violation, no error. */
async function assertClean(pages, net) {
  for (const page of pages) assert.deepEqual(await cspViolations(page), [], "Content-Security-Policy violations");
  assert.deepEqual(net.refused, [], "requests off the API and the intranet were attempted");
  assert.deepEqual(net.problems, [], "console errors or uncaught errors");
}

describe("the RAG panel on an intranet page of another origin", () => {
  /** @type {Awaited<ReturnType<typeof newContext>>} */
  let publicContext;
  /** @type {import("playwright-core").Page} */
  let anonymous;
  /** @type {import("playwright-core").Page} */
  let partner;
  /** @type {{ operationName?: string, query?: string, hash?: string, status: number, body: any }[]} */
  const calls = [];

  test("the served widget is widgets/rag-panel.js as committed", async () => {
    const served = Buffer.from(await (await fetch(`${server.base}/widgets/rag-panel.js`)).arrayBuffer());
    assert.ok(served.equals(repoFile("widgets/rag-panel.js")), "the binary serves a stale widget: rebuild csp-hub");
  });

  test("it shows the board's RAG counts as the API gives them, anonymously and signed in", async () => {
    publicContext = await newContext();
    publicContext.context.on("response", async (response) => {
      if (!response.url().startsWith(`${server.base}/graphql`) || response.request().method() !== "POST") return;
      const body = JSON.parse(response.request().postData() || "{}");
      calls.push({ operationName: body.operationName, query: body.query, hash: body.extensions?.persistedQuery?.sha256Hash, status: response.status(), body: await response.json().catch(() => null) });
    });
    const board = boards[PUBLIC_BOARD];
    anonymous = await openPanel(publicContext.context, { board });
    partner = await openPanel(publicContext.context, { board, subject: "luke-baldock" });

    for (const [page, subject] of /** @type {const} */ ([[anonymous, null], [partner, "luke-baldock"]])) {
      const panel = await shown(page);
      const expected = await apiCounts({ boardId: board }, subject);
      assert.deepEqual(panel.counts, expected, `counts for ${subject || "anonymous"}`);
      assert.equal(panel.heading, `RAG summary: ${PUBLIC_BOARD}`);
      assert.equal(panel.marking, "OFFICIAL");
      assert.match(panel.subtitle || "", /Safer Bromley Partnership · board visible to public/);
      assert.equal(panel.message, "");
    }
    // Live updates are connected.
    await anonymous.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up");
    await partner.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up");

    // Automatic persisted queries: asked by hash first; the document is sent only when the
    // server does not know the hash yet, and a reload goes by hash alone.
    const first = calls[0];
    assert.ok(first.hash && !first.query, "the first request goes by hash alone");
    assert.match(JSON.stringify(first.body), /PersistedQueryNotFound/);
    assert.ok(calls.some((c) => c.hash && c.query && c.body?.data), "the document was registered with its hash");
    const reloaded = partner.waitForResponse((r) => r.url() === `${server.base}/graphql` && (r.request().postData() || "").includes('"RagPanelBoard"'));
    await partner.locator("csp-rag-panel").getByRole("button", { name: "Reload" }).click();
    const reload = await reloaded;
    const sent = JSON.parse(reload.request().postData() || "{}");
    assert.ok(sent.extensions?.persistedQuery?.sha256Hash && !sent.query, "a reload goes by hash alone");
    assert.ok((await reload.json()).data, "and is answered");
    await assertClean([anonymous, partner], publicContext.net);
  });

  test(`a progress update shows in the open pages within ${LIVE_BUDGET_MS} ms`, async () => {
    const board = boards[PUBLIC_BOARD];
    const action = await findAction(board, "Responsible Retailer", "sarah-newman");
    const before = await shown(partner);
    assert.ok(!before.red.some((r) => r.title === action.title));
    await watchForRed(anonymous, action.title);
    await watchForRed(partner, action.title);
    const answered = await rateRed(action, "sarah-newman");
    for (const [page, who] of /** @type {const} */ ([[anonymous, "anonymous"], [partner, "luke-baldock"]])) {
      const elapsed = (await seenRedAt(page)) - answered;
      console.log(`${who}: the red row showed ${elapsed} ms after the mutation's response`);
      assert.ok(elapsed <= LIVE_BUDGET_MS, `${who}: ${elapsed} ms`);
    }
    // The counts follow (one more red, one fewer green), as the API says, and the change is
    // announced in words.
    await partner.waitForFunction((red) => {
      const td = document.querySelector("csp-rag-panel")?.shadowRoot?.querySelector('tr[data-rag="RED"] td');
      return Number(td?.textContent) === red;
    }, before.counts.red + 1);
    const after = await shown(partner);
    assert.equal(after.counts.red, before.counts.red + 1);
    assert.equal(after.counts.green, before.counts.green - 1);
    assert.deepEqual(after.counts, await apiCounts({ boardId: board }, "luke-baldock"));
    assert.match(after.announce || "", /“Refresh the Responsible Retailer Scheme\.” is now rated Red\./);
    const row = after.red.find((r) => r.title === action.title);
    assert.ok(row);
    assert.match(row.cells[0] || "", /^Red /, "the rating is written, not only coloured");
    assert.match(row.cells[1] || "", /Head of Safer Communities/, "the lead the plan names: a post");
    assert.match(row.cells[2] || "", /30 Jun 2024/);
    const shot = join(artefactDir(), "rag-panel.png");
    await partner.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
    await assertClean([anonymous, partner], publicContext.net);
  });

  test("it is usable by keyboard and screen reader", async () => {
    const page = partner;
    const panel = page.locator("csp-rag-panel");
    // Tables with captions and header cells; the rating is a word beside its colour.
    await assert.doesNotReject(panel.getByRole("table", { name: "Open actions by RAG rating" }).waitFor());
    await assert.doesNotReject(panel.getByRole("table", { name: "Red actions" }).waitFor());
    assert.equal(await panel.getByRole("rowheader").count(), 6);
    assert.equal(await panel.getByRole("columnheader").count(), 5);
    assert.equal(await panel.getByRole("heading", { level: 2 }).count(), 1);
    for (const word of ["Red", "Amber", "Green", "Not rated"]) {
      assert.equal(await panel.locator(".counts .rag", { hasText: word }).count(), 1, word);
    }
    // Changes are announced politely.
    assert.equal(await panel.locator(".announce").getAttribute("aria-live"), "polite");
    // Tab from the page reaches the panel's button, which shows where focus is.
    await page.locator("h1").click();
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const host = document.activeElement;
      const inner = host?.shadowRoot?.activeElement;
      if (!inner) return null;
      const style = getComputedStyle(inner);
      return { tag: host?.tagName, text: inner.textContent, outline: style.outlineStyle, width: style.outlineWidth };
    });
    assert.deepEqual(focused && { tag: focused.tag, text: focused.text }, { tag: "CSP-RAG-PANEL", text: "Reload" });
    assert.notEqual(focused?.outline, "none");
    // Enter on the focused button reloads.
    await page.keyboard.press("Enter");
    // Text and badges meet WCAG 2.2 AA contrast (4.5:1).
    const ratios = await page.evaluate(() => {
      const root = /** @type {ShadowRoot} */ (document.querySelector("csp-rag-panel")?.shadowRoot);
      const rgb = (/** @type {string} */ c) => (c.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
      const lum = (/** @type {number[]} */ [r, g, b]) => {
        const f = (/** @type {number} */ v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const bg = (/** @type {Element} */ e) => {
        for (let n = /** @type {Element | null} */ (e); n; n = n.parentElement || /** @type {any} */ (n.getRootNode()).host || null) {
          const c = getComputedStyle(n).backgroundColor;
          if (c && !c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") return rgb(c);
        }
        return [255, 255, 255];
      };
      return [...root.querySelectorAll(".rag, .marking, .heading, td, th, .overdue, .live, button")].map((e) => {
        const a = lum(rgb(getComputedStyle(e).color));
        const b = lum(bg(e));
        return { what: `${e.className || e.tagName}: ${e.textContent?.slice(0, 30)}`, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
      });
    });
    for (const r of ratios) assert.ok(r.ratio >= 4.5, `${r.what}: ${r.ratio.toFixed(2)}:1`);
    await assertClean([page], publicContext.net);
    await publicContext.context.close();
  });

  test("it says when the live connection dropped, reconnects and catches up", async () => {
    const { context, net } = await newContext();
    /** @type {import("playwright-core").WebSocketRoute[]} */
    const routes = [];
    await context.routeWebSocket(`${server.base.replace(/^http/, "ws")}/graphql/ws`, (ws) => {
      ws.connectToServer();
      routes.push(ws);
    });
    const board = boards[PUBLIC_BOARD];
    const page = await openPanel(context, { board, subject: "luke-baldock" });
    await page.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up");
    // The connection drops (a proxy restarts, the laptop sleeps).
    await routes[0].close({ code: 1012, reason: "restarting" });
    await page.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "down");
    assert.match((await shown(page)).liveText || "", /Live updates interrupted: reconnecting/);
    // A change made while it was down is caught up once it is back.
    const action = await findAction(board, "Refresh the Responsible Retailer", "sarah-newman");
    await graphql(
      server.base,
      "mutation($input: UpdateActionProgressInput!) { updateActionProgress(input: $input) { rag } }",
      { input: { actionId: action.id, expectedVersion: action.version, rag: "AMBER", percentComplete: 20, narrative: "Back to amber while the panel was offline." } },
      "sarah-newman"
    );
    await page.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up", null, { timeout: 10_000 });
    assert.equal(routes.length, 2, "one reconnection");
    // Caught up: the panel's amber count is the API's, with the change made while it was down.
    const expected = await apiCounts({ boardId: board }, "luke-baldock");
    await page.waitForFunction((amber) => {
      const td = document.querySelector("csp-rag-panel")?.shadowRoot?.querySelector('tr[data-rag="AMBER"] td');
      return Number(td?.textContent) === amber;
    }, expected.amber, { timeout: 5000 });
    assert.deepEqual((await shown(page)).counts, expected);
    await assertClean([page], net);
    await context.close();
  });

  test("a live connection refused at sign-in says so, and recovers when sign-in works again", async () => {
    const { context, net } = await newContext();
    /** @type {import("playwright-core").WebSocketRoute[]} */
    const routes = [];
    await context.routeWebSocket(`${server.base.replace(/^http/, "ws")}/graphql/ws`, (ws) => {
      routes.push(ws);
      // The second connection is refused as CSP Hub refuses an expired token in connection_init.
      if (routes.length === 2) ws.onMessage(() => ws.close({ code: 1002, reason: "invalid or expired token" }));
      else ws.connectToServer();
    });
    const board = boards[PUBLIC_BOARD];
    const page = await openPanel(context, { board, subject: "luke-baldock" });
    await page.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up");
    await routes[0].close({ code: 1012, reason: "restarting" });
    await page.waitForFunction(() => document.querySelector("csp-rag-panel")?.shadowRoot?.querySelector(".message")?.getAttribute("data-code") === "UNAUTHENTICATED", null, { timeout: 10_000 });
    let panel = await shown(page);
    assert.ok(panel.bodyHidden, "nothing is shown once the sign-in is refused");
    assert.match(panel.message || "", /not signed in to CSP Hub, or your sign-in has expired/);
    await page.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up", null, { timeout: 10_000 });
    await page.waitForFunction(() => !(/** @type {HTMLElement} */ (document.querySelector("csp-rag-panel")?.shadowRoot?.querySelector(".body"))).hidden);
    panel = await shown(page);
    assert.equal(panel.message, "");
    assert.deepEqual(panel.counts, await apiCounts({ boardId: board }, "luke-baldock"));
    await assertClean([page], net);
    await context.close();
  });

  test("it works for an organisation: the actions it leads", async () => {
    const { context, net } = await newContext();
    const me = await graphql(server.base, "{ viewer { organisation { id name } } }", {}, "luke-baldock");
    const page = await openPanel(context, { organisation: me.viewer.organisation.id, subject: "luke-baldock" });
    const panel = await shown(page);
    assert.equal(panel.heading, `RAG summary: actions led by ${me.viewer.organisation.name}`);
    assert.deepEqual(panel.counts, await apiCounts({ leadOrganisationId: me.viewer.organisation.id }, "luke-baldock"));
    await page.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up");
    await assertClean([page], net);
    await context.close();
  });

});

describe("restricted actions and refusals", () => {
  test("an uncleared member never sees a restricted action, even live; a cleared one sees it within a second", async () => {
    const board = boards[MARAC];
    const uncleared = await newContext({ forbidden: RESTRICTED_TITLES });
    const cleared = await newContext();
    const dawn = await openPanel(uncleared.context, { board, subject: "dawn-helps" });
    const chris = await openPanel(cleared.context, { board, subject: "chris-wood" });
    assert.deepEqual((await shown(dawn)).counts, await apiCounts({ boardId: board }, "dawn-helps"));
    assert.deepEqual((await shown(chris)).counts, await apiCounts({ boardId: board }, "chris-wood"));
    assert.ok((await shown(chris)).counts.total > (await shown(dawn)).counts.total, "the demo MARAC has restricted actions");
    // Restricted actions are counted for the cleared member: the whole panel is marked so.
    assert.equal((await shown(chris)).marking, "OFFICIAL-SENSITIVE");
    assert.equal((await shown(dawn)).marking, "OFFICIAL");
    await dawn.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up");
    await chris.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up");

    // The papers name no lead for it: the MARAC's chair takes it before rating it.
    const action = await takeLead(await findAction(board, RESTRICTED_TITLES[0], "chris-wood"), "chris-wood");
    await watchForRed(chris, action.title);
    const answered = await rateRed(action, "chris-wood");
    const elapsed = (await seenRedAt(chris)) - answered;
    console.log(`cleared member: the restricted red row showed ${elapsed} ms after the mutation's response`);
    assert.ok(elapsed <= LIVE_BUDGET_MS, `${elapsed} ms`);
    const chrisNow = await shown(chris);
    assert.equal(chrisNow.marking, "OFFICIAL-SENSITIVE", "the panel is marked as what it shows");
    assert.match(chrisNow.red[0].cells[0] || "", /\(OFFICIAL-SENSITIVE\)/);
    await chris.screenshot({ path: join(artefactDir(), "rag-panel-cleared.png"), fullPage: true });

    // The uncleared member's panel got nothing: wait well past the budget, then look.
    await new Promise((r) => setTimeout(r, 1500));
    const dawnNow = await shown(dawn);
    assert.equal(dawnNow.announce, "", "no event reached the uncleared member");
    assert.deepEqual(dawnNow.counts, await apiCounts({ boardId: board }, "dawn-helps"));
    assert.equal(dawnNow.marking, "OFFICIAL");
    assert.deepEqual(await dawn.evaluate(() => /** @type {any} */ (window).__forbiddenSeen), []);
    const everything = await dawn.evaluate(() => document.documentElement.outerHTML + (document.querySelector("csp-rag-panel")?.shadowRoot?.innerHTML || ""));
    for (const t of RESTRICTED_TITLES) assert.ok(!everything.includes(t), t);
    await assertClean([dawn], uncleared.net);
    await assertClean([chris], cleared.net);
    await uncleared.context.close();
    await cleared.context.close();
  });

  test("a revoked clearance is said at once and the restricted rows go", async () => {
    const board = boards[MARAC];
    const { context, net } = await newContext();
    const chris = await openPanel(context, { board, subject: "chris-wood" });
    assert.ok((await shown(chris)).red.some((r) => r.title?.startsWith(RESTRICTED_TITLES[0])));
    await chris.waitForFunction(() => document.querySelector("csp-rag-panel")?.getAttribute("data-live") === "up");
    const data = await graphql(
      server.base,
      "query($id: ID!) { node(id: $id) { ... on Board { clearances(filter: { states: [APPROVED] }, first: 50) { nodes { id person { name } } } } } }",
      { id: board },
      "sarah-newman"
    );
    const clearance = data.node.clearances.nodes.find((c) => c.person?.name === "Chris Wood");
    assert.ok(clearance, "Chris Wood's clearance");
    await graphql(server.base, "mutation($id: ID!) { revokeClearance(clearanceId: $id, reason: \"Browser test\") { state } }", { id: clearance.id }, "sarah-newman");
    await chris.waitForFunction(() => document.querySelector("csp-rag-panel")?.shadowRoot?.querySelector(".message")?.getAttribute("data-code") === "ACCESS_CHANGED", null, { timeout: 5000 });
    await chris.waitForFunction(
      (t) => !(document.querySelector("csp-rag-panel")?.shadowRoot?.textContent || "").includes(t),
      RESTRICTED_TITLES[0],
      { timeout: 5000 }
    );
    const now = await shown(chris);
    assert.match(now.message || "", /Your access to CSP Hub changed/);
    assert.equal(now.messageRole, "alert");
    assert.deepEqual(now.counts, await apiCounts({ boardId: board }, "chris-wood"));
    assert.equal(now.marking, "OFFICIAL", "nothing restricted is counted any more");
    await assertClean([chris], net);
    await context.close();
  });

  test("when not allowed, it says so and shows nothing else", async () => {
    const { context, net } = await newContext();
    // A partnership-only board, anonymously: as if it did not exist.
    const notFound = await openPanel(context, { board: boards[DHR_GROUP] });
    let panel = await shown(notFound);
    assert.equal(panel.code, "NOT_FOUND");
    assert.equal(panel.messageRole, "alert");
    assert.match(panel.message || "", /does not exist, or you are not allowed to see it/);
    assert.ok(panel.bodyHidden);
    // A token CSP Hub refuses (an expired sign-in).
    const refused = await openPanel(context, { board: boards[PUBLIC_BOARD], subject: "expired-session" });
    panel = await shown(refused);
    assert.equal(panel.code, "UNAUTHENTICATED");
    assert.match(panel.message || "", /not signed in to CSP Hub, or your sign-in has expired/);
    assert.ok(panel.bodyHidden);
    await refused.screenshot({ path: join(artefactDir(), "rag-panel-refused.png") });
    // The API refuses the intranet's preflight with a 401 for the bad token; the browser logs
    // that response as a console error, which is expected here.
    net.problems.splice(0, net.problems.length, ...net.problems.filter((p) => !/status of 401/.test(p)));
    await assertClean([notFound, refused], net);
    await context.close();
  });
});
