import { AppError } from '../../../shared/errors.js';

/**
 * Why a config-v1.1.xml was refused. The closed set of error codes has none for "a bad config
 * file", so these travel as SERVER_ERROR (the provider's server sent it) with the reason in
 * `details.autoconfig`, which is what callers and tests look at, never the message.
 */
export type ConfigXmlProblem =
  | 'too-large'
  | 'doctype'
  | 'entity'
  | 'malformed'
  | 'not-a-config'
  | 'no-servers';

export function configXmlError(problem: ConfigXmlProblem, message: string): AppError {
  return new AppError('SERVER_ERROR', { message, details: { autoconfig: problem } });
}

export function isConfigXmlError(error: unknown, problem?: ConfigXmlProblem): error is AppError {
  return error instanceof AppError && error.details?.autoconfig !== undefined && (problem === undefined || error.details.autoconfig === problem);
}
