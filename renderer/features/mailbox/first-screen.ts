import { PAGE_SIZE } from '../../../shared/list-pages.js';
import { prepareDateFormats } from '../../format.js';
import type { AskingAheadClient } from '../../transport/asking-ahead.js';
import { storedListOrder } from './ListControls.js';
import { folderPageInput } from './use-message-pages.js';

/**
 * What the mailbox asks first for the account it opens on (its folders, its Inbox's first page,
 * in the order last chosen), asked ahead as soon as the accounts are known: main reads them
 * while React draws the mailbox that will take them, instead of after.
 */
export function askForFirstScreen(client: AskingAheadClient, accountId: string): void {
  client.askAhead('messages.list', folderPageInput(accountId, 'INBOX', storedListOrder(), PAGE_SIZE));
  client.askAhead('folders.list', { accountId });
  // Main reads the page meanwhile: the time to make the formats its dates are drawn with.
  setTimeout(prepareDateFormats, 0);
}
