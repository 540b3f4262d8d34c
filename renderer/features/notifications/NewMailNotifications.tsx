import { useEffect, useRef, useState } from 'react';
import type { ContractClient, EventPayload, RequestOutput } from '../../../shared/contract.js';
import { newMailNotification } from '../../../shared/new-mail-notification.js';
import type { Account } from '../../../shared/schemas.js';
import { CheckboxField } from '../../components/Field.js';
import { notificationApi, useNotificationSettings, type NotificationSettings } from './notification-settings.js';

type Shell = RequestOutput<'app.status'>['shell'];

/**
 * New-mail notifications in a browser tab (npm run web): on mail.arrived, while the window is not
 * focused, a Web Notification with the count and the account (the same words as the desktop
 * shell's), and the newest message's sender and subject only if the person chose so. Off until
 * the person turns them on here (which asks the browser's permission). In the Electron shell
 * (app.status says which) the shell notifies itself and this shows nothing, so nothing is said
 * twice.
 */
export function NewMailNotifications({ client, accounts }: { client: ContractClient; accounts: readonly Account[] }) {
  const shell = useShell(client);
  const api = notificationApi();
  const [settings, change] = useNotificationSettings();
  const [permission, setPermission] = useState<NotificationPermission>(() => api?.permission ?? 'denied');
  const latest = useRef({ settings, accounts });
  latest.current = { settings, accounts };

  useEffect(() => {
    if (shell !== 'web' || !api) return;
    return client.on('mail.arrived', (arrival) => void notify(client, api, arrival, latest.current));
  }, [client, shell, api]);

  if (shell !== 'web' || !api) return null;
  const on = settings.enabled && permission === 'granted';
  async function turnOn() {
    const answer = await api!.requestPermission();
    setPermission(answer);
    if (answer === 'granted') change({ enabled: true });
  }
  return (
    <div className="notification-settings" role="group" aria-label="Notifications">
      {on ? (
        <>
          <button type="button" onClick={() => change({ enabled: false })}>
            Turn off notifications
          </button>
          <CheckboxField label="Show sender and subject in notifications" checked={settings.showSender} onChange={(showSender) => change({ showSender })} />
        </>
      ) : permission === 'denied' ? (
        <p className="note">Notifications are blocked for this page. To be told of new mail, allow them in the browser’s settings for this site.</p>
      ) : (
        <button type="button" onClick={() => void turnOn()}>
          Turn on notifications
        </button>
      )}
    </div>
  );
}

/** Which shell shows the app, from app.status (undefined until it answers, or if it cannot). */
function useShell(client: ContractClient): Shell | undefined {
  const [shell, setShell] = useState<Shell>();
  useEffect(() => {
    let live = true;
    client
      .invoke('app.status', {})
      .then((reply) => {
        if (live && reply.ok) setShell(reply.value.shell);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [client]);
  return shell;
}

async function notify(
  client: ContractClient,
  api: typeof Notification,
  arrival: EventPayload<'mail.arrived'>,
  { settings, accounts }: { settings: NotificationSettings; accounts: readonly Account[] },
): Promise<void> {
  // The person is looking at the app: the list shows the new mail already.
  if (!settings.enabled || api.permission !== 'granted' || document.hasFocus()) return;
  const text = newMailNotification(arrival, accounts.find((a) => a.id === arrival.accountId)?.email);
  if (!text) return;
  let body = text.body;
  if (settings.showSender) {
    const reply = await client.invoke('messages.list', { accountId: arrival.accountId, folder: arrival.folder, limit: 1 }).catch(() => undefined);
    const newest = reply?.ok ? reply.value[0] : undefined;
    if (newest) body += `\n${newest.from ? newest.from.name || newest.from.address : '(no sender)'}: ${newest.subject || '(no subject)'}`;
  }
  // One notification per account, replaced by the next (tag), not a pile.
  const shown = new api(text.title, { body, tag: `mua-new-mail-${arrival.accountId}` });
  shown.onclick = () => {
    window.focus();
    shown.close();
  };
}
