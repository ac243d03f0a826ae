import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  canonicalJson,
  type LedgerActor,
  type LedgerItem,
  minutesDocument,
  type RoomState,
} from '@yishi/shared';
import { feedLedger, ledgerFromMinutes } from '../../signaling/src/ledger/fromMinutes.js';
import { LedgerService } from '../../signaling/src/ledger/LedgerService.js';
import { SessionService } from '../../signaling/src/sessions/SessionService.js';
import { MemoryRoomStore } from '../../signaling/src/store/MemoryRoomStore.js';
import {
  chair,
  createTopicCommand,
  joinCommand,
  member1,
  member2,
  member3,
  organiser,
  ROOM_ID,
  secretary,
  system,
  unitRep,
} from '../support/domain.js';
import { testLogger } from '../support/media.js';

/**
 * Finalized minutes into the ledger (signaling/src/ledger/fromMinutes.ts, docs/domain.md "Where
 * items come from"): action items and consensus points become items once, linked to the session,
 * minutes version and (for an action) its agenda item; an action's raisers are the members who
 * spoke on its agenda item, and only those the minutes show there.
 */

const office: LedgerActor = { id: 'office', name: '办公室', role: 'organiser' };
const LONG = `${'关于环线高架桥下空间综合利用，'.repeat(20)}各方同意分步实施。`;

/** One store, one session, the ledger fed from its finalizations (as the server wires them). */
async function setUp() {
  const store = new MemoryRoomStore();
  const sessions = new SessionService(store, testLogger());
  const ledger = new LedgerService(store, testLogger());
  await feedLedger(sessions, ledger, testLogger());
  const run = async (command: Parameters<SessionService['execute']>[1], actor: Actor) =>
    (await sessions.execute(ROOM_ID, command, actor)).events;
  const created = <T>(events: Awaited<ReturnType<typeof run>>, pick: (e: (typeof events)[number]) => T | undefined) => {
    const found = events.map(pick).find((v) => v !== undefined);
    if (found === undefined) throw new Error(`nothing created by ${events.map((e) => e.type).join(', ')}`);
    return found;
  };
  /** `speaker` asks for the floor (`kind`) and the chair grants it. */
  const speak = async (speaker: Actor, kind: 'contribution' | 'reply' | 'point_of_order' = 'contribution') => {
    const entryId = created(await run({ type: 'queue.request', kind }, speaker), (e) =>
      e.type === 'queue.entryAdded' ? e.data.entry.id : undefined,
    );
    await run({ type: 'floor.grant', entryId }, chair);
  };
  const finalize = () =>
    run((state: RoomState) => {
      const document = { ...minutesDocument(state, Date.now()), status: 'finalized' as const };
      return {
        type: 'minutes.finalize',
        hash: createHash('sha256').update(canonicalJson(document)).digest('hex'),
        document,
      };
    }, chair);
  /** The ledger is fed after the finalization is announced: waits until `id` is in and `ready` (or fails after 5 s). */
  const item = async (id: string, ready: (item: LedgerItem) => boolean = () => true) => {
    for (let i = 0; i < 500; i++) {
      const found = await ledger.get(id);
      if (found && ready(found)) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`ledger item ${id} never came`);
  };
  await run(createTopicCommand({ agenda: ['环线桥下空间利用', '其他事项'] }), organiser);
  await run({ type: 'session.open' }, organiser);
  for (const actor of [chair, secretary, member1, member2, member3, unitRep]) await run(joinCommand(actor), system);
  return { store, sessions, ledger, run, created, speak, finalize, item };
}

describe('the ledger from finalized minutes', () => {
  it('takes actions and consensus points once each, linked back, with the members who spoke as raisers', async () => {
    const t = await setUp();
    const [bridges, other] = t.sessions.current(ROOM_ID).state.agenda;
    await t.run({ type: 'agenda.open', itemId: bridges!.id }, chair);
    await t.speak(member2); // member2 first, then member1 (order of first speaking)
    await t.speak(member1);
    await t.speak(member2, 'reply'); // an interposed question: still speaking on the matter, counted once
    await t.speak(member3, 'point_of_order'); // procedure, not the matter
    await t.speak(unitRep); // the handling unit answers: not a member
    await t.run({ type: 'agenda.open', itemId: other!.id }, chair);
    await t.speak(member3);

    const actionId = t.created(
      await t.run(
        {
          type: 'minutes.addAction',
          title: '研究桥下空间利用方案',
          ownerUnit: '发展和改革委员会',
          agendaItemId: bridges!.id,
        },
        secretary,
      ),
      (e) => (e.type === 'minutes.actionAdded' ? e.data.action.id : undefined),
    );
    const loose = t.created(
      await t.run({ type: 'minutes.addAction', title: '通报办理进展', ownerUnit: '政协办公室' }, secretary),
      (e) => (e.type === 'minutes.actionAdded' ? e.data.action.id : undefined),
    );
    const agreed = t.created(
      await t.run({ type: 'minutes.addConsensus', text: '桥下空间优先用于社区停车和健身。' }, secretary),
      (e) => (e.type === 'minutes.consensusAdded' ? e.data.id : undefined),
    );
    const long = t.created(await t.run({ type: 'minutes.addConsensus', text: LONG }, secretary), (e) =>
      e.type === 'minutes.consensusAdded' ? e.data.id : undefined,
    );
    await t.run({ type: 'minutes.submit' }, secretary);
    await t.finalize();

    const action = await t.item(`${ROOM_ID}.${actionId}`, (i) => i.status === 'assigned');
    expect(action).toMatchObject({
      title: '研究桥下空间利用方案',
      category: '承办事项',
      status: 'assigned',
      leadUnit: '发展和改革委员会',
      topicId: ROOM_ID,
      source: { kind: 'action', sessionId: ROOM_ID, refId: actionId, minutesVersion: 1, agendaItemId: bridges!.id },
    });
    expect(action.raisedBy).toEqual([
      { id: member2.id, name: member2.name, role: 'member', sector: member2.sector },
      { id: member1.id, name: member1.name, role: 'member', sector: member1.sector },
    ]);
    // No agenda item named: the minutes do not say who raised it.
    expect(await t.item(`${ROOM_ID}.${loose}`, (i) => i.status === 'assigned')).toMatchObject({
      raisedBy: [],
      source: { kind: 'action', agendaItemId: null },
    });
    expect(await t.item(`${ROOM_ID}.${agreed}`)).toMatchObject({
      title: '桥下空间优先用于社区停车和健身。',
      description: '',
      category: '协商共识',
      status: 'registered',
      leadUnit: null,
      raisedBy: [],
      source: { kind: 'consensus', sessionId: ROOM_ID, refId: agreed, minutesVersion: 1, agendaItemId: null },
    });
    const longItem = await t.item(`${ROOM_ID}.${long}`);
    expect([...longItem.title]).toHaveLength(200);
    expect(longItem.title.endsWith('…')).toBe(true);
    expect(longItem.description).toBe(LONG);

    // The members who raised it see it and may rate it; the others do not see it.
    expect(await t.ledger.list({}, { id: member1.id, name: member1.name, role: 'member' })).toEqual([action]);
    expect(await t.ledger.list({}, { id: member3.id, name: member3.name, role: 'member' })).toEqual([]);
    expect((await t.ledger.list({ topicId: ROOM_ID }, office)).map((i) => i.id).sort()).toEqual(
      [actionId, loose, agreed, long].map((id) => `${ROOM_ID}.${id}`).sort(),
    );
  });

  it('adds nothing twice: a corrected version adds only what is new, with its version; a restart adds nothing', async () => {
    const t = await setUp();
    const first = t.created(
      await t.run({ type: 'minutes.addConsensus', text: '建立部门联席会商机制。' }, secretary),
      (e) => (e.type === 'minutes.consensusAdded' ? e.data.id : undefined),
    );
    await t.run({ type: 'minutes.submit' }, secretary);
    await t.finalize();
    await t.item(`${ROOM_ID}.${first}`);

    // Version 2: the first point reworded (same id), a second added.
    await t.run({ type: 'minutes.reopen' }, chair);
    await t.run(
      { type: 'minutes.updateConsensus', id: first, text: '建立部门联席会商机制，每季度会商一次。' },
      secretary,
    );
    const second = t.created(
      await t.run({ type: 'minutes.addConsensus', text: '试点路段年内完成改造。' }, secretary),
      (e) => (e.type === 'minutes.consensusAdded' ? e.data.id : undefined),
    );
    await t.run({ type: 'minutes.submit' }, secretary);
    await t.finalize();
    expect(await t.item(`${ROOM_ID}.${second}`)).toMatchObject({ source: { minutesVersion: 2 } });
    expect(await t.item(`${ROOM_ID}.${first}`)).toMatchObject({
      title: '建立部门联席会商机制。',
      source: { minutesVersion: 1 },
    });

    // A new node (or a restart) reads the same store and feeds again: every stream stays at one event.
    const sessions = new SessionService(t.store, testLogger());
    const ledger = new LedgerService(t.store, testLogger());
    await feedLedger(sessions, ledger, testLogger());
    for (const finalized of (await sessions.get(ROOM_ID)).state.minutes.finalized) {
      await ledgerFromMinutes(ledger, ROOM_ID, finalized);
    }
    expect(await t.store.version(`ledger:${ROOM_ID}.${first}`)).toBe(1);
    expect(await t.store.version(`ledger:${ROOM_ID}.${second}`)).toBe(1);
    expect(await ledger.list({}, office)).toHaveLength(2);
  });
});
