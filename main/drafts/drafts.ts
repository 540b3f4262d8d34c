import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { Readable } from 'node:stream';
import { simpleParser, type AddressObject } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ParsedDraftMessage, SavedDraft } from '../../shared/drafts.js';
import { AppError } from '../../shared/errors.js';
import { identitiesOf, type Account, type Identity, type OutgoingAttachment } from '../../shared/schemas.js';
import { sendAs } from '../accounts/send-as.js';
import { composeMessage, type ParsedOutgoing } from '../mime/compose-message.js';
import type { KeptSources } from '../mime/forwarded-attachments.js';
import { prepareComposed } from '../mime/prepare-composed.js';
import { sanitizeComposedHtml } from '../mime/sanitize-composed-html.js';
import type { MailSync } from '../sync/mail-sync.js';

/** Where the saved copies of one composition lie: normally one UID; none when the server did not say; more after a crash between a save and the removal of the copy before. */
type Location = { accountId: string; folder: string; uids: number[] };

export type DraftsOptions = {
  mail: Pick<MailSync, 'keep' | 'keptCopies' | 'perform' | 'syncFolder' | 'source'>;
  /** The kept copy of a message (a forward's original, whose attachments a draft carries). */
  sources: KeptSources;
  account: (accountId: string) => Account;
  identity: (accountId: string, identityId: string | undefined) => Identity;
};

/** A kept draft may be this large (the attachments' 25 MB, base64, and the rest). */
const MAX_DRAFT_SOURCE = 40 * 1024 * 1024;

/**
 * A composition's saved copies carry its draft id in their Message-ID ("<draft.ID@domain>"):
 * the server's copy says which composition it belongs to, so the id survives a restart of the
 * app (main's memory of where the copy lies does not) and a draft reopened after one is
 * replaced, not duplicated. A draft written by another program has no such Message-ID and gets a
 * new id when it is opened; its first save here gives it one.
 */
const draftMessageId = (draftId: string, sender: string) => `<draft.${draftId}@${domainToASCII(sender.slice(sender.lastIndexOf('@') + 1)) || 'localhost'}>`;
const marker = (draftId: string) => `draft.${draftId}@`;
const DRAFT_ID_IN_MESSAGE_ID = /^<draft\.([A-Za-z0-9_-]{8,64})@[^<>\s]+>$/;

const newDraftId = () => randomUUID().replace(/-/g, '');

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
    const id = draftId ?? newDraftId();
    return this.serially(id, async () => {
      const account = this.options.account(message.accountId);
      let previous = this.saved.get(id);
      if (previous && previous.accountId !== message.accountId) {
        // Moved to another account (From changed): the old account's copy goes.
        await this.remove(previous);
        previous = undefined;
      } else if (!previous && draftId !== undefined) {
        // Not saved since main started: its copy is found by the id in its Message-ID.
        previous = await this.locate(account, id);
        if (!previous) throw new AppError('NOT_FOUND', { message: 'That draft is no longer kept; save it as a new one.' });
      }
      const raw = await this.build(account, id, message);
      const { folder, uid } = await this.options.mail.keep(account.id, 'drafts', () => Readable.from([raw.bytes]), { seen: true, draft: true, messageId: raw.messageId });
      const location: Location = { accountId: account.id, folder, uids: uid === null ? [] : [uid] };
      this.saved.set(id, location);
      if (previous) await this.remove({ ...previous, uids: previous.uids.filter((uid) => previous!.folder !== location.folder || !location.uids.includes(uid)) });
      // On a server, the new copy reaches the store with the folder's next sync: now.
      void this.options.mail.syncFolder(account.id, location.folder).catch(() => {});
      return { draftId: id, folder: location.folder, uid: location.uids[0] ?? null };
    });
  }

  /**
   * Deletes the composition's saved copy (it was sent, or thrown away). With the account, a
   * copy saved before main restarted is found and deleted too.
   */
  discard(draftId: string, accountId?: string): Promise<{ discarded: boolean }> {
    return this.serially(draftId, async () => {
      const location = this.saved.get(draftId) ?? (accountId ? await this.locate(this.options.account(accountId), draftId) : undefined);
      if (!location) return { discarded: false };
      this.saved.delete(draftId);
      await this.remove(location);
      return { discarded: true };
    });
  }

  /**
   * A message in Drafts, to edit (Edit draft): its recipients, subject, text (and HTML, when it
   * was written as rich text) and attachments as the composer takes them, and a draft id whose
   * next save replaces this very message: the id it was saved under, if it was saved here.
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
      ...(typeof parsed.html === 'string' ? { html: sanitizeComposedHtml(parsed.html) } : {}),
      attachments,
      ...(parsed.inReplyTo && /^<[^<>\s]+>$/.test(parsed.inReplyTo) ? { inReplyTo: parsed.inReplyTo } : {}),
      references: refs.filter((r) => /^<[^<>\s]+>$/.test(r)).slice(-100),
    };
    const draftId = parsed.messageId?.match(DRAFT_ID_IN_MESSAGE_ID)?.[1] ?? newDraftId();
    await this.serially(draftId, async () => {
      const known = this.saved.get(draftId);
      // Known already (saved in this run): its copies are kept track of as they are.
      if (!known || known.accountId !== accountId || known.folder !== folder) this.saved.set(draftId, { accountId, folder, uids: [uid] });
      else if (!known.uids.includes(uid)) known.uids.push(uid);
    });
    return { draftId, message };
  }

  /** The composition's saved copies in the account's Drafts, found by its Message-ID (after a restart). */
  private async locate(account: Account, draftId: string): Promise<Location | undefined> {
    const found = await this.options.mail.keptCopies(account.id, 'drafts', marker(draftId));
    return found?.uids.length ? { accountId: account.id, ...found } : undefined;
  }

  private async build(account: Account, draftId: string, draft: ParsedDraftMessage): Promise<{ bytes: Buffer; messageId: string }> {
    const ready = await prepareComposed(draft, draft.forwarded, this.options.sources);
    const outgoing: ParsedOutgoing = {
      accountId: ready.accountId,
      to: ready.to,
      cc: ready.cc,
      bcc: ready.bcc,
      subject: ready.subject,
      text: ready.text,
      ...(ready.html !== undefined ? { html: ready.html } : {}),
      attachments: ready.attachments,
      inReplyTo: ready.inReplyTo,
      references: ready.references,
    };
    const as = sendAs(this.options.identity(account.id, draft.identityId), outgoing);
    const messageId = draftMessageId(draftId, as.from?.address ?? account.email);
    const { envelope: _envelope, ...mail } = composeMessage(account, as, { messageId, date: new Date() });
    const composer = new MailComposer({ ...mail, bcc: draft.bcc.length ? draft.bcc : undefined, headers: { 'X-Mua-Draft': '1' } });
    // A Bcc header is written into a draft only: it goes when the message is sent.
    const node = composer.compile();
    (node as unknown as { keepBcc: boolean }).keepBcc = true;
    return { bytes: await node.build(), messageId };
  }

  /** Deletes saved copies for good (not to Trash: an old version of a draft is no loss). */
  private async remove(location: Location): Promise<void> {
    if (location.uids.length === 0) return;
    await this.options.mail.perform(location.accountId, { kind: 'delete', folder: location.folder, uids: location.uids, trash: null });
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
