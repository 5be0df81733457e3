import type { ProviderKind } from './types';

// What each provider's documented error codes mean for a send, as data: one
// table per provider, looked up by classifyProviderCode. The adapters turn the
// verdict into PermanentSendError / TransientSendError; deliver() acts on it.
// Sources (docs/notifications.md lists them with the treatment of every code):
// Aliyun 国内消息API错误码 help.aliyun.com/document_detail/101346.html;
// Tencent SMS 错误码 cloud.tencent.com/document/api/382/52075 and 59177;
// WeCom 群机器人 developer.work.weixin.qq.com/document/path/91770 and 全局错误码 90313;
// DingTalk 自定义机器人 open.dingtalk.com/document/orgapp/custom-robot-access;
// Feishu 自定义机器人使用指南 open.feishu.cn/document/client-docs/bot-v3/add-custom-bot.

export type ErrorTreatment =
  /** Retrying cannot help (bad number, credentials, unapproved template, no balance): next channel at once. */
  | { kind: 'permanent' }
  /** A provider fault that may clear: retry with backoff. */
  | { kind: 'transient' }
  /** A rate limit: wait out its window (or the provider's Retry-After), then retry; a window longer than the fallback bound means fallback. */
  | { kind: 'rate-limit'; windowMs: number }
  /** The provider may have sent it (its own timeout towards the carrier): ask before sending again. */
  | { kind: 'in-doubt' };

const permanent: ErrorTreatment = { kind: 'permanent' };
const transient: ErrorTreatment = { kind: 'transient' };
const inDoubt: ErrorTreatment = { kind: 'in-doubt' };
const rateLimit = (windowMs: number): ErrorTreatment => ({ kind: 'rate-limit', windowMs });

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface CodeTable {
  /** Exact codes first, then the longest matching prefix (`InternalError.` …), then the default. */
  exact: Record<string, ErrorTreatment | ((message: string) => ErrorTreatment)>;
  prefixes: Array<[prefix: string, treatment: ErrorTreatment]>;
  fallback: ErrorTreatment;
}

/**
 * isv.BUSINESS_LIMIT_CONTROL says which window was hit in its message
 * ("触发分钟级流控Permits:1", "触发小时级流控Permits:5", "触发天级流控Permits:10").
 * An unknown wording is taken as the minute level (the shortest wait).
 */
export function aliyunFlowControlWindow(message: string): number {
  if (/天级|day/i.test(message)) return DAY;
  if (/小时级|hour/i.test(message)) return HOUR;
  return MINUTE;
}

const ALIYUN: CodeTable = {
  exact: {
    'isv.BUSINESS_LIMIT_CONTROL': (message) => rateLimit(aliyunFlowControlWindow(message)),
    'isv.DAY_LIMIT_CONTROL': rateLimit(DAY), // the account's daily cap set in the console
    'isv.MONTH_LIMIT_CONTROL': permanent,
    Throttling: rateLimit(SECOND),
    'Throttling.User': rateLimit(SECOND),
    'Throttling.Api': rateLimit(SECOND),
    'isp.SYSTEM_ERROR': transient,
    'isp.GATEWAY_ERROR': transient,
    ServiceUnavailable: transient,
    InternalError: transient,
    // A fresh nonce on the next attempt solves it.
    SignatureNonceUsed: transient,
    'isv.MOBILE_NUMBER_ILLEGAL': permanent,
    'isv.AMOUNT_NOT_ENOUGH': permanent,
    'isv.OUT_OF_SERVICE': permanent,
    SignatureDoesNotMatch: permanent,
    'InvalidAccessKeyId.NotFound': permanent,
    'InvalidTimeStamp.Expired': permanent, // the worker's clock is off: waiting does not fix it
  },
  prefixes: [['isp.', transient]],
  fallback: permanent,
};

const TENCENT: CodeTable = {
  exact: {
    'LimitExceeded.PhoneNumberThirtySecondLimit': rateLimit(30 * SECOND),
    'LimitExceeded.PhoneNumberOneHourLimit': rateLimit(HOUR),
    'LimitExceeded.PhoneNumberDailyLimit': rateLimit(DAY),
    'LimitExceeded.AppDailyLimit': rateLimit(DAY),
    'LimitExceeded.AppCountryOrRegionDailyLimit': rateLimit(DAY),
    'LimitExceeded.AppGlobalDailyLimit': rateLimit(DAY),
    'LimitExceeded.AppMainlandChinaDailyLimit': rateLimit(DAY),
    // "下发短信命中了频率限制策略": the console's frequency policy, whose shortest window is 30 s.
    'LimitExceeded.DeliveryFrequencyLimit': rateLimit(30 * SECOND),
    'LimitExceeded.PhoneNumberCountLimit': permanent,
    RequestLimitExceeded: rateLimit(SECOND),
    // "请求下发短信超时" / "接口超时或短信收发包超时": the message may have gone to the carrier.
    'InternalError.Timeout': inDoubt,
    'InternalError.SendAndRecvFail': inDoubt,
    'InternalError.OtherError': transient,
    'InternalError.UnknownError': transient,
    'InternalError.ParseBackendResponseFail': transient,
    InternalError: transient,
    // Signature, clock skew, malformed request: no retry can fix them.
    'InternalError.SigFail': permanent,
    'InternalError.SigVerificationFail': permanent,
    'InternalError.SigFieldMissing': permanent,
    'InternalError.RequestTimeException': permanent,
    'InternalError.RestApiInterfaceNotExist': permanent,
    'InternalError.JsonParseFail': permanent,
  },
  prefixes: [
    ['RequestLimitExceeded.', rateLimit(SECOND)],
    ['ResourceUnavailable.', transient],
    ['InternalError.', transient],
    ['AuthFailure.', permanent],
    ['FailedOperation.', permanent],
    ['InvalidParameter', permanent],
    ['UnauthorizedOperation.', permanent],
    ['UnsupportedOperation.', permanent],
    ['LimitExceeded.', permanent],
  ],
  fallback: permanent,
};

const WECOM: CodeTable = {
  exact: { '45009': rateLimit(MINUTE), '45033': rateLimit(MINUTE), '-1': transient },
  prefixes: [],
  fallback: permanent,
};

const DINGTALK: CodeTable = {
  // 130101: sent too fast (20 a minute); 410100 / 660026: over the limit, the robot is muted for 10 minutes.
  exact: { '130101': rateLimit(MINUTE), '410100': rateLimit(10 * MINUTE), '660026': rateLimit(10 * MINUTE), '-1': transient },
  prefixes: [],
  fallback: permanent,
};

const FEISHU: CodeTable = {
  // 9499 "Too Many Request", 11232 "frequency limited" (100 a minute, 5 a second per bot).
  exact: { '9499': rateLimit(SECOND), '11232': rateLimit(MINUTE), '11233': rateLimit(MINUTE), '11247': rateLimit(MINUTE) },
  prefixes: [],
  fallback: permanent,
};

const TABLES: Partial<Record<ProviderKind, CodeTable>> = {
  'aliyun-sms': ALIYUN,
  'tencent-sms': TENCENT,
  wecom: WECOM,
  dingtalk: DINGTALK,
  feishu: FEISHU,
};

/** The documented meaning of a provider's business code (message: the provider's text, for codes that carry a level in it). */
export function classifyProviderCode(provider: ProviderKind, code: string, message = ''): ErrorTreatment {
  if (provider === 'smtp') return classifySmtpReply(Number(code));
  const table = TABLES[provider];
  if (!table) return permanent;
  const exact = table.exact[code];
  if (exact) return typeof exact === 'function' ? exact(message) : exact;
  const prefix = table.prefixes.filter(([p]) => code.startsWith(p)).sort((a, b) => b[0].length - a[0].length)[0];
  return prefix ? prefix[1] : table.fallback;
}

/** SMTP: 4xx is "try again later" (greylisting, mailbox full), 5xx is final (RFC 5321 §4.2.1). */
export function classifySmtpReply(replyCode: number): ErrorTreatment {
  if (replyCode >= 400 && replyCode < 500) return transient;
  if (replyCode >= 500) return permanent;
  return transient;
}

/** HTTP-level answers before any business code: 429 waits for Retry-After (one minute without it), 5xx is a fault. */
export function classifyHttpStatus(status: number, retryAfter: string | null, now: Date = new Date()): ErrorTreatment | null {
  if (status === 429) return rateLimit(retryAfterMs(retryAfter, now) ?? MINUTE);
  if (status === 503) {
    const ms = retryAfterMs(retryAfter, now);
    return ms === undefined ? transient : rateLimit(ms);
  }
  if (status >= 500) return transient;
  return null;
}

/** Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now: Date = new Date()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
