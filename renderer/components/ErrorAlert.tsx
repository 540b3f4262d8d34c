import type { AppErrorDto } from '../../shared/errors.js';

/** Every error a person must see, in one place screen readers announce at once. */
export function ErrorAlert({ error }: { error: AppErrorDto | undefined }) {
  if (!error) return null;
  return (
    <div role="alert" className="error-alert">
      <p>{error.message}</p>
      {error.serverReply ? <p className="server-reply">Server said: {error.serverReply}</p> : null}
    </div>
  );
}
