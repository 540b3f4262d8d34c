import { hostList, type RemoteReport } from './remote-content.js';

type Props = {
  report: RemoteReport;
  /** Remote content is shown now (loaded once, or always for this sender). */
  loaded: boolean;
  onLoadOnce: () => void;
  /** Absent when there is no sender to remember (or nothing to remember it with). */
  onAlwaysLoad?: () => void;
  /** Why "Always load" is not offered although there is a sender (the sender is not verified). */
  alwaysNote?: string;
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Says what remote content was blocked and from where, and offers to load it once or always
 * for this sender; tracking pixels are counted and named, and never loaded.
 */
export function RemoteContentBanner({ report, loaded, onLoadOnce, onAlwaysLoad, alwaysNote }: Props) {
  const blocked = !loaded && report.count > 0;
  const trackers = report.trackers.count;
  if (!blocked && trackers === 0) return null;
  return (
    <div role="status" className="remote-banner" aria-label="Remote content">
      {blocked ? (
        <p>
          Remote content was blocked to protect your privacy: {plural(report.count, 'item', 'items')} from {hostList(report.hosts)}.
        </p>
      ) : null}
      {trackers > 0 ? (
        <p>
          {plural(trackers, 'tracking pixel', 'tracking pixels')} blocked, from {hostList(report.trackers.hosts)}: they would tell the
          sender when and where you read this.
        </p>
      ) : null}
      {blocked ? (
        <div className="actions">
          <button type="button" onClick={onLoadOnce}>
            Load remote content
          </button>
          {onAlwaysLoad ? (
            <button type="button" onClick={onAlwaysLoad}>
              Always load from this sender
            </button>
          ) : null}
          {alwaysNote ? <span className="note">{alwaysNote}</span> : null}
        </div>
      ) : null}
    </div>
  );
}
