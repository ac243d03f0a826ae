import { describe, expect, it } from 'vitest';
import {
  HandshakeAuthSchema,
  MAX_COMMENT_LENGTH,
  NAME_MAX,
  PROTOCOL_VERSION,
  type RequestName,
  type RequestPayload,
  RequestSchemas,
  type RtpCapabilities,
  type RtpParameters,
  SITE_HEADCOUNT_MAX,
  TokenClaimsSchema,
} from '@yishi/shared';
import {
  dtlsParameters,
  hexPairs,
  opusRtpParameters,
  rtpCapabilities,
  vp8SimulcastRtpParameters,
} from '../../support/mediaFixtures.js';
import {
  type BadCase,
  bad,
  type Cases,
  COMMENT,
  checkCases,
  checkEverySchema,
  ENTRY,
  ID,
  loose,
  str,
  TURN,
  under,
} from './cases.js';

/** Every request schema (and the handshake's and the token's) against good and hostile payloads. */

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

/** Bad cases of a request that carries nothing: anything in it is refused. */
function emptyCases(extra: Record<string, unknown>): BadCase[] {
  return [bad('unknown field', '', extra), bad('null', '', null), bad('a string', '', 'now')];
}

/** Bad cases of an id field (1–64 characters), keeping the rest of `base`. */
function idCases(field: string, base: Record<string, unknown> = {}): BadCase[] {
  return [
    bad(`missing ${field}`, field, { ...base, [field]: undefined }),
    bad(`empty ${field}`, field, { ...base, [field]: '' }),
    bad(`${field} longer than 64`, field, { ...base, [field]: str(65) }),
    bad(`${field} is a number`, field, { ...base, [field]: 7 }),
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
      { rtpCapabilities: rtpCapabilities(), instanceId: '0b7e4c2a-5d1f-4e8a-9c3b-2f6d8e1a7b45' },
      { rtpCapabilities: rtpCapabilities(), transports: ['send', 'recv'] },
      { rtpCapabilities: rtpCapabilities(), transports: ['recv'] },
      { rtpCapabilities: rtpCapabilities(), transports: [] },
    ],
    bad: [
      bad('a transport asked twice', 'transports', {
        rtpCapabilities: rtpCapabilities(),
        transports: ['recv', 'recv'],
      }),
      bad('a transport direction unknown', 'transports.0', { rtpCapabilities: rtpCapabilities(), transports: ['up'] }),
      bad('three transports', 'transports', {
        rtpCapabilities: rtpCapabilities(),
        transports: ['send', 'recv', 'send'],
      }),
      bad('missing capabilities', 'rtpCapabilities', {}),
      bad('an instanceId too short', 'instanceId', { rtpCapabilities: rtpCapabilities(), instanceId: 'tab' }),
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
    good: [
      { transportId: ID, producerId: ID },
      { transportId: ID, producerId: ID, spatialLayer: 0 },
      { transportId: ID, producerId: ID, spatialLayer: 2 },
    ],
    bad: [
      bad('missing producerId', 'producerId', { transportId: ID }),
      bad('spatialLayer above 2', 'spatialLayer', { transportId: ID, producerId: ID, spatialLayer: 3 }),
      bad('fractional spatialLayer', 'spatialLayer', { transportId: ID, producerId: ID, spatialLayer: 0.5 }),
      bad('spatialLayer as a string', 'spatialLayer', { transportId: ID, producerId: ID, spatialLayer: '1' }),
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
  'session:snapshot': { good: [{}], bad: emptyCases({ since: 12 }) },
  'session:configure': {
    good: [
      { settings: { mode: 'open' } },
      { settings: {} },
      {
        settings: {
          mode: 'moderated',
          turnSeconds: { point_of_order: 10, reply: 60, contribution: 3600 },
          graceSeconds: 0,
          autoEnd: false,
          fairness: true,
          observersMayComment: true,
        },
      },
    ],
    bad: [
      bad('missing settings', 'settings', {}),
      bad('settings are a string', 'settings', { settings: 'open' }),
      bad('unknown mode', 'settings.mode', { settings: { mode: 'free' } }),
      bad('turn shorter than 10 s', 'settings.turnSeconds.contribution', {
        settings: { turnSeconds: { contribution: 9 } },
      }),
      bad('turn longer than an hour', 'settings.turnSeconds.reply', { settings: { turnSeconds: { reply: 3601 } } }),
      bad('fractional turn', 'settings.turnSeconds.point_of_order', {
        settings: { turnSeconds: { point_of_order: 30.5 } },
      }),
      bad('turn time for an unknown kind', 'settings.turnSeconds', { settings: { turnSeconds: { speech: 60 } } }),
      bad('negative grace', 'settings.graceSeconds', { settings: { graceSeconds: -1 } }),
      bad('grace longer than 10 minutes', 'settings.graceSeconds', { settings: { graceSeconds: 601 } }),
      bad('autoEnd as a string', 'settings.autoEnd', { settings: { autoEnd: 'yes' } }),
      bad('fairness as null', 'settings.fairness', { settings: { fairness: null } }),
      bad('unknown setting', 'settings', { settings: { recording: true } }),
      bad('unknown field', '', { settings: {}, force: true }),
    ],
  },
  'session:setStatus': {
    good: [{ action: 'open' }, { action: 'start' }, { action: 'adjourn' }, { action: 'resume' }, { action: 'close' }],
    bad: [
      bad('unknown action', 'action', { action: 'pause' }),
      bad('action in another case', 'action', { action: 'Close' }),
      bad('missing action', 'action', {}),
      bad('unknown field', '', { action: 'close', status: 'closed' }),
    ],
  },
  'agenda:open': {
    good: [{ itemId: ID }, { itemId: 'a' }],
    bad: [...idCases('itemId'), bad('unknown field', '', { itemId: ID, title: '议程一' })],
  },
  'queue:request': {
    good: [{ kind: 'point_of_order' }, { kind: 'reply' }, { kind: 'contribution' }],
    bad: [
      bad('unknown kind', 'kind', { kind: 'speech' }),
      bad('missing kind', 'kind', {}),
      bad('kind as a number', 'kind', { kind: 0 }),
      bad('someone else named (only the chair adds others)', '', { kind: 'contribution', speakerId: 'u-other' }),
    ],
  },
  'queue:withdraw': {
    good: [{ entryId: ENTRY }],
    bad: [...idCases('entryId'), bad('unknown field', '', { entryId: ENTRY, reason: 'changed my mind' })],
  },
  'queue:add': {
    good: [
      { speakerId: 'u-li-hua', kind: 'contribution' },
      { speakerId: str(128), kind: 'reply' },
    ],
    bad: [
      bad('speakerId longer than 128', 'speakerId', { speakerId: str(129), kind: 'contribution' }),
      bad('empty speakerId', 'speakerId', { speakerId: '', kind: 'contribution' }),
      bad('missing speakerId', 'speakerId', { kind: 'contribution' }),
      bad('unknown kind', 'kind', { speakerId: 'u-li-hua', kind: 'speech' }),
      bad('missing kind', 'kind', { speakerId: 'u-li-hua' }),
      bad('unknown field', '', { speakerId: 'u-li-hua', kind: 'contribution', index: 0 }),
    ],
  },
  'queue:move': {
    good: [
      { entryId: ENTRY, toIndex: 0 },
      { entryId: ENTRY, toIndex: 10_000 },
    ],
    bad: [
      ...idCases('entryId', { toIndex: 0 }),
      bad('negative index', 'toIndex', { entryId: ENTRY, toIndex: -1 }),
      bad('fractional index', 'toIndex', { entryId: ENTRY, toIndex: 1.5 }),
      bad('index above 10000', 'toIndex', { entryId: ENTRY, toIndex: 10_001 }),
      bad('index as a string', 'toIndex', { entryId: ENTRY, toIndex: '1' }),
      bad('missing index', 'toIndex', { entryId: ENTRY }),
    ],
  },
  'queue:remove': {
    good: [{ entryId: ENTRY }],
    bad: [...idCases('entryId'), bad('unknown field', '', { entryId: ENTRY, notify: false })],
  },
  'queue:setClosed': {
    good: [
      { closed: true },
      { closed: true, pointsOfOrderBlocked: true },
      { closed: false, pointsOfOrderBlocked: false },
    ],
    bad: [
      bad('closed as a string', 'closed', { closed: 'yes' }),
      bad('closed as 1', 'closed', { closed: 1 }),
      bad('missing closed', 'closed', { pointsOfOrderBlocked: true }),
      bad('pointsOfOrderBlocked as null', 'pointsOfOrderBlocked', { closed: true, pointsOfOrderBlocked: null }),
      bad('unknown field', '', { closed: true, repliesBlocked: true }),
    ],
  },
  'queue:clear': { good: [{}], bad: emptyCases({ agendaItemId: ID }) },
  'floor:grant': {
    good: [{}, { entryId: ENTRY }],
    bad: [
      bad('empty entryId', 'entryId', { entryId: '' }),
      bad('entryId as null', 'entryId', { entryId: null }),
      bad('entryId longer than 64', 'entryId', { entryId: str(65) }),
      bad('a speaker instead of an entry', '', { speakerId: 'u-li-hua' }),
    ],
  },
  'floor:end': { good: [{}], bad: emptyCases({ reason: 'chair' }) },
  'floor:yield': { good: [{}], bad: emptyCases({ to: 'u-other' }) },
  'floor:pause': { good: [{}], bad: emptyCases({ seconds: 30 }) },
  'floor:resume': { good: [{}], bad: emptyCases({ turnId: TURN }) },
  'floor:extend': {
    good: [{ seconds: 5 }, { seconds: 60 }, { seconds: 1800 }],
    bad: [
      bad('fewer than 5 seconds', 'seconds', { seconds: 4 }),
      bad('more than 30 minutes', 'seconds', { seconds: 1801 }),
      bad('negative (a way to cut a turn short)', 'seconds', { seconds: -60 }),
      bad('fractional seconds', 'seconds', { seconds: 30.5 }),
      bad('seconds as a string', 'seconds', { seconds: '60' }),
      bad('missing seconds', 'seconds', {}),
      bad('unknown field', '', { seconds: 60, turnId: TURN }),
    ],
  },
  'participant:remove': {
    good: [
      { peerId: 'u-li-hua', reason: '扰乱会场秩序' },
      { peerId: 'u-li-hua', reason: '' },
    ],
    bad: [
      bad('empty peerId', 'peerId', { peerId: '', reason: 'x' }),
      bad('reason longer than 200', 'reason', { peerId: 'u-li-hua', reason: str(201) }),
      bad('missing reason', 'reason', { peerId: 'u-li-hua' }),
      bad('unknown field', '', { peerId: 'u-li-hua', reason: 'x', ban: true }),
    ],
  },
  'participant:mute': {
    good: [{ peerId: 'u-li-hua' }, { peerId: str(128) }],
    bad: [
      bad('empty peerId', 'peerId', { peerId: '' }),
      bad('peerId longer than 128', 'peerId', { peerId: str(129) }),
      bad('missing peerId', 'peerId', {}),
      bad('unknown field', '', { peerId: 'u-li-hua', video: true }),
    ],
  },
  'comment:post': {
    good: [
      { text: '建议把农村学校的师资配置列入明年的重点协商议题。' },
      { text: '赞成', replyTo: COMMENT, stance: 'support' },
      { text: '议'.repeat(MAX_COMMENT_LENGTH), stance: 'oppose' },
      { text: 'Neutral, pending the cost estimate.', stance: 'neutral' },
      { id: '0b7e4c2a-5d1f-4e8a-9c3b-2f6d8e1a7b45', text: '同意' },
    ],
    bad: [
      bad(`text longer than ${MAX_COMMENT_LENGTH} characters`, 'text', { text: '议'.repeat(MAX_COMMENT_LENGTH + 1) }),
      bad('text as a number', 'text', { text: 42 }),
      bad('missing text', 'text', { stance: 'support' }),
      bad('unknown stance', 'stance', { text: '反对', stance: 'against' }),
      bad('empty replyTo', 'replyTo', { text: '同意', replyTo: '' }),
      bad('replyTo longer than 64', 'replyTo', { text: '同意', replyTo: str(65) }),
      bad('an author named (it comes from the token)', '', { text: '同意', authorId: 'u-chair' }),
      bad('an id that is not a UUID', 'id', { id: 'c-1', text: '同意' }),
    ],
  },
  'comment:react': {
    good: [
      { commentId: COMMENT, reaction: 'agree', on: true },
      { commentId: COMMENT, reaction: 'applause', on: false },
      { commentId: COMMENT, reaction: 'question', on: true },
    ],
    bad: [
      ...idCases('commentId', { reaction: 'agree', on: true }),
      bad('unknown reaction', 'reaction', { commentId: COMMENT, reaction: 'like', on: true }),
      bad('on as a string', 'on', { commentId: COMMENT, reaction: 'agree', on: 'true' }),
      bad('missing on', 'on', { commentId: COMMENT, reaction: 'agree' }),
      bad('unknown field', '', { commentId: COMMENT, reaction: 'agree', on: true, count: 100 }),
    ],
  },
  'comment:hide': {
    good: [
      { commentId: COMMENT, reason: '与本议题无关' },
      { commentId: COMMENT, reason: str(200) },
    ],
    bad: [
      ...idCases('commentId', { reason: '重复' }),
      bad('reason longer than 200', 'reason', { commentId: COMMENT, reason: str(201) }),
      bad('missing reason', 'reason', { commentId: COMMENT }),
      bad('unknown field (hiding never deletes)', '', { commentId: COMMENT, reason: '重复', delete: true }),
    ],
  },
  'comments:page': {
    good: [{ limit: 50 }, { before: COMMENT, limit: 100 }, { limit: 1 }],
    bad: [
      bad('limit 0', 'limit', { limit: 0 }),
      bad('limit above 100', 'limit', { limit: 101 }),
      bad('fractional limit', 'limit', { limit: 2.5 }),
      bad('limit as a string', 'limit', { limit: '10' }),
      bad('empty before', 'before', { before: '' }),
      bad('before longer than 64', 'before', { before: str(65) }),
      bad('unknown field', '', { after: COMMENT }),
    ],
  },
  'minutes:setSummary': {
    good: [
      { turnId: TURN, text: '张委员建议增加农村教师编制，并提出三条具体措施。' },
      { turnId: TURN, text: '' },
      { turnId: TURN, text: str(10_000) },
    ],
    bad: [
      ...idCases('turnId', { text: '摘要' }),
      bad('text longer than 10000', 'text', { turnId: TURN, text: str(10_001) }),
      bad('missing text', 'text', { turnId: TURN }),
      bad('unknown field', '', { turnId: TURN, text: '摘要', by: 'u-sec' }),
    ],
  },
  'minutes:setNotes': {
    good: [{ text: '会议由王主席主持。' }, { text: '' }, { text: str(20_000) }],
    bad: [
      bad('text longer than 20000', 'text', { text: str(20_001) }),
      bad('text as an array', 'text', { text: ['a', 'b'] }),
      bad('missing text', 'text', {}),
      bad('unknown field', '', { text: 'x', append: true }),
    ],
  },
  'minutes:addConsensus': {
    good: [
      { text: '各方同意在下学期试点教师轮岗制度。' },
      { text: str(2000) },
      { id: '0b7e4c2a-5d1f-4e8a-9c3b-2f6d8e1a7b45', text: '同意' },
    ],
    bad: [
      bad('text longer than 2000', 'text', { text: str(2001) }),
      bad('missing text', 'text', {}),
      bad('an id that is not a UUID', 'id', { text: '同意', id: 'k1' }),
      bad('unknown field', '', { text: '同意', by: 'u-sec' }),
    ],
  },
  'minutes:updateConsensus': {
    good: [{ id: 'k-1', text: '修改后的协商意见' }],
    bad: [
      ...idCases('id', { text: '同意' }),
      bad('text longer than 2000', 'text', { id: 'k-1', text: str(2001) }),
      bad('missing text', 'text', { id: 'k-1' }),
    ],
  },
  'minutes:removeConsensus': {
    good: [{ id: 'k-1' }],
    bad: [...idCases('id'), bad('unknown field', '', { id: 'k-1', text: '同意' })],
  },
  'minutes:addAction': {
    good: [
      { title: '制定农村教师补充方案', ownerUnit: '市教育局' },
      { title: '制定农村教师补充方案', ownerUnit: '市教育局', dueDate: '2025-06-30', status: 'open' },
      { title: str(500), ownerUnit: str(100), dueDate: '2028-02-29', status: 'in_progress' },
      { id: '0b7e4c2a-5d1f-4e8a-9c3b-2f6d8e1a7b45', title: '方案', ownerUnit: '市教育局' },
    ],
    bad: [
      bad('title longer than 500', 'title', { title: str(501), ownerUnit: '市教育局' }),
      bad('ownerUnit longer than 100', 'ownerUnit', { title: '方案', ownerUnit: str(101) }),
      bad('missing ownerUnit', 'ownerUnit', { title: '方案' }),
      bad('date with slashes', 'dueDate', { title: '方案', ownerUnit: '市教育局', dueDate: '2025/06/30' }),
      bad('date without leading zeros', 'dueDate', { title: '方案', ownerUnit: '市教育局', dueDate: '2025-6-30' }),
      bad('a date that does not exist', 'dueDate', { title: '方案', ownerUnit: '市教育局', dueDate: '2025-02-30' }),
      bad('a month that does not exist', 'dueDate', { title: '方案', ownerUnit: '市教育局', dueDate: '2025-13-01' }),
      bad('a date and time', 'dueDate', { title: '方案', ownerUnit: '市教育局', dueDate: '2025-06-30T00:00:00Z' }),
      bad('unknown status', 'status', { title: '方案', ownerUnit: '市教育局', status: 'closed' }),
      bad('unknown field', '', { title: '方案', ownerUnit: '市教育局', owner: '张三' }),
    ],
  },
  'minutes:updateAction': {
    good: [
      { id: 'a-1' },
      { id: 'a-1', dueDate: null },
      { id: 'a-1', title: '方案（修订）', ownerUnit: '市财政局', dueDate: '2025-12-31', status: 'done' },
      { id: 'a-1', status: 'dropped' },
    ],
    bad: [
      ...idCases('id', { status: 'done' }),
      bad('a date in words', 'dueDate', { id: 'a-1', dueDate: 'tomorrow' }),
      bad('unknown status', 'status', { id: 'a-1', status: 'finished' }),
      bad('title as null', 'title', { id: 'a-1', title: null }),
      bad('unknown field', '', { id: 'a-1', note: 'x' }),
    ],
  },
  'minutes:removeAction': {
    good: [{ id: 'a-1' }],
    bad: [...idCases('id'), bad('unknown field', '', { id: 'a-1', all: true })],
  },
  'minutes:promoteComment': {
    good: [{ commentId: COMMENT }],
    bad: [...idCases('commentId'), bad('unknown field', '', { commentId: COMMENT, text: 'edited' })],
  },
  'minutes:submit': { good: [{}], bad: emptyCases({ to: 'u-chair' }) },
  'minutes:finalize': {
    good: [{}],
    bad: [
      ...emptyCases({ version: 2 }),
      bad('a hash sent along (the server computes it)', '', { hash: 'a'.repeat(64) }),
    ],
  },
  'minutes:reopen': { good: [{}], bad: emptyCases({ reason: 'correction' }) },
  'site:headcount': {
    good: [{ count: 0 }, { count: 30 }, { count: SITE_HEADCOUNT_MAX }],
    bad: [
      bad('missing count', 'count', {}),
      bad('negative', 'count', { count: -1 }),
      bad('a fraction', 'count', { count: 2.5 }),
      bad('beyond the most a site may report', 'count', { count: SITE_HEADCOUNT_MAX + 1 }),
      bad('as a string', 'count', { count: '30' }),
      bad('unknown field', '', { count: 30, siteId: 'other' }),
    ],
  },
  'site:speaker': {
    good: [{ name: '村民代表 王某' }, { name: str(NAME_MAX) }],
    bad: [
      bad('missing name', 'name', {}),
      bad('name longer than a name may be', 'name', { name: str(NAME_MAX + 1) }),
      bad('name as a list', 'name', { name: ['王某'] }),
      bad('unknown field', '', { name: '王某', turnId: 't-1' }),
    ],
  },
  'poll:open': {
    good: [
      { question: '是否同意在水口村试点？', anonymous: false },
      {
        id: 'c0ffee00-0000-4000-8000-000000000000',
        question: '优先修哪条路？',
        options: ['村东', '村西'],
        anonymous: true,
      },
    ],
    bad: [
      bad('missing question', 'question', { anonymous: false }),
      bad('question longer than 500', 'question', { question: str(501), anonymous: false }),
      bad('missing anonymous', 'anonymous', { question: '是否同意？' }),
      bad('one option', 'options', { question: '是否同意？', options: ['同意'], anonymous: false }),
      bad('eleven options', 'options', {
        question: '?',
        options: Array.from({ length: 11 }, (_, i) => `${i}`),
        anonymous: false,
      }),
      bad('an option longer than 40', 'options.0', { question: '?', options: [str(41), '否'], anonymous: false }),
      bad('id not a uuid', 'id', { id: 'poll-1', question: '?', anonymous: false }),
      bad('unknown field', '', { question: '?', anonymous: false, binding: true }),
    ],
  },
  'poll:answer': {
    good: [
      { pollId: 'p-1', option: 0 },
      { pollId: 'p-1', option: 9 },
    ],
    bad: [
      ...idCases('pollId', { option: 0 }),
      bad('negative option', 'option', { pollId: 'p-1', option: -1 }),
      bad('option past the most a poll has', 'option', { pollId: 'p-1', option: 10 }),
      bad('option by its text', 'option', { pollId: 'p-1', option: '同意' }),
      bad('unknown field', '', { pollId: 'p-1', option: 0, personId: 'u-m1' }),
    ],
  },
  'poll:siteCounts': {
    good: [
      { pollId: 'p-1', counts: [20, 5, 5] },
      { pollId: 'p-1', counts: [0, 0] },
    ],
    bad: [
      ...idCases('pollId', { counts: [1, 2] }),
      bad('missing counts', 'counts', { pollId: 'p-1' }),
      bad('a negative count', 'counts.1', { pollId: 'p-1', counts: [3, -1, 0] }),
      bad('a fractional count', 'counts.0', { pollId: 'p-1', counts: [1.5, 0] }),
      bad('a single count', 'counts', { pollId: 'p-1', counts: [3] }),
      bad('unknown field', '', { pollId: 'p-1', counts: [1, 2], headcount: 3 }),
    ],
  },
  'poll:close': {
    good: [{ pollId: 'p-1' }],
    bad: [...idCases('pollId'), bad('unknown field', '', { pollId: 'p-1', publish: true })],
  },
};

checkEverySchema('RequestSchemas', RequestSchemas, requestCases);

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

  it('takes a unit invited into a session with its unit, and the unit of no one else', () => {
    const unit = {
      sub: 'u-fgw',
      name: '张处长',
      room: 'county-council',
      role: 'unit',
      unit: '发展和改革委员会',
    } as const;
    expect(TokenClaimsSchema.parse(unit)).toEqual(unit);
    expect(TokenClaimsSchema.safeParse({ ...unit, unit: '委'.repeat(65) }).success).toBe(false);
    const { unit: _, ...withoutUnit } = unit;
    expect(TokenClaimsSchema.safeParse(withoutUnit).error?.issues.map((i) => i.path.join('.'))).toEqual(['unit']);
    const member = TokenClaimsSchema.safeParse({ ...claims, role: 'member', unit: '发展和改革委员会' });
    expect(member.error?.issues.map((i) => i.path.join('.'))).toEqual(['unit']);
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

describe('comments:page', () => {
  it('defaults the page size to 50', () => {
    expect(RequestSchemas['comments:page'].parse({})).toEqual({ limit: 50 });
    expect(RequestSchemas['comments:page'].parse({ before: COMMENT })).toEqual({ before: COMMENT, limit: 50 });
  });
});
