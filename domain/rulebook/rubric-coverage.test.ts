/**
 * Walks the 2022 rubric clause by clause and proves the rulebook encodes it:
 * every fragment of every 扣分标准 cell maps to a rule with the right amount
 * and basis, every rule quotes the rubric verbatim, and no rule deducts
 * points the rubric does not name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRulebook } from './parse';
import type { DeductionBasis } from './types';

const rubric = readFileSync(new URL('../../rulebooks/source/rubric-2022.zh.txt', import.meta.url), 'utf8');
const rulebook = parseRulebook(readFileSync(new URL('../../rulebooks/2022.yaml', import.meta.url), 'utf8'), 'rulebooks/2022.yaml');

/** The 扣分标准 column of the rubric, cell by cell, copied verbatim. */
const DEDUCTION_COLUMN: ReadonlyArray<{ section: number; item: string; text: string }> = [
  { section: 1, item: '涉毒人员', text: '未建立或台账信息不全扣1分，不按期开展走访每次扣1分。' },
  { section: 1, item: '严重精神病人', text: '未建立或台账信息不全扣1分，不按期开展走访每次扣1分，未签订监护责任书扣1分。' },
  { section: 1, item: '邪教人员', text: '未建立或台账信息不全扣1分，对邪教人员情况不清楚、脱管扣2分。' },
  { section: 1, item: '社区矫正人员', text: '未建立或台账信息不全扣1分，对社区矫正人员情况不清楚、脱管扣2分。' },
  { section: 1, item: '刑满释放人员', text: '未建立或台账信息不全扣1分，对刑满释放人员情况不清楚、脱管扣2分。' },
  { section: 1, item: '问题青少年', text: '未建立或台账信息不全扣1分，对重点未成年情况不清楚、脱管扣2分。' },
  { section: 1, item: '艾滋病人', text: '未建立或台账信息不全扣1分，对艾滋病人情况不清楚、脱管扣2分。' },
  { section: 2, item: '防电信诈骗', text: '每月未开展宣传、摸排相关工作，每次扣1分。' },
  { section: 3, item: '禁毒工作', text: '未签订禁毒责任书扣1分，未开展禁毒宣传扣1分，未组织日常巡查或巡查不到位扣1分，未及时发现制毒案件扣10分。' },
  { section: 4, item: '多元化解', text: '未建立台账或台账不全面扣1分，每月未对未化解矛盾纠纷进行跟踪管控扣1分。未及时上报相关资料扣1分，未完成录入工作的扣1分。' },
  { section: 5, item: '维稳工作', text: '未建立台账或台账不全面扣1分，未落实一盯一管控人员扣1分，管控措施不到位扣1分，发现异常未及时上报扣1分，，出现一起到省上访扣3分，出现一起进京上访扣5分。' },
  { section: 6, item: '安全生产', text: '未按要求组织学习扣1分，未按要求进行宣传扣1分，未开展工作检查扣2分，未建立台账或发现问题未落实整改扣1分，发生一起较大安全事故扣5分。' },
  { section: 6, item: '食品安全', text: '未按要求进行宣传扣1分，未开展工作检查扣2分，未建立台账或发现问题未落实整改扣1分，未按要求劝导或备案扣1分，发生一起食品安全事故扣2分。' },
  { section: 6, item: '消防安全', text: '未按要求进行宣传扣1分，未开展工作检查扣2分，未建立台账或发现问题未落实整改扣1分，出现消防事故却不清楚扣2分，发生一起较大消防事故扣2分。' },
  { section: 6, item: '农村道路安全', text: '未开展宣传和劝导扣1分，未做好录入扣1分，未排查或排查出问题未整改扣2分。' },
  { section: 6, item: '防汛', text: '未落实值班值守扣2分，未建立防汛救援队伍扣1分，未做好防汛物资储备或日常监管扣1分，对内涝点未采取措施扣1分。' },
  { section: 6, item: '地质灾害', text: '未开展日常排查、排查出问题未及时上报或做好防范措施扣2分。' },
  { section: 6, item: '铁路安全', text: '未开展铁路安全宣传劝导扣1分，未做好铁路护路墩维护扣1分，出现一起影响铁路安全的行为扣1分。' },
  { section: 6, item: '防灾减灾', text: '未及时上报灾情的扣2分，未及时上报各类救助的扣2分。' },
  { section: 6, item: '应急救援', text: '未建立应急救援队伍和制度扣2分，未做好物质保管扣1分。' },
  { section: 7, item: '综合', text: '资料报送不及时每次扣0.5分，综治中心制度未上墙扣2分，被县级通报扣2分，被县级以上通报扣5分。' },
];

type Row = readonly [section: number, item: string, clause: string, ruleId: string, amount: number, basis: DeductionBasis];

/** Clause -> rule, amount, basis. Every rule that deducts points is listed here. */
const CLAUSES: readonly Row[] = [
  [1, '涉毒人员', '未建立或台账信息不全扣1分', 'drug-users.ledger', 1, 'per-period'],
  [1, '涉毒人员', '不按期开展走访每次扣1分', 'drug-users.visit', 1, 'per-subject'],
  [1, '严重精神病人', '未建立或台账信息不全扣1分', 'mental-illness.ledger', 1, 'per-period'],
  [1, '严重精神病人', '不按期开展走访每次扣1分', 'mental-illness.visit', 1, 'per-subject'],
  [1, '严重精神病人', '未签订监护责任书扣1分', 'mental-illness.guardian-letter', 1, 'per-period'],
  [1, '邪教人员', '未建立或台账信息不全扣1分', 'cult.ledger', 1, 'per-period'],
  [1, '邪教人员', '对邪教人员情况不清楚、脱管扣2分', 'cult.out-of-supervision', 2, 'per-occurrence'],
  [1, '社区矫正人员', '未建立或台账信息不全扣1分', 'corrections.ledger', 1, 'per-period'],
  [1, '社区矫正人员', '对社区矫正人员情况不清楚、脱管扣2分', 'corrections.out-of-supervision', 2, 'per-occurrence'],
  [1, '刑满释放人员', '未建立或台账信息不全扣1分', 'released.ledger', 1, 'per-period'],
  [1, '刑满释放人员', '对刑满释放人员情况不清楚、脱管扣2分', 'released.out-of-supervision', 2, 'per-occurrence'],
  [1, '问题青少年', '未建立或台账信息不全扣1分', 'youth.ledger', 1, 'per-period'],
  [1, '问题青少年', '对重点未成年情况不清楚、脱管扣2分', 'youth.out-of-supervision', 2, 'per-occurrence'],
  [1, '艾滋病人', '未建立或台账信息不全扣1分', 'hiv.ledger', 1, 'per-period'],
  [1, '艾滋病人', '对艾滋病人情况不清楚、脱管扣2分', 'hiv.out-of-supervision', 2, 'per-occurrence'],
  [2, '防电信诈骗', '每月未开展宣传、摸排相关工作，每次扣1分', 'fraud.publicity', 1, 'per-period'],
  [2, '防电信诈骗', '每月未开展宣传、摸排相关工作，每次扣1分', 'fraud.investigation', 1, 'per-period'],
  [3, '禁毒工作', '未签订禁毒责任书扣1分', 'drugs.responsibility-letter', 1, 'per-period'],
  [3, '禁毒工作', '未开展禁毒宣传扣1分', 'drugs.publicity', 1, 'per-period'],
  [3, '禁毒工作', '未组织日常巡查或巡查不到位扣1分', 'drugs.venue-patrol', 1, 'per-period'],
  [3, '禁毒工作', '未及时发现制毒案件扣10分', 'drugs.undiscovered-manufacturing', 10, 'per-occurrence'],
  [4, '多元化解', '未建立台账或台账不全面扣1分', 'mediation.ledger', 1, 'per-period'],
  [4, '多元化解', '每月未对未化解矛盾纠纷进行跟踪管控扣1分', 'mediation.follow-up', 1, 'per-period'],
  [4, '多元化解', '未及时上报相关资料扣1分', 'mediation.late-report', 1, 'per-occurrence'],
  [4, '多元化解', '未完成录入工作的扣1分', 'mediation.app-entries', 1, 'per-period'],
  [5, '维稳工作', '未建立台账或台账不全面扣1分', 'stability.ledger', 1, 'per-period'],
  [5, '维稳工作', '未落实一盯一管控人员扣1分', 'stability.controller-assigned', 1, 'per-period'],
  [5, '维稳工作', '管控措施不到位扣1分', 'stability.window-control', 1, 'per-period'],
  [5, '维稳工作', '发现异常未及时上报扣1分', 'stability.anomaly-unreported', 1, 'per-occurrence'],
  [5, '维稳工作', '出现一起到省上访扣3分', 'stability.petition-province', 3, 'per-occurrence'],
  [5, '维稳工作', '出现一起进京上访扣5分', 'stability.petition-beijing', 5, 'per-occurrence'],
  [6, '安全生产', '未按要求组织学习扣1分', 'work-safety.law-study', 1, 'per-period'],
  [6, '安全生产', '未按要求进行宣传扣1分', 'work-safety.publicity', 1, 'per-period'],
  [6, '安全生产', '未开展工作检查扣2分', 'work-safety.inspection', 2, 'per-period'],
  [6, '安全生产', '未建立台账或发现问题未落实整改扣1分', 'work-safety.ledger', 1, 'per-period'],
  [6, '安全生产', '发生一起较大安全事故扣5分', 'work-safety.major-accident', 5, 'per-occurrence'],
  [6, '食品安全', '未按要求进行宣传扣1分', 'food.publicity', 1, 'per-period'],
  [6, '食品安全', '未开展工作检查扣2分', 'food.inspection', 2, 'per-period'],
  [6, '食品安全', '未建立台账或发现问题未落实整改扣1分', 'food.ledger', 1, 'per-period'],
  [6, '食品安全', '未按要求劝导或备案扣1分', 'food.banquet-filing', 1, 'per-occurrence'],
  [6, '食品安全', '发生一起食品安全事故扣2分', 'food.incident', 2, 'per-occurrence'],
  [6, '消防安全', '未按要求进行宣传扣1分', 'fire.publicity', 1, 'per-period'],
  [6, '消防安全', '未开展工作检查扣2分', 'fire.inspection', 2, 'per-period'],
  [6, '消防安全', '未建立台账或发现问题未落实整改扣1分', 'fire.ledger', 1, 'per-period'],
  [6, '消防安全', '出现消防事故却不清楚扣2分', 'fire.unaware-of-fire', 2, 'per-occurrence'],
  [6, '消防安全', '发生一起较大消防事故扣2分', 'fire.major-fire', 2, 'per-occurrence'],
  [6, '农村道路安全', '未开展宣传和劝导扣1分', 'road.publicity', 1, 'per-period'],
  [6, '农村道路安全', '未做好录入扣1分', 'road.app-entry', 1, 'per-period'],
  [6, '农村道路安全', '未排查或排查出问题未整改扣2分', 'road.inspection', 2, 'per-period'],
  [6, '防汛', '未落实值班值守扣2分', 'flood.duty', 2, 'per-period'],
  [6, '防汛', '未建立防汛救援队伍扣1分', 'flood.rescue-team', 1, 'per-period'],
  [6, '防汛', '未做好防汛物资储备或日常监管扣1分', 'flood.materials', 1, 'per-period'],
  [6, '防汛', '对内涝点未采取措施扣1分', 'flood.waterlogging-points', 1, 'per-period'],
  [6, '地质灾害', '未开展日常排查、排查出问题未及时上报或做好防范措施扣2分', 'geo.inspection', 2, 'per-period'],
  [6, '铁路安全', '未开展铁路安全宣传劝导扣1分', 'railway.publicity', 1, 'per-period'],
  [6, '铁路安全', '未做好铁路护路墩维护扣1分', 'railway.bollards', 1, 'per-period'],
  [6, '铁路安全', '出现一起影响铁路安全的行为扣1分', 'railway.endangering-act', 1, 'per-occurrence'],
  [6, '防灾减灾', '未及时上报灾情的扣2分', 'disaster.report', 2, 'per-occurrence'],
  [6, '防灾减灾', '未及时上报各类救助的扣2分', 'disaster.relief-application', 2, 'per-occurrence'],
  [6, '应急救援', '未建立应急救援队伍和制度扣2分', 'emergency.team-and-rules', 2, 'per-period'],
  [6, '应急救援', '未做好物质保管扣1分', 'emergency.materials', 1, 'per-period'],
  [7, '综合', '资料报送不及时每次扣0.5分', 'general.late-submission', 0.5, 'per-occurrence'],
  [7, '综合', '综治中心制度未上墙扣2分', 'general.rules-on-wall', 2, 'per-period'],
  [7, '综合', '被县级通报扣2分', 'general.county-notice', 2, 'per-occurrence'],
  [7, '综合', '被县级以上通报扣5分', 'general.above-county-notice', 5, 'per-occurrence'],
];

/** Strip whitespace: the source file wraps some cells. */
const squash = (text: string) => text.replace(/\s+/g, '');

describe('the 2022 rulebook encodes the 2022 rubric', () => {
  it('copies every 扣分标准 cell of the test table verbatim from the rubric', () => {
    for (const cell of DEDUCTION_COLUMN) expect(squash(rubric)).toContain(squash(cell.text));
  });

  it('names every section and sub-item of the rubric', () => {
    expect(rulebook.sections.map((s) => `${s.number} ${s.title}`)).toEqual([
      '1 特殊群体',
      '2 防电信诈骗',
      '3 禁毒工作',
      '4 多元化解',
      '5 维稳工作',
      '6 安全工作',
      '7 综合',
    ]);
    const items = new Set(rulebook.rules.map((r) => `${r.section} ${r.item}`));
    for (const cell of DEDUCTION_COLUMN) expect(items).toContain(`${cell.section} ${cell.item}`);
  });

  describe.each(CLAUSES)('§%i %s “%s”', (section, item, clause, ruleId, amount, basis) => {
    it(`is rule ${ruleId}: -${amount} ${basis}`, () => {
      const rule = rulebook.rules.find((r) => r.id === ruleId);
      expect(rule, `rule ${ruleId}`).toBeDefined();
      expect(rule).toMatchObject({ section, item, clause, deduction: { amount, basis } });
    });
  });

  it('maps every fragment of every 扣分标准 cell (split on ， and 。) to a rule of that item', () => {
    const unmapped: string[] = [];
    for (const cell of DEDUCTION_COLUMN) {
      const fragments = cell.text.split(/[，。]/).map((f) => f.trim()).filter((f) => f !== '');
      for (const fragment of fragments) {
        const rows = CLAUSES.filter(([s, i, clause]) => s === cell.section && i === cell.item && clause.includes(fragment));
        const rules = rulebook.rules.filter((r) => r.section === cell.section && r.item === cell.item && r.clause.includes(fragment));
        if (rows.length === 0 || rules.length === 0) unmapped.push(`${cell.section} ${cell.item}: ${fragment}`);
      }
    }
    expect(unmapped).toEqual([]);
  });

  it('deducts nothing the rubric does not name: every rule with points is in the clause table', () => {
    const tabled = new Set(CLAUSES.map((row) => row[3]));
    const extra = rulebook.rules.filter((r) => r.deduction.amount > 0 && !tabled.has(r.id)).map((r) => r.id);
    expect(extra).toEqual([]);
  });

  it('quotes the rubric verbatim in every clause and requirement', () => {
    const source = squash(rubric);
    const misquoted = rulebook.rules.flatMap((r) => [
      ...(source.includes(squash(r.clause)) ? [] : [`${r.id} clause: ${r.clause}`]),
      ...(r.requirement === undefined || source.includes(squash(r.requirement)) ? [] : [`${r.id} requirement: ${r.requirement}`]),
    ]);
    expect(misquoted).toEqual([]);
  });

  it('keeps the notable amounts: -0.5 late submission, -10 drug manufacturing, -3 province / -5 Beijing petitions, -5 major accident', () => {
    const amount = (id: string) => rulebook.rules.find((r) => r.id === id)?.deduction.amount;
    expect(amount('general.late-submission')).toBe(0.5);
    expect(amount('drugs.undiscovered-manufacturing')).toBe(10);
    expect(amount('stability.petition-province')).toBe(3);
    expect(amount('stability.petition-beijing')).toBe(5);
    expect(amount('work-safety.major-accident')).toBe(5);
  });
});
