import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  type CommentView,
  HandshakeAuthSchema,
  MAX_COMMENT_LENGTH,
  type MinutesView,
  type NotificationName,
  type NotificationPayload,
  NotificationSchemas,
  PROTOCOL_VERSION,
  type RequestName,
  type RequestPayload,
  RequestSchemas,
  type QueueView,
  type RtpCapabilities,
  type RtpParameters,
  ScheduleSchema,
  type SessionView,
  TokenClaimsSchema,
  TopicCreateSchema,
  TopicUpdateSchema,
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

const ENTRY = 'e-3c1f0a7b';
const COMMENT = 'c-9d2e4f11';
const TURN = 't-51aa09c2';

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
    ],
    bad: [
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
    good: [{ peerId: 'u-li-hua', reason: '扰乱会场秩序' }, { peerId: 'u-li-hua', reason: '' }],
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
    good: [{ text: '各方同意在下学期试点教师轮岗制度。' }, { text: str(2000) }, { id: '0b7e4c2a-5d1f-4e8a-9c3b-2f6d8e1a7b45', text: '同意' }],
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
};

const producerEvent = () => ({ producerId: ID, peerId: 'u-li-hua' });
const producerEventBad = (): BadCase[] => [
  bad('missing peerId', 'peerId', { producerId: ID }),
  bad('producerId longer than 64', 'producerId', { producerId: str(65), peerId: 'u-li-hua' }),
  bad('unknown field', '', { ...producerEvent(), kind: 'audio' }),
];

/** 2025-03-05 09:00 in Asia/Shanghai. */
const T = Date.UTC(2025, 2, 5, 1, 0, 0);
const chairPerson = { id: 'u-chair', name: '王主席', role: 'chair', sector: '中共' } as const;
const memberPerson = { id: 'u-li-hua', name: '李华', role: 'member', sector: '教育界' } as const;
const guestPerson = { id: 'u-guest', name: '刘处长', role: 'guest' } as const;

function sessionState(): SessionView {
  return {
    version: 12,
    topic: {
      id: 'topic-2025-07',
      title: '关于加强农村学校师资建设的协商',
      background: '全市农村学校教师缺口约三百人。',
      materials: [{ title: '调研报告', url: 'https://example.org/report.pdf' }],
      sectors: ['教育界', '农业界'],
      proposalNumber: '2025-0137',
      organiser: '政协办公厅',
      status: 'in_session',
    },
    session: {
      id: 'topic-2025-07',
      status: 'in_progress',
      place: 'remote',
      timeZone: 'Asia/Shanghai',
      scheduledAt: T - 86_400_000,
      openedAt: T - 600_000,
      startedAt: T,
    },
    agenda: [
      { id: 'ag-1', title: '承办单位通报', status: 'done' },
      { id: 'ag-2', title: '委员发言', description: '每位委员三分钟', status: 'current' },
      { id: 'ag-3', title: '形成协商意见', status: 'pending' },
    ],
    settings: {
      mode: 'moderated',
      turnSeconds: { point_of_order: 60, reply: 60, contribution: 180 },
      graceSeconds: 15,
      autoEnd: true,
      fairness: false,
      observersMayComment: false,
    },
  };
}

const turnViewFixture = (over: Partial<NonNullable<QueueView['current']>> = {}) => ({
  id: TURN,
  speaker: memberPerson,
  kind: 'contribution' as const,
  agendaItemId: 'ag-2',
  startedAt: T + 60_000,
  allowedMs: 180_000,
  spokenMs: 42_000,
  remainingMs: 138_000,
  paused: false,
  warned: false,
  ...over,
});

function queueState(): QueueView {
  return {
    version: 15,
    serverNow: T + 102_000,
    mode: 'moderated',
    listClosed: false,
    pointsOfOrderBlocked: false,
    entries: [
      {
        id: ENTRY,
        agendaItemId: 'ag-2',
        speaker: guestPerson,
        kind: 'contribution',
        requestedAt: T + 30_000,
        addedBy: 'u-chair',
      },
    ],
    current: turnViewFixture({ id: 't-2', speaker: chairPerson, kind: 'reply', allowedMs: 60_000 }),
    interrupted: [turnViewFixture({ paused: true })],
  };
}

function commentFixture(over: Partial<CommentView> = {}): CommentView {
  return {
    id: COMMENT,
    agendaItemId: 'ag-2',
    author: memberPerson,
    text: '建议设立乡村教师专项津贴。',
    reactions: {},
    createdAt: T + 75_000,
    ...over,
  };
}

const commentCases = (): Cases<CommentView> => ({
  good: [
    commentFixture(),
    commentFixture({
      id: 'c-2',
      agendaItemId: null,
      replyTo: COMMENT,
      stance: 'support',
      reactions: { agree: ['u-chair', 'u-guest'], applause: [] },
    }),
    // A hidden comment as members see it: who hid it and why, but no text.
    commentFixture({ text: '', hidden: { byName: '王主席', reason: '与议题无关', at: T + 90_000 } }),
  ],
  bad: [
    bad('unknown reaction', 'reactions', commentFixture({ reactions: loose({ like: ['u-chair'] }) })),
    bad('reactor id empty', 'reactions.agree.0', commentFixture({ reactions: { agree: [''] } })),
    bad('unknown stance', 'stance', { ...commentFixture(), stance: 'against' }),
    bad('author without name', 'author.name', { ...commentFixture(), author: { id: 'u1', role: 'member' } }),
    bad('author with an unknown role', 'author.role', {
      ...commentFixture(),
      author: { ...memberPerson, role: 'admin' },
    }),
    bad('createdAt as a string', 'createdAt', { ...commentFixture(), createdAt: '2025-03-05T01:01:15Z' }),
    bad('agendaItemId missing (null must be explicit)', 'agendaItemId', {
      ...commentFixture(),
      agendaItemId: undefined,
    }),
    bad('hidden with the hider’s user id (internal)', 'hidden', {
      ...commentFixture(),
      hidden: { by: 'u-chair', byName: '王主席', reason: '离题', at: T },
    }),
    bad('hidden without reason', 'hidden.reason', { ...commentFixture(), hidden: { byName: '王主席', at: T } }),
    bad('unknown field', '', { ...commentFixture(), score: 3 }),
  ],
});

function minutesState(): MinutesView {
  return {
    version: 31,
    minutes: {
      status: 'draft',
      version: 2,
      summaries: { [TURN]: { text: '李华委员建议设立专项津贴。', updatedAt: T + 400_000, by: 'u-sec' } },
      notes: '会议由王主席主持。',
      consensus: [{ id: 'k-1', text: '各方同意试点教师轮岗。' }],
      actions: [
        { id: 'a-1', title: '制定补充方案', ownerUnit: '市教育局', dueDate: '2025-06-30', status: 'open' },
        { id: 'a-2', title: '测算经费', ownerUnit: '市财政局', status: 'in_progress' },
      ],
      promotedCommentIds: [COMMENT],
      finalized: [{ version: 1, hash: 'ab'.repeat(32), at: T + 3_600_000, by: 'u-chair' }],
    },
    turns: [
      {
        id: TURN,
        speaker: memberPerson,
        kind: 'contribution',
        agendaItemId: 'ag-2',
        startedAt: T + 60_000,
        allowedMs: 180_000,
        spokenMs: 175_500,
        endedAt: T + 240_000,
      },
      {
        id: 't-2',
        speaker: guestPerson,
        kind: 'reply',
        agendaItemId: 'ag-2',
        startedAt: T + 250_000,
        allowedMs: 60_000,
        spokenMs: 1_000,
      },
    ],
    attendance: [
      {
        person: { id: 'u-wang', name: '王委员', role: 'member', sector: '经济界' },
        present: true,
        firstJoinedAt: T,
        presentMs: 600_000,
      },
      {
        person: { id: 'u-li', name: '李秘书', role: 'secretary' },
        present: false,
        firstJoinedAt: T,
        presentMs: 60_000,
      },
    ],
  };
}

/** `minutesState()` with `change` applied to a deep copy (bad cases). */
function minutesWith(change: (m: MinutesView) => void): unknown {
  const copy = minutesState();
  change(copy);
  return copy;
}

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
  'session:state': {
    good: [
      sessionState(),
      (() => {
        // A session just created: nothing scheduled or opened yet, no agenda, no proposal number.
        const { proposalNumber: _p, ...topic } = sessionState().topic;
        return {
          ...sessionState(),
          version: 1,
          topic: { ...topic, materials: [], sectors: [], status: 'draft' as const },
          session: { id: 'topic-2025-07', status: 'scheduled' as const, place: 'remote', timeZone: 'Asia/Shanghai' },
          agenda: [],
        };
      })(),
    ],
    bad: [
      bad('unknown session status', 'session.status', {
        ...sessionState(),
        session: { ...sessionState().session, status: 'running' },
      }),
      bad('unknown topic status', 'topic.status', {
        ...sessionState(),
        topic: { ...sessionState().topic, status: 'done' },
      }),
      bad('topic with its internal timestamps', 'topic', {
        ...sessionState(),
        topic: { ...sessionState().topic, createdAt: T },
      }),
      bad('topic without a title', 'topic.title', {
        ...sessionState(),
        topic: { ...sessionState().topic, title: undefined },
      }),
      bad('material without url', 'topic.materials.0.url', {
        ...sessionState(),
        topic: { ...sessionState().topic, materials: [{ title: '报告' }] },
      }),
      bad('agenda item with an unknown status', 'agenda.1.status', {
        ...sessionState(),
        agenda: [sessionState().agenda[0], { id: 'ag-2', title: '发言', status: 'open' }],
      }),
      bad('settings missing a turn time', 'settings.turnSeconds.reply', {
        ...sessionState(),
        settings: { ...sessionState().settings, turnSeconds: { point_of_order: 60, contribution: 180 } },
      }),
      bad('unknown floor mode', 'settings.mode', {
        ...sessionState(),
        settings: { ...sessionState().settings, mode: 'free' },
      }),
      bad('fractional version', 'version', { ...sessionState(), version: 1.5 }),
      bad('openedAt as a date string', 'session.openedAt', {
        ...sessionState(),
        session: { ...sessionState().session, openedAt: '2025-03-05' },
      }),
      bad('unknown field', '', { ...sessionState(), queue: [] }),
    ],
  },
  'queue:state': {
    good: [
      queueState(),
      {
        version: 3,
        serverNow: T,
        mode: 'open',
        listClosed: true,
        pointsOfOrderBlocked: true,
        entries: [],
        current: null,
        interrupted: [],
      },
      // Overtime: the remaining time goes negative while the grace period runs.
      { ...queueState(), current: turnViewFixture({ spokenMs: 190_000, remainingMs: -10_000, warned: true }) },
    ],
    bad: [
      bad('entry of an unknown kind', 'entries.0.kind', {
        ...queueState(),
        entries: [{ ...queueState().entries[0], kind: 'speech' }],
      }),
      bad('entry speaker with an unknown role', 'entries.0.speaker.role', {
        ...queueState(),
        entries: [{ ...queueState().entries[0], speaker: { ...guestPerson, role: 'admin' } }],
      }),
      bad('entry without addedBy', 'entries.0.addedBy', {
        ...queueState(),
        entries: [{ ...queueState().entries[0], addedBy: undefined }],
      }),
      bad('missing current (null must be explicit)', 'current', { ...queueState(), current: undefined }),
      bad('current turn without its clock', 'current.remainingMs', {
        ...queueState(),
        current: { ...turnViewFixture(), remainingMs: undefined },
      }),
      bad('interrupted turn with paused as a string', 'interrupted.0.paused', {
        ...queueState(),
        interrupted: [{ ...turnViewFixture(), paused: 'yes' }],
      }),
      bad('fractional serverNow', 'serverNow', { ...queueState(), serverNow: T + 0.5 }),
      bad('unknown mode', 'mode', { ...queueState(), mode: 'free' }),
      bad('unknown field', '', { ...queueState(), turns: [] }),
    ],
  },
  'comments:added': (() => {
    const one = commentCases();
    return {
      good: [{ comments: one.good.slice(0, 1) }, { comments: one.good }],
      bad: [
        bad('no comments', 'comments', { comments: [] }),
        bad('a comment alone, not in the list', 'comments', commentFixture()),
        ...one.bad.map((b) => bad(b.why, under('comments.0', b.at), { comments: [b.payload] })),
      ],
    };
  })(),
  'comment:updated': commentCases(),
  'minutes:state': {
    good: [
      minutesState(),
      {
        version: 2,
        minutes: {
          status: 'under_review',
          version: 1,
          summaries: {},
          notes: '',
          consensus: [],
          actions: [],
          promotedCommentIds: [],
          finalized: [],
        },
        turns: [],
        attendance: [],
      },
    ],
    bad: [
      bad(
        'unknown minutes status',
        'minutes.status',
        minutesWith((m) => {
          loose(m.minutes).status = 'approved';
        }),
      ),
      bad(
        'finalized version with its whole document (not for the wire)',
        'minutes.finalized.0',
        minutesWith((m) => {
          loose(m.minutes.finalized[0]!).document = { schema: 'yishi.minutes/v1' };
        }),
      ),
      bad(
        'finalized version without hash',
        'minutes.finalized.0.hash',
        minutesWith((m) => {
          delete loose(m.minutes.finalized[0]!).hash;
        }),
      ),
      bad(
        'action with an unknown status',
        'minutes.actions.0.status',
        minutesWith((m) => {
          loose(m.minutes.actions[0]!).status = 'closed';
        }),
      ),
      bad(
        'summary without author',
        `minutes.summaries.${TURN}.by`,
        minutesWith((m) => {
          delete loose(m.minutes.summaries[TURN]!).by;
        }),
      ),
      bad(
        'consensus point as a bare string',
        'minutes.consensus.0',
        minutesWith((m) => {
          (m.minutes.consensus as unknown[])[0] = '同意';
        }),
      ),
      bad(
        'turn without spokenMs',
        'turns.0.spokenMs',
        minutesWith((m) => {
          delete loose(m.turns[0]!).spokenMs;
        }),
      ),
      bad(
        'turn with live clock fields',
        'turns.1',
        minutesWith((m) => {
          loose(m.turns[1]!).remainingMs = 59_000;
        }),
      ),
      bad(
        'missing turns',
        'turns',
        minutesWith((m) => {
          delete loose(m).turns;
        }),
      ),
    ],
  },
  'mic:state': {
    good: [
      { allowed: true, mutedByChair: false },
      { allowed: false, mutedByChair: false },
      { allowed: true, mutedByChair: true },
    ],
    bad: [
      bad('missing mutedByChair', 'mutedByChair', { allowed: true }),
      bad('allowed as a string', 'allowed', { allowed: 'yes', mutedByChair: false }),
      bad('allowed as null', 'allowed', { allowed: null, mutedByChair: false }),
      bad('unknown field', '', { allowed: true, mutedByChair: false, producerId: ID }),
    ],
  },
  'session:replaced': {
    good: [{}],
    bad: [bad('unknown field', '', { by: 'other-tab' }), bad('null', '', null)],
  },
  'session:removed': {
    good: [{ reason: '扰乱会场秩序' }, { reason: '' }],
    bad: [bad('missing reason', 'reason', {}), bad('reason as a number', 'reason', { reason: 1 })],
  },
  'server:draining': {
    good: [{}],
    bad: [bad('unknown field', '', { node: 'a' }), bad('null', '', null)],
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

describe('comments:page', () => {
  it('defaults the page size to 50', () => {
    expect(RequestSchemas['comments:page'].parse({})).toEqual({ limit: 50 });
    expect(RequestSchemas['comments:page'].parse({ before: COMMENT })).toEqual({ before: COMMENT, limit: 50 });
  });
});

describe('organiser API bodies', () => {
  /** A topic as an organiser posts it, every defaulted field spelled out (so it parses unchanged). */
  const topic = () => ({
    id: 'topic-2025-07',
    title: '关于加强农村学校师资建设的协商',
    background: '全市农村学校教师缺口约三百人。',
    materials: [{ title: '调研报告', url: 'https://example.org/report.pdf' }],
    sectors: ['教育界', '农业界'],
    proposalNumber: '2025-0137',
    organiser: '政协办公厅',
    agenda: [
      { id: 'ag-1', title: '承办单位通报' },
      { title: '委员发言', description: '每位委员三分钟' },
    ],
    timeZone: 'Asia/Shanghai',
    settings: { mode: 'moderated' as const, turnSeconds: { contribution: 240 }, fairness: true },
    scheduledAt: '2025-03-05T09:00:00+08:00',
  });
  const minimal = () => ({
    title: '协商议题',
    background: '',
    materials: [],
    sectors: [],
    organiser: '政协办公厅',
    agenda: [],
  });

  describe('TopicCreateSchema', () => {
    checkCases(TopicCreateSchema, {
      good: [topic(), minimal(), { ...minimal(), scheduledAt: '2025-03-05T01:00:00Z', timeZone: 'Europe/Berlin' }],
      bad: [
        bad('missing title', 'title', { ...minimal(), title: undefined }),
        bad('title of spaces only', 'title', { ...minimal(), title: '   ' }),
        bad('title longer than 200', 'title', { ...minimal(), title: '题'.repeat(201) }),
        bad('missing organiser', 'organiser', { ...minimal(), organiser: undefined }),
        bad('background longer than 10000', 'background', { ...minimal(), background: str(10_001) }),
        bad('id with a slash (it goes into URLs)', 'id', { ...topic(), id: 'topic/1' }),
        bad('id in Chinese', 'id', { ...topic(), id: '议题一' }),
        bad('material with a relative url', 'materials.0.url', {
          ...topic(),
          materials: [{ title: '报告', url: '/files/report.pdf' }],
        }),
        bad('material without title', 'materials.0.title', { ...topic(), materials: [{ url: 'https://example.org' }] }),
        bad('more than 50 materials', 'materials', {
          ...topic(),
          materials: Array.from({ length: 51 }, () => ({ title: 'x', url: 'https://example.org' })),
        }),
        bad('empty sector', 'sectors.0', { ...topic(), sectors: [''] }),
        bad('sector longer than 32', 'sectors.0', { ...topic(), sectors: [str(33)] }),
        bad('empty proposal number', 'proposalNumber', { ...topic(), proposalNumber: '' }),
        bad('agenda item without title', 'agenda.0.title', { ...topic(), agenda: [{ description: 'x' }] }),
        bad('agenda item with a status (the server keeps it)', 'agenda.0', {
          ...topic(),
          agenda: [{ title: '发言', status: 'current' }],
        }),
        bad('more than 50 agenda items', 'agenda', {
          ...topic(),
          agenda: Array.from({ length: 51 }, (_, i) => ({ title: `议程${i}` })),
        }),
        bad('unknown time zone', 'timeZone', { ...topic(), timeZone: 'Mars/Olympus_Mons' }),
        bad('bad settings', 'settings.turnSeconds.contribution', {
          ...topic(),
          settings: { turnSeconds: { contribution: 5 } },
        }),
        bad('scheduledAt without offset', 'scheduledAt', { ...topic(), scheduledAt: '2025-03-05T09:00:00' }),
        bad('scheduledAt as epoch ms', 'scheduledAt', { ...topic(), scheduledAt: T }),
        bad('scheduledAt on a day that does not exist', 'scheduledAt', {
          ...topic(),
          scheduledAt: '2025-02-30T09:00:00+08:00',
        }),
        bad('a status (the lifecycle sets it)', '', { ...topic(), status: 'scheduled' }),
      ],
    });

    it('fills defaults and trims text', () => {
      expect(TopicCreateSchema.parse({ title: '  协商议题 ', organiser: ' 政协办公厅' })).toEqual(minimal());
    });
  });

  describe('TopicUpdateSchema', () => {
    checkCases(TopicUpdateSchema, {
      good: [
        { title: '新标题' },
        { background: '' },
        { materials: [], sectors: ['经济界'], proposalNumber: '2025-0200', organiser: '市政协' },
        { agenda: [{ id: 'ag-1', title: '通报' }, { title: '讨论' }] },
      ],
      bad: [
        bad('nothing to update', '', {}),
        bad('empty title', 'title', { title: '' }),
        bad('title longer than 200', 'title', { title: str(201) }),
        bad('sector longer than 32', 'sectors.0', { sectors: [str(33)] }),
        bad('agenda item with an empty title', 'agenda.0.title', { agenda: [{ title: ' ' }] }),
        bad('settings (changed by the chair in the room, not here)', '', { settings: { mode: 'open' } }),
        bad('id (a topic keeps its id)', '', { id: 'other', title: 'x' }),
      ],
    });
  });

  describe('ScheduleSchema', () => {
    checkCases(ScheduleSchema, {
      good: [{ scheduledAt: '2025-03-05T09:00:00+08:00' }, { scheduledAt: '2025-03-05T01:00:00.000Z' }],
      bad: [
        bad('missing scheduledAt', 'scheduledAt', {}),
        bad('a date without time', 'scheduledAt', { scheduledAt: '2025-03-05' }),
        bad('epoch ms', 'scheduledAt', { scheduledAt: T }),
        bad('no offset', 'scheduledAt', { scheduledAt: '2025-03-05T09:00:00' }),
        bad('unknown field', '', { scheduledAt: '2025-03-05T09:00:00+08:00', open: true }),
      ],
    });
  });
});
