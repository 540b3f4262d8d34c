import { AccountService } from './accounts/account-service.js';
import type { SecretStore } from './accounts/secret-store.js';
import { AccountSettings, type KeyValueFile } from './accounts/settings-store.js';
import { createDispatcher } from './contract/dispatch.js';
import { EventBus } from './contract/event-bus.js';
import { createInProcessClient } from './contract/in-process-client.js';
import type { HandlerTable } from './contract/handler-table.js';
import { withImap } from './imap/connect.js';
import { listMessages } from './imap/list-messages.js';
import { openMessage } from './imap/open-message.js';
import { sendMessage } from './smtp/send-message.js';

export type ServiceOptions = {
  settingsFile: KeyValueFile;
  secrets: SecretStore;
};

/**
 * The composition root: builds the services and the one handler table that both transports
 * (Electron IPC and the loopback bridge) dispatch to.
 */
export function createMailService({ settingsFile, secrets }: ServiceOptions) {
  const accounts = new AccountService(new AccountSettings(settingsFile), secrets);
  const bus = new EventBus();

  const handlers: HandlerTable = {
    'accounts.list': async () => accounts.list(),

    'accounts.add': async (input) => {
      const account = await accounts.add(input);
      bus.emit('accounts.changed', { accounts: accounts.list() });
      return account;
    },

    'accounts.remove': async ({ accountId }) => {
      const removed = await accounts.remove(accountId);
      if (removed) bus.emit('accounts.changed', { accounts: accounts.list() });
      return { removed };
    },

    'messages.list': async ({ accountId, folder, limit }) => {
      const { account, password } = await accounts.credentials(accountId);
      return withImap(account, password, (client) => listMessages(client, folder, limit));
    },

    'message.open': async ({ accountId, folder, uid }) => {
      const { account, password } = await accounts.credentials(accountId);
      return withImap(account, password, (client) => openMessage(client, folder, uid));
    },

    'mail.send': async (message) => {
      const { account, password } = await accounts.credentials(message.accountId);
      const result = await sendMessage(account, password, message);
      bus.emit('mail.sent', { accountId: account.id, messageId: result.messageId, accepted: result.accepted });
      return result;
    },
  };

  const dispatch = createDispatcher(handlers);
  return { handlers, dispatch, bus, client: createInProcessClient(dispatch, bus), secretsKind: secrets.kind };
}

export type MailService = ReturnType<typeof createMailService>;
