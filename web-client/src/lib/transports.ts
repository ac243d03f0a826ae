import type { Device, types } from 'mediasoup-client';
import type { MediaSource, TransportOptions } from '@yishi/shared';
import { traceJoin } from './joinTrace.js';
import type { Signaling } from './signaling.js';

/**
 * How the transports reach the SFU: the TURN servers of the latest join (their credentials are
 * made for it and expire; empty when the server has none) and whether to go through them only.
 */
export interface IceRoute {
  iceServers: RTCIceServer[];
  relayOnly: boolean;
}

/**
 * A send or receive transport made by the server, its DTLS and produce steps answered over
 * `signaling`: the one `made` with the join when there is one, else asked for now.
 */
export async function createTransport(
  signaling: Signaling,
  device: Device,
  direction: 'send' | 'recv',
  route: () => IceRoute,
  made?: TransportOptions,
): Promise<types.Transport> {
  const options = (made ?? (await signaling.request('transport:create', { direction }))) as types.TransportOptions;
  traceJoin(`${direction}-transport-created`);
  const { iceServers, relayOnly } = route();
  const ice = { iceServers, ...(relayOnly ? { iceTransportPolicy: 'relay' as const } : {}) };
  const transport =
    direction === 'send'
      ? device.createSendTransport({ ...options, ...ice })
      : device.createRecvTransport({ ...options, ...ice });
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

/**
 * New ICE credentials from the server for `transport` (the network path may have changed), and
 * fresh TURN credentials with them: those of the join may have expired, and a restart through a
 * relay makes a new allocation.
 */
export async function restartIce(signaling: Signaling, transport: types.Transport): Promise<void> {
  const { iceParameters, iceServers } = await signaling.request('transport:restartIce', { transportId: transport.id });
  if (iceServers) await transport.updateIceServers({ iceServers });
  await transport.restartIce({ iceParameters });
}

/** The candidate pair a transport's ICE chose, as `getStats()` tells it: how this page reaches the SFU. */
export interface SelectedPath {
  /** `host`, `srflx`, `prflx` or `relay` (through TURN). */
  localType: string;
  /** The transport to the SFU (relay: to the TURN server) as seen at this end: `udp` or `tcp`. */
  protocol: string;
  /** For a relay candidate, how the page reaches the TURN server: `udp`, `tcp` or `tls`. */
  relayProtocol: string | undefined;
  remoteType: string;
  remoteProtocol: string;
}

export async function selectedPath(transport: types.Transport): Promise<SelectedPath | undefined> {
  const stats = [...(await transport.getStats()).values()] as Array<Record<string, unknown>>;
  const byId = new Map(stats.map((s) => [s.id as string, s]));
  const ice = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair = ice
    ? byId.get(ice.selectedCandidatePairId as string)
    : stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  const local = pair && byId.get(pair.localCandidateId as string);
  const remote = pair && byId.get(pair.remoteCandidateId as string);
  if (!local || !remote) return undefined;
  return {
    localType: String(local.candidateType),
    protocol: String(local.protocol),
    relayProtocol: local.relayProtocol === undefined ? undefined : String(local.relayProtocol),
    remoteType: String(remote.candidateType),
    remoteProtocol: String(remote.protocol),
  };
}
