#!/usr/bin/env node
// GraphQL-over-HTTP conformance audit: runs every server audit of the pinned `graphql-http`
// package against a running server and fails if any MUST audit fails.
//
//   node audit.mjs URL [ACCEPTED_SHOULD_ID ...]
//   e.g. node audit.mjs http://127.0.0.1:18080/graphql 22EB 34A2
//
// Each result is one line: level (MUST/SHOULD/MAY), result, audit id, name. Results:
//   ok        the audit passed
//   error     a MUST audit failed                      -> the run fails
//   warn      a SHOULD audit failed (recommendation)   -> reported, the run still passes
//   accepted  a SHOULD audit failed and its id was passed as a known, accepted warning
//   notice    a MAY audit failed (truly optional)      -> reported, the run still passes
//   fatal     the audit could not run (connection refused, timeout, ...) -> the run fails
// Only SHOULD audits can be accepted: naming a MUST or MAY id, or an unknown id, is a usage
// error (exit 2), so no MUST failure can ever be waved through.
// Exit status: 0 = no MUST failure, 1 = a MUST audit failed or an audit could not run, 2 = usage.

import { serverAudits } from 'graphql-http';

const TIMEOUT_MS = Number(process.env.GRAPHQL_HTTP_AUDIT_TIMEOUT_MS || 15000);

const [url, ...acceptedIds] = process.argv.slice(2);
if (!url || !/^https?:\/\//.test(url)) {
  console.error('usage: node audit.mjs http://HOST:PORT/graphql [ACCEPTED_SHOULD_AUDIT_ID ...]');
  process.exit(2);
}

// Every request gets a timeout, so a hung server fails the audit instead of hanging CI.
const fetchFn = (input, init = {}) => fetch(input, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });

const audits = serverAudits({ url, fetchFn });
const levelOf = (name) => name.split(' ')[0]; // names start with MUST, SHOULD or MAY
const byId = new Map(audits.map((a) => [a.id, a]));

const accepted = new Set();
for (const id of acceptedIds.flatMap((s) => s.split(/[,\s]+/)).filter(Boolean)) {
  const a = byId.get(id);
  if (!a) {
    console.error(`audit.mjs: unknown audit id "${id}" in the accepted list`);
    process.exit(2);
  }
  if (levelOf(a.name) !== 'SHOULD') {
    console.error(`audit.mjs: only SHOULD audits can be accepted; ${id} is "${a.name}"`);
    process.exit(2);
  }
  accepted.add(id);
}

async function describe(response) {
  if (!response) return '';
  let body = '';
  try {
    body = (await response.text()).replace(/\s+/g, ' ').trim();
  } catch {
    body = '(body already read)';
  }
  if (body.length > 300) body = `${body.slice(0, 300)}…`;
  const ct = response.headers.get('content-type') ?? '(none)';
  return `got ${response.status}, content-type: ${ct}, body: ${body || '(empty)'}`;
}

const counts = { ok: 0, error: 0, warn: 0, accepted: 0, notice: 0, fatal: 0 };
const stillAccepted = [];

// One at a time, in the package's order: deterministic output, and gentle on a debug build.
for (const a of audits) {
  const level = levelOf(a.name);
  let result;
  let detail = '';
  try {
    const r = await a.fn();
    result = r.status;
    if (r.status !== 'ok') detail = `${r.reason}; ${await describe(r.response)}`;
  } catch (err) {
    result = 'fatal';
    detail = `${err?.name ?? 'Error'}: ${err?.message ?? err}${err?.cause ? ` (${err.cause.code ?? err.cause.message ?? err.cause})` : ''}`;
  }
  if (result === 'warn' && accepted.has(a.id)) result = 'accepted';
  if (result === 'ok' && accepted.has(a.id)) stillAccepted.push(a.id);
  counts[result] = (counts[result] ?? 0) + 1;
  console.log(`${level.padEnd(6)} ${result.padEnd(8)} ${a.id}  ${a.name}`);
  if (detail) console.log(`${' '.repeat(21)}-> ${detail}`);
}

const failed = counts.error + counts.fatal;
console.log('');
for (const id of stillAccepted) {
  console.log(`note: accepted warning ${id} now passes; drop it from the accepted list`);
}
console.log(
  `summary: ${audits.length} audits: ${counts.ok} ok, ${counts.error} MUST failed (error), ` +
    `${counts.warn} SHOULD warnings, ${counts.accepted} accepted SHOULD warnings, ` +
    `${counts.notice} MAY notices, ${counts.fatal} could not run (fatal)`,
);
console.log(
  failed
    ? `graphql-http audit FAILED: ${counts.error} MUST audit(s) failed, ${counts.fatal} audit(s) could not run`
    : 'graphql-http audit passed: every MUST audit is ok',
);
process.exit(failed ? 1 : 0);
