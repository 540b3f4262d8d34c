/**
 * Names used by the Electron transport, kept here so preload and main agree by construction.
 * They live apart from contract.ts because the sandboxed preload is bundled on its own: importing
 * contract.ts there would pull all of zod and the schemas into it (about 190 kB) for two strings.
 */
export const ELECTRON_INVOKE_CHANNEL = 'mua:invoke';
export const ELECTRON_EVENT_CHANNEL = 'mua:event';
