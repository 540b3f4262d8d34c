import { Pop3Client } from '../../../pop3/pop3-client.js';
import type { Login, VerifyTarget } from './verify-target.js';

/**
 * Logs in to a POP3 server (pop3/pop3-client.ts: verified TLS, STLS required) and QUITs
 * without a command in between, so nothing on the server changes.
 *
 * Pop3Client takes one host for both the socket and the certificate check, so where discovery's
 * own DNS gave an address, the certificate is checked against that address: stricter, never looser.
 */
export async function verifyPop3Login(target: VerifyTarget, login: Login): Promise<void> {
  const client = await Pop3Client.connect(
    { host: target.connectTo, port: target.port, security: target.security, authMethod: 'auto' },
    { user: login.username, password: login.password },
    target.timeoutMs ? { timeouts: { connectMs: target.timeoutMs, greetingMs: target.timeoutMs, readMs: target.timeoutMs } } : {},
  );
  await client.quit().catch(() => client.close());
}
