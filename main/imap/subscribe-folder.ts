import type { ImapFlow } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import { findFolder, listedFolders, missingFolder } from './create-folder.js';
import { imapError } from './imap-errors.js';

/**
 * imapflow reports a refused SUBSCRIBE/UNSUBSCRIBE as `false`, without the reason. The likely
 * one, a folder that is not there, is told apart by a LIST; anything else is the server's.
 */
async function refused(client: ImapFlow, path: string, action: string, mustExist: boolean): Promise<AppError> {
  if (!client.usable) return new AppError('CONNECTION_LOST', { details: { host: client.host, port: String(client.port) } });
  if (mustExist && !findFolder(await listedFolders(client), path)) return missingFolder(path);
  return new AppError('SERVER_ERROR', { message: `The server refused to ${action} "${path}".`, details: { path } });
}

/** Subscribes to a folder (SUBSCRIBE), so that clients that show subscribed folders only show it. */
export async function subscribeFolder(client: ImapFlow, path: string): Promise<void> {
  let done: boolean;
  try {
    done = await client.mailboxSubscribe(path);
  } catch (error) {
    throw imapError(error, client.host, client.port);
  }
  if (!done) throw await refused(client, path, 'subscribe to', true);
}

/**
 * Unsubscribes from a folder (UNSUBSCRIBE). A folder that no longer exists may still be
 * unsubscribed from: that is how a stale subscription is cleaned up.
 */
export async function unsubscribeFolder(client: ImapFlow, path: string): Promise<void> {
  let done: boolean;
  try {
    done = await client.mailboxUnsubscribe(path);
  } catch (error) {
    throw imapError(error, client.host, client.port);
  }
  if (!done) throw await refused(client, path, 'unsubscribe from', false);
}
