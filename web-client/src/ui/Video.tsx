import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { playerOf } from '../lib/players.js';

/** Plays one video track; `local` (one's own camera) is mirrored. */
export function Video({ track, local = false }: { track: MediaStreamTrack; local?: boolean }) {
  return local ? <LocalVideo track={track} /> : <TrackPlayer track={track} />;
}

function LocalVideo({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLVideoElement>(null);
  useLayoutEffect(() => {
    if (ref.current) ref.current.srcObject = new MediaStream([track]);
  }, [track]);
  return <video ref={ref} class="mirror" autoplay playsinline muted />;
}

/**
 * The track's player (lib/players.ts: a remote one's is set up since it was consumed), shown
 * here. Placed before the first paint (a layout effect), so it shows in the tile's first frame.
 */
function TrackPlayer({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const video = playerOf(track);
    ref.current?.append(video);
    // Moved in the page, a media element may pause; it plays on where it is shown.
    void video.play().catch(() => undefined);
    return () => video.remove();
  }, [track]);
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
