import { Conflict } from '@yishi/shared';
import type { NewEvent, StoredEvent } from './RoomStore.js';

/**
 * Argument checks and the event encoding shared by every RoomStore implementation, so that they
 * refuse the same inputs and give back the same values: each stores `data` as JSON text, which
 * makes the in-memory store as strict as a real one and hands out copies, never aliases.
 */

/** An event as it is kept: `data` as JSON text. */
export interface EncodedEvent {
  type: string;
  at: number;
  data: string;
}

/** Throws a TypeError unless `streamId` is a non-empty string. */
export function checkStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new TypeError('stream id must be a non-empty string');
  }
}

/** Throws a RangeError unless `value` is an integer >= `min` (`name` goes in the message). */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/**
 * Validates and serialises one event. Throws a TypeError for a missing type, an `at` that is not
 * whole epoch milliseconds, or `data` that JSON cannot represent (undefined, a function, a BigInt,
 * a cycle) — instead of storing something that would read back differently.
 */
export function encodeEvent(event: NewEvent): EncodedEvent {
  if (typeof event.type !== 'string' || event.type.length === 0) {
    throw new TypeError('event type must be a non-empty string');
  }
  if (!Number.isSafeInteger(event.at)) {
    throw new TypeError(`event "${event.type}": at must be whole epoch milliseconds, got ${String(event.at)}`);
  }
  // JSON.stringify throws on BigInt and cycles, and returns undefined for undefined/functions.
  const data: string | undefined = JSON.stringify(event.data);
  if (data === undefined) {
    throw new TypeError(`event "${event.type}": data is not representable as JSON`);
  }
  return { type: event.type, at: event.at, data };
}

/** The stored event at `version`, with a fresh copy of its data. */
export function decodeEvent(version: number, event: EncodedEvent): StoredEvent {
  return { version, type: event.type, at: event.at, data: JSON.parse(event.data) };
}

/** The error every implementation throws when the expected version is not the current one. */
export function versionConflict(streamId: string, expectedVersion: number, currentVersion: number): Conflict {
  return new Conflict(
    `stream "${streamId}" is at version ${currentVersion}, not the expected version ${expectedVersion}`,
  );
}
