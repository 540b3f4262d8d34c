import { events, type EventName, type EventPayload } from '../../shared/contract.js';

type Listener = (event: EventName, payload: unknown) => void;

/**
 * Carries main's events to whichever transports are attached. Payloads are checked against the
 * contract as they are emitted, so a transport never forwards something the renderer cannot read.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const checked = events[event].parse(payload);
    for (const listener of this.listeners) listener(event, checked);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
