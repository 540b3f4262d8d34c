import type { MailboxAddress } from '../shared/schemas.js';

// Made once: Date#toLocale*String with options builds a new formatter on every call, which cost
// ~90 ms of the first list's drawing (a row each, ICU set up each time).
let dayFormat: Intl.DateTimeFormat | undefined;
let timeFormat: Intl.DateTimeFormat | undefined;

/**
 * Makes the list's date formats now. The first costs 50–90 ms (the locale's data is set up): done
 * while main reads the first page (features/mailbox/first-screen.ts), not before the page has
 * sent its first requests (which it would hold back), it is not paid while the rows are drawn.
 */
export function prepareDateFormats(): void {
  if (dayFormat && timeFormat) return;
  formatDate(new Date().toISOString());
  formatDate(new Date(0).toISOString());
}

/** A list's date: the time for today's messages, else the day. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const sameDay = date.toDateString() === new Date().toDateString();
  if (sameDay) return (timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })).format(date);
  return (dayFormat ??= new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' })).format(date);
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
