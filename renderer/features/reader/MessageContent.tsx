import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AppErrorDto } from '../../../shared/errors.js';
import { inlinePartUrl, isInlineImageType } from '../../../shared/message-parts.js';
import type { AttachmentInfo, MessageDetail } from '../../../shared/schemas.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Attachments } from './Attachments.js';
import { AuthBadge } from './AuthBadge.js';
import { summarizeAuthentication } from './auth-results.js';
import { HtmlBody, type FrameLink } from './HtmlBody.js';
import { decideLink, type LinkDecision } from './links.js';
import { RemoteContentBanner } from './RemoteContentBanner.js';
import { formatSize } from './format-size.js';
import { sanitizeHtml } from './sanitize-html.js';

type View = 'message' | 'text' | 'source';
type Source = { source: string; size: number; truncated: boolean };
type Asking = Extract<LinkDecision, { kind: 'ask' }>;

type Props = {
  message: MessageDetail;
  client?: ContractClient;
  /** Where to ask for the source (View source); absent: not offered. */
  source?: { accountId: string; folder: string };
};

export { formatSize };

/**
 * The content of one message (keyed by message: everything here starts afresh for the next):
 * its HTML sanitized into a sandboxed frame with remote content blocked until the person loads
 * it, or its text, or its raw source; its attachments; its authentication badge.
 */
export function MessageContent({ message, client, source: sourceOf }: Props) {
  const auth = useMemo(() => summarizeAuthentication(message.authenticationResults ?? []), [message.authenticationResults]);
  // A remembered sender loads at once, unless the message fails authentication (a forged From).
  const [loadRemote, setLoadRemote] = useState(() => Boolean(message.remoteContentAllowed) && auth.overall !== 'fail');
  const [view, setView] = useState<View>('message');
  const [source, setSource] = useState<Source>();
  const [error, setError] = useState<AppErrorDto>();
  const [hover, setHover] = useState<FrameLink>();
  const [asking, setAsking] = useState<Asking>();
  const [notice, setNotice] = useState('');
  const cancelAsk = useRef<HTMLButtonElement>(null);
  const askTitle = useId();

  const html = message.html;
  const inlineImages = useMemo(() => inlineImagesOf(message.attachments, message.partsKey), [message.attachments, message.partsKey]);
  const sanitized = useMemo(() => (html ? sanitizeHtml(html, { allowRemote: loadRemote, inlineImages }) : undefined), [html, loadRemote, inlineImages]);

  useEffect(() => {
    if (asking) cancelAsk.current?.focus();
  }, [asking]);

  const sourceAccount = sourceOf?.accountId;
  const sourceFolder = sourceOf?.folder;
  useEffect(() => {
    if (view !== 'source' || source || !client || !sourceAccount || !sourceFolder) return;
    let current = true;
    void client.invoke('message.source', { accountId: sourceAccount, folder: sourceFolder, uid: message.uid }).then((reply) => {
      if (!current) return;
      if (reply.ok) setSource(reply.value);
      else setError(reply.error);
    });
    return () => {
      current = false;
    };
  }, [view, source, client, sourceAccount, sourceFolder, message.uid]);

  async function openLink(url: string) {
    setAsking(undefined);
    if (!client) return;
    const reply = await client.invoke('links.open', { url });
    if (!reply.ok) return setError(reply.error);
    // Web mode has no system browser to hand it to: a new tab, cut off from this one.
    if (!reply.value.opened) window.open(url, '_blank', 'noopener,noreferrer');
  }

  function onLink(link: FrameLink) {
    const decision = decideLink(link.href, link.text);
    setNotice('');
    if (decision.kind === 'refuse') {
      if (link.href !== null) setNotice(decision.reason);
      return;
    }
    if (decision.kind === 'ask') return setAsking(decision);
    void openLink(decision.url);
  }

  async function alwaysLoad() {
    const address = message.from?.address;
    if (!client || !address) return;
    const reply = await client.invoke('senders.allowRemoteContent', { address });
    if (!reply.ok) return setError(reply.error);
    setLoadRemote(true);
  }

  const toggle = (to: View) => setView((v) => (v === to ? 'message' : to));
  const canAlways = Boolean(client && message.from?.address) && auth.overall !== 'fail';

  return (
    <div className="message-content">
      <div className="reader-meta">
        <AuthBadge fields={message.authenticationResults ?? []} />
        <div className="view-switch" role="group" aria-label="View">
          {html ? (
            <button type="button" aria-pressed={view === 'text'} onClick={() => toggle('text')}>
              Plain text
            </button>
          ) : null}
          {client && sourceOf ? (
            <button type="button" aria-pressed={view === 'source'} onClick={() => toggle('source')}>
              View source
            </button>
          ) : null}
        </div>
      </div>
      <ErrorAlert error={error} />
      {view === 'source' ? (
        <SourceView source={source} />
      ) : view === 'text' || !sanitized ? (
        <div className="body">{message.text}</div>
      ) : (
        <>
          <RemoteContentBanner
            report={sanitized.report}
            loaded={loadRemote}
            onLoadOnce={() => setLoadRemote(true)}
            onAlwaysLoad={canAlways ? () => void alwaysLoad() : undefined}
            alwaysNote={
              message.from?.address && auth.overall === 'fail' ? 'Not offered for this sender: the message failed authentication.' : undefined
            }
          />
          {asking ? (
            <div role="alertdialog" aria-labelledby={askTitle} className="link-check">
              <p id={askTitle}>
                This link’s text shows <strong>{asking.shownHost}</strong>, but it goes to <strong>{asking.realHost}</strong>.
              </p>
              <p className="link-url">{asking.url}</p>
              <div className="actions">
                <button type="button" onClick={() => void openLink(asking.url)}>
                  Open {asking.realHost}
                </button>
                <button type="button" ref={cancelAsk} onClick={() => setAsking(undefined)}>
                  Cancel
                </button>
              </div>
            </div>
          ) : null}
          <HtmlBody html={sanitized.html} allowRemote={loadRemote} partsKey={message.partsKey} onLink={onLink} onHover={setHover} />
          <p className="link-target" aria-live="polite">
            {hover ? (hover.href && decideLink(hover.href, '').kind !== 'refuse' ? `Link goes to ${hover.href}` : 'This link was disabled: it did not lead to a web page or an email address.') : ''}
          </p>
          {notice ? <p className="link-notice">{notice}</p> : null}
        </>
      )}
      <Attachments
        attachments={message.attachments}
        source={client && sourceAccount && sourceFolder ? { client, accountId: sourceAccount, folder: sourceFolder, uid: message.uid, partsKey: message.partsKey } : undefined}
        onError={setError}
      />
    </div>
  );
}

function SourceView({ source }: { source: Source | undefined }) {
  if (!source) return <p>Loading the source…</p>;
  return (
    <>
      {source.truncated ? (
        <p className="note">
          Showing the first {formatSize(new TextEncoder().encode(source.source).length)} of {formatSize(source.size)}.
        </p>
      ) : null}
      <pre className="message-source" aria-label="Message source" tabIndex={0}>
        {source.source}
      </pre>
    </>
  );
}

/** The message's inline images (a Content-ID, a raster type) and the URLs the app serves them at. */
function inlineImagesOf(attachments: readonly AttachmentInfo[], partsKey: string | undefined): Map<string, string> {
  const images = new Map<string, string>();
  if (!partsKey) return images;
  for (const a of attachments) {
    if (a.contentId && a.part !== undefined && isInlineImageType(a.contentType) && !images.has(a.contentId)) {
      images.set(a.contentId, inlinePartUrl(partsKey, a.part));
    }
  }
  return images;
}
