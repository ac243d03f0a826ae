import type { By, LedgerRow } from '@yishi/shared';
import { t } from '../../i18n/index.js';
import type { LedgerViewer } from '../../lib/ledgerLink.js';

/** Who reads the page, in the header: the office, a unit's person, a room's chair, secretary or member. */
export function viewerLabel(viewer: LedgerViewer): string {
  if (viewer.role === 'organiser') return t('ledger.actor.organiser');
  if (viewer.role === 'unit') return t('ledger.who.unit', { unit: viewer.unit, name: viewer.name });
  return t('ledger.who.room', { role: t(`role.${viewer.role}`), name: viewer.name, room: viewer.room });
}

/** Who made a change: the office and the system by their role, a unit's person with the unit, anyone else by name. */
export function actorName(who: By): string {
  if (who.byRole === 'organiser' || who.byRole === 'system') return t(`ledger.actor.${who.byRole}`);
  return who.byUnit !== undefined ? t('ledger.who.unit', { unit: who.byUnit, name: who.byName }) : who.byName;
}

/** Where an item came from, with the minutes' version for one from the minutes. */
export function sourceName(source: LedgerRow['source']): string {
  const name = t(`ledger.source.${source.kind}`);
  return 'minutesVersion' in source ? t('ledger.fromMinutes', { source: name, n: source.minutesVersion }) : name;
}
