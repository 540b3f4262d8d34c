#!/usr/bin/env node
/**
 * Writes realistic messages straight into one Maildir folder (called by `testbed.sh fill`, which
 * then lets Dovecot pick them up with `doveadm force-resync`). Far faster than APPEND or LMTP:
 * 100,000 messages in seconds.
 *
 *   node fill-mailbox.mjs --dir MAILDIR_FOLDER --count N --user OWNER@DOMAIN [--seed N]
 *                         [--uid UID --gid GID]
 *
 * The data, deterministic for a given seed and count (file names aside, which carry a per-run
 * nonce so that two fills of one folder never collide):
 * - 600 senders and 40 mailing lists on reserved domains; some names non-ASCII (encoded words);
 *   realistic headers: Return-Path, Received (LMTP and Postfix), DKIM-Signature and
 *   Authentication-Results for some domains, List-* for list mail, X-Mailer/User-Agent.
 * - about 30% replies (Re:, In-Reply-To, References chains forming threads), 3% forwards (Fwd:),
 *   about 8% non-ASCII subjects (RFC 2047 B or Q), some long folded subjects.
 * - Date spread over the 3 years before 2026-11-01 (weekday and office-hour bias, more mail
 *   lately), newest last; each file's mtime (Dovecot's INTERNALDATE) is the Date instant, and
 *   file names start with it, so Dovecot assigns UIDs in date order.
 * - sizes: text/plain (about 60%) or multipart/alternative with HTML (about 40%), mostly 2-20 KB;
 *   about 9% multipart/mixed with one or two base64 attachments of 50-500 KB (skewed small);
 *   about 0.06% with a 1-5 MB attachment.
 * - flags in the maildir info: about 70% \Seen (older mail more often read), 4% \Flagged, some
 *   \Answered.
 * File names are Dovecot's own form, `<time>.M<usec>P<pid>Q<n>R<nonce>.mua-fill,S=<size>,W=<vsize>:2,<flags>`,
 * so Dovecot needs to neither stat nor read a file for RFC822.SIZE.
 */
import { closeSync, existsSync, futimesSync, mkdirSync, openSync, renameSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    dir: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string', default: '1' },
    user: { type: 'string' },
    uid: { type: 'string' },
    gid: { type: 'string' },
  },
});
const count = Number(opts.count);
const seed = Number(opts.seed);
if (!opts.dir || !opts.user || !Number.isInteger(count) || count < 1 || count > 2_000_000) {
  console.error('usage: fill-mailbox.mjs --dir DIR --count N --user OWNER@DOMAIN [--seed N] [--uid UID --gid GID]');
  process.exit(2);
}
if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
  console.error('fill-mailbox: --seed takes a whole number from 0 to 4294967295');
  process.exit(2);
}

// Files belong to the mail user: drop privileges before creating anything.
if (opts.uid !== undefined && opts.gid !== undefined && process.getuid?.() === 0) {
  process.setgroups([]);
  process.setgid(Number(opts.gid));
  process.setuid(Number(opts.uid));
}

const started = performance.now();

// ------------------------------------------------------------------ random --
/** sfc32 seeded through splitmix32: fast, and the same numbers on every platform. */
function generator(seedValue, stream) {
  let s = (seedValue ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  const mix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = mix(), b = mix(), c = mix(), d = mix();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 15; i++) next();
  const random = () => next() / 4294967296;
  return {
    next,
    random,
    int: (n) => Math.floor(random() * n),
    pick: (list) => list[Math.floor(random() * list.length)],
    chance: (p) => random() < p,
    hex: (n) => {
      let out = '';
      while (out.length < n) out += next().toString(16).padStart(8, '0');
      return out.slice(0, n);
    },
    /** Normal(0, 1) by Box-Muller. */
    normal: () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  };
}

const R = generator(seed, 0); // per message, in order
const corpusRandom = generator(seed, 1);
const blobRandom = generator(seed, 2);
const peopleRandom = generator(seed, 3);
const dateRandom = generator(seed, 4);

// ------------------------------------------------------------------- words --
const WORDS = (
  'the of and to in is that for it as with was on be by at this have from or an are not but ' +
  'we you they all can will one about more would there their which when if out so up what ' +
  'time year people way day work team project report meeting plan budget review design ' +
  'customer release version issue change request data system server client update schedule ' +
  'proposal contract invoice payment order delivery quarter target result analysis draft ' +
  'feedback document slides agenda notes summary deadline estimate risk priority support ' +
  'account access network storage backup migration test build deploy launch product feature ' +
  'market sales partner office travel conference workshop training hiring candidate interview ' +
  'please thanks could should need want think know see look make take give find tell ask ' +
  'attached below above next last first new old good great small large early late soon ' +
  'tomorrow today monday tuesday wednesday thursday friday week month morning afternoon ' +
  'question answer problem solution idea option decision approval comment detail point ' +
  'probably actually already still again also just only really quite almost maybe perhaps ' +
  'between during before after while because although however therefore instead otherwise ' +
  'share send check confirm discuss agree suggest prepare finish start continue follow ' +
  'invoice shipping warehouse inventory supplier vendor quote price cost savings revenue ' +
  'performance latency throughput database index cache queue worker cluster region zone'
).split(' ');

const PROJECTS = ['Apollo', 'Borealis', 'Cobalt', 'Delta', 'Everest', 'Falcon', 'Granite', 'Helios', 'Indigo', 'Juniper', 'Kestrel', 'Lumen', 'Mistral', 'Nimbus', 'Orion', 'Pegasus', 'Quartz', 'Raven', 'Sierra', 'Titan'];
const TOPICS = ['the Q3 roadmap', 'onboarding', 'the API migration', 'vendor selection', 'the offsite', 'pricing', 'the security audit', 'hiring plan', 'the data pipeline', 'customer feedback', 'the release checklist', 'the budget', 'support tickets', 'the new office', 'performance tuning', 'the contract renewal', 'backups', 'SSO rollout', 'the holiday schedule', 'test coverage'];
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay Industries', 'Stark Industries', 'Wayne Enterprises', 'Tyrell', 'Soylent', 'Cyberdyne', 'Wonka'];
const CITIES = ['Berlin', 'Lisbon', 'Tokyo', 'Chicago', 'Toronto', 'Paris', 'Madrid', 'Oslo', 'Warsaw', 'Seoul', 'Austin', 'Melbourne'];
const DAYS_OF_WEEK = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const BRANCHES = ['main', 'develop', 'release/2.4', 'feature/search', 'hotfix/login', 'release/3.0'];

const SUBJECTS = [
  (r) => `Quarterly report ${2023 + r.int(4)} Q${1 + r.int(4)}`,
  (r) => `Meeting notes: ${r.pick(TOPICS)}`,
  (r) => `${r.pick(PROJECTS)} status update`,
  (r) => `Invoice ${10000 + r.int(90000)} from ${r.pick(COMPANIES)}`,
  (r) => `Build failed on ${r.pick(BRANCHES)} (${r.pick(PROJECTS).toLowerCase()}#${100 + r.int(9000)})`,
  (r) => `Question about ${r.pick(TOPICS)}`,
  (r) => `Lunch on ${r.pick(DAYS_OF_WEEK)}?`,
  (r) => `[${r.pick(PROJECTS)}] Review of ${r.pick(TOPICS)}`,
  (r) => `Your order #${100000 + r.int(900000)} has shipped`,
  (r) => `Reminder: ${r.pick(TOPICS)} due ${r.pick(DAYS_OF_WEEK)}`,
  (r) => `Draft proposal for ${r.pick(TOPICS)}`,
  (r) => `Updated slides for ${r.pick(TOPICS)}`,
  (r) => `Welcome to ${r.pick(COMPANIES)}`,
  (r) => `Travel plans for ${r.pick(CITIES)}`,
  (r) => `Can we move our 1:1 to ${r.pick(DAYS_OF_WEEK)}?`,
  (r) => `Action required: please confirm ${r.pick(TOPICS)} before ${r.pick(DAYS_OF_WEEK)} so that ${r.pick(PROJECTS)} can ship on time and the ${r.pick(COMPANIES)} team is unblocked`,
  (r) => `${r.pick(PROJECTS)}: ${r.pick(WORDS)} ${r.pick(WORDS)} ${r.pick(WORDS)}`,
  (r) => `Re-scheduled: ${r.pick(TOPICS)} workshop in ${r.pick(CITIES)}`,
  (r) => `FYI - ${r.pick(TOPICS)}`,
  (r) => `Out of office until ${r.pick(DAYS_OF_WEEK)}`,
];
const NON_ASCII_SUBJECTS = [
  (r) => `Grüße aus ${r.pick(['München', 'Köln', 'Zürich', 'Düsseldorf'])}`,
  (r) => `Réunion de l’équipe ${r.pick(PROJECTS)} à ${9 + r.int(9)}h`,
  () => 'Приглашение на встречу',
  () => '会議の議事録',
  (r) => `¿Cena el ${r.pick(['viernes', 'sábado', 'jueves'])}?`,
  (r) => `🎉 ${r.pick(PROJECTS)} launch day!`,
  () => 'Møde på fredag – husk kaffe',
  () => 'Zażółć gęślą jaźń – test kodowania',
  () => 'Αναφορά προόδου',
  (r) => `Résumé du projet ${r.pick(PROJECTS)}`,
  () => 'Überweisung erhalten',
  () => '新年快乐！',
  () => '회의 일정 변경',
  (r) => `Ação necessária: ${r.pick(PROJECTS)} — aprovação`,
];

const FIRST = ['Alice', 'Bob', 'Carlos', 'Diana', 'Edward', 'Fatima', 'George', 'Hannah', 'Ivan', 'Julia', 'Kevin', 'Laura', 'Mohammed', 'Nina', 'Oliver', 'Priya', 'Quentin', 'Rachel', 'Samuel', 'Tanya', 'Umar', 'Valerie', 'William', 'Xenia', 'Yusuf', 'Zoe', 'Aaron', 'Bianca', 'Chen', 'Daniel', 'Emma', 'Felix', 'Grace', 'Henry', 'Isabel', 'Jack', 'Kira', 'Liam', 'Maya', 'Noah'];
const LAST = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Young', 'King', 'Wright', 'Scott', 'Green', 'Baker', 'Adams', 'Nelson', 'Hill', 'Campbell', 'Mitchell', 'Roberts', 'Carter', 'Phillips', 'Evans', 'Turner', 'Parker'];
/** [display name, ASCII local part] */
const FOREIGN = [
  ['Jürgen Müller', 'juergen.mueller'], ['José García', 'jose.garcia'], ['François Dupont', 'francois.dupont'],
  ['Zoë Ångström', 'zoe.angstrom'], ['Łukasz Wróbel', 'lukasz.wrobel'], ['Søren Kierkegaard', 'soren.k'],
  ['Björk Guðmundsdóttir', 'bjork'], ['Ádám Kovács', 'adam.kovacs'], ['山田 太郎', 'taro.yamada'],
  ['Иван Петров', 'ivan.petrov'], ['Μαρία Παπαδοπούλου', 'maria.p'], ['Çağla Öztürk', 'cagla.ozturk'],
  ['Nguyễn Văn An', 'an.nguyen'], ['김민준', 'minjun.kim'], ['Renée Lefèvre', 'renee.lefevre'], ['Ömer Şahin', 'omer.sahin'],
];
const DOMAINS = ['example.com', 'example.org', 'example.net', 'acme.example', 'globex.example', 'initech.example', 'hooli.example', 'umbrella.example', 'mailbox.example', 'webmail.example', 'uni-bonn.example', 'kyoto-u.example', 'startup.example', 'consulting.example', 'agency.example'];
const DKIM_DOMAINS = new Set(['example.com', 'example.org', 'acme.example', 'globex.example', 'hooli.example', 'mailbox.example', 'webmail.example', 'startup.example']);
const ZONES = [60, 60, 60, 120, 0, 0, -300, -300, -480, -240, 330, 540, 600, -180, 120, 60];
const MAILERS = [
  'X-Mailer: Microsoft Outlook 16.0',
  'User-Agent: Mozilla Thunderbird 115.6.0',
  'X-Mailer: Apple Mail (2.3731.700.6)',
  'User-Agent: Mutt/2.2.12 (2023-09-09)',
  'X-Mailer: iPhone Mail (21C66)',
  'User-Agent: Roundcube Webmail/1.6.5',
  null, // web mailers that say nothing
  null,
];
const SIGN_OFFS = ['Best regards', 'Thanks', 'Cheers', 'Best', 'Kind regards', 'Thanks again', 'Regards'];
const FOREIGN_SIGN_OFFS = ['Viele Grüße', 'Cordialement', 'Saludos', 'Med venlig hilsen', 'Pozdrawiam', 'よろしくお願いします', 'С уважением'];

// ------------------------------------------------------------------ people --
const owner = { name: capital(opts.user.split('@')[0]), first: capital(opts.user.split('@')[0]), address: opts.user, zone: 60 };
const people = Array.from({ length: 600 }, (_, i) => {
  const r = peopleRandom;
  let name, local;
  if (r.chance(0.12)) {
    [name, local] = r.pick(FOREIGN);
    local = `${local}${i % 7 ? i : ''}`;
  } else {
    const first = r.pick(FIRST);
    const last = r.pick(LAST);
    name = r.chance(0.08) ? `${last}, ${first}` : r.chance(0.05) ? `${first} ${last} (${r.pick(COMPANIES)})` : `${first} ${last}`;
    local = r.pick([`${first}.${last}`, `${first[0]}${last}`, `${first}`, `${first}_${last}${i}`]).toLowerCase();
  }
  const domain = r.pick(DOMAINS);
  return {
    name: r.chance(0.04) ? '' : name,
    first: name.includes(', ') ? name.split(', ')[1] : name.split(' ')[0],
    address: `${local}@${domain}`,
    domain,
    zone: r.pick(ZONES),
    mailer: r.pick(MAILERS),
    ip: `${r.pick(['192.0.2', '198.51.100', '203.0.113'])}.${1 + r.int(254)}`,
    company: r.pick(COMPANIES),
    foreign: /[^\x20-\x7e]/.test(name),
  };
});
const LISTS = Array.from({ length: 40 }, (_, i) => {
  const r = peopleRandom;
  const topic = r.pick(['dev', 'announce', 'users', 'ops', 'design', 'security', 'jobs', 'general', 'release', 'help']);
  const host = r.pick(['lists.example.org', 'groups.example.com', 'lists.acme.example']);
  const project = r.pick(PROJECTS).toLowerCase();
  return { id: `${project}-${topic}${i}`, host, name: `${capital(project)} ${topic}`, members: Array.from({ length: 30 }, () => r.int(people.length)) };
});

function capital(s) {
  return s.slice(0, 1).toUpperCase() + s.slice(1);
}

// ------------------------------------------------------------------ corpus --
/** ASCII prose wrapped at 72 columns, as lines; every line is also valid quoted-printable. */
function buildCorpus(lineCount) {
  const r = corpusRandom;
  const lines = [];
  while (lines.length < lineCount) {
    const sentences = 3 + r.int(8);
    let line = '';
    for (let s = 0; s < sentences; s++) {
      const n = 5 + r.int(14);
      for (let w = 0; w < n; w++) {
        let word = WORDS[Math.floor(WORDS.length * r.random() ** 1.6)];
        if (w === 0) word = capital(word);
        if (w === n - 1) word += r.chance(0.12) ? '?' : '.';
        else if (r.chance(0.07)) word += ',';
        if (line.length + 1 + word.length > 72) {
          lines.push(line);
          line = word;
        } else line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(line, '');
  }
  return lines;
}

/** Lines joined into one Buffer, with each line's start offset (offsets[n] = end). */
function lineBuffer(lines) {
  const text = lines.map((l) => `${l}\n`).join('');
  const offsets = new Uint32Array(lines.length + 1);
  for (let i = 0, at = 0; i < lines.length; i++) {
    offsets[i] = at;
    at += lines[i].length + 1;
    offsets[i + 1] = at;
  }
  return { buffer: Buffer.from(text, 'latin1'), offsets, lines: lines.length };
}

const corpusLines = buildCorpus(8_000);
const PLAIN = lineBuffer(corpusLines);
const QUOTED = lineBuffer(corpusLines.map((l) => (l ? `> ${l}` : '>')));
const HTML = lineBuffer(corpusLines.map((l) => (l ? l : '</p><p>')));

/** A run of whole lines of about `bytes` bytes from a corpus: [buffer slice, line count]. */
function slice(corpus, bytes) {
  const maxStart = corpus.lines - 1_500; // 1,500 lines is more than the largest text asked for
  const start = R.int(maxStart);
  const want = corpus.offsets[start] + Math.max(1, bytes);
  let lo = start + 1, hi = corpus.lines;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (corpus.offsets[mid] >= want) hi = mid;
    else lo = mid + 1;
  }
  return [corpus.buffer.subarray(corpus.offsets[start], corpus.offsets[lo]), lo - start];
}

// Random bytes, base64 in 76-column lines (57 bytes each), so any run of whole lines is valid.
const BLOB_LINES = 100_000; // 7.7 MB encoded: room for the 5 MB attachments
const BLOB = (() => {
  const raw = Buffer.allocUnsafe(BLOB_LINES * 57 + 3);
  for (let i = 0; i + 4 <= raw.length; i += 4) raw.writeUInt32LE(blobRandom.next(), i);
  const b64 = raw.subarray(0, BLOB_LINES * 57).toString('base64');
  const out = Buffer.allocUnsafe(BLOB_LINES * 77);
  for (let i = 0; i < BLOB_LINES; i++) {
    out.write(b64.slice(i * 76, i * 76 + 76), i * 77, 'latin1');
    out[i * 77 + 76] = 10;
  }
  return out;
})();

function blobSlice(bytes) {
  const lines = Math.min(BLOB_LINES, Math.max(1, Math.ceil(bytes / 77)));
  const start = R.int(BLOB_LINES - lines + 1);
  return [BLOB.subarray(start * 77, (start + lines) * 77), lines];
}

// ----------------------------------------------------------------- headers --
const isAscii = (s) => /^[\x20-\x7e]*$/.test(s);

/** RFC 2047 encoded words (B for mostly non-Latin text, Q otherwise), each at most 75 chars. */
function encodeWords(text) {
  if (isAscii(text)) return text;
  const chars = [...text];
  const nonAscii = chars.filter((c) => c > '\x7e').length;
  const words = [];
  if (nonAscii / chars.length > 0.3) {
    let chunk = [];
    let bytes = 0;
    for (const c of chars) {
      const n = Buffer.byteLength(c);
      if (bytes + n > 45) {
        words.push(`=?UTF-8?B?${Buffer.from(chunk.join('')).toString('base64')}?=`);
        chunk = [];
        bytes = 0;
      }
      chunk.push(c);
      bytes += n;
    }
    words.push(`=?UTF-8?B?${Buffer.from(chunk.join('')).toString('base64')}?=`);
  } else {
    let word = '';
    for (const c of chars) {
      let enc;
      if (c === ' ') enc = '_';
      else if (/[A-Za-z0-9!*+\-/]/.test(c)) enc = c;
      else enc = [...Buffer.from(c)].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
      if (word.length + enc.length > 63) {
        words.push(`=?UTF-8?Q?${word}?=`);
        word = '';
      }
      word += enc;
    }
    words.push(`=?UTF-8?Q?${word}?=`);
  }
  return words.join('\n ');
}

/** A header line, folded at spaces before 78 columns where the value allows it. */
function header(name, value) {
  let line = `${name}:`;
  let out = '';
  for (const word of value.split(' ')) {
    if (line.length + 1 + word.length > 78 && line.length > name.length + 1) {
      out += `${line}\n`;
      line = ` ${word}`;
    } else line += ` ${word}`;
  }
  return `${out}${line}\n`;
}

function mailbox(p) {
  if (!p.name) return p.address;
  if (!isAscii(p.name)) return `${encodeWords(p.name)} <${p.address}>`;
  return /[,.()"]/.test(p.name) ? `"${p.name.replace(/"/g, '\\"')}" <${p.address}>` : `${p.name} <${p.address}>`;
}

const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');
/** RFC 5322 date of `seconds` as seen in the zone `zone` (minutes east of UTC). */
function rfcDate(seconds, zone) {
  const d = new Date((seconds + zone * 60) * 1000);
  const sign = zone < 0 ? '-' : '+';
  const z = Math.abs(zone);
  return `${DAY[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTH[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${sign}${pad(Math.floor(z / 60))}${pad(z % 60)}`;
}

/** Quoted-printable for short UTF-8 lines (greetings, signatures). */
function qp(text) {
  let out = '';
  for (const b of Buffer.from(text)) {
    out += b === 10 || (b >= 32 && b < 127 && b !== 61) ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out.replace(/[^\n]{74,}/g, (line) => line.match(/.{1,72}(?:=[0-9A-F]{2})?/g).join('=\n'));
}

// ------------------------------------------------------------------- dates --
// Three years before a fixed end (not "now": the same seed must give the same messages).
const END = Date.UTC(2026, 10, 1) / 1000;
const SPAN = 3 * 365 * 86_400;
const times = (() => {
  const r = dateRandom;
  const t = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let day;
    do day = Math.floor(SPAN / 86_400 * r.random() ** 0.8); // more mail lately
    while ([0, 6].includes(new Date((END - SPAN + day * 86_400) * 1000).getUTCDay()) && r.chance(0.75));
    const hour = r.chance(0.8) ? 7 + r.random() * 11 : r.random() * 24;
    t[i] = END - SPAN + day * 86_400 + Math.floor(hour * 3600);
  }
  t.sort();
  // Strictly increasing whole seconds: UID order = INTERNALDATE order = Date order, no ties.
  for (let i = 1; i < count; i++) if (t[i] <= t[i - 1]) t[i] = t[i - 1] + 1;
  return t;
})();

// ---------------------------------------------------------------- messages --
/** What later messages need of an earlier one: its id, subject, people and references. */
const sent = new Array(count);

/** Parts of one message: strings and buffers, with the byte and LF counts. */
class Message {
  parts = [];
  text = '';
  size = 0;
  lines = 0;
  add(s) {
    this.text += s;
  }
  addBuffer([buffer, lines]) {
    this.flush();
    this.parts.push(buffer);
    this.size += buffer.length;
    this.lines += lines;
  }
  flush() {
    if (!this.text) return;
    const b = Buffer.from(this.text, 'utf8');
    this.parts.push(b);
    this.size += b.length;
    for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.lines++;
    this.text = '';
  }
}

const ATTACHMENT_TYPES = [
  ['application/pdf', (r) => `${r.pick(['Report', 'Invoice', 'Contract', 'Minutes', 'Specification'])} ${r.pick(PROJECTS)} ${2023 + r.int(4)}.pdf`],
  ['image/jpeg', (r) => `IMG_${1000 + r.int(9000)}.jpg`],
  ['image/png', (r) => `screenshot-${r.int(100)}.png`],
  ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', (r) => `${r.pick(['Budget', 'Forecast', 'Timesheet'])}_${r.pick(PROJECTS)}.xlsx`],
  ['application/vnd.openxmlformats-officedocument.presentationml.presentation', (r) => `${r.pick(['Präsentation', 'Kickoff', 'Roadmap', 'Présentation'])} ${r.pick(PROJECTS)}.pptx`],
  ['application/zip', (r) => `${r.pick(PROJECTS).toLowerCase()}-logs.zip`],
];

function attachment(m, boundary, bytes) {
  const [type, nameOf] = R.pick(ATTACHMENT_TYPES);
  const name = nameOf(R);
  m.add(`--${boundary}\n`);
  if (isAscii(name)) {
    m.add(`Content-Type: ${type}; name="${name}"\nContent-Disposition: attachment; filename="${name}"\n`);
  } else {
    m.add(`Content-Type: ${type};\n name="${encodeWords(name).replace(/\n /g, '')}"\n`);
    m.add(`Content-Disposition: attachment;\n filename*=utf-8''${encodeURIComponent(name)}\n`);
  }
  m.add(`Content-Transfer-Encoding: base64\n\n`);
  m.addBuffer(blobSlice(bytes));
}

/** The readable part(s): text/plain, or multipart/alternative with HTML. */
function bodyParts(m, ctx, alternative) {
  const greeting = `${R.pick(['Hi', 'Hello', 'Dear', 'Hey'])} ${ctx.to.first || 'all'},\n\n`;
  const signOff = ctx.from.foreign && R.chance(0.6) ? R.pick(FOREIGN_SIGN_OFFS) : R.pick(SIGN_OFFS);
  const signature = `\n${signOff},\n${ctx.from.first}\n${R.chance(0.3) ? `\n-- \n${ctx.from.name || ctx.from.address}\n${ctx.from.company}\n` : ''}`;
  const encoded = !isAscii(greeting + signature);
  const cte = encoded ? 'quoted-printable' : '7bit';
  const enc = (s) => (encoded ? qp(s) : s);
  const textBytes = ctx.textBytes;
  const plain = () => {
    m.add(`Content-Type: text/plain; charset="${encoded ? 'utf-8' : 'us-ascii'}"${R.chance(0.2) ? '; format=flowed' : ''}\n`);
    m.add(`Content-Transfer-Encoding: ${cte}\n\n`);
    m.add(enc(greeting));
    if (ctx.kind === 'reply') {
      m.addBuffer(slice(PLAIN, textBytes * 0.4));
      m.add(enc(signature));
      m.add(`\nOn ${rfcDate(ctx.parentTime, ctx.from.zone)}, ${ctx.to.name || ctx.to.address} wrote:\n`.replace(/[^\n\x20-\x7e]/g, '?'));
      m.addBuffer(slice(QUOTED, textBytes * 0.6));
    } else if (ctx.kind === 'forward') {
      m.add(`Please see below.\n\n---------- Forwarded message ---------\nFrom: ${ctx.fwd.from.address}\nDate: ${rfcDate(ctx.parentTime, 0)}\nSubject: ${isAscii(ctx.fwd.subject) ? ctx.fwd.subject : '(see above)'}\n\n`);
      m.addBuffer(slice(PLAIN, textBytes));
      m.add(enc(signature));
    } else {
      m.addBuffer(slice(PLAIN, textBytes));
      m.add(enc(signature));
    }
  };
  if (!alternative) return plain();
  const boundary = `000000000000${R.hex(12)}`;
  m.add(`Content-Type: multipart/alternative; boundary="${boundary}"\n\n--${boundary}\n`);
  plain();
  m.add(`\n--${boundary}\nContent-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: quoted-printable\n\n`);
  m.add(`<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dutf-8"></head>\n<body><div dir=3D"ltr"><p>${qp(greeting.trim())}</p><p>\n`);
  m.addBuffer(slice(HTML, textBytes * 1.05));
  m.add(`</p><p>${qp(signature.trim().replace(/\n/g, '<br>\n'))}</p></div></body></html>\n--${boundary}--\n`);
}

function subjectFor(i) {
  return R.chance(0.08) ? R.pick(NON_ASCII_SUBJECTS)(R) : R.pick(SUBJECTS)(R);
}

function messageIdFor(i, from) {
  switch (R.int(3)) {
    case 0: return `<${R.hex(16)}.${i.toString(36)}@${from.domain}>`;
    case 1: return `<CA+${Buffer.from(R.hex(24), 'hex').toString('base64').replace(/[+/=]/g, 'x')}${i.toString(36)}@mail.${from.domain}>`;
    default: return `<${R.hex(8)}-${R.hex(4)}-${R.hex(4)}-${R.hex(4)}-${R.hex(12)}@${from.domain}>`;
  }
}

function build(i) {
  const t = times[i];
  let kind = 'new';
  let parent = null;
  if (i > 10 && R.chance(0.3)) {
    kind = 'reply';
    // Mostly answers to recent mail: threads grow over days, some over weeks.
    parent = sent[i - 1 - Math.floor(Math.min(i - 1, 400) * R.random() ** 2)];
  } else if (i > 10 && R.chance(0.03)) {
    kind = 'forward';
    parent = sent[R.int(i)];
  }
  const list = kind === 'reply' ? parent.list : R.chance(0.15) ? R.pick(LISTS) : null;
  let from, to, cc = [];
  if (kind === 'reply') {
    // Someone from the parent's conversation answers its author (not the parent's author).
    const pool = [...parent.to, ...parent.cc].filter((p) => p !== owner && p !== parent.from);
    from = pool.length && R.chance(0.8) ? R.pick(pool) : people[R.int(people.length)];
    to = list ? [] : [parent.from === owner ? people[R.int(people.length)] : parent.from];
    cc = list ? [] : [...parent.to, ...parent.cc].filter((p) => p !== from && !to.includes(p)).slice(0, 5);
    if (!list && !to.includes(owner) && !cc.includes(owner)) cc.push(owner);
  } else {
    from = list ? people[R.pick(list.members)] : people[R.int(people.length)];
    if (!list) {
      to = [owner];
      if (R.chance(0.2)) for (let n = 1 + R.int(3); n > 0; n--) to.push(people[R.int(people.length)]);
      if (R.chance(0.25)) for (let n = 1 + R.int(4); n > 0; n--) cc.push(people[R.int(people.length)]);
      if (R.chance(0.1)) [to, cc] = [to.slice(1).length ? to.slice(1) : [people[R.int(people.length)]], [owner, ...cc]];
    } else to = [];
  }
  to = [...new Set(to)];
  cc = [...new Set(cc)].filter((p) => !to.includes(p));

  const baseSubject = kind === 'new' ? subjectFor(i) : parent.subject;
  const prefix = kind === 'reply' ? (R.chance(0.9) ? 'Re: ' : R.pick(['RE: ', 'AW: ', 'Re: Re: ', 'SV: '])) : kind === 'forward' ? R.pick(['Fwd: ', 'Fw: ', 'FW: ']) : '';
  const listTag = list && kind === 'new' && R.chance(0.7) ? `[${list.name}] ` : '';
  const subject = `${prefix}${listTag}${baseSubject}`;
  const messageId = messageIdFor(i, from);
  const references = kind === 'reply' ? [...parent.references, parent.messageId] : [];
  // Real clients keep the first reference and the latest ones.
  const refs = references.length > 12 ? [references[0], ...references.slice(-11)] : references;
  sent[i] = { messageId, subject: listTag + baseSubject, from, to: list ? [] : to, cc, list, references: refs, time: t };

  // Sizes: the text (lognormal, median ~3.5 KB), HTML alternative, attachments.
  const textBytes = Math.min(60_000, Math.max(200, Math.round(3_500 * Math.exp(0.75 * R.normal()))));
  const alternative = R.chance(0.4);
  let attachments = [];
  if (R.chance(0.0006)) attachments = [1_000_000 + R.int(4_000_000)];
  else if (R.chance(0.09)) {
    attachments = Array.from({ length: R.chance(0.2) ? 2 : 1 }, () => Math.round(50_000 * 10 ** (R.random() ** 2)));
  }

  const m = new Message();
  const sender = list ? `${list.id}-bounces+${owner.address.replace('@', '=')}@${list.host}` : from.address;
  const delivered = t + 1 + R.int(40);
  m.add(`Return-Path: <${sender}>\nDelivered-To: ${owner.address}\n`);
  m.add(`Received: from mail.example.test\n\tby mail.example.test with LMTP\n\tid ${Buffer.from(R.hex(18), 'hex').toString('base64')}\n\t(envelope-from <${sender}>)\n\tfor <${owner.address}>; ${rfcDate(delivered, 0)}\n`);
  const relay = list ? list.host : `smtp.${from.domain}`;
  m.add(`Received: from ${relay} (${relay} [${from.ip}])\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n\t(No client certificate requested)\n\tby mail.example.test (Postfix) with ESMTPS id ${R.hex(10).toUpperCase()}\n\tfor <${owner.address}>; ${rfcDate(delivered, 0)}\n`);
  const signer = list ? list.host : from.domain;
  if (list || DKIM_DOMAINS.has(from.domain)) {
    m.add(`Authentication-Results: mail.example.test;\n\tdkim=pass (2048-bit key) header.d=${signer} header.s=s${2023 + (i % 3)} header.b=${R.hex(8)};\n\tspf=pass (mail.example.test: domain of ${sender} designates ${from.ip} as permitted sender)\n`);
    const b = Buffer.from(R.hex(512), 'hex').toString('base64');
    m.add(`DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${signer}; s=s${2023 + (i % 3)};\n\tt=${t}; h=from:to:cc:subject:date:message-id:references:in-reply-to:mime-version;\n\tbh=${Buffer.from(R.hex(64), 'hex').toString('base64')};\n\tb=${b.slice(0, 70)}\n\t ${b.slice(70, 140)}\n\t ${b.slice(140, 210)}\n\t ${b.slice(210, 280)}\n\t ${b.slice(280)}\n`);
  }
  m.add(`Message-ID: ${messageId}\n`);
  m.add(`Date: ${rfcDate(t, from.zone)}\n`);
  m.add(header('From', mailbox(from)));
  if (list) m.add(header('To', `${list.name} <${list.id}@${list.host}>`));
  else m.add(header('To', to.map(mailbox).join(', ')));
  if (cc.length) m.add(header('Cc', cc.map(mailbox).join(', ')));
  if (list && R.chance(0.5)) m.add(`Reply-To: ${list.id}@${list.host}\n`);
  if (isAscii(subject)) m.add(header('Subject', subject));
  else m.add(`Subject: ${encodeWords(subject)}\n`);
  if (kind === 'reply') {
    m.add(`In-Reply-To: ${parent.messageId}\n`);
    m.add(header('References', refs.join(' ')));
  }
  if (list) {
    m.add(`List-Id: ${list.name} <${list.id}.${list.host}>\nList-Unsubscribe: <mailto:${list.id}-leave@${list.host}>\nList-Post: <mailto:${list.id}@${list.host}>\nPrecedence: list\n`);
  }
  if (from.mailer) m.add(`${from.mailer}\n`);
  m.add('MIME-Version: 1.0\n');

  const ctx = {
    kind,
    from,
    to: list ? { first: '', name: list.name, address: `${list.id}@${list.host}` } : kind === 'reply' ? parent.from : to[0] ?? owner,
    textBytes,
    parentTime: parent?.time ?? t,
    fwd: parent,
  };
  if (attachments.length) {
    const boundary = `----=_Part_${i}_${R.next()}.${t}`;
    m.add(`Content-Type: multipart/mixed;\n\tboundary="${boundary}"\n\nThis is a multi-part message in MIME format.\n\n--${boundary}\n`);
    bodyParts(m, ctx, alternative);
    for (const bytes of attachments) {
      m.add('\n');
      attachment(m, boundary, bytes);
    }
    m.add(`--${boundary}--\n`);
  } else {
    bodyParts(m, ctx, alternative);
  }
  m.flush();

  // About 70% read (older mail more often), 4% flagged, some answered.
  const seen = !R.chance(0.1 + 0.4 * (i / count));
  const flagged = R.chance(0.04);
  const answered = seen && R.chance(0.12);
  const flags = `${flagged ? 'F' : ''}${answered ? 'R' : ''}${seen ? 'S' : ''}`;
  return { m, t, flags, attachments: attachments.length > 0, kind };
}

// ------------------------------------------------------------------- write --
const dir = opts.dir;
for (const sub of ['cur', 'new', 'tmp']) {
  if (!existsSync(join(dir, sub))) mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
}
const nonce = `${Date.now().toString(36)}${process.pid.toString(36)}`;
let bytes = 0;
const stats = { seen: 0, flagged: 0, answered: 0, attachments: 0, replies: 0, forwards: 0, big: 0 };
for (let i = 0; i < count; i++) {
  const { m, t, flags, attachments, kind } = build(i);
  const base = `${t}.M${(i * 7919) % 1_000_000}P${process.pid}Q${i + 1}R${nonce}.mua-fill,S=${m.size},W=${m.size + m.lines}`;
  const temporary = join(dir, 'tmp', base);
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    // writev takes at most IOV_MAX (1024) buffers; a message has a dozen.
    let written = writevSync(fd, m.parts);
    // writev may write less than asked (it rarely does for regular files); finish the rest.
    if (written < m.size) {
      const whole = Buffer.concat(m.parts);
      while (written < m.size) written += writevSync(fd, [whole.subarray(written)]);
    }
    futimesSync(fd, t, t);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, join(dir, 'cur', `${base}:2,${flags}`));
  bytes += m.size;
  if (flags.includes('S')) stats.seen++;
  if (flags.includes('F')) stats.flagged++;
  if (flags.includes('R')) stats.answered++;
  if (attachments) stats.attachments++;
  if (m.size > 1_000_000) stats.big++;
  if (kind === 'reply') stats.replies++;
  if (kind === 'forward') stats.forwards++;
}

const pct = (n) => `${((100 * n) / count).toFixed(1)}%`;
console.log(
  `fill-mailbox: wrote ${count} messages, ${(bytes / 1048576).toFixed(1)} MiB (mean ${(bytes / count / 1024).toFixed(1)} KiB) ` +
    `in ${((performance.now() - started) / 1000).toFixed(1)} s; seen ${pct(stats.seen)}, flagged ${pct(stats.flagged)}, ` +
    `answered ${pct(stats.answered)}, replies ${pct(stats.replies)}, forwards ${pct(stats.forwards)}, ` +
    `with attachments ${pct(stats.attachments)} (${stats.big} over 1 MB); dates ${rfcDate(times[0], 0)} .. ${rfcDate(times[count - 1], 0)}`,
);
