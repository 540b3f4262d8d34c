import { configXmlError } from './config-xml-error.js';

/** Real config files are a few kilobytes; ISPDB's largest is under 10 KB. */
export const MAX_CONFIG_XML_BYTES = 256 * 1024;

/**
 * Refuses, before any parser sees it, what a config file never needs and an attacker would use:
 * a DOCTYPE (the only place entities can be defined, so no billion laughs and no external
 * entities), an ENTITY declaration anywhere, and sheer size. The parser then runs with entity
 * processing off as a second wall (see parse-config-xml.ts).
 */
export function rejectHostileXml(text: string): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_XML_BYTES) {
    throw configXmlError('too-large', `The configuration file is larger than ${MAX_CONFIG_XML_BYTES / 1024} KB, so it was not read.`);
  }
  if (/<!DOCTYPE/i.test(text)) {
    throw configXmlError('doctype', 'The configuration file declares a document type (DOCTYPE), which a mail configuration never needs, so it was not read.');
  }
  if (/<!ENTITY/i.test(text)) {
    throw configXmlError('entity', 'The configuration file defines entities, which a mail configuration never needs, so it was not read.');
  }
}
