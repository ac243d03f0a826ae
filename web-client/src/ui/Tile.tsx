import type { PeerInfo } from '@yishi/shared';
import { t } from '../i18n/index.js';
import type { VideoSource } from '../lib/ReceivePolicy.js';
import { Video } from './Video.js';

interface Props {
  info: PeerInfo;
  video: MediaStreamTrack | undefined;
  micOn: boolean;
  speaking: boolean;
  self?: boolean;
  /** A camera (default) or a screen share. */
  source?: VideoSource;
  /** The large view. */
  large?: boolean;
  /** The video exists but does not arrive now (data saver, its owner turned it off): show the initial. */
  videoPaused?: boolean;
  /** The video should play but its frames stopped (a weak link): say so over the last frame. */
  videoStalled?: boolean;
}

/** One participant: video (or initial), name, role and sector, microphone state, speaking highlight. */
export function Tile({
  info,
  video,
  micOn,
  speaking,
  self = false,
  source = 'camera',
  large = false,
  videoPaused = false,
  videoStalled = false,
}: Props) {
  const screen = source === 'screen';
  const videoState = !video ? 'none' : videoPaused ? 'paused' : videoStalled ? 'stalled' : 'live';
  const name = `${info.name}${self ? t('room.you') : ''}`;
  const label = screen
    ? t('room.screenOf', { name })
    : `${name}, ${t(`role.${info.role}`)}${speaking ? `, ${t('room.speaking')}` : ''}${videoState === 'paused' ? `, ${t('room.videoPaused')}` : ''}${videoState === 'stalled' ? `, ${t('room.videoStalled')}` : ''}`;
  return (
    <figure
      class={`tile${speaking && !screen ? ' speaking' : ''}${large ? ' large' : ''}${screen ? ' screen' : ''}${videoState === 'stalled' ? ' stalled' : ''}`}
      data-testid="tile"
      data-peer-id={info.id}
      data-source={source}
      data-video={videoState}
      aria-label={label}
    >
      {video && !videoPaused ? (
        <>
          {/* One's own camera is mirrored; one's own screen is not (text would read backwards). */}
          <Video track={video} local={self && !screen} />
          {/* Kept playing underneath: the note goes as soon as frames come again. */}
          {videoStalled && (
            <span class="stalled-note" aria-hidden="true">
              {t('room.videoStalled')}
            </span>
          )}
        </>
      ) : (
        <div class="avatar" aria-hidden="true">
          <span class="initial">{info.name.slice(0, 1)}</span>
          {video && videoPaused && <span class="paused-note">{t('room.videoPaused')}</span>}
        </div>
      )}
      <figcaption>
        <span class="name">{screen ? t('room.screenOf', { name }) : name}</span>
        {!screen && <span class={`badge role-${info.role}`}>{t(`role.${info.role}`)}</span>}
        {!screen && info.sector && <span class="sector">{info.sector}</span>}
        {!screen && !micOn && (
          <svg class="mic-off" role="img" aria-label={t('room.micOff')} viewBox="0 0 24 24" width="18" height="18">
            <title>{t('room.micOff')}</title>
            <path
              fill="currentColor"
              d="M12 14a3 3 0 0 0 3-3V5a3 3 0 1 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1A7 7 0 0 0 19 11h-2Z"
            />
            <path stroke="currentColor" stroke-width="2" d="M4 4l16 16" />
          </svg>
        )}
      </figcaption>
    </figure>
  );
}
