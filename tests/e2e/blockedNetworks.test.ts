import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundStats, transportPaths, waitForMediaFrom } from '../support/browser.js';
import { TestClient } from '../support/client.js';
import { type Coturn, coturnUnavailable, startCoturn } from '../support/coturn.js';
import { rtpCapabilities } from '../support/mediaFixtures.js';
import { type LinkShape, netnsUnavailable } from '../support/netns.js';
import { startWeakLinkRig, type WeakLinkRig } from '../support/weakLink.js';
import { turnPassword } from '../../signaling/src/turn/turnCredentials.js';

/**
 * Members on networks that block UDP, each a Chromium in a network namespace behind a link that
 * filters (netns.ts; root only, skipped with the reason otherwise):
 *
 * - all UDP dropped both ways: the page joins over ICE-TCP to the SFU's TCP port (the
 *   WebRtcServer listens on UDP and TCP), and media flows both ways;
 * - everything dropped but TCP to the server's HTTP port and to a TURN server's TLS port (a
 *   network that lets only outbound TCP 443 out, the ports chosen at run time): the page joins
 *   through coturn over TLS with the credentials of its join answer, and media flows both ways.
 *   coturn here is Debian's, started by the test with a self-signed certificate; the browser
 *   behind the link trusts that one certificate (Chromium's `--ignore-certificate-errors-spki-list`
 *   with its key's hash: Chromium verifies a `turns:` server's certificate like a web site's, as
 *   the last test shows), as a deployment's browsers trust its real certificate.
 *
 * Media "flows" when inbound-rtp counters (getStats) grow at both pages; how it flows is the
 * selected ICE candidate pair of each transport.
 */

const unavailable = netnsUnavailable() ?? coturnUnavailable();
if (unavailable) console.warn(`blockedNetworks.test.ts skipped: ${unavailable}`);

/**
 * What `page` has received from `peerId` so far: decoded video frames, audio packets; and whether
 * the page wants any of that peer's video (its receive policy has not paused it).
 */
async function receivedFrom(page: Page, peerId: string) {
  const rows = (await inboundStats(page)).filter((r) => r.peerId === peerId);
  const sum = (kind: string, pick: (r: (typeof rows)[number]) => number) =>
    rows.filter((r) => r.kind === kind).reduce((n, r) => n + pick(r), 0);
  return {
    frames: sum('video', (r) => r.framesDecoded),
    packets: sum('audio', (r) => r.packetsReceived),
    wantsVideo: rows.some((r) => r.kind === 'video' && !r.paused),
  };
}

/**
 * Video and audio from each to the other arrive, and keep arriving: audio always, video unless the
 * receiving page's policy paused it (on a loaded machine a page may find its videos stalled and
 * step down to its thin-link mode, which receives only the large view's video).
 */
async function expectMediaBothWays(a: Page, aId: string, b: Page, bId: string): Promise<void> {
  await waitForMediaFrom(a, bId, { timeoutMs: 60_000 });
  await waitForMediaFrom(b, aId, { timeoutMs: 60_000 });
  for (const [page, from] of [
    [a, bId],
    [b, aId],
  ] as const) {
    const before = await receivedFrom(page, from);
    await expect
      .poll(
        async () => {
          const now = await receivedFrom(page, from);
          return (now.frames > before.frames || !now.wantsVideo) && now.packets > before.packets;
        },
        // Measured back within 5.4 s after a reconnect through the relay under three busy loops
        // on the two cores, once a cut no longer counts as a thin link (ReceivePolicy.measureLink).
        { timeout: 30_000, message: `media from ${from} keeps arriving` },
      )
      .toBe(true);
  }
}

describe.skipIf(unavailable !== undefined)('a member whose network drops all UDP', () => {
  let rig: WeakLinkRig | undefined;
  beforeAll(async () => {
    rig = await startWeakLinkRig('no-udp', { mode: 'open' });
    rig.netns.shape({ filter: 'no-udp' });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('joins over ICE-TCP to the SFU, and sees and hears and is seen and heard', async () => {
    const chair = await rig!.open('host', 'chair', { name: '王主席', role: 'chair' });
    const alice = await rig!.open('shaped', 'alice', { name: '甲委员', role: 'member' });
    await expectMediaBothWays(chair, 'chair', alice, 'alice');
    // Both of her transports reach the SFU's TCP port directly (her end of an active ICE-TCP
    // connection is a host or peer-reflexive candidate); the chair's network still uses UDP.
    const tcp = {
      localType: expect.stringMatching(/^(host|prflx)$/),
      protocol: 'tcp',
      remoteType: 'host',
      remoteProtocol: 'tcp',
    };
    expect(await transportPaths(alice)).toEqual({
      send: expect.objectContaining(tcp),
      recv: expect.objectContaining(tcp),
    });
    expect(await transportPaths(chair)).toEqual({
      send: expect.objectContaining({ protocol: 'udp' }),
      recv: expect.objectContaining({ protocol: 'udp' }),
    });
  }, 180_000);
});

describe.skipIf(unavailable !== undefined)('a member whose network lets only TCP to two ports out', () => {
  let rig: WeakLinkRig | undefined;
  let turn: Coturn | undefined;
  let tcpOnly: LinkShape;
  beforeAll(async () => {
    rig = await startWeakLinkRig('tcp-only', { mode: 'open' }, async (netns) => {
      // coturn beside the server on the link's host address, relaying to the SFU there only.
      turn = await startCoturn({ address: netns.hostAddress, peer: netns.hostAddress });
      const started = turn;
      return {
        env: { YISHI_TURN_URLS: started.url, YISHI_TURN_SECRET: started.secret, YISHI_TURN_TTL: '600' },
        shapedArgs: [`--ignore-certificate-errors-spki-list=${started.spki}`],
        close: () => started.close(),
      };
    });
    const serverPort = Number(new URL(rig.server.url).port);
    tcpOnly = { filter: { tcpTo: [serverPort, turn!.port] } };
    rig.netns.shape(tcpOnly);
  });
  afterAll(async () => {
    await rig?.close();
  });

  /**
   * Gathers ICE candidates through `server` alone (relay only) in `page`: the relay candidates
   * coturn allocated, and the errors it answered (e.g. 401 for credentials it refuses).
   */
  const gather = (page: Page, server: RTCIceServer) =>
    page.evaluate(async (iceServer) => {
      const pc = new RTCPeerConnection({ iceServers: [iceServer], iceTransportPolicy: 'relay' });
      const relays: string[] = [];
      const errors: number[] = [];
      pc.onicecandidate = (e) => {
        if (e.candidate?.type === 'relay') relays.push(e.candidate.candidate);
      };
      pc.onicecandidateerror = (e) => errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode);
      pc.createDataChannel('probe');
      const complete = new Promise<void>((resolve) => {
        pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
      });
      await pc.setLocalDescription(await pc.createOffer());
      await Promise.race([complete, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      pc.close();
      return { relays: relays.length, errors };
    }, server);

  /** The iceServers of a join answer, as a client of the server gets them. */
  async function joinAnswerIceServers(sub: string): Promise<RTCIceServer[]> {
    const { server } = rig!;
    const client = await TestClient.connect(server.url, {
      token: server.token({ sub, name: sub, room: 'tcp-only' }),
      roomId: 'tcp-only',
    });
    try {
      return (await client.call('room:join', { rtpCapabilities: rtpCapabilities() })).iceServers ?? [];
    } finally {
      client.close();
    }
  }

  it('joins through coturn over TLS with its join answer’s credentials, and media flows both ways', async () => {
    const chair = await rig!.open('host', 'chair', { name: '王主席', role: 'chair' });
    const alice = await rig!.open('shaped', 'alice', { name: '甲委员', role: 'member' });
    await expectMediaBothWays(chair, 'chair', alice, 'alice');
    // Her transports go through the relay, reached over TLS; coturn reaches the SFU's UDP port.
    const relayed = { localType: 'relay', relayProtocol: 'tls', remoteType: 'host', remoteProtocol: 'udp' };
    expect(await transportPaths(alice)).toEqual({
      send: expect.objectContaining(relayed),
      recv: expect.objectContaining(relayed),
    });
  }, 180_000);

  it('after losing the link long enough to reconnect, the page resumes its media through the relay (same consumers, ICE restart)', async () => {
    const chair = await rig!.open('host', 'chair2', { name: '王主席', role: 'chair' });
    const alice = await rig!.open('shaped', 'alice2', { name: '甲委员', role: 'member' });
    await expectMediaBothWays(chair, 'chair2', alice, 'alice2');
    const consumers = async () => (await inboundStats(alice)).map((r) => r.consumerId).sort();
    const before = await consumers();
    rig!.netns.shape({ ...tcpOnly, loss: 1 });
    await alice.waitForSelector('[data-testid="room"][data-phase="reconnecting"]', { timeout: 40_000 });
    rig!.netns.shape(tcpOnly);
    // Back within the grace: the same transports, restarted through the relay with the fresh
    // TURN credentials each restart's answer brings (the join's may have expired).
    await alice.waitForSelector('[data-testid="room"][data-phase="joined"]', { timeout: 60_000 });
    await expectMediaBothWays(chair, 'chair2', alice, 'alice2');
    expect(await consumers()).toEqual(before);
    const relayed = { localType: 'relay', relayProtocol: 'tls' };
    expect(await transportPaths(alice)).toEqual({
      send: expect.objectContaining(relayed),
      recv: expect.objectContaining(relayed),
    });
  }, 180_000);

  it('coturn relays for the credentials a join hands out, and refuses forged and expired ones', async () => {
    const [issued] = await joinAnswerIceServers('probe');
    const { username, credential, urls } = issued as { username: string; credential: string; urls: string[] };
    const [expiry, id] = username.split(':') as [string, string];
    const page = await rig!.blank('shaped');
    expect(await gather(page, { urls, username, credential })).toEqual({ relays: expect.any(Number), errors: [] });
    expect((await gather(page, { urls, username, credential })).relays).toBeGreaterThan(0);

    const now = Math.floor(Date.now() / 1000);
    const refused: Array<[what: string, server: RTCIceServer]> = [
      ['a password made with another secret', { urls, username, credential: turnPassword('guessed', username) }],
      ['a later expiry with the old password', { urls, username: `${Number(expiry) + 86_400}:${id}`, credential }],
      ['another id with the old password', { urls, username: `${expiry}:someone-else`, credential }],
      [
        'expired credentials, correctly signed',
        { urls, username: `${now - 60}:${id}`, credential: turnPassword(turn!.secret, `${now - 60}:${id}`) },
      ],
    ];
    for (const [what, server] of refused) {
      const result = await gather(page, server);
      expect(result, what).toEqual({ relays: 0, errors: expect.arrayContaining([401]) });
    }
  }, 180_000);

  it('a browser that does not trust the TURN server’s certificate gets no relay (the certificate is checked)', async () => {
    const [issued] = await joinAnswerIceServers('untrusting');
    const page = await rig!.blank('host');
    // 701: Chromium could not reach the TURN server (its TLS handshake failed); no 401, no allocation.
    expect(await gather(page, issued!)).toEqual({ relays: 0, errors: [701] });
  }, 60_000);
});
