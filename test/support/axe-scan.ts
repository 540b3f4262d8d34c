import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** The pinned axe-core itself (package.json), not the copy @axe-core/playwright carries. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A serious or critical finding of axe-core, in a form a failing test prints readably. */
export type AxeFinding = { id: string; impact: string; help: string; targets: string[] };

/**
 * Scans the page's own document with axe-core and answers its serious and critical violations.
 *
 * Why not AxeBuilder: it runs axe in every frame, and the reader's message frame is sandboxed with
 * no script (and a CSP that allows none), where its run never finishes; it also opens a page of
 * its own for every scan. Here axe is put in the page once (evaluation from the test is not
 * bound by the page's CSP) and run on the document without descending into frames: the message
 * frame's own content is the sender's HTML, not the app's, while the frame element itself (its
 * title) is still checked.
 */
export async function axeScan(page: Page): Promise<AxeFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Axe = {
      run(context: Document, options: object): Promise<{ violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[] }>;
    };
    const axe = (window as unknown as { axe: Axe }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'], iframes: false });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')) }));
  });
}
