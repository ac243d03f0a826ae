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
          <span class="mic-off" role="img" aria-label={t('room.micOff')} title={t('room.micOff')}>
            🔇
          </span>
        )}
      </figcaption>
    </figure>
  );
}
