import { useState } from 'preact/hooks';
import { INVITATION_TTL_HOURS, type Invitation, type Role, ROLES, type SessionView } from '@yishi/shared';
import { t } from '../../i18n/index.js';
import type { OrganiserApi } from '../../lib/api.js';
import { focusSoon } from './draft.js';
import { ErrorNote } from '../ErrorNote.js';
import { Select } from '../Select.js';
import { InvitationList, type MadeInvitation } from './InvitationList.js';
import { useRequest } from './useRequest.js';
import { Field } from './formControls.js';

const TTL_CHOICES = [24, INVITATION_TTL_HOURS.default, 7 * 24, INVITATION_TTL_HOURS.max] as const;
const TRIO: readonly Role[] = ['chair', 'secretary', 'member'];
/** A handling unit's invitation also names its unit, which this form does not ask for: the API makes it (README). */
const CHOICES = ROLES.filter((r) => r !== 'unit');

/** Makes join links per person (role, name, sector, lifetime), or the ready chair / secretary / member trio. */
export function InvitationMaker({ api, view }: { api: OrganiserApi; view: SessionView }) {
  const [role, setRole] = useState<Role>('member');
  const [name, setName] = useState('');
  const [sector, setSector] = useState('');
  const [ttlHours, setTtlHours] = useState<number>(INVITATION_TTL_HOURS.default);
  const [made, setMade] = useState<MadeInvitation[]>([]);
  const request = useRequest();
  const id = view.topic.id;

  const mint = (person: { role: Role; name: string; sector?: string; operator?: string }): Promise<MadeInvitation> =>
    api
      .invite(id, { ...person, ttlHours })
      .then((invitation: Invitation) => ({ ...person, ...invitation, key: invitation.token }));

  const submit = async (e: Event) => {
    e.preventDefault();
    // A site (named by its place) names its operator in the field a person's sector takes.
    const extra = sector.trim() ? { [role === 'site' ? 'operator' : 'sector']: sector.trim() } : {};
    const person = { role, name: name.trim(), ...extra };
    const one = await request.run(() => mint(person));
    if (!one) return;
    setMade((list) => [one, ...list]);
    setName('');
    setSector('');
    focusSoon(`[data-invitation="${CSS.escape(one.key)}"] button`);
  };

  const trio = async () => {
    const three = await request.run(() => Promise.all(TRIO.map((r) => mint({ role: r, name: t(`role.${r}`) }))));
    if (!three) return;
    setMade((list) => [...three, ...list]);
    const first = three[0];
    if (first) focusSoon(`[data-invitation="${CSS.escape(first.key)}"] button`);
  };

  const notOpen = view.session.status === 'scheduled';
  return (
    <section class="org-section" id="org-invite" aria-labelledby="org-invite-h" data-testid="invitation-maker">
      <h2 id="org-invite-h">{t('org.invite.heading')}</h2>
      <p class="org-hint">{t(notOpen ? 'org.invite.notOpenYet' : 'org.invite.intro')}</p>
      <form class="org-form org-invite-form" onSubmit={submit}>
        <div class="org-pair">
          <Field label={t('org.invite.role')}>
            <Select
              value={role}
              options={CHOICES}
              label={(r) => t(`role.${r}`)}
              onChange={setRole}
              testId="invite-role"
            />
          </Field>
          <Field label={t('org.invite.ttl')}>
            <Select
              value={ttlHours}
              options={TTL_CHOICES}
              label={(h) => (h % 24 === 0 ? t('org.invite.days', { n: h / 24 }) : t('org.invite.hours', { n: h }))}
              onChange={setTtlHours}
            />
          </Field>
        </div>
        <div class="org-pair">
          <Field label={t('org.invite.name')}>
            <input
              required
              maxLength={64}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              data-testid="invite-name"
            />
          </Field>
          <Field label={t(role === 'site' ? 'org.invite.operator' : 'org.invite.sector')}>
            <input
              maxLength={role === 'site' ? 64 : 32}
              list="org-sector-choices"
              value={sector}
              onInput={(e) => setSector(e.currentTarget.value)}
              data-testid="invite-sector"
            />
            <datalist id="org-sector-choices">
              {view.topic.sectors.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
          </Field>
        </div>
        <ErrorNote error={request.error} testId="invite-error" />
        <div class="org-buttons">
          <button type="submit" class="primary" disabled={request.busy} data-testid="invite-submit">
            {t('org.invite.make')}
          </button>
          <button type="button" disabled={request.busy} onClick={trio} data-testid="invite-trio">
            {t('org.invite.trio')}
          </button>
        </div>
      </form>
      <InvitationList items={made} timeZone={view.session.timeZone} onClear={() => setMade([])} />
    </section>
  );
}
