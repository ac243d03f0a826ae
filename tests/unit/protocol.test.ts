import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  HandshakeAuthSchema,
  type NotificationName,
  type NotificationPayload,
  NotificationSchemas,
  PROTOCOL_VERSION,
  type RequestName,
  type RequestPayload,
  RequestSchemas,
  type RtpCapabilities,
  type RtpParameters,
  TokenClaimsSchema,
} from '@yishi/shared';
import {
  dtlsParameters,
  hexPairs,
  opusRtpParameters,
  rtpCapabilities,
  vp8SimulcastRtpParameters,
} from '../support/mediaFixtures.js';

/**
 * Every wire schema against realistic good payloads and hostile bad ones. A bad case names the
 * path where the schema must object, so a case cannot pass for some unrelated reason.
 */

interface BadCase {
  why: string;
  /** Dotted path of the offending field ('' for the payload itself). */
  at: string;
  payload: unknown;
}
interface Cases<T> {
  good: T[];
  bad: BadCase[];
}

const bad = (why: string, at: string, payload: unknown): BadCase => ({ why, at, payload });
const str = (n: number) => 'x'.repeat(n);
/** Lets a case put a value of the wrong type where the fixture's type would not allow it. */
const loose = (value: object) => value as Record<string, unknown>;
const under = (parent: string, at: string) => (at ? `${parent}.${at}` : parent);
const ID = '7f0c1a52-4b8e-4c1d-9a3f-2e6b5d8c9a10';

/** A camera producer request whose VP8 simulcast parameters were changed by `change`. */
function produceWith(why: string, at: string, change: (p: RtpParameters) => void): BadCase {
  const rtpParameters = vp8SimulcastRtpParameters();
  change(rtpParameters);
  return bad(`rtpParameters: ${why}`, under('rtpParameters', at), {
    transportId: ID,
    kind: 'video',
    source: 'camera',
    rtpParameters,
  });
}

/** A join request whose capabilities were changed by `change`. */
function joinWith(why: string, at: string, change: (c: RtpCapabilities) => void): BadCase {
  const caps = rtpCapabilities();
  change(caps);
  return bad(`rtpCapabilities: ${why}`, under('rtpCapabilities', at), { rtpCapabilities: caps });
}

/** A connect request whose DTLS parameters are `dtls`. */
function connectWith(why: string, at: string, dtls: unknown): BadCase {
  return bad(`dtlsParameters: ${why}`, under('dtlsParameters', at), {
    transportId: ID,
    dtlsParameters: dtls,
  });
}

const fingerprint = (value: string, algorithm = 'sha-256') => ({
  role: 'client',
  fingerprints: [{ algorithm, value }],
});

const manyParameters = () => Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`p${i}`, i]));

/** Bad cases shared by the requests that only name a producer or consumer. */
function refCases(field: 'producerId' | 'consumerId'): BadCase[] {
  return [
    bad('missing id', field, {}),
    bad('empty id', field, { [field]: '' }),
    bad('id longer than 64', field, { [field]: str(65) }),
    bad('id is a number', field, { [field]: 42 }),
    bad('unknown field', '', { [field]: ID, force: true }),
    bad('payload is not an object', '', ID),
  ];
}

const requestCases: { [K in RequestName]: Cases<RequestPayload<K>> } = {
  'media:routerCapabilities': {
    good: [{}],
    bad: [bad('unknown field', '', { force: true }), bad('null', '', null), bad('array', '', [])],
  },
  'room:join': {
    good: [
      { rtpCapabilities: rtpCapabilities() },
      { rtpCapabilities: { codecs: rtpCapabilities().codecs?.slice(0, 1), headerExtensions: [] } },
    ],
    bad: [
      bad('missing capabilities', 'rtpCapabilities', {}),
      bad('unknown field', '', { rtpCapabilities: rtpCapabilities(), peerId: 'someone-else' }),
      bad('capabilities are a string', 'rtpCapabilities', { rtpCapabilities: 'opus,vp8' }),
      joinWith('unknown field', '', (c) => {
        loose(c).fecMechanisms = [];
      }),
      joinWith('codec kind is not audio/video', 'codecs.0.kind', (c) => {
        loose(c.codecs![0]!).kind = 'data';
      }),
      joinWith('codec without mimeType', 'codecs.0.mimeType', (c) => {
        delete loose(c.codecs![0]!).mimeType;
      }),
      joinWith('codec mimeType longer than 64', 'codecs.0.mimeType', (c) => {
        c.codecs![0]!.mimeType = `audio/${str(60)}`;
      }),
      joinWith('codec shaped like RtpParameters (payloadType, no kind)', 'codecs.0', (c) => {
        c.codecs![0] = loose(opusRtpParameters().codecs[0]!) as never;
      }),
      joinWith('preferredPayloadType above 255', 'codecs.1.preferredPayloadType', (c) => {
        c.codecs![1]!.preferredPayloadType = 256;
      }),
      joinWith('negative clockRate', 'codecs.0.clockRate', (c) => {
        c.codecs![0]!.clockRate = -48000;
      }),
      joinWith('fractional channels', 'codecs.0.channels', (c) => {
        c.codecs![0]!.channels = 2.5;
      }),
      joinWith('codec parameter of type boolean', 'codecs.0.parameters.useinbandfec', (c) => {
        loose(c.codecs![0]!.parameters!).useinbandfec = true;
      }),
      joinWith('more than 32 codec parameters', 'codecs.0.parameters', (c) => {
        c.codecs![0]!.parameters = manyParameters();
      }),
      joinWith('more than 16 rtcpFeedback entries', 'codecs.1.rtcpFeedback', (c) => {
        c.codecs![1]!.rtcpFeedback = Array.from({ length: 17 }, () => ({ type: 'nack' }));
      }),
      joinWith('rtcpFeedback with an empty type', 'codecs.1.rtcpFeedback.0.type', (c) => {
        c.codecs![1]!.rtcpFeedback![0]!.type = '';
      }),
      joinWith('more than 64 codecs', 'codecs', (c) => {
        c.codecs = Array.from({ length: 65 }, () => rtpCapabilities().codecs![0]!);
      }),
      joinWith('header extension with a bad direction', 'headerExtensions.0.direction', (c) => {
        loose(c.headerExtensions![0]!).direction = 'both';
      }),
      joinWith('header extension uri longer than 256', 'headerExtensions.0.uri', (c) => {
        c.headerExtensions![0]!.uri = `urn:${str(260)}`;
      }),
      joinWith('header extension preferredId as a string', 'headerExtensions.0.preferredId', (c) => {
        loose(c.headerExtensions![0]!).preferredId = '1';
      }),
      joinWith('header extension shaped like RtpParameters (id, no kind)', 'headerExtensions.0', (c) => {
        c.headerExtensions![0] = loose(vp8SimulcastRtpParameters().headerExtensions![0]!) as never;
      }),
    ],
  },
  'room:leave': {
    good: [{}],
    bad: [bad('unknown field', '', { peerId: 'someone-else' }), bad('string', '', 'bye')],
  },
  'transport:create': {
    good: [{ direction: 'send' }, { direction: 'recv' }],
    bad: [
      bad('bad direction', 'direction', { direction: 'both' }),
      bad('missing direction', 'direction', {}),
      bad('direction is a number', 'direction', { direction: 1 }),
      bad('unknown field', '', { direction: 'send', enableSctp: true }),
    ],
  },
  'transport:connect': {
    good: [
      { transportId: ID, dtlsParameters: dtlsParameters() },
      {
        transportId: ID,
        dtlsParameters: { role: 'auto', fingerprints: [{ algorithm: 'sha-1', value: hexPairs(20).toLowerCase() }] },
      },
      {
        transportId: ID,
        dtlsParameters: {
          fingerprints: [
            { algorithm: 'sha-256', value: hexPairs(32) },
            { algorithm: 'sha-512', value: hexPairs(64) },
          ],
        },
      },
    ],
    bad: [
      bad('missing dtlsParameters', 'dtlsParameters', { transportId: ID }),
      bad('empty transportId', 'transportId', { transportId: '', dtlsParameters: dtlsParameters() }),
      bad('transportId longer than 64', 'transportId', { transportId: str(65), dtlsParameters: dtlsParameters() }),
      connectWith('fingerprint with non-hex digits', 'fingerprints.0.value', fingerprint(`ZZ:${hexPairs(31)}`)),
      connectWith('fingerprint of 15 pairs', 'fingerprints.0.value', fingerprint(hexPairs(15))),
      connectWith('fingerprint of 65 pairs', 'fingerprints.0.value', fingerprint(hexPairs(65))),
      connectWith('fingerprint without colons', 'fingerprints.0.value', fingerprint(hexPairs(32).replaceAll(':', ''))),
      connectWith('fingerprint with dashes', 'fingerprints.0.value', fingerprint(hexPairs(32).replaceAll(':', '-'))),
      connectWith('fingerprint with a trailing colon', 'fingerprints.0.value', fingerprint(`${hexPairs(32)}:`)),
      connectWith('fingerprint with an SDP line around it', 'fingerprints.0.value', fingerprint(`a=${hexPairs(32)}`)),
      connectWith('unknown hash algorithm', 'fingerprints.0.algorithm', fingerprint(hexPairs(16), 'md5')),
      connectWith('no fingerprints', 'fingerprints', { role: 'client', fingerprints: [] }),
      connectWith('more than 8 fingerprints', 'fingerprints', {
        fingerprints: Array.from({ length: 9 }, () => ({ algorithm: 'sha-256', value: hexPairs(32) })),
      }),
      connectWith('bad role', 'role', { ...dtlsParameters(), role: 'both' }),
      connectWith('unknown field', '', { ...dtlsParameters(), setup: 'actpass' }),
      connectWith('unknown field in a fingerprint', 'fingerprints.0', {
        fingerprints: [{ algorithm: 'sha-256', value: hexPairs(32), primary: true }],
      }),
    ],
  },
  'transport:restartIce': {
    good: [{ transportId: ID }],
    bad: [
      bad('missing transportId', 'transportId', {}),
      bad('transportId is a number', 'transportId', { transportId: 7 }),
      bad('transportId longer than 64', 'transportId', { transportId: str(65) }),
      bad('unknown field', '', { transportId: ID, iceLite: false }),
    ],
  },
  'producer:create': {
    good: [
      { transportId: ID, kind: 'audio', source: 'mic', rtpParameters: opusRtpParameters() },
      { transportId: ID, kind: 'video', source: 'camera', rtpParameters: vp8SimulcastRtpParameters() },
      {
        transportId: ID,
        kind: 'video',
        source: 'screen',
        rtpParameters: {
          ...vp8SimulcastRtpParameters(),
          encodings: [
            {
              ssrc: 3_913_442_101,
              rtx: { ssrc: 1_022_334_455 },
              maxBitrate: 1_500_000,
              maxFramerate: 15,
              priority: 'medium',
              networkPriority: 'high',
            },
          ],
          msid: 'stream-1 track-1',
        },
      },
    ],
    bad: [
      bad('kind is not audio/video', 'kind', {
        transportId: ID,
        kind: 'data',
        source: 'mic',
        rtpParameters: opusRtpParameters(),
      }),
      bad('unknown source', 'source', {
        transportId: ID,
        kind: 'audio',
        source: 'microphone',
        rtpParameters: opusRtpParameters(),
      }),
      bad('missing rtpParameters', 'rtpParameters', { transportId: ID, kind: 'audio', source: 'mic' }),
      bad('missing transportId', 'transportId', { kind: 'audio', source: 'mic', rtpParameters: opusRtpParameters() }),
      bad('unknown field', '', {
        transportId: ID,
        kind: 'audio',
        source: 'mic',
        rtpParameters: opusRtpParameters(),
        paused: true,
      }),
      produceWith('no codecs', 'codecs', (p) => {
        p.codecs = [];
      }),
      produceWith('more than 16 codecs', 'codecs', (p) => {
        p.codecs = Array.from({ length: 17 }, () => p.codecs[0]!);
      }),
      produceWith('codec shaped like a capability (kind, preferredPayloadType)', 'codecs.0', (p) => {
        p.codecs[0] = loose(rtpCapabilities().codecs![1]!) as never;
      }),
      produceWith('payloadType above 255', 'codecs.0.payloadType', (p) => {
        p.codecs[0]!.payloadType = 256;
      }),
      produceWith('fractional payloadType', 'codecs.0.payloadType', (p) => {
        p.codecs[0]!.payloadType = 96.5;
      }),
      produceWith('clockRate as a string', 'codecs.0.clockRate', (p) => {
        loose(p.codecs[0]!).clockRate = '90000';
      }),
      produceWith('codec parameter of type object', 'codecs.1.parameters.apt', (p) => {
        loose(p.codecs[1]!.parameters!).apt = { pt: 96 };
      }),
      produceWith('more than 32 codec parameters', 'codecs.0.parameters', (p) => {
        p.codecs[0]!.parameters = manyParameters();
      }),
      produceWith('more than 16 rtcpFeedback entries', 'codecs.0.rtcpFeedback', (p) => {
        p.codecs[0]!.rtcpFeedback = Array.from({ length: 17 }, () => ({ type: 'nack', parameter: 'pli' }));
      }),
      produceWith('rtcpFeedback without type', 'codecs.0.rtcpFeedback.0.type', (p) => {
        delete loose(p.codecs[0]!.rtcpFeedback![0]!).type;
      }),
      produceWith('more than 8 encodings', 'encodings', (p) => {
        p.encodings = Array.from({ length: 9 }, (_, i) => ({ rid: `r${i}` }));
      }),
      produceWith('rid longer than 32', 'encodings.0.rid', (p) => {
        p.encodings![0]!.rid = str(33);
      }),
      produceWith('scalabilityMode longer than 16', 'encodings.1.scalabilityMode', (p) => {
        p.encodings![1]!.scalabilityMode = `L1T3${str(13)}`;
      }),
      produceWith('scaleResolutionDownBy below 1', 'encodings.2.scaleResolutionDownBy', (p) => {
        p.encodings![2]!.scaleResolutionDownBy = 0.5;
      }),
      produceWith('negative maxBitrate', 'encodings.0.maxBitrate', (p) => {
        p.encodings![0]!.maxBitrate = -1;
      }),
      produceWith('fractional maxBitrate', 'encodings.0.maxBitrate', (p) => {
        p.encodings![0]!.maxBitrate = 150_000.5;
      }),
      produceWith('maxFramerate above 240', 'encodings.0.maxFramerate', (p) => {
        p.encodings![0]!.maxFramerate = 241;
      }),
      produceWith('unknown priority', 'encodings.0.priority', (p) => {
        loose(p.encodings![0]!).priority = 'urgent';
      }),
      produceWith('ssrc above 2^32-1', 'encodings.0.ssrc', (p) => {
        p.encodings![0]!.ssrc = 2 ** 32;
      }),
      produceWith('rtx without ssrc', 'encodings.0.rtx.ssrc', (p) => {
        loose(p.encodings![0]!).rtx = {};
      }),
      produceWith('unknown encoding field', 'encodings.0', (p) => {
        loose(p.encodings![0]!).scaleResolution = 4;
      }),
      produceWith('header extension id above 255', 'headerExtensions.0.id', (p) => {
        p.headerExtensions![0]!.id = 256;
      }),
      produceWith('header extension shaped like a capability (kind, preferredId)', 'headerExtensions.0', (p) => {
        p.headerExtensions![0] = loose(rtpCapabilities().headerExtensions![1]!) as never;
      }),
      produceWith('more than 32 header extensions', 'headerExtensions', (p) => {
        p.headerExtensions = Array.from({ length: 33 }, (_, i) => ({ uri: `urn:x-test:${i}`, id: i + 1 }));
      }),
      produceWith('unknown rtcp field', 'rtcp', (p) => {
        loose(p.rtcp!).ssrc = 1234;
      }),
      produceWith('rtcp cname longer than 256', 'rtcp.cname', (p) => {
        p.rtcp!.cname = str(257);
      }),
      produceWith('mid longer than 32', 'mid', (p) => {
        p.mid = str(33);
      }),
      produceWith('msid longer than 256', 'msid', (p) => {
        p.msid = str(257);
      }),
      produceWith('unknown top-level field', '', (p) => {
        loose(p).encrypted = true;
      }),
    ],
  },
  'producer:pause': { good: [{ producerId: ID }], bad: refCases('producerId') },
  'producer:resume': { good: [{ producerId: ID }], bad: refCases('producerId') },
  'producer:close': { good: [{ producerId: ID }], bad: refCases('producerId') },
  'consumer:create': {
    good: [{ transportId: ID, producerId: ID }],
    bad: [
      bad('missing producerId', 'producerId', { transportId: ID }),
      bad('transportId is null', 'transportId', { transportId: null, producerId: ID }),
      bad('capabilities sent along (the server already has them)', '', {
        transportId: ID,
        producerId: ID,
        rtpCapabilities: rtpCapabilities(),
      }),
    ],
  },
  'consumer:resume': { good: [{ consumerId: ID }], bad: refCases('consumerId') },
  'consumer:pause': { good: [{ consumerId: ID }], bad: refCases('consumerId') },
  'consumer:setPreferredLayers': {
    good: [
      { consumerId: ID, spatialLayer: 0 },
      { consumerId: ID, spatialLayer: 2, temporalLayer: 2 },
    ],
    bad: [
      bad('spatialLayer above 2', 'spatialLayer', { consumerId: ID, spatialLayer: 3 }),
      bad('negative spatialLayer', 'spatialLayer', { consumerId: ID, spatialLayer: -1 }),
      bad('fractional spatialLayer', 'spatialLayer', { consumerId: ID, spatialLayer: 1.5 }),
      bad('spatialLayer as a string', 'spatialLayer', { consumerId: ID, spatialLayer: '1' }),
      bad('missing spatialLayer', 'spatialLayer', { consumerId: ID, temporalLayer: 1 }),
      bad('temporalLayer above 2', 'temporalLayer', { consumerId: ID, spatialLayer: 1, temporalLayer: 3 }),
      bad('temporalLayer null', 'temporalLayer', { consumerId: ID, spatialLayer: 1, temporalLayer: null }),
      bad('unknown field', '', { consumerId: ID, spatialLayer: 1, priority: 1 }),
    ],
  },
};

const producerEvent = () => ({ producerId: ID, peerId: 'u-li-hua' });
const producerEventBad = (): BadCase[] => [
  bad('missing peerId', 'peerId', { producerId: ID }),
  bad('producerId longer than 64', 'producerId', { producerId: str(65), peerId: 'u-li-hua' }),
  bad('unknown field', '', { ...producerEvent(), kind: 'audio' }),
];

const notificationCases: { [K in NotificationName]: Cases<NotificationPayload<K>> } = {
  'peer:joined': {
    good: [
      { id: 'u-li-hua', name: '李华', role: 'member', sector: '教育', joinedAt: 1_732_600_000_000 },
      { id: 'u-obs', name: 'Observer 1', role: 'observer', joinedAt: 1_732_600_000_123 },
    ],
    bad: [
      bad('unknown role', 'role', { id: 'u1', name: '李华', role: 'admin', joinedAt: 1 }),
      bad('empty name', 'name', { id: 'u1', name: '', role: 'member', joinedAt: 1 }),
      bad('name longer than 64', 'name', { id: 'u1', name: '长'.repeat(65), role: 'member', joinedAt: 1 }),
      bad('sector longer than 32', 'sector', { id: 'u1', name: 'a', role: 'member', sector: str(33), joinedAt: 1 }),
      bad('fractional joinedAt', 'joinedAt', { id: 'u1', name: 'a', role: 'member', joinedAt: 1.5 }),
      bad('missing id', 'id', { name: 'a', role: 'member', joinedAt: 1 }),
      bad('unknown field', '', { id: 'u1', name: 'a', role: 'member', joinedAt: 1, token: 'x' }),
    ],
  },
  'peer:left': {
    good: [{ peerId: 'u-li-hua' }],
    bad: [
      bad('empty peerId', 'peerId', { peerId: '' }),
      bad('peerId longer than 128', 'peerId', { peerId: str(129) }),
      bad('missing peerId', 'peerId', {}),
    ],
  },
  'producer:new': {
    good: [
      { producerId: ID, peerId: 'u-li-hua', kind: 'audio', source: 'mic', paused: false },
      { producerId: ID, peerId: 'u-li-hua', kind: 'video', source: 'screen', paused: true },
    ],
    bad: [
      bad('kind is not audio/video', 'kind', {
        producerId: ID,
        peerId: 'u1',
        kind: 'data',
        source: 'mic',
        paused: false,
      }),
      bad('unknown source', 'source', { producerId: ID, peerId: 'u1', kind: 'video', source: 'webcam', paused: false }),
      bad('paused as a string', 'paused', { producerId: ID, peerId: 'u1', kind: 'audio', source: 'mic', paused: 'no' }),
      bad('missing paused', 'paused', { producerId: ID, peerId: 'u1', kind: 'audio', source: 'mic' }),
    ],
  },
  'producer:closed': { good: [producerEvent()], bad: producerEventBad() },
  'producer:paused': { good: [producerEvent()], bad: producerEventBad() },
  'producer:resumed': { good: [producerEvent()], bad: producerEventBad() },
  'consumer:closed': {
    good: [{ consumerId: ID }],
    bad: [
      bad('empty consumerId', 'consumerId', { consumerId: '' }),
      bad('unknown field', '', { consumerId: ID, x: 1 }),
    ],
  },
  'speaker:active': {
    good: [{ peerId: 'u-li-hua' }, { peerId: null }],
    bad: [
      bad('missing peerId (null must be explicit)', 'peerId', {}),
      bad('empty peerId', 'peerId', { peerId: '' }),
      bad('peerId as a number', 'peerId', { peerId: 3 }),
    ],
  },
  'media:reset': {
    good: [{ reason: 'media worker restarted' }],
    bad: [
      bad('reason longer than 256', 'reason', { reason: str(257) }),
      bad('reason as a number', 'reason', { reason: 1 }),
      bad('missing reason', 'reason', {}),
    ],
  },
  'session:replaced': {
    good: [{}],
    bad: [bad('unknown field', '', { by: 'other-tab' }), bad('null', '', null)],
  },
  'protocol:error': {
    good: [
      { event: 'transport:create', code: 'INVALID_REQUEST', message: 'request needs an acknowledgement callback' },
    ],
    bad: [
      bad('code outside the closed set', 'code', { event: 'x', code: 'TEAPOT', message: 'short and stout' }),
      bad('message longer than 512', 'message', { event: 'x', code: 'INTERNAL', message: str(513) }),
      bad('event longer than 128', 'event', { event: str(129), code: 'INTERNAL', message: 'm' }),
      bad('missing message', 'message', { event: 'x', code: 'INTERNAL' }),
    ],
  },
};

/** Runs the good and bad cases of one schema. */
function checkCases(schema: z.ZodType, cases: Cases<unknown>): void {
  it.each(cases.good.map((payload, i) => ({ i, payload })))('accepts good payload #$i unchanged', ({ payload }) => {
    // Payloads travel as JSON; what the server parses must be exactly what was sent.
    const wire: unknown = JSON.parse(JSON.stringify(payload));
    const result = schema.safeParse(wire);
    expect(result.error?.issues).toBeUndefined();
    expect(result.data).toEqual(payload);
  });
  it.each(cases.bad)('rejects: $why', ({ at, payload }) => {
    const result = schema.safeParse(payload);
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((i) => i.path.join('.')) ?? [];
    // `at` itself, or a field inside it (e.g. the missing key of an object at `at`).
    expect(
      paths.some((p) => p === at || (at !== '' && p.startsWith(`${at}.`))),
      paths.join(', '),
    ).toBe(true);
  });
}

describe('RequestSchemas', () => {
  it('every request has at least one good and one bad case', () => {
    for (const name of Object.keys(RequestSchemas)) {
      const cases = (requestCases as Record<string, Cases<unknown> | undefined>)[name];
      expect(cases?.good.length, name).toBeGreaterThan(0);
      expect(cases?.bad.length, name).toBeGreaterThan(0);
    }
  });

  for (const name of Object.keys(RequestSchemas) as RequestName[]) {
    describe(name, () => checkCases(RequestSchemas[name], requestCases[name] as Cases<unknown>));
  }
});

describe('NotificationSchemas', () => {
  it('every notification has at least one good and one bad case', () => {
    for (const name of Object.keys(NotificationSchemas)) {
      const cases = (notificationCases as Record<string, Cases<unknown> | undefined>)[name];
      expect(cases?.good.length, name).toBeGreaterThan(0);
      expect(cases?.bad.length, name).toBeGreaterThan(0);
    }
  });

  for (const name of Object.keys(NotificationSchemas) as NotificationName[]) {
    describe(name, () => checkCases(NotificationSchemas[name], notificationCases[name] as Cases<unknown>));
  }
});

describe('HandshakeAuthSchema', () => {
  const auth = { token: 'eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl', roomId: 'county-council_2025', protocolVersion: 1 };
  checkCases(HandshakeAuthSchema, {
    good: [auth, { ...auth, roomId: 'a', protocolVersion: PROTOCOL_VERSION }, { ...auth, token: str(4096) }],
    bad: [
      bad('missing token', 'token', { roomId: auth.roomId, protocolVersion: 1 }),
      bad('empty token', 'token', { ...auth, token: '' }),
      bad('token longer than 4096', 'token', { ...auth, token: str(4097) }),
      bad('token as an object', 'token', { ...auth, token: { jwt: 'x' } }),
      bad('roomId with a slash', 'roomId', { ...auth, roomId: 'a/b' }),
      bad('roomId with a space', 'roomId', { ...auth, roomId: 'room 1' }),
      bad('roomId in Chinese', 'roomId', { ...auth, roomId: '会议室' }),
      bad('empty roomId', 'roomId', { ...auth, roomId: '' }),
      bad('roomId longer than 64', 'roomId', { ...auth, roomId: str(65) }),
      bad('fractional protocolVersion', 'protocolVersion', { ...auth, protocolVersion: 1.5 }),
      bad('protocolVersion as a string', 'protocolVersion', { ...auth, protocolVersion: '1' }),
      bad('missing protocolVersion', 'protocolVersion', { token: auth.token, roomId: auth.roomId }),
      bad('unknown field (role claims belong in the token)', '', { ...auth, role: 'chair' }),
    ],
  });
});

describe('TokenClaimsSchema', () => {
  const claims = { sub: 'u-li-hua', name: '李华', room: 'county-council', role: 'chair', sector: '农业农村' } as const;

  it('accepts realistic claims, with and without a sector', () => {
    expect(TokenClaimsSchema.parse(claims)).toEqual(claims);
    const { sector: _, ...withoutSector } = claims;
    expect(TokenClaimsSchema.parse(withoutSector)).toEqual(withoutSector);
  });

  it('trims names and sectors', () => {
    expect(TokenClaimsSchema.parse({ ...claims, name: '  李华 ', sector: ' 教育 ' })).toMatchObject({
      name: '李华',
      sector: '教育',
    });
  });

  it('counts Chinese names per character: 64 fit, 65 do not', () => {
    expect(TokenClaimsSchema.safeParse({ ...claims, name: '议'.repeat(64) }).success).toBe(true);
    expect(TokenClaimsSchema.safeParse({ ...claims, name: '议'.repeat(65) }).success).toBe(false);
  });

  it('drops the registered JWT claims and anything unknown (the token carries them)', () => {
    const parsed = TokenClaimsSchema.parse({ ...claims, iss: 'yishi', aud: 'yishi', exp: 2, iat: 1, admin: true });
    expect(parsed).toEqual(claims);
  });

  it.each([
    bad('unknown role', 'role', { ...claims, role: 'admin' }),
    bad('role in another case', 'role', { ...claims, role: 'Chair' }),
    bad('missing name', 'name', { ...claims, name: undefined }),
    bad('name of spaces only', 'name', { ...claims, name: '   ' }),
    bad('empty sub', 'sub', { ...claims, sub: '' }),
    bad('sub longer than 128', 'sub', { ...claims, sub: str(129) }),
    bad('room id with a dot', 'room', { ...claims, room: 'room.1' }),
    bad('missing room', 'room', { ...claims, room: undefined }),
    bad('empty sector', 'sector', { ...claims, sector: '' }),
    bad('sector longer than 32', 'sector', { ...claims, sector: str(33) }),
    bad('sector as null', 'sector', { ...claims, sector: null }),
  ])('rejects: $why', ({ at, payload }) => {
    const result = TokenClaimsSchema.safeParse(payload);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(at);
  });
});
