import { performance } from 'node:perf_hooks';
import { type Actor, applyCommand, type Command, emptyState, minutesDocument, type RoomState } from '@yishi/shared';
import { minutesDocx } from '../../signaling/src/export/docx.js';
import { minutesJson } from '../../signaling/src/export/json.js';
import { minutesMarkdown } from '../../signaling/src/export/markdown.js';
import { quantile } from '../stats.js';

const SECTORS = ['经济界', '农业界', '教育界', '科技界', '医药卫生界'];

/** A session with `turns` speeches (each summarised) and `comments` comments, built through the real reducer. */
export function bigSession(turns: number, comments: number): RoomState {
  const state = emptyState('bench');
  let now = Date.UTC(2026, 10, 26, 1, 0, 0);
  let id = 0;
  const run = (command: Command, actor: Actor) =>
    applyCommand(state, command, actor, { now, newId: () => `id-${++id}` });
  const organiser: Actor = { id: 'org', name: '办公厅', role: 'organiser' };
  const chair: Actor = { id: 'chair', name: '王主席', role: 'chair' };
  const secretary: Actor = { id: 'sec', name: '李秘书', role: 'secretary' };
  run(
    {
      type: 'topic.create',
      id: 'bench',
      fields: { title: '大型协商会', background: '基准测试', materials: [], sectors: SECTORS, organiser: '办公厅' },
      agenda: [{ title: '协商发言' }],
      settings: { turnSeconds: { contribution: 3600 } },
    },
    organiser,
  );
  run({ type: 'session.open' }, organiser);
  const members: Actor[] = Array.from({ length: 120 }, (_, i) => ({
    id: `m${i}`,
    name: `委员${i}`,
    role: 'member',
    sector: SECTORS[i % SECTORS.length],
  }));
  for (const person of [chair, secretary, ...members]) {
    run(
      {
        type: 'participant.join',
        person: { id: person.id, name: person.name, role: person.role as 'member', sector: person.sector },
        resumeWithinMs: 30_000,
      },
      { id: 'system', name: 'system', role: 'system' },
    );
  }
  for (let i = 0; i < turns; i++) {
    const m = members[i % members.length] as Actor;
    run({ type: 'queue.request', kind: 'contribution' }, m);
    run({ type: 'floor.grant' }, chair);
    now += 90_000;
    run({ type: 'floor.end' }, chair);
    const turn = state.turns.at(-1);
    if (turn)
      run(
        {
          type: 'minutes.setSummary',
          turnId: turn.id,
          text: `${m.name}就第${i + 1}个问题发言，建议加强统筹，完善配套政策，推动落实。`,
        },
        secretary,
      );
  }
  for (let i = 0; i < comments; i++) {
    now += 1_000;
    run(
      { type: 'comment.post', text: `评论${i}：赞成前面委员的意见，建议进一步细化措施。`, stance: 'support' },
      members[i % members.length] as Actor,
    );
  }
  return state;
}

/** export: minutes of a session with 300 turns and 5,000 comments (by default), as JSON, Markdown and DOCX. */
export async function exportMinutes(options: { runs: number; turns?: number; comments?: number }) {
  const state = bigSession(options.turns ?? 300, options.comments ?? 5000);
  const times: Record<'document' | 'json' | 'markdown' | 'docx', number[]> = {
    document: [],
    json: [],
    markdown: [],
    docx: [],
  };
  let docxBytes = 0;
  for (let i = 0; i < options.runs; i++) {
    let t = performance.now();
    const doc = minutesDocument(state, Date.now());
    times.document.push(performance.now() - t);
    t = performance.now();
    minutesJson(doc);
    times.json.push(performance.now() - t);
    t = performance.now();
    minutesMarkdown(doc);
    times.markdown.push(performance.now() - t);
    t = performance.now();
    docxBytes = (await minutesDocx(doc)).length;
    times.docx.push(performance.now() - t);
  }
  const p50 = (xs: number[]) => Math.round(quantile(xs, 0.5));
  return {
    table: [
      { figure: 'session', value: `${state.turns.length} turns, ${state.comments.length} comments` },
      { figure: 'minutes document p50 (ms)', value: p50(times.document) },
      { figure: 'JSON p50 (ms)', value: p50(times.json) },
      { figure: 'Markdown p50 (ms)', value: p50(times.markdown) },
      { figure: 'DOCX p50 (ms)', value: p50(times.docx) },
      { figure: 'DOCX size (KiB)', value: Math.round(docxBytes / 1024) },
    ],
    data: {
      turns: state.turns.length,
      comments: state.comments.length,
      p50Ms: {
        document: p50(times.document),
        json: p50(times.json),
        markdown: p50(times.markdown),
        docx: p50(times.docx),
      },
      docxBytes,
      runs: options.runs,
    },
  };
}
