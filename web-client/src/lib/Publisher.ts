import type { Device, types } from 'mediasoup-client';
import { CAMERA_LAYER_BITRATES, type MediaSource, SCREEN_BITRATE, type TransportOptions } from '@yishi/shared';
import type { LocalMedia, MediaState } from './mediaState.js';
import type { Signaling } from './signaling.js';
import type { Store } from './store.js';
import { createTransport, type IceRoute, restartIce, type SelectedPath, selectedPath } from './transports.js';

/**
 * Three VP8 simulcast layers (¼, ½ and full resolution: `LAYER` in ReceivePolicy); the SFU
 * forwards each receiver the one its link can carry. A small capture gets fewer: Chromium drops
 * the top ones (640×480 sends only ¼ and ½), and the SFU keeps the numbering and falls back to the
 * highest layer there is, so the receive policy needs no change for such cameras.
 */
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: CAMERA_LAYER_BITRATES[0], scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: CAMERA_LAYER_BITRATES[1], scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: CAMERA_LAYER_BITRATES[2], scalabilityMode: 'L1T3' },
];
/**
 * The camera's only layer on a thin link: the lowest, capped so that with the microphone (≈ 50
 * kbit/s with its overhead) it leaves room on a 256 kbit/s upload for the feedback of what we receive.
 */
const THIN_CAMERA_BITRATE = 80_000;
/** Speech on lossy links: in-band FEC and DTX, mono. */
const MIC_OPTIONS: types.ProducerCodecOptions = { opusStereo: false, opusDtx: true, opusFec: true };
/** A screen share: one layer, sharp text over smooth motion. */
const SCREEN_ENCODINGS: types.RtpEncodingParameters[] = [{ maxBitrate: SCREEN_BITRATE, maxFramerate: 15 }];

/**
 * What this participant sends: microphone, camera and screen producers on one send transport.
 * The server decides first (it refuses a microphone the floor gates), then the local side follows.
 */
export class Publisher {
  readonly local: LocalMedia;
  readonly #signaling: Signaling;
  readonly #device: Device;
  readonly #state: Store<MediaState>;
  readonly #route: () => IceRoute;
  readonly #producers = new Map<MediaSource, types.Producer>();
  #transport: types.Transport | undefined;
  /** The camera producer is limited to its lowest layer (undefined: not yet applied to this producer). */
  #cameraThin: boolean | undefined;
  /** Moves on with every reset: a transport made for an earlier one is not used. */
  #generation = 0;

  constructor(
    signaling: Signaling,
    device: Device,
    state: Store<MediaState>,
    local: LocalMedia,
    route: () => IceRoute,
  ) {
    this.#signaling = signaling;
    this.#device = device;
    this.#state = state;
    this.#route = route;
    this.local = local;
    signaling.on('mic:state', ({ allowed, mutedByChair }) => {
      state.update((s) => ({
        ...s,
        micAllowed: allowed,
        ...(mutedByChair ? { micOn: false, mutedByChair: true } : {}),
      }));
      this.applyMic();
    });
  }

  /** Turns the microphone on or off; turning it on is refused (NOT_ALLOWED) while the floor gates it. */
  async setMic(on: boolean): Promise<void> {
    await this.#setSource('mic', on);
    this.#state.update((s) => ({ ...s, micOn: on, mutedByChair: false }));
    this.applyMic();
  }

  async setCamera(on: boolean): Promise<void> {
    await this.#setSource('camera', on);
    this.#state.update((s) => ({ ...s, camOn: on }));
  }

  /**
   * Shares a screen (the browser asks which) until the user stops it in the browser's own bar or
   * calls `stopScreen`. Rejects when the user cancels the picker.
   */
  async startScreen(): Promise<void> {
    if (this.local.screen) return;
    const stream = await navigator.mediaDevices.getDisplayMedia({
      video: { frameRate: { ideal: 15, max: 30 } },
      audio: false,
    });
    const [track] = stream.getVideoTracks();
    if (!track) return;
    track.contentHint = 'detail';
    track.addEventListener('ended', () => void this.stopScreen());
    this.local.screen = track;
    this.#state.update((s) => ({ ...s, screenOn: true }));
    try {
      const generation = this.#generation;
      if (!this.#transport) {
        const transport = await createTransport(this.#signaling, this.#device, 'send', this.#route);
        if (generation !== this.#generation) return void transport.close();
        this.#transport = transport;
      }
      await this.#produceScreen();
    } catch (err) {
      await this.stopScreen();
      throw err;
    }
  }

  async stopScreen(): Promise<void> {
    const track = this.local.screen;
    const producer = this.#producers.get('screen');
    delete this.local.screen;
    this.#producers.delete('screen');
    track?.stop();
    if (this.#state.get().screenOn) this.#state.update((s) => ({ ...s, screenOn: false }));
    if (producer && !producer.closed) await this.#closeProducer(producer);
  }

  /** Drops the send transport and its producers (a new join or a media reset comes next). */
  reset(): void {
    this.#generation++;
    this.#transport?.close();
    this.#transport = undefined;
    this.#producers.clear();
    this.#cameraThin = undefined;
  }

  /**
   * Publishes what there is to send (a screen share outlives a media reset) on a new send
   * transport: the one `made` with the join, else one asked for.
   */
  async publish(made?: TransportOptions): Promise<void> {
    const { mic, camera, screen } = this.local;
    if (!mic && !camera && !screen) return;
    const generation = this.#generation;
    const transport = await createTransport(this.#signaling, this.#device, 'send', this.#route, made);
    if (generation !== this.#generation) return void transport.close();
    this.#transport = transport;
    const { micOn, camOn } = this.#state.get();
    if (mic) {
      const producer = await transport.produce({
        track: mic,
        codecOptions: MIC_OPTIONS,
        stopTracks: false,
        appData: { source: 'mic' },
      });
      this.#producers.set('mic', producer);
      if (!micOn) await this.#setSource('mic', false);
      this.applyMic();
    }
    if (camera) {
      const producer = await transport.produce({
        track: camera,
        encodings: CAMERA_ENCODINGS,
        codecOptions: { videoGoogleStartBitrate: 1000 },
        stopTracks: false,
        appData: { source: 'camera' },
      });
      this.#producers.set('camera', producer);
      if (!camOn) await this.#setSource('camera', false);
      await this.#limitCamera();
    }
    await this.#produceScreen();
  }

  /**
   * On a thin link (degradation 2) the camera sends only its lowest layer: its upload competes
   * with the microphone's and with the feedback the SFU's bandwidth estimate toward us needs
   * (docs/performance.md, weak-link). Back to every layer when the link holds again.
   */
  async #limitCamera(): Promise<void> {
    const producer = this.#producers.get('camera');
    const thin = this.#state.get().degradation >= 2;
    if (!producer || producer.closed || this.#cameraThin === thin) return;
    // A new producer sends every layer already.
    const was = this.#cameraThin;
    this.#cameraThin = thin;
    if (!thin && was === undefined) return;
    const sender = producer.rtpSender;
    if (!sender) return;
    const params = sender.getParameters();
    params.encodings.forEach((encoding, i) => {
      encoding.active = !thin || i === 0;
      encoding.maxBitrate = thin ? THIN_CAMERA_BITRATE : CAMERA_ENCODINGS[i]?.maxBitrate;
    });
    await sender.setParameters(params).catch(() => {
      this.#cameraThin = undefined; // tried again at the next change
    });
  }

  /** Follows the link: called whenever the state changes. */
  followLink(): void {
    void this.#limitCamera();
  }

  /** After a short loss the server kept the send transport: new ICE credentials for it. */
  async restartIce(): Promise<void> {
    if (this.#transport && !this.#transport.closed) await restartIce(this.#signaling, this.#transport);
  }

  /** How the send transport reaches the SFU; undefined before it is connected. */
  async path(): Promise<SelectedPath | undefined> {
    return this.#transport && !this.#transport.closed ? selectedPath(this.#transport) : undefined;
  }

  /**
   * The SFU already drops a gated microphone; pausing it here too saves the uplink (field sites
   * on mobile data) and keeps the local track state honest.
   */
  applyMic(): void {
    const producer = this.#producers.get('mic');
    if (!producer) return;
    const { micOn, micAllowed } = this.#state.get();
    if (micOn && micAllowed) producer.resume();
    else producer.pause();
  }

  /** Leaving: the transport closes and the capture stops. */
  close(): void {
    this.reset();
    for (const track of Object.values(this.local)) track?.stop();
  }

  async #produceScreen(): Promise<void> {
    const transport = this.#transport;
    const track = this.local.screen;
    if (!transport || !track || track.readyState === 'ended' || this.#producers.has('screen')) return;
    const producer = await transport.produce({
      track,
      encodings: SCREEN_ENCODINGS,
      codecOptions: { videoGoogleStartBitrate: 1000 },
      stopTracks: false,
      appData: { source: 'screen' },
    });
    // Stopped while the producer was being created.
    if (this.local.screen !== track) return this.#closeProducer(producer);
    this.#producers.set('screen', producer);
  }

  /** Closes `producer` here and on the server (which may have dropped it already). */
  async #closeProducer(producer: types.Producer): Promise<void> {
    producer.close();
    await this.#signaling.request('producer:close', { producerId: producer.id }).catch(() => undefined);
  }

  /** The server first: it may refuse (a gated microphone), and then nothing changes here. */
  async #setSource(source: 'mic' | 'camera', on: boolean): Promise<void> {
    const producer = this.#producers.get(source);
    if (producer) await this.#signaling.request(on ? 'producer:resume' : 'producer:pause', { producerId: producer.id });
    const track = this.local[source];
    if (track) track.enabled = on;
    // The microphone's local state also depends on the floor: applyMic decides it.
    if (producer && source === 'camera') {
      if (on) producer.resume();
      else producer.pause();
    }
  }
}
