import { Pop3Client, type Pop3ClientOptions, type Pop3Credentials, type Pop3Settings } from './pop3-client.js';
import { isUidlUnsupported, leaveOnServerImpossible, pop3Error } from './pop3-errors.js';

/**
 * Setting up a POP3 account: logs in (so a wrong password or a bad certificate is said at once)
 * and, when messages are to stay on the server, makes sure the server has UIDL, without which
 * that is impossible. Downloads and deletes nothing.
 */
export async function verifyPop3(
  settings: Pop3Settings,
  credentials: Pop3Credentials,
  { leaveOnServer }: { leaveOnServer: boolean },
  options?: Pop3ClientOptions,
): Promise<void> {
  const client = await Pop3Client.connect(settings, credentials, options);
  try {
    // CAPA may not list it while UIDL works (RFC 2449 servers are not all that exact): ask.
    if (leaveOnServer && client.advertisesUidl !== true) {
      try {
        await client.uidl();
      } catch (error) {
        if (isUidlUnsupported(error)) throw leaveOnServerImpossible(error);
        throw error;
      }
    }
    await client.quit();
  } catch (error) {
    client.close();
    throw pop3Error(error, { host: settings.host, port: settings.port }, 'INTERNAL');
  }
}
