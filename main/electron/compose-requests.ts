import type { ComposeRequest } from '../../shared/contract.js';
import { log } from '../log.js';
import { parseMailto } from './mailto.js';

/** At most this many links wait for the renderer; a flood of links does not grow memory. */
const MAX_PENDING = 20;

/**
 * mailto: links on their way to the composer. A link can arrive before the renderer listens (the
 * app was started by it, or macOS sent open-url before the window was ready), so links wait here
 * until the renderer asks once with compose.takeRequested; from then on each is sent at once as a
 * compose.requested event. A new window (macOS re-opens one) starts waiting again.
 * Plain Node, no Electron.
 */
export class ComposeRequests {
  private pending: ComposeRequest[] = [];
  private listening = false;

  constructor(private readonly send: (request: ComposeRequest) => void) {}

  /** Parses and queues (or sends) a mailto: link; false when the link was refused. */
  open(link: string): boolean {
    const parsed = parseMailto(link);
    if (!parsed) {
      log.warn('mailto: link refused', { length: link.length });
      return false;
    }
    const { dropped, ...request } = parsed;
    if (dropped > 0) log.warn('mailto: link had invalid addresses', { dropped });
    if (this.listening) this.send(request);
    else if (this.pending.length < MAX_PENDING) this.pending.push(request);
    return true;
  }

  /** What waited for the renderer, taken once; the renderer listens from now on. */
  take(): ComposeRequest[] {
    this.listening = true;
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /** The renderer is (re)loading: links wait again until it asks. */
  rendererGone(): void {
    this.listening = false;
  }
}
