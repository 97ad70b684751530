#!/usr/bin/env node
// My organisation's actions across every partnership it serves, for a partner's analyst.
//
//   CSP_HUB_TOKEN=<token> node examples/analyst/my-organisation-actions.mjs [--all] [--csv | --json]
//
// Reads `viewer.organisationActions` (the actions the caller's organisation leads, in every
// partnership it serves, that the caller may see) page by page and prints, per partnership, the
// counts by RAG and each action with its board, lead, due date and latest update. Open actions
// only unless --all. Plain JavaScript with JSDoc types, checked by `tsc` against the types
// GraphQL Code Generator makes from schema.graphql (README.md). Needs Node.js 20 or later.

/** @typedef {import("./generated/graphql.js").MyOrganisationActionsQuery} MyOrganisationActionsQuery */
/** @typedef {import("./generated/graphql.js").MyOrganisationActionsQueryVariables} MyOrganisationActionsQueryVariables */
/** @typedef {MyOrganisationActionsQuery["viewer"]["organisationActions"]["nodes"][number]} Action */

const QUERY = /* GraphQL */ `
  query MyOrganisationActions($filter: ActionFilter, $after: String) {
    viewer {
      signedIn
      person {
        name
      }
      organisation {
        name
      }
      organisationActions(filter: $filter, orderBy: { field: DUE_DATE }, first: 100, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          title
          rag
          status
          dueDate
          overdue
          percentComplete
          classification
          partnership {
            name
          }
          board {
            name
          }
          leadPerson {
            name
          }
          leadPost {
            title
          }
          latestUpdate {
            reportedOn
            period
            narrative
          }
        }
      }
    }
  }
`;

const api = (process.env.CSP_HUB_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");
const token = process.env.CSP_HUB_TOKEN || "";
const purpose = process.env.CSP_HUB_PURPOSE || "";
const args = new Set(process.argv.slice(2));
const format = args.has("--csv") ? "csv" : args.has("--json") ? "json" : "table";

if (args.has("--help") || args.has("-h")) {
  console.log("usage: CSP_HUB_TOKEN=<token> [CSP_HUB_URL=…] [CSP_HUB_PURPOSE=…] node my-organisation-actions.mjs [--all] [--csv | --json]");
  process.exit(0);
}
if (!token) {
  console.error("Set CSP_HUB_TOKEN to your CSP Hub token (a development one: csp-hub token <subject>).");
  process.exit(2);
}

/**
 * One page, retried after Retry-After when the rate limit says so.
 * @param {MyOrganisationActionsQueryVariables} variables
 * @returns {Promise<MyOrganisationActionsQuery>}
 */
async function page(variables) {
  for (let attempt = 0; ; attempt += 1) {
    /** @type {Record<string, string>} */
    const headers = {
      "Content-Type": "application/json",
      Accept: "application/graphql-response+json, application/json",
      Authorization: `Bearer ${token}`,
    };
    if (purpose) headers["X-Access-Purpose"] = purpose;
    const response = await fetch(`${api}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: QUERY, operationName: "MyOrganisationActions", variables }),
    });
    /** @type {{ data?: MyOrganisationActionsQuery, errors?: { message: string, extensions?: { code?: string } }[] }} */
    const body = /** @type {any} */ (await response.json());
    const code = body.errors?.[0]?.extensions?.code;
    if ((response.status === 429 || response.status === 503) && attempt < 3) {
      const wait = Number(response.headers.get("retry-after") || "5");
      console.error(`CSP Hub asked to wait ${wait} s (${code}); waiting.`);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    if (body.errors?.length || !body.data) {
      const message = body.errors?.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("\n") ?? `HTTP ${response.status}`;
      throw new Error(message);
    }
    return body.data;
  }
}

/** @type {Action[]} */
const actions = [];
/** @type {MyOrganisationActionsQuery["viewer"] | null} */
let viewer = null;
/** @type {string | null} */
let after = null;
try {
  do {
    const data = await page({ filter: args.has("--all") ? null : { status: ["OPEN"] }, after });
    viewer = data.viewer;
    actions.push(...data.viewer.organisationActions.nodes);
    const info = data.viewer.organisationActions.pageInfo;
    after = info.hasNextPage ? info.endCursor ?? null : null;
  } while (after);
} catch (e) {
  console.error(`CSP Hub (${api}) refused or failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}

if (!viewer || !viewer.signedIn || !viewer.organisation) {
  console.error("The token was accepted but names nobody with an organisation.");
  process.exit(1);
}

const ragWord = (/** @type {Action} */ a) => (a.rag ? a.rag[0] + a.rag.slice(1).toLowerCase() : "Not rated");
const lead = (/** @type {Action} */ a) => a.leadPerson?.name ?? (a.leadPost ? `${a.leadPost.title} (post)` : "");
const marking = (/** @type {Action} */ a) => (a.classification === "OFFICIAL_SENSITIVE" ? "OFFICIAL-SENSITIVE" : "OFFICIAL");

if (format === "json") {
  console.log(JSON.stringify({ organisation: viewer.organisation.name, actions }, null, 2));
} else if (format === "csv") {
  // Quoted cells, and text that a spreadsheet would run as a formula is kept as text.
  const cell = (/** @type {string | number | null | undefined} */ v) => {
    let text = v === null || v === undefined ? "" : String(v);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return `"${text.replaceAll('"', '""')}"`;
  };
  const rows = [["marking", "partnership", "board", "title", "rag", "status", "due", "overdue", "percent complete", "lead", "latest update"]];
  for (const a of actions) {
    rows.push([marking(a), a.partnership?.name ?? "", a.board?.name ?? "", a.title, ragWord(a), a.status, a.dueDate ?? "", a.overdue ? "yes" : "no", String(a.percentComplete), lead(a), a.latestUpdate?.narrative ?? ""]);
  }
  console.log(rows.map((r) => r.map(cell).join(",")).join("\n"));
} else {
  const highest = actions.some((a) => a.classification === "OFFICIAL_SENSITIVE") ? "OFFICIAL-SENSITIVE" : "OFFICIAL";
  console.log(`${highest}\n`);
  console.log(`Actions led by ${viewer.organisation.name}, for ${viewer.person?.name ?? "you"} (${actions.length}${args.has("--all") ? "" : " open"}):`);
  /** @type {Map<string, Action[]>} */
  const byPartnership = new Map();
  for (const a of actions) {
    const key = a.partnership?.name ?? "(no partnership)";
    byPartnership.set(key, [...(byPartnership.get(key) ?? []), a]);
  }
  for (const [partnership, list] of byPartnership) {
    const count = (/** @type {string | null} */ rag) => list.filter((a) => a.status === "OPEN" && a.rag === rag).length;
    console.log(`\n${partnership}: ${count("RED")} red, ${count("AMBER")} amber, ${count("GREEN")} green, ${count(null)} not rated, ${list.filter((a) => a.overdue).length} overdue`);
    for (const a of list) {
      const due = a.dueDate ? `due ${a.dueDate}${a.overdue ? " (OVERDUE)" : ""}` : "no due date";
      const sensitive = a.classification === "OFFICIAL_SENSITIVE" ? " [OFFICIAL-SENSITIVE]" : "";
      console.log(`  [${ragWord(a).padEnd(9)}] ${a.title}${sensitive}`);
      console.log(`      ${a.board?.name ?? ""} · lead ${lead(a) || "none named"} · ${due} · ${a.percentComplete}% · ${a.status.toLowerCase()}`);
      if (a.latestUpdate) console.log(`      latest update ${a.latestUpdate.period ?? a.latestUpdate.reportedOn}: ${a.latestUpdate.narrative.slice(0, 120)}`);
    }
  }
}
