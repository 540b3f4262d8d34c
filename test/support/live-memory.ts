import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * The peak of live memory (V8 heap plus array buffers, after a collection) above what was live
 * when `job` started, sampled while it runs. Collecting before each sample counts
 * what is held, not garbage waiting for a collection: a streamed 30 MB message shows as a few
 * MB, a buffered one as 30 MB or more. Samples come every `intervalMs`, or less often when
 * collecting is slow (see below), so the job keeps most of the time.
 */
export async function peakLiveMemory<T>(job: () => Promise<T>, intervalMs = 100): Promise<{ result: T; peak: number }> {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const live = () => {
    // Twice: V8 frees the backing stores of dead array buffers on a background thread after a
    // collection, and the next collection waits for that sweep to finish. One collection alone
    // counted buffers already dead (spreads of 4 to 8 MB on a 30 MB download).
    gc();
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const before = live();
  let peak = 0;
  let samples = 0;
  let collecting = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const sample = () => {
    const started = performance.now();
    peak = Math.max(peak, live() - before);
    const cost = performance.now() - started;
    samples++;
    collecting += cost;
    // The next sample waits at least twice as long as this one took: on a loaded machine two
    // full collections of a whole service's heap take 0.2 s and more, and sampling every
    // 100 ms regardless left the job almost no time between them (a 2 s job took 130 s).
    if (!stopped) timer = setTimeout(sample, Math.max(intervalMs, 2 * cost));
  };
  timer = setTimeout(sample, intervalMs);
  try {
    const result = await job();
    peak = Math.max(peak, live() - before);
    // MUA_LIVE_MEMORY_DEBUG=1 prints what was measured, and what measuring cost.
    if (process.env.MUA_LIVE_MEMORY_DEBUG) console.log(`live memory: peak ${peak} bytes, ${samples} samples, ${Math.round(collecting)} ms collecting`);
    return { result, peak };
  } finally {
    stopped = true;
    clearTimeout(timer);
  }
}
