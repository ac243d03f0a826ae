import { Conflict, type IssuedUnitToken } from '@yishi/shared';
import type { RoomStore } from '../store/index.js';

/** One stream in the sessions' store; no room id (no ':') and no ledger item ('ledger:') can take it. */
const STREAM = 'units:tokens';
const ISSUED = 'unitToken.issued';
/** Appends race only with another node's; each retry reads the stream's version afresh. */
const MAX_ATTEMPTS = 10;

interface IssuedData {
  sub: string;
  name: string;
  unit: string;
  issuer: { id: string; name: string };
  expiresAt: number;
}

/**
 * Every handling unit's ledger token the organiser API made, as events: for whom, for which
 * unit, by whom, when and until when — never the token itself. A token is recorded before it
 * is handed out, so none is given that nobody can account for (like invitations).
 */
export class UnitTokenRecord {
  readonly #store: RoomStore;

  constructor(store: RoomStore) {
    this.#store = store;
  }

  async record(issued: IssuedData, at: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const version = await this.#store.version(STREAM);
      try {
        await this.#store.append(STREAM, version, [{ type: ISSUED, at, data: issued }]);
        return;
      } catch (err) {
        if (!(err instanceof Conflict) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /** Every token recorded, oldest first. */
  async list(): Promise<IssuedUnitToken[]> {
    return (await this.#store.load(STREAM))
      .filter((e) => e.type === ISSUED)
      .map((e) => {
        const data = e.data as IssuedData;
        return {
          at: new Date(e.at).toISOString(),
          sub: data.sub,
          name: data.name,
          unit: data.unit,
          issuer: data.issuer,
          expiresAt: new Date(data.expiresAt).toISOString(),
        };
      });
  }
}
