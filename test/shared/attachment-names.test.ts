import { describe, expect, it } from 'vitest';
import { extensionOf, openRisk, safeFileName } from '../../shared/attachment-names.js';

describe('the name an attachment is saved under', () => {
  it('keeps an ordinary name as it is, in any script', () => {
    expect(safeFileName('invoice 2026-03.pdf')).toBe('invoice 2026-03.pdf');
    expect(safeFileName('Rechnung für März.pdf')).toBe('Rechnung für März.pdf');
    expect(safeFileName('見積書.xlsx')).toBe('見積書.xlsx');
  });

  it('never climbs out of a folder, nor names one', () => {
    expect(safeFileName('../../.bashrc')).toBe('_.._.bashrc');
    expect(safeFileName('..\\..\\Windows\\System32\\evil.dll')).toBe('_.._Windows_System32_evil.dll');
    expect(safeFileName('/etc/passwd')).toBe('_etc_passwd');
    expect(safeFileName('C:\\Users\\me\\x.txt')).toBe('C__Users_me_x.txt');
    expect(safeFileName('..')).toBe('attachment');
    expect(safeFileName('.hidden')).toBe('hidden');
  });

  it('drops control characters and the direction overrides that disguise an extension', () => {
    expect(safeFileName('a\u0000b\r\nc\u0007.txt')).toBe('abc.txt');
    // Shown as "invoiceexe.pdf" by a bidi-aware display; it is an .exe.
    expect(safeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFileName('photo\u2066\u200B.jpg\u2069.scr')).toBe('photo.jpg.scr');
  });

  it('avoids what Windows refuses or silently changes: reserved characters, device names, trailing dots and spaces', () => {
    expect(safeFileName('what? <now>: "yes" | no*.txt')).toBe('what_ _now__ _yes_ _ no_.txt');
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('nul.txt')).toBe('_nul.txt');
    expect(safeFileName('com1.log')).toBe('_com1.log');
    expect(safeFileName('lpt\u00b9.txt')).toBe('_lpt\u00b9.txt');
    expect(safeFileName('console.txt')).toBe('console.txt');
    // Windows would drop the trailing dot and run the .exe.
    expect(safeFileName('setup.exe. . ')).toBe('setup.exe');
  });

  it('gives a nameless part a name from its type', () => {
    expect(safeFileName(null, 'image/png')).toBe('attachment.png');
    expect(safeFileName('', 'application/pdf; name=x')).toBe('attachment.pdf');
    expect(safeFileName(undefined, 'application/x-unknown')).toBe('attachment');
    expect(safeFileName('///', 'text/plain')).toBe('attachment.txt');
  });

  it('cuts a long name to 200 bytes, keeping its extension and whole characters', () => {
    const long = safeFileName(`${'é'.repeat(300)}.pdf`);
    expect(new TextEncoder().encode(long).length).toBeLessThanOrEqual(200);
    expect(long.endsWith('é.pdf')).toBe(true);
    expect(long).not.toContain('\ufffd');
  });
});

describe('whether the system may be asked to open it', () => {
  it('documents, pictures, archives and the like: yes', () => {
    for (const [name, type] of [
      ['invoice.pdf', 'application/pdf'],
      ['photo.JPG', 'image/jpeg'],
      ['notes.txt', 'text/plain'],
      ['report.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['backup.zip', 'application/zip'],
      ['invite.ics', 'text/calendar'],
    ]) {
      expect(openRisk(name!, type!), name).toBeUndefined();
    }
  });

  it('programs, scripts, installers, shortcuts and disk images of every system: no', () => {
    for (const name of ['setup.exe', 'run.bat', 'x.cmd', 'a.scr', 'i.msi', 'tool.ps1', 'v.vbs', 'script.js', 'install.sh', 'app.desktop', 'Thing.app', 'x.command', 'a.jar', 'l.lnk', 'u.url', 'd.dmg', 'disk.iso', 'p.py', 'app.AppImage', 'pkg.deb', 'reg.reg', 'h.hta']) {
      expect(openRisk(name, 'application/octet-stream'), name).toMatch(/could run a program or a script/);
    }
  });

  it('web pages and SVG (a browser would run their scripts), and Office files with macros: no', () => {
    for (const name of ['page.html', 'page.HTM', 'p.xhtml', 'a.mht', 'logo.svg', 'budget.xlsm', 'letter.docm']) {
      expect(openRisk(name, 'application/octet-stream'), name).toMatch(/could run/);
    }
  });

  it('a harmless name with a type that says program or web page: no', () => {
    expect(openRisk('invoice.pdf', 'text/html')).toMatch(/could run/);
    expect(openRisk('picture.png', 'image/svg+xml')).toMatch(/could run/);
    expect(openRisk('doc.txt', 'application/x-msdownload')).toMatch(/could run/);
    expect(openRisk('doc.txt', 'application/x-sh')).toMatch(/could run/);
    expect(openRisk('doc.txt', 'application/javascript; charset=utf-8')).toMatch(/could run/);
    expect(openRisk('doc.xls', 'application/vnd.ms-excel.sheet.macroEnabled.12')).toMatch(/could run/);
  });

  it('no extension at all: no (the system would guess from the content)', () => {
    expect(openRisk('README', 'text/plain')).toMatch(/no file type/);
  });

  it('judges the sanitized name: a disguised or dotted .exe is caught', () => {
    expect(openRisk(safeFileName('invoice\u202Efdp.exe'), 'application/pdf')).toMatch(/could run/);
    expect(openRisk(safeFileName('setup.exe.'), 'application/pdf')).toMatch(/could run/);
    expect(extensionOf('archive.tar.GZ')).toBe('.gz');
    expect(extensionOf('noext')).toBe('');
  });
});
