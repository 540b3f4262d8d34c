import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636): the verifier stays in main, only its S256 challenge goes to the browser. */
export type PkcePair = { verifier: string; challenge: string; method: 'S256' };

/** base64url without padding (RFC 7636 appendix A). */
export function base64Url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** The S256 challenge of a verifier: BASE64URL(SHA256(ASCII(verifier))). */
export function s256Challenge(verifier: string): string {
  return base64Url(createHash('sha256').update(verifier, 'ascii').digest());
}

/** 32 random bytes give a 43-character verifier, the shortest RFC 7636 allows, with 256 bits of entropy. */
export function createPkcePair(): PkcePair {
  const verifier = base64Url(randomBytes(32));
  return { verifier, challenge: s256Challenge(verifier), method: 'S256' };
}

/** An unguessable `state` that ties the browser's answer to this sign-in (RFC 6749 §10.12). */
export function createState(): string {
  return base64Url(randomBytes(24));
}
