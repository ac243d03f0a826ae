import type { JoinResult, MediaSource, PeerInfo } from '@yishi/shared';
import type { Degradation, LinkSample, Quality, ReceiveMode, VideoSource } from './ReceivePolicy.js';
import type { Store } from './store.js';

export interface RemotePeer {
  info: PeerInfo;
  tracks: Partial<Record<MediaSource, MediaStreamTrack>>;
  micOn: boolean;
  /** Video not arriving now: paused by its owner, or by our receive policy (data saver, off-page). */
  videoOff?: Partial<Record<VideoSource, boolean>>;
  /** Video that should play but whose frames stopped (or crawl): the SFU cannot send it over our link. */
  videoStalled?: Partial<Record<VideoSource, boolean>>;
}

/** `connecting`: joined, the first transports still being built (the room shows, tiles fill as media arrives). */
export type Phase = 'connecting' | 'joined' | 'reconnecting' | 'restoring' | 'left' | 'replaced' | 'removed' | 'failed';

/** The room's media as this client has it (the consultation itself is `ConsultationState`). */
export interface MediaState {
  phase: Phase;
  self: PeerInfo;
  /** Everyone else in the room, in join order. */
  peers: RemotePeer[];
  activeSpeakerId: string | null;
  /** The user wants their microphone on. */
  micOn: boolean;
  /** The floor lets the microphone sound now (moderated mode gates it to the speaker). */
  micAllowed: boolean;
  /** The chair muted us (cleared when we unmute). */
  mutedByChair: boolean;
  camOn: boolean;
  /** This client is sharing its screen. */
  screenOn: boolean;
  /** What to receive: everything, data saver (the large view's video at the lowest layer), audio only. */
  receiveMode: ReceiveMode;
  /**
   * Listen-only (one tap, for the thinnest links): audio only received and the own camera paused,
   * the microphone left as it was (one may still speak when given the floor). Holds what to go
   * back to when it is turned off.
   */
  listenOnly?: { receiveMode: ReceiveMode; camOn: boolean };
  /** The receive link, measured every 2 s; undefined until something could be measured. */
  quality: Quality | undefined;
  /** The last measurement behind `quality` (loss, jitter, round-trip time). */
  link: LinkSample;
  /** How far received layers are lowered for a poor link (see `nextDegradation`). */
  degradation: Degradation;
  /**
   * The last remote participant heard speaking (the SFU's active speaker) or just given the
   * floor, whichever came last: the large view follows them.
   */
  lastRemoteSpeakerId: string | null;
  /** The grid page shown (0-based). */
  page: number;
  error?: { code: string; message: string };
  /** Why the chair removed this participant (phase `removed`). */
  removedReason?: string;
}

export interface LocalMedia {
  mic?: MediaStreamTrack;
  camera?: MediaStreamTrack;
  /** The screen share, while there is one. */
  screen?: MediaStreamTrack;
}

/** The state right after the first join: publishing what `local` holds, receiving as `receiveMode` says. */
export function initialMediaState(joined: JoinResult, local: LocalMedia, receiveMode: ReceiveMode): MediaState {
  const before: MediaState = {
    phase: 'connecting',
    self: joined.self,
    peers: [],
    activeSpeakerId: null,
    micOn: Boolean(local.mic),
    micAllowed: joined.micAllowed,
    mutedByChair: false,
    camOn: Boolean(local.camera),
    screenOn: false,
    receiveMode,
    quality: undefined,
    link: {},
    degradation: 0,
    lastRemoteSpeakerId: null,
    page: 0,
  };
  return { ...withJoin(before, joined), phase: 'connecting' };
}

/** The room as a (re)join found it; a resumed page keeps its tiles' tracks (consumers of gone producers are dropped later). */
export function withJoin(s: MediaState, joined: JoinResult): MediaState {
  const micOn = (info: PeerInfo) =>
    joined.producers.some((p) => p.peerId === info.id && p.source === 'mic' && !p.paused);
  const kept = (id: string) => (joined.resumed ? s.peers.find((p) => p.info.id === id) : undefined);
  const speaker = joined.activeSpeakerId;
  return {
    ...s,
    phase: 'joined',
    self: joined.self,
    micAllowed: joined.micAllowed,
    activeSpeakerId: speaker,
    lastRemoteSpeakerId: speaker && speaker !== joined.self.id ? speaker : s.lastRemoteSpeakerId,
    peers: joined.peers.map((info) => ({ tracks: {}, ...kept(info.id), info, micOn: micOn(info) })),
  };
}

export function updatePeer(state: Store<MediaState>, peerId: string, change: (peer: RemotePeer) => RemotePeer): void {
  state.update((s) => ({ ...s, peers: s.peers.map((p) => (p.info.id === peerId ? change(p) : p)) }));
}
