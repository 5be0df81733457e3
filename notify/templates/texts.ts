import type { EventType } from '../types';

// The wording of every notification, as data. Placeholders in {braces} are
// filled by render.ts after escaping for the target format. SMS providers only
// send pre-approved templates: `sms` lists the variables (name and order) the
// approved template must declare; the template code itself lives in config.
// Links are never SMS variables (Aliyun rejects URL variables: isv.PARAM_NOT_SUPPORT_URL).

export interface TemplateText {
  subject: string;
  title: string;
  lines: string[];
  linkText: string;
  sms: Array<[name: string, placeholder: string]>;
  /** Suggested approved-template body, for filing with the SMS providers. */
  smsBody: string;
}

export const ESCALATION_LEVEL_NAMES: Record<1 | 2 | 3, string> = { 1: '社区书记', 2: '挂片领导', 3: '政法委员' };

export const TEMPLATE_TEXTS: Record<Exclude<EventType, 'digest'>, TemplateText> = {
  reminder: {
    subject: '【督办提醒】{communityName}·{ruleTitle}（{period}）',
    title: '督办提醒：{ruleTitle}',
    lines: [
      '{communityName}的“{ruleTitle}”（{clause}，{period}）将于{deadline}截止。',
      '未按时完成将扣{points}分，请及时完成并上传佐证材料。',
    ],
    linkText: '查看任务',
    sms: [
      ['community', '{communityName}'],
      ['rule', '{ruleTitle}'],
      ['deadline', '{deadline}'],
    ],
    smsBody: '${community}的“${rule}”将于${deadline}截止，请及时完成并上传佐证材料。',
  },
  'due-today': {
    subject: '【今日截止】{communityName}·{ruleTitle}（{period}）',
    title: '今日截止：{ruleTitle}',
    lines: ['{communityName}的“{ruleTitle}”（{clause}，{period}）今天截止（{deadline}）。', '目前尚未提交佐证材料，逾期将扣{points}分。'],
    linkText: '立即办理',
    sms: [
      ['community', '{communityName}'],
      ['rule', '{ruleTitle}'],
    ],
    smsBody: '${community}的“${rule}”今天截止，尚未提交佐证材料，请尽快办理。',
  },
  overdue: {
    subject: '【已逾期】{communityName}·{ruleTitle}（{period}）',
    title: '已逾期：{ruleTitle}',
    lines: [
      '{communityName}的“{ruleTitle}”（{clause}，{period}）已于{deadline}逾期，按细则扣{points}分。',
      '补交材料仍可办结任务，但不撤销扣分；如有异议请走申诉流程。',
    ],
    linkText: '补交材料',
    sms: [
      ['community', '{communityName}'],
      ['rule', '{ruleTitle}'],
      ['points', '{points}'],
    ],
    smsBody: '${community}的“${rule}”已逾期，按细则扣${points}分，请尽快补交材料。',
  },
  escalation: {
    subject: '【督办升级·{escalationLevel}】{communityName}·{ruleTitle}',
    title: '督办升级至{escalationLevel}：{ruleTitle}',
    lines: [
      '{communityName}的“{ruleTitle}”（{clause}，{period}）已于{deadline}逾期未办结，扣{points}分。',
      '现升级至{escalationLevel}，请督促落实并在系统中确认。',
    ],
    linkText: '查看并确认',
    sms: [
      ['community', '{communityName}'],
      ['rule', '{ruleTitle}'],
      ['level', '{escalationLevel}'],
    ],
    smsBody: '${community}的“${rule}”逾期未办结，已升级至${level}，请督促落实并在系统中确认。',
  },
  'evidence-rejected': {
    subject: '【材料退回】{communityName}·{ruleTitle}（{period}）',
    title: '佐证材料退回：{ruleTitle}',
    lines: [
      '“{ruleTitle}”（{clause}，{period}）的佐证材料未通过审核。',
      '退回原因：{rejectionReason}',
      '请于{deadline}前重新提交，逾期将扣{points}分。',
    ],
    linkText: '重新提交',
    sms: [
      ['rule', '{ruleTitle}'],
      ['reason', '{rejectionReason}'],
    ],
    smsBody: '“${rule}”的佐证材料被退回，原因：${reason}。请登录督办系统重新提交。',
  },
  'review-requested': {
    subject: '【待审核】{communityName}·{ruleTitle}（{period}）',
    title: '佐证材料待审核：{ruleTitle}',
    lines: [
      '{communityName}已提交“{ruleTitle}”（{clause}，{period}）的佐证材料，请审核。',
      '截止前提交的材料在审核通过后不扣分；审核越早，退回后越有时间补交。',
    ],
    linkText: '去审核',
    sms: [
      ['community', '{communityName}'],
      ['rule', '{ruleTitle}'],
    ],
    smsBody: '${community}已提交“${rule}”的佐证材料，请登录督办系统审核。',
  },
  'review-overdue': {
    subject: '【审核逾期】{communityName}·{ruleTitle}（{period}）',
    title: '佐证材料逾期未审核：{ruleTitle}',
    lines: [
      '{communityName}在截止（{deadline}）前提交了“{ruleTitle}”（{clause}，{period}）的佐证材料，至今未审核。',
      '未审核前该任务既不能办结也不能扣分（涉及{points}分），请督促审核人员尽快审核。',
    ],
    linkText: '查看并确认',
    sms: [
      ['community', '{communityName}'],
      ['rule', '{ruleTitle}'],
    ],
    smsBody: '${community}“${rule}”的佐证材料逾期未审核，请督促尽快审核。',
  },
};

/** The batch of one official's escalations (notify/digest.ts escalationBatch); items are worded like the digest's. */
export const ESCALATION_BATCH_TEXT = {
  subject: '【督办升级】共{count}项逾期任务待您督促确认',
  title: '督办升级：{count}项任务',
  intro: '以下{count}项任务逾期未办结或材料逾期未审核，已升级至您，请督促落实并在督办系统中逐项确认：',
  linkText: '打开督办升级页确认',
  // SMS goes out under the digest's approved template (same variables): a second template needs its own filing.
  sms: [
    ['day', '{day}'],
    ['count', '{count}'],
  ] as Array<[string, string]>,
  smsBody: '督办日报：${day}共有${count}项任务需要关注，请登录督办系统查看。',
} as const;

export const DIGEST_TEXT = {
  subject: '【督办日报】{day}：共{count}项待关注',
  title: '督办日报（{day}）',
  intro: '今日共有{count}项任务需要关注：',
  item: '{communityName}·{ruleTitle}（{period}）：{status}，截止{deadline}，涉及{points}分',
  status: {
    reminder: '待办',
    'due-today': '今日截止',
    overdue: '已逾期',
    escalation: '已升级',
    'evidence-rejected': '材料退回',
    'review-requested': '待审核',
    'review-overdue': '审核逾期',
  },
  linkText: '打开督办台',
  sms: [
    ['day', '{day}'],
    ['count', '{count}'],
  ] as Array<[string, string]>,
  smsBody: '督办日报：${day}共有${count}项任务需要关注，请登录督办系统查看。',
} as const;
