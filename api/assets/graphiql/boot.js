// Starts GraphiQL on CSP Hub's /graphql page. Served from the binary like the libraries it uses
// (React, ReactDOM and GraphiQL's UMD builds, loaded before this file), because the page's
// Content-Security-Policy allows no inline script and nothing from another origin.
//
// Queries and mutations are POSTed to the endpoint with the headers typed in GraphiQL's headers
// editor. Subscriptions use a small graphql-transport-ws client below, one WebSocket per
// subscription, with those same headers as the connection_init payload (browsers cannot set
// headers on a WebSocket, so CSP Hub reads the token and purpose from there).
(function () {
  "use strict";

  var root = document.getElementById("graphiql");
  if (!root || !window.React || !window.ReactDOM || !window.GraphiQL) {
    if (root) root.textContent = "GraphiQL could not load its scripts.";
    return;
  }
  var endpoint = new URL(root.getAttribute("data-endpoint") || "graphql", document.baseURI);
  var socketUrl = new URL(root.getAttribute("data-subscription-endpoint") || "graphql/ws", document.baseURI);
  socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";

  var defaultQuery = [
    "# CSP Hub. Anonymous requests see public records only: to sign in, add",
    '# {"Authorization": "Bearer <token>"} in the Headers tab below',
    "# (a development token: csp-hub token <subject>).",
    "",
    "{",
    "  partnerships(first: 2) {",
    "    nodes {",
    "      name",
    "      ragSummary { counts { total red amber green overdue } }",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");

  /**
   * The operations of a document, [{ kind, name }], read from its top level. Strings and
   * comments are skipped.
   */
  function operations(query) {
    var text = String(query || "")
      .replace(/"""[\s\S]*?"""/g, '""')
      .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
      .replace(/#[^\n]*/g, "");
    var found = [];
    var braces = 0;
    var parens = 0;
    var pending = null;
    var token = /[{}()]|[_A-Za-z][_0-9A-Za-z]*/g;
    var match;
    while ((match = token.exec(text))) {
      var t = match[0];
      if (t === "(") parens += 1;
      else if (t === ")") parens -= 1;
      else if (t === "{") {
        if (braces === 0 && pending === null) found.push({ kind: "query", name: null });
        if (braces === 0 && pending) {
          found.push(pending);
          pending = null;
        }
        braces += 1;
      } else if (t === "}") braces -= 1;
      else if (braces === 0 && parens === 0) {
        if (t === "query" || t === "mutation" || t === "subscription") pending = { kind: t, name: null };
        else if (t === "fragment") pending = false;
        else if (pending && pending.name === null) pending.name = t;
      }
      if (braces === 0 && t === "}") pending = null;
    }
    return found;
  }

  /**
   * Is the operation GraphiQL is about to run a subscription? Read from the text being sent:
   * the parsed document GraphiQL also passes can lag behind the editor.
   */
  function isSubscription(params) {
    var op = operations(params.query).find(function (o) {
      return params.operationName ? o.name === params.operationName : true;
    });
    return !!op && op.kind === "subscription";
  }

  /** Plain string headers from the headers editor's object. */
  function headersFrom(opts) {
    var out = {};
    var given = (opts && opts.headers) || {};
    Object.keys(given).forEach(function (k) {
      if (given[k] !== undefined && given[k] !== null) out[k] = String(given[k]);
    });
    return out;
  }

  function post(params, opts) {
    var headers = Object.assign(
      {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
      },
      headersFrom(opts)
    );
    return fetch(endpoint, { method: "POST", headers: headers, body: JSON.stringify(params) }).then(
      function (response) {
        return response.text().then(function (text) {
          try {
            return JSON.parse(text);
          } catch (e) {
            throw new Error("HTTP " + response.status + ": " + text.slice(0, 200));
          }
        });
      }
    );
  }

  /**
   * One subscription over graphql-transport-ws, as an async iterator of results; GraphiQL calls
   * return() when the user stops it.
   */
  function subscribe(params, opts) {
    var results = [];
    var waiting = null;
    var finished = false;
    var socket = new WebSocket(socketUrl, "graphql-transport-ws");

    function push(item) {
      if (finished) return;
      if (waiting) {
        var w = waiting;
        waiting = null;
        w({ value: item, done: false });
      } else {
        results.push(item);
      }
    }
    function finish() {
      if (finished) return;
      finished = true;
      if (waiting) {
        var w = waiting;
        waiting = null;
        w({ value: undefined, done: true });
      }
      if (socket.readyState <= 1) socket.close(1000, "done");
    }
    socket.onopen = function () {
      socket.send(JSON.stringify({ type: "connection_init", payload: headersFrom(opts) }));
    };
    socket.onmessage = function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      switch (message.type) {
        case "connection_ack":
          socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: params }));
          break;
        case "ping":
          socket.send(JSON.stringify({ type: "pong" }));
          break;
        case "next":
          push(message.payload);
          break;
        case "error":
          push({ errors: message.payload });
          finish();
          break;
        case "complete":
          finish();
          break;
      }
    };
    socket.onclose = function (event) {
      if (!finished) {
        push({
          errors: [
            {
              message:
                "The subscription's connection closed (" +
                event.code +
                (event.reason ? ": " + event.reason : "") +
                ").",
            },
          ],
        });
      }
      finish();
    };

    var iterator = {
      next: function () {
        if (results.length) return Promise.resolve({ value: results.shift(), done: false });
        if (finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise(function (resolve) {
          waiting = resolve;
        });
      },
      return: function () {
        if (!finished && socket.readyState === 1) {
          socket.send(JSON.stringify({ id: "1", type: "complete" }));
        }
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
    iterator[Symbol.asyncIterator] = function () {
      return iterator;
    };
    return iterator;
  }

  function fetcher(params, opts) {
    return isSubscription(params) ? subscribe(params, opts) : post(params, opts);
  }

  root.textContent = "";
  window.ReactDOM.createRoot(root).render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultEditorToolsVisibility: "headers",
      shouldPersistHeaders: false,
    })
  );
})();
