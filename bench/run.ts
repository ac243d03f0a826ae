import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import { consultationRoom } from './scenarios/consultationRoom.js';
import { exportMinutes } from './scenarios/exportMinutes.js';
import { failover } from './scenarios/failover.js';
import { grant } from './scenarios/grant.js';
import { join } from './scenarios/join.js';
import { ledgerBench } from './scenarios/ledger.js';
import { overload } from './scenarios/overload.js';
import { recordsBench } from './scenarios/records.js';
import { SRTP_SUITES } from './lib/rigs.js';
import { sfuFanout } from './scenarios/sfuFanout.js';
import { signaling } from './scenarios/signaling.js';
import { soak } from './scenarios/soak.js';
import { weakLink } from './scenarios/weakLink.js';
import { workerKill } from './scenarios/workerKill.js';

/**
 * `npm run bench -- <scenario> [--runs N] [--steps a,b] [--members a,b] [--nodes 2] [--no-bare] [--no-comments] [--via turn] [--clients N] [--minutes M]`:
 * runs one benchmark scenario, prints a table (and a summary, if it has one) and writes JSON (with the machine)
 * to bench/results/. Never part of the test suite.
 */
const SCENARIOS = {
  // With a bare mediasoup app's rounds in between, unless --no-bare.
  // --via turn: relay-only rounds through a coturn over TLS alternate with the direct ones.
  join: (o: { runs: number; nodes?: string; bare: boolean; via?: string }) =>
    join({ runs: o.runs, nodes: o.nodes === '2' ? 2 : 1, bare: o.bare, via: o.via === 'turn' ? 'turn' : 'direct' }),
  grant: (o: { runs: number }) => grant(o),
  export: (o: { runs: number }) => exportMinutes(o),
  failover: (o: { runs: number }) => failover(o),
  'sfu-fanout': (o: { runs: number; steps?: string }) =>
    sfuFanout({
      steps: (o.steps ?? '50,100,200,400,600,800,1000,1200,1400,1600').split(',').map(Number),
      warmupMs: 3000,
      windowMs: 8000,
      suites: [...SRTP_SUITES],
    }),
  // --members: room sizes to step through, the consultation and the all-video grid at each.
  'consultation-room': (o: { members?: string }) =>
    consultationRoom({
      members: (o.members ?? '10,20,30,40,60,80,100,150,200,250,300,400').split(',').map(Number),
      warmupMs: 3000,
      windowMs: 8000,
    }),
  ledger: (o: { runs: number; steps?: string }) =>
    ledgerBench({ items: Number(o.steps ?? 20_000), topics: 500, runs: Math.max(o.runs, 20) }),
  // --members and --steps: the directory's size and the sessions stored.
  records: (o: { runs: number; members?: string; steps?: string }) =>
    recordsBench({ members: Number(o.members ?? 1000), sessions: Number(o.steps ?? 500), runs: Math.max(o.runs, 50) }),
  // --clients: the consumers one worker carries (sfu-fanout's maxConsumersPerWorker).
  overload: (o: { clients?: string }) =>
    overload({ capacity: Number(o.clients ?? 400), maxWorkerLoad: 0.85, arrivalsPerSecond: 40, windowMs: 10_000 }),
  // --runs: floor grants timed at each size; --no-comments: those only, no comment phases.
  signaling: (o: { runs: number; steps?: string; nodes?: string; comments: boolean }) =>
    signaling({
      sizes: (o.steps ?? '100,500,1000,2000').split(',').map(Number),
      commentRates: [5, 10, 20, 50, 100, 200, 500],
      grantTrials: o.runs,
      comments: o.comments,
      nodes: o.nodes === '2' ? 2 : 1,
    }),
  // Needs root: network namespaces (tests/support/netns.ts).
  'weak-link': () => weakLink({ warmupMs: 10_000, windowMs: 15_000 }),
  'worker-kill': (o: { runs: number }) => workerKill(o),
  soak: (o: { clients?: string; minutes?: string; 'session-idle'?: string }) =>
    soak({
      clients: Number(o.clients ?? 300),
      minutes: Number(o.minutes ?? 5),
      rooms: 3,
      sampleMs: 10_000,
      sessionIdleS: Number(o['session-idle'] ?? 60),
    }),
} as const;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  allowNegative: true,
  options: {
    runs: { type: 'string', default: '5' },
    steps: { type: 'string' },
    members: { type: 'string' },
    nodes: { type: 'string' },
    bare: { type: 'boolean', default: true },
    comments: { type: 'boolean', default: true },
    clients: { type: 'string' },
    minutes: { type: 'string' },
    'session-idle': { type: 'string' },
    via: { type: 'string' },
  },
});
const name = positionals[0] as keyof typeof SCENARIOS | undefined;
if (!name || !(name in SCENARIOS)) {
  process.stderr.write(
    `usage: npm run bench -- <${Object.keys(SCENARIOS).join('|')}> [--runs N] [--steps a,b,…] [--members a,b,…] ` +
      '[--nodes 2] [--no-bare] [--no-comments] [--via turn] [--clients N] [--minutes M] [--session-idle S]\n',
  );
  process.exit(2);
}
const runs = Number(values.runs);
const startedAt = new Date().toISOString();
const result = await SCENARIOS[name]({
  runs,
  bare: values.bare,
  comments: values.comments,
  ...(values.steps ? { steps: values.steps } : {}),
  ...(values.members ? { members: values.members } : {}),
  ...(values.nodes ? { nodes: values.nodes } : {}),
  ...(values.clients ? { clients: values.clients } : {}),
  ...(values.minutes ? { minutes: values.minutes } : {}),
  ...(values['session-idle'] ? { 'session-idle': values['session-idle'] } : {}),
  ...(values.via ? { via: values.via } : {}),
});
console.table(result.table);
if ('summary' in result) process.stdout.write(`${result.summary}\n`);
const out = path.join(import.meta.dirname, 'results', `${name}-${startedAt.replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  `${JSON.stringify({ scenario: name, startedAt, machine: machineInfo(), ...result.data }, null, 2)}\n`,
);
process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
