import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { AppError } from '../../../shared/errors.js';
import { networkError } from '../../net/network-errors.js';
import { MAX_CONFIG_XML_BYTES } from './reject-hostile-xml.js';

export type FetchConfigOptions = {
  timeoutMs: number;
  maxBytes?: number;
  /** Trusted CAs instead of the system's (tests bring their own CA; the app never sets it). */
  ca?: string[];
  /** How host names are resolved (DiscoveryDns.lookup), so a configured DNS server is used. */
  lookup?: LookupFunction;
  signal?: AbortSignal;
};

/**
 * GETs a config file. Undefined when the server says there is none (404, 410); any other
 * answer but 200 is an error, and so is a redirect: the places asked are fixed by the address,
 * and following a redirect would let a compromised web server point the app anywhere. The body
 * is capped in size and the whole request in time; TLS is verified, never turned off.
 */
export async function fetchConfigFile(url: string, options: FetchConfigOptions): Promise<string | undefined> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    throw new AppError('INVALID_ARGUMENT', { message: `Only http and https addresses can be fetched, not ${target.protocol}` });
  }
  const secure = target.protocol === 'https:';
  const port = Number(target.port) || (secure ? 443 : 80);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const maxBytes = options.maxBytes ?? MAX_CONFIG_XML_BYTES;
  try {
    return await new Promise<string | undefined>((resolve, reject) => {
      const request = (secure ? https : http).get(target, {
        agent: false,
        headers: { accept: 'application/xml, text/xml;q=0.9, */*;q=0.1', 'user-agent': 'Mua Mail autoconfig' },
        lookup: options.lookup,
        signal: options.signal,
        ...(secure ? { ca: options.ca, minVersion: 'TLSv1.2' as const, rejectUnauthorized: true } : {}),
      });
      const timer = setTimeout(() => {
        request.destroy(Object.assign(new Error(`${url} did not answer in time.`), { code: 'ETIMEDOUT' }));
      }, options.timeoutMs);
      request.once('close', () => clearTimeout(timer));
      request.on('error', reject);
      request.once('response', (response) => readBody(response, url, maxBytes).then(resolve, (error: unknown) => {
        request.destroy();
        reject(error);
      }));
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw (
      networkError(error, host, port) ??
      new AppError('CONNECTION_LOST', { message: `The connection to ${target.host} failed while fetching ${url}.`, details: { host, port: String(port) }, cause: error })
    );
  }
}

function readBody(response: IncomingMessage, url: string, maxBytes: number): Promise<string | undefined> {
  const status = response.statusCode ?? 0;
  if (status === 404 || status === 410) {
    response.resume();
    return Promise.resolve(undefined);
  }
  if (status !== 200) {
    response.resume();
    const moved = status >= 300 && status < 400 ? ' (a redirect, which is not followed)' : '';
    return Promise.reject(new AppError('SERVER_ERROR', { message: `${url} answered HTTP ${status}${moved}.`, details: { url, status: String(status) } }));
  }
  const declared = Number(response.headers['content-length']);
  if (declared > maxBytes) return Promise.reject(tooLarge(url, maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return reject(tooLarge(url, maxBytes));
      chunks.push(chunk);
    });
    response.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.once('aborted', () => reject(Object.assign(new Error('The server closed the connection.'), { code: 'ECONNRESET' })));
  });
}

function tooLarge(url: string, maxBytes: number): AppError {
  return new AppError('SERVER_ERROR', {
    message: `${url} sent more than ${Math.round(maxBytes / 1024)} KB, more than any mail configuration needs, so it was not read.`,
    details: { url, autoconfig: 'too-large' },
  });
}
