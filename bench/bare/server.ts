import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { Server, type Socket } from 'socket.io';
import { build } from 'vite';
import { MAX_PUBLISH_BITRATE } from '@yishi/shared';
import { MEDIA_CODECS } from '@yishi/sfu';
import type { BareAck, BareProducer, BareRequests } from './protocol.js';

/**
 * The join benchmark's baseline: a minimal mediasoup app with nothing of Yishi's but its router
 * codecs (`MEDIA_CODECS`) — one worker, one router, a WebRTC transport per direction and peer with
 * mediasoup's defaults, and a handful of Socket.IO requests (protocol.ts). It serves one page
 * (page.ts, bundled by Vite like Yishi's client) at `/`. Loopback only, bench use only: requests
 * are not validated.
 */
export interface BareApp {
  url: string;
  close(): Promise<void>;
}

interface Peer {
  socket: Socket;
  /** Set by `join`: the peer takes part (receives `newProducer`) from then on. */
  rtpCapabilities?: types.RtpCapabilities;
  transports: Map<string, types.WebRtcTransport>;
  producers: Map<string, types.Producer>;
  consumers: Map<string, types.Consumer>;
}

type Handlers = {
  [K in keyof BareRequests]: (
    peer: Peer,
    input: BareRequests[K]['input'],
  ) => Promise<BareRequests[K]['output']> | BareRequests[K]['output'];
};

export async function startBareApp(): Promise<BareApp> {
  const script = await bundlePage();
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const peers = new Map<string, Peer>();

  const transportOf = (peer: Peer, id: string): types.WebRtcTransport => {
    const transport = peer.transports.get(id);
    if (!transport) throw new Error(`no transport ${id}`);
    return transport;
  };
  const others = (peer: Peer) => [...peers.values()].filter((p) => p !== peer);

  const handlers: Handlers = {
    routerRtpCapabilities: () => router.rtpCapabilities as BareRequests['routerRtpCapabilities']['output'],
    join: (peer, { rtpCapabilities }) => {
      peer.rtpCapabilities = rtpCapabilities as types.RtpCapabilities;
      const producers = others(peer).flatMap((p) => [...p.producers.values()]);
      return { producers: producers.map((p): BareProducer => ({ id: p.id, kind: p.kind })) };
    },
    createTransport: async (peer, { direction }) => {
      const transport = await router.createWebRtcTransport({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1' },
          { protocol: 'tcp', ip: '127.0.0.1' },
        ],
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
      });
      // Yishi's cap on what a peer sends: mediasoup tells the browser by REMB, and the browser's
      // estimate then holds at it. Without it the bare publisher's estimate sank below its three
      // layers' 1.85 Mbit/s on the loaded machine and its top layer stopped for whole rounds.
      if (direction === 'send') await transport.setMaxIncomingBitrate(MAX_PUBLISH_BITRATE);
      peer.transports.set(transport.id, transport);
      return {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
      } as BareRequests['createTransport']['output'];
    },
    connectTransport: async (peer, { transportId, dtlsParameters }) => {
      await transportOf(peer, transportId).connect({ dtlsParameters: dtlsParameters as types.DtlsParameters });
      return {};
    },
    produce: async (peer, { transportId, kind, rtpParameters }) => {
      const producer = await transportOf(peer, transportId).produce({
        kind,
        rtpParameters: rtpParameters as types.RtpParameters,
      });
      peer.producers.set(producer.id, producer);
      for (const other of others(peer)) {
        if (other.rtpCapabilities) other.socket.emit('newProducer', { id: producer.id, kind } satisfies BareProducer);
      }
      return { id: producer.id };
    },
    consume: async (peer, { transportId, producerId }) => {
      const rtpCapabilities = peer.rtpCapabilities;
      if (!rtpCapabilities || !router.canConsume({ producerId, rtpCapabilities })) {
        throw new Error(`cannot consume ${producerId}`);
      }
      const consumer = await transportOf(peer, transportId).consume({ producerId, rtpCapabilities, paused: true });
      peer.consumers.set(consumer.id, consumer);
      consumer.on('producerclose', () => {
        peer.consumers.delete(consumer.id);
        peer.socket.emit('consumerClosed', { consumerId: consumer.id });
      });
      return {
        id: consumer.id,
        producerId,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters as BareRequests['consume']['output']['rtpParameters'],
      };
    },
    resume: async (peer, { consumerId }) => {
      await peer.consumers.get(consumerId)?.resume();
      return {};
    },
  };

  const http = createServer((req, res) => {
    const body = req.url === '/page.js' ? script : req.url?.split('?')[0] === '/' ? PAGE_HTML : undefined;
    if (body === undefined) return void res.writeHead(404).end();
    const type = req.url === '/page.js' ? 'text/javascript' : 'text/html';
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
  });
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    const peer: Peer = { socket, transports: new Map(), producers: new Map(), consumers: new Map() };
    peers.set(socket.id, peer);
    for (const [name, handler] of Object.entries(handlers) as [string, Handlers[keyof Handlers]][]) {
      socket.on(name, async (input: unknown, ack: (res: BareAck<unknown>) => void) => {
        try {
          ack({ ok: true, data: await handler(peer, input as never) });
        } catch (err) {
          ack({ ok: false, error: String(err) });
        }
      });
    }
    socket.on('disconnect', () => {
      peers.delete(socket.id);
      // Closing the transports closes this peer's producers, and so the others' consumers of them.
      for (const transport of peer.transports.values()) transport.close();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await io.close();
      worker.close();
    },
  };
}

const PAGE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>bare mediasoup</title>
    <link rel="icon" href="data:," />
    <script type="module" src="/page.js"></script>
  </head>
  <body></body>
</html>
`;

/** page.ts and what it imports (mediasoup-client, socket.io-client) as one minified module. */
async function bundlePage(): Promise<string> {
  const result = await build({
    configFile: false,
    root: import.meta.dirname,
    logLevel: 'silent',
    build: {
      write: false,
      target: 'es2022',
      modulePreload: false,
      rolldownOptions: { input: path.join(import.meta.dirname, 'page.ts') },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const out of outputs) {
    if (!('output' in out)) continue;
    for (const chunk of out.output) if (chunk.type === 'chunk' && chunk.isEntry) return chunk.code;
  }
  throw new Error('bare page: no bundle');
}
