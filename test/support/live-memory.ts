import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * The peak of live memory (V8 heap plus array buffers, after a collection) above what was live
 * when `job` started, sampled every 100 ms while it runs. Collecting before each sample counts
 * what is held, not garbage waiting for a collection: a streamed 30 MB message shows as a few
 * MB, a buffered one as 30 MB or more.
 */
export async function peakLiveMemory<T>(job: () => Promise<T>): Promise<{ result: T; peak: number }> {
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
  const sample = setInterval(() => (peak = Math.max(peak, live() - before)), 100);
  try {
    const result = await job();
    return { result, peak: Math.max(peak, live() - before) };
  } finally {
    clearInterval(sample);
  }
}
