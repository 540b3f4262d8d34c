import type { EventPayload } from './contract.js';

/**
 * What the desktop notification for new mail says. Only a count and the account: no sender, no
 * subject, because notifications show on lock screens and in notification history, where mail
 * content does not belong. Shared by the Electron shell and the browser tab (the renderer shows
 * its own notification only in web mode, see app.status `shell`).
 */
export type NotificationText = { title: string; body: string };

export function newMailNotification(
  arrival: EventPayload<'mail.arrived'>,
  accountEmail: string | undefined,
): NotificationText | undefined {
  if (arrival.count <= 0) return undefined;
  const messages = arrival.count === 1 ? '1 new message' : `${arrival.count.toLocaleString('en')} new messages`;
  const where = arrival.folder === 'INBOX' ? '' : ` in ${oneLine(arrival.folder)}`;
  const account = accountEmail ? ` for ${oneLine(accountEmail)}` : '';
  return { title: 'New mail', body: `${messages}${account}${where}` };
}

function oneLine(value: string): string {
  return value.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').slice(0, 200);
}
