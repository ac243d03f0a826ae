export type MediaProblem = 'denied' | 'noDevice' | 'failed';

export interface Acquired {
  stream: MediaStream;
  problem?: MediaProblem;
  detail?: string;
}

/**
 * Opens microphone and (unless audio-only) camera. Falls back to whichever of the two exists,
 * and reports why media is missing instead of throwing, so the user can still join to listen.
 */
export async function acquireMedia(options: {
  video: boolean;
  audioDeviceId?: string | undefined;
  videoDeviceId?: string | undefined;
}): Promise<Acquired> {
  const audio: MediaTrackConstraints = {
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
    ...(options.audioDeviceId ? { deviceId: { exact: options.audioDeviceId } } : {}),
  };
  const video: MediaTrackConstraints = {
    width: { ideal: 1280 },
    height: { ideal: 720 },
    frameRate: { ideal: 24, max: 30 },
    ...(options.videoDeviceId ? { deviceId: { exact: options.videoDeviceId } } : {}),
  };
  const attempts: MediaStreamConstraints[] = options.video ? [{ audio, video }, { audio }, { video }] : [{ audio }];
  let last: unknown;
  for (const constraints of attempts) {
    try {
      return { stream: await navigator.mediaDevices.getUserMedia(constraints) };
    } catch (err) {
      last = err;
      const name = (err as DOMException).name;
      if (name === 'NotAllowedError' || name === 'SecurityError') {
        return { stream: new MediaStream(), problem: 'denied' };
      }
    }
  }
  const name = (last as DOMException | undefined)?.name;
  return {
    stream: new MediaStream(),
    problem: name === 'NotFoundError' || name === 'OverconstrainedError' ? 'noDevice' : 'failed',
    detail: String((last as Error | undefined)?.message ?? last),
  };
}

export async function listDevices(): Promise<{ audio: MediaDeviceInfo[]; video: MediaDeviceInfo[] }> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    audio: all.filter((d) => d.kind === 'audioinput' && d.deviceId),
    video: all.filter((d) => d.kind === 'videoinput' && d.deviceId),
  };
}
