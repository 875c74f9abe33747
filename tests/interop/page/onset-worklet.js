/* onset-worklet.js: sample-accurate tone-burst onsets in the receiver's audio graph
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An onset is the first sample whose magnitude reaches the threshold after at
 * least `rearmFrames` samples below it. The threshold sits well above Opus DTX
 * comfort noise, so silence between bursts never triggers it.
 */
class HandoffOnsetDetector extends AudioWorkletProcessor {
  constructor (options) {
    super();
    const opts = options.processorOptions || {};
    this.threshold = opts.threshold || 0.1;
    this.rearmFrames = opts.rearmFrames || 9600;
    this.quiet = 0;
  }

  process (inputs) {
    const input = inputs[0];
    if (!input || input.length === 0)
      return true;
    const channel = input[0];
    for (let i = 0; i < channel.length; i++) {
      if (Math.abs(channel[i]) >= this.threshold) {
        if (this.quiet >= this.rearmFrames)
          this.port.postMessage({ frame: currentFrame + i });
        this.quiet = 0;
      } else {
        this.quiet++;
      }
    }
    return true;
  }
}

registerProcessor('handoff-onset-detector', HandoffOnsetDetector);
