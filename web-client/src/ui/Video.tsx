import { useEffect, useRef } from 'preact/hooks';

/** Marked once per page, when the first remote video frame is shown (join-time measurements). */
const FIRST_REMOTE_FRAME = 'yishi:first-remote-frame';

/** Plays one video track; `local` (one's own camera) is mirrored. */
export function Video({ track, local = false }: { track: MediaStreamTrack; local?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = new MediaStream([track]);
    if (!local && performance.getEntriesByName(FIRST_REMOTE_FRAME).length === 0) {
      video.requestVideoFrameCallback(() => {
        if (performance.getEntriesByName(FIRST_REMOTE_FRAME).length === 0) performance.mark(FIRST_REMOTE_FRAME);
      });
    }
  }, [track]);
  return <video ref={ref} class={local ? 'mirror' : undefined} autoplay playsinline muted />;
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
