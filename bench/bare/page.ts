import { Device, type types } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type { BareAck, BareProducer, BareRequests } from './protocol.js';

/**
 * The bare app's page: camera and microphone, connect, load the device, join, a send and a receive
 * transport, produce camera and microphone, consume the other peers' producers and resume them —
 * one step after the other, as a minimal mediasoup-client app does. The steps are marked
 * `bare:join:<phase>` with the names of Yishi's client (`yishi:join:<phase>`), and the first remote
 * frame `bare:first-remote-frame`, taken as Yishi's is (web-client/src/ui/Video.tsx).
 */

/** Yishi's capture (web-client/src/lib/devices.ts) and encodings (Publisher.ts), copied: a fixed baseline. */
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
const VIDEO: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 24, max: 30 },
};
const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
];
const MIC_OPTIONS: types.ProducerCodecOptions = { opusStereo: false, opusDtx: true, opusFec: true };

const FIRST_REMOTE_FRAME = 'bare:first-remote-frame';

function trace(phase: string): void {
  const name = `bare:join:${phase}`;
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}

trace('script');

/** Connected after the camera and microphone are open, as Yishi's page does. */
let socket: Socket;
const consumers = new Map<string, { consumer: types.Consumer; element: HTMLMediaElement }>();
let resolveRecv: (transport: types.Transport) => void = () => undefined;
const recvTransport = new Promise<types.Transport>((resolve) => {
  resolveRecv = resolve;
});

async function request<K extends keyof BareRequests>(
  name: K,
  input: BareRequests[K]['input'],
): Promise<BareRequests[K]['output']> {
  const res = (await socket.emitWithAck(name, input)) as BareAck<BareRequests[K]['output']>;
  if (!res.ok) throw new Error(`${name}: ${res.error}`);
  return res.data;
}

async function consume(producer: BareProducer): Promise<void> {
  const transport = await recvTransport;
  const options = await request('consume', { transportId: transport.id, producerId: producer.id });
  trace(`consumer-created-${options.kind}`);
  const consumer = await transport.consume(options);
  trace(`consumed-${options.kind}`);
  consumers.set(consumer.id, { consumer, element: play(consumer.track) });
  await request('resume', { consumerId: consumer.id });
  trace(`consumer-resumed-${options.kind}`);
}

function play(track: MediaStreamTrack): HTMLMediaElement {
  const element = document.createElement(track.kind === 'video' ? 'video' : 'audio');
  element.autoplay = true;
  element.srcObject = new MediaStream([track]);
  if (element instanceof HTMLVideoElement) {
    element.muted = true;
    element.playsInline = true;
    if (performance.getEntriesByName(FIRST_REMOTE_FRAME).length === 0) {
      element.requestVideoFrameCallback(() => {
        if (performance.getEntriesByName(FIRST_REMOTE_FRAME).length === 0) performance.mark(FIRST_REMOTE_FRAME);
      });
    }
  }
  document.body.append(element);
  return element;
}

async function main(): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: AUDIO, video: VIDEO });
  trace('media');
  socket = io({ transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  trace('connected');
  // Producers of those who join later: consumed once the receive transport is there.
  socket.on('newProducer', (producer: BareProducer) => void consume(producer));
  socket.on('consumerClosed', ({ consumerId }: { consumerId: string }) => {
    const entry = consumers.get(consumerId);
    consumers.delete(consumerId);
    entry?.consumer.close();
    entry?.element.remove();
  });

  const routerRtpCapabilities = await request('routerRtpCapabilities', {});
  trace('router-capabilities');
  const device = new Device();
  await device.load({ routerRtpCapabilities });
  trace('device-loaded');
  const { producers } = await request('join', { rtpCapabilities: device.recvRtpCapabilities });
  trace('joined');

  const send = device.createSendTransport(await request('createTransport', { direction: 'send' }));
  trace('send-transport-created');
  const recv = device.createRecvTransport(await request('createTransport', { direction: 'recv' }));
  trace('recv-transport-created');
  for (const transport of [send, recv]) {
    transport.on('connect', ({ dtlsParameters }, done, fail) => {
      request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => {
        trace(`${transport.direction}-transport-connected`);
        done();
      }, fail);
    });
  }
  send.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
    request('produce', { transportId: send.id, kind, rtpParameters }).then(({ id }) => {
      trace(`produced-${appData.source}`);
      done({ id });
    }, fail);
  });
  resolveRecv(recv);

  const [camera] = stream.getVideoTracks();
  const [mic] = stream.getAudioTracks();
  // The microphone first, then the camera, as Yishi's page does.
  await send.produce({ track: mic, codecOptions: MIC_OPTIONS, appData: { source: 'mic' } });
  await send.produce({
    track: camera,
    encodings: CAMERA_ENCODINGS,
    codecOptions: { videoGoogleStartBitrate: 1000 },
    appData: { source: 'camera' },
  });
  for (const producer of producers) await consume(producer);
  document.documentElement.dataset.phase = 'joined';
}

main().catch((err: unknown) => {
  // The bench shows this when the page never gets its first frame.
  document.documentElement.dataset.error = String(err);
});
