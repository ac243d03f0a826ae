import { Device, type types } from 'mediasoup-client';
import {
  canPublish,
  type ErrorBody,
  type JoinResult,
  type MediaSource,
  type RtpCapabilities,
  type Role,
  type TokenClaims,
} from '@yishi/shared';
import { Consultation } from './Consultation.js';
import { initialMediaState, type LocalMedia, type MediaState, withJoin } from './mediaState.js';
import { traceJoin } from './joinTrace.js';
import { Publisher } from './Publisher.js';
import { computeLayout, type Layout, type ReceiveMode } from './ReceivePolicy.js';
import { type InboundRow, Receiver } from './Receiver.js';
import { RequestError, Signaling } from './signaling.js';
import { Store } from './store.js';
import type { IceRoute, SelectedPath } from './transports.js';

/** After the server refused a reconnection for now (a limit, a node shutting down): try again after this. */
const RETRY_REFUSED_MS = 5000;
/** How long a join's own media waits for the consumers of those already in the room. */
const RECEIVE_FIRST_MS = 1000;

export interface JoinOptions {
  /** The pre-join "audio only" choice carries data saver into the room. */
  receiveMode?: ReceiveMode;
  /** Media only through the TURN servers the join hands out (`&relay=1` in the join link). */
  relayOnly?: boolean;
}

/**
 * One participant's presence in a room: the signaling connection and its lifecycle, the media
 * (a `Publisher` and a `Receiver` on one mediasoup-client Device) and the `Consultation`. After a
 * short loss of connection the server has kept its media (same page, `instanceId`): it restarts
 * ICE and catches up; after a longer one or a `media:reset` it rebuilds its media from scratch.
 * Room state lives on the server.
 */
export class RoomSession {
  readonly state: Store<MediaState>;
  /** The consultation (session, queue, comments, minutes), from the first join on. */
  readonly consultation: Consultation;
  readonly identity: TokenClaims;
  /** The invitation token: it also authorizes the REST exports. */
  readonly token: string;
  readonly #signaling: Signaling;
  readonly #device: Device;
  /** This page's id for the server: coming back with it resumes instead of replacing. */
  readonly #instanceId: string;
  readonly #publisher: Publisher;
  readonly #receiver: Receiver;
  /** TURN servers of the latest join (fresh credentials each time) for every transport made (a restart brings its own). */
  readonly #route: IceRoute;
  /** Moves on with every media rebuild and on closing: work begun for an earlier one stops. */
  #generation = 0;
  #floorHolderId: string | undefined;
  /** Closing the page is leaving, not a lost connection: the others need not wait for us. */
  readonly #onPageHide = (e: PageTransitionEvent) => {
    // A page kept in the back-forward cache may come back; one being unloaded is leaving.
    if (!e.persisted) this.#signaling.socket.disconnect();
  };

  private constructor(
    signaling: Signaling,
    device: Device,
    instanceId: string,
    joined: JoinResult,
    claims: { token: string; identity: TokenClaims },
    local: LocalMedia,
    options: JoinOptions,
  ) {
    this.#signaling = signaling;
    this.#device = device;
    this.#instanceId = instanceId;
    this.token = claims.token;
    this.identity = claims.identity;
    this.state = new Store(initialMediaState(joined, local, options.receiveMode ?? 'full'));
    this.consultation = new Consultation(signaling, joined.snapshot);
    this.#route = { iceServers: joined.iceServers ?? [], relayOnly: options.relayOnly ?? false };
    const route = () => this.#route;
    this.#publisher = new Publisher(signaling, device, this.state, local, route);
    this.#receiver = new Receiver(signaling, device, this.state, () => this.layout(), route);
    this.state.subscribe(() => this.#publisher.followLink());
    this.#floorHolderId = joined.snapshot.queue.current?.speaker.id;
    this.consultation.state.subscribe(({ queue }) => this.#followFloor(queue.current?.speaker.id));
    this.#listen();
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
  }

  /**
   * Connects, joins and starts publishing `local`; rejects with a RequestError if refused. `local`
   * may still be opening (autojoin): the connection, the Device and the join go on meanwhile.
   * Resolves once joined, while the media is still being built: the room shows at once and each
   * tile fills as its media arrives; a failure building the media is the session's state
   * (`failed`), not a refused join.
   */
  static async join(
    roomId: string,
    token: string,
    identity: TokenClaims,
    local: LocalMedia | Promise<LocalMedia>,
    options: JoinOptions = {},
  ): Promise<RoomSession> {
    const signaling = await Signaling.connect(roomId, token);
    traceJoin('connected');
    const device = new Device();
    const instanceId = crypto.randomUUID();
    // What the server sends along with the join waits until the session listens.
    signaling.hold();
    const joined = await enter(signaling, device, instanceId, identity.role).catch((err: unknown) => {
      signaling.close();
      throw err;
    });
    const publishing = canPublish(identity.role) ? await local : {};
    const session = new RoomSession(signaling, device, instanceId, joined, { token, identity }, publishing, options);
    // What was held goes to the session once its receive transport is on the way (a new producer is consumed).
    void session.#rebuildMedia(joined.producers, joined.transports, { receiveFirst: true });
    signaling.release();
    return session;
  }

  /** What this participant captures (nothing for an observer): the UI shows it on its own tiles. */
  get local(): LocalMedia {
    return this.#publisher.local;
  }

  /** Turns the microphone on or off; turning it on is refused (NOT_ALLOWED) while the floor gates it. */
  setMic(on: boolean): Promise<void> {
    return this.#publisher.setMic(on);
  }

  setCamera(on: boolean): Promise<void> {
    return this.#publisher.setCamera(on);
  }

  /** Whether this participant may publish at all (observers may not) and the browser can capture a screen. */
  get canShareScreen(): boolean {
    return canPublish(this.identity.role) && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  /**
   * Shares a screen (the browser asks which); it stops when the user stops it in the browser's
   * own bar or calls `stopScreenShare`. Rejects when the user cancels the picker.
   */
  async startScreenShare(): Promise<void> {
    if (this.canShareScreen) await this.#publisher.startScreen();
  }

  stopScreenShare(): Promise<void> {
    return this.#publisher.stopScreen();
  }

  /** Data saver and audio only lower what is received; `full` resumes every visible video. Ends listen-only. */
  setReceiveMode(mode: ReceiveMode): void {
    this.state.update((s) => ({ ...s, receiveMode: mode, listenOnly: undefined }));
  }

  /**
   * Listen-only on: every video paused in the SFU (audio only) and the own camera paused, so the
   * link carries sound both ways and little else; the microphone is left alone. Off: back to the
   * receive mode and camera from before.
   */
  async setListenOnly(on: boolean): Promise<void> {
    const s = this.state.get();
    if (on === Boolean(s.listenOnly)) return;
    if (on) {
      this.state.update((x) => ({
        ...x,
        receiveMode: 'audio',
        listenOnly: { receiveMode: x.receiveMode, camOn: x.camOn },
      }));
      if (s.camOn) await this.#publisher.setCamera(false);
      return;
    }
    const before = s.listenOnly;
    this.state.update((x) => ({ ...x, receiveMode: before?.receiveMode ?? 'full', listenOnly: undefined }));
    if (before?.camOn && this.local.camera) await this.#publisher.setCamera(true);
  }

  /** Shows another page of the grid (clamped by the layout). */
  setPage(page: number): void {
    this.state.update((s) => ({ ...s, page: Math.max(0, page) }));
  }

  /** The large view and the grid as they are now (the same function the UI renders from). */
  layout(): Layout {
    const s = this.state.get();
    return computeLayout({
      selfId: s.self.id,
      peers: s.peers.map((p) => ({
        id: p.info.id,
        role: p.info.role,
        sources: Object.keys(p.tracks) as MediaSource[],
      })),
      selfScreen: s.screenOn,
      lastRemoteSpeakerId: s.lastRemoteSpeakerId,
      floorHolderId: this.consultation.state.get().queue.current?.speaker.id,
      page: s.page,
    });
  }

  async leave(): Promise<void> {
    await this.#signaling.request('room:leave', {}).catch(() => undefined);
    this.#close('left');
  }

  /** Per remote consumer, what the browser has received (for diagnostics and end-to-end tests). */
  inboundStats(): Promise<InboundRow[]> {
    return this.#receiver.inboundStats();
  }

  /** How the send and receive transports reach the SFU (direct or through TURN, UDP or TCP): diagnostics and tests. */
  async paths(): Promise<{ send: SelectedPath | undefined; recv: SelectedPath | undefined }> {
    const [send, recv] = await Promise.all([this.#publisher.path(), this.#receiver.path()]);
    return { send, recv };
  }

  /**
   * Given the floor is starting to speak: the large view turns to them at once, without waiting
   * for the SFU's voice detection (which then takes over again).
   */
  #followFloor(holder: string | undefined): void {
    if (holder !== this.#floorHolderId) {
      this.#floorHolderId = holder;
      const s = this.state.get();
      if (holder && holder !== s.self.id && s.peers.some((p) => p.info.id === holder)) {
        this.state.update((x) => ({ ...x, lastRemoteSpeakerId: holder }));
      }
    }
    this.#receiver.followPolicy();
  }

  #listen(): void {
    const sig = this.#signaling;
    sig.on('media:reset', () => {
      // Every producer went with the old router; the others' new ones arrive as producer:new.
      this.state.update((s) => ({ ...s, phase: 'restoring' }));
      void this.#rebuildMedia([]);
    });
    sig.on('session:replaced', () => this.#close('replaced'));
    sig.on('session:removed', ({ reason }) => {
      this.state.update((s) => ({ ...s, removedReason: reason }));
      this.#close('removed');
    });
    // The server is shutting down: the connection closes next and Socket.IO reconnects (to another node).
    sig.on('server:draining', () => this.state.update((s) => ({ ...s, phase: 'reconnecting' })));
    sig.socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect') {
        const { phase } = this.state.get();
        if (phase !== 'replaced' && phase !== 'removed') this.#close('left');
        return;
      }
      this.consultation.outbox.offline();
      this.state.update((s) => ({ ...s, phase: 'reconnecting' }));
    });
    // Connected again: join again — the server resumes this page's participant and media if it
    // kept them, or starts afresh.
    sig.socket.on('connect', () => void this.#reenter().catch((err: unknown) => this.#fail(err)));
    sig.socket.on('connect_error', (err: Error & { data?: ErrorBody }) => {
      const code = err.data?.code;
      if (!code) return; // the network: Socket.IO keeps trying by itself
      // Refused on the way back. A limit or a node shutting down passes, so try again; anything
      // else (an expired invitation, a closed session) is final and shown.
      if (code === 'RATE_LIMITED' || code === 'UNAVAILABLE') {
        const generation = this.#generation;
        // Not if the page left (or was replaced, removed) meanwhile.
        setTimeout(() => generation === this.#generation && sig.socket.connect(), RETRY_REFUSED_MS);
      } else this.#fail(new RequestError(code, err.data?.message ?? err.message));
    });
  }

  /** Joins again after a reconnect, and resumes or rebuilds the media. */
  async #reenter(): Promise<void> {
    const joined = await enter(this.#signaling, this.#device, this.#instanceId, this.identity.role);
    this.#route.iceServers = joined.iceServers ?? [];
    this.state.update((s) => withJoin(s, joined));
    this.consultation.reset(joined.snapshot, this.#signaling.socket.recovered);
    // Joined: what waited to be sent goes now, not after the media (slow on a weak link).
    this.consultation.outbox.online();
    if (joined.resumed && this.#receiver.started) await this.#resumeMedia(joined.producers);
    else await this.#rebuildMedia(joined.producers, joined.transports);
  }

  /**
   * The server kept this page's media over a short loss: new ICE credentials for each transport
   * (the network path may have changed), then catch up with producers that came or went.
   */
  async #resumeMedia(producers: JoinResult['producers']): Promise<void> {
    const generation = this.#generation;
    try {
      await Promise.all([this.#publisher.restartIce(), this.#receiver.restartIce()]);
    } catch {
      // The server no longer has them (a media reset while we were away): start afresh.
      return this.#rebuildMedia(producers);
    }
    if (generation !== this.#generation) return;
    this.#publisher.applyMic();
    await this.#receiver.catchUp(producers);
  }

  /**
   * Drops every transport and builds them again: after a join, reconnect or media reset. `made`:
   * the transports the join answered with (asked for anew where there is none).
   */
  async #rebuildMedia(
    producers: JoinResult['producers'],
    made: JoinResult['transports'] = {},
    { receiveFirst = false } = {},
  ): Promise<void> {
    const generation = ++this.#generation;
    this.#publisher.reset();
    this.#receiver.reset(made.recv);
    try {
      const consuming = this.#receiver.consumeAll(producers);
      // A first join consumes what is here, then publishes: the two PeerConnections do not
      // renegotiate at once, and the camera's encoder does not start while the consumers are
      // made and resumed (~60 ms sooner to the first frame, `npm run bench -- join`). At most
      // RECEIVE_FIRST_MS: a big room's consumers, made one after the other, do not hold up one's
      // microphone. Back after a loss, both at once: a speaker's microphone comes first.
      if (receiveFirst) {
        await settledWithin(consuming, RECEIVE_FIRST_MS);
        if (generation !== this.#generation) return; // reset, reconnected or left meanwhile
      }
      await Promise.all([this.#publisher.publish(made.send), consuming]);
      if (generation === this.#generation) this.state.update((s) => ({ ...s, phase: 'joined' }));
    } catch (err) {
      if (generation === this.#generation) this.#fail(err);
    }
  }

  #fail(err: unknown): void {
    const error =
      err instanceof RequestError
        ? { code: err.code, message: err.message }
        : { code: 'INTERNAL', message: String(err) };
    this.state.update((s) => ({ ...s, phase: 'failed', error }));
  }

  #close(phase: 'left' | 'replaced' | 'removed'): void {
    this.#generation++;
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    this.consultation.outbox.close(new RequestError('NETWORK', 'left the room before this was sent'));
    this.#publisher.close();
    this.#receiver.close();
    this.#signaling.close();
    this.state.update((s) => ({ ...s, phase, peers: [], activeSpeakerId: null }));
  }
}

/**
 * Joins the room (loading the Device with the router's capabilities the first time), asking for
 * the transports the role needs with the join: no round trip of their own before the media.
 */
async function enter(signaling: Signaling, device: Device, instanceId: string, role: Role): Promise<JoinResult> {
  const { rtpCapabilities } = await signaling.request('media:routerCapabilities', {});
  traceJoin('router-capabilities');
  if (!device.loaded) await device.load({ routerRtpCapabilities: rtpCapabilities as types.RtpCapabilities });
  traceJoin('device-loaded');
  const joined = await signaling.request('room:join', {
    rtpCapabilities: device.recvRtpCapabilities as RtpCapabilities,
    instanceId,
    transports: canPublish(role) ? ['send', 'recv'] : ['recv'],
  });
  traceJoin('joined');
  return joined;
}

/** Settles with `promise`, or resolves after `ms` if it has not settled by then. */
async function settledWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
