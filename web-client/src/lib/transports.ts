import type { Device, types } from 'mediasoup-client';
import type { MediaSource } from '@yishi/shared';
import { traceJoin } from './joinTrace.js';
import type { Signaling } from './signaling.js';

/** A send or receive transport made by the server, its DTLS and produce steps answered over `signaling`. */
export async function createTransport(
  signaling: Signaling,
  device: Device,
  direction: 'send' | 'recv',
): Promise<types.Transport> {
  const options = (await signaling.request('transport:create', { direction })) as types.TransportOptions;
  traceJoin(`${direction}-transport-created`);
  const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    signaling.request('transport:connect', { transportId: transport.id, dtlsParameters }).then(() => {
      traceJoin(`${direction}-transport-connected`);
      done();
    }, fail);
  });
  transport.on('produce', ({ kind, rtpParameters, appData }, done, fail) => {
    signaling
      .request('producer:create', {
        transportId: transport.id,
        kind,
        source: appData.source as MediaSource,
        rtpParameters: rtpParameters as never,
      })
      .then(({ producerId }) => {
        traceJoin(`produced-${appData.source}`);
        done({ id: producerId });
      }, fail);
  });
  transport.on('connectionstatechange', (state) => {
    // A short network change: new ICE credentials over the (re)connected signaling.
    if (state === 'failed' || state === 'disconnected') restartIce(signaling, transport).catch(() => undefined);
  });
  return transport;
}

/** New ICE credentials from the server for `transport` (the network path may have changed). */
export async function restartIce(signaling: Signaling, transport: types.Transport): Promise<void> {
  const { iceParameters } = await signaling.request('transport:restartIce', { transportId: transport.id });
  await transport.restartIce({ iceParameters });
}
