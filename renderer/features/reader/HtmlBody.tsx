import { useEffect, useRef } from 'react';
import { mailFrameUrl } from '../../../shared/mail-frame.js';

/** A link in the message, as the person sees it: where it really goes, and the text it shows. */
export type FrameLink = { href: string | null; text: string };

type Props = {
  /** Sanitized body markup (sanitize-html.ts). */
  html: string;
  allowRemote: boolean;
  /** The key of the message's parts: the frame's policy lets it show those inline images, and no others. */
  partsKey?: string;
  /** A link was clicked (or activated from the keyboard); nothing has been opened. */
  onLink: (link: FrameLink) => void;
  /** The link under the pointer or the focus, or undefined when there is none. */
  onHover: (link: FrameLink | undefined) => void;
};

/**
 * Listens, from the app's side, to the links of the frame's document: hover and focus show the
 * real target, a click (or Enter) is stopped and handed to onLink. Returns the cleanup.
 */
export function attachLinkHandlers(doc: Document, { onLink, onHover }: Pick<Props, 'onLink' | 'onHover'>): () => void {
  const linkOf = (target: EventTarget | null): FrameLink | undefined => {
    const el = (target as Element | null)?.closest?.('a, area');
    return el ? { href: el.getAttribute('href'), text: el.textContent ?? el.getAttribute('alt') ?? '' } : undefined;
  };
  const click = (event: Event) => {
    const link = linkOf(event.target);
    // Nothing in the frame navigates: links open through the app, after the checks.
    event.preventDefault();
    if (link && (event as MouseEvent).button <= 1) onLink(link);
  };
  const over = (event: Event) => {
    const link = linkOf(event.target);
    if (link) onHover(link);
  };
  const out = (event: Event) => {
    if (linkOf(event.target)) onHover(undefined);
  };
  const listeners: [string, (e: Event) => void][] = [
    ['click', click],
    ['auxclick', click],
    ['submit', (e) => e.preventDefault()],
    ['mouseover', over],
    ['focusin', over],
    ['mouseout', out],
    ['focusout', out],
  ];
  for (const [name, fn] of listeners) doc.addEventListener(name, fn, true);
  return () => {
    for (const [name, fn] of listeners) doc.removeEventListener(name, fn, true);
  };
}

/**
 * The message's HTML in a sandboxed frame: no allow-scripts (nothing in it can run, whatever
 * got past the sanitizer), no forms, popups or top navigation. allow-same-origin only so that
 * the app can fill the frame, size it to its content and catch its link clicks; without scripts
 * in the frame that gives the message nothing. The frame's document is served by the app with
 * its own CSP (shared/mail-frame.ts): no script and, unless remote content was allowed, nothing
 * from the network; the app's own, stricter policy stays as it is.
 */
export function HtmlBody({ html, allowRemote, partsKey, onLink, onHover }: Props) {
  const frame = useRef<HTMLIFrameElement>(null);
  const callbacks = useRef({ onLink, onHover });
  callbacks.current = { onLink, onHover };
  const cleanup = useRef<() => void>(undefined);
  const loaded = useRef(false);
  const content = useRef(html);
  content.current = html;

  useEffect(() => () => cleanup.current?.(), []);
  // Another message in the same frame (same policy): filled again without reloading it.
  useEffect(() => {
    if (loaded.current) fill();
  }, [html]);

  function fill() {
    cleanup.current?.();
    const iframe = frame.current;
    const doc = iframe?.contentDocument;
    if (!iframe || !doc?.body) return;
    // Sanitized markup (sanitize-html.ts) into a document whose own policy governs what it loads.
    doc.body.innerHTML = content.current;
    const detach = attachLinkHandlers(doc, {
      onLink: (link) => callbacks.current.onLink(link),
      onHover: (link) => callbacks.current.onHover(link),
    });
    const fit = () => {
      const height = Math.max(doc.documentElement?.scrollHeight ?? 0, doc.body?.scrollHeight ?? 0);
      if (height > 0) iframe.style.height = `${height + 2}px`;
    };
    fit();
    // Images that load (once allowed) and late layout change the height.
    doc.addEventListener('load', fit, true);
    const observer = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(fit);
    observer?.observe(doc.body);
    cleanup.current = () => {
      detach();
      doc.removeEventListener('load', fit, true);
      observer?.disconnect();
    };
  }

  function onLoad() {
    loaded.current = true;
    fill();
  }

  return (
    <iframe
      // A new policy needs a new document: the frame is replaced when remote content is allowed.
      key={allowRemote ? 'remote' : 'blocked'}
      ref={frame}
      className="html-body"
      title="Message body"
      sandbox="allow-same-origin"
      referrerPolicy="no-referrer"
      src={mailFrameUrl(allowRemote, partsKey)}
      onLoad={onLoad}
    />
  );
}
