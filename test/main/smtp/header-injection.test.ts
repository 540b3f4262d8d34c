import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestInput } from '../../../shared/contract.js';
import { inMemoryService, sendAndSettle, value } from '../../support/accounts.js';
import { startFakeSmtp, type FakeSmtp } from '../../support/fake-smtp.js';

/**
 * Header injection is impossible: a CR or LF in any field a person typed is refused by the
 * contract, naming the field, before anything is queued, and the server never hears of it.
 */
type Send = RequestInput<'mail.send'>;
type AccountInput = RequestInput<'accounts.add'>;

const PAYLOADS = { CRLF: '\r\n', LF: '\n', CR: '\r' } as const;
const INJECTED = 'Bcc: victim@example.test';

const attachment = { filename: 'plan.pdf', contentType: 'application/pdf', contentBase64: 'JVBERi0=' };

/** Every field of mail.send that ends up in a header, with where it sits and how the error names it. */
const SEND_FIELDS: { field: string; path: string; names: RegExp; inject: (bad: (v: string) => string) => Partial<Send> }[] = [
  { field: 'to', path: 'to.0', names: /\bTo\b/, inject: (bad) => ({ to: [bad('bob@example.test')] }) },
  { field: 'to (second)', path: 'to.1', names: /\bTo\b/, inject: (bad) => ({ to: ['bob@example.test', bad('carol@example.test')] }) },
  { field: 'cc', path: 'cc.0', names: /\bCc\b/, inject: (bad) => ({ cc: [bad('carol@example.test')] }) },
  { field: 'bcc', path: 'bcc.0', names: /\bBcc\b/, inject: (bad) => ({ bcc: [bad('carol@example.test')] }) },
  { field: 'replyTo', path: 'replyTo.0', names: /\bReply-To\b/, inject: (bad) => ({ replyTo: [bad('alice@example.test')] }) },
  { field: 'subject', path: 'subject', names: /\bsubject\b/i, inject: (bad) => ({ subject: bad('Quarterly plan') }) },
  {
    field: 'attachment filename',
    path: 'attachments.0.filename',
    names: /file name/,
    inject: (bad) => ({ attachments: [{ ...attachment, filename: bad('plan.pdf') }] }),
  },
  {
    field: 'attachment contentType',
    path: 'attachments.0.contentType',
    names: /content type/,
    inject: (bad) => ({ attachments: [{ ...attachment, contentType: bad('application/pdf') }] }),
  },
  {
    field: 'attachment contentId',
    path: 'attachments.0.contentId',
    names: /content ID/,
    inject: (bad) => ({ attachments: [{ ...attachment, contentType: 'image/png', contentId: bad('logo@example.test') }] }),
  },
  { field: 'inReplyTo', path: 'inReplyTo', names: /\bIn-Reply-To\b/, inject: (bad) => ({ inReplyTo: bad('<orig.1@example.test>') }) },
  {
    field: 'references',
    path: 'references.1',
    names: /\bReferences\b/,
    inject: (bad) => ({ references: ['<root.1@example.test>', bad('<orig.1@example.test>')] }),
  },
];

const ACCOUNT_FIELDS: { field: string; names: RegExp; inject: (bad: (v: string) => string) => Partial<AccountInput> }[] = [
  { field: 'name', names: /\bname\b/, inject: (bad) => ({ name: bad('Alice') }) },
  { field: 'email', names: /email address/, inject: (bad) => ({ email: bad('alice@example.test') }) },
];

/** The break at the end (which a trim would quietly drop) and in the middle, followed by a header. */
const SHAPES = {
  trailing: (p: string) => (v: string) => `${v}${p}`,
  'header smuggled after it': (p: string) => (v: string) => `${v}${p}${INJECTED}`,
  leading: (p: string) => (v: string) => `${p}${v}`,
};

let fake: FakeSmtp;
let app: ReturnType<typeof inMemoryService>;
let accountId: string;

beforeAll(async () => {
  fake = await startFakeSmtp();
  app = inMemoryService();
  accountId = value(await app.client.invoke('accounts.add', fake.account())).id;
});

afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

describe('a CR or LF in a field of mail.send', () => {
  for (const { field, path, names, inject } of SEND_FIELDS) {
    for (const [payloadName, payload] of Object.entries(PAYLOADS)) {
      for (const [shapeName, shape] of Object.entries(SHAPES)) {
        it(`is refused in ${field} (${payloadName}, ${shapeName})`, async () => {
          const message: Send = { accountId, to: ['bob@example.test'], subject: 'Hello', text: 'Hi', ...inject(shape(payload)) };
          const reply = await app.client.invoke('mail.send', message);
          expect(reply.ok).toBe(false);
          if (reply.ok) return;
          expect(reply.error.code).toBe('INVALID_ARGUMENT');
          expect(reply.error.details?.field).toBe(path);
          expect(reply.error.message).toMatch(names);
          expect(reply.error.message).toMatch(/single line \(no line breaks\)/);
        });
      }
    }
  }

  it('left nothing in the outbox and sent nothing: the server saw no connection at all', async () => {
    await new Promise((r) => setTimeout(r, 300));
    expect(app.outbox.list()).toEqual([]);
    expect(readdirSync(join(app.profile.outboxDir, 'messages'))).toEqual([]);
    expect(fake.connections).toBe(0);
    expect(fake.delivered).toEqual([]);

    // The same server takes a clean message, so the silence above was the contract's doing.
    const item = await sendAndSettle(app, { accountId, to: ['bob@example.test'], subject: 'Clean', text: 'Hi' });
    expect(item.state).toBe('sent');
    expect(fake.delivered).toHaveLength(1);
  });
});

describe('a CR or LF in the account’s name or address', () => {
  for (const { field, names, inject } of ACCOUNT_FIELDS) {
    for (const [payloadName, payload] of Object.entries(PAYLOADS)) {
      for (const [shapeName, shape] of Object.entries(SHAPES)) {
        it(`is refused in ${field} (${payloadName}, ${shapeName})`, async () => {
          const own = inMemoryService();
          try {
            const reply = await own.client.invoke('accounts.add', { ...fake.account(), ...inject(shape(payload)) });
            expect(reply.ok).toBe(false);
            if (reply.ok) return;
            expect(reply.error.code).toBe('INVALID_ARGUMENT');
            expect(reply.error.details?.field).toBe(field);
            expect(reply.error.message).toMatch(names);
            expect(reply.error.message).toMatch(/single line \(no line breaks\)/);
            expect(value(await own.client.invoke('accounts.list', {}))).toEqual([]);
          } finally {
            await own.stop();
          }
        });
      }
    }
  }
});
