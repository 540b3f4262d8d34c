// zod's mini build: the renderer checks every reply's error with this schema, and the full build
// (four times the size) would be parsed at each start of the window only for that.
import * as z from 'zod/mini';

/**
 * The closed set of failures that may cross the boundary between main and the renderer.
 * Each has a message a person can act on; the server's own words travel beside it in
 * `serverReply` so that nothing the server said is lost, and nothing internal (stack traces,
 * passwords) ever is sent.
 */
export const ERROR_CODES = [
  'AUTH_FAILED',
  'TLS_UNTRUSTED',
  'TLS_REQUIRED',
  'CONNECTION_REFUSED',
  'HOST_NOT_FOUND',
  'TIMEOUT',
  'CONNECTION_LOST',
  'RECIPIENT_REJECTED',
  'MESSAGE_TOO_LARGE',
  'SERVER_ERROR',
  'INVALID_ARGUMENT',
  'UNKNOWN_CHANNEL',
  'NOT_FOUND',
  'KEYCHAIN_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const USER_MESSAGES: Record<ErrorCode, string> = {
  AUTH_FAILED: 'The server did not accept the user name or password. Check them and try again.',
  TLS_UNTRUSTED:
    'The server’s certificate is not trusted, so the connection was stopped before anything was sent.',
  TLS_REQUIRED:
    'The server did not offer a secure connection (STARTTLS), so nothing was sent. Check the security setting or the port.',
  CONNECTION_REFUSED: 'The server refused the connection. Check the server name and port.',
  HOST_NOT_FOUND: 'The server name could not be found. Check the spelling of the server name.',
  TIMEOUT: 'The server did not answer in time. Check your connection and try again.',
  CONNECTION_LOST: 'The connection to the server was lost. Try again.',
  RECIPIENT_REJECTED: 'The server refused one or more recipients.',
  MESSAGE_TOO_LARGE: 'The message is larger than the server accepts.',
  SERVER_ERROR: 'The server reported an error.',
  INVALID_ARGUMENT: 'Some of the information given is not valid.',
  UNKNOWN_CHANNEL: 'The app asked for something it does not know. This is a bug.',
  NOT_FOUND: 'That item no longer exists.',
  KEYCHAIN_UNAVAILABLE: 'The system keychain could not be reached, so the password could not be stored.',
  INTERNAL: 'Something went wrong inside the app. Nothing was lost; try again.',
};

export const appErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** The server's reply line(s), verbatim, where a server said something. */
  serverReply: z.optional(z.string()),
  /** Structured facts a UI may show (e.g. the rejected address, the size limit). Never secrets. */
  details: z.optional(z.record(z.string(), z.string())),
});

export type AppErrorDto = z.infer<typeof appErrorSchema>;

/** A failure with a code from the closed set; main throws these, the transports carry them as data. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly serverReply: string | undefined;
  readonly details: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    options: { message?: string; serverReply?: string; details?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(options.message ?? USER_MESSAGES[code], { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.serverReply = options.serverReply;
    this.details = options.details;
  }

  toDto(): AppErrorDto {
    const dto: AppErrorDto = { code: this.code, message: this.message };
    if (this.serverReply !== undefined) dto.serverReply = this.serverReply;
    if (this.details !== undefined) dto.details = this.details;
    return dto;
  }
}
