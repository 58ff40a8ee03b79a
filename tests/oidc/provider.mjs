// An OpenID Provider for the tests, made of npm `oidc-provider` (a certified implementation), set
// up the way NHS login and NHS CIS2 behave (../shared/DOMAIN.md, "Identity"):
//   - authorisation code flow only, PKCE required, clients authenticate with `private_key_jwt`,
//     ID tokens signed RS512;
//   - NHS login's `vtr` request parameter, and `vot` and `identity_proofing_level` in what comes back;
//     the scope `profile` gives `nhs_number`, `birthdate` and `family_name`;
//   - CIS2's scopes, `selected_roleid` and `nhsid_nrbac_roles`, and an `acr` (AAL2/AAL3).
//
// Every protocol check (redirect URIs, PKCE, client assertions, codes used once, token signing,
// discovery, JWKS, userinfo) is oidc-provider's own code. What is ours:
//   - the sign-in page: a form asking which test person is signing in (no password), which grants
//     the scopes asked for. A person whose `uplift` is true reaches P9 when the portal asks for P9
//     only (as if they had shown photo ID), otherwise they keep their own `level`;
//   - `POST /test/tamper {"id_token": "wrong_nonce" | "expired" | "wrong_audience" | ""}`: the next
//     token responses carry an ID token changed that way, signed again with the provider's own key,
//     so only the portal's checks of the claims can catch it.
//
// Usage: node tests/oidc/provider.mjs --config FILE [--port N] [--exit-with-stdin]
// FILE is JSON: {"keys": {"keys": [private JWKs]}, "clients": [client metadata], "people": {id: {...}}}.
// Prints one line, "listening on http://127.0.0.1:PORT", once it is ready.

import fs from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    config: { type: 'string' },
    port: { type: 'string', default: '0' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
const settings = JSON.parse(fs.readFileSync(args.config, 'utf8'));
const people = settings.people;
const reached = new Map(); // person id -> the identity level of their last sign-in
let tamper = '';

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function levelFor(person, vtr) {
  const asked = JSON.parse(vtr || '[]');
  const onlyP9 = asked.length > 0 && asked.every((vector) => vector.startsWith('P9'));
  return onlyP9 && person.uplift ? 'P9' : person.level;
}

function claimsOf(id) {
  const person = people[id];
  const claims = { sub: id, ...person.claims };
  if (person.level) {
    const level = reached.get(id) || person.level;
    claims.identity_proofing_level = level;
    claims.vot = `${level}.Cp.Cd`;
  }
  return claims;
}

const server = http.createServer();
server.listen(Number(args.port), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: settings.clients,
    jwks: settings.keys,
    cookies: { keys: ['portal-tests-only'] },
    findAccount: async (ctx, id) => (people[id] ? { accountId: id, claims: async () => claimsOf(id) } : undefined),
    claims: {
      openid: ['sub', 'vot', 'identity_proofing_level'],
      profile: ['nhs_number', 'birthdate', 'family_name', 'given_name'],
      email: ['email', 'email_verified'],
      nhsperson: ['name', 'uid'],
      selectedrole: ['selected_roleid'],
      nationalrbacaccess: ['nhsid_nrbac_roles'],
      professionalmemberships: ['professional_memberships'],
      organisationalmemberships: ['nhsid_user_orgs'],
    },
    conformIdTokenClaims: false, // the claims of the scopes granted go in the ID token too
    extraParams: ['vtr'],
    acrValues: ['AAL2_OR_AAL3_ANY', 'AAL3_ANY'],
    pkce: { required: () => true },
    responseTypes: ['code'],
    enabledJWA: {
      idTokenSigningAlgValues: ['RS512', 'RS256'],
      clientAuthSigningAlgValues: ['RS512', 'RS256'],
    },
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
  });

  const signingKey = settings.keys.keys[0];
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || !tamper || !ctx.body || !ctx.body.id_token) return;
    const claims = decodeJwt(ctx.body.id_token);
    const now = Math.floor(Date.now() / 1000);
    if (tamper === 'wrong_nonce') claims.nonce = 'a-nonce-this-portal-never-sent';
    if (tamper === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    if (tamper === 'wrong_audience') claims.aud = 'another-service';
    const header = decodeProtectedHeader(ctx.body.id_token);
    const key = await importJWK(signingKey, header.alg);
    ctx.body = { ...ctx.body, id_token: await new SignJWT(claims).setProtectedHeader(header).sign(key) };
  });

  async function readForm(req) {
    let body = '';
    for await (const chunk of req) body += chunk;
    return new URLSearchParams(body);
  }

  async function signInPage(req, res, uid, problem) {
    const details = await provider.interactionDetails(req, res);
    res.writeHead(problem ? 400 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Test OpenID Provider</title></head><body><main>
<h1>Test OpenID Provider</h1><p>Signing in to ${escapeHtml(details.params.client_id)}</p>
${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label for="person">Who is signing in</label> <input id="person" name="person" autocomplete="off">
<button type="submit">Continue</button></form></main></body></html>`);
  }

  async function finishSignIn(req, res, uid) {
    const form = await readForm(req);
    const id = form.get('person') || '';
    const person = people[id];
    if (!person) return signInPage(req, res, uid, 'Nobody by that name here');
    const { params } = await provider.interactionDetails(req, res);
    if (person.level) reached.set(id, levelFor(person, params.vtr));
    const grant = new provider.Grant({ accountId: id, clientId: params.client_id });
    grant.addOIDCScope(params.scope);
    const login = { accountId: id, amr: ['pwd', 'otp'] };
    if (person.acr) login.acr = person.acr;
    await provider.interactionFinished(req, res, { login, consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: false });
  }

  const handle = provider.callback();
  server.on('request', async (req, res) => {
    try {
      const url = new URL(req.url, issuer);
      const interaction = url.pathname.match(/^\/interaction\/([\w-]+)$/);
      if (interaction && req.method === 'GET') return await signInPage(req, res, interaction[1]);
      if (interaction && req.method === 'POST') return await finishSignIn(req, res, interaction[1]);
      if (url.pathname === '/test/tamper' && req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        tamper = JSON.parse(body).id_token || '';
        res.writeHead(204).end();
        return undefined;
      }
      return handle(req, res);
    } catch (error) {
      process.stderr.write(`${error.stack}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
      return undefined;
    }
  });
  process.stdout.write(`listening on ${issuer}\n`);
});

if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
