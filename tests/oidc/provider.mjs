// An OpenID Connect provider on loopback for tests/integration/oidc.rs: oauth2-mock-server
// (discovery document, JWKS, signed tokens) behind a few test controls.
//
//   node tests/oidc/provider.mjs      prints "ready <port>" once listening
//
// Controls (test only): GET /control/token?sub=&aud=&kid= mints a token (default: the current
// key), /control/rotate?kid= adds a key and makes it current, /control/down?on=1|0 makes the
// provider unreachable (503) or reachable, /control/stats tells how many times the JWKS was read.
import http from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';

const provider = new OAuth2Server();
let current = 'key-1';
await provider.issuer.keys.generate('RS256', { kid: current });
let jwksReads = 0;
let down = false;

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, provider.issuer.url);
  try {
    if (url.pathname === '/control/token') {
      const kid = url.searchParams.get('kid') ?? current;
      const token = await provider.issuer.buildToken({
        kid,
        scopesOrTransform: (_header, payload) => {
          payload.sub = url.searchParams.get('sub');
          payload.aud = url.searchParams.get('aud');
        },
      });
      res.end(token);
    } else if (url.pathname === '/control/rotate') {
      current = url.searchParams.get('kid');
      await provider.issuer.keys.generate('RS256', { kid: current });
      res.end(current);
    } else if (url.pathname === '/control/down') {
      down = url.searchParams.get('on') === '1';
      res.end(String(down));
    } else if (url.pathname === '/control/stats') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ jwksReads }));
    } else if (down) {
      res.statusCode = 503;
      res.end('down');
    } else {
      if (url.pathname === '/jwks') jwksReads += 1;
      provider.service.requestHandler(req, res);
    }
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  provider.issuer.url = `http://127.0.0.1:${port}`;
  console.log(`ready ${port}`);
});
