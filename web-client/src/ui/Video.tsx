import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { markOnce } from '../lib/joinTrace.js';

/** Marked once per page, when the first remote video frame is shown (join-time measurements). */
const FIRST_REMOTE_FRAME = 'yishi:first-remote-frame';

/**
 * One `<video>` per track while a tile shows it. A tile moving between the stage and the grid
 * (whenever someone joins or leaves) takes the same element along instead of making a new one:
 * a local camera track given a new player stalled its capture for 0.5–2 s in Chromium, and
 * everyone receiving that camera saw it freeze. One tile per track (the layout never shows a
 * track twice): a second would take the element from the first.
 */
const players = new WeakMap<MediaStreamTrack, HTMLVideoElement>();

function playerOf(track: MediaStreamTrack, local: boolean): HTMLVideoElement {
  let video = players.get(track);
  if (video) return video;
  video = document.createElement('video');
  video.autoplay = true;
  video.playsInline = true;
  video.muted = true;
  video.srcObject = new MediaStream([track]);
  if (!local && performance.getEntriesByName(FIRST_REMOTE_FRAME).length === 0) {
    video.requestVideoFrameCallback(() => markOnce(FIRST_REMOTE_FRAME));
  }
  players.set(track, video);
  return video;
}

/** Plays one video track; `local` (one's own camera) is mirrored. */
export function Video({ track, local = false }: { track: MediaStreamTrack; local?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const video = playerOf(track, local);
    video.className = local ? 'mirror' : '';
    ref.current?.replaceChildren(video);
    return () => {
      // A tile that moved has its element back within the same render; one that went lets its
      // player go (browsers limit how many a page may hold).
      queueMicrotask(() => {
        if (video.isConnected) return;
        video.srcObject = null;
        players.delete(track);
      });
    };
  }, [track, local]);
  return <div ref={ref} class="player" />;
}

/** Plays one remote audio track, invisibly. */
export function Audio({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = new MediaStream([track]);
  }, [track]);
  // biome-ignore lint/a11y/useMediaCaption: live speech has no caption track; the speaker is named on their tile.
  return <audio ref={ref} autoplay />;
}
