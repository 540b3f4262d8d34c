// Runs Electronegativity through its programmatic API and prints its findings as one JSON line.
// Its own CLI's CSV report is written by two unsynchronised writes (header, then rows) that can
// land in either order and lose the rows, so scripts/electronegativity.mjs uses this instead.
// Usage: node tools/electronegativity/scan.cjs <folder> <electron version>
'use strict';
const { resolve } = require('node:path');
const run = require('@doyensec/electronegativity');

const [input, electronVersion] = process.argv.slice(2);
if (!input || !electronVersion) {
  console.error('usage: node scan.cjs <folder> <electron version>');
  process.exit(2);
}

run({
  input: resolve(input),
  output: undefined,
  isSarif: false,
  customScan: [],
  excludeFromScan: [],
  isRelative: true,
  isVerbose: false,
  electronUpgrade: undefined,
  electronVersionOverride: electronVersion,
  parserPlugins: [],
}, false).then(
  (result) => {
    const issues = result.issues.map((issue) => ({
      check: issue.id,
      severity: issue.severity.name,
      confidence: issue.confidence.name,
      file: issue.file,
      location: `${issue.location.line}:${issue.location.column}`,
      description: issue.description,
    }));
    // Files the scanner could not read (a parse error): they were not checked at all.
    const unscanned = result.errors.filter((e) => !e.tolerable).map((e) => ({ file: String(e.file), message: String(e.message).slice(0, 200) }));
    process.stdout.write(`\n@@RESULT@@${JSON.stringify({ checks: result.globalChecks + result.atomicChecks, unscanned, issues })}\n`);
  },
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exit(1);
  },
);
