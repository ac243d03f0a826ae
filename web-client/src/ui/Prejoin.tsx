import { useEffect, useRef, useState } from 'preact/hooks';
import { canPublish, type TokenClaims } from '@yishi/shared';
import { t, useLocale } from '../i18n/index.js';
import { type Acquired, acquireMedia, listDevices } from '../lib/devices.js';
import type { LocalMedia } from '../lib/mediaState.js';
import type { JoinOptions } from '../lib/RoomSession.js';
import { CardHead } from './CardHead.js';
import { ErrorNote } from './ErrorNote.js';
import { Video } from './Video.js';

interface Props {
  claims: TokenClaims;
  joining: boolean;
  error: string | undefined;
  /** Resolves true when the room took the tracks over; "audio only" also joins in data-saver mode. */
  onJoin: (local: LocalMedia, options?: JoinOptions) => Promise<boolean>;
}

/** Camera and microphone check before entering: preview, level meter, device pickers, audio-only. */
export function Prejoin({ claims, joining, error, onJoin }: Props) {
  useLocale();
  const publishes = canPublish(claims.role);
  const [audioOnly, setAudioOnly] = useState(false);
  const [devices, setDevices] = useState<{ audio: MediaDeviceInfo[]; video: MediaDeviceInfo[] }>({
    audio: [],
    video: [],
  });
  const [audioId, setAudioId] = useState<string>();
  const [videoId, setVideoId] = useState<string>();
  const [media, setMedia] = useState<Acquired>();
  const level = useMicLevel(media?.stream);
  const handedOver = useRef(false);

  useEffect(() => {
    if (!publishes) return;
    let cancelled = false;
    let acquired: Acquired | undefined;
    acquireMedia({ video: !audioOnly, audioDeviceId: audioId, videoDeviceId: videoId }).then(async (result) => {
      acquired = result;
      if (cancelled) return stopAll(result.stream);
      setMedia(result);
      setDevices(await listDevices());
    });
    return () => {
      cancelled = true;
      if (acquired && !handedOver.current) stopAll(acquired.stream);
    };
  }, [publishes, audioOnly, audioId, videoId]);

  const mic = media?.stream.getAudioTracks()[0];
  const camera = media?.stream.getVideoTracks()[0];
  const join = async () => {
    // Once joined, the room session owns (and eventually stops) the tracks.
    handedOver.current = await onJoin(
      { ...(mic ? { mic } : {}), ...(camera ? { camera } : {}) },
      audioOnly ? { receiveMode: 'saver' } : {},
    );
  };

  return (
    <main class="card prejoin" data-testid="prejoin">
      <CardHead title={t('prejoin.heading')} />
      <p>{t('prejoin.as', { name: claims.name, role: t(`role.${claims.role}`) })}</p>
      {publishes ? (
        <>
          <div class="preview">
            {camera ? <Video track={camera} local /> : <div class="no-video">{t('prejoin.noPreview')}</div>}
          </div>
          <label class="meter">
            {t('prejoin.level')}
            <meter min={0} max={1} value={level} />
          </label>
          {media?.problem && (
            <p class="warn" role="status">
              {media.problem === 'denied'
                ? t('media.denied')
                : media.problem === 'noDevice'
                  ? t('media.noDevice')
                  : t('media.failed', { detail: media.detail ?? '' })}
            </p>
          )}
          <DevicePicker
            label={t('prejoin.microphone')}
            devices={devices.audio}
            value={audioId ?? mic?.getSettings().deviceId}
            onChange={setAudioId}
          />
          {!audioOnly && (
            <DevicePicker
              label={t('prejoin.camera')}
              devices={devices.video}
              value={videoId ?? camera?.getSettings().deviceId}
              onChange={setVideoId}
            />
          )}
          <label class="check">
            <input
              type="checkbox"
              data-testid="audio-only"
              checked={audioOnly}
              onChange={(e) => setAudioOnly(e.currentTarget.checked)}
            />
            {t('prejoin.audioOnly')}
          </label>
        </>
      ) : (
        <p>{t('prejoin.observerNote')}</p>
      )}
      <ErrorNote error={error} testId="join-error" />
      <button
        type="button"
        class="primary"
        disabled={joining || (publishes && !media)}
        onClick={join}
        data-testid="join"
      >
        {joining ? t('prejoin.joining') : t('prejoin.join')}
      </button>
    </main>
  );
}

function DevicePicker(props: {
  label: string;
  devices: MediaDeviceInfo[];
  value: string | undefined;
  onChange: (id: string) => void;
}) {
  if (props.devices.length < 2) return null;
  return (
    <label class="field">
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${props.label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The microphone's loudness, 0..1, sampled every animation frame. */
function useMicLevel(stream: MediaStream | undefined): number {
  const [level, setLevel] = useState(0);
  const frame = useRef(0);
  useEffect(() => {
    const track = stream?.getAudioTracks()[0];
    if (!stream || !track) return;
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      setLevel(Math.min(1, Math.sqrt(sum / samples.length) * 4));
      frame.current = requestAnimationFrame(tick);
    };
    tick();
    return () => {
      cancelAnimationFrame(frame.current);
      void ctx.close();
    };
  }, [stream]);
  return level;
}

function stopAll(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
