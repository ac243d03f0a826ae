import { z } from 'zod';
import { RoomIdSchema } from '../auth.js';
import { SettingsPatchSchema } from './consultation.js';

/** REST bodies of the organiser API (`/api/topics`). Strict, bounded, like socket requests. */

const Str = (max: number) => z.string().trim().max(max);

export const MaterialSchema = z.strictObject({ title: Str(200).min(1), url: z.url().max(2000) });

export const AgendaInputSchema = z.strictObject({
  id: z.string().min(1).max(64).optional(),
  title: Str(200).min(1),
  description: Str(2000).optional(),
});

const TopicFieldsSchema = {
  title: Str(200).min(1),
  background: Str(10_000).default(''),
  materials: z.array(MaterialSchema).max(50).default([]),
  sectors: z.array(Str(32).min(1)).max(30).default([]),
  proposalNumber: Str(64).min(1).optional(),
  organiser: Str(200).min(1),
};

/** A time zone Intl knows, e.g. Asia/Shanghai. */
const TimeZoneSchema = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Asia/Shanghai');

export const TopicCreateSchema = z.strictObject({
  /** The session's (and room's) id, used in join links; generated when omitted. */
  id: RoomIdSchema.optional(),
  ...TopicFieldsSchema,
  agenda: z.array(AgendaInputSchema).max(50).default([]),
  timeZone: TimeZoneSchema.optional(),
  settings: SettingsPatchSchema.optional(),
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
});
export type TopicCreate = z.infer<typeof TopicCreateSchema>;

export const TopicUpdateSchema = z
  .strictObject({
    title: TopicFieldsSchema.title.optional(),
    background: Str(10_000).optional(),
    materials: z.array(MaterialSchema).max(50).optional(),
    sectors: z.array(Str(32).min(1)).max(30).optional(),
    proposalNumber: TopicFieldsSchema.proposalNumber,
    organiser: TopicFieldsSchema.organiser.optional(),
    agenda: z.array(AgendaInputSchema).max(50).optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'nothing to update');
export type TopicUpdate = z.infer<typeof TopicUpdateSchema>;

export const ScheduleSchema = z.strictObject({ scheduledAt: z.iso.datetime({ offset: true }) });
