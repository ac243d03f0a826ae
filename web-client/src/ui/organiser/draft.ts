import type { SessionView, TopicUpdate } from '@yishi/shared';
import { splitList } from './format.js';

/** A topic as the forms edit it: plain strings, with row keys for the lists. */
export interface MaterialDraft {
  key: number;
  title: string;
  url: string;
}

export interface AgendaDraft {
  key: number;
  /** Set for an existing item, so an edit keeps its id (and what hangs off it). */
  id?: string | undefined;
  title: string;
  description: string;
}

export interface TopicDraft {
  title: string;
  background: string;
  organiser: string;
  sectors: string;
  proposalNumber: string;
  materials: MaterialDraft[];
  agenda: AgendaDraft[];
}

let lastKey = 0;
export const nextKey = (): number => {
  lastKey += 1;
  return lastKey;
};

export function emptyDraft(): TopicDraft {
  return {
    title: '',
    background: '',
    organiser: '',
    sectors: '',
    proposalNumber: '',
    materials: [],
    agenda: [{ key: nextKey(), title: '', description: '' }],
  };
}

export function draftFromView(view: SessionView): TopicDraft {
  return {
    title: view.topic.title,
    background: view.topic.background,
    organiser: view.topic.organiser,
    sectors: view.topic.sectors.join('、'),
    proposalNumber: view.topic.proposalNumber ?? '',
    materials: view.topic.materials.map((m) => ({ key: nextKey(), ...m })),
    agenda: view.agenda.map((i) => ({ key: nextKey(), id: i.id, title: i.title, description: i.description ?? '' })),
  };
}

/** The REST fields of a draft (blank optional values left out); `agenda: false` leaves the agenda out. */
export function fieldsOf(
  draft: TopicDraft,
  { agenda = true } = {},
): TopicUpdate & { title: string; organiser: string } {
  const proposalNumber = draft.proposalNumber.trim();
  return {
    title: draft.title.trim(),
    background: draft.background.trim(),
    organiser: draft.organiser.trim(),
    sectors: splitList(draft.sectors),
    ...(proposalNumber ? { proposalNumber } : {}),
    materials: draft.materials.map((m) => ({ title: m.title.trim(), url: m.url.trim() })),
    ...(agenda
      ? {
          agenda: draft.agenda.map((i) => ({
            ...(i.id ? { id: i.id } : {}),
            title: i.title.trim(),
            ...(i.description.trim() ? { description: i.description.trim() } : {}),
          })),
        }
      : {}),
  };
}

/** Focuses the element matching `selector` after the next render. */
export function focusSoon(selector: string): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus());
}
