// The token endpoint as a user would otherwise write it: a minimal Node server
// with livekit-server-sdk. Same work per request as POST /api/v1/calls of
// handoff-server: create the room (Twirp CreateRoom), mint a caller token for
// it (microphone only), answer JSON. No store, no auth, no rate limit.
//   LK_URL=http://127.0.0.1:7880 LK_KEY=... LK_SECRET=... PORT=0 node bench-server-node.cjs
'use strict';
const http = require('http');
const crypto = require('crypto');
const { AccessToken, RoomServiceClient, TrackSource } = require('livekit-server-sdk');

const rooms = new RoomServiceClient(process.env.LK_URL, process.env.LK_KEY, process.env.LK_SECRET);

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/v1/calls') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', async () => {
    try {
      const { name } = JSON.parse(body);
      const id = crypto.randomBytes(8).toString('hex');
      const room = `call-${id}`;
      await rooms.createRoom({ name: room, emptyTimeout: 300 });
      const at = new AccessToken(process.env.LK_KEY, process.env.LK_SECRET, {
        identity: `caller-${id}`, name, ttl: 3600, attributes: { 'handoff.role': 'caller' },
      });
      at.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true,
                    canPublishData: true, canPublishSources: [TrackSource.MICROPHONE] });
      const token = await at.toJwt();
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ call_id: id, room, livekit_url: process.env.LK_URL, token,
                               identity: `caller-${id}` }));
    } catch (e) {
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'upstream_failed', message: String(e.message || e) }));
    }
  });
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`listening on ${server.address().port}\n`);
});
