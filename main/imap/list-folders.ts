import type { ImapFlow, ListResponse } from 'imapflow';
import type { Folder, FolderRole } from '../../shared/schemas.js';

/** The SPECIAL-USE attributes (RFC 6154) we give a role to. */
const SPECIAL_USE: Readonly<Record<string, FolderRole>> = {
  '\\drafts': 'drafts',
  '\\sent': 'sent',
  '\\archive': 'archive',
  '\\junk': 'junk',
  '\\trash': 'trash',
};

/** Where a server without SPECIAL-USE keeps these folders (compared case-insensitively with the folder's own name). */
const COMMON_NAMES: Readonly<Record<string, FolderRole>> = {
  sent: 'sent',
  'sent items': 'sent',
  'sent messages': 'sent',
  drafts: 'drafts',
  trash: 'trash',
  'deleted items': 'trash',
  junk: 'junk',
  spam: 'junk',
  archive: 'archive',
};

/** The order folders are shown in: Inbox, then the roles in this order, then the rest by name. */
const ROLE_ORDER: readonly FolderRole[] = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'];

/** What role assignment reads of a listed folder. */
export type ListedFolder = { path: string; name: string; flags: Iterable<string> };

/** The role a folder's name suggests, where the server marks none. */
export function roleFromName(name: string): FolderRole | null {
  return Object.hasOwn(COMMON_NAMES, name.toLowerCase()) ? COMMON_NAMES[name.toLowerCase()]! : null;
}

/** The role a folder's SPECIAL-USE attributes give it. */
function roleFromFlags(flags: Iterable<string>): FolderRole | null {
  for (const flag of flags) {
    const role = SPECIAL_USE[flag.toLowerCase()];
    if (role) return role;
  }
  return null;
}

/**
 * Gives each folder its role (or null): INBOX is the inbox; a SPECIAL-USE attribute the server
 * reports wins; a role no folder is marked with goes to the first folder whose name is one of the
 * common names (Sent, Sent Items, Spam, ...). Each role goes to one folder at most.
 */
export function assignRoles(folders: readonly ListedFolder[]): Map<string, FolderRole | null> {
  const roles = new Map<string, FolderRole | null>(folders.map((f) => [f.path, null]));
  const taken = new Set<FolderRole>();
  const inbox = folders.find((f) => f.path.toUpperCase() === 'INBOX');
  if (inbox) {
    roles.set(inbox.path, 'inbox');
    taken.add('inbox');
  }
  for (const folder of folders) {
    if (roles.get(folder.path)) continue;
    const role = roleFromFlags(folder.flags);
    if (role && !taken.has(role)) {
      roles.set(folder.path, role);
      taken.add(role);
    }
  }
  for (const folder of folders) {
    if (roles.get(folder.path)) continue;
    const role = roleFromName(folder.name);
    if (role && !taken.has(role)) {
      roles.set(folder.path, role);
      taken.add(role);
    }
  }
  return roles;
}

/** Inbox first, then the roles in a fixed order, then the rest by name (then path). */
export function compareFolders(a: Folder, b: Folder): number {
  const rank = (f: Folder) => (f.role ? ROLE_ORDER.indexOf(f.role) : ROLE_ORDER.length);
  return (
    rank(a) - rank(b) ||
    a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) ||
    a.path.localeCompare(b.path)
  );
}

/** The account's folders with their roles and message counts, in display order. */
export async function listFolders(client: ImapFlow): Promise<Folder[]> {
  const listed: ListResponse[] = await client.list({ statusQuery: { messages: true, unseen: true } });
  // imapflow's own name guessing is not used: the rule is ours (assignRoles), so it is the same everywhere.
  const roles = assignRoles(listed.map((f) => ({ path: f.path, name: f.name, flags: f.flags })));
  return listed
    .map((f): Folder => {
      const selectable = !f.flags.has('\\Noselect') && !f.flags.has('\\NonExistent');
      return {
        path: f.path,
        name: f.path.toUpperCase() === 'INBOX' ? 'Inbox' : f.name,
        role: roles.get(f.path) ?? null,
        delimiter: f.delimiter || null,
        total: f.status?.messages ?? 0,
        unread: f.status?.unseen ?? 0,
        selectable,
      };
    })
    .sort(compareFolders);
}
