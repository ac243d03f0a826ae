import { useState } from 'preact/hooks';
import type { Invitation, Role } from '@yishi/shared';
import { t } from '../../i18n/index.js';
import { copyText } from './clipboard.js';
import { formatTime } from './format.js';
import { Field } from './formControls.js';

export interface MadeInvitation extends Invitation {
  key: string;
  role: Role;
  name: string;
  sector?: string;
  unit?: string;
}

/** The links made in this visit: each with a copy button, and all of them as plain text to paste into a message. */
export function InvitationList({
  items,
  timeZone,
  onClear,
}: {
  items: MadeInvitation[];
  /** The session's: expiry times are shown on its clock, like every other time of the topic. */
  timeZone: string;
  onClear: () => void;
}) {
  const [copied, setCopied] = useState<string>();
  const copy = async (what: string, text: string) => {
    const ok = await copyText(text);
    setCopied(ok ? what : `failed:${what}`);
  };
  if (items.length === 0) return null;
  const plain = items
    .map((i) =>
      t(i.sector ? 'org.invite.plainLineSector' : 'org.invite.plainLine', {
        who: who(i),
        sector: i.sector ?? '',
        url: i.url,
      }),
    )
    .join('\n');
  const status = copied?.startsWith('failed:') ? t('org.invite.copyFailed') : copied ? t('org.invite.copied') : '';

  return (
    <div class="org-invitations">
      <h3>{t('org.invite.made', { count: items.length })}</h3>
      <ul class="org-invite-list">
        {items.map((inv) => (
          <li key={inv.key} class="org-invite" data-invitation={inv.key} data-testid="invitation" data-role={inv.role}>
            <p class="org-invite-who">
              <span class={`badge role-${inv.role}`}>{t(`role.${inv.role}`)}</span>
              {inv.unit && <strong>{inv.unit}</strong>}
              {inv.name !== t(`role.${inv.role}`) && <strong>{inv.name}</strong>}
              {inv.sector && <span class="sector">{inv.sector}</span>}
              <span class="muted">
                {t('org.invite.expires', { time: formatTime(Date.parse(inv.expiresAt), timeZone) })}
              </span>
            </p>
            <div class="org-copy-row">
              <input
                readOnly
                value={inv.url}
                aria-label={t('org.invite.linkFor', { name: inv.name })}
                onFocus={(e) => e.currentTarget.select()}
                data-testid="invitation-url"
              />
              <button
                type="button"
                onClick={() => copy(inv.key, inv.url)}
                aria-label={t('org.invite.copyFor', { name: inv.name })}
              >
                {copied === inv.key ? t('org.invite.copied') : t('org.invite.copy')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <Field label={t('org.invite.plain')}>
        <textarea
          readOnly
          rows={Math.min(8, items.length + 1)}
          value={plain}
          class="org-plain"
          onFocus={(e) => e.currentTarget.select()}
          data-testid="invitations-plain"
        />
      </Field>
      <div class="org-buttons">
        <button type="button" onClick={() => copy('all', plain)}>
          {copied === 'all' ? t('org.invite.copied') : t('org.invite.copyAll')}
        </button>
        <button type="button" onClick={onClear}>
          {t('org.invite.clear')}
        </button>
        <span role="status" class="org-ok">
          {status}
        </span>
      </div>
    </div>
  );
}

/** "委员 赵委员", "承办单位 县发展和改革局 · 张处长", or just "主持人" when the name is the role's own (the ready trio). */
function who(inv: MadeInvitation): string {
  const role = t(`role.${inv.role}`);
  const name = inv.unit ? `${inv.unit} · ${inv.name}` : inv.name;
  return inv.name === role ? role : `${role} ${name}`;
}
