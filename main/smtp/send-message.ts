import nodemailer from 'nodemailer';
import type { Account, SendResult } from '../../shared/schemas.js';
import { composeMessage, type ParsedOutgoing } from '../mime/compose-message.js';
import { smtpError } from './smtp-errors.js';
import { smtpTransportOptions } from './transport-options.js';

/**
 * Submits one message now, over a connection of its own. The durable outbox (a later layer)
 * decides when; this decides only how.
 */
export async function sendMessage(account: Account, password: string, message: ParsedOutgoing): Promise<SendResult> {
  const transport = nodemailer.createTransport(smtpTransportOptions(account, password));
  const mail = composeMessage(account, message);
  try {
    const info = await transport.sendMail(mail);
    return {
      messageId: mail.messageId,
      accepted: info.accepted.map(addressOf),
      rejected: info.rejected.map(addressOf),
      serverReply: info.response,
    };
  } catch (error) {
    throw smtpError(error, account.smtp.host, account.smtp.port);
  } finally {
    transport.close();
  }
}

function addressOf(entry: string | { address: string }): string {
  return typeof entry === 'string' ? entry : entry.address;
}
