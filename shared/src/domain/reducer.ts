import type { Command, Context } from './commands.js';
import { decide } from './decide.js';
import { emptyState } from './defaults.js';
import type { DomainEvent } from './events.js';
import { evolve } from './evolve.js';
import type { Actor, RoomState } from './types.js';

/**
 * Runs `command` on `state`, which it changes IN PLACE: decides the command, whose events carry
 * `ctx.now`, and evolves `state` with them. Returns those events (none when there is nothing to
 * do). A refusal throws the domain's AppError before anything changes: deciding only reads the
 * state, and evolving never refuses an event.
 *
 * Whoever must store the events before the state may show them (SessionService) calls the two
 * halves itself: `decide`, then `applyEvents` once the store has accepted them.
 */
export function applyCommand(state: RoomState, command: Command, actor: Actor, ctx: Context): DomainEvent[] {
  const events = decide(state, command, actor, ctx);
  applyEvents(state, events);
  return events;
}

/**
 * Evolves `state` in place with events already decided or read from a log. evolve keeps objects
 * of an event (a turn, a comment) in the state and later changes them there: it is given copies,
 * so the events stay the facts they were.
 */
export function applyEvents(state: RoomState, events: Iterable<DomainEvent>): void {
  for (const event of events) evolve(state, structuredClone(event));
}

/** A room's state from its whole event log (which it only reads). */
export function replay(roomId: string, events: Iterable<DomainEvent>): RoomState {
  const state = emptyState(roomId);
  applyEvents(state, events);
  return state;
}
