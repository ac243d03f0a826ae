import { useEffect, useState } from 'preact/hooks';
import {
  type DirectoryPerson,
  INVITATION_TTL_HOURS,
  type Invitation,
  type InvitationCreate,
  type Role,
  ROLES,
  type SessionView,
} from '@yishi/shared';
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
/** The roles a directory person may be invited in (guests, observers and units are not in it). */
const DIRECTORY_ROLES: readonly Role[] = ['chair', 'secretary', 'member'];

/**
 * Makes join links per person (role, name, sector — or a handling unit's unit —, lifetime), or the
 * ready chair / secretary / member trio. The office may pick a person of the member directory
 * instead of typing a name: their link carries their directory id, so their participation record
 * joins up across sessions.
 */
export function InvitationMaker({ api, view }: { api: OrganiserApi; view: SessionView }) {
  const [role, setRole] = useState<Role>('member');
  const [name, setName] = useState('');
  const [sector, setSector] = useState('');
  const [unit, setUnit] = useState('');
  const [operator, setOperator] = useState('');
  const [personId, setPersonId] = useState('');
  // The directory is the office's: a chair's token is refused it, and the form stays as it was.
  const [people, setPeople] = useState<DirectoryPerson[]>([]);
  useEffect(() => {
    api.people().then(
      (all) =>
        setPeople(all.filter((p) => p.status === 'active').sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))),
      () => setPeople([]),
    );
  }, [api]);
  const person = DIRECTORY_ROLES.includes(role) ? people.find((p) => p.id === personId) : undefined;
  const [ttlHours, setTtlHours] = useState<number>(INVITATION_TTL_HOURS.default);
  const [made, setMade] = useState<MadeInvitation[]>([]);
  const request = useRequest();
  const id = view.topic.id;

  /** `shown` is how the list names the link; `body` what the API is asked (a directory person by id). */
  const mint = (
    shown: { role: Role; name: string; sector?: string; unit?: string; operator?: string },
    body?: InvitationCreate,
  ): Promise<MadeInvitation> =>
    api
      .invite(id, { ...(body ?? shown), ttlHours })
      .then((invitation: Invitation) => ({ ...shown, ...invitation, key: invitation.token }));

  /**
   * The typed-in invitee: a handling unit names its unit (the room shows "<unit> · <name>"), a site
   * (named by its place) its operator, anyone else may name a sector.
   */
  const typed = () => {
    const base = { role, name: name.trim() };
    if (role === 'unit') return { ...base, unit: unit.trim() };
    if (role === 'site') return { ...base, ...(operator.trim() ? { operator: operator.trim() } : {}) };
    return { ...base, ...(sector.trim() ? { sector: sector.trim() } : {}) };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const one = await request.run(() =>
      person
        ? mint(
            { role, name: person.name, ...(person.sector ? { sector: person.sector } : {}) },
            { role, personId: person.id },
          )
        : mint(typed()),
    );
    if (!one) return;
    setMade((list) => [one, ...list]);
    setName('');
    setSector('');
    setUnit('');
    setOperator('');
    setPersonId('');
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
              options={ROLES}
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
        {people.length > 0 && DIRECTORY_ROLES.includes(role) && (
          <Field label={t('org.invite.person')}>
            <select value={personId} onChange={(e) => setPersonId(e.currentTarget.value)} data-testid="invite-person">
              <option value="">{t('org.invite.noPerson')}</option>
              {people.map((p) => (
                <option key={p.id} value={p.id}>
                  {[p.name, p.sector, p.id].filter(Boolean).join(' · ')}
                </option>
              ))}
            </select>
          </Field>
        )}
        <div class="org-pair" hidden={!!person}>
          <Field label={t('org.invite.name')}>
            <input
              required={!person}
              maxLength={64}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              data-testid="invite-name"
            />
          </Field>
          {role === 'unit' ? (
            <Field label={t('org.invite.unit')}>
              <input
                required
                maxLength={64}
                value={unit}
                onInput={(e) => setUnit(e.currentTarget.value)}
                data-testid="invite-unit"
              />
            </Field>
          ) : role === 'site' ? (
            <Field label={t('org.invite.operator')}>
              <input
                maxLength={64}
                value={operator}
                onInput={(e) => setOperator(e.currentTarget.value)}
                data-testid="invite-operator"
              />
            </Field>
          ) : (
            <Field label={t('org.invite.sector')}>
              <input
                maxLength={32}
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
          )}
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
