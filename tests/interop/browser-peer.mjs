#!/usr/bin/env node
/* browser-peer.mjs: one livekit-client participant in headless Chromium
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Serves page/ and livekit-client's UMD build on 127.0.0.1 (port 0), starts a
 * Chromium of its own (own short profile and HOME) through playwright-core,
 * joins ROOM as IDENTITY and prints one JSON object per line on stdout:
 *   {"event":"ready"}                        page loaded, about to join
 *   {"event":"joined","identity":...}        connected to the room
 *   {"event":"published",...}                our oscillator is the microphone
 *   {"event":"subscribed","from":ID,...}     a remote track arrived
 *   {"event":"heard","from":ID,"dominant":HZ,"peak_db":DB,"rms":R}   every --report-ms
 *   {"event":"burst","n":N,"t":MS}           burst N starts at epoch MS (sender)
 *   {"event":"onset","from":ID,"t":MS}       a burst onset was heard at epoch MS
 *   {"event":"rx-stats","from":ID,...}       Chrome's inbound-rtp stats, every --stats-ms
 *   {"event":"bursts-done"} {"event":"error","message":...} {"event":"exit"}
 *   {"event":"connection","state":S}         every change of the room connection
 * Caller mode (--call-server URL --call-name NAME): the page places a call
 * through handoff-server's public route, as a caller's web page does (same
 * origin: this server forwards /api/ to URL, like a site's reverse proxy),
 * and joins the room it is given; then ROOM, IDENTITY and the API key are
 * not used:
 *   {"event":"placed","call_id":...,"room":...,"identity":...}
 * With --bands HZ,HZ,...: every remote track is also mixed (what a speaker
 * plays) and the mix analysed every --report-ms:
 *   {"event":"mix","tracks":N,"bands":{"HZ":DB,...},"rms":R}
 * It leaves and exits on "quit" or end of input on stdin, after --seconds, or on
 * SIGTERM/SIGINT. Exit status 0 unless something failed.
 *
 * Environment: HANDOFF_LK_URL (ws://...), HANDOFF_LK_TOKEN, or HANDOFF_LK_API_KEY +
 * HANDOFF_LK_API_SECRET to mint one here with livekit-server-sdk; HANDOFF_TOOLS
 * (npm peers in $HANDOFF_TOOLS/npm/node_modules); HANDOFF_CHROMIUM (default
 * /usr/bin/chromium). Secrets are read from the environment so they never show
 * in a process list.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname (fileURLToPath (import.meta.url));
const tools = process.env.HANDOFF_TOOLS || '/opt/handoff';
const modules = process.env.HANDOFF_NPM_MODULES || path.join (tools, 'npm', 'node_modules');
const require = createRequire (path.join (modules, 'handoff-peer.cjs'));

const { values: args } = parseArgs ({
  options: {
    room: { type: 'string', default: 'interop' },
    identity: { type: 'string', default: 'browser' },
    tone: { type: 'string', default: '0' },
    amplitude: { type: 'string', default: '0.5' },
    bursts: { type: 'string', default: '0' },
    'burst-hz': { type: 'string', default: '1000' },
    'burst-ms': { type: 'string', default: '100' },
    'burst-period-ms': { type: 'string', default: '700' },
    'warmup-ms': { type: 'string', default: '5000' },
    'report-ms': { type: 'string', default: '500' },
    'stats-ms': { type: 'string', default: '2000' },
    'onset-threshold': { type: 'string', default: '0.1' },
    'rearm-ms': { type: 'string', default: '200' },
    'low-hz': { type: 'string', default: '100' },
    'high-hz': { type: 'string', default: '4000' },
    seconds: { type: 'string', default: '0' },
    'call-server': { type: 'string', default: '' },
    'call-name': { type: 'string', default: '' },
    'call-reason': { type: 'string', default: '' },
    bands: { type: 'string', default: '' },
  },
});

function emit (event) {
  process.stdout.write (JSON.stringify (event) + '\n');
}

function number (name) {
  const v = Number (args[name]);
  if (!Number.isFinite (v) || v < 0) {
    emit ({ event: 'error', message: `--${name} must be a non-negative number` });
    process.exit (2);
  }
  return v;
}

const pageOptions = {
  tone: number ('tone'),
  amplitude: number ('amplitude'),
  bursts: Math.floor (number ('bursts')),
  burstHz: number ('burst-hz'),
  burstMs: number ('burst-ms'),
  burstPeriodMs: number ('burst-period-ms'),
  warmupMs: number ('warmup-ms'),
  reportMs: Math.max (50, number ('report-ms')),
  statsMs: Math.max (200, number ('stats-ms')),
  onsetThreshold: number ('onset-threshold'),
  rearmMs: number ('rearm-ms'),
  lowHz: number ('low-hz'),
  highHz: number ('high-hz'),
  callName: args['call-server'] ? (args['call-name'] || 'Browser Caller') : '',
  callReason: args['call-reason'],
  bands: args.bands ? args.bands.split (',').map (Number).filter ((v) => Number.isFinite (v) && v > 0) : [],
};
const seconds = number ('seconds');

async function tokenFor (identity, room) {
  if (process.env.HANDOFF_LK_TOKEN)
    return process.env.HANDOFF_LK_TOKEN;
  const key = process.env.HANDOFF_LK_API_KEY;
  const secret = process.env.HANDOFF_LK_API_SECRET;
  if (!key || !secret)
    throw new Error ('set HANDOFF_LK_TOKEN, or HANDOFF_LK_API_KEY and HANDOFF_LK_API_SECRET');
  const { AccessToken } = require ('livekit-server-sdk');
  const at = new AccessToken (key, secret, { identity, name: identity, ttl: '10m' });
  at.addGrant ({ roomJoin: true, room, canPublish: true, canSubscribe: true, canPublishData: true });
  return await at.toJwt ();
}

const files = {
  '/': [path.join (here, 'page', 'peer.html'), 'text/html'],
  '/peer.js': [path.join (here, 'page', 'peer.js'), 'text/javascript'],
  '/onset-worklet.js': [path.join (here, 'page', 'onset-worklet.js'), 'text/javascript'],
  '/lk/livekit-client.umd.js': [path.join (modules, 'livekit-client', 'dist', 'livekit-client.umd.js'),
                                'text/javascript'],
};

/* Caller mode: the page's /api/ requests go to handoff-server. */
function forward (req, res) {
  const target = new URL (req.url, args['call-server']);
  const headers = { ...req.headers, host: target.host };
  const upstream = http.request (target, { method: req.method, headers }, (answer) => {
    res.writeHead (answer.statusCode, answer.headers);
    answer.pipe (res);
  });
  upstream.on ('error', (e) => {
    res.writeHead (502, { 'Content-Type': 'application/json' })
      .end (JSON.stringify ({ error: 'bad_gateway', message: e.message }));
  });
  req.pipe (upstream);
}

function serve () {
  const server = http.createServer ((req, res) => {
    if (args['call-server'] && req.url.startsWith ('/api/')) {
      forward (req, res);
      return;
    }
    const entry = files[new URL (req.url, 'http://x').pathname];
    if (!entry) {
      res.writeHead (req.url === '/favicon.ico' ? 204 : 404).end ();
      return;
    }
    fs.readFile (entry[0], (err, data) => {
      if (err) {
        res.writeHead (500).end ();
        return;
      }
      res.writeHead (200, { 'Content-Type': entry[1], 'Cache-Control': 'no-store' }).end (data);
    });
  });
  return new Promise ((resolve, reject) => {
    server.once ('error', reject);
    server.listen (0, '127.0.0.1', () => resolve (server));
  });
}

let context = null;
let server = null;
let profile = null;
let stopping = null;

async function stop (status) {
  if (stopping)
    return stopping;
  stopping = (async () => {
    if (context) {
      const pages = context.pages ();
      try {
        if (pages.length > 0)
          await Promise.race ([pages[0].evaluate (() => window.handoffStop ()),
                               new Promise ((resolve) => setTimeout (resolve, 3000))]);
      } catch (e) { /* the page may already be gone */ }
      await context.close ().catch (() => {});
    }
    if (server)
      server.close ();
    if (profile)
      fs.rmSync (profile, { recursive: true, force: true });
    emit ({ event: 'exit', status });
    process.exit (status);
  }) ();
  return stopping;
}

async function main () {
  const caller = args['call-server'] !== '';
  const url = caller ? '' : process.env.HANDOFF_LK_URL;
  if (!caller && !url)
    throw new Error ('HANDOFF_LK_URL is not set');
  const token = caller ? '' : await tokenFor (args.identity, args.room);
  const { chromium } = require ('playwright-core');

  server = await serve ();
  const pageUrl = `http://127.0.0.1:${server.address ().port}/`;
  /* Chromium's sockets live under the profile and HOME: keep the path short. */
  profile = fs.mkdtempSync (path.join (fs.existsSync ('/tmp') ? '/tmp' : os.tmpdir (), 'hbp-'));
  context = await chromium.launchPersistentContext (profile, {
    executablePath: process.env.HANDOFF_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    env: { ...process.env, HOME: profile },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const page = context.pages ()[0] || await context.newPage ();
  await page.exposeFunction ('handoffReport', (json) => process.stdout.write (json + '\n'));
  page.on ('console', (msg) => {
    if (msg.type () === 'error' || msg.type () === 'warning')
      process.stderr.write (`[page ${msg.type ()}] ${msg.text ()}\n`);
  });
  page.on ('pageerror', (err) => emit ({ event: 'error', message: `page: ${err.message}` }));
  page.on ('crash', () => {
    emit ({ event: 'error', message: 'page crashed' });
    stop (1);
  });
  await page.goto (pageUrl);
  emit ({ event: 'ready', browser_pid_hint: process.pid });
  await page.evaluate (([u, t, o]) => window.handoffStart (u, t, o), [url, token, pageOptions]);
  if (seconds > 0)
    setTimeout (() => stop (0), seconds * 1000);
}

process.on ('SIGTERM', () => stop (0));
process.on ('SIGINT', () => stop (0));
readline.createInterface ({ input: process.stdin })
  .on ('line', (line) => { if (line.trim () === 'quit') stop (0); })
  .on ('close', () => stop (0));

main ().catch ((e) => {
  emit ({ event: 'error', message: String (e && e.message ? e.message : e) });
  stop (1);
});
