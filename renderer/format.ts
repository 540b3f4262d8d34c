import type { MailboxAddress } from '../shared/schemas.js';

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatAddress(a: MailboxAddress): string {
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

/** Splits what a person typed in To/Cc/Bcc into addresses; validation happens in main. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((part) => part.trim())
    .map((part) => part.match(/<([^<>]+)>\s*$/)?.[1] ?? part)
    .filter((part) => part.length > 0);
}
