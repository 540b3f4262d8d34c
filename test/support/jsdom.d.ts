// The little of jsdom's API the tests use outside vitest's jsdom environment (a window for
// DOMPurify in a test that otherwise runs in Node); jsdom ships no types of its own.
declare module 'jsdom' {
  export class JSDOM {
    constructor(html?: string);
    readonly window: Window & typeof globalThis;
  }
}
