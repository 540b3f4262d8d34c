/** The schemes a link in a message may open with (links.open): anything else is refused. */
export const OPENABLE_SCHEMES: readonly string[] = ['http:', 'https:', 'mailto:'];

/** True for an absolute http, https or mailto URL (an http(s) one with a host). */
export function isOpenableUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (!OPENABLE_SCHEMES.includes(url.protocol)) return false;
  return url.protocol === 'mailto:' || url.hostname !== '';
}
