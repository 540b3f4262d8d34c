import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { simpleParser, type AddressObject } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ParsedDraftMessage, SavedDraft } from '../../shared/drafts.js';
import { AppError } from '../../shared/errors.js';
import { identitiesOf, incomingOf, type Account, type Identity, type OutgoingAttachment } from '../../shared/schemas.js';
import { sendAs } from '../accounts/send-as.js';
import { appendDraft } from '../imap/append-draft.js';
import { composeMessage, type ParsedOutgoing } from '../mime/compose-message.js';
import type { MailSync } from '../sync/mail-sync.js';

/** Where the latest saved copy of one composition lies. */
type Location = { accountId: string; folder: string; uid: number | null; messageId: string };

export type DraftsOptions = {
  mail: Pick<MailSync, 'session' | 'perform' | 'syncFolder' | 'source' | 'pop3'>;
  account: (accountId: string) => Account;
  identity: (accountId: string, identityId: string | undefined) => Identity;
};

/** A kept draft may be this large (the attachments' 25 MB, base64, and the rest). */
const MAX_DRAFT_SOURCE = 40 * 1024 * 1024;

/**
 * Drafts saved as the person writes (drafts.save): to the account's Drafts folder on the IMAP
 * server (APPEND with \Draft), or, for a POP3 account, to its local Drafts. Each save of one
 * composition replaces the one before (its old copy is deleted for good once the new one is
 * in), so the folder holds one copy per composition. Saves of one draft run one after another.
 */
export class Drafts {
  private readonly saved = new Map<string, Location>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: DraftsOptions) {}

  /** Saves the composition; a new one gets a draft id, which later saves and drafts.discard name. */
  save(draftId: string | undefined, message: ParsedDraftMessage): Promise<SavedDraft> {
    const id = draftId ?? randomUUID().replace(/-/g, '');
    return this.serially(id, async () => {
      const previous = this.saved.get(id);
      if (draftId !== undefined && !previous) throw new AppError('NOT_FOUND', { message: 'That draft is no longer kept; save it as a new one.' });
      if (previous && previous.accountId !== message.accountId) {
        // Moved to another account (From changed): the old account's copy goes.
        await this.remove(previous);
      }
      const account = this.options.account(message.accountId);
      const messageId = previous?.accountId === message.accountId ? previous.messageId : undefined;
      const { raw, messageId: writtenId } = await this.build(account, message, messageId);
      let location: Location;
      if (incomingOf(account) === 'pop3') {
        const { folder, uid } = await this.options.mail.pop3.file(account.id, 'drafts', () => Readable.from([raw]), { seen: true, draft: true });
        location = { accountId: account.id, folder, uid, messageId: writtenId };
      } else {
        const { session } = await this.options.mail.session(account.id);
        const { folder, uid } = await session.run((client) => appendDraft(client, raw, writtenId));
        location = { accountId: account.id, folder, uid, messageId: writtenId };
      }
      this.saved.set(id, location);
      if (previous && previous.accountId === message.accountId) await this.remove(previous);
      if (incomingOf(account) !== 'pop3') void this.options.mail.syncFolder(account.id, location.folder).catch(() => {});
      return { draftId: id, folder: location.folder, uid: location.uid };
    });
  }

  /** Deletes the composition's saved copy (it was sent, or thrown away). */
  discard(draftId: string): Promise<{ discarded: boolean }> {
    return this.serially(draftId, async () => {
      const location = this.saved.get(draftId);
      if (!location) return { discarded: false };
      this.saved.delete(draftId);
      await this.remove(location);
      return { discarded: true };
    });
  }

  /**
   * A message in Drafts, to edit (Edit draft): its recipients, subject, text and attachments as
   * the composer takes them, and a draft id whose next save replaces this very message.
   */
  async open(accountId: string, folder: string, uid: number): Promise<{ draftId: string; message: ParsedDraftMessage }> {
    const { source } = await this.options.mail.source(accountId, folder, uid, MAX_DRAFT_SOURCE);
    const parsed = await simpleParser(Buffer.from(source, 'utf8'), { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
    const account = this.options.account(accountId);
    const from = addressesOf(parsed.from)[0];
    const identity = identitiesOf(account).find((i) => from && i.email.toLowerCase() === from.address.toLowerCase());
    const refs = parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : [parsed.references];
    const attachments: OutgoingAttachment[] = parsed.attachments.map((a) => ({
      filename: (a.filename ?? 'attachment').replace(/[\x00-\x1f\x7f]/g, ''),
      contentType: a.contentType,
      contentBase64: a.content.toString('base64'),
      ...(a.contentDisposition === 'inline' && a.cid ? { contentId: a.cid, inline: true } : {}),
    }));
    const message: ParsedDraftMessage = {
      accountId,
      ...(identity ? { identityId: identity.id } : {}),
      to: addressesOf(parsed.to).map(formatted),
      cc: addressesOf(parsed.cc).map(formatted),
      bcc: addressesOf(parsed.bcc).map(formatted),
      subject: (parsed.subject ?? '').replace(/[\r\n]+/g, ' '),
      text: stripSignatureEcho((parsed.text ?? '').replace(/\r\n/g, '\n')),
      attachments,
      ...(parsed.inReplyTo && /^<[^<>\s]+>$/.test(parsed.inReplyTo) ? { inReplyTo: parsed.inReplyTo } : {}),
      references: refs.filter((r) => /^<[^<>\s]+>$/.test(r)).slice(-100),
    };
    const draftId = randomUUID().replace(/-/g, '');
    this.saved.set(draftId, { accountId, folder, uid, messageId: parsed.messageId ?? `<${draftId}@draft>` });
    return { draftId, message };
  }

  private async build(account: Account, draft: ParsedDraftMessage, messageId: string | undefined): Promise<{ raw: Buffer; messageId: string }> {
    const outgoing: ParsedOutgoing = {
      accountId: draft.accountId,
      to: draft.to,
      cc: draft.cc,
      bcc: draft.bcc,
      subject: draft.subject,
      text: draft.text,
      attachments: draft.attachments,
      inReplyTo: draft.inReplyTo,
      references: draft.references,
    };
    const as = sendAs(this.options.identity(account.id, draft.identityId), outgoing);
    const { envelope: _envelope, ...mail } = composeMessage(account, as, messageId ? { messageId, date: new Date() } : undefined);
    const composer = new MailComposer({ ...mail, bcc: draft.bcc.length ? draft.bcc : undefined, headers: { 'X-Mua-Draft': '1' } });
    // A Bcc header is written into a draft only: it goes when the message is sent.
    const node = composer.compile();
    (node as unknown as { keepBcc: boolean }).keepBcc = true;
    const raw = await node.build();
    return { raw, messageId: mail.messageId };
  }

  /** Deletes a saved copy for good (not to Trash: an old version of a draft is no loss). */
  private async remove(location: Location): Promise<void> {
    if (location.uid === null) return;
    await this.options.mail.perform(location.accountId, { kind: 'delete', folder: location.folder, uids: [location.uid], trash: null });
  }

  private serially<T>(id: string, job: () => Promise<T>): Promise<T> {
    const before = this.queues.get(id) ?? Promise.resolve();
    const run = before.catch(() => {}).then(job);
    this.queues.set(id, run);
    void run
      .catch(() => {})
      .finally(() => {
        if (this.queues.get(id) === run) this.queues.delete(id);
      });
    return run;
  }
}

function addressesOf(field: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value).flatMap((a) => (a.address ? [{ name: a.name ?? '', address: a.address }] : []));
}

function formatted(a: { name: string; address: string }): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

/** mailparser ends a text part with the newline the composer wrote; the composer did not have it. */
function stripSignatureEcho(text: string): string {
  return text.replace(/\n$/, '');
}
