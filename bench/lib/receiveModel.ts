import {
  type ConsumerRef,
  computeLayout,
  decideConsumer,
  LAYER,
  type ReceiveContext,
  type SpatialLayer,
} from '../../web-client/src/lib/ReceivePolicy.js';

/**
 * What each member of a synthetic room publishes and asks the SFU for, in two models:
 *
 * - `consultation`: a moderated session as the web client receives it. Every member publishes a
 *   camera; only the chair's and the speaker's microphones are open (gated ones are paused at the
 *   client and send nothing, so they are left out). Each member's consumers are decided by the
 *   client's own receive policy (`computeLayout`, `decideConsumer`): the large view at layer 2,
 *   the remote tiles of the first grid page at layer 1, the other cameras paused, audio always.
 * - `grid`: a default SFU meeting. Every member publishes camera and microphone, and consumes
 *   every other camera at the top layer and every other microphone.
 */
export type RoomKind = 'consultation' | 'grid';
export const ROOM_KINDS: readonly RoomKind[] = ['consultation', 'grid'];

/** The chair joins first; the speaker holds the floor and is the one the SFU hears. */
export const CHAIR = 0;
export const SPEAKER = 1;

export const memberId = (member: number) => `m${member}`;

/** One consumer a member asks for. */
export interface Subscription {
  /** The member whose producer it consumes. */
  from: number;
  source: 'camera' | 'mic';
  paused: boolean;
  /** Preferred spatial layer of a camera that is received. */
  layer?: SpatialLayer;
}

export function publishesMic(kind: RoomKind, member: number): boolean {
  return kind === 'grid' || member === CHAIR || member === SPEAKER;
}

/** Every member's consumers, by member index (join order). */
export function subscriptions(kind: RoomKind, members: number): Subscription[][] {
  if (!Number.isInteger(members) || members < 2) throw new RangeError('a room needs at least two members');
  const all = Array.from({ length: members }, (_, i) => i);
  return all.map((self) => {
    const others = all.filter((m) => m !== self);
    if (kind === 'grid') {
      return others.flatMap((from): Subscription[] => [
        { from, source: 'camera', paused: false, layer: LAYER.high },
        { from, source: 'mic', paused: false },
      ]);
    }
    const layout = computeLayout({
      selfId: memberId(self),
      peers: others.map((m) => ({
        id: memberId(m),
        role: m === CHAIR ? 'chair' : 'member',
        sources: publishesMic(kind, m) ? ['camera', 'mic'] : ['camera'],
      })),
      selfScreen: false,
      lastRemoteSpeakerId: self === SPEAKER ? null : memberId(SPEAKER),
      floorHolderId: memberId(SPEAKER),
      page: 0,
    });
    const context: ReceiveContext = {
      mode: 'full',
      featured: layout.featured,
      visible: new Set(layout.visibleKeys),
      degradation: 0,
    };
    return others.flatMap((from) =>
      (publishesMic(kind, from) ? (['camera', 'mic'] as const) : (['camera'] as const)).map((source) => {
        const ref: ConsumerRef = {
          id: `${memberId(from)}:${source}`,
          peerId: memberId(from),
          kind: source === 'mic' ? 'audio' : 'video',
          source,
          layered: source === 'camera',
        };
        const { paused, spatialLayer } = decideConsumer(ref, context);
        return spatialLayer === undefined ? { from, source, paused } : { from, source, paused, layer: spatialLayer };
      }),
    );
  });
}
