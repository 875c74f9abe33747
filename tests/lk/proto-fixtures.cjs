// proto-fixtures.cjs: LiveKit messages encoded by @livekit/protocol (an
// encoder nobody here wrote), to prove the field numbers of src/lk/lk-protocol.proto.
//
//   node proto-fixtures.cjs encode         prints "NAME HEX" per fixture
//   node proto-fixtures.cjs check < LINES  reads "NAME HEX" (our encoding),
//                                          prints "NAME ok" or "NAME FAIL ..."
//
// SPDX-License-Identifier: GPL-3.0-or-later
'use strict';
const p = require('@livekit/protocol');

const pinfo = {
  sid: 'PA_alice', identity: 'alice', state: 2, metadata: '{"role":"agent"}', joinedAt: 1700000000n,
  name: 'Alice', version: 3, permission: { canSubscribe: true, canPublish: true, canPublishData: true,
    canUpdateMetadata: true },
  isPublisher: true, kind: 4, attributes: { 'lk.agent': 'yes' }, disconnectReason: 0,
  joinedAtMs: 1700000000123n, clientProtocol: 1,
  tracks: [{ sid: 'TR_mic', type: 0, name: 'microphone', muted: true, source: 2, mimeType: 'audio/opus',
    mid: '1', disableRed: true, stream: 'camera' }],
};

const sr = (c, v) => [p.SignalRequest, { message: { case: c, value: v } }];
const sp = (c, v) => [p.SignalResponse, { message: { case: c, value: v } }];
const dp = (c, v, extra) => [p.DataPacket, Object.assign({ value: { case: c, value: v } }, extra || {})];

const fixtures = {
  'req-offer': sr('offer', { type: 'offer', sdp: 'v=0\r\n', id: 7 }),
  'req-answer': sr('answer', { type: 'answer', sdp: 'v=0\r\na=x\r\n', id: 9 }),
  'req-trickle': sr('trickle', { candidateInit: '{"candidate":"candidate:1 1 UDP 1 127.0.0.1 5000 typ host"}', target: 1, final: true }),
  'req-add-track': sr('addTrack', { cid: 'webrtctransceiver1', name: 'hold', type: 0, muted: true, disableDtx: true,
    source: 2, sid: 'TR_x', stereo: true, disableRed: true, stream: 'hold' }),
  'req-mute': sr('mute', { sid: 'TR_mic', muted: true }),
  'req-subscription': sr('subscription', { trackSids: ['TR_a', 'TR_b'], subscribe: true,
    participantTracks: [{ participantSid: 'PA_a', trackSids: ['TR_a'] }] }),
  'req-leave': sr('leave', { canReconnect: true, reason: 1, action: 0 }),
  'req-subscription-permission': sr('subscriptionPermission', { allParticipants: false,
    trackPermissions: [{ participantSid: 'PA_b', allTracks: true, trackSids: ['TR_c'], participantIdentity: 'bob' }] }),
  'req-ping': sr('ping', 1234567890123n),
  'req-update-metadata': sr('updateMetadata', { metadata: 'm', name: 'N', attributes: { k: 'v' }, requestId: 4 }),
  'req-ping-req': sr('pingReq', { timestamp: 1700000000999n, rtt: 42n }),
  'res-join': sp('join', {
    room: { sid: 'RM_1', name: 'call-1', emptyTimeout: 60, maxParticipants: 5, creationTime: 1700000000n,
      metadata: 'rm', numParticipants: 2 },
    participant: pinfo, otherParticipants: [pinfo], serverVersion: '1.13.5',
    iceServers: [{ urls: ['stun:127.0.0.1:3478', 'turn:x'], username: 'u', credential: 'c' }],
    subscriberPrimary: true, alternativeUrl: 'wss://alt', serverRegion: 'here', pingTimeout: 15, pingInterval: 5,
    serverInfo: { edition: 0, version: '1.13.5', protocol: 17, region: 'r', nodeId: 'ND_1' }, fastPublish: true,
  }),
  'res-answer': sp('answer', { type: 'answer', sdp: 'v=0\r\n', id: 3 }),
  'res-offer': sp('offer', { type: 'offer', sdp: 'v=0\r\nm=audio\r\n', id: 11, midToTrackId: { '1': 'TR_a' } }),
  'res-trickle': sp('trickle', { candidateInit: '{"candidate":"c","sdpMid":"0"}', target: 0, final: false }),
  'res-update': sp('update', { participants: [pinfo, { sid: 'PA_b', identity: 'bob', state: 3 }] }),
  'res-track-published': sp('trackPublished', { cid: 'webrtctransceiver0', track: pinfo.tracks[0] }),
  'res-leave': sp('leave', { canReconnect: false, reason: 3, action: 1 }),
  'res-mute': sp('mute', { sid: 'TR_mic', muted: true }),
  'res-speakers-changed': sp('speakersChanged', { speakers: [{ sid: 'PA_a', level: 0.5, active: true },
    { sid: 'PA_b', level: 0, active: false }] }),
  'res-room-update': sp('roomUpdate', { room: { sid: 'RM_1', name: 'call-1', metadata: 'new', numParticipants: 3 } }),
  'res-subscription-permission-update': sp('subscriptionPermissionUpdate',
    { participantSid: 'PA_a', trackSid: 'TR_a', allowed: true }),
  'res-refresh-token': sp('refreshToken', 'eyJhbGciOi.x.y'),
  'res-track-unpublished': sp('trackUnpublished', { trackSid: 'TR_a' }),
  'res-pong': sp('pong', 99n),
  'res-reconnect': sp('reconnect', { iceServers: [{ urls: ['stun:h'] }],
    serverInfo: { version: '1.13.5', protocol: 17 }, lastMessageSeq: 12 }),
  'res-pong-resp': sp('pongResp', { lastPingTimestamp: 1700000000999n, timestamp: 1700000001000n }),
  'res-subscription-response': sp('subscriptionResponse', { trackSid: 'TR_a', err: 2 }),
  'res-request-response': sp('requestResponse', { requestId: 4, reason: 2, message: 'not allowed' }),
  'res-track-subscribed': sp('trackSubscribed', { trackSid: 'TR_a' }),
  'data-user': dp('user', { payload: new Uint8Array([0, 1, 2, 255]), topic: 'handoff', id: 'u1' },
    { kind: 0, participantIdentity: 'alice', destinationIdentities: ['bob', 'carol'], sequence: 5, participantSid: 'PA_a' }),
  'data-transcription': dp('transcription', { transcribedParticipantIdentity: 'alice', trackId: 'TR_a',
    segments: [{ id: 's1', text: 'hello', startTime: 10n, endTime: 20n, final: true, language: 'en' }] }),
  'data-chat': dp('chatMessage', { id: 'c1', timestamp: 1700000000000n, editTimestamp: 1700000000001n,
    message: 'hi', deleted: false, generated: true }),
  'data-stream-header': dp('streamHeader', { streamId: 'st1', timestamp: 1700000000000n, topic: 'lk.transcription',
    mimeType: 'text/plain', totalLength: 5n, attributes: { 'lk.segment_id': 'SG_1' },
    contentHeader: { case: 'textHeader', value: { operationType: 1, version: 2, replyToStreamId: 'st0',
      attachedStreamIds: ['a1'], generated: true } } }, { participantIdentity: 'alice', destinationIdentities: ['bob'] }),
  'data-stream-byte-header': dp('streamHeader', { streamId: 'st2', topic: 'files', mimeType: 'application/octet-stream',
    contentHeader: { case: 'byteHeader', value: { name: 'a.bin' } } }),
  'data-stream-chunk': dp('streamChunk', { streamId: 'st1', chunkIndex: 3n, content: new TextEncoder().encode('hello'), version: 1 }),
  'data-stream-trailer': dp('streamTrailer', { streamId: 'st1', reason: 'done', attributes: { 'lk.transcription_final': 'true' } }),
};

const mode = process.argv[2];
if (mode === 'encode') {
  for (const [name, [T, init]] of Object.entries(fixtures))
    console.log(name + ' ' + Buffer.from(new T(init).toBinary()).toString('hex'));
} else if (mode === 'check') {
  const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0);
  for (const line of lines) {
    const [name, hex] = line.split(' ');
    const fx = fixtures[name];
    if (!fx) { console.log(name + ' FAIL unknown fixture'); continue; }
    const [T, init] = fx;
    try {
      const ours = T.fromBinary(Buffer.from(hex || '', 'hex'));
      const want = new T(init);
      if (T.equals(want, ours)) console.log(name + ' ok');
      else console.log(name + ' FAIL ' + JSON.stringify(ours.toJson()) + ' != ' + JSON.stringify(want.toJson()));
    } catch (e) {
      console.log(name + ' FAIL ' + e.message);
    }
  }
} else {
  console.error('usage: proto-fixtures.cjs encode|check');
  process.exit(2);
}
