import { describe, expect, it } from 'vitest';
import { ASKED_AHEAD_TTL_MS, askingAhead } from '../../renderer/transport/asking-ahead.js';
import { fakeClient } from './fake-client.js';

const page = { accountId: 'a1', folder: 'INBOX', limit: 200, sort: 'date', threads: false } as const;

function setUp() {
  let answers = 0;
  const fake = fakeClient({ 'messages.list': () => ({ ok: true, value: [{ answer: ++answers }] }) });
  let clock = 1_000;
  const client = askingAhead(fake.client, () => clock);
  return { fake, client, tick: (ms: number) => (clock += ms) };
}

describe('asking main ahead', () => {
  it('sends the request at once, and the same request asked later takes its answer instead of asking again', async () => {
    const { fake, client } = setUp();
    client.askAhead('messages.list', page);
    expect(fake.callsOf('messages.list')).toHaveLength(1);
    // The same input written in another key order is the same request.
    const { threads, sort, limit, folder, accountId } = page;
    const reply = await client.invoke('messages.list', { threads, sort, limit, folder, accountId });
    expect(reply).toEqual({ ok: true, value: [{ answer: 1 }] });
    expect(fake.callsOf('messages.list')).toHaveLength(1);
  });

  it('gives an answer once: whoever asks after that asks main, and gets what is current', async () => {
    const { fake, client } = setUp();
    client.askAhead('messages.list', page);
    await client.invoke('messages.list', page);
    expect(await client.invoke('messages.list', page)).toEqual({ ok: true, value: [{ answer: 2 }] });
    expect(fake.callsOf('messages.list')).toHaveLength(2);
  });

  it('asks main again for another input, and when the answer asked ahead is too old', async () => {
    const { fake, client, tick } = setUp();
    client.askAhead('messages.list', page);
    expect(await client.invoke('messages.list', { ...page, folder: 'Sent' })).toEqual({ ok: true, value: [{ answer: 2 }] });
    tick(ASKED_AHEAD_TTL_MS + 1);
    expect(await client.invoke('messages.list', page)).toEqual({ ok: true, value: [{ answer: 3 }] });
    expect(fake.callsOf('messages.list')).toHaveLength(3);
  });

  it('does not ask twice for what it already asked ahead', () => {
    const { fake, client } = setUp();
    client.askAhead('messages.list', page);
    client.askAhead('messages.list', { ...page });
    expect(fake.callsOf('messages.list')).toHaveLength(1);
  });
});
