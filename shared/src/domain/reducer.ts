import type { Command, Context } from './commands.js';
import { decide } from './decide.js';
import { emptyState } from './defaults.js';
import type { DomainEvent } from './events.js';
import { evolve } from './evolve.js';
import type { Actor, RoomState } from './types.js';

/**
 * `(state, command, ctx) → { state, events }`, or a thrown AppError with nothing changed.
 * The input state is never modified.
 */
export function execute(
  state: RoomState,
  command: Command,
  actor: Actor,
  ctx: Context,
): { state: RoomState; events: DomainEvent[] } {
  const events = decide(state, command, actor, ctx).map((e) => ({ ...e, at: ctx.now }) as DomainEvent);
  if (events.length === 0) return { state, events };
  const next = structuredClone(state);
  // evolve keeps objects of the event (a turn, a comment) in the state and later changes them in
  // place: give it copies, so the returned events stay the facts they were.
  for (const event of events) evolve(next, structuredClone(event));
  return { state: next, events };
}

/** A room's state from its whole event log. */
export function replay(roomId: string, events: Iterable<DomainEvent>): RoomState {
  const state = emptyState(roomId);
  // Copies, as in execute: replaying must never rewrite the log it reads.
  for (const event of events) evolve(state, structuredClone(event));
  return state;
}
