import type { PeerInfo } from '@yishi/shared';
import { t } from '../i18n/index.js';
import { Video } from './Video.js';

interface Props {
  info: PeerInfo;
  video: MediaStreamTrack | undefined;
  micOn: boolean;
  speaking: boolean;
  self?: boolean;
}

/** One participant: video (or initial), name, role and sector, microphone state, speaking highlight. */
export function Tile({ info, video, micOn, speaking, self = false }: Props) {
  return (
    <figure
      class={`tile${speaking ? ' speaking' : ''}`}
      data-testid="tile"
      data-peer-id={info.id}
      aria-label={`${info.name}${self ? t('room.you') : ''}${speaking ? `, ${t('room.speaking')}` : ''}`}
    >
      {video ? (
        <Video track={video} local={self} />
      ) : (
        <div class="avatar" aria-hidden="true">
          {info.name.slice(0, 1)}
        </div>
      )}
      <figcaption>
        <span class="name">
          {info.name}
          {self && t('room.you')}
        </span>
        <span class={`badge role-${info.role}`}>{t(`role.${info.role}`)}</span>
        {info.sector && <span class="sector">{info.sector}</span>}
        {!micOn && (
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
