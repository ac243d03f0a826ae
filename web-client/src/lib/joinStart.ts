import { type Acquired, acquireMedia } from './devices.js';
import { type JoinLink, readJoinLink } from './joinLink.js';
import { traceJoin } from './joinTrace.js';
import type { LocalMedia } from './mediaState.js';
import { RoomSession } from './RoomSession.js';
import { Signaling } from './signaling.js';
import { readClaims } from './token.js';

/** The page's join link, read once as the page starts, and what an autojoin link began then. */
export interface JoinStart {
  link: JoinLink | { problem: 'noToken' | 'badLink' };
  auto?: AutoJoin;
}

/** `&autojoin=1`: camera, microphone and the join itself, under way while the UI's code loads. */
export interface AutoJoin {
  /** What the browser gave, or why not (acquireMedia never rejects). */
  acquired: Promise<Acquired>;
  joining: Promise<RoomSession>;
}

/**
 * Called by the entry script before the code of the UI loads: for an autojoin link, the camera,
 * the microphone, the connection and the join (Device, transports, the first consumers) go
 * ahead meanwhile, and the UI shows the session when it runs. The UI's code and its parsing took
 * ~100 ms of a 2-core machine's main thread in front of all of it.
 */
export function startJoin(): JoinStart {
  const link = readJoinLink();
  const claims = 'token' in link && link.autojoin ? readClaims(link.token) : undefined;
  if (!('token' in link) || !claims) return { link };
  const acquired = acquireMedia({ video: true });
  const local = acquired.then(({ stream }): LocalMedia => {
    traceJoin('media');
    const [mic] = stream.getAudioTracks();
    const [camera] = stream.getVideoTracks();
    return { ...(mic ? { mic } : {}), ...(camera ? { camera } : {}) };
  });
  const connection = Signaling.connect(link.roomId, link.token);
  const joining = RoomSession.join(connection, link.token, claims, local, { relayOnly: link.relay });
  // Awaited by the UI once it runs; a refusal before then is shown there, not reported as unhandled.
  joining.catch(() => undefined);
  return { link, auto: { acquired, joining } };
}
