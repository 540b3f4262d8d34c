import type { DiscoveryAttempt, DiscoveryResult } from '../../../shared/schemas.js';
import { AppError } from '../../../shared/errors.js';
import { DiscoveryDns } from './discovery-dns.js';
import type { DiscoveryOptions } from './discovery-options.js';
import type { SourceAnswer, SourceContext, SourceTask } from './discovery-source.js';
import { emailParts } from './email-parts.js';
import { fetchConfigFile } from './fetch-config-file.js';
import { parseConfigXml } from './parse-config-xml.js';
import { guessTask, STANDARD_PORTS } from './sources/guess-servers.js';
import { ispdbTask } from './sources/ispdb.js';
import { mxIspdbTask } from './sources/mx-ispdb.js';
import { providerConfigTasks } from './sources/provider-config.js';
import { srvTask } from './sources/srv-records.js';

export type ServersFound = Omit<DiscoveryResult, 'verification'>;

type Settled = { answer?: SourceAnswer; error?: AppError };

/**
 * Asks every place at once and takes the answer of the highest-priority place that has one:
 * the provider's file, the ISPDB, the MX host's ISPDB entry, SRV records, guessing. A lower
 * place's answer is used only once every higher one has failed or found nothing, or when the
 * overall deadline passes before they could say. An answer with incoming but no outgoing
 * servers (or the reverse) does not win, but is used when nothing better comes.
 */
export async function discoverServers(email: string, options: DiscoveryOptions): Promise<ServersFound> {
  const parts = emailParts(email);
  const controller = new AbortController();
  const dns = new DiscoveryDns(options.dnsServers, { timeoutMs: options.dnsTimeoutMs ?? 3000 });
  const context: SourceContext = {
    email: parts,
    dns,
    signal: controller.signal,
    fetchConfig: (url) =>
      fetchConfigFile(url, { timeoutMs: options.fetchTimeoutMs ?? 10_000, ca: options.ca, lookup: dns.lookup, signal: controller.signal }),
    parseConfig: (text) => parseConfigXml(text, parts),
  };
  const tasks: SourceTask[] = [
    ...providerConfigTasks(context),
    ispdbTask(context, options.ispdbBaseUrl),
    mxIspdbTask(context, options.ispdbBaseUrl),
    srvTask(context),
    guessTask(context, { ports: options.guessPorts ?? STANDARD_PORTS, probeTimeoutMs: options.probeTimeoutMs ?? 8000 }),
  ];
  const settled: Array<Settled | undefined> = tasks.map(() => undefined);
  try {
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(resolve, options.timeoutMs ?? 20_000);
      const check = () => {
        if (!decided(settled)) return;
        clearTimeout(deadline);
        resolve();
      };
      tasks.forEach((task, index) => {
        task.run().then(
          (answer) => ((settled[index] = { answer }), check()),
          (error: unknown) => ((settled[index] = { error: asAppError(error) }), check()),
        );
      });
    });
  } finally {
    // Whatever is still running (a slow fetch, the probes) is stopped, and its answer ignored.
    controller.abort();
    dns.cancel();
  }
  const snapshot = [...settled];
  const winner = snapshot.findIndex((s) => isComplete(s?.answer));
  const chosen = winner >= 0 ? winner : snapshot.findIndex((s) => hasAny(s?.answer));
  const answer = chosen >= 0 ? snapshot[chosen]!.answer! : undefined;
  return {
    email: parts.address,
    ...(answer?.displayName ? { displayName: answer.displayName } : {}),
    source: chosen >= 0 ? { ...tasks[chosen]!.source } : null,
    incoming: answer?.incoming ?? [],
    outgoing: answer?.outgoing ?? [],
    attempts: tasks.map((task, index) => attempt(task, snapshot[index], winner >= 0 && index > winner)),
  };
}

/** Decided once some place has a complete answer and every place above it has said its piece. */
function decided(settled: Array<Settled | undefined>): boolean {
  for (const state of settled) {
    if (!state) return false;
    if (isComplete(state.answer)) return true;
  }
  return true;
}

function isComplete(answer: SourceAnswer | undefined): boolean {
  return !!answer && answer.incoming.length > 0 && answer.outgoing.length > 0;
}

function hasAny(answer: SourceAnswer | undefined): boolean {
  return !!answer && answer.incoming.length + answer.outgoing.length > 0;
}

function attempt(task: SourceTask, state: Settled | undefined, belowWinner: boolean): DiscoveryAttempt {
  const base = { ...task.source };
  if (!state) return { ...base, outcome: belowWinner ? 'not-needed' : 'timed-out' };
  if (state.error) return { ...base, outcome: 'failed', error: state.error.toDto() };
  if (isComplete(state.answer)) return { ...base, outcome: 'found' };
  return { ...base, outcome: hasAny(state.answer) ? 'incomplete' : 'not-found' };
}

function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('INTERNAL', { cause: error });
}
