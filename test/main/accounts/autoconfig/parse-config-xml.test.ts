import { describe, expect, it } from 'vitest';
import { emailParts } from '../../../../main/accounts/autoconfig/email-parts.js';
import { parseConfigXml } from '../../../../main/accounts/autoconfig/parse-config-xml.js';
import { fillPlaceholders } from '../../../../main/accounts/autoconfig/username-placeholders.js';
import { BILLION_LAUGHS, configXml } from './support/config-files.js';

const alice = emailParts('Alice.Smith@Example.test');

/** The shape of a real provider file (trimmed from the ISPDB's), several servers of each kind. */
const PROVIDER = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <displayName>Example Mail &amp; Co</displayName>
    <displayShortName>Example</displayShortName>
    <incomingServer type="imap">
      <hostname>imap.%EMAILDOMAIN%</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>OAuth2</authentication>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="exchange">
      <hostname>outlook.example.test</hostname>
      <port>443</port>
      <socketType>SSL</socketType>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.example.test</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
      <username>%EMAILLOCALPART%</username>
      <authentication>password-encrypted</authentication>
      <pop3>
        <leaveMessagesOnServer>true</leaveMessagesOnServer>
        <downloadOnBiff>false</downloadOnBiff>
        <daysToLeaveMessagesOnServer>14</daysToLeaveMessagesOnServer>
      </pop3>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>imap.example.test</hostname>
      <port>143</port>
      <socketType>STARTTLS</socketType>
      <username>%EMAILLOCALPART%@mail.%EMAILDOMAIN%</username>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.test</hostname>
      <port>465</port>
      <socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.test</hostname>
      <port>25</port>
      <socketType>plain</socketType>
      <authentication>client-IP-address</authentication>
    </outgoingServer>
    <documentation url="https://example.test/help?a=1&amp;b=2"><descr lang="en">Help</descr></documentation>
  </emailProvider>
</clientConfig>`;

describe('parsing config-v1.1.xml', () => {
  it('keeps every IMAP and POP3 server and every SMTP server in document order, with security, authentication and login names', () => {
    const config = parseConfigXml(PROVIDER, alice);
    expect(config.displayName).toBe('Example Mail & Co');
    expect(config.incoming).toEqual([
      { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', authentication: ['OAuth2', 'password-cleartext'], username: 'Alice.Smith@Example.test' },
      {
        protocol: 'pop3',
        host: 'pop.example.test',
        port: 995,
        security: 'tls',
        authentication: ['password-encrypted'],
        username: 'Alice.Smith',
        pop3: { leaveMessagesOnServer: true, downloadOnBiff: false, daysToLeaveMessagesOnServer: 14 },
      },
      { protocol: 'imap', host: 'imap.example.test', port: 143, security: 'starttls', authentication: ['password-cleartext'], username: 'Alice.Smith@mail.Example.test' },
    ]);
    expect(config.outgoing).toEqual([
      { protocol: 'smtp', host: 'smtp.example.test', port: 465, security: 'tls', authentication: ['password-cleartext'], username: 'Alice.Smith@Example.test' },
      { protocol: 'smtp', host: 'smtp.example.test', port: 25, security: 'none', authentication: ['client-IP-address'], username: 'Alice.Smith@Example.test' },
    ]);
  });

  it('leaves out servers of types it does not speak and entries whose host or port make no sense', () => {
    const xml = configXml('Odd', [
      { type: 'imap', host: 'imap.example.test', port: 993, socketType: 'SSL' },
      { type: 'imap', host: 'bad host/name', port: 993, socketType: 'SSL' },
      { type: 'imap', host: 'imap.example.test', port: 99_999, socketType: 'SSL' },
      { type: 'smtp', host: 'smtp.example.test', port: 587, socketType: 'STARTTLS' },
    ]).replace('<incomingServer type="imap">', '<incomingServer type="ews"><hostname>ews.example.test</hostname></incomingServer><incomingServer type="imap">');
    const config = parseConfigXml(xml, alice);
    expect(config.incoming.map((s) => `${s.host}:${s.port}`)).toEqual(['imap.example.test:993']);
    expect(config.outgoing.map((s) => `${s.host}:${s.port}`)).toEqual(['smtp.example.test:587']);
  });

  it('refuses the billion laughs at once: a DOCTYPE is never parsed and no entity is expanded', () => {
    const started = performance.now();
    expect(() => parseConfigXml(BILLION_LAUGHS, alice)).toThrow(expect.objectContaining({ code: 'SERVER_ERROR', details: { autoconfig: 'doctype' } }));
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('refuses an entity declaration and an external entity, whatever is around them', () => {
    const external = `<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]><clientConfig>&x;</clientConfig>`;
    expect(() => parseConfigXml(external, alice)).toThrow(expect.objectContaining({ details: { autoconfig: 'doctype' } }));
    expect(() => parseConfigXml(`<clientConfig><!ENTITY x "y"></clientConfig>`, alice)).toThrow(
      expect.objectContaining({ details: { autoconfig: 'entity' } }),
    );
  });

  it('leaves an undeclared entity reference as written rather than resolving it', () => {
    const xml = configXml('&undeclared; Mail', [
      { type: 'imap', host: 'imap.example.test', port: 993, socketType: 'SSL' },
      { type: 'smtp', host: 'smtp.example.test', port: 465, socketType: 'SSL' },
    ]);
    expect(parseConfigXml(xml, alice).displayName).toBe('&undeclared; Mail');
  });

  it('refuses a file larger than any configuration needs, before parsing it', () => {
    const huge = configXml('Huge', [{ type: 'imap', host: 'imap.example.test', port: 993, socketType: 'SSL' }]).replace(
      '</clientConfig>',
      `<!-- ${'x'.repeat(300 * 1024)} --></clientConfig>`,
    );
    expect(() => parseConfigXml(huge, alice)).toThrow(expect.objectContaining({ details: { autoconfig: 'too-large' } }));
  });

  it('says where malformed XML breaks, in words a person can pass on', () => {
    const broken = '<clientConfig version="1.1">\n<emailProvider id="x">\n<incomingServer type="imap"></emailProvider></clientConfig>';
    let error: unknown;
    try {
      parseConfigXml(broken, alice);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'SERVER_ERROR', details: { autoconfig: 'malformed' } });
    expect((error as Error).message).toMatch(/not well-formed XML \(line 3, column \d+\)/);
  });

  it('refuses well-formed XML that is not a mail configuration, or one with no usable server', () => {
    expect(() => parseConfigXml('<html><body>Not here</body></html>', alice)).toThrow(expect.objectContaining({ details: { autoconfig: 'not-a-config' } }));
    const onlyExchange = '<clientConfig version="1.1"><emailProvider id="x"><incomingServer type="exchange"><hostname>x.test</hostname></incomingServer></emailProvider></clientConfig>';
    expect(() => parseConfigXml(onlyExchange, alice)).toThrow(expect.objectContaining({ details: { autoconfig: 'no-servers' } }));
  });

  it('reads a missing port as the standard one and a missing socketType as no encryption, never guessing TLS', () => {
    const xml = '<clientConfig><emailProvider id="x"><incomingServer type="imap"><hostname>imap.example.test</hostname><socketType>SSL</socketType></incomingServer><outgoingServer type="smtp"><hostname>smtp.example.test</hostname></outgoingServer></emailProvider></clientConfig>';
    const config = parseConfigXml(xml, alice);
    expect(config.incoming[0]).toMatchObject({ port: 993, security: 'tls', authentication: ['password-cleartext'], username: 'Alice.Smith@Example.test' });
    expect(config.outgoing[0]).toMatchObject({ port: 587, security: 'none' });
  });
});

describe('login name placeholders', () => {
  it('fills in the address, its local part and its domain, as typed', () => {
    expect(fillPlaceholders('%EMAILLOCALPART%+mail@%EMAILDOMAIN% (%EMAILADDRESS%)', alice)).toBe('Alice.Smith+mail@Example.test (Alice.Smith@Example.test)');
  });

  it('expands once: an address that itself contains a placeholder is not expanded again, and unknown ones stay', () => {
    const odd = emailParts('%EMAILDOMAIN%@example.test');
    expect(fillPlaceholders('%EMAILADDRESS% %REALNAME%', odd)).toBe('%EMAILDOMAIN%@example.test %REALNAME%');
  });

  it('uses the A-label of an internationalized domain for DNS and URLs, the domain as typed for the login', () => {
    const parts = emailParts('jörg@bücher.example');
    expect(parts).toEqual({ address: 'jörg@bücher.example', localPart: 'jörg', domain: 'bücher.example', asciiDomain: 'xn--bcher-kva.example' });
  });
});
