import { isOpenableUrl } from '../../../shared/openable-url.js';

/** What a link in a message does when clicked: open (after asking when its text shows another domain), or nothing. */
export type LinkDecision =
  | { kind: 'open'; url: string }
  | { kind: 'ask'; url: string; shownHost: string; realHost: string }
  | { kind: 'refuse'; reason: string };

/** The host a URL goes to (a mailto: link's address domain), lower-cased, without a leading www. */
export function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'mailto:') {
      const address = decodeURIComponent(parsed.pathname.split(',')[0] ?? '');
      const at = address.lastIndexOf('@');
      return at >= 0 ? normalizeHost(address.slice(at + 1)) : undefined;
    }
    return parsed.hostname ? normalizeHost(parsed.hostname) : undefined;
  } catch {
    return undefined;
  }
}

function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '').replace(/^www\./, '');
}

/**
 * The domain a link's text shows, if it shows one: a URL ("https://bank.example/login"), a bare
 * host ("www.bank.example"), or an address ("help@bank.example"). Plain words show none.
 */
export function shownHost(text: string): string | undefined {
  const t = text.trim();
  const url = t.match(/\b(?:https?:\/\/)([^\s/?#<>"']+)/i);
  if (url) return hostOf(`http://${url[1]!.replace(/^[^@]*@/, '')}`);
  const address = t.match(/[^\s@<>()"]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/);
  if (address) return normalizeHost(address[1]!);
  const bare = t.match(/^(?:www\.)?((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63})(?:[/:?#]\S*)?$/);
  if (bare) return normalizeHost(bare[1]!);
  return undefined;
}

/** The same site: equal hosts, or one inside the other (login.bank.example and bank.example). */
function sameSite(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/** What clicking a link whose target is `href` and whose visible text is `text` should do. */
export function decideLink(href: string | null, text: string): LinkDecision {
  if (!href || !isOpenableUrl(href)) return { kind: 'refuse', reason: 'This link cannot be opened: only web and email links open.' };
  const parsed = new URL(href);
  const url = parsed.href;
  const real = hostOf(url);
  // https://bank.example@evil.example/ goes to evil.example: the part before @ is a user name.
  if (parsed.protocol !== 'mailto:' && (parsed.username || parsed.password) && real) {
    return { kind: 'ask', url, shownHost: decodeURIComponent(parsed.username) || 'a user name', realHost: real };
  }
  const shown = shownHost(text);
  if (shown && real && !sameSite(shown, real)) return { kind: 'ask', url, shownHost: shown, realHost: real };
  return { kind: 'open', url };
}
