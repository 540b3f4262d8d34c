import { mailFrameContentSecurityPolicy, mailFrameDocument } from '../../../shared/mail-frame.js';
import { get } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../shared/bridge-protocol.js';
import type { BridgeMessage } from '../../../shared/contract.js';
import { startBridge, type RunningBridge } from '../../../main/bridge/bridge-server.js';
import { createMailService, type MailService } from '../../../main/service.js';
import { newProfile } from '../../support/accounts.js';

let bridge: RunningBridge;
let service: MailService;
let staticRoot: string;

beforeAll(async () => {
  staticRoot = mkdtempSync(join(tmpdir(), 'mua-static-'));
  writeFileSync(join(staticRoot, 'index.html'), '<!doctype html><title>Mua</title>');
  service = createMailService(newProfile());
  bridge = await startBridge({ dispatch: service.dispatch, bus: service.bus, staticRoot });
});

afterAll(async () => {
  await bridge.close();
  rmSync(staticRoot, { recursive: true, force: true });
});

type Attempt = { origin?: string; token?: string; protocols?: string[]; host?: string };

function connect({ origin = bridge.origin, token = bridge.token, protocols, host }: Attempt = {}) {
  const offered = protocols ?? [BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token];
  const headers: Record<string, string> = {};
  if (host) headers.host = host;
  return new WebSocket(`ws://127.0.0.1:${bridge.port}/bridge`, offered, { origin, headers });
}

function outcome(ws: WebSocket): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ opened: true }));
    ws.once('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.once('error', () => resolve({ opened: false }));
  });
}

function nextMessage(ws: WebSocket): Promise<BridgeMessage> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()) as BridgeMessage)));
}

describe('the loopback bridge', () => {
  it('listens on 127.0.0.1 only and prints a URL that carries the token in the fragment', () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/#token=${bridge.token}`);
    expect(bridge.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a connection without the token', async () => {
    expect(await outcome(connect({ protocols: [BRIDGE_PROTOCOL] }))).toEqual({ opened: false, status: 401 });
  });

  it('refuses a connection with a wrong token', async () => {
    const wrong = bridge.token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(await outcome(connect({ token: wrong }))).toEqual({ opened: false, status: 401 });
  });

  it('refuses a page from a foreign origin even with the token', async () => {
    expect(await outcome(connect({ origin: 'http://evil.test' }))).toEqual({ opened: false, status: 403 });
    expect(await outcome(connect({ origin: `http://127.0.0.1:${bridge.port + 1}` }))).toEqual({
      opened: false,
      status: 403,
    });
  });

  it('refuses a request whose Host is not loopback (DNS rebinding)', async () => {
    expect(await outcome(connect({ host: `evil.test:${bridge.port}` }))).toEqual({ opened: false, status: 421 });
    const status = await new Promise<number | undefined>((resolve) =>
      get({ host: '127.0.0.1', port: bridge.port, path: '/', headers: { host: 'evil.test' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }),
    );
    expect(status).toBe(421);
  });

  it('serves the contract to a page that has the token and our origin', async () => {
    const ws = connect();
    expect(await outcome(ws)).toEqual({ opened: true });
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ id: 7, channel: 'accounts.list', input: {} }));
    expect(await reply).toEqual({ kind: 'reply', id: 7, reply: { ok: true, value: [] } });

    const invalid = nextMessage(ws);
    ws.send(JSON.stringify({ id: 8, channel: 'accounts.remove', input: { accountId: '../../etc' } }));
    expect(await invalid).toMatchObject({ kind: 'reply', id: 8, reply: { ok: false, error: { code: 'INVALID_ARGUMENT' } } });
    ws.close();
  });

  it('delivers events to connected pages', async () => {
    const ws = connect();
    await outcome(ws);
    const event = nextMessage(ws);
    service.bus.emit('accounts.changed', { accounts: [] });
    expect(await event).toEqual({ kind: 'event', event: 'accounts.changed', payload: { accounts: [] } });
    ws.close();
  });

  it('serves the renderer with a strict Content-Security-Policy and nothing outside its folder', async () => {
    const res = await fetch(`http://127.0.0.1:${bridge.port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<title>Mua</title>');
    const escape = await fetch(`http://127.0.0.1:${bridge.port}/..%2f..%2f..%2fetc%2fpasswd`);
    expect(escape.status).toBe(404);
  });

  it('serves the mail frame as an empty page under its own policy, remote content only when asked', async () => {
    for (const remote of [false, true]) {
      const res = await fetch(`http://127.0.0.1:${bridge.port}/mail-frame.html?remote=${remote ? 1 : 0}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(mailFrameContentSecurityPolicy(remote));
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toBe(mailFrameDocument(remote));
    }
    expect(mailFrameContentSecurityPolicy(false)).not.toMatch(/https?:/);
    expect(mailFrameContentSecurityPolicy(true)).toContain("script-src 'none'");
  });
});
