import { useState } from 'react';
import { safeFileName } from '../../../shared/attachment-names.js';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import { attachmentDownloadUrl } from '../../../shared/message-parts.js';
import type { AttachmentInfo } from '../../../shared/schemas.js';
import { formatSize } from './format-size.js';

/** The message the attachments belong to, for asking main to save or open one. */
export type AttachmentSource = { client: ContractClient; accountId: string; folder: string; uid: number; partsKey?: string };

type Props = {
  attachments: AttachmentInfo[];
  /** Absent: listed only (no Save or Open). */
  source?: AttachmentSource;
  onError: (error: AppErrorDto | undefined) => void;
};

/**
 * The message's attachments with their size and type, each with Save and Open. On the desktop
 * main shows the save dialog or hands the file to the system; in a browser (web mode) main
 * answers 'download' and the browser downloads the part from the app (with the name main
 * sanitized; shared/attachment-names.ts). What could run code is never opened: main says why,
 * in the alert.
 */
export function Attachments({ attachments, source, onError }: Props) {
  const [notice, setNotice] = useState('');
  if (attachments.length === 0) return null;

  async function act(action: 'save' | 'open', attachment: AttachmentInfo, shownName: string) {
    if (!source || attachment.part === undefined) return;
    onError(undefined);
    setNotice(action === 'save' ? `Saving “${shownName}”…` : `Opening “${shownName}”…`);
    const { client, accountId, folder, uid, partsKey } = source;
    const channel = action === 'save' ? 'attachments.save' : 'attachments.open';
    const reply = await client.invoke(channel, { accountId, folder, uid, part: attachment.part });
    if (!reply.ok) {
      setNotice('');
      return onError(reply.error);
    }
    const fileName = reply.value.fileName ?? shownName;
    switch (reply.value.result) {
      case 'saved':
        return setNotice(`Saved “${fileName}”.`);
      case 'opened':
        return setNotice(`Opened “${fileName}”.`);
      case 'cancelled':
        return setNotice('');
      case 'download':
        if (!partsKey) return setNotice('');
        startDownload(attachmentDownloadUrl(partsKey, attachment.part), fileName);
        return setNotice(`Downloading “${fileName}”.`);
    }
  }

  return (
    <section className="attachments" aria-label="Attachments">
      <h3>Attachments</h3>
      <ul>
        {attachments.map((a, i) => {
          // The name as it will be saved: no direction overrides or control characters hiding what it is.
          const name = safeFileName(a.filename, a.contentType);
          const actionable = source && a.part !== undefined;
          return (
            <li key={i}>
              <span className="attachment-name">{name}</span> <span className="attachment-size">{formatSize(a.size)}</span>{' '}
              <span className="attachment-type">{a.contentType}</span>
              {actionable ? (
                <span className="attachment-actions">
                  <button type="button" aria-label={`Save ${name}`} onClick={() => void act('save', a, name)}>
                    Save
                  </button>
                  <button type="button" aria-label={`Open ${name}`} onClick={() => void act('open', a, name)}>
                    Open
                  </button>
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      <p className="attachment-notice" aria-live="polite">
        {notice}
      </p>
    </section>
  );
}

/**
 * Web mode: the browser downloads the part from the app (same origin; the response says
 * Content-Disposition: attachment, so nothing is shown in place), as if a link were clicked.
 */
export function startDownload(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}
