/**
 * The name a received attachment is shown, saved and opened under, and whether it is safe to
 * hand to the system to open. The name comes from the sender, so it is treated as hostile: it
 * may climb out of a folder (../), hide its real extension behind a right-to-left override
 * (invoice\u202Efdp.exe shows as invoiceexe.pdf), carry control characters, or be a device name
 * Windows will not write (CON, NUL, COM1...).
 *
 * Written here rather than taken from a library: the ones on npm (sanitize-filename and kin)
 * leave bidirectional controls in and decide nothing about extensions, which are the half that
 * matters; both sides need it (main writes the file, the renderer names the buttons).
 */

/** Bidirectional controls and invisible characters: they change what a name appears to be. */
const INVISIBLE = /[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb]/gu;
/** C0 and C1 control characters and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Path separators and what Windows refuses in a name (a colon would name an NTFS stream). */
const RESERVED_CHARACTERS = /[<>:"/\\|?*]/g;
/** Device names Windows reserves whatever the extension (CON.txt is the console too). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|clock\$|conin\$|conout\$|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\.|$)/i;
/** Room for a folder path before the usual 255-byte limit of a file name. */
const MAX_NAME_BYTES = 200;

/** A fitting extension for an unnamed part, from its type. */
const EXTENSIONS: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'application/json': '.json',
  'application/msword': '.doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/vnd.oasis.opendocument.text': '.odt',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/jpg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/bmp': '.bmp',
  'image/svg+xml': '.svg',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/calendar': '.ics',
  'text/csv': '.csv',
  'message/rfc822': '.eml',
  'audio/mpeg': '.mp3',
  'video/mp4': '.mp4',
};

function extensionForType(contentType: string): string {
  return EXTENSIONS[contentType.toLowerCase().split(';')[0]!.trim()] ?? '';
}

/**
 * A name that is safe to use as one file name on Windows, macOS and Linux, and shows what it
 * is: NFC, no invisible or control characters, no separators or reserved characters (each
 * becomes _), no leading dots (no hidden file, no ..), no trailing dots or spaces (Windows
 * drops them, so x.exe. would run), no device name, at most 200 UTF-8 bytes with its extension
 * kept. An empty result becomes "attachment" with an extension from the type.
 */
export function safeFileName(raw: string | null | undefined, contentType = 'application/octet-stream'): string {
  let name = (raw ?? '')
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .replace(RESERVED_CHARACTERS, '_')
    .replace(/\s+/gu, ' ')
    .replace(/^[.\s]+/u, '')
    .replace(/[.\s]+$/u, '');
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  if (name === '' || /^_+$/.test(name)) name = `attachment${extensionForType(contentType)}`;
  return fitBytes(name, MAX_NAME_BYTES);
}

/** Cuts a name to `limit` UTF-8 bytes, keeping its extension, never splitting a character. */
function fitBytes(name: string, limit: number): string {
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  if (bytes(name) <= limit) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = '';
  for (const char of name.slice(0, name.length - extension.length)) {
    if (bytes(stem + char + extension) > limit) break;
    stem += char;
  }
  return stem.replace(/[.\s]+$/u, '') + extension;
}

/** The extension of a (safe) name, lower case with its dot, or '' when it has none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/**
 * Extensions that the system would run, install, mount or show in a browser rather than open
 * as a document: programs and scripts of every desktop system, installers, shortcuts, disk
 * images (they mount and lose the downloaded-file mark), web pages and SVG (a browser runs
 * their scripts from a local file), and Office files with macros.
 */
const RISKY_EXTENSIONS = new Set(
  (
    // Windows
    '.exe .com .scr .pif .bat .cmd .msi .msp .mst .msix .msixbundle .appx .appxbundle .appinstaller .dll .ocx .cpl .sys .drv ' +
    '.vbs .vbe .vb .js .jse .wsf .wsh .wsc .sct .ps1 .ps1xml .ps2 .ps2xml .psc1 .psc2 .psm1 .psd1 .msh .msh1 .msh2 .mshxml .hta .chm .hlp ' +
    '.lnk .url .scf .reg .inf .gadget .application .appref-ms .library-ms .settingcontent-ms .search-ms .msc .jnlp .xll .xbap ' +
    // macOS
    '.app .command .tool .terminal .pkg .mpkg .dmg .scpt .scptd .applescript .workflow .action .prefpane .kext .webloc .inetloc .fileloc ' +
    // Linux and Unix
    '.sh .bash .zsh .csh .tcsh .ksh .fish .run .bin .out .elf .so .ko .appimage .desktop .deb .rpm .snap .flatpak .flatpakref .flatpakrepo ' +
    // Interpreters anywhere
    '.jar .class .py .pyc .pyw .pyz .pl .pm .rb .php .lua .tcl .awk .vba .mjs .cjs ' +
    // Disk images
    '.iso .img .vhd .vhdx .udf ' +
    // Shown in a browser, scripts and all
    '.html .htm .xhtml .xht .shtml .mht .mhtml .svg .svgz .xsl .xslt ' +
    // Office files with macros
    '.docm .dotm .xlsm .xltm .xlam .xlsb .pptm .potm .ppam .ppsm .sldm'
  ).split(/\s+/),
);

/** Types that say the same whatever the name: programs, scripts, installers, web pages. */
const RISKY_TYPES =
  /^(?:text\/html|application\/xhtml\+xml|image\/svg\+xml|application\/(?:x-)?(?:java-archive|javascript|ecmascript|hta|sh|csh|shellscript|executable|elf|mach-binary|sharedlib|msdownload|msdos-program|ms-installer|msi|ms-shortcut|bat|desktop|apple-diskimage|iso9660-image|python-code|perl|php|ruby)|application\/vnd\.microsoft\.portable-executable|application\/vnd\.ms-[a-z]+\.[a-z.]*macroenabled[.\w]*|text\/(?:x-)?(?:javascript|ecmascript|shellscript|sh|python|perl|php|ruby|script[.\w-]*))$/i;

/**
 * Why the system should not be asked to open this attachment, or undefined when it may be:
 * its name's extension or its declared type is one that runs code (a program, a script, an
 * installer, a shortcut, a disk image, a web page or SVG that a browser would run, an Office
 * file with macros), or it has no extension, so the system would guess from the content.
 * Saving it stays possible.
 */
export function openRisk(fileName: string, contentType: string): string | undefined {
  const extension = extensionOf(fileName);
  const type = contentType.toLowerCase().split(';')[0]!.trim();
  if (extension === '') return `“${fileName}” has no file type, so the system would have to guess how to open it.`;
  if (RISKY_EXTENSIONS.has(extension) || RISKY_TYPES.test(type)) {
    return `“${fileName}” could run a program or a script on your computer (${extension} files, ${type}).`;
  }
  return undefined;
}

/** What the refusal says after the reason: the way to go on. */
export const OPEN_RISK_ADVICE = 'It was not opened. Save it instead, and open it yourself only if you trust the sender and expected this file.';
