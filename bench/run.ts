import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import { exportMinutes } from './scenarios/exportMinutes.js';
import { grant } from './scenarios/grant.js';
import { join } from './scenarios/join.js';

/**
 * `npm run bench -- <scenario> [--runs N]`: runs one benchmark scenario, prints a table and
 * writes JSON (with the machine) to bench/results/. Never part of the test suite.
 */
const SCENARIOS = {
  join: (o: { runs: number }) => join(o),
  grant: (o: { runs: number }) => grant(o),
  export: (o: { runs: number }) => exportMinutes(o),
} as const;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' } },
});
const name = positionals[0] as keyof typeof SCENARIOS | undefined;
if (!name || !(name in SCENARIOS)) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(SCENARIOS).join('|')}> [--runs N]\n`);
  process.exit(2);
}
const runs = Number(values.runs);
const startedAt = new Date().toISOString();
const result = await SCENARIOS[name]({ runs });
console.table(result.table);
const out = path.join(import.meta.dirname, 'results', `${name}-${startedAt.replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  `${JSON.stringify({ scenario: name, startedAt, machine: machineInfo(), ...result.data }, null, 2)}\n`,
);
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
