import type { MenuItemConstructorOptions } from 'electron';

/**
 * The native menu. The renderer handles the single-key shortcuts itself, so the menu only lists
 * them (Help > Keyboard Shortcuts): a menu accelerator without a modifier would take the key from
 * every text field. Plain data, built here so a test can read it; main.ts hands it to
 * Menu.buildFromTemplate.
 */
export const KEYBOARD_SHORTCUTS: ReadonlyArray<{ key: string; action: string }> = [
  { key: 'C', action: 'Compose a new message' },
  { key: 'R', action: 'Reply' },
  { key: 'A', action: 'Reply to all' },
  { key: 'F', action: 'Forward' },
  { key: 'J', action: 'Next message' },
  { key: 'K', action: 'Previous message' },
  { key: 'Delete', action: 'Delete the message' },
  { key: 'U', action: 'Mark as read or unread' },
  { key: 'S', action: 'Flag or unflag' },
  { key: '/', action: 'Search' },
  { key: 'Escape', action: 'Close, or clear the search' },
];

export type MenuOptions = {
  platform: NodeJS.Platform;
  /** Developer tools only in a development build, never in the packaged app. */
  isPackaged: boolean;
};

export function applicationMenuTemplate({ platform, isPackaged }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (!isPackaged) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' });
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    // Copy, paste and undo in text fields go through this menu on macOS.
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        {
          label: 'Keyboard Shortcuts',
          submenu: KEYBOARD_SHORTCUTS.map(({ key, action }) => ({ label: `${key}    ${action}`, enabled: false })),
        },
      ],
    },
  ];
}
