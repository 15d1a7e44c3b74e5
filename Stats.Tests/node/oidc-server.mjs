// An OpenID Connect provider for the sign-in tests (oidc-provider), on 127.0.0.1 over plain HTTP.
//
//   node oidc-server.mjs <port> <dashboard base URL>
//
// One confidential client, "stats-dashboard" (secret "stats-secret"): authorization code with PKCE, refresh tokens, the
// dashboard's /signin-oidc and /signout-callback-oidc. Its own login and consent forms (usernames and passwords below) and
// sign-out page. Accounts carry a "groups" claim. Two accounts exist to be refused: mallory's id tokens come with a broken
// signature, eve's are properly signed but expired an hour ago. Rita's and Rex's access tokens expire within
// the refresh margin, and Rex's refresh is refused. Prints "listening <issuer>" once it accepts connections.
import http from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt } from 'jose';
import Provider from 'oidc-provider';

const [port, dashboard] = process.argv.slice(2);
if (!port || !dashboard) {
  console.error('usage: node oidc-server.mjs <port> <dashboard base URL>');
  process.exit(2);
}

const issuer = `http://127.0.0.1:${port}`;
const base = dashboard.replace(/\/$/, '');

const accounts = {
  alice: { password: 'alice-pw', sub: 'user-alice', name: 'Alice Admin', groups: ['stats-admins', 'physicists'] },
  carl: { password: 'carl-pw', sub: 'user-carl', name: 'Carl Curator', groups: ['curators-hep'] },
  olga: { password: 'olga-pw', sub: 'user-001', name: 'Olga Owner', groups: [] },
  paul: { password: 'paul-pw', sub: 'user-paul', name: 'Paul Plain', groups: ['physicists'] },
  mallory: { password: 'mallory-pw', sub: 'user-mallory', name: 'Mallory Tampered', groups: ['stats-admins'] },
  eve: { password: 'eve-pw', sub: 'user-eve', name: 'Eve Expired', groups: ['stats-admins'] },
  rita: { password: 'rita-pw', sub: 'user-rita', name: 'Rita Refresh', groups: ['curators-ecology'] },
  rex: { password: 'rex-pw', sub: 'user-rex', name: 'Rex Revoked', groups: ['stats-admins'] },
};
// Rita's and Rex's access tokens last 30 seconds, so that the dashboard refreshes them at once; Rex's refresh is refused
// (as for an account disabled since it signed in).
const shortLived = new Set([accounts.rita.sub, accounts.rex.sub]);
const bySub = Object.fromEntries(Object.values(accounts).map((a) => [a.sub, a]));

// A key of our own (rather than the provider's development key), so that eve's expired token can be signed with it.
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'stats-dashboard',
    client_secret: 'stats-secret',
    client_name: 'Stats dashboard',
    redirect_uris: [`${base}/signin-oidc`],
    post_logout_redirect_uris: [`${base}/signout-callback-oidc`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: ['stats-test-cookie-key'] },
  claims: { openid: ['sub'], profile: ['name'], groups: ['groups'] },
  scopes: ['openid', 'offline_access', 'profile', 'groups'],
  // The claims of the scopes go into the id token too, as Keycloak and Azure AD do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: (ctx, token) => (shortLived.has(token.accountId) ? 30 : 3600),
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out of the test provider?', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Signed out', '<p>You are signed out of the test provider.</p>');
      },
    },
  },
  findAccount: async (ctx, sub) => {
    const account = bySub[sub];
    return account && { accountId: sub, claims: async () => ({ sub, name: account.name, groups: account.groups }) };
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = page('Provider error', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
});

// Each refresh, for the tests to see: "refreshed <sub>".
provider.on('grant.success', (ctx) => {
  if (ctx.oidc.params.grant_type === 'refresh_token') {
    console.log(`refreshed ${ctx.oidc.entities.RefreshToken?.accountId ?? ctx.oidc.entities.Account?.accountId}`);
  }
});

// The two refused accounts: rewrite the id token of the token endpoint's answer.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== '/token' || !ctx.body?.id_token) {
    return;
  }

  if (ctx.oidc?.params?.grant_type === 'refresh_token' && ctx.oidc.entities.RefreshToken?.accountId === accounts.rex.sub) {
    console.log(`refused ${accounts.rex.sub}`);
    ctx.status = 400;
    ctx.body = { error: 'invalid_grant', error_description: 'the account is disabled' };
    return;
  }

  const claims = decodeJwt(ctx.body.id_token);
  if (claims.sub === accounts.mallory.sub) {
    const [header, payload, signature] = ctx.body.id_token.split('.');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    ctx.body = { ...ctx.body, id_token: `${header}.${payload}.${flipped}` };
  } else if (claims.sub === accounts.eve.sub) {
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 })
      .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid })
      .sign(privateKey);
    ctx.body = { ...ctx.body, id_token: expired };
  }
});

const readForm = (req) => new Promise((resolve, reject) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
  req.on('error', reject);
});

const send = (res, status, html) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
};

const loginForm = (uid, error) => page('Sign in to the test provider', `
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login" autocomplete="off">
  <label>Username <input name="login" required autofocus></label>
  <label>Password <input name="password" type="password" required></label>
  <button type="submit">Sign in</button>
</form>`);

const consentForm = (uid, client, scopes) => page('Authorize access', `
<p>${escape(client)} asks for: ${escape(scopes.join(' '))}</p>
<form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>`);

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params } = details;
  if (req.method === 'GET') {
    return prompt.name === 'login'
      ? send(res, 200, loginForm(uid))
      : send(res, 200, consentForm(uid, params.client_id, [...(prompt.details.missingOIDCScope ?? [])]));
  }

  if (action === 'login') {
    const { login, password } = await readForm(req);
    const account = accounts[login];
    if (!account || account.password !== password) {
      return send(res, 200, loginForm(uid, 'Wrong username or password.'));
    }

    return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
  }

  if (action === 'confirm') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) {
      grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    }

    if (prompt.details.missingOIDCClaims) {
      grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    }

    for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }

    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
  }

  return send(res, 404, page('Not found', ''));
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login|confirm))?(?:\?.*)?$/.exec(req.url);
  if (!match) {
    return callback(req, res);
  }

  try {
    await interaction(req, res, match[1], match[2]);
  } catch (error) {
    console.error(error);
    send(res, 400, page('Interaction failed', `<pre>${escape(error.message)}</pre>`));
  }
});

server.listen(Number(port), '127.0.0.1', () => console.log(`listening ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
