/* onset-worklet.js: sample-accurate tone-burst onsets in the receiver's audio graph
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An onset is the first sample whose magnitude reaches the threshold after at
 * least `rearmFrames` samples below it, confirmed when at least half of the
 * `confirmFrames` samples from there on reach it too (a tone does; a click or
 * a concealment glitch does not). The threshold sits well above Opus DTX
 * comfort noise, so silence between bursts never triggers it.
 */
class HandoffOnsetDetector extends AudioWorkletProcessor {
  constructor (options) {
    super();
    const opts = options.processorOptions || {};
    this.threshold = opts.threshold || 0.1;
    this.rearmFrames = opts.rearmFrames || 9600;
    this.confirmFrames = opts.confirmFrames || 480;
    this.quiet = 0;
    this.candidate = -1;   /* frame of an onset being confirmed */
    this.seen = 0;
    this.loud = 0;
  }

  process (inputs) {
    const input = inputs[0];
    if (!input || input.length === 0)
      return true;
    const channel = input[0];
    for (let i = 0; i < channel.length; i++) {
      const loud = Math.abs(channel[i]) >= this.threshold;
      if (this.candidate >= 0) {
        this.seen++;
        if (loud)
          this.loud++;
        if (this.seen >= this.confirmFrames) {
          if (2 * this.loud >= this.seen)
            this.port.postMessage({ frame: this.candidate });
          this.candidate = -1;
        }
      } else if (loud && this.quiet >= this.rearmFrames) {
        this.candidate = currentFrame + i;
        this.seen = 1;
        this.loud = 1;
      }
      this.quiet = loud ? 0 : this.quiet + 1;
    }
    return true;
  }
}

registerProcessor('handoff-onset-detector', HandoffOnsetDetector);
