/* peer.js: one livekit-client participant in a page, driven by browser-peer.mjs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It publishes a WebAudio oscillator (a steady tone or tone bursts) as its
 * microphone, and measures what it hears from every remote audio track: the
 * dominant frequency (AnalyserNode) and, for latency, burst onsets found
 * sample-accurately by an AudioWorklet. Everything it learns goes back to Node
 * through window.handoffReport (a Playwright binding) as one JSON object.
 *
 * Times are milliseconds since the Unix epoch, so they compare with other
 * processes on this machine. Audio-graph times (AudioContext frames) become
 * epoch times through AudioContext.getOutputTimestamp(), the same way on the
 * sending and the receiving side.
 */
'use strict';

(function () {
  const LK = window.LivekitClient;
  let ctx = null;
  let room = null;
  let epochOffset = 0;
  let options = null;
  const remotes = new Map ();
  /* Caller mode: every remote track also goes into one mix, what a caller's
   * speaker plays, analysed for the power at each of options.bands. */
  let mix = null;

  function report (event) {
    window.handoffReport (JSON.stringify (event));
  }

  /* Date.now() counts whole milliseconds; its largest difference to
   * performance.now() over a few ticks is the offset to well under 1 ms. */
  function calibrateEpoch () {
    let best = -Infinity;
    const end = performance.now () + 25;
    while (performance.now () < end) {
      const d = Date.now () - performance.now ();
      if (d > best)
        best = d;
    }
    return best;
  }

  function contextTimeToEpoch (contextTime) {
    const ts = ctx.getOutputTimestamp ();
    return epochOffset + ts.performanceTime + (contextTime - ts.contextTime) * 1000;
  }

  function sleep (ms) {
    return new Promise ((resolve) => setTimeout (resolve, ms));
  }

  /* Parabolic interpolation over the strongest bin between low and high Hz. */
  function dominantFrequency (analyser, bins, low, high) {
    analyser.getFloatFrequencyData (bins);
    const hzPerBin = ctx.sampleRate / analyser.fftSize;
    const first = Math.max (1, Math.floor (low / hzPerBin));
    const last = Math.min (bins.length - 2, Math.ceil (high / hzPerBin));
    let best = first;
    for (let i = first; i <= last; i++)
      if (bins[i] > bins[best])
        best = i;
    const a = bins[best - 1], b = bins[best], c = bins[best + 1];
    const denom = a - 2 * b + c;
    const shift = (denom !== 0 && isFinite (denom)) ? 0.5 * (a - c) / denom : 0;
    return { frequency: (best + shift) * hzPerBin, peakDb: b };
  }

  function rms (analyser, samples) {
    analyser.getFloatTimeDomainData (samples);
    let sum = 0;
    for (let i = 0; i < samples.length; i++)
      sum += samples[i] * samples[i];
    return Math.sqrt (sum / samples.length);
  }

  /* Power of a steady tone at each band: the strongest bin within 3 Hz of
   * it (bins are 1.46 Hz wide, Blackman-windowed), in dB like
   * getFloatFrequencyData. */
  function bandPowers (analyser, bins, bands) {
    analyser.getFloatFrequencyData (bins);
    const hzPerBin = ctx.sampleRate / analyser.fftSize;
    const out = {};
    for (const hz of bands) {
      let best = -Infinity;
      for (let i = Math.floor ((hz - 3) / hzPerBin); i <= Math.ceil ((hz + 3) / hzPerBin); i++)
        if (i > 0 && i < bins.length && bins[i] > best)
          best = bins[i];
      out[String (hz)] = isFinite (best) ? best : -200;
    }
    return out;
  }

  function startMix () {
    const input = ctx.createGain ();
    const analyser = ctx.createAnalyser ();
    analyser.fftSize = 32768;
    analyser.smoothingTimeConstant = 0;
    const silent = ctx.createGain ();
    silent.gain.value = 0;
    input.connect (analyser);
    analyser.connect (silent);
    silent.connect (ctx.destination);
    const bins = new Float32Array (analyser.frequencyBinCount);
    const samples = new Float32Array (analyser.fftSize);
    const timer = setInterval (() => {
      report ({ event: 'mix', t: Date.now (), tracks: remotes.size,
                bands: bandPowers (analyser, bins, options.bands), rms: rms (analyser, samples) });
    }, options.reportMs);
    mix = { input, analyser, silent, timer };
  }

  async function listenTo (track, participant) {
    /* Chrome feeds a remote track into WebAudio only while a media element
     * plays it; a muted one is enough. */
    const element = track.attach ();
    element.muted = true;
    document.getElementById ('remote-audio').appendChild (element);

    const source = ctx.createMediaStreamSource (new MediaStream ([track.mediaStreamTrack]));
    const analyser = ctx.createAnalyser ();
    analyser.fftSize = 32768;
    analyser.smoothingTimeConstant = 0;
    const detector = new AudioWorkletNode (ctx, 'handoff-onset-detector', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      processorOptions: {
        threshold: options.onsetThreshold,
        rearmFrames: Math.round (options.rearmMs * ctx.sampleRate / 1000),
      },
    });
    const silent = ctx.createGain ();
    silent.gain.value = 0;
    source.connect (analyser);
    source.connect (detector);
    if (mix)
      source.connect (mix.input);
    /* Only nodes connected to the destination are sure to be processed. */
    analyser.connect (silent);
    detector.connect (silent);
    silent.connect (ctx.destination);

    const identity = participant.identity;
    detector.port.onmessage = (msg) => {
      report ({ event: 'onset', from: identity, t: contextTimeToEpoch (msg.data.frame / ctx.sampleRate) });
    };
    const bins = new Float32Array (analyser.frequencyBinCount);
    const samples = new Float32Array (analyser.fftSize);
    const timer = setInterval (() => {
      const d = dominantFrequency (analyser, bins, options.lowHz, options.highHz);
      report ({ event: 'heard', from: identity, dominant: d.frequency, peak_db: d.peakDb,
                rms: rms (analyser, samples) });
    }, options.reportMs);
    /* Chrome's own view of the stream: explains latency figures. */
    const statsTimer = setInterval (async () => {
      try {
        const report = await track.getRTCStatsReport ();
        report?.forEach ((st) => {
          if (st.type !== 'inbound-rtp' || st.kind !== 'audio')
            return;
          report_stats (identity, st);
        });
      } catch (e) { /* the track may be going away */ }
    }, options.statsMs);
    remotes.set (track.sid, { element, source, analyser, detector, silent, timer, statsTimer });
  }

  function report_stats (identity, st) {
    const emitted = st.jitterBufferEmittedCount || 0;
    report ({ event: 'rx-stats', from: identity,
              jitter_buffer_ms: emitted > 0 ? 1000 * st.jitterBufferDelay / emitted : null,
              jitter_buffer_target_ms: emitted > 0 && st.jitterBufferTargetDelay !== undefined
                ? 1000 * st.jitterBufferTargetDelay / emitted : null,
              jitter_ms: st.jitter !== undefined ? 1000 * st.jitter : null,
              packets_received: st.packetsReceived, packets_lost: st.packetsLost,
              concealed_samples: st.concealedSamples, total_samples: st.totalSamplesReceived,
              inserted_for_deceleration: st.insertedSamplesForDeceleration,
              removed_for_acceleration: st.removedSamplesForAcceleration });
  }

  function forget (track) {
    const r = remotes.get (track.sid);
    if (!r)
      return;
    clearInterval (r.timer);
    clearInterval (r.statsTimer);
    r.source.disconnect ();
    r.detector.port.onmessage = null;
    track.detach (r.element);
    r.element.remove ();
    remotes.delete (track.sid);
  }

  /* Bursts are scheduled on the audio clock a little ahead, so each one starts
   * on an exact sample; its start is reported when it is scheduled. */
  async function runBursts (gain, osc) {
    const period = options.burstPeriodMs / 1000;
    const length = options.burstMs / 1000;
    let when = ctx.currentTime + 0.3;
    for (let n = 0; n < options.bursts; n++) {
      while (when - ctx.currentTime > 0.25)
        await sleep (20);
      gain.gain.setValueAtTime (options.amplitude, when);
      gain.gain.setValueAtTime (0, when + length);
      report ({ event: 'burst', n, t: contextTimeToEpoch (when) });
      when += period;
    }
    while (ctx.currentTime < when)
      await sleep (50);
    report ({ event: 'bursts-done', count: options.bursts });
  }

  async function publish () {
    const osc = ctx.createOscillator ();
    osc.frequency.value = options.bursts > 0 ? options.burstHz : options.tone;
    const gain = ctx.createGain ();
    gain.gain.value = options.bursts > 0 ? 0 : options.amplitude;
    const dest = ctx.createMediaStreamDestination ();
    dest.channelCount = 1;
    osc.connect (gain).connect (dest);
    osc.start ();
    const track = dest.stream.getAudioTracks ()[0];
    const pub = await room.localParticipant.publishTrack (track, {
      name: 'microphone',
      source: LK.Track.Source.Microphone,
    });
    report ({ event: 'published', track: pub.trackSid, frequency: osc.frequency.value,
              bursts: options.bursts });
    if (options.bursts > 0) {
      await sleep (options.warmupMs);
      runBursts (gain, osc).catch ((e) => report ({ event: 'error', message: String (e) }));
    }
  }

  window.handoffStart = async function (url, token, opts) {
    options = opts;
    ctx = new AudioContext ({ sampleRate: 48000, latencyHint: 'interactive' });
    await ctx.audioWorklet.addModule ('/onset-worklet.js');
    await ctx.resume ();
    /* getOutputTimestamp() only means something once the clock runs. */
    while (ctx.currentTime < 0.1)
      await sleep (10);
    epochOffset = calibrateEpoch ();

    if (options.bands && options.bands.length > 0)
      startMix ();
    if (options.callName) {
      /* As a caller's web page does: the site's public call route gives the
       * room's address and a token for this call only. */
      const answer = await fetch ('/api/v1/calls', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify ({ name: options.callName, reason: options.callReason || undefined }),
      });
      const body = await answer.json ().catch (() => ({}));
      if (answer.status !== 201)
        throw new Error (`POST /api/v1/calls: ${answer.status} ${body.error || ''}`);
      url = body.livekit_url;
      token = body.token;
      report ({ event: 'placed', call_id: body.call_id, room: body.room, identity: body.identity });
    }

    room = new LK.Room ({ adaptiveStream: false, dynacast: false });
    /* Every change of the connection is reported: a caller's connection must
     * never be re-established during a transfer. */
    room
      .on (LK.RoomEvent.ConnectionStateChanged, (state) => report ({ event: 'connection', state: String (state) }))
      .on (LK.RoomEvent.Reconnecting, () => report ({ event: 'connection', state: 'reconnecting' }))
      .on (LK.RoomEvent.SignalReconnecting, () => report ({ event: 'connection', state: 'signal-reconnecting' }))
      .on (LK.RoomEvent.Reconnected, () => report ({ event: 'connection', state: 'reconnected' }))
      .on (LK.RoomEvent.SignalConnected, () => report ({ event: 'connection', state: 'signal-connected' }))
      .on (LK.RoomEvent.Moved, () => report ({ event: 'connection', state: 'moved' }));
    room
      .on (LK.RoomEvent.ParticipantConnected, (p) => report ({ event: 'participant-joined', identity: p.identity }))
      .on (LK.RoomEvent.ParticipantDisconnected, (p) => report ({ event: 'participant-left', identity: p.identity }))
      .on (LK.RoomEvent.TrackSubscribed, (track, pub, participant) => {
        report ({ event: 'subscribed', from: participant.identity, kind: track.kind, track: track.sid });
        if (track.kind === 'audio')
          listenTo (track, participant).catch ((e) => report ({ event: 'error', message: String (e) }));
      })
      .on (LK.RoomEvent.TrackUnsubscribed, (track, pub, participant) => {
        forget (track);
        report ({ event: 'unsubscribed', from: participant.identity, track: track.sid });
      })
      .on (LK.RoomEvent.Disconnected, (reason) => report ({ event: 'disconnected', reason: String (reason) }));

    await room.connect (url, token, { autoSubscribe: true });
    report ({ event: 'joined', identity: room.localParticipant.identity, room: room.name,
              remote: Array.from (room.remoteParticipants.values ()).map ((p) => p.identity) });
    if (options.tone > 0 || options.bursts > 0)
      await publish ();
  };

  window.handoffStop = async function () {
    if (room)
      await room.disconnect ();
    if (ctx)
      await ctx.close ();
  };
}) ();
