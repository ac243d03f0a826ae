import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { MinutesDocument } from '@yishi/shared';
import { minutesDocx } from '../../signaling/src/export/docx.js';
import { formatDueDate, formatDuration, formatTime, labelsFor } from '../../signaling/src/export/format.js';
import { minutesJson } from '../../signaling/src/export/json.js';
import { minutesMarkdown } from '../../signaling/src/export/markdown.js';
import {
  CONSENSUS,
  FIXTURE_HASH,
  chenJing,
  liQiang,
  minutesFixture,
  SUMMARIES,
  siteMinutesFixture,
  sunLi,
  zhangWei,
} from '../support/minutesFixture.js';

const speakers = [zhangWei, chenJing, liQiang];
const summaries = Object.values(SUMMARIES);

/** The Markdown between a `## heading` and the next one (or the closing rule). */
function mdSection(md: string, heading: string): string {
  const start = md.indexOf(`## ${heading}\n`);
  expect(start, `section ${heading}`).toBeGreaterThanOrEqual(0);
  const rest = md.slice(start + 1);
  const end = [rest.indexOf('\n## '), rest.indexOf('\n---\n')].filter((i) => i >= 0);
  return md.slice(start, end.length > 0 ? start + 1 + Math.min(...end) : undefined);
}

/** Reads the .docx as a zip; resolves the text of a part, one line per paragraph. */
async function openDocx(buffer: Buffer) {
  const zip = await JSZip.loadAsync(buffer);
  const xml = async (name: string) => {
    const file = zip.file(name);
    if (!file) throw new Error(`no ${name} in the docx`);
    return file.async('string');
  };
  return { zip, xml, text: async (name: string) => paragraphsText(await xml(name)) };
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };

function paragraphsText(xml: string): string {
  return xml
    .split('</w:p>')
    .map((p) =>
      [...p.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
        .map((m) => (m[1] ?? '').replace(/&(amp|lt|gt|quot|apos);/g, (e) => ENTITIES[e] ?? e))
        .join(''),
    )
    .filter(Boolean)
    .join('\n');
}

describe('minutesMarkdown', () => {
  it('renders the title block, the header and every speech with speaker, sector, kind and summary', () => {
    const md = minutesMarkdown(minutesFixture(), 'zh-CN', { hash: FIXTURE_HASH });

    expect(md.startsWith('# 关于推进县域乡村学校教育资源均衡配置的专题协商\n')).toBe(true);
    expect(md).toContain('**会议纪要**');
    expect(md).toContain('提案号：2025-0137');
    expect(md).toContain('| **地点** | 线上（远程） |');
    expect(md).toContain('| **组织单位** | 县政协教科卫体委员会 |');
    expect(md).toContain('| **主持人** | 王建国 |');
    expect(md).toContain('| **记录人** | 赵敏 |');

    const section = mdSection(md, '发言');
    expect(section).toContain('### 1. 张伟 · 经济界 · 委员');
    expect(section).toContain('### 2. 陈静 · 教育界 · 委员');
    expect(section).toContain('### 3. 李强 · 农业界 · 委员');
    expect(section).toContain('插话提问');
    expect(section.match(/　发言/g)).toHaveLength(2);
    for (const s of summaries) expect(section).toContain(s);
    // In the order spoken.
    const positions = speakers.map((p) => section.indexOf(p.name));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it('groups attendance by sector, with role and minutes present, people without a sector last', () => {
    const section = mdSection(minutesMarkdown(minutesFixture()), '出席情况');
    expect(section).toContain('出席 7 人，发言 3 人次，累计发言 13:27。');

    const groups = section
      .split('\n### ')
      .slice(1)
      .map((block) => {
        const [sector = '', ...lines] = block.split('\n');
        return [sector, lines.filter((l) => l.startsWith('- '))] as const;
      });
    expect(groups.map(([sector]) => sector)).toEqual(['教育界', '经济界', '农业界', '其他']);
    expect(Object.fromEntries(groups)).toEqual({
      教育界: ['- 陈静（委员，在线时长：97 分钟）', '- 孙丽（委员，在线时长：93 分钟）'],
      经济界: ['- 张伟（委员，在线时长：96 分钟）'],
      农业界: ['- 李强（委员，在线时长：86 分钟）'],
      其他: [
        '- 刘洋（特邀，在线时长：62 分钟）',
        '- 王建国（主持人，在线时长：102 分钟）',
        '- 赵敏（秘书，在线时长：105 分钟）',
      ],
    });
  });

  it("shows every time in the document's time zone", () => {
    const md = minutesMarkdown(minutesFixture());
    // 02:00Z is 10:00 in Asia/Shanghai; the session closed at 03:32Z, 11:32.
    expect(md).toContain('| **时间** | 2025年11月26日 10:00—11:32（Asia/Shanghai） |');
    expect(md).toContain('开始：10:05:00　时长：05:12　发言');
    expect(md).toContain('开始：10:09:30　时长：01:15　插话提问');
    expect(md).toContain('| 10:00:00 | 王建国 | 宣布开会 |  |');
    expect(md).toContain('**孙丽**（教育界，赞成，10:12:40）');

    const la = minutesMarkdown({ ...minutesFixture(), timeZone: 'America/Los_Angeles' });
    expect(la).toContain('| **时间** | 2025年11月25日 18:00—19:32（America/Los_Angeles） |');
    expect(la).toContain('开始：18:05:00');
    // A due date is a calendar date: it must not slip to the day before west of Greenwich.
    expect(la).toContain('| 1 | 研究制定乡村教师周转宿舍建设三年计划 | 县教育局 | 2026年3月31日 | 待办 |');
  });

  it('lists decisions, consensus, action items, promoted comments and notes, and ends with version, status and hash', () => {
    const md = minutesMarkdown(minutesFixture(), 'zh-CN', { hash: FIXTURE_HASH });

    expect(mdSection(md, '主持人决定')).toContain('| 10:30:00 | 王建国 | 截止发言登记 |  |');
    const consensus = mdSection(md, '协商意见');
    CONSENSUS.forEach((c, i) => {
      expect(consensus).toContain(`${i + 1}. ${c}`);
    });
    const actions = mdSection(md, '承办事项');
    expect(actions).toContain('| # | 事项 | 承办单位 | 完成时限 | 状态 |');
    expect(actions).toContain('| 2 | 优化农村学生校车线路并与客运班线衔接 | 县交通运输局 | 2026年6月30日 | 办理中 |');
    expect(mdSection(md, '纳入纪要的评论')).toContain(
      '- **孙丽**（教育界，赞成，10:12:40）：赞同张伟委员的建议，专项资金应向薄弱学校倾斜。',
    );
    expect(mdSection(md, '备注')).toContain('县教育局刘洋同志到会听取意见并作回应。\n\n会议纪要经主持人审定后印发。');
    expect(md.endsWith(`---\n\n纪要版本：v2　状态：已定稿　内容哈希：${FIXTURE_HASH}\n`)).toBe(true);
  });

  it('leaves the hash out when none is given, and says 无 for empty sections', () => {
    const doc: MinutesDocument = {
      ...minutesFixture(),
      status: 'draft',
      version: 1,
      speeches: [],
      decisions: [],
      consensus: [],
      actions: [],
      promotedComments: [],
      notes: '',
    };
    const md = minutesMarkdown(doc);
    expect(md).not.toContain('内容哈希');
    expect(md.endsWith('纪要版本：v1　状态：草稿\n')).toBe(true);
    for (const heading of ['发言', '主持人决定', '协商意见', '承办事项', '纳入纪要的评论', '备注']) {
      expect(mdSection(md, heading).trim()).toBe(`## ${heading}\n\n无`);
    }
  });

  it('uses English labels in the en locale and keeps the Chinese content as written', () => {
    const md = minutesMarkdown(minutesFixture(), 'en', { hash: FIXTURE_HASH });
    expect(md).toContain('**Minutes**');
    expect(md).toContain('Proposal no.: 2025-0137');
    expect(md).toContain('| **Date** | 26 November 2025 10:00—11:32 (Asia/Shanghai) |');
    expect(md).toContain('| **Place** | Online (remote) |');
    for (const heading of ['Attendance', 'Agenda', 'Speeches', 'Decisions of the chair', 'Points of consensus']) {
      expect(md).toContain(`## ${heading}\n`);
    }
    expect(md).toContain('## Action items\n');
    expect(md).toContain('Start: 10:09:30 · Duration: 01:15 · Interposed question');
    expect(md).toContain('- 陈静 (Member, Present: 97 min)');
    expect(md).toContain('| 2 | 优化农村学生校车线路并与客运班线衔接 | 县交通运输局 | 30 June 2026 | In progress |');
    expect(md).toContain('**孙丽** (教育界, For, 10:12:40)');
    expect(md).toContain(`Minutes version: v2 · Status: Finalized · Content hash: ${FIXTURE_HASH}`);
    for (const s of summaries) expect(md).toContain(s);
    // (The notes, which are the secretary's text, happen to say 会议纪要: check labels found nowhere else.)
    for (const zhLabel of ['提案号', '出席情况', '协商意见', '承办事项', '已定稿', '插话提问', '线上（远程）']) {
      expect(md).not.toContain(zhLabel);
    }
  });

  it('escapes Markdown in free text so tables and headings stay intact', () => {
    const doc = minutesFixture();
    doc.speeches[0]!.summary = '# 不是标题\n*强调* 与 [链接]';
    doc.actions[0]!.title = '甲|乙\n丙';
    const md = minutesMarkdown(doc);
    expect(md).toContain('\\# 不是标题\n\\*强调\\* 与 \\[链接\\]');
    expect(md).toContain('| 1 | 甲\\|乙 丙 | 县教育局 |');
  });
});

describe('minutesJson', () => {
  it('round-trips the document with its schema and the hash beside it, pretty-printed and Chinese unescaped', () => {
    const doc = minutesFixture();
    const json = minutesJson(doc, { hash: FIXTURE_HASH });
    expect(json).toContain('\n  "schema": "yishi.minutes/v1",\n');
    expect(json).toContain('"name": "王建国"');

    const { hash, ...rest } = JSON.parse(json) as MinutesDocument & { hash: string };
    expect(hash).toBe(FIXTURE_HASH);
    expect(rest).toEqual(doc);
  });

  it('has no hash field when none is given', () => {
    const parsed = JSON.parse(minutesJson(minutesFixture())) as Record<string, unknown>;
    expect(parsed).not.toHaveProperty('hash');
    expect(parsed.schema).toBe('yishi.minutes/v1');
  });
});

describe('minutesDocx', () => {
  it('is a valid OOXML zip with [Content_Types].xml, the main document and a footer', async () => {
    const buffer = await minutesDocx(minutesFixture(), 'zh-CN', { hash: FIXTURE_HASH });
    expect(buffer.subarray(0, 2).toString('latin1')).toBe('PK');
    const { zip, xml } = await openDocx(buffer);
    expect(zip.file('[Content_Types].xml')).not.toBeNull();
    expect(await xml('[Content_Types].xml')).toContain('wordprocessingml.document.main+xml');
    expect(zip.file('word/document.xml')).not.toBeNull();
    expect(zip.file(/^word\/footer\d*\.xml$/)).toHaveLength(1);
  });

  it('holds the title block, every speaker and summary, consensus and action items in Chinese', async () => {
    const { text, xml } = await openDocx(await minutesDocx(minutesFixture(), 'zh-CN', { hash: FIXTURE_HASH }));
    const body = await text('word/document.xml');
    const lines = body.split('\n');

    expect(lines.slice(0, 3)).toEqual([
      '关于推进县域乡村学校教育资源均衡配置的专题协商',
      '会议纪要',
      '提案号：2025-0137',
    ]);
    expect(body).toContain('2025年11月26日 10:00—11:32（Asia/Shanghai）');
    expect(body).toContain('线上（远程）');
    for (const p of [...speakers, sunLi]) expect(body).toContain(p.name);
    for (const s of summaries) expect(lines).toContain(s);
    expect(lines).toContain('1. 张伟（经济界，委员）');
    expect(lines).toContain('开始：10:09:30　时长：01:15　插话提问　议程：委员协商发言');
    CONSENSUS.forEach((c, i) => {
      expect(lines).toContain(`${i + 1}. ${c}`);
    });
    for (const unit of [
      '研究制定乡村教师周转宿舍建设三年计划',
      '县教育局',
      '县交通运输局',
      '2026年3月31日',
      '办理中',
    ]) {
      expect(lines).toContain(unit);
    }
    expect(lines).toContain('孙丽（教育界，赞成，10:12:40）：赞同张伟委员的建议，专项资金应向薄弱学校倾斜。');

    const documentXml = await xml('word/document.xml');
    // Chinese runs name a CJK font for the eastAsia script.
    expect(documentXml).toMatch(/<w:rFonts [^>]*w:eastAsia="SimSun"/);
    expect(documentXml).toContain('w:hint="eastAsia"');
    // Attendance: the 界别 cell spans its people's rows (教育界 has two, the no-sector group three).
    expect(documentXml.match(/<w:vMerge w:val="restart"\/>/g)).toHaveLength(2);
  });

  it('puts version, status and hash in the page footer', async () => {
    const { zip, text } = await openDocx(await minutesDocx(minutesFixture(), 'zh-CN', { hash: FIXTURE_HASH }));
    const [footer] = zip.file(/^word\/footer\d*\.xml$/);
    const footerText = await text(footer!.name);
    expect(footerText).toContain(`纪要版本：v2　状态：已定稿　内容哈希：${FIXTURE_HASH}`);
  });

  it('uses English labels in the en locale', async () => {
    const { text } = await openDocx(await minutesDocx(minutesFixture(), 'en'));
    const body = await text('word/document.xml');
    for (const label of ['Minutes', 'Attendance', 'Speeches', 'Points of consensus', 'Action items', 'Owner unit']) {
      expect(body).toContain(label);
    }
    expect(body).toContain('Start: 10:05:00 · Duration: 05:12 · Contribution');
    expect(body).not.toContain('出席情况');
    expect(body.split('\n')[1]).toBe('Minutes');
    for (const s of summaries) expect(body).toContain(s);
  });
});

describe('sites and quick polls in the exports', () => {
  it('JSON: a top-level `polls` array with question, options, counts per option and `sites` as { name, counts }', () => {
    const parsed = JSON.parse(minutesJson(siteMinutesFixture())) as MinutesDocument;
    expect(parsed.polls.map(({ question, options, counts, sites }) => ({ question, options, counts, sites }))).toEqual([
      {
        question: '是否同意将校车线路延伸至水口村？',
        options: ['同意', '不同意', '弃权'],
        counts: [22, 6, 5],
        sites: [{ name: '水口村', counts: [20, 5, 5] }],
      },
      {
        question: '优先建设哪一项？',
        options: ['周转宿舍', '校车'],
        counts: [18, 16],
        sites: [{ name: '水口村', counts: [17, 14] }],
      },
    ]);
    expect(parsed.polls[0]).toMatchObject({
      askedBy: '王建国',
      openedAt: '2025-11-26T02:35:00.000Z',
      anonymous: false,
    });
    expect(parsed.polls[1]?.answers).toBeNull();
    expect(parsed.sites[0]).toMatchObject({ name: '水口村', maxHeadcount: 32 });
    expect(parsed.speeches.at(-1)).toMatchObject({ speaker: { name: '村民代表 王某', role: 'site' }, site: '水口村' });
  });

  it('Markdown: the site with its headcounts, its speaker at the site, each poll with members, site and total', () => {
    const md = minutesMarkdown(siteMinutesFixture());
    expect(mdSection(md, '分会场')).toContain('| 水口村 | 李文书 | 10:01 30 人、10:40 32 人 |');
    expect(md).toContain('### 4. 村民代表 王某 · 在水口村 · 分会场');
    const polls = mdSection(md, '表决与意见征询');
    expect(polls).toContain('不具约束力');
    expect(polls).toContain('### 1. 是否同意将校车线路延伸至水口村？');
    expect(polls).toContain('提问人：王建国　时间：10:35—10:38　记名');
    expect(polls).toContain('| 选项 | 委员 | 水口村 | 合计 |');
    expect(polls).toContain('| 同意 | 2 | 20 | 22 |');
    expect(polls).toContain('| 教育界 | 1 | 1 | 0 |');
    expect(polls).toContain('**记名结果**：张伟：同意、陈静：同意、孙丽：不同意');
    // The anonymous poll: counts only, and it is still open.
    const second = polls.slice(polls.indexOf('### 2.'));
    expect(second).toContain('10:41（未结束）　无记名');
    expect(second).toContain('| 校车 | 2 | 14 | 16 |');
    expect(second).not.toContain('记名结果');
  });

  it('Markdown and DOCX: minutes without polls or sites (and those finalized before them) say 无 and list no site', async () => {
    const old = minutesFixture() as Partial<MinutesDocument>;
    delete old.polls;
    delete old.sites;
    const md = minutesMarkdown(old as MinutesDocument);
    expect(mdSection(md, '表决与意见征询')).toContain('无');
    expect(md).not.toContain('## 分会场');
    const { text } = await openDocx(await minutesDocx(old as MinutesDocument));
    expect(await text('word/document.xml')).toContain('表决与意见征询');
  });

  it('DOCX: the speaker at the site, the site’s headcounts, and each poll’s counts in a table', async () => {
    const { text } = await openDocx(await minutesDocx(siteMinutesFixture()));
    const lines = (await text('word/document.xml')).split('\n');
    expect(lines).toContain('4. 村民代表 王某 在水口村（分会场）');
    expect(lines).toContain('10:01 30 人、10:40 32 人');
    expect(lines).toContain('1. 是否同意将校车线路延伸至水口村？');
    expect(lines).toContain('提问人：王建国　时间：10:35—10:38　记名');
    // The counts table, cell by cell: option, members, 水口村, total.
    const row = lines.indexOf('同意');
    expect(lines.slice(row, row + 4)).toEqual(['同意', '2', '20', '22']);
    expect(lines).toContain('记名结果：张伟：同意、陈静：同意、孙丽：不同意');
  });

  it('DOCX in English: Quick polls, Sites, and the speaker at the site', async () => {
    const { text } = await openDocx(await minutesDocx(siteMinutesFixture(), 'en'));
    const body = await text('word/document.xml');
    for (const label of [
      'Quick polls',
      'Sites',
      'consultative, not binding',
      'Asked by: 王建国',
      '村民代表 王某 at 水口村',
    ]) {
      expect(body).toContain(label);
    }
  });
});

describe('export formatting', () => {
  it('gives both locales the same label keys', () => {
    expect(Object.keys(labelsFor('en')).sort()).toEqual(Object.keys(labelsFor('zh-CN')).sort());
  });

  it('formats durations as mm:ss, times in the zone and due dates as calendar dates', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(75)).toBe('01:15');
    expect(formatDuration(3723)).toBe('62:03');
    expect(formatTime('2025-11-26T16:00:00.000Z', 'Asia/Shanghai')).toBe('00:00:00');
    expect(formatDueDate('2026-03-31', 'America/Los_Angeles', 'en')).toBe('31 March 2026');
    expect(formatDueDate('尽快', 'Asia/Shanghai', 'zh-CN')).toBe('尽快');
    expect(() => formatTime('2025-11-26T02:00:00Z', 'Mars/Olympus')).toThrow(RangeError);
  });
});
