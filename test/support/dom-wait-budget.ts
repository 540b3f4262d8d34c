/**
 * Renderer tests wait for what the page shows with Testing Library's find* and waitFor. Their
 * default second is ample on a quiet machine but not while the whole suite runs real servers on
 * two cores (a debounced search answered past it once, in CI). The budget is only how long a
 * wait may last: an answer that never comes still fails the test.
 */
if (typeof document !== 'undefined') {
  const { configure } = await import('@testing-library/dom');
  configure({ asyncUtilTimeout: 5_000 });
}

export {};
