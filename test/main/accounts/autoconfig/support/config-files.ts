/** A config-v1.1.xml as providers publish them, built from a few facts. */
export type ServerSpec = {
  type: 'imap' | 'pop3' | 'smtp';
  host: string;
  port: number;
  socketType: 'SSL' | 'STARTTLS' | 'plain';
  username?: string;
  authentication?: string[];
  pop3?: string;
};

export function configXml(displayName: string, servers: ServerSpec[]): string {
  const element = (s: ServerSpec) => {
    const tag = s.type === 'smtp' ? 'outgoingServer' : 'incomingServer';
    return `    <${tag} type="${s.type}">
      <hostname>${s.host}</hostname>
      <port>${s.port}</port>
      <socketType>${s.socketType}</socketType>
      <username>${s.username ?? '%EMAILADDRESS%'}</username>
${(s.authentication ?? ['password-cleartext']).map((a) => `      <authentication>${a}</authentication>`).join('\n')}
${s.pop3 ?? ''}    </${tag}>`;
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${displayName.toLowerCase().replace(/\W/g, '')}">
    <domain>example.test</domain>
    <displayName>${displayName}</displayName>
${servers.map(element).join('\n')}
  </emailProvider>
</clientConfig>
`;
}

/** The classic: entities that each expand to ten of the one before, nine levels deep (a billion "lol"s). */
export const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<clientConfig version="1.1"><emailProvider id="lol"><displayName>&lol9;</displayName>
<incomingServer type="imap"><hostname>imap.example.test</hostname><port>993</port><socketType>SSL</socketType></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.test</hostname><port>465</port><socketType>SSL</socketType></outgoingServer>
</emailProvider></clientConfig>`;
