import { AlignmentType, Document, Packer } from 'docx';
import { CONVERSIONS, LEDGER_STATUSES, type LedgerItem, type Locale, RATINGS } from '@yishi/shared';
import type { LedgerFilter } from '../ledger/LedgerService.js';
import { ledgerCounts, ledgerToday } from '../ledger/rows.js';
import { A4, type Block, type CellSpec, footer, heading, para, run, SIZE, table, xmlText } from './docx.js';
import { describeFilter, LEDGER_LABELS, type LedgerLabels, ledgerFacts, wallClock } from './ledgerView.js';

const GREY = '595959';

/**
 * The ledger as a Word summary (.docx) for the committee office: title, filter and date, the
 * counters of `GET /api/ledger/counts`, then the items grouped by status — each with its units,
 * due date (and whether overdue), its latest answer and the members' latest rating. In the
 * minutes' house style (docx.ts); labels follow `locale`.
 */
export async function ledgerDocx(
  items: LedgerItem[],
  filter: LedgerFilter,
  now: number,
  locale: Locale = 'zh-CN',
): Promise<Buffer> {
  const l = LEDGER_LABELS[locale];
  const scope = describeFilter(filter, l);
  const document = new Document({
    title: xmlText(`${l.summary} ${scope}`),
    creator: 'Yishi',
    sections: [
      {
        properties: A4,
        footers: { default: footer(`${l.ledger}${l.fieldSeparator}${scope}`, l.page) },
        children: [
          para(l.summary, { heading: true, bold: true, size: SIZE.title, align: AlignmentType.CENTER }),
          para(`${l.filter}${l.colon}${scope}`, { size: SIZE.detail, align: AlignmentType.CENTER, after: 0 }),
          para(`${l.exportedAt}${l.colon}${wallClock(now)}`, {
            size: SIZE.detail,
            align: AlignmentType.CENTER,
            after: 360,
          }),
          ...countersBlock(items, now, l),
          ...itemsBlock(items, ledgerToday(now), l),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

/** The counters as a table whose first column merges the rows of one group. */
function countersBlock(items: LedgerItem[], now: number, l: LedgerLabels): Block[] {
  const counts = ledgerCounts(items, now);
  const groups: Array<[string, Array<[string, number]>]> = [
    [
      l.total,
      [
        [l.itemCount, counts.items],
        [l.overdue, counts.overdue],
      ],
    ],
    [l.status, LEDGER_STATUSES.map((s) => [l.ledgerStatus[s], counts.byStatus[s]])],
    [l.conversions, CONVERSIONS.map((c) => [l.conversion[c], counts.conversions[c]])],
    [l.ratings, RATINGS.map((r) => [l.rating[r], counts.ratings[r]])],
  ];
  const rows = groups.flatMap(([group, measures]) =>
    measures.map(([measure, count], i): CellSpec[] => [
      ...(i === 0 ? [{ text: group, rowSpan: measures.length, bold: true }] : []),
      { text: measure },
      { text: String(count) },
    ]),
  );
  return [heading(l.counters), table([2, 3, 1], [l.group, l.measure, l.count], rows)];
}

/** One section per status that has items, in the workflow's order. */
function itemsBlock(items: LedgerItem[], today: string, l: LedgerLabels): Block[] {
  if (items.length === 0) return [para(l.none)];
  return LEDGER_STATUSES.flatMap((status) => {
    const these = items.filter((item) => item.status === status);
    if (these.length === 0) return [];
    return [
      heading(`${l.ledgerStatus[status]}${l.paren(String(these.length))}`),
      ...these.flatMap((item, i) => itemBlock(item, i + 1, today, l)),
    ];
  });
}

function itemBlock(item: LedgerItem, n: number, today: string, l: LedgerLabels): Block[] {
  const f = ledgerFacts(item, today, l);
  const c = l.columns;
  const field = (name: string, value: string) => `${name}${l.colon}${value || l.none}`;
  const due = f.dueDate ? `${f.dueDate}${f.overdue ? l.paren(l.overdue) : ''}` : '';
  const facts = [
    field(c.leadUnit, f.leadUnit),
    ...(f.coUnits ? [field(c.coUnits, f.coUnits)] : []),
    field(c.dueDate, due),
    field(c.source, f.source),
    field(c.topic, f.topic),
    ...(f.raisedBy ? [field(c.raisedBy, f.raisedBy)] : []),
  ];
  const answer = item.answers.at(-1);
  const rating = item.evaluations.at(-1);
  const detail = { indent: true, after: 60 } as const;
  return [
    para([run(`${n}. ${f.title}`, { bold: true }), run(l.paren(f.category), { size: SIZE.detail, color: GREY })], {
      after: 0,
      keepNext: true,
    }),
    para(facts.join(l.fieldSeparator), { size: SIZE.detail, color: GREY, after: 60, keepNext: true }),
    ...(item.returnedReason ? [para(field(l.returnedReason, item.returnedReason), detail)] : []),
    answer
      ? para(
          [
            run(`${l.latestAnswer}${l.paren(`${answer.unit}${l.listSeparator}${wallClock(answer.at)}`)}${l.colon}`, {
              bold: true,
            }),
            run(answer.text),
          ],
          detail,
        )
      : para(l.noAnswer, { ...detail, color: '808080' }),
    ...(rating
      ? [
          para(
            [
              run(`${l.latestRating}${l.colon}`, { bold: true }),
              run(`${l.rating[rating.rating]}${rating.comment ? `${l.fieldSeparator}${rating.comment}` : ''}`),
            ],
            detail,
          ),
        ]
      : []),
    ...(item.conversion
      ? [para(field(l.conversions, `${f.conversion}${f.reference ? l.paren(f.reference) : ''}`), detail)]
      : []),
  ];
}
