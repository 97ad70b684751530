// <csp-rag-panel>: CSP Hub's RAG panel for council intranets. One file, no framework, served by
// the API at /widgets/rag-panel.js (compiled into the binary from widgets/rag-panel.js).
//
//   <script src="https://csp-hub.example/widgets/rag-panel.js"></script>
//   <csp-rag-panel board="BOARD_ID"></csp-rag-panel>
//   <script src="/intranet/csp-sign-in.js"></script>  <!-- sets panel.tokenProvider -->
//
// Attributes:
//   board | organisation   the global ID of a board, or of an organisation (the actions it leads)
//   api                    CSP Hub's address; by default the origin this file was loaded from
//   auth="required"        wait for `tokenProvider` before asking anything (no anonymous request)
//   purpose                sent as X-Access-Purpose where a partnership requires a stated purpose
//   max-red                most red actions listed (default 20, at most 100)
//   heading-level          level of the panel's heading (default 2)
// Properties and methods:
//   tokenProvider          async () => token (or "Bearer token"): asked before every request and
//                          every live connection, so the intranet's single sign-on keeps it fresh;
//                          none (or null returned) means the public view
//   refresh()              reload now (e.g. after the host has signed the user in again)
// Events: `csp-rag-panel-error` (detail: { code, message }) when a request is refused.
//
// It shows the counts of the board's open actions by RAG and the overdue count, and the red
// actions with lead and due date, marked with the highest security classification of what it
// shows. Changes arrive over the actionChanged subscription (graphql-transport-ws) and are
// announced in a polite live region; a dropped connection is shown and retried with back-off.
// Requests use automatic persisted queries (SHA-256 by crypto.subtle) where the page is a
// secure context. Everything is written with textContent: nothing from the API becomes markup.
// Checked with `tsc --checkJs` against types generated from schema.graphql (widgets/README.md).
(function () {
  "use strict";

  /** @typedef {import("./generated/graphql").RagPanelBoardQuery} RagPanelBoardQuery */
  /** @typedef {import("./generated/graphql").RagPanelBoardQueryVariables} RagPanelBoardQueryVariables */
  /** @typedef {import("./generated/graphql").RagPanelOrganisationQuery} RagPanelOrganisationQuery */
  /** @typedef {import("./generated/graphql").RagPanelOrganisationQueryVariables} RagPanelOrganisationQueryVariables */
  /** @typedef {import("./generated/graphql").RagPanelBoardChangesSubscription} RagPanelBoardChangesSubscription */
  /** @typedef {import("./generated/graphql").RagPanelOrganisationChangesSubscription} RagPanelOrganisationChangesSubscription */
  /** @typedef {import("./generated/graphql").RagPanelCountsFragment} Counts */
  /** @typedef {import("./generated/graphql").RagPanelActionFragment} RedAction */
  /** @typedef {import("./generated/graphql").RagPanelMarkingsFragment} Markings */
  /** @typedef {import("./generated/graphql").SecurityMarking} SecurityMarking */
  /** @typedef {import("./generated/graphql").Visibility} Visibility */
  /** @typedef {import("./generated/graphql").Rag} Rag */
  /** @typedef {import("./generated/graphql").ActionStatus} ActionStatus */
  /** @typedef {{ message: string, extensions?: { code?: string, [key: string]: unknown } }} GraphQLError */
  /** @typedef {{ data?: any, errors?: GraphQLError[] }} GraphQLResult */
  /**
   * What the panel shows, whichever kind of owner it is about.
   * @typedef {{
   *   kind: "board" | "organisation",
   *   name: string,
   *   partnership: string | null,
   *   classification: SecurityMarking,
   *   visibility: Visibility | null,
   *   counts: Counts,
   *   red: RedAction[],
   *   redTotal: number,
   * }} Panel
   */
  /** @typedef {{ id?: string, title: string, rag?: Rag | null, status: ActionStatus }} Changed */

  /** The fields both queries read, shared by the two documents. */
  const FRAGMENTS = /* GraphQL */ `
    fragment RagPanelCounts on RagCounts {
      total
      red
      amber
      green
      notRated
      completed
      cancelled
      overdue
    }

    fragment RagPanelMarkings on ActionConnection {
      totalCount
      nodes {
        classification
      }
    }

    fragment RagPanelAction on Action {
      id
      title
      dueDate
      overdue
      classification
      leadPerson {
        name
      }
      leadPost {
        title
        vacant
      }
      leadOrganisation {
        name
        shortName
      }
    }
  `;

  const BOARD_OPERATION = /* GraphQL */ `
    query RagPanelBoard($id: ID!, $first: Int!) {
      owner: node(id: $id) {
        __typename
        ... on Board {
          id
          name
          classification
          visibility
          partnership {
            name
          }
        }
      }
      ragSummary(filter: { boardId: $id }) {
        counts {
          ...RagPanelCounts
        }
      }
      red: actions(
        filter: { boardId: $id, rag: [RED], status: [OPEN] }
        orderBy: { field: DUE_DATE }
        first: $first
      ) {
        totalCount
        nodes {
          ...RagPanelAction
        }
      }
      # The markings of what the counts are made of (see markingOf).
      counted: actions(filter: { boardId: $id }, first: 100) {
        ...RagPanelMarkings
      }
      viewer {
        clearedBoards {
          id
        }
      }
    }
  `;
  const BOARD_QUERY = BOARD_OPERATION + FRAGMENTS;

  const ORGANISATION_OPERATION = /* GraphQL */ `
    query RagPanelOrganisation($id: ID!, $first: Int!) {
      owner: node(id: $id) {
        __typename
        ... on Organisation {
          id
          name
        }
      }
      ragSummary(filter: { leadOrganisationId: $id }) {
        counts {
          ...RagPanelCounts
        }
      }
      red: actions(
        filter: { leadOrganisationId: $id, rag: [RED], status: [OPEN] }
        orderBy: { field: DUE_DATE }
        first: $first
      ) {
        totalCount
        nodes {
          ...RagPanelAction
        }
      }
      # The markings of what the counts are made of (see markingOf).
      counted: actions(filter: { leadOrganisationId: $id }, first: 100) {
        ...RagPanelMarkings
      }
      viewer {
        clearedBoards {
          id
        }
      }
    }
  `;
  const ORGANISATION_QUERY = ORGANISATION_OPERATION + FRAGMENTS;

  const BOARD_CHANGES = /* GraphQL */ `
    subscription RagPanelBoardChanges($id: ID!) {
      actionChanged(boardId: $id) {
        id
        title
        rag
        status
      }
    }
  `;

  const ORGANISATION_CHANGES = /* GraphQL */ `
    subscription RagPanelOrganisationChanges($id: ID!) {
      actionChanged(organisationId: $id) {
        id
        title
        rag
        status
      }
    }
  `;

  /** The address this file was loaded from: the default API. */
  const scriptSrc =
    document.currentScript instanceof HTMLScriptElement ? document.currentScript.src : "";

  const RAG_WORD = { RED: "Red", AMBER: "Amber", GREEN: "Green" };
  const MARKING_WORD = { OFFICIAL: "OFFICIAL", OFFICIAL_SENSITIVE: "OFFICIAL-SENSITIVE" };
  const VISIBILITY_WORD = {
    PUBLIC: "public",
    PARTNERSHIP: "partnership members only",
    RESTRICTED: "cleared members only",
  };

  /** Plain words for each refusal; never the server's own text for the codes we know. */
  const REFUSALS = {
    UNAUTHENTICATED:
      "You are not signed in to CSP Hub, or your sign-in has expired. Sign in again to see this panel.",
    FORBIDDEN: "You are not allowed to see this panel's actions.",
    NOT_FOUND: "This board or organisation does not exist, or you are not allowed to see it.",
    ACCESS_CHANGED: "Your access to CSP Hub changed. The panel now shows only what you may see.",
    RATE_LIMITED: "CSP Hub is busy with too many requests from you. The panel will try again shortly.",
    SERVICE_UNAVAILABLE: "CSP Hub is not available just now. The panel will try again shortly.",
    NETWORK:
      "CSP Hub cannot be reached from this page. If this continues, ask the CSP Hub administrators whether this site is allowed (CSP_CORS_ORIGINS).",
    CONFIG: "This panel is not set up: it needs a board or organisation attribute.",
  };

  const STYLE = `
    :host { display: block; font: 1rem/1.4 system-ui, -apple-system, "Segoe UI", Arial, sans-serif;
      color: #0b0c0c; background: #fff; }
    :host([hidden]) { display: none; }
    section { border: 1px solid #b1b4b6; padding: 0.75rem 1rem; max-width: 48rem; }
    .marking { display: inline-block; margin: 0 0 0.5rem; padding: 0.1rem 0.4rem; font-weight: 700;
      letter-spacing: 0.02em; border: 2px solid #0b0c0c; }
    .marking[data-marking="OFFICIAL_SENSITIVE"] { background: #0b0c0c; color: #fff; }
    .heading { margin: 0 0 0.25rem; font-size: 1.25rem; }
    .sub { margin: 0 0 0.75rem; color: #505a5f; }
    table { border-collapse: collapse; margin: 0 0 0.75rem; width: 100%; }
    caption { text-align: left; font-weight: 700; padding: 0 0 0.25rem; }
    th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #b1b4b6; vertical-align: top; }
    td.n { text-align: right; font-variant-numeric: tabular-nums; }
    thead th { border-bottom: 2px solid #0b0c0c; }
    .rag { display: inline-block; min-width: 4.5em; padding: 0.05rem 0.4rem; font-weight: 700;
      border: 1px solid #0b0c0c; }
    .rag-RED { background: #b21f0c; color: #fff; }
    .rag-AMBER { background: #ffdd00; color: #0b0c0c; }
    .rag-GREEN { background: #00703c; color: #fff; }
    .rag-NONE { background: #fff; color: #0b0c0c; border-style: dashed; }
    .overdue { font-weight: 700; color: #942514; }
    .message { margin: 0.5rem 0; padding: 0.5rem 0.75rem; border-left: 5px solid #0b0c0c; background: #f3f2f1; }
    .message:empty, .announce:empty { display: none; }
    .message[data-kind="error"] { border-color: #b21f0c; }
    .footer { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; color: #505a5f; }
    .live[data-live="down"] { color: #942514; font-weight: 700; }
    .announce { margin: 0.5rem 0; }
    button { font: inherit; padding: 0.25rem 0.75rem; border: 2px solid #0b0c0c; background: #fff;
      color: #0b0c0c; cursor: pointer; }
    button:hover { background: #f3f2f1; }
    button:focus-visible { outline: 3px solid #ffdd00; outline-offset: 0; box-shadow: 0 0 0 6px #0b0c0c; }
    [hidden] { display: none !important; }
    @media (forced-colors: active) { .rag, .marking { border: 2px solid CanvasText; } }
  `;

  const TEMPLATE = `
    <section part="panel">
      <p class="marking" part="marking" hidden></p>
      <div class="heading-slot"></div>
      <p class="sub" part="subtitle" hidden></p>
      <p class="message" part="message" role="status"></p>
      <div class="body" hidden>
        <table class="counts" part="counts">
          <caption>Open actions by RAG rating</caption>
          <thead><tr><th scope="col">Rating</th><th scope="col">Actions</th></tr></thead>
          <tbody></tbody>
        </table>
        <table class="red" part="red-actions">
          <caption>Red actions</caption>
          <thead><tr><th scope="col">Action</th><th scope="col">Lead</th><th scope="col">Due</th></tr></thead>
          <tbody></tbody>
        </table>
        <p class="none-red" hidden>No open actions are rated red.</p>
        <p class="more-red" hidden></p>
      </div>
      <p class="announce" part="announcements" aria-live="polite" aria-atomic="true"></p>
      <div class="footer">
        <span class="live" part="live-status" aria-live="polite"></span>
        <button type="button" class="reload" part="reload">Reload</button>
      </div>
    </section>
  `;

  const dateFormat = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  });

  /**
   * The lowercase hex SHA-256 of a text, or null where the page cannot hash (not a secure
   * context): the panel then sends whole documents.
   * @param {string} text
   * @returns {Promise<string | null>}
   */
  async function sha256(text) {
    if (!globalThis.crypto || !crypto.subtle) return null;
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** @type {Map<string, Promise<string | null>>} */
  const hashes = new Map();
  /** @param {string} query */
  function hashOf(query) {
    let hash = hashes.get(query);
    if (!hash) {
      hash = sha256(query);
      hashes.set(query, hash);
    }
    return hash;
  }

  /** An error the panel shows, with CSP Hub's code (or NETWORK / CONFIG for its own). */
  class PanelError extends Error {
    /**
     * @param {string} code
     * @param {string} message
     * @param {number | null} [retryAfter] seconds, when the server said
     */
    constructor(code, message, retryAfter) {
      super(message);
      this.code = code;
      this.retryAfter = retryAfter ?? null;
    }
  }

  /** @param {GraphQLError[] | undefined} errors */
  function firstCode(errors) {
    const coded = (errors || []).find((e) => e && e.extensions && e.extensions.code);
    return coded && coded.extensions ? String(coded.extensions.code) : "INTERNAL";
  }

  /** @param {{ code: string, message: string }} error */
  function wordsFor(error) {
    return REFUSALS[/** @type {keyof typeof REFUSALS} */ (error.code)] || error.message;
  }

  /** @param {SecurityMarking[]} markings */
  function highest(markings) {
    return markings.includes("OFFICIAL_SENSITIVE") ? "OFFICIAL_SENSITIVE" : "OFFICIAL";
  }

  /**
   * The marking of what the panel shows: the highest of the owner's own marking and of every
   * action its counts are made of. The API gives no marking for a summary, so the panel reads
   * the counted actions' markings (one cheap page of 100); beyond 100, a viewer cleared for
   * restricted items (of this board, or of any board for an organisation) may be counting some,
   * so the panel is marked OFFICIAL-SENSITIVE rather than risk marking it too low.
   * @param {SecurityMarking[]} own
   * @param {Markings} counted
   * @param {boolean} mayCountRestricted
   * @returns {SecurityMarking}
   */
  function markingOf(own, counted, mayCountRestricted) {
    const partial = counted.totalCount > counted.nodes.length;
    if (partial && mayCountRestricted) return "OFFICIAL_SENSITIVE";
    return highest([...own, ...counted.nodes.map((a) => a.classification)]);
  }

  /** @param {RedAction} action */
  function leadOf(action) {
    const who = action.leadPerson
      ? action.leadPerson.name
      : action.leadPost
        ? action.leadPost.title + (action.leadPost.vacant ? " (vacant)" : "")
        : "";
    const org = action.leadOrganisation
      ? action.leadOrganisation.shortName || action.leadOrganisation.name
      : "";
    if (who && org) return `${who}, ${org}`;
    return who || org || "No lead named";
  }

  /**
   * @param {string} tag
   * @param {string} [text]
   * @param {string} [className]
   */
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  /** @param {Rag | null | undefined} rag */
  function ragBadge(rag) {
    const badge = el("span", rag ? RAG_WORD[rag] : "Not rated", `rag rag-${rag || "NONE"}`);
    badge.setAttribute("data-rag", rag || "NONE");
    return badge;
  }

  class CspRagPanel extends HTMLElement {
    static get observedAttributes() {
      return ["board", "organisation", "api", "auth", "purpose", "max-red", "heading-level"];
    }

    constructor() {
      super();
      /** @type {(() => Promise<string | null | undefined> | string | null | undefined) | null} */
      this._tokenProvider = null;
      /** @type {Panel | null} */
      this._panel = null;
      /** @type {WebSocket | null} */
      this._socket = null;
      this._generation = 0;
      this._backoff = 1;
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      this._retryTimer = undefined;
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      this._reloadTimer = undefined;
      this._connected = false;
      this._liveWasUp = false;

      const root = this.attachShadow({ mode: "open" });
      if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
        // A constructed stylesheet is not inline style: the host page's CSP need not allow it.
        const sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLE);
        root.adoptedStyleSheets = [sheet];
      } else {
        root.appendChild(el("style", STYLE));
      }
      const template = document.createElement("template");
      template.innerHTML = TEMPLATE;
      root.appendChild(template.content.cloneNode(true));
      const find = (/** @type {string} */ selector) => {
        const found = root.querySelector(selector);
        if (!(found instanceof HTMLElement)) throw new Error(`rag-panel: missing ${selector}`);
        return found;
      };
      this._ui = {
        marking: find(".marking"),
        headingSlot: find(".heading-slot"),
        sub: find(".sub"),
        message: find(".message"),
        body: find(".body"),
        counts: find(".counts tbody"),
        redTable: find("table.red"),
        red: find("table.red tbody"),
        noneRed: find(".none-red"),
        moreRed: find(".more-red"),
        announce: find(".announce"),
        live: find(".live"),
        reload: find(".reload"),
      };
      this._ui.reload.addEventListener("click", () => this.refresh());
    }

    /** The host's source of tokens; setting it (again) reloads with the new identity. */
    get tokenProvider() {
      return this._tokenProvider;
    }

    set tokenProvider(provider) {
      this._tokenProvider = typeof provider === "function" ? provider : null;
      if (this._connected) this.refresh();
    }

    connectedCallback() {
      // A provider set on the element before this script defined it is an own property that
      // hides the accessor: take it over.
      if (Object.prototype.hasOwnProperty.call(this, "tokenProvider")) {
        const early = /** @type {any} */ (this).tokenProvider;
        delete (/** @type {any} */ (this).tokenProvider);
        this._tokenProvider = typeof early === "function" ? early : null;
      }
      this._connected = true;
      this.refresh();
    }

    disconnectedCallback() {
      this._connected = false;
      this._stop();
    }

    attributeChangedCallback() {
      if (this._connected) this.refresh();
    }

    /** Reloads now and reconnects the live updates. */
    refresh() {
      this._stop();
      const generation = this._generation;
      this._renderHeading();
      if (!this._ownerId()) {
        this._fail(new PanelError("CONFIG", REFUSALS.CONFIG));
        return;
      }
      if (this.getAttribute("auth") === "required" && !this._tokenProvider) {
        this._say("Waiting for sign-in…", "info");
        return;
      }
      this._say(this._panel ? "" : "Loading…", "info");
      this._load(generation).then((ok) => {
        if (ok && generation === this._generation) this._connect(generation);
      });
    }

    /** Ends the live connection and pending timers; late answers are then ignored. */
    _stop() {
      this._generation += 1;
      clearTimeout(this._retryTimer);
      clearTimeout(this._reloadTimer);
      if (this._socket) {
        const socket = this._socket;
        this._socket = null;
        socket.onclose = null;
        socket.onmessage = null;
        if (socket.readyState <= 1) socket.close(1000, "panel stopped");
      }
      this._setLive("", "off");
      this._liveWasUp = false;
      this._backoff = 1;
    }

    _kind() {
      return this.hasAttribute("board") ? "board" : "organisation";
    }

    _ownerId() {
      return (this.getAttribute("board") || this.getAttribute("organisation") || "").trim();
    }

    /** CSP Hub's base address (no trailing slash). */
    _api() {
      const given = this.getAttribute("api");
      if (given) return given.replace(/\/+$/, "");
      if (scriptSrc) return new URL(".", scriptSrc).href.replace(/\/widgets\/?$/, "");
      return location.origin;
    }

    _maxRed() {
      const n = Number.parseInt(this.getAttribute("max-red") || "20", 10);
      return Number.isFinite(n) ? Math.min(Math.max(n, 1), 100) : 20;
    }

    /** The request headers: the token when the host gives one, and the stated purpose. */
    async _headers() {
      /** @type {Record<string, string>} */
      const headers = {};
      if (this._tokenProvider) {
        const token = await this._tokenProvider();
        if (token) headers.Authorization = /^Bearer /i.test(token) ? token : `Bearer ${token}`;
      }
      const purpose = this.getAttribute("purpose");
      if (purpose) headers["X-Access-Purpose"] = purpose;
      return headers;
    }

    /**
     * One GraphQL request, by hash first (automatic persisted queries), then with the document
     * when the server does not know the hash yet.
     * @param {string} query
     * @param {string} operationName
     * @param {Record<string, unknown>} variables
     * @returns {Promise<GraphQLResult>}
     */
    async _request(query, operationName, variables) {
      const hash = await hashOf(query);
      const headers = {
        "Content-Type": "application/json",
        // Plain JSON: a request CSP Hub must refuse (an unknown persisted-query hash) is then a
        // 200 with errors, not a 400 that browsers log as a failed load on the host's console.
        Accept: "application/json",
        ...(await this._headers()),
      };
      /** @param {boolean} withDocument */
      const send = async (withDocument) => {
        /** @type {Record<string, unknown>} */
        const body = { operationName, variables };
        if (hash) body.extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
        if (withDocument || !hash) body.query = query;
        let response;
        try {
          response = await fetch(`${this._api()}/graphql`, {
            method: "POST",
            headers,
            body: JSON.stringify(body),
            credentials: "omit",
            mode: "cors",
          });
        } catch (e) {
          throw new PanelError("NETWORK", REFUSALS.NETWORK);
        }
        /** @type {GraphQLResult} */
        let result;
        try {
          result = await response.json();
        } catch (e) {
          throw new PanelError(response.status === 503 ? "SERVICE_UNAVAILABLE" : "INTERNAL", `CSP Hub answered ${response.status}.`);
        }
        if (!result.data && result.errors && result.errors.length) {
          const retry = Number.parseInt(response.headers.get("Retry-After") || "", 10);
          throw new PanelError(firstCode(result.errors), result.errors[0].message, Number.isFinite(retry) ? retry : null);
        }
        return result;
      };
      try {
        return await send(false);
      } catch (e) {
        if (e instanceof PanelError && /^PersistedQueryNotFound/.test(e.message)) return send(true);
        throw e;
      }
    }

    /**
     * Loads the panel's data and shows it; false when it could not.
     * @param {number} generation
     */
    async _load(generation) {
      const kind = this._kind();
      const variables = { id: this._ownerId(), first: this._maxRed() };
      try {
        const result =
          kind === "board"
            ? await this._request(BOARD_QUERY, "RagPanelBoard", /** @type {RagPanelBoardQueryVariables} */ (variables))
            : await this._request(ORGANISATION_QUERY, "RagPanelOrganisation", /** @type {RagPanelOrganisationQueryVariables} */ (variables));
        if (generation !== this._generation) return false;
        const panel = kind === "board" ? this._fromBoard(result.data) : this._fromOrganisation(result.data);
        if (!panel) throw new PanelError("NOT_FOUND", REFUSALS.NOT_FOUND);
        if (result.errors && result.errors.length) {
          throw new PanelError(firstCode(result.errors), result.errors[0].message);
        }
        this._panel = panel;
        this._render();
        return true;
      } catch (e) {
        if (generation !== this._generation) return false;
        const error = e instanceof PanelError ? e : new PanelError("INTERNAL", String(e));
        this._fail(error);
        if (["RATE_LIMITED", "SERVICE_UNAVAILABLE", "NETWORK"].includes(error.code)) {
          const wait = error.retryAfter || Math.min(this._backoff * 5, 60);
          this._backoff = Math.min(this._backoff * 2, 12);
          this._retryTimer = setTimeout(() => {
            if (generation === this._generation) {
              this._load(generation).then((ok) => {
                if (ok && generation === this._generation) this._connect(generation);
              });
            }
          }, wait * 1000);
        }
        return false;
      }
    }

    /**
     * @param {RagPanelBoardQuery | undefined} data
     * @returns {Panel | null}
     */
    _fromBoard(data) {
      const owner = data && data.owner;
      if (!data || !owner || owner.__typename !== "Board") return null;
      const red = data.red.nodes;
      return {
        kind: "board",
        name: owner.name,
        partnership: owner.partnership ? owner.partnership.name : null,
        classification: markingOf(
          [owner.classification, ...red.map((a) => a.classification)],
          data.counted,
          data.viewer.clearedBoards.some((b) => b.id === owner.id)
        ),
        visibility: owner.visibility,
        counts: data.ragSummary.counts,
        red,
        redTotal: data.red.totalCount,
      };
    }

    /**
     * @param {RagPanelOrganisationQuery | undefined} data
     * @returns {Panel | null}
     */
    _fromOrganisation(data) {
      const owner = data && data.owner;
      if (!data || !owner || owner.__typename !== "Organisation") return null;
      const red = data.red.nodes;
      return {
        kind: "organisation",
        name: owner.name,
        partnership: null,
        classification: markingOf(
          red.map((a) => a.classification),
          data.counted,
          data.viewer.clearedBoards.length > 0
        ),
        visibility: null,
        counts: data.ragSummary.counts,
        red,
        redTotal: data.red.totalCount,
      };
    }

    _renderHeading() {
      const level = Math.min(Math.max(Number.parseInt(this.getAttribute("heading-level") || "2", 10) || 2, 1), 6);
      const panel = this._panel;
      const text = panel
        ? panel.kind === "board"
          ? `RAG summary: ${panel.name}`
          : `RAG summary: actions led by ${panel.name}`
        : "RAG summary";
      const heading = el(`h${level}`, text, "heading");
      heading.setAttribute("part", "heading");
      this._ui.headingSlot.replaceChildren(heading);
    }

    _render() {
      const panel = this._panel;
      const ui = this._ui;
      this._renderHeading();
      if (!panel) {
        ui.body.hidden = true;
        ui.marking.hidden = true;
        ui.sub.hidden = true;
        return;
      }
      ui.marking.hidden = false;
      ui.marking.textContent = MARKING_WORD[panel.classification];
      ui.marking.setAttribute("data-marking", panel.classification);
      ui.marking.setAttribute("aria-label", `Security classification: ${MARKING_WORD[panel.classification]}`);
      const about = [];
      if (panel.partnership) about.push(panel.partnership);
      if (panel.visibility) about.push(`board visible to ${VISIBILITY_WORD[panel.visibility]}`);
      ui.sub.textContent = about.join(" · ");
      ui.sub.hidden = about.length === 0;

      const c = panel.counts;
      /** @type {[Rag | null, string, number][]} */
      const rows = [
        ["RED", "Red", c.red],
        ["AMBER", "Amber", c.amber],
        ["GREEN", "Green", c.green],
        [null, "Not rated", c.notRated],
      ];
      const countRows = rows.map(([rag, , n]) => {
        const tr = el("tr");
        tr.setAttribute("data-rag", rag || "NONE");
        const th = el("th");
        th.setAttribute("scope", "row");
        th.appendChild(ragBadge(rag));
        tr.append(th, el("td", String(n), "n"));
        return tr;
      });
      const overdue = el("tr");
      overdue.setAttribute("data-count", "overdue");
      const overdueHead = el("th", "Overdue (open, past due date)");
      overdueHead.setAttribute("scope", "row");
      overdue.append(overdueHead, el("td", String(c.overdue), "n"));
      const total = el("tr");
      total.setAttribute("data-count", "total");
      const totalHead = el("th", `All actions (including ${c.completed} completed, ${c.cancelled} cancelled)`);
      totalHead.setAttribute("scope", "row");
      total.append(totalHead, el("td", String(c.total), "n"));
      ui.counts.replaceChildren(...countRows, overdue, total);

      ui.red.replaceChildren(
        ...panel.red.map((action) => {
          const tr = el("tr");
          tr.setAttribute("data-action-id", action.id);
          const title = el("td");
          title.append(ragBadge("RED"), document.createTextNode(" "), el("span", action.title, "title"));
          if (action.classification === "OFFICIAL_SENSITIVE") {
            title.append(document.createTextNode(" "), el("span", "(OFFICIAL-SENSITIVE)", "action-marking"));
          }
          const due = el("td");
          if (action.dueDate) {
            const time = el("time", dateFormat.format(new Date(`${action.dueDate}T00:00:00Z`)));
            time.setAttribute("datetime", action.dueDate);
            due.appendChild(time);
            if (action.overdue) due.append(document.createTextNode(" "), el("span", "Overdue", "overdue"));
          } else {
            due.textContent = "No due date";
          }
          tr.append(title, el("td", leadOf(action)), due);
          return tr;
        })
      );
      ui.redTable.hidden = panel.red.length === 0;
      ui.noneRed.hidden = panel.red.length !== 0;
      const more = panel.redTotal - panel.red.length;
      ui.moreRed.hidden = more <= 0;
      ui.moreRed.textContent = more > 0 ? `and ${more} more red actions not listed here.` : "";
      ui.body.hidden = false;
      // A change of access stays said until the next reload by hand; anything else is over.
      if (this._ui.message.getAttribute("data-code") !== "ACCESS_CHANGED") this._say("", "info");
    }

    /**
     * Shows a refusal or failure. A refusal clears what was shown: the person may no longer see it.
     * @param {PanelError} error
     */
    _fail(error) {
      const words = wordsFor(error);
      if (["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFIG"].includes(error.code)) {
        this._panel = null;
        this._render();
      }
      this._say(words, "error", error.code);
      this.dispatchEvent(
        new CustomEvent("csp-rag-panel-error", { detail: { code: error.code, message: words }, bubbles: true, composed: true })
      );
    }

    /**
     * @param {string} text
     * @param {"info" | "error"} kind
     * @param {string} [code]
     */
    _say(text, kind, code) {
      const message = this._ui.message;
      // An error interrupts (alert); progress is a polite status.
      message.setAttribute("role", kind === "error" ? "alert" : "status");
      message.setAttribute("data-kind", kind);
      if (code) message.setAttribute("data-code", code);
      else message.removeAttribute("data-code");
      message.textContent = text;
    }

    /**
     * @param {string} text
     * @param {"off" | "connecting" | "up" | "down"} state
     */
    _setLive(text, state) {
      this._ui.live.textContent = text;
      this._ui.live.setAttribute("data-live", state);
      this.setAttribute("data-live", state);
    }

    /**
     * Opens the live connection (graphql-transport-ws) and subscribes to the owner's changes.
     * @param {number} generation
     */
    async _connect(generation) {
      let headers;
      try {
        headers = await this._headers();
      } catch (e) {
        headers = {};
      }
      if (generation !== this._generation) return;
      const url = new URL(`${this._api()}/graphql/ws`);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      this._setLive(this._liveWasUp ? "Live updates interrupted: reconnecting…" : "Connecting live updates…", this._liveWasUp ? "down" : "connecting");
      let socket;
      try {
        socket = new WebSocket(url, "graphql-transport-ws");
      } catch (e) {
        this._dropped(generation);
        return;
      }
      this._socket = socket;
      let acknowledged = false;
      const ackTimer = setTimeout(() => {
        if (!acknowledged && socket.readyState <= 1) socket.close(4408, "no acknowledgement");
      }, 10000);
      socket.onopen = () => {
        socket.send(JSON.stringify({ type: "connection_init", payload: headers }));
      };
      socket.onmessage = (event) => {
        if (generation !== this._generation) return;
        let message;
        try {
          message = JSON.parse(String(event.data));
        } catch (e) {
          return;
        }
        switch (message.type) {
          case "connection_ack": {
            acknowledged = true;
            clearTimeout(ackTimer);
            const kind = this._kind();
            socket.send(
              JSON.stringify({
                id: "changes",
                type: "subscribe",
                payload: {
                  query: kind === "board" ? BOARD_CHANGES : ORGANISATION_CHANGES,
                  operationName: kind === "board" ? "RagPanelBoardChanges" : "RagPanelOrganisationChanges",
                  variables: { id: this._ownerId() },
                },
              })
            );
            const recovered = this._liveWasUp;
            this._liveWasUp = true;
            this._backoff = 1;
            this._setLive("Live updates on.", "up");
            // Changes made while the connection was down were not seen: catch up.
            if (recovered) this._scheduleReload(generation);
            break;
          }
          case "ping":
            socket.send(JSON.stringify({ type: "pong" }));
            break;
          case "next": {
            const payload = message.payload || {};
            if (payload.errors && payload.errors.length) {
              // Access changed (FORBIDDEN) or the sign-in ended: say so, reload what may now be
              // seen, and subscribe again once the server ends this stream.
              const code = firstCode(payload.errors);
              const shown = code === "FORBIDDEN" ? "ACCESS_CHANGED" : code;
              this._say(wordsFor({ code: shown, message: payload.errors[0].message }), "error", shown);
              this._scheduleReload(generation);
              break;
            }
            /** @type {RagPanelBoardChangesSubscription | RagPanelOrganisationChangesSubscription | undefined} */
            const data = payload.data;
            if (data && data.actionChanged) {
              this._announce(data.actionChanged);
              this._scheduleReload(generation);
            }
            break;
          }
          case "error": {
            // The subscription itself was refused (a bad ID): no point retrying.
            const code = firstCode(message.payload);
            this._setLive("Live updates are off.", "off");
            this._fail(new PanelError(code, (message.payload && message.payload[0] && message.payload[0].message) || code));
            socket.onclose = null;
            socket.close(1000, "refused");
            break;
          }
          case "complete":
            // The server ended the stream (e.g. after access changed): reconnect afresh.
            socket.close(1000, "complete");
            break;
        }
      };
      socket.onclose = (event) => {
        clearTimeout(ackTimer);
        if (generation !== this._generation || this._socket !== socket) return;
        this._socket = null;
        // Closed before acknowledging, by CSP Hub (1002 with its reason, as async-graphql refuses a
        // connection_init) or a 44xx code: the token was refused. Retried all the same: the
        // host's provider may have a fresh token by then.
        if (!acknowledged && ((event.code === 1002 && event.reason) || (event.code >= 4400 && event.code < 4500 && event.code !== 4408))) {
          this._fail(new PanelError("UNAUTHENTICATED", REFUSALS.UNAUTHENTICATED));
        }
        this._dropped(generation);
      };
    }

    /**
     * Shows that live updates stopped and tries again with back-off (1 s, 2 s, 4 s … 30 s).
     * @param {number} generation
     */
    _dropped(generation) {
      const wait = this._backoff;
      this._backoff = Math.min(this._backoff * 2, 30);
      this._liveWasUp = true;
      this._setLive(`Live updates interrupted: reconnecting in ${wait} s…`, "down");
      this._retryTimer = setTimeout(() => {
        if (generation === this._generation) this._connect(generation);
      }, wait * 1000);
    }

    /** @param {number} generation */
    _scheduleReload(generation) {
      clearTimeout(this._reloadTimer);
      // Several changes in a burst make one reload.
      this._reloadTimer = setTimeout(() => {
        if (generation === this._generation) this._load(generation);
      }, 50);
    }

    /** @param {Changed} action */
    _announce(action) {
      const state =
        action.status === "COMPLETED"
          ? "was completed"
          : action.status === "CANCELLED"
            ? "was cancelled"
            : `is now rated ${action.rag ? RAG_WORD[action.rag] : "not rated"}`;
      const time = new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
      this._ui.announce.textContent = `Update at ${time}: “${action.title}” ${state}.`;
    }
  }

  if (!customElements.get("csp-rag-panel")) customElements.define("csp-rag-panel", CspRagPanel);
})();
