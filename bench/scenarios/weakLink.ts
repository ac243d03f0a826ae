import type { Page } from 'playwright-core';
import { audioPacketsFrom, inboundStats } from '../../tests/support/browser.js';
import { type LinkShape, netnsUnavailable } from '../../tests/support/netns.js';
import { startWeakLinkRig, type WeakLinkRig } from '../../tests/support/weakLink.js';
import type { SendStats } from '@yishi/sfu';

/** The link settings measured, one row each; the first is the baseline. */
const LINKS: Array<{ label: string; shape: LinkShape }> = [
  { label: 'unshaped', shape: {} },
  { label: '256 kbit/s', shape: { rateKbit: 256 } },
  { label: '256 kbit/s + 10% loss', shape: { rateKbit: 256, loss: 0.1 } },
  { label: '256 kbit/s + 20% loss', shape: { rateKbit: 256, loss: 0.2 } },
];

const SAMPLE_MS = 1000;

/**
 * weak-link: a member ("shaped") in a Chromium behind a shaped link (tests/support/netns.ts),
 * the chair and a listener in an unshaped one, open floor so every microphone sounds. For each
 * link setting, in a fresh room joined before the link is shaped, after `warmupMs`: audio packets
 * per second at the listener from the shaped member and from the chair, at the shaped member from
 * the chair; and on the shaped page the video of the chair (large view) and of the listener (grid):
 * frames decoded per second, the width of the last frame, and how often the SFU sent no video at
 * all, the frames per second of whoever the large view showed (the speaker), what the link indicator
 * said, and what the SFU spent on the link (`summarizeSfu`), sampled every second.
 */
export async function weakLink(options: { warmupMs: number; windowMs: number }) {
  const unavailable = netnsUnavailable();
  if (unavailable) throw new Error(`weak-link needs network namespaces (run as root): ${unavailable}`);
  const rooms = LINKS.map((_, i) => `weak-${i}`);
  const rig = await startWeakLinkRig(rooms[0] as string, { mode: 'open' });
  try {
    const rows = [];
    for (const [i, link] of LINKS.entries()) {
      const room = rooms[i] as string;
      if (i > 0) await rig.addRoom(room, { mode: 'open' });
      rows.push({ link: link.label, ...(await measure(rig, room, link.shape, options)) });
    }
    return {
      table: rows.map((r) => ({
        link: r.link,
        'audio pps: shaped → listener': r.audio.shapedToListener,
        'chair → listener': r.audio.chairToListener,
        'chair → shaped': r.audio.chairToShaped,
        'shaped: large view fps': r.video.speaker.fps,
        'shaped: chair video fps / width': `${r.video.chair.fps} / ${r.video.chair.width}`,
        'listener video fps / width': `${r.video.listener.fps} / ${r.video.listener.width}`,
        'no video sent (% samples)': r.noVideoSentPct,
        'indicator good / fair / poor (%)': r.quality,
        'SFU → shaped kbit/s: estimate / sent / rtx / probing': [
          r.sfu.availableKbps,
          r.sfu.sendKbps,
          r.sfu.rtxKbps,
          r.sfu.probationKbps,
        ].join(' / '),
      })),
      data: { links: LINKS, ...options, rows },
    };
  } finally {
    await rig.close();
  }
}

async function measure(
  rig: WeakLinkRig,
  room: string,
  shape: LinkShape,
  options: { warmupMs: number; windowMs: number },
) {
  rig.netns.shape({});
  const chair = await rig.open('host', 'chair', { name: '主持人', role: 'chair' }, room);
  const listener = await rig.open('host', 'listener', { name: '听会委员', role: 'member' }, room);
  const shaped = await rig.open('shaped', 'shaped', { name: '弱网委员', role: 'member' }, room);
  try {
    rig.netns.shape(shape);
    await shaped.waitForTimeout(options.warmupMs);

    const counters = async () => ({
      shapedToListener: await audioPacketsFrom(listener, 'shaped'),
      chairToListener: await audioPacketsFrom(listener, 'chair'),
      chairToShaped: await audioPacketsFrom(shaped, 'chair'),
      frames: await videoFrames(shaped),
    });
    const media = await rig.mediaRoom(room);
    const before = await counters();
    const sfuBefore = await media.sendStats('shaped');
    const startedAt = Date.now();
    let samples = 0;
    let noVideo = 0;
    const sfu: SendStats[] = [];
    const quality = { good: 0, fair: 0, poor: 0 };
    // The large view's frames: each interval counts the frames of whoever it showed at its start.
    let featuredFrames = 0;
    let lastFrames = before.frames;
    let featured = await featuredPeer(shaped);
    while (Date.now() - startedAt < options.windowMs) {
      await shaped.waitForTimeout(SAMPLE_MS);
      samples++;
      const frames = await videoFrames(shaped);
      if (featured) featuredFrames += (frames.get(featured)?.frames ?? 0) - (lastFrames.get(featured)?.frames ?? 0);
      lastFrames = frames;
      featured = await featuredPeer(shaped);
      const videos = (await inboundStats(shaped)).filter((r) => r.kind === 'video');
      const sent = videos.filter((r) => {
        try {
          return media.currentLayers('shaped', r.consumerId) !== undefined;
        } catch {
          return false;
        }
      });
      if (sent.length === 0) noVideo++;
      sfu.push(await media.sendStats('shaped'));
      const q = await shaped.evaluate(() => window.yishi?.session?.state.get().quality);
      if (q === 'good' || q === 'fair' || q === 'poor') quality[q]++;
    }
    const after = await counters();
    const seconds = (Date.now() - startedAt) / 1000;
    const rate = (n: number) => Math.round((n / seconds) * 10) / 10;
    const video = (peerId: string) => {
      const frames = (after.frames.get(peerId)?.frames ?? 0) - (before.frames.get(peerId)?.frames ?? 0);
      return { fps: rate(frames), width: frames > 0 ? (after.frames.get(peerId)?.width ?? 0) : '-' };
    };
    return {
      audio: {
        shapedToListener: rate(after.shapedToListener - before.shapedToListener),
        chairToListener: rate(after.chairToListener - before.chairToListener),
        chairToShaped: rate(after.chairToShaped - before.chairToShaped),
      },
      video: { chair: video('chair'), listener: video('listener'), speaker: { fps: rate(featuredFrames) } },
      noVideoSentPct: Math.round((100 * noVideo) / samples),
      sfu: summarizeSfu(sfu, sfuBefore, await media.sendStats('shaped')),
      /** Share of samples the indicator said good / fair / poor, %. */
      quality: Object.values(quality)
        .map((n) => Math.round((100 * n) / samples))
        .join(' / '),
    };
  } finally {
    for (const page of [shaped, listener, chair]) await page.context().close();
  }
}

/**
 * What the SFU spent on the shaped page's link, averaged over the samples (kbit/s): its estimate of
 * the link, all it sent, of which retransmissions and probing, and what it received; per video consumer the layers it
 * sent (share of samples per spatial layer, `none`: nothing) and the repair asked for meanwhile.
 */
function summarizeSfu(samples: SendStats[], start: SendStats, end: SendStats) {
  const mean = (pick: (t: SendStats['transports'][number]) => number, direction: 'send' | 'recv' = 'recv') => {
    const values = samples.flatMap((s) => s.transports.filter((t) => t.direction === direction).map(pick));
    return values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length / 100) / 10 : 0;
  };
  const consumers = end.consumers
    .filter((c) => c.kind === 'video')
    .map((c) => {
      const layers: Record<string, number> = {};
      for (const s of samples) {
        const seen = s.consumers.find((x) => x.id === c.id);
        const key = seen?.paused ? 'paused' : seen?.spatialLayer === undefined ? 'none' : `S${seen.spatialLayer}`;
        layers[key] = (layers[key] ?? 0) + 1;
      }
      const was = start.consumers.find((x) => x.id === c.id);
      return {
        layers: Object.fromEntries(Object.entries(layers).map(([k, n]) => [k, Math.round((100 * n) / samples.length)])),
        priority: c.priority,
        nacks: c.nackCount - (was?.nackCount ?? 0),
        keyframeRequests: c.pliCount + c.firCount - (was ? was.pliCount + was.firCount : 0),
      };
    });
  return {
    availableKbps: mean((t) => t.availableOutgoingBitrate),
    sendKbps: mean((t) => t.sendBitrate),
    rtxKbps: mean((t) => t.rtxSendBitrate),
    probationKbps: mean((t) => t.probationSendBitrate),
    /** What the SFU received from the shaped page (its camera and microphone). */
    uplinkKbps: mean((t) => t.recvBitrate, 'send'),
    videoConsumers: consumers,
  };
}

/** Who the page shows in its large view (the speaker, in an open room the last one heard). */
function featuredPeer(page: Page): Promise<string | null> {
  return page.getAttribute('[data-testid="stage"]', 'data-featured-peer');
}

/** Frames decoded so far and the last frame's width, per remote camera. */
async function videoFrames(page: Page): Promise<Map<string, { frames: number; width: number }>> {
  const rows = (await inboundStats(page)).filter((r) => r.kind === 'video' && r.source === 'camera');
  return new Map(rows.map((r) => [r.peerId, { frames: r.framesDecoded, width: r.frameWidth ?? 0 }]));
}
