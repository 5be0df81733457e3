// Chinese labels for the codes the API returns (statuses, events, channels,
// automatic checks, period keys). A code with no label is never shown raw:
// the caller's fallback is.
import { zhCN, type MessageKey } from '../i18n/zh-CN';
import type { Translate } from '../i18n';

/** t(prefix + code) when such a message exists, else the fallback. */
export function codeLabel(t: Translate, prefix: string, code: string, fallback: string): string {
  const key = `${prefix}${code}`;
  return key in zhCN ? t(key as MessageKey) : fallback;
}

/** "2022-03" → 2022年3月, "2022" → 2022年, "2022-Q2" → 2022年第2季度, "2022-H1" → 2022年上半年; other keys are not for people. */
export function periodText(key: string | null): string | null {
  if (!key) return null;
  let m: RegExpMatchArray | null;
  if ((m = key.match(/^(\d{4})-(\d{2})$/))) return `${m[1]}年${Number(m[2])}月`;
  if ((m = key.match(/^(\d{4})$/))) return `${m[1]}年`;
  if ((m = key.match(/^(\d{4})-Q([1-4])$/))) return `${m[1]}年第${m[2]}季度`;
  if ((m = key.match(/^(\d{4})-H([12])$/))) return `${m[1]}年${m[2] === '1' ? '上' : '下'}半年`;
  return null;
}
