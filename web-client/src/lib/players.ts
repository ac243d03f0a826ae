/** Marked once per page, when the first remote video frame is shown (join-time measurements). */
const FIRST_REMOTE_FRAME = 'yishi:first-remote-frame';

const players = new WeakMap<MediaStreamTrack, HTMLVideoElement>();

/**
 * The `<video>` that plays `track`, made the first time it is asked for; the tile that shows the
 * track adopts it (ui/Video.tsx).
 */
export function playerOf(track: MediaStreamTrack): HTMLVideoElement {
  let video = players.get(track);
  if (!video) {
    video = document.createElement('video');
    video.autoplay = true;
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([track]);
    players.set(track, video);
  }
  return video;
}

/**
 * A consumed remote video's player, made as soon as it is consumed: the browser's player is set
 * up while the room's UI is still loading or rendering. (Made when a tile first rendered, it
 * added ~100–180 ms between the first decoded key frame and the first frame shown.)
 */
export function remotePlayer(track: MediaStreamTrack): HTMLVideoElement {
  const known = players.has(track);
  const video = playerOf(track);
  if (!known && performance.getEntriesByName(FIRST_REMOTE_FRAME).length === 0) {
    video.requestVideoFrameCallback(() => {
      if (performance.getEntriesByName(FIRST_REMOTE_FRAME).length === 0) performance.mark(FIRST_REMOTE_FRAME);
    });
  }
  return video;
}
