// Cross-checks handoff-server's tokens and webhook signatures with LiveKit's
// own Node SDK (livekit-server-sdk).
//   node lk-sdk-check.cjs verify <token>          -> claims JSON, or exit 1
//   node lk-sdk-check.cjs sign-webhook <bodyfile> -> Authorization value for that body
// The API key and secret come from LK_KEY / LK_SECRET.
'use strict';
const fs = require('fs');
const { TokenVerifier, AccessToken, WebhookReceiver } = require('livekit-server-sdk');

async function main() {
  const [mode, arg] = process.argv.slice(2);
  const key = process.env.LK_KEY, secret = process.env.LK_SECRET;
  if (mode === 'verify') {
    const claims = await new TokenVerifier(key, secret).verify(arg);
    process.stdout.write(JSON.stringify(claims));
  } else if (mode === 'sign-webhook') {
    const body = fs.readFileSync(arg, 'utf8');
    const crypto = require('crypto');
    const at = new AccessToken(key, secret, { ttl: '5m' });
    at.sha256 = crypto.createHash('sha256').update(body).digest('base64');
    const token = await at.toJwt();
    // The SDK's own receiver must accept what it signed, or the check is moot.
    await new WebhookReceiver(key, secret).receive(body, token);
    process.stdout.write(token);
  } else {
    throw new Error('unknown mode');
  }
}
main().catch((e) => { process.stderr.write(String(e && e.message || e) + '\n'); process.exit(1); });
