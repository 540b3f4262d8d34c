import { useCallback, useEffect, useState } from 'react';

const STORAGE_KEY = 'mua.notifications';

/**
 * The person's choices for new-mail notifications in a browser tab, remembered in localStorage:
 * whether to show them at all (off until they turn them on), and whether they may name the
 * sender and subject (off: a count and the account only, as notifications show on lock screens).
 */
export type NotificationSettings = { enabled: boolean; showSender: boolean };

export function readNotificationSettings(): NotificationSettings {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<NotificationSettings> | null;
    return { enabled: saved?.enabled === true, showSender: saved?.showSender === true };
  } catch {
    return { enabled: false, showSender: false };
  }
}

export function useNotificationSettings() {
  const [settings, setSettings] = useState<NotificationSettings>(readNotificationSettings);
  useEffect(() => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
    } catch {
      // Not remembered; this session still has them.
    }
  }, [settings]);
  const change = useCallback((next: Partial<NotificationSettings>) => setSettings((now) => ({ ...now, ...next })), []);
  return [settings, change] as const;
}

/** The page's Notification API, where the browser has one (not in every browser, nor in jsdom). */
export function notificationApi(): typeof Notification | undefined {
  return typeof window !== 'undefined' && typeof window.Notification === 'function' ? window.Notification : undefined;
}
