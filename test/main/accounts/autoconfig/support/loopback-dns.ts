import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket, { type Answer, type Packet } from 'dns-packet';

/** The records a name has; a name absent from the zone does not exist (NXDOMAIN). */
export type ZoneEntry = {
  a?: string[];
  aaaa?: string[];
  /** TXT records (SPF, DMARC), each one string (split into 255-byte chunks on the wire). */
  txt?: string[];
  mx?: Array<{ exchange: string; preference?: number }>;
  srv?: Array<{ target: string; port: number; priority?: number; weight?: number }>;
  /** Answer this name only after so long (a slow DNS server). */
  delayMs?: number;
  /** Never answer (a DNS server that has gone away). */
  silent?: boolean;
};

export type LoopbackDns = {
  /** For MAIL_DNS_SERVERS / DiscoveryOptions.dnsServers. */
  servers: string[];
  /** Every question asked, as "TYPE name". */
  questions: string[];
  zone: Map<string, ZoneEntry>;
  close(): Promise<void>;
};

/**
 * A DNS server on loopback UDP that answers from a map, its answers encoded by dns-packet: what
 * discovery and the domain check ask (A, AAAA, MX, SRV, TXT) and nothing else. Tests point discovery at it, so no
 * question ever reaches the system's resolver or the internet.
 */
export async function startLoopbackDns(zone: Record<string, ZoneEntry> = {}): Promise<LoopbackDns> {
  const entries = new Map(Object.entries(zone).map(([name, entry]) => [name.toLowerCase(), entry]));
  const questions: string[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, peer) => {
    let query: Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    questions.push(`${question.type} ${name}`);
    const entry = entries.get(name);
    if (entry?.silent) return;
    const reply = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (entry ? 0 : 3), // rcode 3: NXDOMAIN
      questions: [question],
      answers: entry ? answers(name, question.type, entry) : [],
    });
    setTimeout(() => socket.send(reply, peer.port, peer.address), entry?.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    servers: [`127.0.0.1:${port}`],
    questions,
    zone: entries,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function answers(name: string, type: string, entry: ZoneEntry): Answer[] {
  const base = { name, ttl: 60, class: 'IN' as const };
  if (type === 'A') return (entry.a ?? []).map((data) => ({ ...base, type: 'A' as const, data }));
  if (type === 'AAAA') return (entry.aaaa ?? []).map((data) => ({ ...base, type: 'AAAA' as const, data }));
  if (type === 'TXT') {
    return (entry.txt ?? []).map((text) => ({ ...base, type: 'TXT' as const, data: (text.match(/[\s\S]{1,255}/g) ?? ['']).map((chunk) => Buffer.from(chunk)) }));
  }
  if (type === 'MX') return (entry.mx ?? []).map((mx) => ({ ...base, type: 'MX' as const, data: { exchange: mx.exchange, preference: mx.preference ?? 10 } }));
  if (type === 'SRV') {
    return (entry.srv ?? []).map((srv) => ({
      ...base,
      type: 'SRV' as const,
      data: { target: srv.target, port: srv.port, priority: srv.priority ?? 0, weight: srv.weight ?? 0 },
    }));
  }
  return [];
}
